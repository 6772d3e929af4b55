// Command vpclambda is the CDK app: a Lambda function in the private
// subnets of a VPC, reaching the internet through a NAT gateway. It only
// wires: the CDK context becomes the stack's props (stacks.PropsFromContext),
// the stack is built (stacks.NewStack, the construct inside), the app is
// synthesized, and any error is printed with exit status 1.
package main

import (
	"fmt"
	"os"

	// First: sets the jsii runtime's environment before aws-cdk-go starts it.
	_ "github.com/vpclambda/vpclambda/internal/synthenv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
	"github.com/vpclambda/vpclambda/internal/synthtrace"
	"github.com/vpclambda/vpclambda/netcheck/cdkplugin"
	"github.com/vpclambda/vpclambda/stacks"
)

// The synthtrace marks time the phases for `make bench`; they do nothing
// unless VPCLAMBDA_SYNTH_TRACE=1.
func main() {
	synthtrace.Mark("main")
	err := run()
	synthtrace.Mark("synthesized")
	jsii.Close()
	synthtrace.Mark("closed")
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run() error {
	app := awscdk.NewApp(nil)
	synthtrace.Mark("app")
	s, err := stacks.NewStackFromContext(app)
	if err != nil {
		return err
	}
	if s.Netcheck {
		// netcheck checks the synthesized templates; a broken internet path
		// stops cdk synth with CDK's validation report.
		awscdk.Validations_Of(app).AddPlugins(cdkplugin.New(nil))
	}
	synthtrace.Mark("constructed")
	return vpclambda.CatchJsii(func() { app.Synth(nil) })
}
