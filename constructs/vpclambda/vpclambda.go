package vpclambda

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// VpcLambdaExecutionPolicy is the AWS managed policy every function's role
// carries: it lets the Lambda service create and delete the function's
// network interfaces and lets the function write its logs.
const VpcLambdaExecutionPolicy = "service-role/AWSLambdaVPCAccessExecutionRole"

// DeniedEniActions are the EC2 actions the function's own code is denied
// (the Lambda service still uses the role for them, on the function's
// behalf): AWS's recommended guard against a function managing network
// interfaces itself.
var DeniedEniActions = []string{
	"ec2:CreateNetworkInterface",
	"ec2:DeleteNetworkInterface",
	"ec2:DescribeNetworkInterfaces",
	"ec2:DetachNetworkInterface",
	"ec2:AssignPrivateIpAddresses",
	"ec2:UnassignPrivateIpAddresses",
}

// DenyPolicyDescription is the description of the customer managed policy
// that holds the deny statement, attached to the function's role. (A
// managed policy rather than an inline one: the compliance packs' rule
// IAMNoInlinePolicy.)
const DenyPolicyDescription = "Denies the EC2 network interface APIs to the code of one Lambda function (the Lambda service keeps them)"

// Network is the reference network built by the construct: one VPC, an
// internet gateway, public subnets with NAT gateways, private subnets for
// the function, their route tables and network ACLs. All fields are the
// CloudFormation resources themselves, so nothing is hidden.
type Network struct {
	// Vpc is the VPC (AWS::EC2::VPC) with DNS support and hostnames on.
	Vpc awsec2.CfnVPC
	// Cidr is the VPC's IPv4 block, e.g. "10.0.0.0/16".
	Cidr string
	// AvailabilityZones are the AZs of the private subnets, in order (a
	// token per AZ for an environment-agnostic stack).
	AvailabilityZones []*string
	// InternetGateway is the VPC's internet gateway.
	InternetGateway awsec2.CfnInternetGateway
	// GatewayAttachment attaches InternetGateway to Vpc.
	GatewayAttachment awsec2.CfnVPCGatewayAttachment
	// PublicSubnets has one subnet per NAT gateway or instance, in the
	// first AZs (none with RegionalNatGateway).
	PublicSubnets []awsec2.CfnSubnet
	// PrivateSubnets has one subnet per AZ: the function's subnets.
	PrivateSubnets []awsec2.CfnSubnet
	// PublicRouteTable is shared by the public subnets (nil when there
	// are none, as with RegionalNatGateway; so are PublicDefaultRoute and
	// PublicNetworkAcl).
	PublicRouteTable awsec2.CfnRouteTable
	// PublicDefaultRoute is 0.0.0.0/0 -> internet gateway.
	PublicDefaultRoute awsec2.CfnRoute
	// PrivateRouteTables has one table per NAT gateway; private subnet i is
	// associated with table i mod len(PrivateRouteTables).
	PrivateRouteTables []awsec2.CfnRouteTable
	// PrivateDefaultRoutes[i] is 0.0.0.0/0 -> NatGateways[i] in
	// PrivateRouteTables[i].
	PrivateDefaultRoutes []awsec2.CfnRoute
	// NatGateways are the public NAT gateways (with NatGateways, the
	// default provider), NatGateways[i] in PublicSubnets[i].
	NatGateways []awsec2.CfnNatGateway
	// ElasticIps[i] is the (primary) Elastic IP of NAT device i: gateway
	// NatGateways[i] or instance NatInstances[i].
	ElasticIps []awsec2.CfnEIP
	// SecondaryElasticIps[i] are the further Elastic IPs of NAT gateway i
	// (NatGatewayOptions.ElasticIpsPerGateway above 1); empty otherwise.
	SecondaryElasticIps [][]awsec2.CfnEIP
	// RegionalNatGateway is the regional NAT gateway (with
	// RegionalNatGateway): one for the VPC, in no subnet; every private
	// route table sends 0.0.0.0/0 to it. Nil otherwise.
	RegionalNatGateway awsec2.CfnNatGateway
	// RegionalNatGatewayElasticIps[i] are the Elastic IPs the construct
	// created for the regional NAT gateway in AZ i (manual mode with
	// RegionalNatGatewayOptions.ElasticIpsPerAz); empty otherwise.
	RegionalNatGatewayElasticIps [][]awsec2.CfnEIP
	// NatInstances are the NAT instances (with NatInstances), NatInstances[i]
	// in PublicSubnets[i].
	NatInstances []awsec2.CfnInstance
	// NatInstanceNetworkInterfaces[i] is the network interface of
	// NatInstances[i]: source/destination check off, ElasticIps[i]
	// associated, the target of private route table i.
	NatInstanceNetworkInterfaces []awsec2.CfnNetworkInterface
	// NatInstanceSecurityGroup is the NAT instances' security group: in
	// from the private subnets' CIDRs only, out to anywhere.
	NatInstanceSecurityGroup awsec2.CfnSecurityGroup
	// Ipv6CidrBlock is the VPC's Amazon-provided /56 (with Ipv6).
	Ipv6CidrBlock awsec2.CfnVPCCidrBlock
	// EgressOnlyInternetGateway carries the private subnets' IPv6 traffic
	// (with Ipv6): outbound-initiated only.
	EgressOnlyInternetGateway awsec2.CfnEgressOnlyInternetGateway
	// PrivateIpv6DefaultRoutes[i] is ::/0 -> egress-only internet gateway in
	// PrivateRouteTables[i] (with Ipv6).
	PrivateIpv6DefaultRoutes []awsec2.CfnRoute
	// PublicIpv6DefaultRoute is ::/0 -> internet gateway (with Ipv6).
	PublicIpv6DefaultRoute awsec2.CfnRoute
	// GatewayEndpoints are the gateway VPC endpoints, by service, each on
	// every private route table.
	GatewayEndpoints map[GatewayEndpointService]awsec2.CfnVPCEndpoint
	// PublicNetworkAcl is the public subnets' network ACL (PublicNaclRules).
	PublicNetworkAcl awsec2.CfnNetworkAcl
	// PrivateNetworkAcl is the private subnets' network ACL
	// (PrivateNaclRules).
	PrivateNetworkAcl awsec2.CfnNetworkAcl
	// NetworkAclEntries maps "Public/<rule name>" and "Private/<rule name>"
	// (see PublicNaclRules, PrivateNaclRules) to the entry.
	NetworkAclEntries map[string]awsec2.CfnNetworkAclEntry

	// internetPath is every resource the function's route to the internet
	// needs; a function is created only after all of them.
	internetPath []awscdk.CfnResource
}

