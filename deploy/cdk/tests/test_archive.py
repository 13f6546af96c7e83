"""The archive stack: a versioned, private, TLS-only, retained archive; the deploy bucket."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Match
from meetassist_cdk.archive import LIFECYCLE_FILE

from tests.conftest import resources, synthesize

STAGES = ["dev", "production"]
BLOCK_ALL = {
    "BlockPublicAcls": True,
    "BlockPublicPolicy": True,
    "IgnorePublicAcls": True,
    "RestrictPublicBuckets": True,
}
DENY_PLAIN_HTTP = Match.object_like(
    {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
)


def _archive(raw: dict) -> dict:
    (bucket,) = [
        resource
        for key, resource in resources(raw, "AWS::S3::Bucket").items()
        if key.startswith("Archive")
    ]
    return bucket


@pytest.mark.parametrize("stage", STAGES)
def test_archive_is_versioned_private_and_retained(synthesized, stage):
    bucket = _archive(synthesized.raw(stage, "archive"))

    assert bucket["DeletionPolicy"] == bucket["UpdateReplacePolicy"] == "Retain"
    assert bucket["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["Properties"]["PublicAccessBlockConfiguration"] == BLOCK_ALL
    assert json.dumps(bucket["Properties"]["BucketName"]).count(f"meetassist-archive-{stage}-") == 1


@pytest.mark.parametrize("stage", STAGES)
def test_every_bucket_refuses_plain_http(template, stage):
    archive = template(stage, "archive")

    archive.resource_count_is("AWS::S3::BucketPolicy", 2)
    archive.all_resources_properties(
        "AWS::S3::BucketPolicy",
        {"PolicyDocument": {"Statement": Match.array_with([DENY_PLAIN_HTTP])}},
    )


@pytest.mark.parametrize("stage", STAGES)
def test_lifecycle_rules_are_those_of_the_lifecycle_file(synthesized, stage):
    rules = {
        rule["Id"]: rule
        for rule in _archive(synthesized.raw(stage, "archive"))["Properties"][
            "LifecycleConfiguration"
        ]["Rules"]
    }
    written = json.loads(LIFECYCLE_FILE.read_text())["Rules"]

    assert sorted(rules) == sorted(rule["ID"] for rule in written)
    assert rules["uploads-to-cheaper-storage"]["Prefix"] == "uploads/"
    assert rules["uploads-to-cheaper-storage"]["Transitions"] == [
        {"StorageClass": "STANDARD_IA", "TransitionInDays": 30},
        {"StorageClass": "GLACIER_IR", "TransitionInDays": 180},
    ]
    assert rules["keep-replaced-versions-30-days"]["NoncurrentVersionExpiration"] == {
        "NoncurrentDays": 30,
        "NewerNoncurrentVersions": 10,
    }
    assert rules["abort-abandoned-multipart-uploads"]["AbortIncompleteMultipartUpload"] == {
        "DaysAfterInitiation": 7
    }


@pytest.mark.parametrize("stage", STAGES)
def test_deploy_bucket_goes_with_the_stack_objects_and_all(synthesized, template, stage):
    raw = synthesized.raw(stage, "archive")
    (deploy,) = [r for k, r in resources(raw, "AWS::S3::Bucket").items() if k.startswith("Deploy")]

    assert deploy["DeletionPolicy"] == "Delete"
    assert deploy["Properties"]["PublicAccessBlockConfiguration"] == BLOCK_ALL
    template(stage, "archive").resource_count_is("Custom::S3AutoDeleteObjects", 1)


def test_an_existing_archive_is_imported_by_name_not_created(tmp_path):
    imported = synthesize(tmp_path, **{"meetassist:production:archive_bucket": "made-by-hand"})
    raw = imported.raw("production", "archive")

    assert [k for k in resources(raw, "AWS::S3::Bucket") if k.startswith("Archive")] == []
    (policy,) = [
        p for k, p in resources(raw, "AWS::S3::BucketPolicy").items() if k.startswith("Archive")
    ]
    assert policy["Properties"]["Bucket"] == "made-by-hand"
    assert "made-by-hand" in json.dumps(policy["Properties"]["PolicyDocument"])
    assert "arn:aws:s3:::made-by-hand/data/*" in json.dumps(imported.raw("production", "roles"))
    # dev still creates its own
    assert [
        k for k in resources(imported.raw("dev", "archive"), "AWS::S3::Bucket") if "Archive" in k
    ]
