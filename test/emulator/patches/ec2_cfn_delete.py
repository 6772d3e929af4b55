"""Deleting a stack must delete its routes, route tables, NAT gateways,
Elastic IPs, internet gateways and gateway attachments.

AWS: every resource of a stack is deleted with it, in reverse dependency
order; deleting a NAT gateway also releases its network interface and
disassociates its Elastic IP.

moto 5.2.1 has no CloudFormation delete for these types: they are skipped,
and the VPC delete then fails ("vpc ... has dependencies"), so
`cdk destroy` fails.

Patch: give each type a delete() that calls the EC2 API AWS would use.
moto's stack delete retries resources whose dependencies are still there,
so the order works out.
"""

from moto.ec2.models.elastic_ip_addresses import ElasticAddress
from moto.ec2.models.internet_gateways import InternetGateway
from moto.ec2.models.nat_gateways import NatGateway
from moto.ec2.models.route_tables import Route, RouteTable
from moto.ec2.models.vpn_gateway import VPCGatewayAttachment


def _backend(account_id, region_name):
    from moto.ec2.models import ec2_backends

    return ec2_backends[account_id][region_name]


def apply() -> None:
    def route_delete(self, account_id, region_name):
        _backend(account_id, region_name).delete_route(
            self.route_table.id,
            self.destination_cidr_block,
            destination_ipv6_cidr_block=self.destination_ipv6_cidr_block,
            destination_prefix_list_id=self.destination_prefix_list.id if self.destination_prefix_list else None,
        )

    def route_table_delete(self, account_id, region_name):
        _backend(account_id, region_name).delete_route_table(self.id)

    def nat_delete(self, account_id, region_name):
        backend = _backend(account_id, region_name)
        if self.state == "deleted":
            return
        for address in list(backend.addresses):
            if address.eni is self._eni:
                backend.disassociate_address(address=address.public_ip)
        backend.delete_nat_gateway(self.id)
        backend.delete_network_interface(self._eni.id)

    def eip_delete(self, account_id, region_name):
        backend = _backend(account_id, region_name)
        if self.allocation_id:
            backend.release_address(allocation_id=self.allocation_id)
        else:
            backend.release_address(address=self.public_ip)

    def igw_delete(self, account_id, region_name):
        _backend(account_id, region_name).delete_internet_gateway(self.id)

    def attachment_delete(self, account_id, region_name):
        backend = _backend(account_id, region_name)
        if self.gateway_id and self.gateway_id.startswith("igw-"):
            backend.detach_internet_gateway(self.gateway_id, self.vpc_id)
        elif self.gateway_id:
            backend.detach_vpn_gateway(self.gateway_id, self.vpc_id)

    Route.delete = route_delete
    RouteTable.delete = route_table_delete
    NatGateway.delete = nat_delete
    ElasticAddress.delete = eip_delete
    InternetGateway.delete = igw_delete
    VPCGatewayAttachment.delete = attachment_delete
