"""The network stack: two zones, isolated subnets, no NAT, endpoints, tight security groups."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match

from tests.conftest import resources

STAGES = ["dev", "production"]


@pytest.mark.parametrize("stage", STAGES)
def test_vpc_spans_two_availability_zones_with_a_public_and_a_private_subnet_each(
    synthesized, stage
):
    subnets = resources(synthesized.raw(stage, "network"), "AWS::EC2::Subnet").values()

    zones = sorted(s["Properties"]["AvailabilityZone"]["Fn::Select"][0] for s in subnets)
    assert zones == [0, 0, 1, 1]
    assert all(s["Properties"]["MapPublicIpOnLaunch"] is False for s in subnets)


@pytest.mark.parametrize("stage", STAGES)
def test_no_nat_gateway_and_no_route_out_of_the_private_subnets(synthesized, template, stage):
    network = template(stage, "network")
    network.resource_count_is("AWS::EC2::NatGateway", 0)
    routes = resources(synthesized.raw(stage, "network"), "AWS::EC2::Route").values()

    # Only the two public subnets' default routes, both to the internet gateway.
    assert len(routes) == 2
    assert all("GatewayId" in route["Properties"] for route in routes)


@pytest.mark.parametrize("stage", STAGES)
def test_s3_gateway_and_secrets_manager_interface_endpoints(synthesized, template, stage):
    network = template(stage, "network")
    (interface,) = [
        e["Properties"]
        for e in resources(synthesized.raw(stage, "network"), "AWS::EC2::VPCEndpoint").values()
        if e["Properties"]["VpcEndpointType"] == "Interface"
    ]

    network.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {"VpcEndpointType": "Gateway", "ServiceName": Match.object_like({})},
    )
    network.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {
            "VpcEndpointType": "Interface",
            "ServiceName": "com.amazonaws.ap-southeast-1.secretsmanager",
            "PrivateDnsEnabled": True,
        },
    )
    # One zone, the database's: half the hourly price of two (DEPLOY.md, costs)
    assert len(interface["SubnetIds"]) == 1


@pytest.mark.parametrize("stage", STAGES)
def test_nothing_accepts_connections_from_an_address_range(synthesized, stage):
    raw = synthesized.raw(stage, "network")
    inline = [
        rule
        for group in resources(raw, "AWS::EC2::SecurityGroup").values()
        for rule in group["Properties"].get("SecurityGroupIngress", [])
    ]
    separate = [r["Properties"] for r in resources(raw, "AWS::EC2::SecurityGroupIngress").values()]

    assert inline == []
    assert separate and all("SourceSecurityGroupId" in rule for rule in separate)


@pytest.mark.parametrize("stage", STAGES)
def test_database_redis_and_endpoint_admit_only_the_lambda_and_worker_groups(synthesized, stage):
    raw = synthesized.raw(stage, "network")
    ingress = sorted(
        (
            rule["Properties"]["FromPort"],
            rule["Properties"]["SourceSecurityGroupId"]["Fn::GetAtt"][0],
        )
        for rule in resources(raw, "AWS::EC2::SecurityGroupIngress").values()
    )

    assert [port for port, _source in ingress] == [443, 443, 5432, 5432, 6379, 6379]
    assert {source for _port, source in ingress} == {
        next(key for key in raw["Resources"] if key.startswith("LambdaGroup")),
        next(key for key in raw["Resources"] if key.startswith("WorkerGroup")),
    }


@pytest.mark.parametrize("stage", STAGES)
def test_lambda_group_sends_only_to_postgres_redis_and_https(synthesized, stage):
    raw = synthesized.raw(stage, "network")
    lambda_group = next(
        group
        for key, group in resources(raw, "AWS::EC2::SecurityGroup").items()
        if key.startswith("LambdaGroup")
    )
    inline = lambda_group["Properties"]["SecurityGroupEgress"]
    separate = [r["Properties"] for r in resources(raw, "AWS::EC2::SecurityGroupEgress").values()]

    assert {(rule["FromPort"], rule.get("CidrIp")) for rule in inline} == {
        (443, "0.0.0.0/0"),  # S3's gateway endpoint: isolated subnets route nowhere else
    }
    assert sorted(rule["FromPort"] for rule in separate) == [443, 5432, 6379]
    assert all("DestinationSecurityGroupId" in rule for rule in separate)


@pytest.mark.parametrize("stage", STAGES)
def test_rejected_flows_are_logged_for_a_month(template, stage):
    network = template(stage, "network")

    network.has_resource_properties("AWS::EC2::FlowLog", {"TrafficType": "REJECT"})
    network.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 30})
