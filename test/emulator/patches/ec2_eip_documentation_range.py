"""Elastic IPs from a documentation range, not loopback addresses.

AWS: an Elastic IP is a public IPv4 address, routable on the internet.

moto 5.2.1 allocates them as random 127.x.y.z addresses: loopback, which
no internet routes, so the VPC twin (cmd/twin, which answers Lambda Invoke,
see lambda_invoke_twin) has to replace them and the function's answer would
not be the address in the stack's NatPublicIps output.

Patch: allocate, when no address is requested, the next free address of
198.51.100.128/25 (TEST-NET-2, RFC 5737: documentation, never on the real
internet). The twin's own fixed addresses are elsewhere: its test internet
in 203.0.113.0/24, its gateway links in 192.0.2.0/24, and the stand-ins it
gives non-public addresses from 198.51.100.10 up.
"""

import ipaddress

from moto.ec2.models import elastic_ip_addresses

FIRST = ipaddress.IPv4Address("198.51.100.128")
LAST = ipaddress.IPv4Address("198.51.100.254")


def apply() -> None:
    cls = elastic_ip_addresses.ElasticAddress
    original = cls.__init__

    def __init__(self, ec2_backend, domain, address=None, tags=None):
        if not address:
            used = {a.public_ip for a in getattr(ec2_backend, "addresses", [])}
            ip = FIRST
            while str(ip) in used and ip < LAST:
                ip += 1
            if str(ip) in used:
                raise RuntimeError("the emulator has no free Elastic IP left in 198.51.100.128/25")
            address = str(ip)
        original(self, ec2_backend, domain, address=address, tags=tags)

    cls.__init__ = __init__
