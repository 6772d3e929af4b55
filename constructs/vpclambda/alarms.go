package vpclambda

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Thresholds of the NAT gateway alarms: AWS's recommended alarms for NAT
// gateways (one-minute periods).
const (
	// ErrorPortAllocation: the NAT gateway could not allocate a source port
	// for a new connection in each of 15 consecutive minutes: the function
	// is failing to connect because one destination has taken all 55,000
	// simultaneous connections a NAT gateway address allows. Fix: spread
	// the connections over more Elastic IPs (secondary addresses) or NAT
	// gateways.
	ErrorPortAllocationMinutes = 15
	// PacketsDropPercent: more than 0.01 % of the packets the NAT gateway
	// received were dropped, in each of 5 consecutive minutes: usually a
	// transient NAT gateway problem (see the AWS Health Dashboard).
	PacketsDropPercent = 0.01
	PacketsDropMinutes = 5
	// StatusCheckMinutes: a NAT instance failed its EC2 status checks
	// (StatusCheckFailed, instance or system) in each of 2 consecutive
	// minutes.
	StatusCheckMinutes = 2
)

// AlarmProps configures the CloudWatch alarms on the NAT devices of a VPC
// the construct creates: two per NAT gateway, ErrorPortAllocation and
// dropped packets, and one per NAT instance, its EC2 status check. Each alarm costs about USD 0.10 a month (standard
// resolution; the dropped-packets alarm is a metric-math alarm of three
// metrics and costs about USD 0.30).
type AlarmProps struct {
	// Disabled turns the alarms off.
	//
	// Default: false (the alarms are created).
	Disabled bool

	// Topic receives every alarm's ALARM and OK notifications.
	//
	// Default: no action. State changes still appear in the CloudWatch
	// console and are sent to Amazon EventBridge ("CloudWatch Alarm State
	// Change" events), where a rule can route them.
	Topic awssns.ITopic
}

// NatAlarms are the alarms on the network's NAT devices.
type NatAlarms struct {
	// ErrorPortAllocation[i] and PacketsDropped[i] watch
	// Network.NatGateways[i]; those of Network.RegionalNatGateway come
	// last.
	ErrorPortAllocation []awscloudwatch.Alarm
	PacketsDropped      []awscloudwatch.Alarm
	// StatusCheckFailed[i] watches Network.NatInstances[i].
	StatusCheckFailed []awscloudwatch.Alarm
	// All lists every alarm, including those added with Add.
	All []awscloudwatch.Alarm
	// Topic is AlarmProps.Topic (nil when none).
	Topic awssns.ITopic

	scope constructs.Construct
}

// Add creates another alarm with the same actions as the others (and the
// same compliance metadata): a new kind of NAT device adds its alarms this
// way, as the NAT instances' status checks do.
func (a *NatAlarms) Add(id string, props *awscloudwatch.AlarmProps) awscloudwatch.Alarm {
	alarm := awscloudwatch.NewAlarm(a.scope, jsii.String(id), props)
	if a.Topic != nil {
		action := awscloudwatchactions.NewSnsAction(a.Topic)
		alarm.AddAlarmAction(action)
		alarm.AddOkAction(action)
	} else {
		setSuppressions(alarm.Node().DefaultChild().(awscdk.CfnResource), because(
			"No notification target was given (AlarmProps.Topic), so the alarm has no action; its state changes still reach the CloudWatch console and Amazon EventBridge (CloudWatch Alarm State Change events), where the account's own routing applies. Creating an SNS topic for every embedder would add a resource that itself needs encryption and subscribers.",
			"NIST.800.53.R5-CloudWatchAlarmAction", "HIPAA.Security-CloudWatchAlarmAction")...)
	}
	a.All = append(a.All, alarm)
	return alarm
}

