"""A NAT gateway's private IP is an address of its subnet.

AWS: a NAT gateway's network interface takes a private IPv4 address from
the gateway's subnet (DescribeNatGateways NatGatewayAddresses.PrivateIp,
DescribeNetworkInterfaces), and the source address of everything it
forwards inside the VPC is that address.

moto 5.2.1 gives the interface a random 10.x.x.x address that is usually
not in the subnet at all (e.g. 10.142.87.1 for a NAT gateway in
10.0.0.0/24).

Patch: after moto creates the gateway, give its interface the next free
address of its subnet.
"""

from moto.ec2.models.nat_gateways import NatGatewayBackend


def apply() -> None:
    original = NatGatewayBackend.create_nat_gateway

    def create_nat_gateway(self, subnet_id, allocation_id, tags=None, connectivity_type="public"):
        gateway = original(self, subnet_id, allocation_id, tags, connectivity_type)
        eni = gateway._eni
        bogus = eni.private_ip_address
        ip = eni.subnet.get_available_subnet_ip(eni)
        eni.private_ip_address = ip
        for entry in eni.private_ip_addresses:
            if entry.get("PrivateIpAddress") == bogus:
                entry["PrivateIpAddress"] = ip
        gateway.private_ip = ip
        for address in gateway.address_set:
            if address.get("privateIp") == bogus:
                address["privateIp"] = ip
        return gateway

    NatGatewayBackend.create_nat_gateway = create_nat_gateway
