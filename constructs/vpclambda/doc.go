// Package vpclambda is an AWS CDK construct that gives a Lambda function in
// a VPC access to the internet, the way AWS's guidance describes it:
//
//   - a VPC with private subnets in at least two Availability Zones for the
//     function and a public subnet for the NAT gateway;
//   - an internet gateway, and a NAT gateway with an Elastic IP;
//   - a public route table (0.0.0.0/0 to the internet gateway) and a private
//     route table (0.0.0.0/0 to the NAT gateway) shared by every private
//     subnet, because Lambda picks one of the function's subnets at random;
//   - network ACLs that let requests out and the replies back in on the
//     ephemeral ports 1024-65535;
//   - a security group without inbound rules;
//   - an execution role with AWSLambdaVPCAccessExecutionRole and a deny of
//     the EC2 network interface APIs to the function's own code;
//   - the function, attached to every private subnet, with a log group;
//   - a VPC flow log, CloudWatch alarms on each NAT gateway and X-Ray
//     tracing, so the network can be watched and debugged.
//
// # Getting started
//
// Create the construct in a stack with the function's code; a Go handler is
// built locally for arm64 without Docker. A whole app:
//
//	package main
//
//	import (
//		"log"
//
//		"github.com/aws/aws-cdk-go/awscdk/v2"
//		"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
//		"github.com/aws/jsii-runtime-go"
//
//		"github.com/vpclambda/vpclambda/constructs/vpclambda"
//	)
//
//	func main() {
//		defer jsii.Close()
//		app := awscdk.NewApp(nil)
//		stack := awscdk.NewStack(app, jsii.String("Worker"), nil)
//
//		net, err := vpclambda.NewVpcLambda(stack, "Egress", &vpclambda.VpcLambdaProps{
//			Function: &vpclambda.FunctionOptions{
//				Entry: jsii.String("lambda/worker"), // a Go main package
//				FunctionOptions: awslambda.FunctionOptions{ // any aws-cdk function option
//					MemorySize: jsii.Number(256),
//					Timeout:    awscdk.Duration_Seconds(jsii.Number(20)),
//				},
//			},
//		})
//		if err != nil {
//			log.Fatal(err) // every bad prop, its value and the fix
//		}
//		awscdk.NewCfnOutput(stack, jsii.String("FunctionName"), &awscdk.CfnOutputProps{
//			Value: net.Function.Function.FunctionName(),
//		})
//		app.Synth(nil)
//	}
//
// The defaults (VpcLambdaProps) build the reference topology above with
// one NAT gateway; NatGateways equal to the AZ count gives each AZ its own.
// With VpcLambdaProps.Vpc the function is attached to the private subnets
// of an existing VPC instead, and only the security group, role, log group
// and function are created.
//
// The package's examples (example_test.go, run by go test; pkg.go.dev shows
// them beside ExampleNewVpcLambda and the other names) cover the defaults,
// a NAT gateway per AZ with HTTPS-only egress, a function with tracing,
// reserved concurrency, a layer and a dead-letter queue, several
// functions, an existing VPC, the error report and the guardrail policy.
//
// # Props and their defaults
//
// VpcLambdaProps (each field's comment has the details):
//
//   - Function: required; see FunctionOptions.
//   - VpcCidr: "10.0.0.0/16" (DefaultVpcCidr); a /16 to /28 IPv4 network.
//     Private subnets from its start, public ones from its end.
//   - MaxAzs: 2, from 2 to 6; one private subnet per AZ.
//   - AvailabilityZones: the first MaxAzs AZs of the stack's region.
//   - NatGateways: 1, up to the AZ count; private subnet i uses NAT i mod N.
//   - NatProvider: NatGateways(&NatGatewayOptions{Count: NatGateways}), one
//     Elastic IP each (up to MaxElasticIpsPerNatGateway); or NatInstances
//     (default one DefaultNatInstanceType, arm64).
//   - Ipv6: false; true makes the VPC dual-stack with an egress-only
//     internet gateway.
//   - GatewayEndpoints: DefaultGatewayEndpoints (S3 and DynamoDB) on every
//     private route table; an empty list for none.
//   - PrivateSubnetCidrMask: 20. PublicSubnetCidrMask: 24.
//   - Vpc: a new VPC; an existing awsec2.IVpc instead (then the props that
//     shape a new VPC must be unset). PrivateSubnets: with Vpc only, the
//     VPC's PRIVATE_WITH_EGRESS subnets.
//   - AllowedEgress: all outbound; a list of awsec2.Port restricts it.
//   - FlowLog: on, all traffic to a log group kept a month (FlowLogProps).
//   - Alarms: on, two per NAT gateway, no action (AlarmProps).
//   - LogEncryptionKey: CloudWatch Logs' own encryption; a customer managed
//     key from NewLogEncryptionKey or your own.
//
// FunctionOptions (also for AddFunction) embeds awslambda.FunctionOptions
// and adds:
//
//   - Entry: a Go main package built locally (GoBuildFlags), or Code: any
//     awslambda.Code; exactly one of the two.
//   - Runtime: provided.al2023. Handler: "bootstrap".
//   - LogRetention: one month; LogRemovalPolicy: DESTROY (of the log group
//     the construct creates).
//
// Of the embedded options, FunctionName defaults to a name fixed at synth
// time (so the deny statement can name the function without a cycle),
// Architecture to arm64, MemorySize to 128 MB, Timeout to 30 s, Tracing to
// DefaultTracing (ACTIVE); a Role of your app gets the managed policy and
// the deny; the options that would change the network placement are
// refused with what to use instead.
//
// # Functions
//
// VpcLambda.AddFunction attaches more functions to the same subnets and
// security group, each with its own role, deny statement and log group;
// Lambda shares one network interface per subnet and security group
// between them.
//
// # What it exposes
//
// VpcLambda embeds constructs.Construct: the value is the scope of
// everything it creates, so awscdk.Tags_Of(net), net.Node(), aspects and
// cdk-nag suppressions by path work on it. Vpc is an awsec2.IVpc for other
// constructs; PrivateSubnets, PublicSubnets and SecurityGroup are the
// network the functions use; Network holds every CloudFormation resource of
// a VPC the construct created; Function and Functions give each function
// with its role, deny statement and policy, tracing policy and log group;
// FlowLog, Alarms (Add for more) and LogEncryptionKey the rest.
//
// # Compliance
//
// The defaults pass the cdk-nag packs AWS Solutions, Serverless, NIST
// 800-53 R5, HIPAA Security and PCI DSS 3.2.1. The flow log (FlowLogProps),
// the NAT gateway alarms (AlarmProps), tracing (DefaultTracing) and
// customer managed policies instead of inline ones are on by default; a
// customer managed key for the log groups (LogEncryptionKey,
// NewLogEncryptionKey), reserved concurrency and dead-letter queues are
// options. Findings that follow from the design are suppressed on the
// resource they concern, with their reasons in its cdk_nag metadata
// (Suppressions reads them): AwsSolutions-IAM4 on each execution role (the
// managed policy the design requires), AwsSolutions-VPC3 on the network
// ACLs, and the rules listed in the project's docs/compliance.md.
// NewGuardrails returns an IAM policy that keeps Lambda functions in the
// construct's network, for deployer roles or a service control policy.
//
// # Errors
//
// NewVpcLambda and AddFunction validate everything before they add anything
// to the construct tree and return a *ValidationError listing every
// problem (Problem: prop, value, message, fix). Nothing is reported at
// deploy time that synth could have caught, and nothing panics.
//
// # How it is built
//
// Props become a plan first (validation: every problem is collected, and
// nothing is created while one remains), then resources: the network
// (network.go; each NatProvider in a file of its own, nat_gateway.go and
// nat_instance.go; ipv6.go, endpoints.go), the functions (function.go,
// gocode.go for the local Go build), the flow log, alarms, hardening and
// cdk-nag suppressions. A new kind of NAT device is a NatProvider of this
// package (its methods are unexported), in a file of its own.
//
// # Versions
//
// The module is versioned with tags vMAJOR.MINOR.PATCH; before 1.0 a minor
// version may change the API, and CHANGELOG.md at the repository root says
// what changed for embedders.
package vpclambda
