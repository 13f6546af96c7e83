"""cdk-nag's AwsSolutions pack: no finding left unexplained, each waiver with its reason."""

from __future__ import annotations

import json

import pytest
from aws_cdk import Validations
from meetassist_cdk import archive, data, roles, workers

from tests.conftest import findings, resources, synthesize

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
    assert findings(synthesized.outdir) == []


def test_every_acknowledgment_gives_a_reason_of_substance(synthesized):
    acknowledged = [
        a for a in _acknowledgments(synthesized.app) if a[0].startswith("AwsSolutions::")
    ]

    assert len(acknowledged) >= 10, "expected the waivers of data.py, roles.py, workers.py, …"
    assert [rule for rule, reason, _path in acknowledged if len(reason) < 60] == []


def test_every_acknowledgment_answers_a_finding_and_no_more(synthesized, tmp_path, monkeypatch):
    """Synthesized without its waivers, the app has exactly the findings they waive."""
    for module in (archive, data, roles, workers):
        monkeypatch.setattr(module, "acknowledge", lambda *args, **kwargs: None)
    with pytest.raises(pytest.fail.Exception):
        synthesize(tmp_path)
    found = {(rule, path) for _severity, rule, path in findings(tmp_path)}
    waived = {
        (rule.removeprefix("AwsSolutions::"), path)
        for rule, _reason, path in _acknowledgments(synthesized.app)
        if rule.startswith("AwsSolutions::")
    }

    # A finding names the CloudFormation resource; a waiver sits on the construct around it.
    unexplained = [f for f in found if not any(_answers(w, f) for w in waived)]
    stale = [w for w in waived if not any(_answers(w, f) for f in found)]
    assert (unexplained, stale) == ([], [])


def _answers(waiver: tuple[str, str], finding: tuple[str, str]) -> bool:
    (waived_rule, waived_path), (rule, path) = waiver, finding
    return waived_rule == rule and (path == waived_path or path.startswith(waived_path + "/"))


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
