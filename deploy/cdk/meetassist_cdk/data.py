"""The data stack: RDS PostgreSQL with its generated secret, and ElastiCache Redis.

The secret has the RDS shape the app reads (``DATABASE_SECRET_ARN``): username and password
generated here, host, port and engine filled in by the attachment to the instance, and the
database name in its template. No resource here has a fixed name, so a change that needs a
replacement never collides with the resource it replaces.
"""

from __future__ import annotations

from aws_cdk import CfnOutput, Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_rds as rds
from constructs import Construct

from .nag import acknowledge
from .network import NetworkStack
from .settings import StageSettings, StageStack

DATABASE_NAME = "meetassist"
DATABASE_USER = "meetassist"
REDIS_PORT = 6379


class DataStack(StageStack):
    def __init__(self, scope: Construct, stage: StageSettings, network: NetworkStack) -> None:
        super().__init__(scope, stage, "data", "PostgreSQL (RDS) and Redis (ElastiCache)")
        self.secret = rds.DatabaseSecret(
            self, "DatabaseSecret", username=DATABASE_USER, dbname=DATABASE_NAME
        )
        self.database = rds.DatabaseInstance(
            self,
            "Database",
            engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_15),
            instance_type=ec2.InstanceType.of(
                ec2.InstanceClass.BURSTABLE4_GRAVITON, ec2.InstanceSize.MICRO
            ),
            allocated_storage=20,
            storage_type=rds.StorageType.GP3,
            storage_encrypted=True,
            credentials=rds.Credentials.from_secret(self.secret),
            database_name=DATABASE_NAME,
            vpc=network.vpc,
            vpc_subnets=ec2.SubnetSelection(subnets=network.private_subnets),
            availability_zone=network.home_az,
            security_groups=[network.database_sg],
            multi_az=False,
            publicly_accessible=False,
            backup_retention=Duration.days(7),
            copy_tags_to_snapshot=True,
            deletion_protection=stage.deletion_protection,
            # Deleting the stack (or replacing the instance) leaves a final snapshot.
            removal_policy=RemovalPolicy.SNAPSHOT,
        )
        acknowledge(
            self.database,
            "AwsSolutions-RDS3",
            "Single-AZ on purpose: a standby doubles the instance price; the archive in S3 "
            "and 7 days of automated backups are the recovery path (DEPLOY.md).",
        )
        acknowledge(
            self.database,
            "AwsSolutions-RDS11",
            "The default port is no secret worth keeping: only the Lambda and worker "
            "security groups reach the instance, inside isolated subnets.",
        )
        if not stage.deletion_protection:
            acknowledge(
                self.database,
                "AwsSolutions-RDS10",
                "Deletion protection is production's; dev is torn down freely, and deleting "
                "it still leaves a final snapshot (RemovalPolicy.SNAPSHOT).",
            )
        acknowledge(
            self.secret,
            "AwsSolutions-SMG4",
            "No automatic rotation: the app reads the secret once per process (Lambda "
            "container, Celery worker), so a rotated password breaks live connections until "
            "a restart; DEPLOY.md rotates it by hand together with that restart.",
        )

        subnets = elasticache.CfnSubnetGroup(
            self,
            "RedisSubnets",
            description=f"MeetAssist {stage.name} Redis",
            subnet_ids=[subnet.subnet_id for subnet in network.private_subnets],
        )
        # A replication group of one node: unlike a plain cache cluster it can encrypt at rest.
        self.redis = elasticache.CfnReplicationGroup(
            self,
            "Redis",
            replication_group_description=f"MeetAssist {stage.name} Celery broker",
            engine="redis",
            engine_version="7.1",
            cache_node_type="cache.t4g.micro",
            num_cache_clusters=1,
            automatic_failover_enabled=False,
            multi_az_enabled=False,
            preferred_cache_cluster_a_zs=[network.home_az],
            cache_subnet_group_name=subnets.ref,
            security_group_ids=[network.redis_sg.security_group_id],
            port=REDIS_PORT,
            at_rest_encryption_enabled=True,
            transit_encryption_enabled=False,
            snapshot_retention_limit=0,  # a broker's queue is not worth a backup
            auto_minor_version_upgrade=True,
        )
        self.redis.apply_removal_policy(RemovalPolicy.DESTROY)
        acknowledge(
            self.redis,
            "AwsSolutions-AEC3",
            "At rest: encrypted. In transit: the app's broker URL is redis:// (CELERY_BROKER_URL); "
            "the broker is reachable only from the Lambda and worker groups in isolated "
            "subnets and carries task ids and table names, no personal data.",
        )
        acknowledge(
            self.redis,
            "AwsSolutions-AEC4",
            "One node: a lost broker loses queued archive runs only, and beat queues the next "
            "one within 5 minutes; a replica would double the price.",
        )
        acknowledge(
            self.redis,
            "AwsSolutions-AEC5",
            "The default port is no secret worth keeping: security groups restrict who connects.",
        )
        acknowledge(
            self.redis,
            "AwsSolutions-AEC6",
            "Redis AUTH needs encryption in transit (see AEC3) and a token in the broker URL; "
            "access is restricted by security groups instead.",
        )
        self.broker_url = (
            f"redis://{self.redis.attr_primary_end_point_address}:"
            f"{self.redis.attr_primary_end_point_port}/0"
        )

        CfnOutput(self, "DatabaseSecretArn", value=self.secret.secret_arn)
        CfnOutput(self, "DatabaseInstanceId", value=self.database.instance_identifier)
        CfnOutput(self, "DatabaseEndpoint", value=self.database.db_instance_endpoint_address)
        CfnOutput(self, "CeleryBrokerUrl", value=self.broker_url)
