"""The Fn::Cidr intrinsic function.

AWS: {"Fn::Cidr": [ipBlock, count, cidrBits]} returns the first `count`
address blocks of ipBlock, each with `cidrBits` host bits (prefix length
32 - cidrBits for IPv4, 128 - cidrBits for IPv6): CDK and hand-written
templates give each subnet a /64 of the VPC's Amazon-provided /56 with
{"Fn::Select": [i, {"Fn::Cidr": [<the /56>, 256, "64"]}]}. count is 1 to
256; a template asking for blocks larger than ipBlock, or for more blocks
than fit in it, fails.

moto 5.2.1 does not know Fn::Cidr: the function object is passed through
unevaluated as the property value (Fn::Select then picks a key of it).

Patch: evaluate Fn::Cidr, with AWS's checks, wherever moto resolves
intrinsic functions.
"""

import ipaddress

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError


def cidr(ip_block, count, cidr_bits):
    try:
        network = ipaddress.ip_network(str(ip_block), strict=True)
        count, cidr_bits = int(count), int(cidr_bits)
    except ValueError as e:
        raise ValidationError("Fn::Cidr", f"Template error: Fn::Cidr: {e}")
    if not 1 <= count <= 256:
        raise ValidationError("Fn::Cidr", f"Template error: Fn::Cidr count must be 1 to 256, got {count}")
    prefix = network.max_prefixlen - cidr_bits
    if cidr_bits < 1 or prefix < network.prefixlen:
        raise ValidationError(
            "Fn::Cidr", f"Template error: Fn::Cidr cidrBits {cidr_bits} makes blocks larger than {network}")
    if count > 2 ** (prefix - network.prefixlen):
        raise ValidationError(
            "Fn::Cidr", f"Template error: {network} holds fewer than {count} blocks of /{prefix}")
    blocks = []
    for block in network.subnets(new_prefix=prefix):
        blocks.append(str(block))
        if len(blocks) == count:
            break
    return blocks


def apply() -> None:
    original = parsing.clean_json

    def clean_json(resource_json, resources_map):
        if isinstance(resource_json, dict) and "Fn::Cidr" in resource_json:
            args = original(resource_json["Fn::Cidr"], resources_map)
            if not isinstance(args, list) or len(args) != 3:
                raise ValidationError("Fn::Cidr", "Template error: Fn::Cidr takes [ipBlock, count, cidrBits]")
            return cidr(*args)
        return original(resource_json, resources_map)

    # moto's functions call clean_json through the module: recursion and
    # every caller see the new one.
    parsing.clean_json = clean_json
