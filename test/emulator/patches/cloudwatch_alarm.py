"""AWS::CloudWatch::Alarm in CloudFormation.

AWS: a stack creates the alarm (single metric, or metric math with
Metrics), named StackName-LogicalId-SUFFIX unless AlarmName is given;
Ref is the alarm's name, Fn::GetAtt Arn its ARN; DescribeAlarms shows it;
an update puts the new definition under the same name (a new AlarmName
replaces the alarm); deleting the stack deletes it.

moto 5.2.1 has CloudWatch alarms in its API but no CloudFormation model for
them: the resource is skipped with CREATE_COMPLETE and no alarm exists, so
a stack's alarms could never be inspected, and nothing checks that they
are deleted.

Patch: a CloudFormation model on top of moto's PutMetricAlarm and
DeleteAlarms, taking the properties as the API takes the request's
parameters.
"""

from moto.core.common_models import CloudFormationModel
from moto.cloudformation.exceptions import UnformattedGetAttTemplateException


def _backend(account_id, region_name):
    from moto.cloudwatch.models import cloudwatch_backends

    return cloudwatch_backends[account_id][region_name]


def _queries(metrics):
    from moto.cloudwatch.models import Dimension, Metric, MetricDataQuery, MetricStat

    out = []
    for m in metrics or []:
        stat = None
        ms = m.get("MetricStat")
        if ms:
            metric = ms.get("Metric", {})
            stat = MetricStat(
                metric=Metric(
                    metric_name=metric.get("MetricName"),
                    namespace=metric.get("Namespace"),
                    dimensions=[Dimension(name=d["Name"], value=d["Value"]) for d in metric.get("Dimensions", [])],
                ),
                period=ms.get("Period"),
                stat=ms.get("Stat"),
                unit=ms.get("Unit"),
            )
        out.append(MetricDataQuery(
            query_id=m.get("Id"), label=m.get("Label"), period=m.get("Period"),
            return_data=m.get("ReturnData"), expression=m.get("Expression"), metric_stat=stat,
        ))
    return out


def _put(name, p, account_id, region_name):
    def num(key):
        v = p.get(key)
        return None if v is None else float(v)

    def integer(key):
        v = p.get(key)
        return None if v is None else int(v)

    enabled = p.get("ActionsEnabled")
    return _backend(account_id, region_name).put_metric_alarm(
        name=name,
        namespace=p.get("Namespace"),
        metric_name=p.get("MetricName"),
        metric_data_queries=_queries(p.get("Metrics")) or None,
        comparison_operator=p.get("ComparisonOperator"),
        evaluation_periods=integer("EvaluationPeriods"),
        datapoints_to_alarm=integer("DatapointsToAlarm"),
        period=integer("Period"),
        threshold=num("Threshold"),
        statistic=p.get("Statistic"),
        extended_statistic=p.get("ExtendedStatistic"),
        description=p.get("AlarmDescription"),
        dimensions=p.get("Dimensions", []),
        alarm_actions=p.get("AlarmActions", []),
        ok_actions=p.get("OKActions", []),
        insufficient_data_actions=p.get("InsufficientDataActions", []),
        unit=p.get("Unit"),
        actions_enabled=True if enabled is None else str(enabled).lower() == "true",
        treat_missing_data=p.get("TreatMissingData"),
        evaluate_low_sample_count_percentile=p.get("EvaluateLowSampleCountPercentile"),
        threshold_metric_id=p.get("ThresholdMetricId"),
        rule=None,
        tags=p.get("Tags", []),
    )


class CfnAlarm(CloudFormationModel):
    def __init__(self, alarm):
        self.alarm = alarm
        self.name = alarm.name

    @staticmethod
    def cloudformation_name_type():
        return "AlarmName"

    @staticmethod
    def cloudformation_type():
        return "AWS::CloudWatch::Alarm"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        p = cloudformation_json["Properties"]
        return cls(_put(p.get("AlarmName", resource_name), p, account_id, region_name))

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        p = cloudformation_json["Properties"]
        name = p.get("AlarmName", original_resource.name)
        if name != original_resource.name:
            original_resource.delete(account_id, region_name)
        return cls(_put(name, p, account_id, region_name))

    @property
    def physical_resource_id(self):
        return self.name

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr in ("Arn",)

    def get_cfn_attribute(self, attr):
        if attr == "Arn":
            return self.alarm.alarm_arn
        raise UnformattedGetAttTemplateException()

    def delete(self, account_id, region_name):
        _backend(account_id, region_name).delete_alarms([self.name])


def apply() -> None:
    # Subclasses of CloudFormationModel are found by their type name once
    # defined; apply_all clears moto's cached type map afterwards.
    assert CfnAlarm.cloudformation_type() == "AWS::CloudWatch::Alarm"
