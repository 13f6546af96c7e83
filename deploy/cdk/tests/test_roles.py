"""The roles stack: what the Lambda function and the worker host may do, and on what."""

from __future__ import annotations

import json

import pytest

from tests.conftest import resources

STAGES = ["dev", "production"]


def _statements(raw: dict) -> dict[str, dict]:
    (policy,) = resources(raw, "AWS::IAM::ManagedPolicy").values()
    return {s["Sid"]: s for s in policy["Properties"]["PolicyDocument"]["Statement"]}


def _role(raw: dict, prefix: str) -> dict:
    (role,) = [r for k, r in resources(raw, "AWS::IAM::Role").items() if k.startswith(prefix)]
    return role["Properties"]


@pytest.mark.parametrize("stage", STAGES)
def test_app_may_touch_only_the_archive_prefixes_its_config_file_and_its_secret(synthesized, stage):
    statements = _statements(synthesized.raw(stage, "roles"))
    bucket = f"meetassist-archive-{stage}-"

    assert sorted(statements) == ["ArchiveBucket", "ArchiveObjects", "DatabaseSecret", "RemoteEnv"]
    objects = statements["ArchiveObjects"]["Resource"]  # Fn::Join of the name's parts
    assert [arn["Fn::Join"][1][-1] for arn in objects] == ["/data/*", "/metadata/*", "/uploads/*"]
    assert all(bucket in json.dumps(arn) for arn in objects)
    assert bucket in json.dumps(statements["ArchiveBucket"]["Resource"])
    assert f"config/{stage}.json" in json.dumps(statements["RemoteEnv"]["Resource"])
    assert "DatabaseSecret" in json.dumps(statements["DatabaseSecret"]["Resource"])


@pytest.mark.parametrize("stage", STAGES)
def test_no_action_wildcard_and_no_version_delete(synthesized, stage):
    actions = [
        action
        for statement in _every_statement(synthesized.raw(stage, "roles"))
        for action in _as_list(statement["Action"])
    ]

    assert actions and not [action for action in actions if "*" in action]
    assert not [action for action in actions if "Version" in action]


@pytest.mark.parametrize("stage", STAGES)
def test_the_only_resource_wildcard_is_lambdas_vpc_attachment(synthesized, stage):
    everywhere = [
        statement["Sid"]
        for statement in _every_statement(synthesized.raw(stage, "roles"))
        if "*" in _as_list(statement["Resource"])
    ]

    assert everywhere == ["VpcAttachment"]


def _every_statement(raw: dict) -> list[dict]:
    """The statements of the stack's managed policies and of its roles' inline policies."""
    documents = [
        policy["Properties"]["PolicyDocument"]
        for policy in resources(raw, "AWS::IAM::ManagedPolicy").values()
    ] + [
        inline["PolicyDocument"]
        for role in resources(raw, "AWS::IAM::Role").values()
        for inline in role["Properties"].get("Policies", [])
    ]
    return [statement for document in documents for statement in document["Statement"]]


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("stage", STAGES)
def test_lambda_role_serves_zappas_function_of_the_stage(synthesized, template, stage):
    raw = synthesized.raw(stage, "roles")
    role = _role(raw, "LambdaRole")
    (inline,) = role["Policies"]
    statements = {s["Sid"]: s for s in inline["PolicyDocument"]["Statement"]}

    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"] == [
        "apigateway.amazonaws.com",
        "events.amazonaws.com",
        "lambda.amazonaws.com",
    ]
    assert json.dumps(statements["InvokeItself"]["Resource"]).endswith(
        f':function:meetassist-{stage}"]]}}'
    )
    retention = 90 if stage == "production" else 30
    template(stage, "roles").has_resource_properties(
        "AWS::Logs::LogGroup",
        {"LogGroupName": f"/aws/lambda/meetassist-{stage}", "RetentionInDays": retention},
    )


@pytest.mark.parametrize("stage", STAGES)
def test_worker_role_has_the_app_policy_and_session_manager_only(synthesized, stage):
    role = _role(synthesized.raw(stage, "roles"), "WorkerRole")

    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "ec2.amazonaws.com"
    }
    managed = json.dumps(role["ManagedPolicyArns"])
    assert "AppAccess" in managed and "AmazonSSMManagedInstanceCore" in managed
    assert len(role["ManagedPolicyArns"]) == 2
    assert "Policies" not in role
