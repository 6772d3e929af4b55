"""Gateway VPC endpoints: deleted with the stack; prefix lists list their CIDRs.

AWS: deleting a stack deletes its AWS::EC2::VPCEndpoint resources
(DeleteVpcEndpoints), which for a gateway endpoint also removes its routes
(DestinationPrefixListId -> vpce-...) from the route tables; DeleteVpc
refuses a VPC that still has endpoints. DescribePrefixLists answers each
AWS service prefix list (com.amazonaws.<region>.s3, .dynamodb) with its
Cidrs, the addresses a route to the prefix list applies to.

moto 5.2.1 has no CloudFormation delete for the type (the endpoints stay
"available" in a VPC that no longer exists), and its DescribePrefixLists
omits Cidrs (GetManagedPrefixListEntries has them).

moto also has no update for it, so a change of RouteTableIds replaced the
endpoint: the new endpoint's routes took the old ones' place, and
deleting the old endpoint then removed them (AWS updates RouteTableIds
and PolicyDocument in place).

Patch: give the endpoint a delete() that does what DeleteVpcEndpoints
does (a gateway endpoint's routes removed from the route tables that are
still there), and answer Cidrs from the prefix list's
entries; update a gateway endpoint's route tables and policy in place.
(ec2_vpc_delete refuses DeleteVpc while an endpoint remains.)
"""

from moto.ec2.models.managed_prefixes import ManagedPrefixList
from moto.ec2.models.vpcs import VPCEndPoint


def apply() -> None:
    def delete(self, account_id, region_name):
        from moto.ec2.models import ec2_backends

        backend = ec2_backends[account_id][region_name]
        if self.state == "deleted":
            return
        if self.vpc_endpoint_type.lower() == "gateway":
            # moto deletes a stack's resources in no particular order: a
            # route table may already be gone (with its routes).
            for table_id in list(self.route_table_ids or []):
                table = backend.route_tables.get(table_id)
                if table is not None and any(r.destination_prefix_list_id == self.destination_prefix_list_id
                                             and r.gateway_id == self.id for r in table.routes):
                    backend.delete_route(table_id, None, destination_prefix_list_id=self.destination_prefix_list_id)
            self.state = "deleted"
        else:
            backend.delete_vpc_endpoints([self.id])

    def cidrs(self):
        if not self.entries:
            return []
        return [entry["Cidr"] for entry in self.entries[max(self.entries)]]

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        from moto.ec2.models import ec2_backends

        backend = ec2_backends[account_id][region_name]
        p = cloudformation_json["Properties"]
        old = original_resource
        if (p.get("VpcId") != old.vpc_id or p.get("ServiceName") != old.service_name
                or (p.get("VpcEndpointType") or "Gateway").lower() != old.vpc_endpoint_type.lower()
                or old.vpc_endpoint_type.lower() != "gateway"):
            new = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
            delete(old, account_id, region_name)
            return new
        wanted = list(p.get("RouteTableIds") or [])
        for table_id in [t for t in old.route_table_ids if t not in wanted]:
            if table_id in backend.route_tables:
                backend.delete_route(table_id, None, destination_prefix_list_id=old.destination_prefix_list_id)
        for table_id in [t for t in wanted if t not in old.route_table_ids]:
            backend.create_route(table_id, None, gateway_id=old.id,
                                 destination_prefix_list_id=old.destination_prefix_list_id)
        old.route_table_ids = wanted
        if p.get("PolicyDocument"):
            import json

            document = p["PolicyDocument"]
            old.policy_document = document if isinstance(document, str) else json.dumps(document)
        return old

    VPCEndPoint.delete = delete
    VPCEndPoint.update_from_cloudformation_json = update_from_cloudformation_json
    ManagedPrefixList.cidrs = property(cidrs)
