"""A deployed stage's stack outputs, and the Zappa settings they stand for.

``cdk deploy --outputs-file F`` writes ``{stack name: {output name: value}}``; the stage's
stacks are those named ``meetassist-<stage>-*``. Standard library only: the command that
uses this runs from any Python 3.11, with or without the CDK's virtualenv.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import zappa_file

# Outputs the weak cross-stack references add for one another: plumbing, not values.
PLUMBING_PREFIX = "PublishOutput"
REQUIRED = (
    "LambdaSubnetIds",
    "LambdaSecurityGroupId",
    "LambdaRoleArn",
    "DeployBucketName",
    "RemoteEnvKey",
    "DatabaseSecretArn",
    "ArchiveBucketName",
    "CeleryBrokerUrl",
)


class OutputsError(Exception):
    """The outputs file cannot fill in the stage's settings; the message says why."""


def stage_outputs(path: Path, stage: str) -> dict[str, str]:
    """Every named output of the stage's stacks, merged (names are unique across them)."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError as err:
        raise OutputsError(
            f"{path} does not exist: write it with "
            f"`cdk deploy 'meetassist-{stage}-*' --outputs-file {path.name}`"
        ) from err
    prefix = f"meetassist-{stage}-"
    merged: dict[str, str] = {}
    for stack in sorted(data):
        if not stack.startswith(prefix):
            continue
        for name, value in data[stack].items():
            if name.startswith(PLUMBING_PREFIX):
                continue
            if merged.get(name, value) != value:
                raise OutputsError(f"Output {name} differs between the stacks of {stage}")
            merged[name] = value
    missing = [name for name in REQUIRED if name not in merged]
    if missing:
        raise OutputsError(
            f"{path} lacks {', '.join(missing)} for stage {stage}: deploy all of the "
            f"stage's stacks at once (`cdk deploy 'meetassist-{stage}-*' --outputs-file …`), "
            "since the file holds only the stacks of the last deploy."
        )
    return merged


def _region_of(arn: str) -> str:
    return arn.split(":")[3]


def apply(settings: dict[str, Any], stage: str, outputs: dict[str, str]) -> dict[str, Any]:
    """The settings with the stage's identifiers taken from its stack outputs.

    Dictionaries Zappa merges only as a whole (``extends`` is key by key) are rebuilt from
    the stage's resolved value, so a key set by hand beside ours is kept.
    """
    resolved = zappa_file.stage_config(settings, stage)
    region = resolved["aws_region"]
    if _region_of(outputs["DatabaseSecretArn"]) != region:
        raise OutputsError(
            f"The stacks of {stage} are in {_region_of(outputs['DatabaseSecretArn'])}, "
            f"but zappa_settings.json deploys {stage} to {region}"
        )
    environment = dict(resolved.get("aws_environment_variables", {}))
    allowed_hosts = environment.get("ALLOWED_HOSTS", "")
    if not allowed_hosts or zappa_file.PLACEHOLDER in allowed_hosts:
        # Only API Gateway reaches the function; narrow it to the exact host after the
        # first deploy if you like (`zappa status` prints it): this command keeps it.
        allowed_hosts = f".execute-api.{region}.amazonaws.com"
    environment.update(
        ALLOWED_HOSTS=allowed_hosts,
        DATABASE_SECRET_ARN=outputs["DatabaseSecretArn"],
        ARCHIVE_BUCKET=outputs["ArchiveBucketName"],
        CELERY_BROKER_URL=outputs["CeleryBrokerUrl"],  # no secret in it: no AUTH, no TLS
    )
    own = dict(settings[stage])
    own.update(
        role_arn=outputs["LambdaRoleArn"],
        s3_bucket=outputs["DeployBucketName"],
        remote_env=f"s3://{outputs['DeployBucketName']}/{outputs['RemoteEnvKey']}",
        vpc_config={
            "SubnetIds": outputs["LambdaSubnetIds"].split(","),
            "SecurityGroupIds": [outputs["LambdaSecurityGroupId"]],
        },
        aws_environment_variables=environment,
    )
    updated = {**settings, stage: own}
    left = zappa_file.placeholders_left(zappa_file.stage_config(updated, stage))
    if left:
        raise OutputsError(f"Stage {stage} still has placeholders in: {', '.join(left)}")
    return updated
