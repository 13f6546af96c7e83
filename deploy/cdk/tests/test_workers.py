"""The workers stack: one small host starting the project's systemd units at first boot."""

from __future__ import annotations

import json
import re

import pytest
from meetassist_cdk.workers import BOOT_SCRIPT

from tests.conftest import CDK_DIR, resources

STAGES = ["dev", "production"]
REPO = CDK_DIR.parents[1]


def _user_data(raw: dict) -> str:
    (instance,) = resources(raw, "AWS::EC2::Instance").values()
    script, _values = instance["Properties"]["UserData"]["Fn::Base64"]["Fn::Sub"]
    return script


@pytest.mark.parametrize("stage", STAGES)
def test_one_small_graviton_host_in_a_public_subnet_with_imdsv2_and_encrypted_disk(
    synthesized, template, stage
):
    raw = synthesized.raw(stage, "workers")
    (instance,) = resources(raw, "AWS::EC2::Instance").values()
    properties = instance["Properties"]

    assert properties["InstanceType"] == "t4g.small"
    (interface,) = properties["NetworkInterfaces"]
    assert interface["AssociatePublicIpAddress"] is True
    assert "publicSubnet1" in json.dumps(interface["SubnetId"])
    assert "WorkerGroup" in json.dumps(interface["GroupSet"])
    (disk,) = properties["BlockDeviceMappings"]
    assert disk["Ebs"]["Encrypted"] is True
    template(stage, "workers").has_resource_properties(
        "AWS::EC2::LaunchTemplate",
        {"LaunchTemplateData": {"MetadataOptions": {"HttpTokens": "required"}}},
    )


@pytest.mark.parametrize("stage", STAGES)
def test_boot_script_installs_the_projects_systemd_units(synthesized, stage):
    script = _user_data(synthesized.raw(stage, "workers"))
    units = re.findall(r"deploy/systemd/([\w-]+\.service)", script)

    assert sorted(units) == ["meetassist-beat.service", "meetassist-worker.service"]
    assert all((REPO / "deploy" / "systemd" / unit).is_file() for unit in units)
    assert "systemctl enable --now meetassist-worker meetassist-beat" in script


@pytest.mark.parametrize("stage", STAGES)
def test_boot_script_gives_the_worker_the_same_settings_as_the_function(synthesized, stage):
    raw = synthesized.raw(stage, "workers")
    (instance,) = resources(raw, "AWS::EC2::Instance").values()
    _script, values = instance["Properties"]["UserData"]["Fn::Base64"]["Fn::Sub"]
    script = _user_data(raw)

    for variable in ("DATABASE_SECRET_ARN", "ARCHIVE_BUCKET", "CELERY_BROKER_URL", "SECRET_KEY"):
        assert f"\n{variable}=" in script
    # every ${Name} is given a value, or is a pseudo parameter such as ${AWS::Region}
    names = set(re.findall(r"\$\{([^}!]+)\}", script))
    assert {name for name in names if not name.startswith("AWS::")} == set(values)


def test_boot_script_has_no_shell_braces_that_fn_sub_would_take():
    lines = [line for line in BOOT_SCRIPT.read_text().splitlines() if not line.startswith("#")]
    names = {name for line in lines for name in re.findall(r"\$\{([^}]+)\}", line)}

    assert names <= {
        "AWS::Region",
        "RepoUrl",
        "RepoRef",
        "DeployBucket",
        "RemoteEnvKey",
        "DatabaseSecretArn",
        "ArchiveBucket",
        "BrokerUrl",
    }
