"""A regional NAT gateway (AvailabilityMode regional).

AWS (Amazon VPC User Guide, "Regional NAT gateways"; CreateNatGateway,
DescribeNatGateways, AWS::EC2::NatGateway): a regional NAT gateway has a
VpcId and no SubnetId; it is public only (no private connectivity) and
needs the VPC's internet gateway. AWS creates a route table for it with a
route to that internet gateway (RouteTableId) and removes it with the
gateway. In automatic mode (no AvailabilityZoneAddresses;
AutoProvisionZones and AutoScalingIps "enabled") it has an address in
every AZ where the VPC has subnets, expanding and retracting as subnets
come and go. In manual mode (AvailabilityZoneAddresses: per zone, by name
or id, 1 to 32 Elastic IP allocation ids; AutoProvisionZones "disabled")
it serves only the listed zones, with those addresses. DescribeNatGateways
lists each address with its AvailabilityZone and AvailabilityZoneId.
Deleting it disassociates its Elastic IPs.

moto 5.2.1 knows no regional NAT gateway: its AWS::EC2::NatGateway model
reads Properties.SubnetId and Properties.AllocationId unconditionally (a
KeyError for a regional gateway, which has neither), and its EC2 API has
no AvailabilityMode, AvailabilityZoneAddresses or gateway route table.

Patch: a regional gateway in the EC2 backend (CreateNatGateway with
AvailabilityMode regional, and the CloudFormation create, update and
delete), with the checks above: no internet gateway attached, private
connectivity, an unknown zone, an empty or too long address list, an
unknown, repeated or already associated Elastic IP are refused as AWS
refuses them. What AWS does not document is the emulator's choice, said
here: automatic mode's addresses are not Elastic IPs of the account
(DescribeAddresses does not list them); the emulator gives them from
198.51.100.64/26 (TEST-NET-2, documentation only), apart from its
Elastic IPs (ec2_eip_documentation_range, 198.51.100.128/25) and the VPC
twin's stand-ins (from 198.51.100.10).
"""

import ipaddress

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.nat_gateways import NatGateway, NatGatewayBackend
from moto.ec2.utils import random_nat_gateway_id

MAX_ADDRESSES_PER_AZ = 32
AUTO_FIRST = ipaddress.IPv4Address("198.51.100.64")
AUTO_LAST = ipaddress.IPv4Address("198.51.100.127")


def _invalid(message):
    return EC2ClientError("InvalidParameterValue", message)


def _auto_ip(backend):
    used = set()
    for gw in backend.nat_gateways.values():
        for a in getattr(gw, "_auto_addresses", {}).values():
            used.add(a["publicIp"])
    ip = AUTO_FIRST
    while str(ip) in used and ip < AUTO_LAST:
        ip += 1
    if str(ip) in used:
        raise RuntimeError("the emulator has no free regional NAT gateway address left in 198.51.100.64/26")
    return str(ip)


def _zone(backend, name=None, zone_id=None):
    for z in backend.describe_availability_zones():
        if (name and z.name == name) or (zone_id and z.zone_id == zone_id):
            return z
    raise _invalid(f"unknown Availability Zone {name or zone_id} in {backend.region_name}")


def _vpc_igw(backend, vpc_id):
    for igw in backend.internet_gateways.values():
        if igw.vpc is not None and igw.vpc.id == vpc_id:
            return igw
    return None