// AttachedFunction is one function attached to the construct's private
// subnets and security group, with its own role and log group.
type AttachedFunction struct {
	// Function is the Lambda function (grant to it, add event sources...).
	Function awslambda.Function
	// Role carries VpcLambdaExecutionPolicy and DenyPolicy: the
	// construct's own role, or FunctionOptions.Role with both added.
	Role awsiam.Role
	// DenyStatement denies the ENI actions (DeniedEniActions) on "*" when
	// lambda:SourceFunctionArn is this function's ARN.
	DenyStatement awsiam.PolicyStatement
	// DenyPolicy is the customer managed policy holding DenyStatement,
	// attached to Role; the function is created after it.
	DenyPolicy awsiam.ManagedPolicy
	// TracingPolicy lets the function send X-Ray traces; nil when
	// FunctionOptions.Tracing is DISABLED.
	TracingPolicy awsiam.ManagedPolicy
	// LogGroup is the log group the construct created; nil when
	// FunctionOptions.LogGroup gave one.
	LogGroup awslogs.LogGroup
	// FunctionName is the function's physical name, fixed at synth time.
	FunctionName string
}

// VpcLambda builds AWS's reference topology for a Lambda function in a VPC
// that must reach the internet: private subnets in several AZs routed to a
// NAT gateway in a public subnet, network ACLs that let the replies back in,
// a security group without inbound rules, and an execution role with
// AWSLambdaVPCAccessExecutionRole plus a deny of the ENI APIs to the
// function's own code.
type VpcLambda struct {
	// Construct makes the VpcLambda itself the scope of every resource it
	// creates: use the value wherever a construct is needed
	// (awscdk.Tags_Of(net), net.Node(), aspects, cdk-nag suppressions by
	// path).
	constructs.Construct

	// Vpc is the VPC as an awsec2.IVpc for other constructs (RDS, ECS,
	// more functions). For a VPC created here its private subnets are the
	// function's subnets; its public subnets are included when there is one
	// per AZ (NatGateways equal to the AZ count) and are otherwise only in
	// PublicSubnets.
	Vpc awsec2.IVpc
	// Network holds the CloudFormation resources of the network; nil when
	// the function is attached to an existing VPC.
	Network *Network
	// PrivateSubnets are the function's subnets.
	PrivateSubnets []awsec2.ISubnet
	// PublicSubnets are the NAT gateways' subnets (empty for an existing VPC).
	PublicSubnets []awsec2.ISubnet
	// SecurityGroup is shared by every function of the construct: Lambda
	// reuses one network interface per subnet and security group.
	SecurityGroup awsec2.SecurityGroup
	// Function is the function created from VpcLambdaProps.Function.
	Function *AttachedFunction
	// Functions lists every function, Function first, then those added by
	// AddFunction.
	Functions []*AttachedFunction
	// FlowLog is the VPC's flow log; nil for an existing VPC or when
	// VpcLambdaProps.FlowLog disables it.
	FlowLog *FlowLog
	// Alarms are the NAT gateways' alarms; nil for an existing VPC or when
	// VpcLambdaProps.Alarms disables them.
	Alarms *NatAlarms
	// LogEncryptionKey is VpcLambdaProps.LogEncryptionKey (nil for none).
	LogEncryptionKey awskms.IKey
	// DnsFirewall is the egress domain allow-list; nil without
	// VpcLambdaProps.AllowedDomains.
	DnsFirewall *DnsFirewall

	// ExistingVpcNat is the regional NAT gateway and routes the construct
	// added to an existing VPC (Vpc with NatProvider RegionalNatGateway);
	// nil otherwise.
	ExistingVpcNat *ExistingVpcNat

	existingPath []awscdk.CfnResource // ExistingVpcNat's resources, before the functions
	ipv6         bool                 // dual-stack subnets: functions allow IPv6
	path         string               // the construct's path, read once (each read is a round trip to the CDK)
	reads        reads                // other values read once (reads.go)
}

