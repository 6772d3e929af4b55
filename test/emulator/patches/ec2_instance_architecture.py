"""RunInstances refuses an image whose architecture the instance type cannot run.

AWS: launching an arm64 image (e.g. Amazon Linux 2023 for arm64, AWS's
public SSM parameter .../al2023-ami-kernel-default-arm64) on an x86_64
instance type, or the other way round, fails with InvalidParameterValue
("The architecture 'x86_64' of the specified instance type does not match
the architecture 'arm64' of the specified AMI"); a stack creating such an
instance fails.

moto 5.2.1 launches it: a NAT instance whose type and image do not match
deploys locally and would fail in AWS.

Patch: compare the image's architecture with the instance type's supported
architectures (moto's own instance type data) before launching.
"""

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models import EC2Backend
from moto.ec2.models.instance_types import INSTANCE_TYPES


def apply() -> None:
    original = EC2Backend.run_instances

    def run_instances(self, image_id, count, user_data, security_group_names, **kwargs):
        instance_type = kwargs.get("instance_type")
        supported = (INSTANCE_TYPES.get(instance_type or "") or {}).get("ProcessorInfo", {}).get("SupportedArchitectures")
        if image_id and supported:
            images = self.describe_images(filters={"image-id": image_id})
            architecture = images[0].architecture if images else None
            if architecture and architecture not in supported:
                raise EC2ClientError(
                    "InvalidParameterValue",
                    f"The architecture '{supported[0]}' of the specified instance type does not match the "
                    f"architecture '{architecture}' of the specified AMI. Specify an instance type and an AMI "
                    "that have matching architectures, and try again.")
        return original(self, image_id, count, user_data, security_group_names, **kwargs)

    EC2Backend.run_instances = run_instances
