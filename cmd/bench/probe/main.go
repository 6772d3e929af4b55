// Command probe is a set of measured programs for the benchmark's
// breakdown: each mode stops at one step of a Go CDK app's synth, so the
// difference of two modes' times is what that step costs. It imports the
// same aws-cdk-go packages as the app, so its Go start-up is the app's.
//
//	probe init        exit at once: process start and Go package init
//	probe runtime     + start the jsii runtime (node, its kernel, constructs)
//	probe core        + load aws-cdk-lib and create the App
//	probe empty       + an empty stack, synth: an empty Go CDK app
//	probe modules     + load the aws-cdk-lib modules the app uses (CloudWatch,
//	                  EC2, IAM, Lambda, Logs, S3 assets), one static call each
//	probe roundtrips  the empty app plus 1000 property reads (jsii round trips)
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// notAConstruct is the argument of the static IsConstruct calls: any value
// will do, the call loads the class's module.
var notAConstruct = jsii.String("x")

// RoundTrips is the number of property reads of mode roundtrips.
const RoundTrips = 1000

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: probe init|runtime|core|empty|modules|roundtrips")
		os.Exit(2)
	}
	mode := os.Args[1]
	if mode == "init" {
		return
	}
	defer jsii.Close()
	if mode == "runtime" {
		constructs.Construct_IsConstruct(notAConstruct)
		return
	}
	app := awscdk.NewApp(nil)
	if mode == "core" {
		return
	}
	stack := awscdk.NewStack(app, jsii.String("Empty"), nil)
	switch mode {
	case "empty":
	case "modules":
		awscloudwatch.Alarm_IsConstruct(notAConstruct)
		awsec2.CfnVPC_IsConstruct(notAConstruct)
		awsiam.Role_IsConstruct(notAConstruct)
		awslambda.Function_IsConstruct(notAConstruct)
		awslogs.LogGroup_IsConstruct(notAConstruct)
		awss3assets.Asset_IsConstruct(notAConstruct)
	case "roundtrips":
		for i := 0; i < RoundTrips; i++ {
			stack.StackName()
		}
	default:
		fmt.Fprintln(os.Stderr, "probe: unknown mode", mode)
		os.Exit(2)
	}
	app.Synth(nil)
}
