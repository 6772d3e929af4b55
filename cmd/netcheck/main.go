// Command netcheck proves from a synthesized CloudFormation template that
// every subnet of each VPC-attached Lambda function reaches the internet,
// and says exactly why when one does not. With --stack it checks a
// deployed stack instead, read through the AWS SDK for Go v2 (credentials,
// AWS_REGION and AWS_ENDPOINT_URL as usual): the same analysis.
//
//	netcheck [flags] cdk.out/STACK.template.json
//	netcheck [flags] --stack STACK
//
// Exit status: 0 every path is open, 1 something blocks a path, 2 the input
// cannot be read or understood.
package main

import (
	"os"

	"github.com/vpclambda/vpclambda/netcheck"
	"github.com/vpclambda/vpclambda/netcheck/awsfacts"
)

func main() {
	os.Exit(netcheck.RunCLIWithStacks(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, awsfacts.FromStackDefault))
}
