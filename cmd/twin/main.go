// Command twin builds a packet-level twin of a VPC in Linux network
// namespaces (as root), runs each function's real bootstrap in every one of
// its subnets behind a local Lambda Runtime API, and checks that the
// function reaches the twin's test internet through the NAT gateway its
// subnet routes to, answering with that gateway's Elastic IP; then it sends
// every witness of netcheck's verdict (one packet per class of the internet
// the rules separate) and requires the same verdict.
//
//	twin [flags] cdk.out/STACK.template.json
//	twin [flags] --stack STACK
//	twin [--arch A] [--timeout T] --invoke FUNCTION [--subnet ID] < EVENT
//
// Exit status: 0 every subnet matched and every witness agreed, 1 any did
// not, 2 the input cannot be read or the twin cannot be built. See
// docs/twin.md and docs/twin-witnesses.md.
package main

import (
	"context"
	"os"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
	"github.com/vpclambda/vpclambda/internal/twin"
	"github.com/vpclambda/vpclambda/netcheck"
	"github.com/vpclambda/vpclambda/netcheck/awsfacts"
)

func main() {
	os.Exit(twin.CLI{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin, FromStack: awsfacts.FromStackDefault, FromFunction: fromFunction, FunctionEnv: functionEnv, Build: build}.Run(os.Args[1:]))
}

// build builds the handler with the project's own Go build (cached).
func build(entry, arch string) (string, error) {
	var a awslambda.Architecture // nil: arm64, without starting the jsii runtime
	if arch == "x86_64" {
		a = awslambda.Architecture_X86_64()
	}
	b, err := vpclambda.BuildGo(entry, a)
	if err != nil {
		return "", err
	}
	return b.Dir + "/bootstrap", nil
}

func fromFunction(name string) (*netcheck.Facts, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	return awsfacts.NewClients(cfg).Load(ctx, "function "+name, []string{name})
}

// functionEnv is a deployed function's environment variables, as Lambda
// gives them to it.
func functionEnv(name string) (map[string]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	out, err := lambda.NewFromConfig(cfg).GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(name)})
	if err != nil {
		return nil, err
	}
	env := map[string]string{}
	if out.Environment != nil {
		for k, v := range out.Environment.Variables {
			env[k] = v
		}
	}
	return env, nil
}
