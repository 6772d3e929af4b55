"""Route 53 Resolver DNS Firewall state shared by the four DNS Firewall
patches (route53resolver_firewall_*.py; not a patch itself).

moto 5.2.1's route53resolver has no DNS Firewall at all. The patches keep
domain lists, rule groups, associations and VPC configs here, per account
and region, validate what AWS validates, and answer the read APIs
(List*/Get*) that netcheck --stack and the tests call.
"""

import random
import re
import string

from moto.core.exceptions import JsonRESTError
from moto.cloudformation.exceptions import UnformattedGetAttTemplateException


class DnsFirewallError(JsonRESTError):
    """An error AWS would answer (InvalidParameterException, ...)."""

    def __init__(self, code, message):
        super().__init__(code, message)
        self.message = message


def invalid(message):
    return DnsFirewallError("InvalidParameterException", message)


def not_found(message):
    return DnsFirewallError("ResourceNotFoundException", message)


def in_use(message):
    # AWS: deleting a domain list a rule uses, or a rule group still
    # associated with a VPC, is refused.
    return DnsFirewallError("ResourceInUseException", message)


class Resource:
    """What moto's CloudFormation layer asks of a resource object."""

    def is_created(self):
        return True


_states = {}


def state(account_id, region_name):
    return _states.setdefault((account_id, region_name), {"lists": {}, "groups": {}, "assocs": {}, "configs": {}})


def new_id(prefix):
    return prefix + "".join(random.choice(string.hexdigits.lower()[:16]) for _ in range(17))


def arn(region_name, account_id, kind, rid):
    return f"arn:aws:route53resolver:{region_name}:{account_id}:{kind}/{rid}"


# A domain specification: an optional leading *, then A-Z a-z 0-9 - and
# dots between labels, 1 to 255 characters (Route 53 Developer Guide,
# "Managing your own domain lists").
_LABEL = re.compile(r"^[A-Za-z0-9-]+$")


def check_domain(d):
    if not isinstance(d, str) or not 1 <= len(d) <= 255:
        raise invalid(f"domain {d!r}: 1 to 255 characters")
    if d == "*":
        return
    rest = d[2:] if d.startswith("*.") else d
    labels = rest[:-1].split(".") if rest.endswith(".") else rest.split(".")
    if any(not _LABEL.match(label) for label in labels):
        raise invalid(f"domain {d!r}: only an optional leading *, letters, digits, hyphens and dots between labels")


def vpc_exists(account_id, region_name, vpc_id):
    from moto.ec2.models import ec2_backends

    return vpc_id in ec2_backends[account_id][region_name].vpcs


def get_att(resource, attr, attrs):
    if attr in attrs:
        return attrs[attr](resource)
    raise UnformattedGetAttTemplateException()


def add_api(name, method):
    from moto.route53resolver.responses import Route53ResolverResponse

    # A DnsFirewallError raised by method is answered as AWS's JSON error
    # by moto's dispatcher.
    method.__name__ = name
    setattr(Route53ResolverResponse, name, method)


def response_state(resp):
    return state(resp.current_account, resp.region)
