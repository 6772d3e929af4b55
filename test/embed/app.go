// Package embed is an app outside this repository's module, as a platform
// team would write it: it imports the construct, passes non-default
// function options and uses the construct as a scope.
package embed

import (
	"path/filepath"
	"runtime"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
)

// here is this file's directory: the handler's path does not depend on the
// working directory.
func here() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

// NewWorkerStack is a stack with a VPC-attached worker function that uses
// options the construct does not know about itself.
func NewWorkerStack(app awscdk.App) (awscdk.Stack, *vpclambda.VpcLambda, error) {
	stack := awscdk.NewStack(app, jsii.String("Worker"), nil)
	role := awsiam.NewRole(stack, jsii.String("WorkerRole"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
	})
	layer := awslambda.LayerVersion_FromLayerVersionArn(stack, jsii.String("Insights"),
		jsii.String("arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension-Arm64:20"))
	net, err := vpclambda.NewVpcLambda(stack, "Egress", &vpclambda.VpcLambdaProps{
		MaxAzs: jsii.Number(3),
		Function: &vpclambda.FunctionOptions{
			Entry: jsii.String(filepath.Join(here(), "lambda", "worker")),
			FunctionOptions: awslambda.FunctionOptions{
				MemorySize:                   jsii.Number(512),
				Timeout:                      awscdk.Duration_Seconds(jsii.Number(45)),
				Tracing:                      awslambda.Tracing_ACTIVE,
				ReservedConcurrentExecutions: jsii.Number(5),
				Layers:                       &[]awslambda.ILayerVersion{layer},
				EphemeralStorageSize:         awscdk.Size_Mebibytes(jsii.Number(1024)),
				LoggingFormat:                awslambda.LoggingFormat_JSON,
				Environment:                  &map[string]*string{"QUEUE": jsii.String("jobs")},
				Role:                         role,
			},
			LogRetention: awslogs.RetentionDays_TWO_WEEKS,
		},
	})
	if err != nil {
		return nil, nil, err
	}
	awscdk.Tags_Of(net).Add(jsii.String("team"), jsii.String("platform"), nil)
	return stack, net, nil
}
