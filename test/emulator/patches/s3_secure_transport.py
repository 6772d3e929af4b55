"""Bucket policies conditioned on aws:SecureTransport.

AWS: the CDK bootstrap bucket denies requests when aws:SecureTransport is
false; the CLI always uses HTTPS, so the statement never applies to it.

moto 5.2.1 evaluates bucket policies without their conditions, so that
Deny matches every request and asset uploads get 403 AccessDenied.

Patch: the emulator's plain-HTTP loopback endpoint stands in for AWS's
HTTPS endpoint, so aws:SecureTransport is true: a statement that only
applies when it is false is left out of the evaluation. Every other
statement is evaluated as before.
"""

import json

from moto.s3.models import FakeBucket


def _applies_over_tls(statement) -> bool:
    for operator, conditions in (statement.get("Condition") or {}).items():
        if operator in ("Bool", "BoolIfExists"):
            for key, value in conditions.items():
                values = value if isinstance(value, list) else [value]
                if key.lower() == "aws:securetransport" and all(str(v).lower() == "false" for v in values):
                    return False
    return True


def apply() -> None:
    original = FakeBucket.get_permission

    def get_permission(self, action, resource):
        from moto.iam.access_control import IAMPolicy, PermissionResult

        if self.policy is None:
            return original(self, action, resource)
        document = json.loads(self.policy.decode())
        statements = document.get("Statement", [])
        if isinstance(statements, dict):
            statements = [statements]
        kept = [s for s in statements if _applies_over_tls(s)]
        if len(kept) == len(statements):
            return original(self, action, resource)
        if not kept:
            return PermissionResult.NEUTRAL
        return IAMPolicy(json.dumps({**document, "Statement": kept})).is_action_permitted(action, resource)

    FakeBucket.get_permission = get_permission
