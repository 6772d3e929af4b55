// Command brokenapp is the app with its function's security group letting
// only tcp/80 out: `cdk synth --app 'go run ./test/testdata/brokenapp'`
// must stop with netcheck's violation (test/cdkplugin_test.go).
package main

import (
	"fmt"
	"os"

	_ "github.com/vpclambda/vpclambda/internal/synthenv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
	"github.com/vpclambda/vpclambda/netcheck/cdkplugin"
	"github.com/vpclambda/vpclambda/stacks"
)

func main() {
	err := run()
	jsii.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run() error {
	app := awscdk.NewApp(nil)
	id, props, err := stacks.PropsFromContext(app.Node())
	if err != nil {
		return err
	}
	st, err := stacks.NewStack(app, id, props)
	if err != nil {
		return err
	}
	BreakEgress(st)
	if !props.SkipNetcheck { // as main.go
		awscdk.Validations_Of(app).AddPlugins(cdkplugin.New(nil))
	}
	return vpclambda.CatchJsii(func() { app.Synth(nil) })
}

// BreakEgress lets the function's security group send only tcp/80.
func BreakEgress(st *stacks.Stack) {
	sg := st.VpcLambda.SecurityGroup.Node().DefaultChild().(awsec2.CfnSecurityGroup)
	sg.AddPropertyOverride(jsii.String("SecurityGroupEgress"), []interface{}{
		map[string]interface{}{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIp": "0.0.0.0/0", "Description": "only http"},
	})
}
