"""A NAT gateway with several Elastic IPs (SecondaryAllocationIds).

AWS: a public NAT gateway has one primary Elastic IP (AllocationId) and
up to seven secondary ones (CreateNatGateway and AWS::EC2::NatGateway
SecondaryAllocationIds; 8 addresses in all, the default quota is 2 and
can be raised to 8). Each secondary address gets a secondary private IP
from the NAT gateway's subnet on the gateway's network interface, and
DescribeNatGateways lists every address under NatGatewayAddresses
(IsPrimary, Status "succeeded"). An Elastic IP already associated
elsewhere, an unknown or repeated allocation id, more than 8 addresses, or
secondary Elastic IPs on a private NAT gateway are refused. In
CloudFormation, changing SecondaryAllocationIds updates the gateway in
place (AssociateNatGatewayAddress / DisassociateNatGatewayAddress: "update
requires no interruption"); changing SubnetId, AllocationId or
ConnectivityType replaces it. Deleting the gateway disassociates every one
of its addresses.

moto 5.2.1 knows only AllocationId: SecondaryAllocationIds is ignored in
the API and in CloudFormation (the gateway has one address; the others
stay unassociated), and AWS::EC2::NatGateway has no update, so a change
of its addresses replaced the gateway (creating the replacement fails:
the primary Elastic IP is still held by the old gateway).

Patch: create_nat_gateway takes the secondary allocation ids (CreateNatGateway's
SecondaryAllocationIds parameter and the CloudFormation property), the
backend gains associate/disassociate_nat_gateway_address, and
AWS::EC2::NatGateway gets the in-place update. (ec2_cfn_delete already
disassociates every address of the gateway's network interface on delete.)
"""

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.elastic_ip_addresses import ElasticAddress
from moto.ec2.models.nat_gateways import NatGateway, NatGatewayBackend

MAX_ADDRESSES = 8


def _invalid(message):
    return EC2ClientError("InvalidParameterValue", message)


def _check_free(backend, allocation_ids):
    """Every allocation id exists once and is not associated (AWS refuses otherwise)."""
    if len(set(allocation_ids)) != len(allocation_ids):
        raise _invalid(f"duplicate Elastic IP allocation ids: {', '.join(allocation_ids)}")
    for allocation_id in allocation_ids:
        eip = backend.address_by_allocation([allocation_id])[0]  # InvalidAllocationID.NotFound
        if eip.eni is not None or eip.instance is not None:
            raise EC2ClientError(
                "Resource.AlreadyAssociated",
                f"Elastic IP address [{allocation_id}] is already associated")


def _associate(backend, gateway, allocation_id):
    eni = gateway._eni
    primary_public_ip = eni.public_ip
    private_ip = eni.subnet.get_available_subnet_ip(eni)
    eni.private_ip_addresses.append({"Primary": False, "PrivateIpAddress": private_ip})
    eip = backend.associate_address(eni=eni, allocation_id=allocation_id)
    eni.public_ip = primary_public_ip  # the interface's own public IP stays the primary one
    eip.nat_private_ip = private_ip
    gateway.address_set.append({
        "allocationId": allocation_id,
        "publicIp": eip.public_ip,
        "associationId": eip.association_id,
        "networkInterfaceId": eni.id,
        "privateIp": private_ip,
        "isPrimary": False,
        "status": "succeeded",
    })


def _disassociate(backend, gateway, allocation_id):
    entry = next((a for a in gateway.address_set if a.get("allocationId") == allocation_id), None)
    if entry is None or entry.get("isPrimary"):
        raise _invalid(f"{allocation_id} is not a secondary address of NAT gateway {gateway.id}")
    eni = gateway._eni
    primary_public_ip = eni.public_ip
    eip = next((e for e in backend.addresses if e.allocation_id == allocation_id), None)
    if eip is not None and eip.association_id == entry["associationId"]:
        backend.disassociate_address(association_id=eip.association_id)
        eip.nat_private_ip = None
    eni.public_ip = primary_public_ip
    eni.private_ip_addresses = [p for p in eni.private_ip_addresses if p.get("PrivateIpAddress") != entry["privateIp"]]
    eni.subnet.del_subnet_ip(entry["privateIp"])
    gateway.address_set.remove(entry)


