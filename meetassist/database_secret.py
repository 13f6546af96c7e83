"""The database connection from an AWS Secrets Manager secret in the RDS JSON shape.

RDS and ``aws secretsmanager create-secret`` (DEPLOY.md) store
``{"engine": "postgres", "host": …, "port": 5432, "username": …, "password": …,
"dbname": …}``. Settings call :func:`database_from_secret` once at start-up; the answer is
cached, so a warm Lambda container never asks Secrets Manager again.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured

REQUIRED_KEYS = ("host", "username", "password")
DEFAULT_PORT = 5432
DEFAULT_DBNAME = "postgres"  # what RDS names the database it creates when none is given


def _region_of(secret_id: str) -> str | None:
    """An ARN names its region (arn:aws:secretsmanager:REGION:…); a bare name does not."""
    parts = secret_id.split(":")
    if secret_id.startswith("arn:") and len(parts) > 3 and parts[3]:
        return parts[3]
    return None


@functools.cache
def _fetch_secret_string(secret_id: str) -> str:
    """The secret's text, asked of Secrets Manager once per process and secret."""
    # boto3 is imported here: only deployments that use a secret pay for it at start-up.
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    # Short timeouts: in a VPC without a Secrets Manager endpoint or NAT the call would
    # otherwise hang until Lambda kills the function, with no message.
    config = Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 3})
    client = boto3.client("secretsmanager", region_name=_region_of(secret_id), config=config)
    try:
        return client.get_secret_value(SecretId=secret_id)["SecretString"]
    except (BotoCoreError, ClientError, KeyError) as err:
        raise ImproperlyConfigured(
            f"Cannot read the database secret {secret_id} (DATABASE_SECRET_ARN): {err}. "
            "Check the ARN, the function's IAM permission secretsmanager:GetSecretValue and "
            "its network path to Secrets Manager (VPC endpoint or NAT)."
        ) from err


def parse_rds_secret(secret_string: str, *, secret_id: str) -> dict[str, Any]:
    """Django's DATABASES entry for a secret in the RDS JSON shape."""
    try:
        secret = json.loads(secret_string)
    except ValueError as err:
        raise ImproperlyConfigured(
            f"The database secret {secret_id} is not JSON in the RDS shape "
            '{"host", "port", "username", "password", "dbname"}.'
        ) from err
    if not isinstance(secret, dict):
        raise ImproperlyConfigured(f"The database secret {secret_id} is not a JSON object.")
    missing = [key for key in REQUIRED_KEYS if not secret.get(key)]
    if missing:
        raise ImproperlyConfigured(
            f"The database secret {secret_id} lacks {', '.join(missing)} "
            "(RDS shape: host, port, username, password, dbname)."
        )
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": secret.get("dbname") or DEFAULT_DBNAME,
        "USER": secret["username"],
        "PASSWORD": secret["password"],
        "HOST": secret["host"],
        "PORT": str(secret.get("port") or DEFAULT_PORT),
    }


def database_from_secret(secret_id: str) -> dict[str, Any]:
    """A fresh DATABASES entry from the secret (read from AWS on the first call only)."""
    return parse_rds_secret(_fetch_secret_string(secret_id), secret_id=secret_id)
