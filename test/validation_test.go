package test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
	"github.com/vpclambda/vpclambda/stacks"
)

type badCase struct {
	name  string
	env   *awscdk.Environment
	props func(stack awscdk.Stack) *vpclambda.VpcLambdaProps
	prop  string   // the Problem.Prop that must be reported
	want  []string // substrings of the error message (value, problem, fix)
}

func fn() *vpclambda.FunctionOptions {
	return &vpclambda.FunctionOptions{Entry: jsii.String(handlerEntry())}
}

func net(mod func(p *vpclambda.VpcLambdaProps)) func(awscdk.Stack) *vpclambda.VpcLambdaProps {
	return func(awscdk.Stack) *vpclambda.VpcLambdaProps {
		p := &vpclambda.VpcLambdaProps{Function: fn()}
		mod(p)
		return p
	}
}

func function(mod func(o *vpclambda.FunctionOptions)) func(awscdk.Stack) *vpclambda.VpcLambdaProps {
	return func(awscdk.Stack) *vpclambda.VpcLambdaProps {
		o := fn()
		mod(o)
		return &vpclambda.VpcLambdaProps{Function: o}
	}
}

func existing(mod func(stack awscdk.Stack, p *vpclambda.VpcLambdaProps)) func(awscdk.Stack) *vpclambda.VpcLambdaProps {
	return func(stack awscdk.Stack) *vpclambda.VpcLambdaProps {
		vpc := awsec2.NewVpc(stack, jsii.String("Existing"), &awsec2.VpcProps{MaxAzs: jsii.Number(2), NatGateways: jsii.Number(1)})
		p := &vpclambda.VpcLambdaProps{Function: fn(), Vpc: vpc}
		mod(stack, p)
		return p
	}
}

