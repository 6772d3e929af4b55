"""AWS::EC2::Instance: network interfaces and metadata options; termination
detaches the interfaces it keeps.

AWS: an instance given NetworkInterfaces is launched with those
interfaces attached at their DeviceIndex (an existing interface by
NetworkInterfaceId: the instance is in that interface's subnet, VPC and
Availability Zone, with its security groups and its public address), and
with MetadataOptions as given (HttpTokens "required" is IMDSv2 only).
A BlockDeviceMappings entry for the image's root device that gives only
Encrypted or VolumeType keeps the image's snapshot and size (CDK's
`BlockDeviceVolume.ebs` with no size writes exactly that).
InstanceType, UserData and MetadataOptions are updated in place; ImageId,
NetworkInterfaces, SubnetId, KeyName and the like replace the instance.
Terminating an instance deletes the interfaces marked DeleteOnTermination
and detaches the others (they become "available" and can be deleted).

moto 5.2.1's CloudFormation model passes neither NetworkInterfaces nor
MetadataOptions to RunInstances, and refuses a root-device mapping without
a size ("The request must contain the parameter size/snapshot"): the
instance is launched in the default VPC with a new interface of its own
(the NAT instance of a template ends up in another VPC, with IMDSv1
allowed), and termination leaves the remaining interfaces attached to the
terminated instance; with no update, any change replaced the instance.

Patch: launch with the template's interfaces, metadata options, block
device mappings read as AWS does, and security groups
(SecurityGroupIds/SecurityGroups), place the instance in its primary
interface's Availability Zone, update in place what AWS updates in
place, and detach the kept interfaces on termination. The instance's
SourceDestCheck is its primary interface's, as in AWS.
"""

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.instances import Instance


def _block_device(backend, image_id, mapping):
    """A BlockDeviceMappings entry as AWS reads it: one that changes only the
    encryption or type of the image's root volume keeps the image's snapshot
    (its size) and, unless given, the image's DeleteOnTermination (true)."""
    ebs = dict(mapping.get("Ebs") or {})
    images = backend.describe_images(filters={"image-id": image_id})
    image = images[0] if images else None
    if image is not None and mapping.get("DeviceName") == image.root_device_name \
            and not ebs.get("VolumeSize") and not ebs.get("SnapshotId"):
        snapshot = getattr(image, "ebs_snapshot", None)
        if snapshot is not None:
            ebs["SnapshotId"] = snapshot.id
        else:
            ebs["VolumeSize"] = 8
        ebs.setdefault("DeleteOnTermination", True)
    return dict(mapping, Ebs=ebs)


def apply() -> None:
    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        from moto.ec2.models import ec2_backends

        p = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        nics = []
        primary_eni = None
        for spec in p.get("NetworkInterfaces") or []:
            nic = {"DeviceIndex": int(spec["DeviceIndex"])}
            if spec.get("NetworkInterfaceId"):
                nic["NetworkInterfaceId"] = spec["NetworkInterfaceId"]
                eni = backend.get_network_interface(spec["NetworkInterfaceId"])
                if eni.instance is not None:
                    raise EC2ClientError("InvalidNetworkInterface.InUse",
                                         f"Interface: [{eni.id}] in use by instance {eni.instance.id}")
                if nic["DeviceIndex"] == 0:
                    primary_eni = eni
            else:
                nic.update({k: v for k, v in spec.items() if k in (
                    "SubnetId", "PrivateIpAddress", "AssociatePublicIpAddress", "DeleteOnTermination", "Description")})
                if spec.get("GroupSet"):
                    nic["Groups"] = list(spec["GroupSet"])
            nics.append(nic)
        if nics and (p.get("SubnetId") or p.get("SecurityGroupIds") or p.get("SecurityGroups")):
            raise EC2ClientError("InvalidParameterCombination",
                                 "Network interfaces and an instance-level subnet or security groups cannot be "
                                 "specified on the same request")
        mappings = [_block_device(backend, p["ImageId"], m) for m in p.get("BlockDeviceMappings") or []]
        group_ids = list(p.get("SecurityGroupIds") or [])
        group_names = [backend.get_security_group_from_id(g).name for g in group_ids] + list(p.get("SecurityGroups") or [])
        launch = dict(
            image_id=p["ImageId"],
            count=1,
            user_data=p.get("UserData"),
            security_group_names=group_names,
            instance_type=p.get("InstanceType", "m1.small"),
            is_instance_type_default=not p.get("InstanceType"),
            subnet_id=p.get("SubnetId"),
            key_name=p.get("KeyName"),
            private_ip=p.get("PrivateIpAddress") or (primary_eni.private_ip_address if primary_eni else None),
            block_device_mappings=mappings,
            metadata_options=p.get("MetadataOptions") or {},
        )
        if nics:
            launch["nics"] = nics
            launch["associate_public_ip"] = False
        reservation = backend.run_instances(**launch)
        instance = reservation.instances[0]
        if primary_eni is not None:
            instance._placement.zone = primary_eni.subnet.availability_zone
            instance.security_groups = list(primary_eni._group_set)
        for tag in p.get("Tags", []):
            instance.add_tag(tag["Key"], tag["Value"])
        instance._emulator_properties = dict(p)
        if p.get("IamInstanceProfile"):
            backend.associate_iam_instance_profile(instance_id=instance.id,
                                                   iam_instance_profile_name=p["IamInstanceProfile"])
        return instance

    original_terminate = Instance.terminate

    def terminate(self):
        kept = [nic for nic in self.nics.values() if not nic.delete_on_termination]
        state = original_terminate(self)
        for nic in kept:
            if nic.instance is self:
                # Detached; the terminated instance still lists it (moto's
                # DescribeInstances needs a primary interface).
                nic.instance = None
                nic.attachment_id = None
                nic.attach_time = None
                nic.status = "available"
        return state

    # The instance's SourceDestCheck is its primary interface's.
    def get_source_dest_check(self):
        nics = self.__dict__.get("nics") or {}
        if 0 in nics:
            return nics[0].source_dest_check
        return self.__dict__.get("_source_dest_check", True)

    def set_source_dest_check(self, value):
        nics = self.__dict__.get("nics") or {}
        if 0 in nics:
            nics[0].source_dest_check = value
        else:
            self.__dict__["_source_dest_check"] = value

    Instance.source_dest_check = property(get_source_dest_check, set_source_dest_check)

    create_only = ("AvailabilityZone", "ImageId", "KeyName", "NetworkInterfaces", "PrivateIpAddress",
                   "SecurityGroups", "SubnetId", "LaunchTemplate", "Ipv6AddressCount", "Ipv6Addresses",
                   "PlacementGroupName", "HibernationOptions", "CpuOptions", "EnclaveOptions")

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        p = cloudformation_json["Properties"]
        old = original_resource
        before = getattr(old, "_emulator_properties", {})
        if any(p.get(k) != before.get(k) for k in create_only):
            # Replacement: the new instance first (an interface the old one
            # still holds is refused, as in AWS), then the old one terminated.
            new = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
            old.terminate()
            return new
        # Updated in place (AWS stops and starts the instance for some).
        from moto.ec2.models.instances import MetadataOptions

        old.instance_type = p.get("InstanceType", old.instance_type)
        old.user_data = p.get("UserData")
        old.metadata_options = MetadataOptions(p.get("MetadataOptions") or {})
        old._emulator_properties = dict(p)
        return old

    Instance.create_from_cloudformation_json = create_from_cloudformation_json
    Instance.update_from_cloudformation_json = update_from_cloudformation_json
    Instance.terminate = terminate
