// Package stacks holds the app's stack: the VpcLambda construct with the
// checkip handler, its outputs and tags.
package stacks

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
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
		s = &Stack{Stack: stack, VpcLambda: vl}
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
		out("NatPublicIps", "Elastic IP(s) of the NAT device(s): the addresses the function reaches the internet from", awscdk.Fn_Join(jsii.String(","), &ips))
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

// Context keys the app reads (`cdk synth -c key=value` or cdk.json).
var ContextKeys = map[string]string{
	"account":          "AWS account id of the stack's environment (default: environment-agnostic)",
	"region":           "AWS region of the stack's environment (default: environment-agnostic)",
	"stackName":        "stack name (default " + DefaultStackName + ")",
	"vpcCidr":          "VpcCidr",
	"maxAzs":           "MaxAzs",
	"natGateways":      "NatGateways",
	"memorySize":       "Function.MemorySize",
	"natProvider":      "NatProvider: gateway (default) or instance; natGateways is then the number of instances",
	"ipv6":             "Ipv6: true for a dual-stack VPC (default false)",
	"gatewayEndpoints": "GatewayEndpoints: s3,dynamodb (default), s3, dynamodb or none",
	"guardrails":       "true adds the guardrail policy (Lambda functions only in this network) for deployer roles (default false)",
	"netcheck":         "false leaves netcheck's check of the internet path out of cdk synth (default true)",
}

// PropsFromContext reads the app's settings from the CDK context.
func PropsFromContext(node constructs.Node) (id string, props *StackProps, err error) {
	// All of the context in one read (each read is a round trip to the CDK).
	all, _ := node.GetAllContext(nil).(map[string]interface{})
	get := func(key string) (string, bool) {
		v := all[key]
		if v == nil {
			return "", false
		}
		return strings.TrimSpace(fmt.Sprint(v)), true
	}
	problems := unknownContextKeys(all)
	num := func(key string) *float64 {
		s, ok := get(key)
		if !ok {
			return nil
		}
		f, perr := strconv.ParseFloat(s, 64)
		if perr != nil {
			problems = append(problems, fmt.Sprintf("context %s = %q is not a number; fix: -c %s=<number>", key, s, key))
			return nil
		}
		return &f
	}
	props = &StackProps{}
	id = DefaultStackName
	if s, ok := get("stackName"); ok {
		id = s
	}
	account, hasAccount := get("account")
	region, hasRegion := get("region")
	if hasAccount != hasRegion {
		problems = append(problems, "context account and region must be given together; fix: -c account=123456789012 -c region=us-east-1")
	} else if hasAccount {
		props.Env = &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)}
	}
	if s, ok := get("vpcCidr"); ok {
		props.Construct.VpcCidr = jsii.String(s)
	}
	props.Construct.MaxAzs = num("maxAzs")
	props.Construct.NatGateways = num("natGateways")
	if v, ok := get("natProvider"); ok {
		switch v {
		case "gateway":
		case "instance":
			props.Construct.NatProvider = vpclambda.NatInstances(&vpclambda.NatInstanceOptions{Count: props.Construct.NatGateways})
			props.Construct.NatGateways = nil
		default:
			problems = append(problems, fmt.Sprintf("context natProvider = %q is not a NAT provider; fix: -c natProvider=gateway or -c natProvider=instance", v))
		}
	}
	if v, ok := get("ipv6"); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			problems = append(problems, fmt.Sprintf("context ipv6 = %q is not true or false; fix: -c ipv6=true", v))
		}
		props.Construct.Ipv6 = &b
	}
	if v, ok := get("gatewayEndpoints"); ok {
		list := []vpclambda.GatewayEndpointService{}
		if v != "none" {
			for _, e := range strings.Split(v, ",") {
				list = append(list, vpclambda.GatewayEndpointService(strings.TrimSpace(e)))
			}
		}
		props.Construct.GatewayEndpoints = &list
	}
	props.Construct.Function = &vpclambda.FunctionOptions{FunctionOptions: awslambda.FunctionOptions{MemorySize: num("memorySize")}}
	if s, ok := get("guardrails"); ok {
		b, perr := strconv.ParseBool(s)
		if perr != nil {
			problems = append(problems, fmt.Sprintf("context guardrails = %q is not true or false; fix: -c guardrails=true", s))
		}
		props.Guardrails = b
	}
	if s, ok := get("netcheck"); ok {
		b, perr := strconv.ParseBool(s)
		if perr != nil {
			problems = append(problems, fmt.Sprintf("context netcheck = %q is not true or false; fix: -c netcheck=false", s))
		}
		props.SkipNetcheck = !b
	}
	if len(problems) > 0 {
		return "", nil, errors.New(strings.Join(problems, "\n"))
	}
	return id, props, nil
}