var badCases = []badCase{
	{name: "malformed CIDR", props: net(func(p *vpclambda.VpcLambdaProps) { p.VpcCidr = jsii.String("10.0.0/16") }),
		prop: "VpcCidr", want: []string{`"10.0.0/16"`, "is not an IPv4 CIDR block", `"10.0.0.0/16"`}},
	{name: "CIDR prefix too short", props: net(func(p *vpclambda.VpcLambdaProps) { p.VpcCidr = jsii.String("10.0.0.0/8") }),
		prop: "VpcCidr", want: []string{`"10.0.0.0/8"`, "/16 to /28", `"10.0.0.0/16"`}},
	{name: "CIDR prefix too long", props: net(func(p *vpclambda.VpcLambdaProps) { p.VpcCidr = jsii.String("10.0.0.0/29") }),
		prop: "VpcCidr", want: []string{`"10.0.0.0/29"`, "/16 to /28"}},
	{name: "CIDR with host bits", props: net(func(p *vpclambda.VpcLambdaProps) { p.VpcCidr = jsii.String("10.0.0.1/16") }),
		prop: "VpcCidr", want: []string{"host bits", `use the network address "10.0.0.0/16"`}},
	{name: "IPv6 CIDR", props: net(func(p *vpclambda.VpcLambdaProps) { p.VpcCidr = jsii.String("fd00::/56") }),
		prop: "VpcCidr", want: []string{"not an IPv4 block"}},
	{name: "CIDR too small for the subnets", props: net(func(p *vpclambda.VpcLambdaProps) { p.VpcCidr = jsii.String("10.0.0.0/20") }),
		prop: "VpcCidr", want: []string{`"10.0.0.0/20"`, "too small for 2 private /20 and 1 public /24 subnets", "use a /18 or larger block"}},
	{name: "subnet mask wider than the VPC", props: net(func(p *vpclambda.VpcLambdaProps) {
		p.VpcCidr = jsii.String("10.0.0.0/22")
		p.PrivateSubnetCidrMask = jsii.Number(20)
	}), prop: "PrivateSubnetCidrMask", want: []string{"larger than the VPC block 10.0.0.0/22", "use /22 or longer"}},
	{name: "one AZ", props: net(func(p *vpclambda.VpcLambdaProps) { p.MaxAzs = jsii.Number(1) }),
		prop: "MaxAzs", want: []string{"MaxAzs = 1", "from 2 to 6", "at least two AZs"}},
	{name: "fractional AZ count", props: net(func(p *vpclambda.VpcLambdaProps) { p.MaxAzs = jsii.Number(2.5) }),
		prop: "MaxAzs", want: []string{"MaxAzs = 2.5", "whole number"}},
	{name: "one named AZ", props: net(func(p *vpclambda.VpcLambdaProps) { p.AvailabilityZones = jsii.Strings("us-east-1a") }),
		prop: "AvailabilityZones", want: []string{"1 zone(s)", "at least 2 Availability Zones"}},
	{name: "more AZs than the region has", env: &awscdk.Environment{Account: jsii.String("111111111111"), Region: jsii.String("eu-west-3")},
		props: net(func(p *vpclambda.VpcLambdaProps) { p.MaxAzs = jsii.Number(4) }),
		prop:  "MaxAzs", want: []string{"MaxAzs = 4", "more than the 3 Availability Zones of region eu-west-3", "use at most 3"}},
	{name: "zero NAT gateways", props: net(func(p *vpclambda.VpcLambdaProps) { p.NatGateways = jsii.Number(0) }),
		prop: "NatGateways", want: []string{"NatGateways = 0", "at least 1", "cannot reach the internet"}},
	{name: "more NAT gateways than AZs", props: net(func(p *vpclambda.VpcLambdaProps) { p.NatGateways = jsii.Number(3) }),
		prop: "NatGateways", want: []string{"NatGateways = 3", "more than the 2 Availability Zones", "use at most 2"}},
	{name: "memory below Lambda's minimum", props: function(func(o *vpclambda.FunctionOptions) { o.MemorySize = jsii.Number(64) }),
		prop: "Function.MemorySize", want: []string{"Function.MemorySize = 64", "from 128 to 10240", "use 128 to 10240 MB"}},
	{name: "memory above Lambda's maximum", props: function(func(o *vpclambda.FunctionOptions) { o.MemorySize = jsii.Number(10241) }),
		prop: "Function.MemorySize", want: []string{"10241"}},
	{name: "timeout above 15 minutes", props: function(func(o *vpclambda.FunctionOptions) { o.Timeout = awscdk.Duration_Minutes(jsii.Number(16)) }),
		prop: "Function.Timeout", want: []string{"16 minutes", "1 second to 15 minutes"}},
	{name: "zero timeout", props: function(func(o *vpclambda.FunctionOptions) { o.Timeout = awscdk.Duration_Seconds(jsii.Number(0)) }),
		prop: "Function.Timeout", want: []string{"1 second to 15 minutes"}},
	{name: "sub-second timeout", props: function(func(o *vpclambda.FunctionOptions) { o.Timeout = awscdk.Duration_Millis(jsii.Number(1500)) }),
		prop: "Function.Timeout", want: []string{"not a whole number of seconds"}},
	{name: "missing code path", props: function(func(o *vpclambda.FunctionOptions) { o.Entry = jsii.String("no/such/handler") }),
		prop: "Function.Entry", want: []string{`"no/such/handler"`, "is not a directory", "no/such/handler)"}},
	{name: "no code", props: function(func(o *vpclambda.FunctionOptions) { o.Entry = nil }),
		prop: "Function.Entry", want: []string{"neither Entry nor Code"}},
	{name: "both Entry and Code", props: function(func(o *vpclambda.FunctionOptions) {
		o.Code = awslambda.Code_FromInline(jsii.String("exports.handler = async () => 1"))
	}), prop: "Function.Entry", want: []string{"together with Code"}},
	{name: "Entry with a runtime that cannot run it", props: function(func(o *vpclambda.FunctionOptions) { o.Runtime = awslambda.Runtime_NODEJS_22_X() }),
		prop: "Function.Runtime", want: []string{`"nodejs22.x"`, "Runtime_PROVIDED_AL2023"}},
	{name: "invalid function name", props: function(func(o *vpclambda.FunctionOptions) { o.FunctionName = jsii.String("my function!") }),
		prop: "Function.FunctionName", want: []string{`"my function!"`, "1 to 64 letters"}},
	{name: "function option the construct owns: Vpc", props: existing(func(stack awscdk.Stack, p *vpclambda.VpcLambdaProps) { p.Function.Vpc = p.Vpc }),
		prop: "Function.Vpc", want: []string{"Function.Vpc = set", "decided by the construct", "VpcLambdaProps.Vpc"}},
	{name: "function option the construct owns: SecurityGroups", props: existing(func(stack awscdk.Stack, p *vpclambda.VpcLambdaProps) {
		p.Function.SecurityGroups = &[]awsec2.ISecurityGroup{awsec2.NewSecurityGroup(stack, jsii.String("Sg"), &awsec2.SecurityGroupProps{Vpc: p.Vpc})}
	}), prop: "Function.SecurityGroups", want: []string{"VpcLambda.SecurityGroup", "AllowedEgress"}},
	{name: "function option the construct owns: AllowPublicSubnet", props: function(func(o *vpclambda.FunctionOptions) { o.AllowPublicSubnet = jsii.Bool(true) }),
		prop: "Function.AllowPublicSubnet", want: []string{"Function.AllowPublicSubnet = true", "no public IP", "private subnets"}},
	{name: "function option the construct owns: AllowAllOutbound", props: function(func(o *vpclambda.FunctionOptions) { o.AllowAllOutbound = jsii.Bool(false) }),
		prop: "Function.AllowAllOutbound", want: []string{"Function.AllowAllOutbound = false", "AllowedEgress"}},
	{name: "deprecated aws-cdk LogRetention", props: function(func(o *vpclambda.FunctionOptions) {
		//lint:ignore SA1019 the deprecated option is set to check that it is rejected
		o.FunctionOptions.LogRetention = awslogs.RetentionDays_ONE_WEEK
	}), prop: "Function.FunctionOptions.LogRetention", want: []string{"= ONE_WEEK", "log-retention custom resource", "vpclambda.FunctionOptions.LogRetention"}},
	{name: "log-retention custom resource options", props: function(func(o *vpclambda.FunctionOptions) {
		o.LogRetentionRetryOptions = &awslambda.LogRetentionRetryOptions{MaxRetries: jsii.Number(3)}
	}), prop: "Function.LogRetentionRetryOptions", want: []string{"log-retention custom resource", "LogRetention sets the retention"}},
	{name: "imported role", props: func(stack awscdk.Stack) *vpclambda.VpcLambdaProps {
		o := fn()
		o.Role = awsiam.Role_FromRoleArn(stack, jsii.String("Imported"), jsii.String("arn:aws:iam::111111111111:role/existing"), nil)
		return &vpclambda.VpcLambdaProps{Function: o}
	}, prop: "Function.Role", want: []string{"Bad/Imported", "not a role created in this app", "awsiam.NewRole"}},
	{name: "log group with retention", props: func(stack awscdk.Stack) *vpclambda.VpcLambdaProps {
		o := fn()
		o.LogGroup = awslogs.NewLogGroup(stack, jsii.String("Logs"), nil)
		o.LogRetention = awslogs.RetentionDays_ONE_WEEK
		return &vpclambda.VpcLambdaProps{Function: o}
	}, prop: "Function.LogRetention", want: []string{"together with LogGroup", "set the retention on your log group"}},
	{name: "reserved environment variable", props: function(func(o *vpclambda.FunctionOptions) {
		o.Environment = &map[string]*string{"AWS_REGION": jsii.String("eu-west-1")}
	}), prop: `Function.Environment["AWS_REGION"]`, want: []string{`"eu-west-1"`, "Lambda reserves"}},
	{name: "invalid environment variable name", props: function(func(o *vpclambda.FunctionOptions) {
		o.Environment = &map[string]*string{"my-var": jsii.String("x")}
	}), prop: `Function.Environment["my-var"]`, want: []string{"not a valid name", "MY_VAR"}},
	{name: "environment above 4 KB", props: function(func(o *vpclambda.FunctionOptions) {
		o.Environment = &map[string]*string{"BIG": jsii.String(strings.Repeat("x", 4100))}
	}), prop: "Function.Environment", want: []string{"4103 bytes", "4096 bytes"}},
	{name: "NatProvider and NatGateways", props: net(func(p *vpclambda.VpcLambdaProps) {
		p.NatProvider = vpclambda.NatInstances(nil)
		p.NatGateways = jsii.Number(1)
	}), prop: "NatGateways", want: []string{"set together with NatProvider", "NatGatewayOptions{Count"}},
	{name: "more NAT instances than AZs", props: net(func(p *vpclambda.VpcLambdaProps) {
		p.NatProvider = vpclambda.NatInstances(&vpclambda.NatInstanceOptions{Count: jsii.Number(3)})
	}), prop: "NatProvider.Count", want: []string{"NatProvider.Count = 3", "from 1 to 2", "one per AZ"}},
	{name: "no Elastic IP per NAT gateway", props: net(func(p *vpclambda.VpcLambdaProps) {
		p.NatProvider = vpclambda.NatGateways(&vpclambda.NatGatewayOptions{ElasticIpsPerGateway: jsii.Number(0)})
	}), prop: "NatProvider.ElasticIpsPerGateway", want: []string{"= 0", "from 1 to 8", "55,000"}},
	{name: "nine Elastic IPs per NAT gateway", props: net(func(p *vpclambda.VpcLambdaProps) {
		p.NatProvider = vpclambda.NatGateways(&vpclambda.NatGatewayOptions{ElasticIpsPerGateway: jsii.Number(9)})
	}), prop: "NatProvider.ElasticIpsPerGateway", want: []string{"= 9", "up to seven secondary"}},
	{name: "NAT instance type of another architecture", props: net(func(p *vpclambda.VpcLambdaProps) {
		p.NatProvider = vpclambda.NatInstances(&vpclambda.NatInstanceOptions{InstanceType: awsec2.NewInstanceType(jsii.String("t3.nano"))})
	}), prop: "NatProvider.InstanceType", want: []string{`"t3.nano"`, "X86_64 instance type but the image is for ARM_64", "t4g.nano"}},
	{name: "unknown gateway endpoint", props: net(func(p *vpclambda.VpcLambdaProps) {
		p.GatewayEndpoints = &[]vpclambda.GatewayEndpointService{vpclambda.GatewayEndpointS3, "sqs", vpclambda.GatewayEndpointS3}
	}), prop: "GatewayEndpoints[1]", want: []string{`"sqs"`, "only S3 and DynamoDB", "GatewayEndpoints[2]", "listed twice"}},
	{name: "NAT provider with an existing VPC", props: existing(func(_ awscdk.Stack, p *vpclambda.VpcLambdaProps) {
		p.NatProvider = vpclambda.NatInstances(nil)
	}), prop: "NatProvider", want: []string{"cannot apply to the existing VPC"}},
	{name: "IPv6 on an existing VPC without IPv6", props: existing(func(_ awscdk.Stack, p *vpclambda.VpcLambdaProps) {
		p.Ipv6 = jsii.Bool(true)
	}), prop: "PrivateSubnets[0]", want: []string{"has no IPv6 block", "IPv6-only", "DUAL_STACK"}},
	{name: "no function", props: func(awscdk.Stack) *vpclambda.VpcLambdaProps { return &vpclambda.VpcLambdaProps{} },
		prop: "Function", want: []string{"is required"}},
	{name: "empty egress list", props: net(func(p *vpclambda.VpcLambdaProps) { p.AllowedEgress = &[]awsec2.Port{} }),
		prop: "AllowedEgress", want: []string{"allows no egress"}},
	{name: "subnets without a VPC", props: net(func(p *vpclambda.VpcLambdaProps) {
		p.PrivateSubnets = &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS}
	}), prop: "PrivateSubnets", want: []string{"Vpc is not set"}},
	{name: "existing VPC with an empty subnet list", props: existing(func(_ awscdk.Stack, p *vpclambda.VpcLambdaProps) {
		p.PrivateSubnets = &awsec2.SubnetSelection{Subnets: &[]awsec2.ISubnet{}}
	}), prop: "PrivateSubnets", want: []string{"is empty", "at least two private subnets"}},
	{name: "existing VPC without private subnets", props: func(stack awscdk.Stack) *vpclambda.VpcLambdaProps {
		vpc := awsec2.NewVpc(stack, jsii.String("PublicOnly"), &awsec2.VpcProps{MaxAzs: jsii.Number(2), NatGateways: jsii.Number(0),
			SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{Name: jsii.String("Public"), SubnetType: awsec2.SubnetType_PUBLIC}}})
		return &vpclambda.VpcLambdaProps{Function: fn(), Vpc: vpc}
	}, prop: "PrivateSubnets", want: []string{"selects no usable subnets"}},
	{name: "existing VPC with subnets of two VPCs", props: existing(func(stack awscdk.Stack, p *vpclambda.VpcLambdaProps) {
		other := awsec2.NewVpc(stack, jsii.String("Other"), &awsec2.VpcProps{MaxAzs: jsii.Number(2), NatGateways: jsii.Number(1)})
		p.PrivateSubnets = &awsec2.SubnetSelection{Subnets: &[]awsec2.ISubnet{(*p.Vpc.PrivateSubnets())[0], (*other.PrivateSubnets())[1]}}
	}), prop: "PrivateSubnets[1]", want: []string{"Other/PrivateSubnet2", "belongs to another VPC", "select subnets of Vpc only"}},
	{name: "existing VPC with a public subnet", props: existing(func(_ awscdk.Stack, p *vpclambda.VpcLambdaProps) {
		p.PrivateSubnets = &awsec2.SubnetSelection{Subnets: &[]awsec2.ISubnet{(*p.Vpc.PrivateSubnets())[0], (*p.Vpc.PublicSubnets())[1]}}
	}), prop: "PrivateSubnets[1]", want: []string{"PublicSubnet2", "is a public subnet"}},
	{name: "existing VPC with subnets in one AZ", env: &awscdk.Environment{Account: jsii.String("111111111111"), Region: jsii.String("eu-west-3")},
		props: existing(func(_ awscdk.Stack, p *vpclambda.VpcLambdaProps) {
			p.PrivateSubnets = &awsec2.SubnetSelection{Subnets: &[]awsec2.ISubnet{(*p.Vpc.PrivateSubnets())[0]}}
		}), prop: "PrivateSubnets", want: []string{"1 subnet(s) in 1 AZ", "at least two Availability Zones"}},
	{name: "flow log props for an existing VPC", props: existing(func(_ awscdk.Stack, p *vpclambda.VpcLambdaProps) {
		p.FlowLog = &vpclambda.FlowLogProps{}
	}), prop: "FlowLog", want: []string{"existing VPC", "awsec2.VpcProps.FlowLogs"}},
	{name: "alarm props for an existing VPC", props: existing(func(_ awscdk.Stack, p *vpclambda.VpcLambdaProps) {
		p.Alarms = &vpclambda.AlarmProps{}
	}), prop: "Alarms", want: []string{"existing VPC", "remove Alarms"}},
	{name: "flow log disabled and configured", props: net(func(p *vpclambda.VpcLambdaProps) {
		p.FlowLog = &vpclambda.FlowLogProps{Disabled: true, LogRetention: awslogs.RetentionDays_ONE_YEAR}
	}), prop: "FlowLog.Disabled", want: []string{"FlowLog.Disabled = true", "no effect"}},
	{name: "flow log to S3 with a log retention", props: func(stack awscdk.Stack) *vpclambda.VpcLambdaProps {
		b := awss3.Bucket_FromBucketName(stack, jsii.String("Logs"), jsii.String("flow-logs"))
		return &vpclambda.VpcLambdaProps{Function: fn(), FlowLog: &vpclambda.FlowLogProps{Bucket: b, LogRetention: awslogs.RetentionDays_ONE_YEAR}}
	}, prop: "FlowLog.LogRetention", want: []string{"Bucket sends the flow log to S3", "lifecycle rules"}},
	{name: "flow log traffic type", props: net(func(p *vpclambda.VpcLambdaProps) {
		p.FlowLog = &vpclambda.FlowLogProps{TrafficType: awsec2.FlowLogTrafficType("SOME")}
	}), prop: "FlowLog.TrafficType", want: []string{`"SOME"`, "FlowLogTrafficType_ALL"}},
	{name: "alarms disabled with a topic", props: func(stack awscdk.Stack) *vpclambda.VpcLambdaProps {
		topic := awssns.Topic_FromTopicArn(stack, jsii.String("T"), jsii.String("arn:aws:sns:us-east-1:111111111111:alarms"))
		return &vpclambda.VpcLambdaProps{Function: fn(), Alarms: &vpclambda.AlarmProps{Disabled: true, Topic: topic}}
	}, prop: "Alarms.Disabled", want: []string{"together with Alarms.Topic"}},
	{name: "existing VPC with new-VPC props", props: existing(func(_ awscdk.Stack, p *vpclambda.VpcLambdaProps) {
		p.NatGateways = jsii.Number(2)
	}), prop: "NatGateways", want: []string{"cannot apply to the existing VPC", "remove NatGateways"}},
}

