"""What differs between the stages, and the few values an operator sets in cdk.json context.

Context keys (cdk.json, or ``cdk … -c key=value``):

- ``meetassist:repo_url`` / ``meetassist:repo_ref``: the repository and branch the worker
  host clones at first boot.
- ``meetassist:<stage>:archive_bucket``: the name of an archive bucket that already exists
  (made by hand once, or kept by an earlier ``cdk destroy``); the stage imports it instead
  of creating one.
- ``meetassist:<stage>:deletion_protection``: ``false`` lifts production's deletion
  protection, the step before ``cdk destroy`` (DEPLOY.md, "Removing everything").
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Aws, Environment, Stack
from aws_cdk.aws_logs import RetentionDays
from constructs import Construct, Node

from . import zappa_file

STAGES = ("dev", "production")
PRODUCTION = "production"
PLACEHOLDER_REPO_URL = "https://github.com/your-org/meetassist.git"


@dataclass(frozen=True)
class StageSettings:
    name: str
    region: str
    function_name: str  # Zappa's Lambda function, named by Zappa: its role and logs are ours
    repo_url: str
    repo_ref: str
    existing_archive_bucket: str | None
    deletion_protection: bool
    log_retention: RetentionDays  # of the function's logs

    @property
    def env(self) -> Environment:
        # The account stays unresolved: synth needs no AWS credentials, and the template
        # deploys to whichever account the CLI is signed in to.
        return Environment(region=self.region)

    @property
    def remote_env_key(self) -> str:
        """Where Zappa's ``remote_env`` file (SECRET_KEY) sits in the deploy bucket."""
        return f"config/{self.name}.json"

    @property
    def archive_bucket_name(self) -> str:
        """The existing bucket's, or the one the archive stack creates (account-unique)."""
        return self.existing_archive_bucket or f"meetassist-archive-{self.name}-{Aws.ACCOUNT_ID}"

    @property
    def archive_bucket_name_for_findings(self) -> str:
        """The name as cdk-nag spells it in a finding, the account id as a placeholder."""
        return self.existing_archive_bucket or f"meetassist-archive-{self.name}-<AWS::AccountId>"

    def stack_name(self, concern: str) -> str:
        return f"meetassist-{self.name}-{concern}"


def _context_bool(node: Node, key: str, default: bool) -> bool:
    value = node.try_get_context(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "false"):
        return str(value).lower() == "true"
    raise ValueError(f"Context {key} must be true or false, not {value!r}")


def stage_settings(node: Node, stage: str) -> StageSettings:
    zappa = zappa_file.load()
    production = stage == PRODUCTION
    return StageSettings(
        name=stage,
        region=zappa_file.stage_config(zappa, stage)["aws_region"],
        function_name=zappa_file.function_name(zappa, stage),
        repo_url=node.try_get_context("meetassist:repo_url") or PLACEHOLDER_REPO_URL,
        repo_ref=node.try_get_context("meetassist:repo_ref") or "main",
        existing_archive_bucket=node.try_get_context(f"meetassist:{stage}:archive_bucket") or None,
        deletion_protection=_context_bool(
            node, f"meetassist:{stage}:deletion_protection", default=production
        ),
        log_retention=RetentionDays.THREE_MONTHS if production else RetentionDays.ONE_MONTH,
    )


class StageStack(Stack):
    """A stack of one stage and one concern, named ``meetassist-<stage>-<concern>``."""

    def __init__(self, scope: Construct, stage: StageSettings, concern: str, purpose: str) -> None:
        name = stage.stack_name(concern)
        super().__init__(
            scope,
            name,
            stack_name=name,
            env=stage.env,
            description=f"MeetAssist {stage.name}: {purpose}",
        )
