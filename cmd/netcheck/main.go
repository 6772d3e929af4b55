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
	"runtime/debug"

	"github.com/vpclambda/vpclambda/netcheck"
	"github.com/vpclambda/vpclambda/netcheck/awsfacts"
)

func main() {
	// A soft heap limit: the collector runs as usual until the heap nears
	// 80 MiB, then works harder instead of letting it double (on a 5 MB
	// template of 10,000 paths the peak resident memory drops from about
	// 118 MB to 89 MB for about 15% more time; small templates never come
	// near it). GOMEMLIMIT, when set, wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(80 << 20)
	}
	os.Exit(netcheck.RunCLIWithStacks(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, awsfacts.FromStackDefault))
}
