// Command emptyapp is the benchmark's empty Go CDK app: an App with one
// empty Stack, which the benchmark runs with the same settings as the app,
// so that what any Go CDK app costs (the jsii floor) is told apart from
// what this topology costs.
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	awscdk.NewStack(app, jsii.String("Empty"), nil)
	app.Synth(nil)
}
