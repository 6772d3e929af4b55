"""DependsOn holds for every way a resource gets created.

AWS: a resource is created only after every resource in its DependsOn
(CDK adds them, e.g. a subnet whose IPv6 block comes from the VPC's
Ipv6CidrBlocks depends on the AWS::EC2::VPCCidrBlock), whatever the order
of the template.

moto 5.2.1 orders the stack's creation by DependsOn, but creates a resource
early when another one refers to it (Ref, Fn::GetAtt), and then ignores
the referenced resource's own DependsOn: with the function listed before
the subnets, a subnet was created before the VPC had its IPv6 block and
Fn::Select on the VPC's empty Ipv6CidrBlocks failed ("list index out of
range"), so whether a template deployed depended on the order of its keys.

Patch: creating a resource first creates what it DependsOn; a circular
dependency fails, as AWS's template validation does.
"""

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError


def apply() -> None:
    original = parsing.ResourceMap.__getitem__

    def __getitem__(self, key):
        if key in self._parsed_resources or key not in self._resource_json_map:
            return original(self, key)
        depends_on = self._resource_json_map[key].get("DependsOn") or []
        if isinstance(depends_on, str):
            depends_on = [depends_on]
        creating = self.__dict__.setdefault("_emulator_creating", [])
        if key in creating:
            cycle = creating[creating.index(key):] + [key]
            raise ValidationError(key, f"Circular dependency between resources: [{', '.join(cycle)}]")
        creating.append(key)
        try:
            for dependency in depends_on:
                if dependency in self._resource_json_map:
                    self[dependency]
            return original(self, key)
        finally:
            creating.remove(key)

    parsing.ResourceMap.__getitem__ = __getitem__
