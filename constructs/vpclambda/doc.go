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
// built locally for arm64 without Docker:
//
//	net, err := vpclambda.NewVpcLambda(stack, "Egress", &vpclambda.VpcLambdaProps{
//		Function: &vpclambda.FunctionOptions{Entry: jsii.String("lambda/fetcher")},
//	})
//	if err != nil {
//		log.Fatal(err) // every bad prop, its value and the fix
//	}
//
// The defaults (VpcLambdaProps) build the reference topology above with
// one NAT gateway; NatGateways equal to the AZ count gives each AZ its own.
// With VpcLambdaProps.Vpc the function is attached to the private subnets
// of an existing VPC instead, and only the security group, role, log group
// and function are created.
//
// # Functions
//
// FunctionOptions embeds aws-cdk's awslambda.FunctionOptions, so every
// function option of aws-cdk-lib works (tracing, reserved concurrency,
// layers, destinations, ...), and adds the code (Entry or Code, Runtime,
// Handler). The construct owns the function's network placement, so the
// options that would change it are rejected with what to use instead; see
// FunctionOptions. VpcLambda.AddFunction attaches more functions to the same
// subnets and security group, each with its own role and log group.
//
// # What it exposes
//
// VpcLambda embeds constructs.Construct: the value is the scope of
// everything it creates, so awscdk.Tags_Of(net), net.Node(), aspects and
// cdk-nag suppressions by path work on it. Vpc is an awsec2.IVpc for other
// constructs; Network holds every CloudFormation resource of a VPC the
// construct created; Functions lists each function with its role, deny
// statement and log group.
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
// resource, with their reasons (Suppressions reads them). NewGuardrails
// returns an IAM policy that keeps Lambda functions in the construct's
// network, for deployer roles or a service control policy.
//
// # Errors
//
// NewVpcLambda and AddFunction validate everything before they add anything
// to the construct tree and return a *ValidationError listing every
// problem (Problem: prop, value, message, fix). Nothing is reported at
// deploy time that synth could have caught, and nothing panics.
//
// # cdk-nag
//
// The construct suppresses, with its reasons, AwsSolutions-IAM4 on each
// execution role (the managed policy the design requires) and
// AwsSolutions-VPC3 on its network ACLs (part of the design).
//
// # Versions
//
// The module is versioned with tags vMAJOR.MINOR.PATCH; before 1.0 a minor
// version may change the API, and CHANGELOG.md at the repository root says
// what changed for embedders.
package vpclambda
