"""The workers stack: one small EC2 host running Celery worker and beat with systemd.

Why a host and not ECS Fargate: the project already ships the systemd units, the host
needs no container image, registry or build pipeline, and one t4g.small (2 GB, the worker's
two processes and beat) costs about what two minimal Fargate tasks do, before the image
storage and the endpoints or public addresses Fargate would need. One host also means
exactly one beat. It has no inbound rule: a shell is `aws ssm start-session`.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import CfnOutput, Fn
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from .archive import ArchiveStack
from .data import DataStack
from .nag import acknowledge
from .network import NetworkStack
from .roles import RolesStack
from .settings import StageSettings, StageStack

BOOT_SCRIPT = Path(__file__).with_name("worker_boot.sh")


class WorkersStack(StageStack):
    def __init__(
        self,
        scope: Construct,
        stage: StageSettings,
        *,
        network: NetworkStack,
        data: DataStack,
        archive: ArchiveStack,
        roles: RolesStack,
    ) -> None:
        super().__init__(scope, stage, "workers", "Celery worker and beat host (EC2)")
        boot = Fn.sub(
            BOOT_SCRIPT.read_text(),
            {
                "RepoUrl": stage.repo_url,
                "RepoRef": stage.repo_ref,
                "DeployBucket": archive.deploy_bucket.bucket_name,
                "RemoteEnvKey": archive.remote_env_key,
                "DatabaseSecretArn": data.secret.secret_arn,
                "ArchiveBucket": archive.archive_bucket.bucket_name,
                "BrokerUrl": data.broker_url,
            },
        )
        self.instance = ec2.Instance(
            self,
            "Worker",
            vpc=network.vpc,
            vpc_subnets=ec2.SubnetSelection(subnets=[network.worker_subnet]),
            associate_public_ip_address=True,  # to reach dnf, PyPI and git without a NAT
            security_group=network.worker_sg,
            role=roles.worker_role,
            instance_type=ec2.InstanceType.of(
                ec2.InstanceClass.BURSTABLE4_GRAVITON, ec2.InstanceSize.SMALL
            ),
            machine_image=ec2.MachineImage.latest_amazon_linux2023(
                cpu_type=ec2.AmazonLinuxCpuType.ARM_64
            ),
            block_devices=[
                ec2.BlockDevice(
                    device_name="/dev/xvda",
                    volume=ec2.BlockDeviceVolume.ebs(
                        8, encrypted=True, volume_type=ec2.EbsDeviceVolumeType.GP3
                    ),
                )
            ],
            require_imdsv2=True,
            user_data=ec2.UserData.custom(boot),
            # The boot script runs once: a changed script means a new host, not a stale one.
            user_data_causes_replacement=True,
        )
        acknowledge(
            self.instance,
            "AwsSolutions-EC28",
            "Basic 5-minute metrics suffice for a batch worker; detailed monitoring is billed "
            "per metric and would answer no question the app's logs do not.",
        )
        acknowledge(
            self.instance,
            "AwsSolutions-EC29",
            "Termination protection would make `cdk destroy` fail. The host keeps no state: "
            "queued tasks live in Redis, schedules in the database, code in git; deploying "
            "again rebuilds it.",
        )
        CfnOutput(self, "WorkerInstanceId", value=self.instance.instance_id)
