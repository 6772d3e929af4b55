package vpclambda

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
)

// Defaults applied by NewVpcLambda and AddFunction. They are exported so
// that documentation, tests and embedding apps can refer to them.
const (
	DefaultVpcCidr               = "10.0.0.0/16"
	DefaultMaxAzs                = 2
	DefaultNatGateways           = 1
	DefaultPrivateSubnetCidrMask = 20
	DefaultPublicSubnetCidrMask  = 24
	DefaultMemorySize            = 128
	DefaultTimeoutSeconds        = 30
	DefaultHandler               = "bootstrap"

	// Lambda's own limits, checked at synth time.
	MinMemorySize     = 128
	MaxMemorySize     = 10240
	MinTimeoutSeconds = 1
	MaxTimeoutSeconds = 900

	// VPC limits, checked at synth time.
	MinVpcPrefix    = 16
	MaxSubnetPrefix = 28
)

// VpcLambdaProps configures a VpcLambda.
//
// Two modes exist. By default the construct creates the whole reference
// network (VPC, subnets, internet gateway, NAT gateway(s), route tables,
// network ACLs). With Vpc set it attaches the function to subnets of an
// existing VPC instead and creates only the security group, role, log group
// and function; the existing network must then provide the route to a NAT.
type VpcLambdaProps struct {
	// Function configures the function the construct creates. Required.
	Function *FunctionOptions

	// VpcCidr is the IPv4 CIDR block of the new VPC, a /16 to /28 network
	// address such as "10.0.0.0/16". Private subnets are carved from the
	// start of the block, public subnets from its end, so adding AZs or NAT
	// gateways later never moves an existing subnet.
	//
	// Default: "10.0.0.0/16". Must not be set together with Vpc.
	VpcCidr *string

	// MaxAzs is the number of Availability Zones, each with one private
	// subnet for the function. At least 2: Lambda recommends subnets in
	// several AZs so the function keeps running when one AZ fails.
	//
	// Default: 2 (or the length of AvailabilityZones when that is set).
	// Must not be set together with Vpc.
	MaxAzs *float64

	// AvailabilityZones names the AZs explicitly, e.g. "us-east-1a".
	//
	// Default: the first MaxAzs AZs of the stack's region: Fn::GetAZs at
	// deploy time for an environment-agnostic stack, the
	// `availability-zones:account=...:region=...` context value otherwise.
	// Must not be set together with Vpc.
	AvailabilityZones *[]*string

	// NatGateways is the number of NAT gateways, 1 to the number of AZs
	// (the count of the default NatProvider; set NatProvider instead to
	// choose instances or several Elastic IPs per gateway).
	// One NAT gateway is cheapest; one per AZ removes the cross-AZ single
	// point of failure (each private subnet then routes to the NAT gateway
	// in its own AZ). With N NAT gateways the construct creates N public
	// subnets (in the first N AZs) and N private route tables; private
	// subnet i uses NAT gateway i mod N.
	//
	// Default: 1. Must not be set together with Vpc.
	NatGateways *float64

	// NatProvider chooses the NAT devices: NatGateways(...) (managed, about
	// USD 33 a month each before traffic) or NatInstances(...) (an arm64
	// t4g.nano is about USD 3 a month). Each device gets a public subnet
	// and a private route table of its own; private subnet i uses device i
	// mod the device count.
	//
	// RegionalNatGateway(...) is one regional NAT gateway for the whole VPC,
	// in no subnet: the VPC then has no public subnet. It is the one
	// provider that also works with Vpc: the construct adds the gateway to
	// the existing VPC and a 0.0.0.0/0 route to it in each selected
	// subnet's route table (the subnets must have no default route, the
	// VPC an internet gateway).
	//
	// Default: NatGateways with Count NatGateways (one gateway, one Elastic
	// IP). Not with NatGateways; with Vpc only RegionalNatGateway.
	NatProvider NatProvider

	// Ipv6 makes the new VPC dual-stack: an Amazon-provided /56, a /64 per
	// subnet, an egress-only internet gateway for the private subnets
	// (::/0 on every private route table) and ::/0 to the internet gateway
	// for the public one, IPv6 network ACL rules (300-399), IPv6 egress in
	// the security group, and Ipv6AllowedForDualStack on every function, so
	// IPv6 traffic skips the NAT device and its per-GB charge. With Vpc,
	// every selected subnet must already be dual-stack.
	//
	// Default: false (IPv4 only).
	Ipv6 *bool

	// GatewayEndpoints are the gateway VPC endpoints created on every
	// private route table (GatewayEndpointS3, GatewayEndpointDynamoDB).
	// They are free, and traffic to those services then skips the NAT
	// device's per-GB processing. An empty list creates none.
	//
	// Default: DefaultGatewayEndpoints (S3 and DynamoDB). Not with Vpc.
	GatewayEndpoints *[]GatewayEndpointService

	// PrivateSubnetCidrMask is the prefix length of each private subnet.
	//
	// Default: 20 (4096 addresses). Must not be set together with Vpc.
	PrivateSubnetCidrMask *float64

	// PublicSubnetCidrMask is the prefix length of each public subnet,
	// which hosts only a NAT gateway.
	//
	// Default: 24. Must not be set together with Vpc.
	PublicSubnetCidrMask *float64

	// Vpc is an existing VPC to attach the function to instead of creating
	// the reference network. Its private subnets must already route
	// 0.0.0.0/0 to a NAT gateway (or NAT instance), unless NatProvider is
	// RegionalNatGateway, which adds that route.
	//
	// Default: a new VPC with the reference topology is created.
	Vpc awsec2.IVpc

	// PrivateSubnets selects the existing VPC's subnets the function is
	// attached to. Only valid with Vpc. Every selected subnet must be a
	// private subnet of Vpc with a route to a NAT, in at least two AZs.
	//
	// Default: the VPC's PRIVATE_WITH_EGRESS subnets.
	PrivateSubnets *awsec2.SubnetSelection

	// AllowedEgress restricts the security group's outbound rules to the
	// given ports (to any IPv4 address), e.g. awsec2.Port_Tcp(jsii.Number(443)).
	// Security groups do not filter traffic to the VPC's Amazon DNS
	// server, so name resolution keeps working.
	//
	// Default: all outbound traffic allowed (what AWS recommends for most
	// functions). The function's security group never has inbound rules.
	AllowedEgress *[]awsec2.Port

	// FlowLog configures the VPC flow log (see FlowLogProps). Only for a
	// VPC the construct creates.
	//
	// Default: a flow log of all traffic to a CloudWatch log group kept
	// for a month.
	FlowLog *FlowLogProps

	// Alarms configures the CloudWatch alarms on the NAT gateways (see
	// AlarmProps). Only for a VPC the construct creates.
	//
	// Default: two alarms per NAT gateway, without actions.
	Alarms *AlarmProps

	// AllowedDomains turns on an egress domain allow-list: Route 53
	// Resolver DNS Firewall on the VPC (the existing one too) resolves
	// these names and answers NXDOMAIN for every other, and fails closed
	// (FirewallFailOpen DISABLED). An entry is a name ("api.example.com",
	// that name only) or a wildcard ("*.example.com": every name below
	// example.com, not example.com itself). Include what the function's
	// SDK calls, e.g. "*.amazonaws.com". It filters names, not packets: a
	// connection to an address is not stopped (docs/dns.md).
	//
	// Default: nil, no DNS filtering. An empty list is refused.
	AllowedDomains *[]*string

	// LogEncryptionKey encrypts every log group the construct creates (the
	// functions' and the flow log's) with a customer managed KMS key; see
	// NewLogEncryptionKey for one with the key policy CloudWatch Logs needs.
	//
	// Default: CloudWatch Logs' own encryption at rest (AWS-owned keys).
	LogEncryptionKey awskms.IKey
}