// NewVpcLambda validates props and builds the construct. When props are
// invalid it returns a *ValidationError listing every problem and adds
// nothing to scope.
func NewVpcLambda(scope constructs.Construct, id string, props *VpcLambdaProps) (*VpcLambda, error) {
	ps := &problems{id: id}
	if props == nil {
		props = &VpcLambdaProps{}
	}
	if scope == nil {
		return nil, fmt.Errorf("vpclambda %q: scope is nil; pass the stack (or a construct inside it)", id)
	}
	node := scope.Node()
	if node.TryFindChild(jsii.String(id)) != nil {
		ps.add("id", fmt.Sprintf("%q", id), "is already used by another construct in this scope", "choose a unique id")
		return nil, ps.err()
	}
	stack := awscdk.Stack_Of(scope)

	var np *networkPlan
	var ep *existingPlan
	if props.Vpc == nil {
		if props.PrivateSubnets != nil {
			ps.add("PrivateSubnets", "set", "selects subnets of an existing VPC, but Vpc is not set",
				"set Vpc too, or remove PrivateSubnets to let the construct create the network")
		}
		np = planNetwork(ps, stack, props)
	} else {
		ep = planExisting(ps, stack, props)
	}
	flowLog, alarms := planFlowLog(ps, props), planAlarms(ps, props)
	domains := planAllowedDomains(ps, props)
	path := *node.Path() + "/" + id
	fp := planFunction(ps, "Function", props.Function, defaultFunctionName(stack, path+"/Function", id))
	if props.AllowedEgress != nil {
		for i, p := range *props.AllowedEgress {
			if p == nil {
				ps.add(fmt.Sprintf("AllowedEgress[%d]", i), "nil", "is not a port", "use awsec2.Port_Tcp(jsii.Number(443)) and the like")
			}
		}
		if len(*props.AllowedEgress) == 0 {
			ps.add("AllowedEgress", "[]", "allows no egress at all: the function could not reach the internet",
				"leave it unset to allow all outbound traffic, or list the ports the function needs")
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	if fp.build(ps, "Function"); ps.err() != nil {
		return nil, ps.err()
	}

	v := &VpcLambda{ipv6: props.Ipv6 != nil && *props.Ipv6, path: path, reads: reads{stack: stack}}
	constructs.NewConstruct_Override(v, scope, jsii.String(id))
	v.LogEncryptionKey = props.LogEncryptionKey
	if np != nil {
		v.buildNetwork(np)
		v.networkSuppressions()
		if flowLog {
			v.buildFlowLog(props.FlowLog, props.LogEncryptionKey)
		}
		if alarms {
			v.buildAlarms(props.Alarms)
		}
	} else {
		v.Vpc = ep.vpc
		v.PrivateSubnets = ep.subnets
		if ep.nat != nil {
			v.existingPath = ep.nat.provideExisting(v, ep.vpc, ep.subnets)
		}
	}

	if domains != nil {
		v.buildDnsFirewall(domains)
	}

	allowAll := props.AllowedEgress == nil
	v.SecurityGroup = awsec2.NewSecurityGroup(v, jsii.String("SecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:                  v.Vpc,
		AllowAllOutbound:     jsii.Bool(allowAll),
		AllowAllIpv6Outbound: jsii.Bool(allowAll && v.ipv6),
		Description:          jsii.String("Lambda function network interfaces: no inbound rules, egress to the internet through the NAT gateway"),
	})
	if !allowAll {
		for _, p := range *props.AllowedEgress {
			v.SecurityGroup.AddEgressRule(awsec2.Peer_AnyIpv4(), p, jsii.String("to the internet on "+*p.ToString()), nil)
			if v.ipv6 {
				v.SecurityGroup.AddEgressRule(awsec2.Peer_AnyIpv6(), p, jsii.String("to the internet over IPv6 on "+*p.ToString()), nil)
			}
		}
	}

	if err := CatchJsii(func() { v.Function = v.attach("Function", fp) }); err != nil {
		return nil, fmt.Errorf("vpclambda %q: %w", id, err)
	}
	return v, nil
}

// AddFunction attaches another function to the same private subnets and
// security group (Lambda shares one network interface per subnet and
// security group between them). It gets its own role, with the deny
// statement for its own ARN, and its own log group.
func (v *VpcLambda) AddFunction(id string, opts *FunctionOptions) (*AttachedFunction, error) {
	ps := &problems{id: *v.Node().Id() + "/" + id}
	if v.Node().TryFindChild(jsii.String(id)) != nil {
		ps.add("id", fmt.Sprintf("%q", id), "is already used in this VpcLambda", "choose a unique id")
		return nil, ps.err()
	}
	stack := awscdk.Stack_Of(v)
	fp := planFunction(ps, "FunctionOptions", opts, defaultFunctionName(stack, *v.Node().Path()+"/"+id, id))
	if fp != nil {
		for _, f := range v.Functions {
			if f.FunctionName == fp.name {
				ps.add("FunctionOptions.FunctionName", fmt.Sprintf("%q", fp.name), "is already the name of another function of this construct", "choose another name")
			}
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	if fp.build(ps, "FunctionOptions"); ps.err() != nil {
		return nil, ps.err()
	}
	var af *AttachedFunction
	if err := CatchJsii(func() { af = v.attach(id, fp) }); err != nil {
		return nil, fmt.Errorf("vpclambda %q: %w", ps.id, err)
	}
	return af, nil
}

// attach creates the role (unless the user gave one), the log group
// (unless the user gave one) and the function of one validated plan.
func (v *VpcLambda) attach(id string, fp *functionPlan) *AttachedFunction {
	scope := constructs.NewConstruct(v, jsii.String(id))
	stack := v.stack()
	af := &AttachedFunction{FunctionName: fp.name}

	// The ARN is built from the fixed name rather than read from the
	// function, so the role does not depend on the function: the deny is
	// part of the role, in force before the function first runs, and the
	// template has no cycle.
	arn := stack.FormatArn(&awscdk.ArnComponents{
		Service:      jsii.String("lambda"),
		Resource:     jsii.String("function"),
		ResourceName: jsii.String(fp.name),
		ArnFormat:    awscdk.ArnFormat_COLON_RESOURCE_NAME,
	})
	af.DenyStatement = awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("DenyEniApisToFunctionCode"),
		Effect:    awsiam.Effect_DENY,
		Actions:   jsii.Strings(DeniedEniActions...),
		Resources: jsii.Strings("*"),
		Conditions: &map[string]interface{}{
			"ArnEquals": map[string]interface{}{"lambda:SourceFunctionArn": arn},
		},
	})
	if fp.role == nil {
		af.Role = awsiam.NewRole(scope, jsii.String("ExecutionRole"), &awsiam.RoleProps{
			AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
			Description: jsii.String("Execution role of Lambda function " + fp.name + " (VPC access, ENI APIs denied to the function's code)"),
			ManagedPolicies: &[]awsiam.IManagedPolicy{
				awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String(VpcLambdaExecutionPolicy)),
			},
		})
	} else {
		// The user's role gets the same two things: the managed policy
		// (unless it has it) and the deny policy.
		af.Role = fp.role
		if !hasManagedPolicy(stack, fp.role, VpcLambdaExecutionPolicy) {
			fp.role.AddManagedPolicy(awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String(VpcLambdaExecutionPolicy)))
		}
	}
	// The deny is a customer managed policy of its own (not inline: the
	// compliance packs' IAMNoInlinePolicy), which the function waits for.
	af.DenyPolicy = awsiam.NewManagedPolicy(scope, jsii.String("DenyEniPolicy"), &awsiam.ManagedPolicyProps{
		Description: jsii.String(DenyPolicyDescription),
		Statements:  &[]awsiam.PolicyStatement{af.DenyStatement},
		Roles:       &[]awsiam.IRole{af.Role},
	})
	roleCfn := af.Role.Node().DefaultChild().(awsiam.CfnRole)
	iam4 := NagSuppression{
		Rule:      "AwsSolutions-IAM4",
		Reason:    "AWSLambdaVPCAccessExecutionRole is the AWS managed policy AWS prescribes for VPC-attached functions; Lambda needs its ENI permissions to attach the function to the VPC.",
		AppliesTo: []string{"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"},
	}
	if fp.role == nil {
		setSuppressions(roleCfn, iam4)
	} else {
		addSuppressions(roleCfn, iam4) // keeps the embedder's own
	}

	logGroup := fp.logGroup
	if logGroup == nil {
		af.LogGroup = awslogs.NewLogGroup(scope, jsii.String("LogGroup"), &awslogs.LogGroupProps{
			LogGroupName:  jsii.String("/aws/lambda/" + fp.name),
			Retention:     fp.retention,
			RemovalPolicy: fp.removalPolicy,
			EncryptionKey: v.LogEncryptionKey,
		})
		suppressUnencryptedLogGroup(af.LogGroup, v.LogEncryptionKey)
		logGroup = af.LogGroup
	}

	props := fp.functionProps()
	props.Role = af.Role
	props.LogGroup = logGroup
	props.Vpc = v.Vpc
	props.VpcSubnets = &awsec2.SubnetSelection{Subnets: &v.PrivateSubnets}
	props.SecurityGroups = &[]awsec2.ISecurityGroup{v.SecurityGroup}
	tracing := takeTracing(props)
	if v.ipv6 {
		// Lambda requires every subnet of such a function to be dual-stack,
		// which Ipv6 guarantees.
		props.Ipv6AllowedForDualStack = jsii.Bool(true)
	}
	af.Function = awslambda.NewFunction(scope, jsii.String("Function"), props)
	fnCfn := af.Function.Node().DefaultChild().(awslambda.CfnFunction)
	// The deny is in force before the function first runs.
	before := []constructs.IDependable{af.DenyPolicy.Node().DefaultChild()}
	before = append(before, v.harden(scope, af, fnCfn, tracing, &fp.opts.FunctionOptions)...)
	// Creation order: the function is created only once its route to the
	// internet is complete, so its first invocation already has internet.
	if v.Network != nil {
		for _, r := range v.Network.internetPath {
			before = append(before, r)
		}
	}
	// The allow-list is in force before the function first runs.
	if v.DnsFirewall != nil {
		before = append(before, v.DnsFirewall.Association, v.DnsFirewall.Config)
	}
	for _, r := range v.existingPath {
		before = append(before, r)
	}
	// One construct dependency for all of them (a resource's dependencies
	// on other resources of its stack become its DependsOn, as with
	// AddResourceDependency, but in one round trip to the CDK).
	fnCfn.Node().AddDependency(before...)

	// Deletion order: Lambda deletes the function's network interfaces
	// asynchronously after the function, using this role. The security
	// group and the subnets depend on the role, so CloudFormation deletes
	// them (which waits for the interfaces to be gone) before the role.
	sgCfn := v.SecurityGroup.Node().DefaultChild().(awsec2.CfnSecurityGroup)
	sgCfn.AddResourceDependency(roleCfn, jsii.String("keep the execution role until Lambda has deleted the function's network interfaces"))
	if v.Network != nil {
		for _, s := range v.Network.PrivateSubnets {
			s.AddResourceDependency(roleCfn, jsii.String("keep the execution role until Lambda has deleted the function's network interfaces"))
		}
	}

	v.Functions = append(v.Functions, af)
	return af
}

// hasManagedPolicy reports whether a role created in this app already
// lists the AWS managed policy name (e.g. "service-role/X").
func hasManagedPolicy(stack awscdk.Stack, role awsiam.Role, name string) bool {
	found := false
	_ = CatchJsii(func() {
		cfn := role.Node().DefaultChild().(awsiam.CfnRole)
		found = strings.Contains(resolveJSON(stack, cfn.ManagedPolicyArns()), ":policy/"+name)
	})
	return found
}
