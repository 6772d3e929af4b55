// Command netcheck proves from a synthesized CloudFormation template that
// every subnet of each VPC-attached Lambda function reaches the internet,
// and says exactly why when one does not.
//
//	netcheck [flags] cdk.out/STACK.template.json
//
// Exit status: 0 every path is open, 1 something blocks a path, 2 the input
// cannot be read or understood.
package main

import (
	"os"

	"github.com/vpclambda/vpclambda/netcheck"
)

func main() {
	os.Exit(netcheck.RunCLI(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
