package vpclambda

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"
)

// FlowLogFields are the fields of the flow log records, in order: AWS's
// default (version 2) fields, then where the traffic was (VPC, subnet, AZ)
// and, behind the NAT gateway, who really talked to whom: pkt-srcaddr and
// pkt-dstaddr are the function's private address and the internet
// destination, where srcaddr/dstaddr show the NAT gateway's interface.
var FlowLogFields = []string{
	"version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
	"packets", "bytes", "start", "end", "action", "log-status",
	"vpc-id", "subnet-id", "az-id", "pkt-srcaddr", "pkt-dstaddr", "flow-direction", "traffic-path", "tcp-flags",
}

// FlowLogFormat is FlowLogFields in the flow log's LogFormat syntax.
func FlowLogFormat() string {
	var b strings.Builder
	for i, f := range FlowLogFields {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "${%s}", f)
	}
	return b.String()
}

// FlowLogProps configures the flow log of a VPC the construct creates. The
// flow log records all traffic (accepted and rejected) of every network
// interface in the VPC: the function's, the NAT gateways'.
//
// Flow logs are on by default. CloudWatch Logs bills the ingested data
// (about USD 0.50 per GB in us-east-1, vended-log tiers lower it at volume)
// and its storage; S3 costs less per GB (about USD 0.25 per GB delivered plus
// storage) but is not searchable with Logs Insights.
type FlowLogProps struct {
	// Disabled turns the flow log off. Compliance frameworks (NIST 800-53,
	// HIPAA, PCI DSS, the AWS Solutions checks) expect one on every VPC.
	//
	// Default: false (a flow log is created).
	Disabled bool

	// Bucket sends the flow log to this S3 bucket instead of a CloudWatch
	// log group. The bucket's policy must let the log delivery service
	// write (S3 adds that policy for buckets of the same account when the
	// flow log is created); LogRetention and LogRemovalPolicy do not apply:
	// the bucket's lifecycle rules decide.
	//
	// Default: a CloudWatch log group owned by the construct.
	Bucket awss3.IBucket

	// LogRetention of the flow log's log group.
	//
	// Default: awslogs.RetentionDays_ONE_MONTH, as the function's logs.
	LogRetention awslogs.RetentionDays

	// LogRemovalPolicy of the flow log's log group.
	//
	// Default: awscdk.RemovalPolicy_DESTROY (deleting the stack leaves
	// nothing behind; use RETAIN to keep the records).
	LogRemovalPolicy awscdk.RemovalPolicy

	// TrafficType is ALL, ACCEPT or REJECT.
	//
	// Default: awsec2.FlowLogTrafficType_ALL (a connection that fails is as
	// important to see as one that works).
	TrafficType awsec2.FlowLogTrafficType
}

// FlowLog is what the construct creates for the VPC's flow log.
type FlowLog struct {
	FlowLog awsec2.CfnFlowLog
	// LogGroup, Role and Policy are nil when the flow log goes to S3.
	LogGroup awslogs.LogGroup
	// Role is assumed by the flow log service (vpc-flow-logs.amazonaws.com,
	// for this account only); Policy, attached to it, lets it write to
	// LogGroup and nowhere else.
	Role   awsiam.Role
	Policy awsiam.ManagedPolicy
}

// planFlowLog validates FlowLogProps; it reports whether a flow log is to
// be created.
func planFlowLog(ps *problems, p *VpcLambdaProps) bool {
	fl := p.FlowLog
	if p.Vpc != nil {
		if fl != nil {
			ps.add("FlowLog", "set", "configures the flow log of a VPC the construct creates; the existing VPC given in Vpc is its owner's to log",
				"remove FlowLog and enable flow logs where the VPC is defined (awsec2.VpcProps.FlowLogs)")
		}
		return false
	}
	if fl == nil {
		return true
	}
	if fl.Disabled {
		if fl.Bucket != nil || fl.LogRetention != "" || fl.LogRemovalPolicy != "" || fl.TrafficType != "" {
			ps.add("FlowLog.Disabled", "true", "is set together with other FlowLog props, which then have no effect",
				"remove Disabled to keep the flow log, or remove the other FlowLog props")
		}
		return false
	}
	if fl.Bucket != nil && (fl.LogRetention != "" || fl.LogRemovalPolicy != "") {
		ps.add("FlowLog.LogRetention", string(fl.LogRetention), "applies to a CloudWatch log group, but Bucket sends the flow log to S3",
			"remove LogRetention and LogRemovalPolicy, and set the bucket's lifecycle rules instead")
	}
	switch fl.TrafficType {
	case "", awsec2.FlowLogTrafficType_ALL, awsec2.FlowLogTrafficType_ACCEPT, awsec2.FlowLogTrafficType_REJECT:
	default:
		ps.add("FlowLog.TrafficType", fmt.Sprintf("%q", fl.TrafficType), "is not a flow log traffic type", "use awsec2.FlowLogTrafficType_ALL, _ACCEPT or _REJECT")
	}
	return true
}