// buildAlarms creates the NAT gateways' alarms.
func (v *VpcLambda) buildAlarms(p *AlarmProps) {
	if p == nil {
		p = &AlarmProps{}
	}
	a := &NatAlarms{Topic: p.Topic, scope: constructs.NewConstruct(v.Construct, jsii.String("Alarms"))}
	type gateway struct {
		id, what string
		nat      awsec2.CfnNatGateway
	}
	var gateways []gateway
	for i, nat := range v.Network.NatGateways {
		gateways = append(gateways, gateway{fmt.Sprintf("NatGateway%d", i+1), fmt.Sprintf("NAT gateway %d of %s", i+1, v.path), nat})
	}
	if nat := v.Network.RegionalNatGateway; nat != nil {
		// A regional NAT gateway is a NAT gateway with one id; the same
		// metrics are watched (docs/regional-nat.md).
		gateways = append(gateways, gateway{"RegionalNatGateway", "the regional NAT gateway of " + v.path, nat})
	}
	for _, g := range gateways {
		nat := g.nat
		metric := func(name string) awscloudwatch.Metric {
			return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
				Namespace:     jsii.String("AWS/NATGateway"),
				MetricName:    jsii.String(name),
				DimensionsMap: &map[string]*string{"NatGatewayId": v.id(nat, nat.AttrNatGatewayId)},
				Statistic:     jsii.String("Sum"),
				Period:        v.oneMinute(),
			})
		}
		what := g.what
		a.ErrorPortAllocation = append(a.ErrorPortAllocation, a.Add(g.id+"ErrorPortAllocation", &awscloudwatch.AlarmProps{
			AlarmDescription: jsii.String(fmt.Sprintf("%s could not allocate source ports for new connections for %d minutes (ErrorPortAllocation): "+
				"the function cannot open more connections to one destination; add Elastic IPs to the NAT gateway or more NAT gateways", what, ErrorPortAllocationMinutes)),
			Metric:             metric("ErrorPortAllocation"),
			Threshold:          jsii.Number(0),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
			EvaluationPeriods:  jsii.Number(ErrorPortAllocationMinutes),
			DatapointsToAlarm:  jsii.Number(ErrorPortAllocationMinutes),
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		}))
		dropped := awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
			Expression: jsii.String("100 * drop / (fromSource + fromDestination)"),
			UsingMetrics: &map[string]awscloudwatch.IMetric{
				"drop":            metric("PacketsDropCount"),
				"fromSource":      metric("PacketsInFromSource"),
				"fromDestination": metric("PacketsInFromDestination"),
			},
			Label:  jsii.String("dropped packets (%)"),
			Period: v.oneMinute(),
		})
		a.PacketsDropped = append(a.PacketsDropped, a.Add(g.id+"PacketsDropped", &awscloudwatch.AlarmProps{
			AlarmDescription: jsii.String(fmt.Sprintf("%s dropped more than %g %% of its packets for %d minutes (PacketsDropCount): "+
				"check the AWS Health Dashboard for the NAT gateway's Availability Zone", what, PacketsDropPercent, PacketsDropMinutes)),
			Metric:             dropped,
			Threshold:          jsii.Number(PacketsDropPercent),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
			EvaluationPeriods:  jsii.Number(PacketsDropMinutes),
			DatapointsToAlarm:  jsii.Number(PacketsDropMinutes),
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		}))
	}
	for i, inst := range v.Network.NatInstances {
		a.StatusCheckFailed = append(a.StatusCheckFailed, a.Add(fmt.Sprintf("NatInstance%dStatusCheckFailed", i+1), &awscloudwatch.AlarmProps{
			AlarmDescription: jsii.String(fmt.Sprintf("NAT instance %d of %s failed its EC2 status checks for %d minutes: the functions routed through it have no internet; "+
				"recover or replace the instance", i+1, v.path, StatusCheckMinutes)),
			Metric: awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
				Namespace:     jsii.String("AWS/EC2"),
				MetricName:    jsii.String("StatusCheckFailed"),
				DimensionsMap: &map[string]*string{"InstanceId": inst.Ref()},
				Statistic:     jsii.String("Maximum"),
				Period:        awscdk.Duration_Minutes(jsii.Number(1)),
			}),
			Threshold:          jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			EvaluationPeriods:  jsii.Number(StatusCheckMinutes),
			DatapointsToAlarm:  jsii.Number(StatusCheckMinutes),
			TreatMissingData:   awscloudwatch.TreatMissingData_BREACHING, // a stopped instance reports nothing
		}))
	}
	v.Alarms = a
}

// planAlarms validates AlarmProps; it reports whether alarms are to be
// created.
func planAlarms(ps *problems, p *VpcLambdaProps) bool {
	if p.Vpc != nil {
		if p.Alarms != nil {
			ps.add("Alarms", "set", "watches the NAT gateways of a VPC the construct creates; the existing VPC given in Vpc has its own NAT devices",
				"remove Alarms and alarm on the existing VPC's NAT devices where they are defined")
		}
		return false
	}
	if p.Alarms == nil {
		return true
	}
	if p.Alarms.Disabled && p.Alarms.Topic != nil {
		ps.add("Alarms.Disabled", "true", "is set together with Alarms.Topic, which then has no effect", "remove Disabled to keep the alarms, or remove Topic")
	}
	return !p.Alarms.Disabled
}
