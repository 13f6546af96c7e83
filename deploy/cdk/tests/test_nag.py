"""cdk-nag's AwsSolutions pack: no finding left unexplained, each waiver with its reason."""

from __future__ import annotations

import json

from aws_cdk import Validations

from tests.conftest import resources, violations

STAGES = ["dev", "production"]
# AWS managed policies a role may carry, each with why (cdk-nag's IAM4 sees only our roles;
# this also covers the roles of the CDK's own custom-resource handlers).
ALLOWED_MANAGED_POLICIES = {
    # Session Manager instead of SSH on the worker host (acknowledged in roles.py).
    "AmazonSSMManagedInstanceCore",
    # The CDK's handlers that empty the deploy bucket on `cdk destroy` and strip the
    # default security group's rules: CloudWatch Logs only.
    "service-role/AWSLambdaBasicExecutionRole",
}


def test_no_finding_is_left_unacknowledged(synthesized):
    assert violations(synthesized.outdir) == []


def test_every_acknowledgment_gives_a_reason_of_substance(synthesized):
    acknowledged = [
        a for a in _acknowledgments(synthesized.app) if a[0].startswith("AwsSolutions::")
    ]

    assert len(acknowledged) >= 10, "expected the waivers of data.py, roles.py, workers.py, …"
    assert [rule for rule, reason, _path in acknowledged if len(reason) < 60] == []


def test_only_known_aws_managed_policies(synthesized):
    found = set()
    for stage in STAGES:
        for concern in ("network", "data", "archive", "roles", "workers"):
            raw = synthesized.raw(stage, concern)
            for role in resources(raw, "AWS::IAM::Role").values():
                for arn in role["Properties"].get("ManagedPolicyArns", []):
                    text = json.dumps(arn)
                    if ":iam::aws:policy/" in text:
                        found.add(text.split(":iam::aws:policy/")[1].split('"')[0])

    assert found == ALLOWED_MANAGED_POLICIES


def _acknowledgments(app) -> list[tuple[str, str, str]]:
    """(rule, reason, construct path) of every ``Validations.of(…).acknowledge`` call.

    The CDK acknowledges a few CloudFormation-Validate rules itself; those are kept too.
    """
    return [
        (rule, reason, node.node.path)
        for node in app.node.find_all()
        for entry in node.node.metadata
        if entry.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY
        for rule, reason in entry.data.items()
    ]