class RegionalNatGateway(NatGateway):
    """moto's NatGateway, regional: no subnet, no network interface of its own."""

    def __init__(self, backend, vpc_id, zones, tags=None, connectivity_type="public", max_drain=None):
        self.id = random_nat_gateway_id()
        self.ec2_backend = backend
        self.vpc_id = vpc_id
        self.subnet_id = None
        self.state = "available"
        self.connectivity_type = connectivity_type
        self.availability_mode = "regional"
        self.manual = zones is not None
        self.auto_provision_zones = "disabled" if self.manual else "enabled"
        self.auto_scaling_ips = "disabled" if self.manual else "enabled"
        self.max_drain_duration_seconds = max_drain
        self.private_ip = None
        self._eni = None
        self._manual_addresses = []  # address entries of manual mode
        self._auto_addresses = {}    # zone name -> address entry of automatic mode
        from moto.core.utils import utcnow

        self._created_at = utcnow()
        igw = _vpc_igw(backend, vpc_id)
        rt = backend.create_route_table(vpc_id)
        backend.create_route(rt.id, "0.0.0.0/0", gateway_id=igw.id)
        self.route_table_id = rt.id
        if self.manual:
            self._set_zones(zones)
        self.add_tags(tags or {})

    def _set_zones(self, zones):
        backend = self.ec2_backend
        wanted = []
        for z in zones:
            zone = _zone(backend, z.get("AvailabilityZone"), z.get("AvailabilityZoneId"))
            for allocation_id in z["AllocationIds"]:
                wanted.append((zone, allocation_id))
        current = {a["allocationId"]: a for a in self._manual_addresses}
        for allocation_id in [a for a in current if a not in {w[1] for w in wanted}]:
            self._release(current[allocation_id])
        for zone, allocation_id in wanted:
            if allocation_id in current:
                continue
            eip = backend.address_by_allocation([allocation_id])[0]  # InvalidAllocationID.NotFound
            if eip.eni is not None or eip.instance is not None or getattr(eip, "regional_nat", None):
                raise EC2ClientError("Resource.AlreadyAssociated", f"Elastic IP address [{allocation_id}] is already associated")
            eip.regional_nat = self.id
            eip.association_id = eip.association_id or f"eipassoc-{allocation_id[-17:]}"
            self._manual_addresses.append({
                "allocationId": allocation_id, "publicIp": eip.public_ip, "associationId": eip.association_id,
                "availabilityZone": zone.name, "availabilityZoneId": zone.zone_id, "isPrimary": False, "status": "succeeded",
            })

    def _release(self, entry):
        for eip in self.ec2_backend.addresses:
            if eip.allocation_id == entry["allocationId"] and getattr(eip, "regional_nat", None) == self.id:
                eip.regional_nat = None
                eip.association_id = None
        self._manual_addresses.remove(entry)

    @property
    def nat_gateway_addresses(self):
        if self.state == "deleted":
            return []
        if self.manual:
            return list(self._manual_addresses)
        # Automatic mode: an address in every AZ where the VPC has subnets.
        backend = self.ec2_backend
        zones = {}
        for s in backend.describe_subnets(filters={"vpc-id": [self.vpc_id]}):
            zones[s.availability_zone] = s.availability_zone_id
        for name in list(self._auto_addresses):
            if name not in zones:
                del self._auto_addresses[name]  # retracts from an AZ without subnets
        for name, zone_id in sorted(zones.items()):
            if name not in self._auto_addresses:
                self._auto_addresses[name] = {"publicIp": _auto_ip(backend), "availabilityZone": name,
                                              "availabilityZoneId": zone_id, "isPrimary": False, "status": "succeeded"}
        return [self._auto_addresses[n] for n in sorted(self._auto_addresses)]

    @property
    def address_set(self):
        return self.nat_gateway_addresses

    @address_set.setter
    def address_set(self, value):
        pass  # moto's own code never sets it on a regional gateway

    def delete(self, account_id, region_name):
        if self.state == "deleted":
            return
        for entry in list(self._manual_addresses):
            self._release(entry)
        self._auto_addresses = {}
        backend = self.ec2_backend
        backend.delete_nat_gateway(self.id)
        rt = backend.route_tables.get(self.route_table_id)
        if rt is not None:
            routes = rt.routes.values() if isinstance(rt.routes, dict) else rt.routes
            for route in list(routes):
                if route.destination_cidr_block and not getattr(route, "local", False):
                    backend.delete_route(rt.id, route.destination_cidr_block)
            backend.delete_route_table(rt.id)


