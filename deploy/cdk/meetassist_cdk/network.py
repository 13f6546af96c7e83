"""The network stack: a VPC over two availability zones, its security groups and endpoints.

Lambda, RDS and Redis live in private isolated subnets (no route out of the VPC); the
worker host sits in a public subnet with a public address and no inbound rule, so it can
install packages without a NAT gateway. Lambda reaches S3 through the free gateway
endpoint and Secrets Manager through an interface endpoint.
"""

from __future__ import annotations

from aws_cdk import CfnOutput, Fn, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from constructs import Construct

from .settings import StageSettings, StageStack

POSTGRES = ec2.Port.tcp(5432)
REDIS = ec2.Port.tcp(6379)
HTTPS = ec2.Port.tcp(443)


class NetworkStack(StageStack):
    def __init__(self, scope: Construct, stage: StageSettings) -> None:
        super().__init__(scope, stage, "network", "VPC, subnets, security groups, endpoints")
        flow_log_group = logs.LogGroup(
            self,
            "RejectedFlows",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr("10.20.0.0/16"),
            max_azs=2,  # RDS wants subnets in two zones, even for a single-zone instance
            # No NAT gateway: nothing in the private subnets needs the internet (DEPLOY.md,
            # "When a NAT gateway is needed", says what one would cost).
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name="public",
                    subnet_type=ec2.SubnetType.PUBLIC,
                    cidr_mask=24,
                    map_public_ip_on_launch=False,  # the worker asks for its address itself
                ),
                ec2.SubnetConfiguration(
                    name="private", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24
                ),
            ],
            gateway_endpoints={
                "S3": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.S3)
            },
            # Rejected connections only: they explain a security group that is too tight,
            # for a few cents a month.
            flow_logs={
                "Rejected": ec2.FlowLogOptions(
                    destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_log_group),
                    traffic_type=ec2.FlowLogTrafficType.REJECT,
                )
            },
        )
        self.private_subnets = self.vpc.isolated_subnets
        # RDS, Redis, the Secrets Manager endpoint and the worker share the first zone:
        # the database is single-zone, so a second endpoint or broker there would not keep
        # the app up when that zone is down, and same-zone traffic costs nothing.
        self.home_az = self.private_subnets[0].availability_zone
        self.worker_subnet = self.vpc.public_subnets[0]

        self.lambda_sg = self._group("lambda", "the Lambda function Zappa deploys", outbound=False)
        self.worker_sg = self._group("worker", "Celery worker and beat host", outbound=True)
        self.database_sg = self._group("database", "RDS PostgreSQL", outbound=False)
        self.redis_sg = self._group("redis", "ElastiCache Redis (Celery broker)", outbound=False)
        self.endpoint_sg = self._group("endpoints", "Secrets Manager endpoint", outbound=False)
        servers = (
            (self.database_sg, POSTGRES, "PostgreSQL"),
            (self.redis_sg, REDIS, "Redis"),
            (self.endpoint_sg, HTTPS, "Secrets Manager endpoint"),
        )
        for server, port, what in servers:
            server.add_ingress_rule(self.lambda_sg, port, f"{what} from the Lambda function")
            server.add_ingress_rule(self.worker_sg, port, f"{what} from the worker host")
            self.lambda_sg.add_egress_rule(server, port, what)  # the worker may send anywhere
        # S3 through the gateway endpoint. Its prefix list id is known only to a lookup
        # (which needs AWS credentials at synth), so the rule names any address: from an
        # isolated subnet, port 443 reaches nothing but S3 and the endpoint above.
        self.lambda_sg.add_egress_rule(ec2.Peer.any_ipv4(), HTTPS, "S3 via the gateway endpoint")

        self.vpc.add_interface_endpoint(
            "SecretsManager",
            service=ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
            subnets=ec2.SubnetSelection(subnets=[self.private_subnets[0]]),
            security_groups=[self.endpoint_sg],
            private_dns_enabled=True,
            open=False,  # only the two groups above, not the whole VPC
        )

        CfnOutput(self, "VpcId", value=self.vpc.vpc_id)
        CfnOutput(
            self,
            "LambdaSubnetIds",
            value=Fn.join(",", [subnet.subnet_id for subnet in self.private_subnets]),
            description="vpc_config.SubnetIds for Zappa",
        )
        CfnOutput(
            self,
            "LambdaSecurityGroupId",
            value=self.lambda_sg.security_group_id,
            description="vpc_config.SecurityGroupIds for Zappa",
        )

    def _group(self, name: str, purpose: str, *, outbound: bool) -> ec2.SecurityGroup:
        return ec2.SecurityGroup(
            self,
            f"{name.title()}Group",
            vpc=self.vpc,
            description=f"MeetAssist {name}: {purpose}",
            allow_all_outbound=outbound,
        )
