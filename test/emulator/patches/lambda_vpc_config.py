"""Lambda VpcConfig.VpcId.

AWS: GetFunction's VpcConfig.VpcId is the VPC of the function's subnets.

moto 5.2.1 answers "vpc-123abc" for every function with security groups,
a VPC that does not exist.

Patch: answer the VPC of the function's first subnet.
"""

from moto.awslambda.models import LambdaFunction


def apply() -> None:
    def vpc_config(self):
        if not self._vpc_config:
            return None
        config = self._vpc_config.copy()
        subnet_ids = config.get("SubnetIds") or []
        if subnet_ids:
            from moto.ec2.models import ec2_backends

            backend = ec2_backends[self.account_id][self.region]
            try:
                config["VpcId"] = backend.get_subnet(subnet_ids[0]).vpc_id
            except Exception:  # noqa: BLE001  (subnet deleted meanwhile)
                config["VpcId"] = ""
        return config

    LambdaFunction.vpc_config = property(vpc_config)
