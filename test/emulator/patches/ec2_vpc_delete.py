"""DeleteVpc: dependencies and the default network ACL.

AWS: a VPC cannot be deleted while it still has an attached internet
gateway, an egress-only internet gateway, VPC endpoints, security groups other than its default one, or network ACLs other
than its default one (DependencyViolation); deleting it deletes its
default network ACL, default security group and main route table.

moto 5.2.1 checks only subnets, VPN gateways and route tables (an
egress-only internet gateway or an endpoint is left pointing at a deleted
VPC), and leaves
the default network ACL behind, pointing at a VPC that no longer exists.

Patch: add the missing dependency checks and delete the default network
ACL with the VPC.
"""

from moto.ec2.exceptions import DependencyViolationError
from moto.ec2.models import EC2Backend


def apply() -> None:
    original = EC2Backend.delete_vpc

    def delete_vpc(self, vpc_id):
        blockers = []
        blockers += [igw.id for igw in self.internet_gateways.values() if igw.vpc is not None and igw.vpc.id == vpc_id]
        for groups in self.groups.values():
            blockers += [g.id for g in groups.values() if g.vpc_id == vpc_id and g.name != "default"]
        blockers += [a.id for a in self.network_acls.values() if a.vpc_id == vpc_id and not a.default]
        blockers += [g.id for g in self.egress_only_internet_gateways.values() if g.vpc_id == vpc_id]
        blockers += [e.id for e in self.vpc_end_points.values() if e.vpc_id == vpc_id and e.state != "deleted"]
        if blockers:
            raise DependencyViolationError(
                f"The vpc '{vpc_id}' has dependencies and cannot be deleted: {', '.join(sorted(blockers))}")
        vpc = original(self, vpc_id)
        for acl_id in [a.id for a in self.network_acls.values() if a.vpc_id == vpc_id and a.default]:
            self.network_acls.pop(acl_id, None)
        return vpc

    EC2Backend.delete_vpc = delete_vpc