def _create_regional(backend, vpc_id, zones, tags=None, connectivity_type="public", max_drain=None):
    backend.get_vpc(vpc_id)  # InvalidVpcID.NotFound
    if (connectivity_type or "public") != "public":
        raise _invalid("a regional NAT gateway has public connectivity only")
    if _vpc_igw(backend, vpc_id) is None:
        raise EC2ClientError("Gateway.NotAttached", f"VPC {vpc_id} has no internet gateway attached; a regional NAT gateway needs one")
    if zones is not None:
        if len(zones) == 0:
            raise _invalid("AvailabilityZoneAddresses must list at least one zone")
        seen = set()
        for z in zones:
            zone = _zone(backend, z.get("AvailabilityZone"), z.get("AvailabilityZoneId"))
            if zone.name in seen:
                raise _invalid(f"Availability Zone {zone.name} is listed twice")
            seen.add(zone.name)
            ids = z.get("AllocationIds") or []
            if not 1 <= len(ids) <= MAX_ADDRESSES_PER_AZ:
                raise _invalid(f"{zone.name}: a regional NAT gateway takes 1 to {MAX_ADDRESSES_PER_AZ} Elastic IPs per zone, {len(ids)} given")
        all_ids = [i for z in zones for i in z["AllocationIds"]]
        if len(set(all_ids)) != len(all_ids):
            raise _invalid("an Elastic IP allocation id is listed twice")
    if max_drain is not None and not 1 <= int(max_drain) <= 4000:
        raise _invalid(f"MaxDrainDurationSeconds must be 1 to 4000, {max_drain} given")
    gateway = RegionalNatGateway(backend, vpc_id, zones, tags, connectivity_type or "public", max_drain)
    backend.nat_gateways[gateway.id] = gateway
    return gateway


def apply() -> None:
    NatGatewayBackend.create_regional_nat_gateway = _create_regional

    from moto.ec2.responses.nat_gateways import NatGateways
    from moto.ec2.utils import add_tag_specification
    from moto.core.responses import ActionResult

    zonal_response = NatGateways.create_nat_gateway

    def create_nat_gateway_response(self):
        if self._get_param("AvailabilityMode") != "regional":
            return zonal_response(self)
        zones = self._get_param("AvailabilityZoneAddresses")
        gateway = self.ec2_backend.create_regional_nat_gateway(
            self._get_param("VpcId"), zones if zones else None,
            tags=add_tag_specification(self._get_param("TagSpecifications", [])),
            connectivity_type=self._get_param("ConnectivityType"),
        )
        return ActionResult({"NatGateway": gateway})

    NatGateways.create_nat_gateway = create_nat_gateway_response

    zonal_create = NatGateway.create_from_cloudformation_json.__func__
    zonal_update = NatGateway.update_from_cloudformation_json.__func__

    def _regional_from(p, account_id, region_name):
        from moto.ec2.models import ec2_backends

        gateway = ec2_backends[account_id][region_name].create_regional_nat_gateway(
            p["VpcId"], p.get("AvailabilityZoneAddresses"), connectivity_type=p.get("ConnectivityType", "public"),
            max_drain=p.get("MaxDrainDurationSeconds"))
        for tag in p.get("Tags", []):
            gateway.add_tag(tag["Key"], tag["Value"])
        return gateway

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        p = cloudformation_json["Properties"]
        if p.get("AvailabilityMode") == "regional":
            return _regional_from(p, account_id, region_name)
        return zonal_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        p = cloudformation_json["Properties"]
        old = original_resource
        was, now = isinstance(old, RegionalNatGateway), p.get("AvailabilityMode") == "regional"
        if not was and not now:
            return zonal_update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name)
        if was and now and p["VpcId"] == old.vpc_id and (p.get("AvailabilityZoneAddresses") is not None) == old.manual:
            # In place: the zones' addresses (manual mode) and the drain time.
            if old.manual:
                old._set_zones(p["AvailabilityZoneAddresses"])
            old.max_drain_duration_seconds = p.get("MaxDrainDurationSeconds")
            return old
        # Replacement (AvailabilityMode, VpcId, or the mode): the new gateway
        # first, then the old one deleted.
        new = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        old.delete(account_id, region_name)
        return new

    NatGateway.create_from_cloudformation_json = create_from_cloudformation_json
    NatGateway.update_from_cloudformation_json = update_from_cloudformation_json
