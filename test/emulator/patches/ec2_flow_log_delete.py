"""Deleting a stack must delete its VPC flow logs.

AWS: AWS::EC2::FlowLog is deleted with its stack (DeleteFlowLogs);
DescribeFlowLogs no longer lists it.

moto 5.2.1 creates flow logs from CloudFormation but has no delete for
them: the stack delete skips the resource and the flow log stays behind,
still pointing at a log group and a role that are gone.

Patch: a delete() that calls DeleteFlowLogs, as CloudFormation does.
"""

from moto.ec2.models.flow_logs import FlowLogs


def apply() -> None:
    def delete(self, account_id, region_name):
        from moto.ec2.models import ec2_backends

        backend = ec2_backends[account_id][region_name]
        if self.id in backend.flow_logs:
            backend.delete_flow_logs([self.id])

    FlowLogs.delete = delete
