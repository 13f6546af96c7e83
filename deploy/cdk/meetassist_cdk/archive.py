"""The archive stack: the versioned archive bucket, and the stage's deploy bucket.

The archive holds the business's history (docs/architecture.md, "Storage layout"): it is versioned,
private, TLS-only and retained when the stack is deleted. Its name is fixed
(``meetassist-archive-<stage>-<account>``, as the hand-made one was), so deploying after a
teardown stops with "already exists" instead of starting an empty archive beside the old
one: the stage then imports it by name (``meetassist:<stage>:archive_bucket``).

The deploy bucket holds Zappa's package while it deploys and the stage's ``remote_env``
file (SECRET_KEY); it goes with the stack, its objects with it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from .nag import acknowledge
from .settings import StageSettings, StageStack

LIFECYCLE_FILE = Path(__file__).resolve().parents[2] / "archive-bucket-lifecycle.json"
ARCHIVE_PREFIXES = ("data/", "metadata/", "uploads/")  # docs/architecture.md, "Storage layout"


def lifecycle_rules(path: Path = LIFECYCLE_FILE) -> list[s3.LifecycleRule]:
    """The rules of deploy/archive-bucket-lifecycle.json, the one place they are written.

    The same file serves ``aws s3api put-bucket-lifecycle-configuration`` for an imported
    bucket; a key this reader does not know stops synth rather than being dropped.
    """
    return [_rule(rule) for rule in json.loads(path.read_text())["Rules"]]


def _rule(rule: dict[str, Any]) -> s3.LifecycleRule:
    known = {
        "ID",
        "Filter",
        "Status",
        "Transitions",
        "NoncurrentVersionExpiration",
        "AbortIncompleteMultipartUpload",
    }
    if unknown := set(rule) - known:
        raise ValueError(f"{LIFECYCLE_FILE.name}: rule {rule.get('ID')} has {sorted(unknown)}")
    noncurrent = rule.get("NoncurrentVersionExpiration", {})
    abort = rule.get("AbortIncompleteMultipartUpload", {})
    return s3.LifecycleRule(
        id=rule["ID"],
        enabled=rule["Status"] == "Enabled",
        prefix=rule.get("Filter", {}).get("Prefix") or None,
        transitions=[
            s3.Transition(
                transition_after=Duration.days(step["Days"]),
                storage_class=s3.StorageClass(step["StorageClass"]),
            )
            for step in rule.get("Transitions", [])
        ]
        or None,
        noncurrent_version_expiration=(
            Duration.days(noncurrent["NoncurrentDays"]) if noncurrent else None
        ),
        noncurrent_versions_to_retain=noncurrent.get("NewerNoncurrentVersions"),
        abort_incomplete_multipart_upload_after=(
            Duration.days(abort["DaysAfterInitiation"]) if abort else None
        ),
    )


class ArchiveStack(StageStack):
    def __init__(self, scope: Construct, stage: StageSettings) -> None:
        super().__init__(scope, stage, "archive", "archive bucket (retained), deploy bucket")
        if stage.existing_archive_bucket:
            self.archive_bucket = self._imported_archive(stage.existing_archive_bucket)
        else:
            self.archive_bucket = self._new_archive(stage)

        self.deploy_bucket = s3.Bucket(
            self,
            "Deploy",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            lifecycle_rules=[
                s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(1))
            ],
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=True,  # so that `cdk destroy` needs no `aws s3 rm` first
        )
        acknowledge(
            self.deploy_bucket,
            "AwsSolutions-S1",
            "Holds a package for the minutes of a deploy and one settings file; access "
            "logs would need a log bucket that outlives it. CloudTrail records who changed it.",
        )
        self.remote_env_key = stage.remote_env_key

        CfnOutput(self, "ArchiveBucketName", value=self.archive_bucket.bucket_name)
        CfnOutput(self, "DeployBucketName", value=self.deploy_bucket.bucket_name)
        CfnOutput(self, "RemoteEnvKey", value=self.remote_env_key)

    def _new_archive(self, stage: StageSettings) -> s3.Bucket:
        bucket = s3.Bucket(
            self,
            "Archive",
            bucket_name=stage.archive_bucket_name,
            versioned=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            lifecycle_rules=lifecycle_rules(),
            removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(
            bucket,
            "AwsSolutions-S1",
            "Every change is kept as an object version and the manifest records each archive "
            "run; access logs would need a second retained bucket. Enable CloudTrail data "
            "events if reads must be audited.",
        )
        return bucket

    def _imported_archive(self, bucket_name: str) -> s3.IBucket:
        """An existing bucket: its versioning and lifecycle stay as they are (DEPLOY.md).

        The TLS-only policy is still this stack's: a bucket has one policy, and this one
        replaces whatever the bucket had.
        """
        bucket = s3.Bucket.from_bucket_name(self, "Archive", bucket_name)
        policy = s3.BucketPolicy(self, "ArchivePolicy", bucket=bucket)
        policy.document.add_statements(
            iam.PolicyStatement(
                sid="DenyInsecureTransport",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=["s3:*"],
                resources=[bucket.bucket_arn, bucket.arn_for_objects("*")],
                conditions={"Bool": {"aws:SecureTransport": "false"}},
            )
        )
        return bucket
