"""The roles stack: least-privilege roles for Zappa's Lambda function and the worker host.

Both share one policy: the archive bucket's three prefixes, the stage's ``remote_env`` file
and the database secret. Neither may delete an object version, so the archive's history
survives a misbehaving app (a delete only adds a delete marker). Zappa's own default role
may touch every bucket in the account, so ``manage_roles`` is off and this role is named in
zappa_settings.json by ``zappa_from_outputs.py``.
"""

from __future__ import annotations

from aws_cdk import Aws, CfnOutput, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk.region_info import RegionInfo
from constructs import Construct

from .archive import ARCHIVE_PREFIXES, ArchiveStack
from .data import DataStack
from .nag import acknowledge
from .settings import StageSettings, StageStack

# What Lambda needs to attach the function to its subnets (the content of AWS's
# AWSLambdaVPCAccessExecutionRole, without its logs statement).
LAMBDA_VPC_ACTIONS = [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
]
SSM_CORE = "AmazonSSMManagedInstanceCore"


class RolesStack(StageStack):
    def __init__(
        self, scope: Construct, stage: StageSettings, archive: ArchiveStack, data: DataStack
    ) -> None:
        super().__init__(scope, stage, "roles", "IAM roles of the Lambda function and workers")
        # The archive's ARN from its name, not a reference to the archive stack: the name is
        # fixed, and it reads the same in the policy and in cdk-nag's findings.
        bucket = s3.Bucket.from_bucket_name(self, "Archive", stage.archive_bucket_name)
        partition = RegionInfo.get(stage.region).partition  # a literal once the region is known
        bucket_finding = f"arn:{partition}:s3:::{stage.archive_bucket_name_for_findings}"
        app_access = iam.ManagedPolicy(
            self,
            "AppAccess",
            description=f"MeetAssist {stage.name}: archive, remote_env file, database secret",
            statements=[
                iam.PolicyStatement(
                    sid="ArchiveBucket",
                    actions=["s3:ListBucket", "s3:GetBucketLocation"],
                    # Not narrowed by s3:prefix: without ListBucket a HEAD on a missing key
                    # answers 403 instead of 404, and the exporter asks exactly that.
                    resources=[bucket.bucket_arn],
                ),
                iam.PolicyStatement(
                    sid="ArchiveObjects",
                    actions=[
                        "s3:GetObject",
                        "s3:PutObject",
                        "s3:DeleteObject",
                        "s3:AbortMultipartUpload",
                    ],
                    resources=[bucket.arn_for_objects(f"{prefix}*") for prefix in ARCHIVE_PREFIXES],
                ),
                iam.PolicyStatement(
                    sid="RemoteEnv",
                    actions=["s3:GetObject"],
                    resources=[archive.deploy_bucket.arn_for_objects(archive.remote_env_key)],
                ),
                iam.PolicyStatement(
                    sid="DatabaseSecret",
                    actions=["secretsmanager:GetSecretValue"],
                    resources=[data.secret.secret_arn],
                ),
            ],
        )
        acknowledge(
            app_access,
            "AwsSolutions-IAM5",
            "Object keys under the archive's prefixes are not known in advance (a file a "
            "table and month, an upload a timestamp); the bucket and the prefixes are named.",
            findings=[f"Resource::{bucket_finding}/{prefix}*" for prefix in ARCHIVE_PREFIXES],
        )

        self.log_group = logs.LogGroup(
            self,
            "FunctionLogs",
            log_group_name=f"/aws/lambda/{stage.function_name}",
            retention=stage.log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        function_arn = (
            f"arn:{Aws.PARTITION}:lambda:{Aws.REGION}:{Aws.ACCOUNT_ID}"
            f":function:{stage.function_name}"
        )
        self.lambda_role = iam.Role(
            self,
            "LambdaRole",
            description=f"MeetAssist {stage.name}: {stage.function_name}, deployed by Zappa",
            # API Gateway and EventBridge invoke the function with this role (manage_roles off).
            assumed_by=iam.CompositePrincipal(
                iam.ServicePrincipal("lambda.amazonaws.com"),
                iam.ServicePrincipal("apigateway.amazonaws.com"),
                iam.ServicePrincipal("events.amazonaws.com"),
            ),
            managed_policies=[app_access],
            inline_policies={
                "function": iam.PolicyDocument(
                    statements=[
                        iam.PolicyStatement(
                            sid="Logs",
                            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                            resources=[self.log_group.log_group_arn],  # ends in :* (its streams)
                        ),
                        iam.PolicyStatement(
                            sid="VpcAttachment", actions=LAMBDA_VPC_ACTIONS, resources=["*"]
                        ),
                        iam.PolicyStatement(
                            sid="InvokeItself",  # Zappa's asynchronous tasks
                            actions=["lambda:InvokeFunction"],
                            resources=[function_arn],
                        ),
                    ]
                )
            },
        )
        acknowledge(
            self.lambda_role,
            "AwsSolutions-IAM5",
            "EC2 names no network interface before Lambda creates it, and its Describe "
            "actions take no resource: AWS's own Lambda VPC policy grants these on '*'.",
            findings=["Resource::*"],
        )

        self.worker_role = iam.Role(
            self,
            "WorkerRole",
            description=f"MeetAssist {stage.name}: Celery worker and beat host",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            managed_policies=[
                app_access,
                iam.ManagedPolicy.from_aws_managed_policy_name(SSM_CORE),
            ],
        )
        acknowledge(
            self.worker_role,
            "AwsSolutions-IAM4",
            "Systems Manager's own minimum for Session Manager and Run Command, which replace "
            "SSH (the host has no inbound rule); AWS keeps it current with the agent.",
            findings=[f"Policy::arn:<AWS::Partition>:iam::aws:policy/{SSM_CORE}"],
        )

        CfnOutput(self, "LambdaRoleArn", value=self.lambda_role.role_arn)
