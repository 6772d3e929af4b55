package vpclambda_test

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
)

// The reference topology with its defaults: a 10.0.0.0/16 VPC, private
// subnets in two AZs, one NAT gateway, and a Go handler built locally.
func ExampleNewVpcLambda() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("MyStack"), nil)

	net, err := vpclambda.NewVpcLambda(stack, "Egress", &vpclambda.VpcLambdaProps{
		Function: &vpclambda.FunctionOptions{
			Entry: jsii.String("../../functions/checkip"), // a Go main package
			FunctionOptions: awslambda.FunctionOptions{
				MemorySize: jsii.Number(256),
				Timeout:    awscdk.Duration_Seconds(jsii.Number(10)),
				Environment: &map[string]*string{
					"CHECKIP_URL": jsii.String("https://checkip.amazonaws.com"),
				},
			},
		},
	})
	if err != nil {
		fmt.Println(err) // names the prop, the bad value and the fix
		return
	}
	fmt.Println(len(net.PrivateSubnets), "private subnets,", len(net.Network.NatGateways), "NAT gateway,",
		len(net.Network.PrivateRouteTables), "private route table")
	// Output: 2 private subnets, 1 NAT gateway, 1 private route table
}

// High availability: three AZs, each private subnet routed to the NAT
// gateway in its own AZ, and egress limited to HTTPS.
func ExampleNewVpcLambda_natGatewayPerAz() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("MyStack"), nil)

	net, err := vpclambda.NewVpcLambda(stack, "Egress", &vpclambda.VpcLambdaProps{
		VpcCidr:       jsii.String("10.20.0.0/16"),
		MaxAzs:        jsii.Number(3),
		NatGateways:   jsii.Number(3),
		AllowedEgress: &[]awsec2.Port{awsec2.Port_Tcp(jsii.Number(443))},
		Function:      &vpclambda.FunctionOptions{Entry: jsii.String("../../functions/checkip")},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(net.Network.NatGateways), "NAT gateways,", len(net.Network.PrivateRouteTables), "private route tables")
	// Output: 3 NAT gateways, 3 private route tables
}

