"""The data stack: a private, encrypted PostgreSQL 15 with backups, and Redis."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Match

from tests.conftest import resources

STAGES = ["dev", "production"]


@pytest.mark.parametrize("stage", STAGES)
def test_postgres_15_micro_with_20_gb_encrypted_private_and_backed_up(template, stage):
    template(stage, "data").has_resource_properties(
        "AWS::RDS::DBInstance",
        {
            "Engine": "postgres",
            "EngineVersion": "15",
            "DBInstanceClass": "db.t4g.micro",
            "AllocatedStorage": "20",
            "StorageEncrypted": True,
            "PubliclyAccessible": False,
            "BackupRetentionPeriod": 7,
            "DBName": "meetassist",
        },
    )


@pytest.mark.parametrize("stage", STAGES)
def test_deleting_the_database_leaves_a_final_snapshot(template, stage):
    template(stage, "data").has_resource(
        "AWS::RDS::DBInstance",
        {"DeletionPolicy": "Snapshot", "UpdateReplacePolicy": "Snapshot"},
    )


@pytest.mark.parametrize(("stage", "protected"), [("dev", False), ("production", True)])
def test_deletion_protection_in_production_only(template, stage, protected):
    template(stage, "data").has_resource_properties(
        "AWS::RDS::DBInstance", {"DeletionProtection": protected}
    )


def test_production_protection_can_be_lifted_for_a_teardown(tmp_path):
    from tests.conftest import synthesize

    lifted = synthesize(tmp_path, **{"meetassist:production:deletion_protection": "false"})

    lifted.template("production", "data").has_resource_properties(
        "AWS::RDS::DBInstance", {"DeletionProtection": False}
    )


@pytest.mark.parametrize("stage", STAGES)
def test_database_lives_in_the_private_subnets_behind_its_group(synthesized, stage):
    raw = synthesized.raw(stage, "data")
    (group,) = resources(raw, "AWS::RDS::DBSubnetGroup").values()
    (database,) = resources(raw, "AWS::RDS::DBInstance").values()
    outputs = json.dumps(group["Properties"]["SubnetIds"])

    assert "privateSubnet1" in outputs and "privateSubnet2" in outputs
    assert "DatabaseGroup" in json.dumps(database["Properties"]["VPCSecurityGroups"])


@pytest.mark.parametrize("stage", STAGES)
def test_secret_is_generated_in_the_rds_shape_the_app_reads(template, stage):
    data = template(stage, "data")

    data.has_resource_properties(
        "AWS::SecretsManager::Secret",
        {
            "GenerateSecretString": Match.object_like(
                {
                    "GenerateStringKey": "password",
                    "SecretStringTemplate": json.dumps(
                        {"username": "meetassist", "dbname": "meetassist"}, separators=(",", ":")
                    ),
                }
            )
        },
    )
    # host, port and engine come from the attachment to the instance
    data.has_resource_properties(
        "AWS::SecretsManager::SecretTargetAttachment", {"TargetType": "AWS::RDS::DBInstance"}
    )


@pytest.mark.parametrize("stage", STAGES)
def test_redis_is_one_encrypted_micro_node_in_the_private_subnets(synthesized, template, stage):
    data = template(stage, "data")
    data.has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup",
        {
            "Engine": "redis",
            "CacheNodeType": "cache.t4g.micro",
            "NumCacheClusters": 1,
            "AtRestEncryptionEnabled": True,
        },
    )
    (subnets,) = resources(synthesized.raw(stage, "data"), "AWS::ElastiCache::SubnetGroup").values()

    assert "privateSubnet" in json.dumps(subnets["Properties"]["SubnetIds"])
    assert "publicSubnet" not in json.dumps(subnets["Properties"]["SubnetIds"])


@pytest.mark.parametrize("stage", STAGES)
def test_nothing_in_the_data_stack_has_a_fixed_name(synthesized, stage):
    """A replacement never collides with the resource it replaces."""
    text = json.dumps(synthesized.raw(stage, "data")["Resources"])

    for name_property in ("DBInstanceIdentifier", "ReplicationGroupId", '"Name"'):
        assert name_property not in text
