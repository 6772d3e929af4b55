package vpclambda

import (
	"fmt"
	"math"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"
)

// MaxElasticIpsPerNatGateway is how many Elastic IPs one NAT gateway can
// have (its primary address and up to seven secondary ones).
const MaxElasticIpsPerNatGateway = 8

// NatGatewayOptions configures NatGateways.
type NatGatewayOptions struct {
	// Count of NAT gateways, 1 to the number of AZs. One is cheapest; one
	// per AZ removes the cross-AZ single point of failure (each private
	// subnet then routes to the gateway in its own AZ).
	//
	// Default: 1.
	Count *float64

	// ElasticIpsPerGateway is the number of Elastic IPs of each gateway,
	// 1 to 8. A NAT gateway allows about 55,000 simultaneous connections
	// to each unique destination (IP, port, protocol) per address; a busy
	// fleet of functions calling one endpoint hits that limit
	// (ErrorPortAllocation in the gateway's metrics). Each further address
	// raises it by as much again (CloudFormation SecondaryAllocationIds).
	//
	// Default: 1.
	ElasticIpsPerGateway *float64
}

// NatGatewayProvider is the NatProvider of AWS-managed NAT gateways, one
// Elastic IP or more each. Make it with NatGateways.
type NatGatewayProvider struct {
	opts     NatGatewayOptions
	countOf  string // the prop the count came from, for errors
	count    int
	eipCount int
}

// NatGateways returns the provider of public NAT gateways: AWS-managed,
// highly available within their AZ, scaling to 100 Gbps, billed per hour
// and per GB processed. The construct's default.
func NatGateways(opts *NatGatewayOptions) *NatGatewayProvider {
	p := &NatGatewayProvider{countOf: "NatProvider.Count"}
	if opts != nil {
		p.opts = *opts
	}
	return p
}

func (p *NatGatewayProvider) plan(ps *problems, prop string, vpc natVpc) natLayout {
	nAzs := vpc.nAzs
	countProp := prop + ".Count"
	if p.countOf == "NatGateways" {
		countProp = "NatGateways"
	}
	p.count = DefaultNatGateways
	if c := p.opts.Count; c != nil {
		f := *c
		switch {
		case f != math.Trunc(f) || math.IsNaN(f):
			ps.add(countProp, showNum(c), "must be a whole number", fmt.Sprintf("use 1 (one shared NAT gateway) or %d (one per AZ)", nAzs))
		case f < 1:
			ps.add(countProp, showNum(c), "must be at least 1: without a NAT gateway a function in private subnets cannot reach the internet",
				"use 1 (one shared NAT gateway), or attach the function to an existing VPC (Vpc) that provides its own NAT")
		case f > float64(nAzs):
			ps.add(countProp, showNum(c), fmt.Sprintf("is more than the %d Availability Zones; a NAT gateway lives in one AZ's public subnet", nAzs),
				fmt.Sprintf("use at most %d (one per AZ), or raise MaxAzs", nAzs))
		default:
			p.count = int(f)
		}
	}
	p.eipCount = wholeCount(ps, prop+".ElasticIpsPerGateway", p.opts.ElasticIpsPerGateway, 1, 1, MaxElasticIpsPerNatGateway,
		" (a NAT gateway has one primary and up to seven secondary Elastic IPs)",
		"use 1, or more to raise the gateway's connection limit per destination (about 55,000 per address)")
	// One gateway per public subnet, one private route table per gateway.
	return natLayout{publicSubnets: p.count, routeTables: p.count}
}

func (p *NatGatewayProvider) provide(b *networkBuilder, j int) natTarget {
	n := b.n
	subnet := b.publicSubnet(j)
	natID := fmt.Sprintf("NatGateway%d", j+1)
	var eips []awsec2.CfnEIP
	for k := 0; k < p.eipCount; k++ {
		id := natID + "Eip"
		if k > 0 {
			id = fmt.Sprintf("%sEip%d", natID, k+1)
		}
		eip := awsec2.NewCfnEIP(b.v, jsii.String(id), &awsec2.CfnEIPProps{Domain: jsii.String("vpc"), Tags: b.tag(id)})
		// An Elastic IP for a VPC in the same template needs the gateway
		// attachment first (CloudFormation's documented requirement).
		eip.AddResourceDependency(n.GatewayAttachment, jsii.String("an Elastic IP in a VPC needs the internet gateway attached"))
		eips = append(eips, eip)
	}
	props := &awsec2.CfnNatGatewayProps{
		AllocationId:     eips[0].AttrAllocationId(),
		SubnetId:         b.v.id(subnet, subnet.AttrSubnetId),
		ConnectivityType: jsii.String("public"),
		Tags:             b.tag(natID),
	}
	if len(eips) > 1 {
		var secondary []*string
		for _, e := range eips[1:] {
			secondary = append(secondary, e.AttrAllocationId())
		}
		props.SecondaryAllocationIds = &secondary
	}
	nat := awsec2.NewCfnNatGateway(b.v, jsii.String(natID), props)
	n.NatGateways = append(n.NatGateways, nat)
	n.ElasticIps = append(n.ElasticIps, eips[0])
	n.SecondaryElasticIps = append(n.SecondaryElasticIps, eips[1:])
	return natTarget{natGatewayID: b.v.id(nat, nat.AttrNatGatewayId), path: []awscdk.CfnResource{nat}}
}
