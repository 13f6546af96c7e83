"""The database settings from an RDS-shaped secret in Secrets Manager (moto's server)."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured

from meetassist import database_secret
from meetassist.database_secret import database_from_secret

pytestmark = pytest.mark.django_db

RDS_SECRET = {
    "engine": "postgres",
    "host": "meetassist.abc123.ap-southeast-1.rds.amazonaws.com",
    "port": 5432,
    "username": "meetassist",
    "password": "s3cr3t-with-ký-tự",
    "dbname": "meetassist",
    "dbInstanceIdentifier": "meetassist",
}


@pytest.fixture
def secrets_client(s3_endpoint: str, monkeypatch):
    """Secrets Manager on moto's server; every boto3 client in this test goes there."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    database_secret._fetch_secret_string.cache_clear()
    yield boto3.client("secretsmanager", region_name="ap-southeast-1")
    database_secret._fetch_secret_string.cache_clear()


def _store(client, value: object) -> str:
    name = f"meetassist/test/database-{uuid.uuid4().hex[:8]}"
    text = value if isinstance(value, str) else json.dumps(value)
    return client.create_secret(Name=name, SecretString=text)["ARN"]


def test_rds_shaped_secret_becomes_the_postgresql_database_entry(secrets_client):
    arn = _store(secrets_client, RDS_SECRET)

    assert database_from_secret(arn) == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "meetassist",
        "USER": "meetassist",
        "PASSWORD": "s3cr3t-with-ký-tự",
        "HOST": "meetassist.abc123.ap-southeast-1.rds.amazonaws.com",
        "PORT": "5432",
    }


def test_port_and_database_name_default_as_rds_does(secrets_client):
    arn = _store(secrets_client, {"host": "db.internal", "username": "u", "password": "p"})

    entry = database_from_secret(arn)

    assert (entry["PORT"], entry["NAME"]) == ("5432", "postgres")


def test_secret_is_read_once_per_process(secrets_client):
    arn = _store(secrets_client, RDS_SECRET)
    first = database_from_secret(arn)
    secrets_client.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)

    second = database_from_secret(arn)  # answered from memory: AWS is not asked again

    assert second == first
    second["CONN_MAX_AGE"] = 60  # settings add keys: the cached answer must not change
    assert "CONN_MAX_AGE" not in database_from_secret(arn)


def test_secret_without_host_or_password_names_what_is_missing(secrets_client):
    arn = _store(secrets_client, {"username": "meetassist", "port": 5432})

    with pytest.raises(ImproperlyConfigured, match=r"lacks host, password"):
        database_from_secret(arn)


def test_secret_that_is_not_json_says_which_shape_is_expected(secrets_client):
    arn = _store(secrets_client, "postgres://u:p@h/db")

    with pytest.raises(ImproperlyConfigured, match=r"not JSON in the RDS shape"):
        database_from_secret(arn)


def test_unreadable_secret_names_the_arn_and_what_to_check(secrets_client):
    arn = "arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:meetassist/none-AbCdEf"

    with pytest.raises(ImproperlyConfigured) as raised:
        database_from_secret(arn)

    assert arn in str(raised.value)
    assert "secretsmanager:GetSecretValue" in str(raised.value)
