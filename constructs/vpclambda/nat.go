package vpclambda

import (
	"fmt"
	"math"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
)

// NatProvider chooses the NAT devices of a VPC the construct creates, in
// the spirit of aws-cdk's awsec2.NatProvider: NatGateways (managed, the
// default) or NatInstances (EC2 instances, about a tenth of the fixed
// cost). Each device gets a public subnet and a private route table of its
// own; private subnet i uses device i mod the device count. Values come
// from NatGateways and NatInstances; the interface has unexported methods,
// so every provider lives in this package.
type NatProvider interface {
	// plan validates the provider's settings for a VPC of nAzs AZs, adding
	// each problem under prop, and returns the number of devices.
	plan(ps *problems, prop string, nAzs int) int
	// provide creates device j in its public subnet and returns what the
	// private route table j routes 0.0.0.0/0 to.
	provide(n *networkBuilder, j int, subnet awsec2.CfnSubnet) natTarget
}

// natTarget is where a private route table sends 0.0.0.0/0, and the
// resources that path needs before a function may run.
type natTarget struct {
	natGatewayID       *string // a NAT gateway, or
	networkInterfaceID *string // a NAT instance's network interface
	path               []awscdk.CfnResource
}

// wholeCount validates an optional whole-number prop from min to max.
func wholeCount(ps *problems, prop string, v *float64, def, min, max int, why, fix string) int {
	if v == nil {
		return def
	}
	f := *v
	if math.IsNaN(f) || f != math.Trunc(f) || f < float64(min) || f > float64(max) {
		ps.add(prop, showNum(v), fmt.Sprintf("must be a whole number from %d to %d%s", min, max, why), fix)
		return def
	}
	return int(f)
}
