"""zappa_settings.json as Zappa itself reads it: both stages, with ``extends`` applied."""

from __future__ import annotations

import functools
import importlib
import json
import re

import pytest
from zappa.cli import ZappaCLI

from tests.deploy.conftest import PROJECT_DIR

pytestmark = pytest.mark.django_db

STAGES = ["dev", "production"]
RAW = json.loads((PROJECT_DIR / "zappa_settings.json").read_text())


@functools.cache
def _stage_config(stage: str) -> dict:
    cli = ZappaCLI()
    cli.api_stage = stage
    cli.load_settings(str(PROJECT_DIR / "zappa_settings.json"))
    return cli.stage_config


@pytest.mark.parametrize("stage", STAGES)
def test_stage_runs_django_on_python311_in_singapore_inside_the_vpc(stage):
    config = _stage_config(stage)

    assert config["django_settings"] == "meetassist.settings"
    assert (config["aws_region"], config["runtime"]) == ("ap-southeast-1", "python3.11")
    assert config["architecture"] == "x86_64"  # the package's wheels are built for it
    assert len(config["vpc_config"]["SubnetIds"]) == 2  # RDS needs two availability zones
    assert len(config["vpc_config"]["SecurityGroupIds"]) == 1
    # Web requests end at API Gateway's 29 s; `zappa manage` (migrate, seed) and the
    # scheduled archive run get longer, up to Lambda's 15 minutes.
    assert 60 <= config["timeout_seconds"] <= 900
    assert config["memory_size"] >= 1024
    assert "keep_warm" in config
    assert config["s3_bucket"]
    assert config["remote_env"].startswith("s3://")


@pytest.mark.parametrize("stage", STAGES)
def test_stage_builds_without_network_and_hides_tracebacks(stage):
    config = _stage_config(stage)

    assert config["debug"] is False  # Zappa's default would answer 500s with tracebacks
    assert config["use_precompiled_packages"] is False  # would ask a public index
    assert config["slim_handler"] is False
    assert config["environment_variables"]["DEBUG"] == "false"
    assert config["environment_variables"]["URL_PREFIX"] == f"/{stage}"


def test_production_keeps_warm_and_dev_does_not():
    assert _stage_config("production")["keep_warm"] is True
    assert _stage_config("dev")["keep_warm"] is False


@pytest.mark.parametrize("stage", STAGES)
def test_no_secret_is_written_into_the_settings(stage):
    config = _stage_config(stage)
    names = [*config["environment_variables"], *config["aws_environment_variables"]]

    assert not [n for n in names if re.search(r"SECRET_KEY|PASSWORD|TOKEN", n)]


@pytest.mark.parametrize("stage", STAGES)
def test_archive_schedule_ships_disabled_every_five_minutes(stage):
    (event,) = _stage_config(stage)["events"]

    assert event["expression"] == "rate(5 minutes)"
    assert event["enabled"] is False
    module_name, function_name = event["function"].rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module_name), function_name))


def test_every_placeholder_is_filled_in_by_deploy_md():
    placeholders = set(re.findall(r"replace-me-[a-z0-9-]+", json.dumps(RAW)))
    deploy_md = (PROJECT_DIR / "DEPLOY.md").read_text()

    assert placeholders
    assert not [p for p in sorted(placeholders) if p not in deploy_md]
