// Package stacks holds the app's stack: its settings from the CDK context
// (PropsFromContext; the context keys and the check for misspelt ones in
// contextkeys.go), the VpcLambda construct with the checkip handler, the
// stack's outputs and tags, and the guardrail policy when asked for.
package stacks

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
)

// AppName tags every resource of the app (tag key "Application").
const AppName = "vpc-lambda-internet"

// DefaultStackName is the stack's name unless the stackName context says
// otherwise.
const DefaultStackName = "VpcLambdaInternet"

// StackProps configures the app's stack.
type StackProps struct {
	awscdk.StackProps
	// Construct configures the VpcLambda. Its Function.Entry defaults to
	// the checkip handler of this repository.
	Construct vpclambda.VpcLambdaProps
	// Guardrails adds the construct's guardrail policy (a customer managed
	// policy keeping Lambda functions in this network) to the stack, to be
	// attached to deployer roles. Default: false.
	Guardrails bool
	// SkipNetcheck leaves netcheck's validation plugin out of the app's
	// synthesis (-c netcheck=false). Default: netcheck runs in cdk synth.
	SkipNetcheck bool
}

// Stack is the app's stack and what it contains.
type Stack struct {
	awscdk.Stack
	VpcLambda *vpclambda.VpcLambda
	// Guardrails is the guardrail policy; nil unless StackProps.Guardrails.
	Guardrails *vpclambda.Guardrails
	// Netcheck is whether the app runs netcheck in cdk synth
	// (!StackProps.SkipNetcheck).
	Netcheck bool
}

// NewStack builds the app's stack. Invalid props are returned as an error
// before anything is added to scope.
func NewStack(scope constructs.Construct, id string, props *StackProps) (*Stack, error) {
	if props == nil {
		props = &StackProps{}
	}
	cp := props.Construct
	if cp.Function == nil {
		cp.Function = &vpclambda.FunctionOptions{}
	}
	if cp.Function.Entry == nil && cp.Function.Code == nil {
		entry, err := HandlerEntry()
		if err != nil {
			return nil, err
		}
		fn := *cp.Function
		fn.Entry = jsii.String(entry)
		if fn.Description == nil {
			fn.Description = jsii.String("Returns the public IP it reaches the internet from (the NAT gateway's Elastic IP)")
		}
		cp.Function = &fn
	}

	var s *Stack
	var vl *vpclambda.VpcLambda
	var err error
	if jerr := vpclambda.CatchJsii(func() {
		stack := awscdk.NewStack(scope, jsii.String(id), &props.StackProps)
		vl, err = vpclambda.NewVpcLambda(stack, "VpcLambda", &cp)
		if err != nil {
			return
		}
		s = &Stack{Stack: stack, VpcLambda: vl, Netcheck: !props.SkipNetcheck}
		if props.Guardrails {
			s.Guardrails = vl.NewGuardrails(stack, "LambdaGuardrailPolicy")
		}
		s.addOutputs()
		awscdk.Tags_Of(stack).Add(jsii.String("Application"), jsii.String(AppName), nil)
	}); jerr != nil {
		return nil, jerr
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Stack) addOutputs() {
	vl := s.VpcLambda
	out := func(id, desc string, value *string) {
		awscdk.NewCfnOutput(s.Stack, jsii.String(id), &awscdk.CfnOutputProps{Value: value, Description: jsii.String(desc)})
	}
	fn := vl.Function.Function
	name := fn.FunctionName()
	out("FunctionName", "Name of the VPC-attached Lambda function", name)
	out("FunctionArn", "ARN of the VPC-attached Lambda function", fn.FunctionArn())
	out("VpcId", "VPC the function is attached to", vl.Vpc.VpcId())
	var subnets []*string
	for _, sn := range vl.PrivateSubnets {
		subnets = append(subnets, sn.SubnetId())
	}
	out("PrivateSubnetIds", "The function's private subnets (comma-separated)", awscdk.Fn_Join(jsii.String(","), &subnets))
	if vl.Network != nil {
		var ips []*string
		for i, eip := range vl.Network.ElasticIps {
			ips = append(ips, eip.AttrPublicIp())
			for _, more := range vl.Network.SecondaryElasticIps[i] {
				ips = append(ips, more.AttrPublicIp())
			}
		}
		for _, az := range vl.Network.RegionalNatGatewayElasticIps {
			for _, eip := range az {
				ips = append(ips, eip.AttrPublicIp())
			}
		}
		// A regional NAT gateway in automatic mode has addresses AWS
		// chooses: the template cannot name them.
		if len(ips) > 0 {
			out("NatPublicIps", "Elastic IP(s) of the NAT device(s): the addresses the function reaches the internet from", awscdk.Fn_Join(jsii.String(","), &ips))
		}
		if nat := vl.Network.RegionalNatGateway; nat != nil {
			out("RegionalNatGatewayId", "The regional NAT gateway: the function reaches the internet from its address in the function's AZ (aws ec2 describe-nat-gateways)", nat.AttrNatGatewayId())
		}
	}
	if s.Guardrails != nil {
		out("GuardrailPolicyArn", "Customer managed policy keeping Lambda functions in this network: attach it to the roles that deploy functions",
			s.Guardrails.Policy.ManagedPolicyArn())
	}
	out("InvokeCommand", "Invoke the function; its publicIp must be one of NatPublicIps",
		awscdk.Fn_Join(jsii.String(""), &[]*string{
			jsii.String("aws lambda invoke --function-name "), name,
			jsii.String(" --region "), s.Stack.Region(),
			jsii.String(" /dev/stdout"),
		}))
}

// HandlerEntry finds the checkip handler's source directory: next to this
// file when the source tree is at hand, otherwise in the module root above
// the working directory.
func HandlerEntry() (string, error) {
	const rel = "functions/checkip"
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		dir := filepath.Join(filepath.Dir(file), "..", rel)
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return filepath.Clean(dir), nil
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if st, err := os.Stat(filepath.Join(dir, rel)); err == nil && st.IsDir() {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				return filepath.Join(dir, rel), nil
			}
		}
		if filepath.Dir(dir) == dir {
			return "", errors.New("cannot find the checkip handler (" + rel + "): run the app from the repository")
		}
	}
}