// buildFlowLog creates the VPC's flow log, to S3 or to a log group written
// through a role that can write only there.
func (v *VpcLambda) buildFlowLog(fl *FlowLogProps, key awskms.IKey) {
	if fl == nil {
		fl = &FlowLogProps{}
	}
	scope := v.Construct
	traffic := fl.TrafficType
	if traffic == "" {
		traffic = awsec2.FlowLogTrafficType_ALL
	}
	props := &awsec2.CfnFlowLogProps{
		ResourceId:   v.id(v.Network.Vpc, v.Network.Vpc.AttrVpcId),
		ResourceType: jsii.String("VPC"),
		TrafficType:  jsii.String(string(traffic)),
		LogFormat:    jsii.String(FlowLogFormat()),
		Tags:         &[]*awscdk.CfnTag{{Key: jsii.String("Name"), Value: jsii.String(v.path + "/FlowLog")}},
	}
	out := &FlowLog{}
	if fl.Bucket != nil {
		props.LogDestinationType = jsii.String("s3")
		props.LogDestination = fl.Bucket.BucketArn()
	} else {
		stack := v.stack()
		out.LogGroup = awslogs.NewLogGroup(scope, jsii.String("FlowLogGroup"), &awslogs.LogGroupProps{
			Retention:     orDefault(fl.LogRetention, awslogs.RetentionDays_ONE_MONTH),
			RemovalPolicy: orDefault(fl.LogRemovalPolicy, awscdk.RemovalPolicy_DESTROY),
			EncryptionKey: key,
		})
		suppressUnencryptedLogGroup(out.LogGroup, key)
		logGroupArn := out.LogGroup.LogGroupArn()
		out.Role = awsiam.NewRole(scope, jsii.String("FlowLogRole"), &awsiam.RoleProps{
			Description: jsii.String("Writes the VPC flow log of " + v.path + " to its log group"),
			// Only flow logs of this account may use the role (AWS's
			// confused-deputy guard for the flow log service).
			AssumedBy: awsiam.NewServicePrincipal(jsii.String("vpc-flow-logs.amazonaws.com"), &awsiam.ServicePrincipalOpts{
				Conditions: &map[string]interface{}{
					"StringEquals": map[string]interface{}{"aws:SourceAccount": stack.Account()},
					"ArnLike": map[string]interface{}{"aws:SourceArn": stack.FormatArn(&awscdk.ArnComponents{
						Service: jsii.String("ec2"), Resource: jsii.String("vpc-flow-log"), ResourceName: jsii.String("*"),
					})},
				},
			}),
		})
		// A customer managed policy rather than an inline one: compliance
		// packs (IAMNoInlinePolicy) ask for policies that can be reviewed
		// and reused on their own.
		out.Policy = awsiam.NewManagedPolicy(scope, jsii.String("FlowLogPolicy"), &awsiam.ManagedPolicyProps{
			Description: jsii.String("Lets the VPC flow log of " + v.path + " write to its log group, and nowhere else"),
			Statements: &[]awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:       jsii.String("WriteFlowLogRecords"),
				Actions:   jsii.Strings("logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"),
				Resources: &[]*string{logGroupArn},
			})},
			Roles: &[]awsiam.IRole{out.Role},
		})
		props.LogDestinationType = jsii.String("cloud-watch-logs")
		props.LogDestination = logGroupArn
		props.DeliverLogsPermissionArn = out.Role.RoleArn()
	}
	out.FlowLog = awsec2.NewCfnFlowLog(scope, jsii.String("FlowLog"), props)
	if out.Policy != nil {
		// The flow log starts writing as soon as it exists: its permission
		// must be there first.
		out.FlowLog.AddResourceDependency(out.Policy.Node().DefaultChild().(awscdk.CfnResource), jsii.String("the flow log's role needs its permission before the flow log writes"))
	}
	v.FlowLog = out
}

// suppressUnencryptedLogGroup records, on a log group the construct has
// just created without a customer
// managed key, why the compliance packs' CloudWatchLogGroupEncrypted
// finding does not apply.
func suppressUnencryptedLogGroup(lg awslogs.LogGroup, key awskms.IKey) {
	if key != nil {
		return
	}
	reason := "CloudWatch Logs encrypts every log group at rest with AWS-owned keys. A customer managed KMS key (VpcLambdaProps.LogEncryptionKey) adds control over who can decrypt, for about USD 1 a month per key plus requests; the construct leaves that choice to the embedder and uses the service encryption by default."
	setSuppressions(lg.Node().DefaultChild().(awscdk.CfnResource), because(reason,
		"NIST.800.53.R5-CloudWatchLogGroupEncrypted", "HIPAA.Security-CloudWatchLogGroupEncrypted", "PCI.DSS.321-CloudWatchLogGroupEncrypted")...)
}

// orDefault returns v, or def when v is the zero value.
func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
