package vpclambda

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"
)

// anyIpv6 is every IPv6 address: the default route of the IPv6 tier.
const anyIpv6 = "::/0"

// dualStack is the IPv6 half of a dual-stack VPC the construct creates: an
// Amazon-provided /56 on the VPC, a /64 per subnet (private subnet i takes
// the i-th /64 from the start, public subnet j the j-th from the end, as in
// IPv4), an egress-only internet gateway for the private subnets (outbound
// only: nothing on the internet can open a connection to the function) and
// ::/0 to the internet gateway for the public ones. IPv6 traffic skips the
// NAT device and its per-GB charge.
type dualStack struct {
	b     *networkBuilder
	block awsec2.CfnVPCCidrBlock
	eigw  awsec2.CfnEgressOnlyInternetGateway
	vpc6  *string    // the VPC's /56
	cidrs *[]*string // the /56 cut into 256 /64s
}

func newDualStack(b *networkBuilder) *dualStack {
	d := &dualStack{b: b}
	n := b.n
	d.block = awsec2.NewCfnVPCCidrBlock(b.v, jsii.String("Ipv6CidrBlock"), &awsec2.CfnVPCCidrBlockProps{
		VpcId:                       b.vpcID,
		AmazonProvidedIpv6CidrBlock: jsii.Bool(true),
	})
	n.Ipv6CidrBlock = d.block
	d.vpc6 = awscdk.Fn_Select(jsii.Number(0), n.Vpc.AttrIpv6CidrBlocks())
	d.cidrs = awscdk.Fn_Cidr(d.vpc6, jsii.Number(256), jsii.String("64"))
	d.eigw = awsec2.NewCfnEgressOnlyInternetGateway(b.v, jsii.String("EgressOnlyInternetGateway"), &awsec2.CfnEgressOnlyInternetGatewayProps{
		VpcId: b.vpcID,
		Tags:  b.tag("EgressOnlyInternetGateway"),
	})
	n.EgressOnlyInternetGateway = d.eigw
	b.path(d.eigw)
	return d
}

// subnetBlock is the index-th /64 of the VPC's /56.
func (d *dualStack) subnetBlock(index int) *string {
	return awscdk.Fn_Select(jsii.Number(index), d.cidrs)
}

// subnet gives a subnet its /64; it can only be assigned once the VPC has
// its /56.
func (d *dualStack) subnet(props *awsec2.CfnSubnetProps, index int) func(awsec2.CfnSubnet) {
	props.Ipv6CidrBlock = d.subnetBlock(index)
	props.AssignIpv6AddressOnCreation = jsii.Bool(false)
	return func(s awsec2.CfnSubnet) {
		s.AddResourceDependency(d.block, jsii.String("a subnet's IPv6 block comes from the VPC's"))
	}
}

// privateRoute sends the private table's IPv6 traffic to the egress-only
// internet gateway.
func (d *dualStack) privateRoute(rtID string, rt awsec2.CfnRouteTable) awsec2.CfnRoute {
	r := awsec2.NewCfnRoute(d.b.v, jsii.String(rtID+"Ipv6DefaultRoute"), &awsec2.CfnRouteProps{
		RouteTableId:                d.b.v.id(rt, rt.AttrRouteTableId),
		DestinationIpv6CidrBlock:    jsii.String(anyIpv6),
		EgressOnlyInternetGatewayId: d.b.v.id(d.eigw, d.eigw.AttrId),
	})
	d.b.n.PrivateIpv6DefaultRoutes = append(d.b.n.PrivateIpv6DefaultRoutes, r)
	d.b.path(r)
	return r
}

// publicRoute sends the public table's IPv6 traffic to the internet
// gateway.
func (d *dualStack) publicRoute() {
	n := d.b.n
	n.PublicIpv6DefaultRoute = awsec2.NewCfnRoute(d.b.v, jsii.String("PublicIpv6DefaultRoute"), &awsec2.CfnRouteProps{
		RouteTableId:             d.b.v.id(n.PublicRouteTable, n.PublicRouteTable.AttrRouteTableId),
		DestinationIpv6CidrBlock: jsii.String(anyIpv6),
		GatewayId:                d.b.v.id(n.InternetGateway, n.InternetGateway.AttrInternetGatewayId),
	})
	n.PublicIpv6DefaultRoute.AddResourceDependency(n.GatewayAttachment, jsii.String("the internet gateway must be attached before it is a route target"))
	d.b.path(n.PublicIpv6DefaultRoute)
}

// naclEntries adds the IPv6 equivalents of a tier's rules (300-399).
func (d *dualStack) naclEntries(tier string, acl awsec2.CfnNetworkAcl) {
	for _, e := range d.b.naclEntries(tier, acl, NaclRulesIpv6(*d.vpc6)) {
		e.AddResourceDependency(d.block, jsii.String("the VPC's IPv6 block must exist before a rule names it"))
	}
}

// ipv6Index is the /64 of private subnet i (from the start) or public
// subnet j (from the end) of the 256 in the VPC's /56.
func ipv6Index(public bool, i int) int {
	if public {
		return 255 - i
	}
	return i
}