func TestBadInputIsRejectedAtSynthTime(t *testing.T) {
	for _, c := range badCases {
		t.Run(c.name, func(t *testing.T) {
			app := awscdk.NewApp(nil)
			if c.env != nil {
				app.Node().SetContext(jsii.String("availability-zones:account=111111111111:region=eu-west-3"),
					jsii.Strings("eu-west-3a", "eu-west-3b", "eu-west-3c"))
			}
			stack := awscdk.NewStack(app, jsii.String("Bad"), &awscdk.StackProps{Env: c.env})
			var err error
			var before int
			must(t, func() {
				props := c.props(stack)
				before = len(*stack.Node().Children())
				_, err = vpclambda.NewVpcLambda(stack, "VpcLambda", props)
			})
			var ve *vpclambda.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want a *ValidationError, got %v", err)
			}
			found := false
			for _, p := range ve.Problems {
				if p.Prop == c.prop {
					found = true
				}
				if p.Fix == "" || p.Message == "" || p.Value == "" {
					t.Errorf("problem %+v lacks a value, message or fix", p)
				}
			}
			if !found {
				t.Errorf("no problem names %s:\n%v", c.prop, err)
			}
			if e := contains(err.Error(), c.want...); e != nil {
				t.Errorf("%v in:\n%v", e, err)
			}
			if after := len(*stack.Node().Children()); after != before {
				t.Errorf("a rejected construct must add nothing to the tree: %d children before, %d after", before, after)
			}
		})
	}
}

