"""IPv6 and prefix-list destinations of AWS::EC2::Route.

AWS: a route has exactly one destination: DestinationCidrBlock (IPv4),
DestinationIpv6CidrBlock (e.g. ::/0 -> egress-only internet gateway or
internet gateway) or DestinationPrefixListId (a managed prefix list); a
route for a destination the table already has is refused
(RouteAlreadyExists), as is one with no destination.

moto 5.2.1's CloudFormation model reads only DestinationCidrBlock: an IPv6
route is created with no destination at all (DescribeRouteTables shows a
route to nowhere; netcheck could not see ::/0), and a second such route
of the table silently replaces the first.

Patch: pass all three destinations, require exactly one, and refuse a
duplicate destination. An update that changes only the target replaces
the route in place (ReplaceRoute, as CloudFormation does); one that moves
it creates the new route, then deletes the old one.
"""

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.route_tables import Route


def apply() -> None:
    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        from moto.ec2.models import ec2_backends

        p = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        destinations = {k: p.get(k) for k in ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")
                        if p.get(k)}
        if len(destinations) != 1:
            raise EC2ClientError(
                "InvalidParameterCombination",
                "a route needs exactly one of DestinationCidrBlock, DestinationIpv6CidrBlock and "
                f"DestinationPrefixListId; given: {', '.join(destinations) or 'none'}")
        table = backend.get_route_table(p["RouteTableId"])
        (kind, value), = destinations.items()
        for route in table.routes:
            existing = {
                "DestinationCidrBlock": route.destination_cidr_block,
                "DestinationIpv6CidrBlock": route.destination_ipv6_cidr_block,
                "DestinationPrefixListId": route.destination_prefix_list_id,
            }[kind]
            if existing == value:
                raise EC2ClientError(
                    "RouteAlreadyExists",
                    f"The route identified by {value} already exists in route table {table.id}")
        return backend.create_route(
            route_table_id=p["RouteTableId"],
            destination_cidr_block=p.get("DestinationCidrBlock"),
            destination_ipv6_cidr_block=p.get("DestinationIpv6CidrBlock"),
            destination_prefix_list_id=p.get("DestinationPrefixListId"),
            gateway_id=p.get("GatewayId"),
            instance_id=p.get("InstanceId"),
            nat_gateway_id=p.get("NatGatewayId"),
            egress_only_igw_id=p.get("EgressOnlyInternetGatewayId"),
            transit_gateway_id=p.get("TransitGatewayId"),
            interface_id=p.get("NetworkInterfaceId"),
            vpc_peering_connection_id=p.get("VpcPeeringConnectionId"),
            carrier_gateway_id=p.get("CarrierGatewayId"),
            vpc_endpoint_id=p.get("VpcEndpointId"),
        )

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        p = cloudformation_json["Properties"]
        old = original_resource
        same_place = (p["RouteTableId"] == old.route_table.id
                      and p.get("DestinationCidrBlock") == old.destination_cidr_block
                      and p.get("DestinationIpv6CidrBlock") == old.destination_ipv6_cidr_block
                      and p.get("DestinationPrefixListId") == old.destination_prefix_list_id)
        if same_place:
            # Another target: ReplaceRoute, in place.
            old.route_table._routes.pop(old.id, None)
            return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        new = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        old.delete(account_id, region_name)
        return new

    Route.create_from_cloudformation_json = create_from_cloudformation_json
    Route.update_from_cloudformation_json = update_from_cloudformation_json
