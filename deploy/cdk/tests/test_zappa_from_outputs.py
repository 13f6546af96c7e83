"""zappa_from_outputs.py: a stage's stack outputs into zappa_settings.json, nothing by hand."""

from __future__ import annotations

import json
import shutil

import pytest
import zappa_from_outputs
from meetassist_cdk import outputs, zappa_file
from meetassist_cdk.settings import STAGES

from tests.conftest import CDK_DIR

SAMPLE = CDK_DIR / "tests" / "sample-outputs.json"
DEV = json.loads(SAMPLE.read_text())


@pytest.fixture
def settings_file(tmp_path):
    path = tmp_path / "zappa_settings.json"
    shutil.copy(zappa_file.ZAPPA_SETTINGS, path)
    return path


def _run(settings_file, *args: str, outputs_file=SAMPLE) -> int:
    return zappa_from_outputs.main(
        ["--settings", str(settings_file), "--outputs", str(outputs_file), *args]
    )


def test_writes_the_stages_vpc_role_buckets_and_environment(settings_file):
    assert _run(settings_file, "--stage", "dev") == 0
    dev = zappa_file.stage_config(zappa_file.load(settings_file), "dev")

    assert dev["vpc_config"] == {
        "SubnetIds": ["subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88"],
        "SecurityGroupIds": ["sg-0123456789abcdef0"],
    }
    assert dev["role_arn"] == DEV["meetassist-dev-roles"]["LambdaRoleArn"]
    deploy_bucket = DEV["meetassist-dev-archive"]["DeployBucketName"]
    assert dev["s3_bucket"] == deploy_bucket
    assert dev["remote_env"] == f"s3://{deploy_bucket}/config/dev.json"
    assert dev["aws_environment_variables"] == {
        "ALLOWED_HOSTS": ".execute-api.ap-southeast-1.amazonaws.com",
        "DATABASE_SECRET_ARN": DEV["meetassist-dev-data"]["DatabaseSecretArn"],
        "ARCHIVE_BUCKET": "meetassist-archive-dev-111122223333",
        "CELERY_BROKER_URL": DEV["meetassist-dev-data"]["CeleryBrokerUrl"],
    }
    assert zappa_file.placeholders_left(dev) == []


def test_other_stage_and_other_keys_are_left_as_they_were(settings_file):
    before = zappa_file.load(settings_file)
    _run(settings_file, "--stage", "dev")
    after = zappa_file.load(settings_file)

    assert after["production"] == before["production"]
    untouched = set(before["dev"]) - {
        "role_arn",
        "s3_bucket",
        "remote_env",
        "vpc_config",
        "aws_environment_variables",
    }
    assert {key: after["dev"][key] for key in untouched} == {
        key: before["dev"][key] for key in untouched
    }


def test_a_second_run_changes_nothing_byte_for_byte(settings_file, capsys):
    _run(settings_file, "--stage", "dev")
    written = settings_file.read_bytes()

    assert _run(settings_file, "--stage", "dev") == 0
    assert settings_file.read_bytes() == written
    assert _run(settings_file, "--stage", "dev", "--check") == 0
    assert "up to date" in capsys.readouterr().out


def test_check_reports_a_change_without_writing_it(settings_file, capsys):
    before = settings_file.read_bytes()

    assert _run(settings_file, "--stage", "dev", "--check") == 1
    assert settings_file.read_bytes() == before
    assert "role_arn" in capsys.readouterr().out


def test_an_allowed_host_narrowed_by_hand_is_kept(settings_file):
    _run(settings_file, "--stage", "dev")
    settings = zappa_file.load(settings_file)
    settings["dev"]["aws_environment_variables"]["ALLOWED_HOSTS"] = "abc123.execute-api.example"
    settings_file.write_text(zappa_file.dumps(settings))

    assert _run(settings_file, "--stage", "dev", "--check") == 0


def test_production_gets_its_own_values_over_what_it_extends(settings_file, tmp_path):
    production = {
        name.replace("-dev-", "-production-"): {
            key: value.replace("dev", "production") for key, value in values.items()
        }
        for name, values in DEV.items()
        if name.startswith("meetassist-dev-")
    }
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(production))

    assert _run(settings_file, "--stage", "production", outputs_file=path) == 0
    settings = zappa_file.load(settings_file)
    resolved = zappa_file.stage_config(settings, "production")
    assert settings["production"]["extends"] == "dev"
    assert resolved["s3_bucket"].startswith("meetassist-production-archive-deploy")
    assert resolved["remote_env"].endswith("/config/production.json")
    assert resolved["memory_size"] == 1536  # its own settings stay
    assert zappa_file.placeholders_left(resolved) == []


def test_missing_stacks_are_named_with_the_way_to_get_them(settings_file, capsys):
    assert _run(settings_file, "--stage", "production") == 2

    message = capsys.readouterr().err
    assert "LambdaSubnetIds" in message and "--outputs-file" in message


def test_stacks_in_another_region_than_zappas_are_refused(settings_file, tmp_path, capsys):
    moved = json.loads(SAMPLE.read_text().replace("ap-southeast-1", "eu-west-1"))
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(moved))

    assert _run(settings_file, "--stage", "dev", outputs_file=path) == 2
    assert "eu-west-1" in capsys.readouterr().err


def test_the_file_layout_survives_a_rewrite():
    text = zappa_file.ZAPPA_SETTINGS.read_text()

    assert zappa_file.dumps(json.loads(text)) == text


def test_the_stacks_have_every_output_the_command_reads(synthesized):
    for stage in STAGES:
        names = {
            name
            for concern in ("network", "data", "archive", "roles", "workers")
            for name in synthesized.raw(stage, concern).get("Outputs", {})
        }
        assert set(outputs.REQUIRED) <= names


def test_the_stages_are_zappas_stages():
    assert set(STAGES) == set(zappa_file.load())