// More functions on the same subnets and security group: Lambda shares one
// network interface per subnet and security group between them. Each gets
// its own role, deny statement and log group.
func ExampleVpcLambda_AddFunction() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("MyStack"), nil)
	net, err := vpclambda.NewVpcLambda(stack, "Egress", &vpclambda.VpcLambdaProps{
		Function: &vpclambda.FunctionOptions{Entry: jsii.String("../../functions/checkip")},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	worker, err := net.AddFunction("Worker", &vpclambda.FunctionOptions{
		Code:    awslambda.Code_FromAsset(jsii.String("../../functions/checkip"), nil), // any code, any runtime
		Runtime: awslambda.Runtime_PYTHON_3_13(),
		Handler: jsii.String("index.handler"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = worker.Function // an awslambda.Function: grant, add event sources, ...
	fmt.Println(len(net.Functions), "functions share", len(net.PrivateSubnets), "subnets")
	// Output: 2 functions share 2 subnets
}

// Every option of aws-cdk's awslambda.FunctionOptions flows through:
// here X-Ray tracing, reserved concurrency, a layer (Lambda Insights for
// arm64) and a dead-letter queue. The VpcLambda is itself a construct, so
// tags, aspects and cdk-nag suppressions apply to it and everything inside.
func ExampleFunctionOptions() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("MyStack"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")},
	})
	insights := awslambda.LayerVersion_FromLayerVersionArn(stack, jsii.String("Insights"),
		jsii.String("arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension-Arm64:20"))

	net, err := vpclambda.NewVpcLambda(stack, "Egress", &vpclambda.VpcLambdaProps{
		AvailabilityZones: jsii.Strings("us-east-1a", "us-east-1b"),
		Function: &vpclambda.FunctionOptions{
			Entry: jsii.String("../../functions/checkip"),
			FunctionOptions: awslambda.FunctionOptions{
				MemorySize:                   jsii.Number(512),
				Tracing:                      awslambda.Tracing_ACTIVE,
				ReservedConcurrentExecutions: jsii.Number(5),
				Layers:                       &[]awslambda.ILayerVersion{insights},
				DeadLetterQueueEnabled:       jsii.Bool(true),
			},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	awscdk.Tags_Of(net).Add(jsii.String("team"), jsii.String("payments"), nil)
	fmt.Println(*net.Node().Path(), *net.Function.Function.Node().Path())

	fn := assertions.Template_FromStack(stack, nil).FindResources(jsii.String("AWS::Lambda::Function"), nil)
	for _, r := range *fn {
		p := (*r)["Properties"].(map[string]interface{})
		fmt.Println(p["TracingConfig"], p["ReservedConcurrentExecutions"], len(p["Layers"].([]interface{})), p["DeadLetterConfig"] != nil)
	}
	// Output:
	// MyStack/Egress MyStack/Egress/Function/Function
	// map[Mode:Active] 5 1 true
}

// Attaching to an existing VPC whose private subnets already route to a
// NAT. Other constructs get the VPC from the construct the same way.
func ExampleNewVpcLambda_existingVpc() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("MyStack"), nil)
	vpc := awsec2.NewVpc(stack, jsii.String("Shared"), &awsec2.VpcProps{MaxAzs: jsii.Number(2)})

	net, err := vpclambda.NewVpcLambda(stack, "Egress", &vpclambda.VpcLambdaProps{
		Vpc:            vpc,
		PrivateSubnets: &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS},
		Function:       &vpclambda.FunctionOptions{Entry: jsii.String("../../functions/checkip")},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(net.Network == nil, len(net.PrivateSubnets))
	// Output: true 2
}

// Invalid props are reported together, before anything is created.
func ExampleValidationError() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("MyStack"), nil)
	_, err := vpclambda.NewVpcLambda(stack, "Egress", &vpclambda.VpcLambdaProps{
		MaxAzs:      jsii.Number(1),
		NatGateways: jsii.Number(0),
		Function:    &vpclambda.FunctionOptions{Entry: jsii.String("../../functions/checkip")},
	})
	fmt.Println(err)
	// Output:
	// vpclambda "Egress": 2 invalid properties
	//   - MaxAzs = 1: must be a whole number from 2 to 6; fix: use 2 or more zones (Lambda needs subnets in at least two AZs for high availability) and at most 6 (no region has more)
	//   - NatGateways = 0: must be at least 1: without a NAT gateway a function in private subnets cannot reach the internet; fix: use 1 (one shared NAT gateway), or attach the function to an existing VPC (Vpc) that provides its own NAT
}

// Compliance options: flow logs to an S3 bucket instead of CloudWatch Logs,
// the NAT gateway alarms notifying an SNS topic (one more alarm added with
// the same actions), and the guardrail policy for the roles that deploy
// Lambda functions.
func ExampleVpcLambda_NewGuardrails() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("MyStack"), nil)
	bucket := awss3.Bucket_FromBucketName(stack, jsii.String("FlowLogs"), jsii.String("my-flow-logs"))
	topic := awssns.Topic_FromTopicArn(stack, jsii.String("OnCall"), jsii.String("arn:aws:sns:us-east-1:111111111111:on-call"))

	net, err := vpclambda.NewVpcLambda(stack, "Egress", &vpclambda.VpcLambdaProps{
		Function: &vpclambda.FunctionOptions{Entry: jsii.String("../../functions/checkip")},
		FlowLog:  &vpclambda.FlowLogProps{Bucket: bucket},
		Alarms:   &vpclambda.AlarmProps{Topic: topic},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	net.Alarms.Add("FunctionErrors", &awscloudwatch.AlarmProps{
		Metric:            net.Function.Function.MetricErrors(nil),
		Threshold:         jsii.Number(1),
		EvaluationPeriods: jsii.Number(1),
	})
	deployers := awsiam.NewRole(stack, jsii.String("Deployers"), &awsiam.RoleProps{AssumedBy: awsiam.NewAccountRootPrincipal()})
	g := net.NewGuardrails(stack, "LambdaGuardrails")
	deployers.AddManagedPolicy(g.Policy)

	fmt.Println(len(net.Alarms.All), "alarms notifying", *topic.TopicName())
	for _, s := range g.Statements() {
		fmt.Println(*s.Sid())
	}
	// Output:
	// 3 alarms notifying on-call
	// DenyFunctionsOutsideAVpc
	// AllowFunctionsOnlyInThisNetwork
	// DenyFunctionsInOtherVpcs
	// DenyFunctionsInOtherSubnets
	// DenyFunctionsWithOtherSecurityGroups
}
