package embed_test

import (
	"fmt"
	"log"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
)

// Example is the README's embedding example: up to the line that starts
// with "// What the app built", its body is the body of the README's
// main function, word for word (test/docs checks that), so the README
// shows a whole app that compiles and synthesizes. It runs in this
// module's directory, where lambda/worker is a Go main package.
func Example() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Worker"), nil)

	net, err := vpclambda.NewVpcLambda(stack, "Egress", &vpclambda.VpcLambdaProps{
		Function: &vpclambda.FunctionOptions{
			Entry: jsii.String("lambda/worker"), // a Go main package
			FunctionOptions: awslambda.FunctionOptions{ // any aws-cdk function option
				MemorySize: jsii.Number(256),
				Timeout:    awscdk.Duration_Seconds(jsii.Number(20)),
			},
		},
	})
	if err != nil {
		log.Fatal(err) // every bad prop, its value and the fix
	}
	awscdk.NewCfnOutput(stack, jsii.String("FunctionName"), &awscdk.CfnOutputProps{
		Value: net.Function.Function.FunctionName(),
	})
	app.Synth(nil)
	// What the app built, read back from its template:
	tpl := assertions.Template_FromStack(stack, nil)
	count := func(typ string) int { return len(*tpl.FindResources(jsii.String(typ), nil)) }
	fmt.Println(count("AWS::Lambda::Function"), "function,", count("AWS::EC2::Subnet"), "subnets,",
		count("AWS::EC2::NatGateway"), "NAT gateway,", len(*tpl.FindOutputs(jsii.String("FunctionName"), nil)), "output")
	// Output: 1 function, 3 subnets, 1 NAT gateway, 1 output
}
