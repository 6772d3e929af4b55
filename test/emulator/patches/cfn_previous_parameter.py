"""The previous value of a parameter is the value given, not the resolved one.

AWS: UsePreviousValue reuses the value the stack was given for the
parameter, or its default; for an SSM-typed parameter that is the SSM
parameter's name, which is resolved again on every update. `cdk deploy`
updates stacks with UsePreviousValue for BootstrapVersion, an SSM-typed
parameter CDK templates leave to its default.

moto 5.2.1: CreateChangeSet reuses the *resolved* value ("33"), which it
then looks up as an SSM parameter name (AttributeError, the update fails);
UpdateStack looks the parameter up among the values given at creation
only (KeyError 'BootstrapVersion', HTTP 500).

Patch: a stack's previous parameter values are the given ones over the
template's defaults, unresolved; a parameter the stack never had is a
ValidationError, as in AWS.
"""

from moto.cloudformation import models
from moto.cloudformation.exceptions import ValidationError


def _previous_values(stack):
    resource_map = stack.resource_map
    declared = (getattr(resource_map, "_template", None) or {}).get("Parameters", {}) or {}
    values = {key: slot.get("Default") for key, slot in declared.items()}
    values.update(getattr(resource_map, "input_parameters", None) or {})
    return values


def apply() -> None:
    models.Stack.stack_parameters = property(_previous_values)

    def _resolve_update_parameters(self, instance, incoming_params):
        previous = _previous_values(instance) if isinstance(instance, models.Stack) else dict(instance.parameters)
        parameters = {
            p["ParameterKey"]: p["ParameterValue"] for p in incoming_params if "ParameterValue" in p
        }
        for p in incoming_params:
            if not p.get("UsePreviousValue", False):
                continue
            key = p["ParameterKey"]
            if key not in previous:
                raise ValidationError(message=f"Invalid input for parameter key {key}. Cannot specify "
                                      "usePreviousValue as true for a parameter key not in the previous template")
            parameters[key] = previous[key]
        return parameters

    models.CloudFormationBackend._resolve_update_parameters = _resolve_update_parameters