func TestEveryProblemIsReportedAtOnce(t *testing.T) {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Bad"), nil)
	_, err := vpclambda.NewVpcLambda(stack, "VpcLambda", &vpclambda.VpcLambdaProps{
		VpcCidr:     jsii.String("10.0.0.0/8"),
		NatGateways: jsii.Number(0),
		Function:    &vpclambda.FunctionOptions{Entry: jsii.String(handlerEntry()), FunctionOptions: awslambda.FunctionOptions{MemorySize: jsii.Number(1)}},
	})
	var ve *vpclambda.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 3 {
		t.Fatalf("want 3 problems, got %v", err)
	}
}

func TestAddFunctionRejectsBadInput(t *testing.T) {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Add"), nil)
	vl, err := vpclambda.NewVpcLambda(stack, "VpcLambda", &vpclambda.VpcLambdaProps{Function: fn()})
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		id   string
		opts *vpclambda.FunctionOptions
		want string
	}{
		"duplicate id":   {"Function", fn(), `id = "Function": is already used`},
		"duplicate name": {"Other", &vpclambda.FunctionOptions{Entry: jsii.String(handlerEntry()), FunctionOptions: awslambda.FunctionOptions{FunctionName: jsii.String(vl.Function.FunctionName)}}, "already the name of another function"},
		"bad memory":     {"Other", &vpclambda.FunctionOptions{Entry: jsii.String(handlerEntry()), FunctionOptions: awslambda.FunctionOptions{MemorySize: jsii.Number(99999)}}, "FunctionOptions.MemorySize = 99999"},
		"nil options":    {"Other", nil, "FunctionOptions = <unset>"},
	} {
		if _, err := vl.AddFunction(c.id, c.opts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want %q, got %v", name, c.want, err)
		}
	}
	if len(vl.Functions) != 1 {
		t.Errorf("rejected functions must not be added: %d functions", len(vl.Functions))
	}
}

