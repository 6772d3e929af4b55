"""AWS::EC2::SubnetRouteTableAssociation must associate the route table.

AWS: the association is what DescribeRouteTables shows under
Associations; it decides which route table a subnet uses; its physical id
is the association id; deleting it puts the subnet back on the main route
table.

moto 5.2.1 records the association on the side (create_subnet_association):
DescribeRouteTables does not show it, so every subnet looks as if it used
the VPC's main route table; and it cannot be deleted.

Patch: create it with AssociateRouteTable and delete it with
DisassociateRouteTable. moto's AssociateRouteTable answers a subnet's
existing association even when it is with another route table; AWS
refuses that (Resource.AlreadyAssociated), and so does the patch, so a
template that puts one subnet on two route tables fails as it would in AWS.
"""

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.subnets import SubnetRouteTableAssociation


class _Association(SubnetRouteTableAssociation):
    def __init__(self, association_id, route_table_id, subnet_id):
        super().__init__(route_table_id, subnet_id)
        self.id = association_id

    @property
    def physical_resource_id(self):
        return self.id

    def is_created(self):
        return True

    def delete(self, account_id, region_name):
        from moto.ec2.models import ec2_backends

        ec2_backends[account_id][region_name].disassociate_route_table(self.id)


def apply() -> None:
    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        from moto.ec2.models import ec2_backends

        properties = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        for table in backend.route_tables.values():
            if properties["SubnetId"] in table._associations.values():
                raise EC2ClientError(
                    "Resource.AlreadyAssociated",
                    f"the specified association for route table {properties['RouteTableId']} conflicts with an "
                    f"existing association (subnet {properties['SubnetId']} is associated with {table.id})")
        association_id = backend.associate_route_table(properties["RouteTableId"], subnet_id=properties["SubnetId"])
        return _Association(association_id, properties["RouteTableId"], properties["SubnetId"])

    SubnetRouteTableAssociation.create_from_cloudformation_json = create_from_cloudformation_json
