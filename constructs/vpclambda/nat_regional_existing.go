package vpclambda

import (
	"fmt"
	"sort"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"
)

// existingVpcNat is a NatProvider that can also give an existing VPC (Vpc)
// its way out: a VPC-level device, which needs no subnet of its own. Only
// RegionalNatGateway is one; every other provider with Vpc is an error.
type existingVpcNat interface {
	// planExisting validates the provider for the selected subnets of vpc.
	planExisting(ps *problems, prop string, stack awscdk.Stack, vpc awsec2.IVpc, subnets []awsec2.ISubnet)
	// provideExisting creates the device and the selected subnets' default
	// routes to it; it returns what the function's route to the internet
	// needs.
	provideExisting(v *VpcLambda, vpc awsec2.IVpc, subnets []awsec2.ISubnet) []awscdk.CfnResource
}

// ExistingVpcNat is the way out the construct added to an existing VPC
// (Vpc with NatProvider RegionalNatGateway).
type ExistingVpcNat struct {
	// RegionalNatGateway is the regional NAT gateway in Vpc.
	RegionalNatGateway awsec2.CfnNatGateway
	// ElasticIps[i] are the Elastic IPs created for AZ i of the selected
	// subnets (manual mode with ElasticIpsPerAz); empty otherwise.
	ElasticIps [][]awsec2.CfnEIP
	// DefaultRoutes are the 0.0.0.0/0 routes to the gateway, one per route
	// table of the selected subnets.
	DefaultRoutes []awsec2.CfnRoute
}

// planExisting: the VPC must have an internet gateway (known for a VPC
// made in this app with aws-cdk's Vpc), every selected subnet must have a
// route table and no default route of its own (known for aws-cdk's
// subnets), and manual mode must cover the subnets' AZs.
func (p *RegionalNatGatewayProvider) planExisting(ps *problems, prop string, stack awscdk.Stack, vpc awsec2.IVpc, subnets []awsec2.ISubnet) {
	if l2, ok := vpc.(awsec2.Vpc); ok {
		var igw *string
		_ = CatchJsii(func() { igw = l2.InternetGatewayId() })
		if igw == nil {
			ps.add("Vpc", *vpc.Node().Path(), "has no internet gateway: a regional NAT gateway sends its traffic out through the VPC's internet gateway",
				"give the VPC a public subnet (aws-cdk's Vpc then creates and attaches an internet gateway), or use a VPC that has one")
		}
	}
	var azs []*string
	seen := map[string]bool{}
	for i, s := range subnets {
		sp := fmt.Sprintf("PrivateSubnets[%d]", i)
		var rt awsec2.IRouteTable
		_ = CatchJsii(func() { rt = s.RouteTable() })
		if rt == nil || rt.RouteTableId() == nil {
			ps.add(sp, *s.Node().Path(), "has no known route table, so the route to the regional NAT gateway cannot be added", "select subnets of the VPC with their route tables (aws-cdk's Vpc, or Subnet_FromSubnetAttributes with RouteTableId)")
		}
		if _, ok := s.Node().TryFindChild(jsii.String("DefaultRoute")).(awsec2.CfnRoute); ok {
			ps.add(sp, *s.Node().Path(), "already routes 0.0.0.0/0 (its DefaultRoute): a second default route to the regional NAT gateway would fail at deploy time",
				"select subnets without a default route (SubnetType PRIVATE_ISOLATED), or give the VPC no NAT gateways of its own")
		}
		az := s.AvailabilityZone()
		if az != nil && !seen[*az] {
			seen[*az] = true
			azs = append(azs, az)
		}
	}
	// The options, checked against the selected subnets' AZs.
	p.plan(ps, prop, natVpc{nAzs: len(azs), azs: azs})
}

func (p *RegionalNatGatewayProvider) provideExisting(v *VpcLambda, vpc awsec2.IVpc, subnets []awsec2.ISubnet) []awscdk.CfnResource {
	tag := func(id string) *[]*awscdk.CfnTag {
		return &[]*awscdk.CfnTag{{Key: jsii.String("Name"), Value: jsii.String(v.path + "/" + id)}}
	}
	out := &ExistingVpcNat{}
	// AWS routes the gateway's traffic to the VPC's internet gateway.
	nat, eips := p.gateway(v, vpc.VpcId(), tag, func(r awscdk.CfnResource, _ string) {
		r.Node().AddDependency(vpc.InternetConnectivityEstablished())
	})
	out.ElasticIps = eips
	out.RegionalNatGateway = nat
	path := []awscdk.CfnResource{nat}
	// One default route per route table of the selected subnets.
	tables := map[string]*string{}
	stack := v.stack()
	for _, s := range subnets {
		id := s.RouteTable().RouteTableId()
		tables[resolveJSON(stack, id)] = id
	}
	keys := make([]string, 0, len(tables))
	for k := range tables {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		r := awsec2.NewCfnRoute(v, jsii.String(fmt.Sprintf("RegionalNatRoute%d", i+1)), &awsec2.CfnRouteProps{
			RouteTableId:         tables[k],
			DestinationCidrBlock: jsii.String(anyIpv4),
			NatGatewayId:         nat.AttrNatGatewayId(),
		})
		out.DefaultRoutes = append(out.DefaultRoutes, r)
		path = append(path, r)
	}
	v.ExistingVpcNat = out
	return path
}