type appRun struct {
	output   string
	err      error
	template bool // the run wrote the template
}

type appRunsResult struct {
	runs map[string]appRun // by CDK_CONTEXT_JSON
	err  error
}

// appCases are bad context values for the real app (every prop's checks,
// and the app's own context parsing, are tested in-process).
var appCases = map[string][]string{
	`{"maxAzs":"1","memorySize":"20000"}`: {"MaxAzs = 1", "Function.MemorySize = 20000", "fix:"},
}

var appRuns *async[appRunsResult]

// runAppCases runs the app, as `cdk synth` does through cdk.json, with bad
// context values, all at once. (scripts/check-synth.sh, run by make test,
// synthesizes it through the CLI with good ones.)
func runAppCases() appRunsResult {
	dir, err := os.MkdirTemp("", "vpclambda-app-")
	if err != nil {
		return appRunsResult{err: err}
	}
	defer os.RemoveAll(dir)
	var contexts []string
	for c := range appCases {
		contexts = append(contexts, c)
	}
	res := appRunsResult{runs: map[string]appRun{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, c := range contexts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outdir := filepath.Join(dir, fmt.Sprint("out", i))
			// As cdk.json runs it; Go caches the executable.
			cmd := exec.Command("go", "run", ".")
			cmd.Dir = ".."
			cmd.Env = append(os.Environ(), "CDK_OUTDIR="+outdir, "CDK_CONTEXT_JSON="+c)
			out, err := cmd.CombinedOutput()
			_, serr := os.Stat(filepath.Join(outdir, "VpcLambdaInternet.template.json"))
			mu.Lock()
			res.runs[c] = appRun{output: string(out), err: err, template: serr == nil}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return res
}

// TestAppReportsErrorsWithoutPanic checks the real app: with bad context it
// exits 1 with the message, no Go panic and no template.
func TestAppReportsErrorsWithoutPanic(t *testing.T) {
	r := appRuns.wait()
	if r.err != nil {
		t.Fatal(r.err)
	}
	for ctx, want := range appCases {
		run := r.runs[ctx]
		var ee *exec.ExitError
		if !errors.As(run.err, &ee) || ee.ExitCode() != 1 {
			t.Errorf("%s: want exit status 1, got %v\n%s", ctx, run.err, run.output)
		}
		if e := contains(run.output, want...); e != nil {
			t.Errorf("%s: %v in:\n%s", ctx, e, run.output)
		}
		if strings.Contains(run.output, "goroutine ") || strings.Contains(run.output, "panic:") {
			t.Errorf("%s: the app must not print a Go panic:\n%s", ctx, run.output)
		}
		if run.template {
			t.Errorf("%s: a rejected app must not write a template", ctx)
		}
	}
}

func TestContextIsParsedWithClearErrors(t *testing.T) {
	for ctx, want := range map[string]string{
		`{"guardrails":"yes please"}`:               `context guardrails = "yes please" is not true or false; fix: -c guardrails=true`,
		`{"natGateways":"lots"}`:                    `context natGateways = "lots" is not a number; fix: -c natGateways=<number>`,
		`{"memorySize":"big"}`:                      `context memorySize = "big" is not a number`,
		`{"account":"111111111111"}`:                "account and region must be given together",
		`{"region":"eu-west-1"}`:                    "account and region must be given together",
		`{"natProvider":"nat"}`:                     `context natProvider = "nat" is not a NAT provider; fix: -c natProvider=gateway, -c natProvider=regional or -c natProvider=instance`,
		`{"ipv6":"yes"}`:                            `context ipv6 = "yes" is not true or false`,
		`{"maxAZs":"3"}`:                            "context maxAZs = 3 is not a setting of this app; did you mean maxAzs (MaxAzs)? fix: -c maxAzs=...",
		`{"natGateway":"2"}`:                        "did you mean natGateways",
		`{"MemorySize":"256"}`:                      "did you mean memorySize",
		`{"stackname":"X","vpcCidr":"10.1.0.0/16"}`: "did you mean stackName",
		`{"maxAzs":"2","@aws-cdk/core:newStyleStackSynthesis":true,"availability-zones:account=1:region=r":["a"],"aws:cdk:enable-path-metadata":true,"myOwnSetting":"x"}`: "no error",
		`{"maxAzs":"3","natGateways":"2","vpcCidr":"10.1.0.0/16","memorySize":"256","stackName":"Other","guardrails":"true"}`:                                             "",
	} {
		var props *stacks.StackProps
		var id string
		var err error
		must(t, func() {
			var c map[string]interface{}
			json.Unmarshal([]byte(ctx), &c)
			app := awscdk.NewApp(&awscdk.AppProps{Context: &c})
			id, props, err = stacks.PropsFromContext(app.Node())
		})
		if want == "no error" { // CDK's own keys and unrelated keys pass
			if err != nil || *props.Construct.MaxAzs != 2 {
				t.Errorf("%s: want no error, got %v", ctx, err)
			}
			continue
		}
		if want == "" {
			if err != nil || id != "Other" || *props.Construct.MaxAzs != 3 || *props.Construct.NatGateways != 2 ||
				*props.Construct.VpcCidr != "10.1.0.0/16" || *props.Construct.Function.MemorySize != 256 || !props.Guardrails {
				t.Errorf("%s: parsed %v %+v %v", ctx, id, props, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want %q, got %v", ctx, want, err)
		}
	}
}

func TestEgressContextKeys(t *testing.T) {
	var props *stacks.StackProps
	var err error
	must(t, func() {
		c := map[string]interface{}{"natProvider": "instance", "natGateways": "2", "maxAzs": "2", "ipv6": "true", "gatewayEndpoints": "s3"}
		app := awscdk.NewApp(&awscdk.AppProps{Context: &c})
		_, props, err = stacks.PropsFromContext(app.Node())
	})
	if err != nil {
		t.Fatal(err)
	}
	cp := props.Construct
	if _, ok := cp.NatProvider.(*vpclambda.NatInstanceProvider); !ok || cp.NatGateways != nil {
		t.Errorf("natProvider=instance: provider %T, NatGateways %v", cp.NatProvider, cp.NatGateways)
	}
	if cp.Ipv6 == nil || !*cp.Ipv6 || cp.GatewayEndpoints == nil || fmt.Sprint(*cp.GatewayEndpoints) != "[s3]" {
		t.Errorf("ipv6 / gatewayEndpoints not applied: %v %v", cp.Ipv6, cp.GatewayEndpoints)
	}
	must(t, func() {
		c := map[string]interface{}{"gatewayEndpoints": "none"}
		app := awscdk.NewApp(&awscdk.AppProps{Context: &c})
		_, props, err = stacks.PropsFromContext(app.Node())
	})
	if err != nil || props.Construct.GatewayEndpoints == nil || len(*props.Construct.GatewayEndpoints) != 0 {
		t.Errorf("gatewayEndpoints=none must give an empty list: %v %v", props.Construct.GatewayEndpoints, err)
	}
}
