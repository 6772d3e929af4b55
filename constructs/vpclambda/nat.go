package vpclambda

import (
	"fmt"
	"math"

	"github.com/aws/aws-cdk-go/awscdk/v2"
)

// NatProvider chooses how the private subnets of a VPC the construct
// creates reach the internet, in the spirit of aws-cdk's
// awsec2.NatProvider: NatGateways (managed zonal gateways, the default),
// NatInstances (EC2 instances, about a tenth of the fixed cost) or
// RegionalNatGateway (one managed gateway for the whole VPC, in no subnet).
//
// A provider first plans its layout (natLayout): how many public subnets
// it needs and how many private route tables there are. The construct then
// asks it for the target of each private route table; a provider whose
// devices live in public subnets asks the builder for its subnet
// (networkBuilder.publicSubnet), a VPC-level device needs none. Private
// subnet i uses route table i mod the table count. Values come from
// NatGateways, NatInstances and RegionalNatGateway; the interface has
// unexported methods, so every provider lives in this package.
type NatProvider interface {
	// plan validates the provider's settings for the VPC's AZs, adding
	// each problem under prop, and returns the layout it needs.
	plan(ps *problems, prop string, vpc natVpc) natLayout
	// provide creates what private route table j routes 0.0.0.0/0 to.
	provide(b *networkBuilder, j int) natTarget
}

// natVpc is what a provider's plan knows of the VPC the construct creates.
type natVpc struct {
	// nAzs is the number of AZs (one private subnet each).
	nAzs int
	// azs are the AZs of the private subnets, in order: names, or tokens
	// for an environment-agnostic stack.
	azs []*string
}

// natLayout is the shape a provider needs.
type natLayout struct {
	// publicSubnets is the number of public subnets (in the first AZs,
	// routed to the internet gateway); 0 for a VPC-level device.
	publicSubnets int
	// routeTables is the number of private route tables, at least 1.
	routeTables int
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