// FunctionOptions configures one function attached to the construct's
// private subnets. It embeds aws-cdk's awslambda.FunctionOptions, so every
// function option of the pinned aws-cdk-lib works (tracing, reserved
// concurrency, layers, dead-letter queues, ephemeral storage, logging
// format, Lambda Insights, ADOT, destinations, ...), and adds the code: a
// Go main package built locally (Entry) or any awslambda.Code.
//
//	&vpclambda.FunctionOptions{
//		Entry: jsii.String("lambda/worker"),
//		FunctionOptions: awslambda.FunctionOptions{
//			MemorySize:                   jsii.Number(512),
//			Tracing:                      awslambda.Tracing_ACTIVE,
//			ReservedConcurrentExecutions: jsii.Number(5),
//		},
//	}
//
// The construct owns the function's network placement, so these embedded
// options are rejected at synth time, each with what to use instead: Vpc,
// VpcSubnets, SecurityGroups, AllowPublicSubnet, AllowAllOutbound,
// AllowAllIpv6Outbound, Ipv6AllowedForDualStack (VpcLambdaProps decides
// them), and the embedded LogRetention, LogRemovalPolicy, LogRetentionRole
// and LogRetentionRetryOptions (deprecated in aws-cdk-lib: they configure
// its log-retention custom resource, which the construct never creates;
// this struct's own LogRetention and LogRemovalPolicy shape the log group
// the construct creates instead). The options that interact with the design are fully supported:
//
//   - FunctionName: fixed at synth time (the deny statement's ARN is built
//     from it); default: the stack name and construct id plus a hash.
//   - Architecture: the target of the Entry build; default ARM_64.
//   - Role: a role created in this app (awsiam.NewRole); the construct adds
//     AWSLambdaVPCAccessExecutionRole and the ENI deny to it. An imported
//     role is refused, since neither could be added to it.
//   - LogGroup: the function logs there instead of the construct's own log
//     group. Otherwise the construct creates /aws/lambda/FUNCTION_NAME with
//     the LogRetention (default one month) and LogRemovalPolicy (default
//     DESTROY) of this struct, without a log-retention custom resource.
//   - Environment: Lambda's reserved variable names (AWS_REGION, ...) and
//     invalid names are rejected; the whole set must fit Lambda's 4 KB.
//   - MemorySize (default 128, 128 to 10240 MB) and Timeout (default 30 s,
//     1 s to 15 min) are checked against Lambda's limits.
type FunctionOptions struct {
	awslambda.FunctionOptions

	// Entry is the directory of a Go main package (a Lambda handler). It is
	// built locally, without Docker, into a `bootstrap` executable for
	// Architecture with reproducible flags. Relative paths are resolved
	// against the working directory of the CDK app process.
	//
	// Exactly one of Entry and Code must be set.
	Entry *string

	// Code is the function's code, for any runtime.
	//
	// Exactly one of Entry and Code must be set.
	Code awslambda.Code

	// Runtime of the function.
	//
	// Default: awslambda.Runtime_PROVIDED_AL2023() (a Go bootstrap binary).
	Runtime awslambda.Runtime

	// Handler is the function's entry point within its code.
	//
	// Default: "bootstrap" (ignored by OS-only runtimes, required by others).
	Handler *string

	// LogRetention of the log group the construct creates for the function
	// (/aws/lambda/FUNCTION_NAME), without aws-cdk's log-retention custom
	// resource. Not with LogGroup. (The embedded, deprecated
	// awslambda.FunctionOptions.LogRetention is rejected: it would create
	// that custom resource.)
	//
	// Default: awslogs.RetentionDays_ONE_MONTH.
	LogRetention awslogs.RetentionDays

	// LogRemovalPolicy of the log group the construct creates, when the
	// stack is deleted. Not with LogGroup.
	//
	// Default: awscdk.RemovalPolicy_DESTROY (deleting the stack leaves
	// nothing behind; use RETAIN to keep the logs).
	LogRemovalPolicy awscdk.RemovalPolicy
}