def apply() -> None:
    original_create = NatGatewayBackend.create_nat_gateway

    def create_nat_gateway(self, subnet_id, allocation_id, tags=None, connectivity_type="public",
                           secondary_allocation_ids=None):
        secondary = list(secondary_allocation_ids or [])
        connectivity_type = connectivity_type or "public"
        if secondary:
            if connectivity_type == "private":
                raise _invalid("SecondaryAllocationIds is for public NAT gateways; a private NAT gateway "
                               "has no Elastic IP")
            if not allocation_id:
                raise EC2ClientError("MissingParameter", "SecondaryAllocationIds needs AllocationId")
            if 1 + len(secondary) > MAX_ADDRESSES:
                raise _invalid(f"a NAT gateway has at most {MAX_ADDRESSES} Elastic IP addresses "
                               f"(1 primary and {MAX_ADDRESSES - 1} secondary); {1 + len(secondary)} given")
            _check_free(self, [allocation_id] + secondary)
        gateway = original_create(self, subnet_id, allocation_id, tags, connectivity_type)
        for address in gateway.address_set:
            address.setdefault("isPrimary", True)
            address.setdefault("status", "succeeded")
        for secondary_id in secondary:
            _associate(self, gateway, secondary_id)
        return gateway

    def associate_nat_gateway_address(self, nat_gateway_id, allocation_ids):
        gateway = self.nat_gateways[nat_gateway_id]
        if len(gateway.address_set) + len(allocation_ids) > MAX_ADDRESSES:
            raise _invalid(f"a NAT gateway has at most {MAX_ADDRESSES} Elastic IP addresses")
        _check_free(self, list(allocation_ids))
        for allocation_id in allocation_ids:
            _associate(self, gateway, allocation_id)
        return gateway

    def disassociate_nat_gateway_address(self, nat_gateway_id, allocation_ids):
        gateway = self.nat_gateways[nat_gateway_id]
        for allocation_id in allocation_ids:
            _disassociate(self, gateway, allocation_id)
        return gateway

    NatGatewayBackend.create_nat_gateway = create_nat_gateway
    # DescribeAddresses: a secondary address maps to its own private IP.
    eni_private_ip = ElasticAddress.private_ip_address.fget
    ElasticAddress.private_ip_address = property(
        lambda self: getattr(self, "nat_private_ip", None) or eni_private_ip(self))
    NatGatewayBackend.associate_nat_gateway_address = associate_nat_gateway_address
    NatGatewayBackend.disassociate_nat_gateway_address = disassociate_nat_gateway_address

    from moto.ec2.responses.nat_gateways import NatGateways
    from moto.ec2.utils import add_tag_specification
    from moto.core.responses import ActionResult

    def create_nat_gateway_response(self):
        nat_gateway = self.ec2_backend.create_nat_gateway(
            subnet_id=self._get_param("SubnetId"),
            allocation_id=self._get_param("AllocationId"),
            tags=add_tag_specification(self._get_param("TagSpecifications", [])),
            connectivity_type=self._get_param("ConnectivityType"),
            secondary_allocation_ids=self._get_param("SecondaryAllocationIds", []),
        )
        return ActionResult({"NatGateway": nat_gateway})

    NatGateways.create_nat_gateway = create_nat_gateway_response

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        from moto.ec2.models import ec2_backends

        p = cloudformation_json["Properties"]
        gateway = ec2_backends[account_id][region_name].create_nat_gateway(
            p["SubnetId"],
            p.get("AllocationId"),
            connectivity_type=p.get("ConnectivityType", "public"),
            secondary_allocation_ids=p.get("SecondaryAllocationIds"),
        )
        for tag in p.get("Tags", []):
            gateway.add_tag(tag["Key"], tag["Value"])
        return gateway

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        from moto.ec2.models import ec2_backends

        backend = ec2_backends[account_id][region_name]
        p = cloudformation_json["Properties"]
        old = original_resource
        primary = next((a.get("allocationId") for a in old.address_set if a.get("isPrimary")), None)
        if (p["SubnetId"] != old.subnet_id or p.get("AllocationId") != primary
                or p.get("ConnectivityType", "public") != old.connectivity_type):
            # Replacement: the new gateway first, then the old one deleted.
            new = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
            old.delete(account_id, region_name)
            return new
        wanted = list(p.get("SecondaryAllocationIds") or [])
        current = [a["allocationId"] for a in old.address_set if not a.get("isPrimary")]
        removed = [a for a in current if a not in wanted]
        added = [a for a in wanted if a not in current]
        if removed:
            backend.disassociate_nat_gateway_address(old.id, removed)
        if added:
            backend.associate_nat_gateway_address(old.id, added)
        return old

    NatGateway.create_from_cloudformation_json = create_from_cloudformation_json
    NatGateway.update_from_cloudformation_json = update_from_cloudformation_json
