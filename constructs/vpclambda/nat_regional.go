package vpclambda

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Limits of a regional NAT gateway (Amazon VPC User Guide, "Regional NAT
// gateways"), checked at synth time.
const (
	// MaxRegionalNatElasticIpsPerAz is how many Elastic IPs a regional NAT
	// gateway can use in one Availability Zone.
	MaxRegionalNatElasticIpsPerAz = 32
	// MinMaxDrainSeconds and MaxMaxDrainSeconds bound MaxDrainDuration
	// (CloudFormation's MaxDrainDurationSeconds; AWS's default is 350 s).
	MinMaxDrainSeconds = 1
	MaxMaxDrainSeconds = 4000
)

// RegionalNatGatewayOptions configures RegionalNatGateway. Without
// ElasticIpsPerAz and AllocationIds the gateway is in automatic mode (the
// default): AWS gives it addresses in every AZ that has a network
// interface of the VPC and adds addresses as connections need them. Either
// of them puts it in manual mode: it then serves only the AZs listed, each
// with the Elastic IPs listed for it.
type RegionalNatGatewayOptions struct {
	// ElasticIpsPerAz puts the gateway in manual mode with Elastic IPs the
	// construct creates: this many in each AZ of the VPC, 1 to 32. Every AZ
	// of the VPC is listed, so no private subnet is left without a way out.
	//
	// Default: automatic mode. Not with AllocationIds.
	ElasticIpsPerAz *float64

	// AllocationIds puts the gateway in manual mode with your own Elastic
	// IPs: for each AZ of the VPC, by name ("us-east-1a"), the allocation
	// ids ("eipalloc-...") the gateway uses there, 1 to 32 per AZ. Every AZ
	// of the VPC must be listed (the gateway serves no other), so the AZ
	// names must be known at synth time: set AvailabilityZones, or give the
	// stack an account and region.
	//
	// Default: automatic mode. Not with ElasticIpsPerAz.
	AllocationIds map[string][]string

	// MaxDrainDuration is how long the gateway waits for connections to
	// end before it releases an address that is removed from it, 1 s to
	// 4000 s in whole seconds.
	//
	// Default: AWS's, 350 seconds.
	MaxDrainDuration awscdk.Duration
}

// RegionalNatGatewayProvider is the NatProvider of one regional NAT gateway
// for the whole VPC. Make it with RegionalNatGateway.
type RegionalNatGatewayProvider struct {
	opts      RegionalNatGatewayOptions
	azs       []*string
	eipsPerAz int                 // manual mode with created Elastic IPs; 0 otherwise
	given     map[string][]string // manual mode with the user's allocation ids
	drainSecs *float64
}

// RegionalNatGateway returns the provider of one regional NAT gateway
// (AWS::EC2::NatGateway with AvailabilityMode regional): a single
// AWS-managed gateway for the whole VPC, highly available across AZs by
// itself, in no subnet of the VPC. The VPC then has no public subnets, no
// public route table and no public network ACL: AWS gives the gateway a
// route table of its own, with a route to the VPC's internet gateway,
// which the construct still creates and attaches (a regional NAT gateway
// needs one). Every private subnet routes 0.0.0.0/0 to the gateway through
// one private route table.
func RegionalNatGateway(opts *RegionalNatGatewayOptions) *RegionalNatGatewayProvider {
	p := &RegionalNatGatewayProvider{}
	if opts != nil {
		p.opts = *opts
	}
	return p
}

var allocationIDPattern = regexp.MustCompile(`^eipalloc-[0-9a-f]{8,17}$`)

func (p *RegionalNatGatewayProvider) plan(ps *problems, prop string, vpc natVpc) natLayout {
	p.azs = vpc.azs
	o := p.opts
	if o.ElasticIpsPerAz != nil && o.AllocationIds != nil {
		ps.add(prop+".ElasticIpsPerAz", showNum(o.ElasticIpsPerAz), "is set together with AllocationIds: the Elastic IPs are either created by the construct or given",
			"remove ElasticIpsPerAz to use your own addresses, or AllocationIds to let the construct create them")
	}
	if o.ElasticIpsPerAz != nil {
		p.eipsPerAz = wholeCount(ps, prop+".ElasticIpsPerAz", o.ElasticIpsPerAz, 1, 1, MaxRegionalNatElasticIpsPerAz,
			fmt.Sprintf(" (a regional NAT gateway uses at most %d Elastic IPs per Availability Zone)", MaxRegionalNatElasticIpsPerAz),
			"use 1, or leave it unset for automatic mode, where AWS adds addresses as connections need them")
	}
	if o.AllocationIds != nil && o.ElasticIpsPerAz == nil {
		p.planGiven(ps, prop+".AllocationIds", vpc)
	}
	if d := o.MaxDrainDuration; d != nil {
		var secs *float64
		if err := CatchJsii(func() { secs = d.ToSeconds(&awscdk.TimeConversionOptions{Integral: jsii.Bool(false)}) }); err != nil {
			ps.add(prop+".MaxDrainDuration", "a duration", "cannot be read in seconds: "+firstLine(err.Error()), "use awscdk.Duration_Seconds(jsii.Number(350))")
		} else if !*awscdk.Token_IsUnresolved(secs) {
			f := *secs
			if f != math.Trunc(f) || f < MinMaxDrainSeconds || f > MaxMaxDrainSeconds {
				ps.add(prop+".MaxDrainDuration", fmt.Sprintf("%g seconds", f), fmt.Sprintf("must be a whole number of seconds from %d to %d", MinMaxDrainSeconds, MaxMaxDrainSeconds),
					"use awscdk.Duration_Seconds(jsii.Number(350)) (AWS's default), or leave it unset")
			} else {
				p.drainSecs = secs
			}
		} else {
			p.drainSecs = secs
		}
	}
	// A VPC-level device: no public subnet, one private route table that
	// every private subnet shares.
	return natLayout{publicSubnets: 0, routeTables: 1}
}

// planGiven checks manual mode with the user's Elastic IPs: every AZ of
// the VPC listed by name, nothing else listed, 1 to 32 well-formed,
// distinct allocation ids per AZ.
func (p *RegionalNatGatewayProvider) planGiven(ps *problems, prop string, vpc natVpc) {
	given := p.opts.AllocationIds
	keys := make([]string, 0, len(given))
	for k := range given {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	shown := "{" + strings.Join(keys, ", ") + "}"
	if len(given) == 0 {
		ps.add(prop, "{}", "lists no Availability Zone: a regional NAT gateway in manual mode serves only the zones listed",
			"list the allocation ids for each AZ of the VPC, or leave AllocationIds unset for automatic mode")
		return
	}
	var names []string
	for _, az := range vpc.azs {
		if az == nil || unresolved(az) {
			ps.add(prop, shown, "needs the VPC's Availability Zone names at synth time, to check that every zone with a private subnet is listed, but the stack is environment-agnostic (its zones are known only at deploy time)",
				"set AvailabilityZones, or give the stack an account and region, or use ElasticIpsPerAz to let the construct create the addresses in every zone")
			return
		}
		if strings.HasPrefix(*az, "dummy") {
			// The CLI has not looked the zones up yet; the app is
			// synthesized again once it has.
			p.given = given
			return
		}
		names = append(names, *az)
	}
	inVpc := map[string]int{}
	for i, n := range names {
		inVpc[n] = i
	}
	ok := true
	for _, k := range keys {
		if _, found := inVpc[k]; !found {
			ok = false
			ps.add(fmt.Sprintf("%s[%q]", prop, k), fmt.Sprint(given[k]), fmt.Sprintf("is not an Availability Zone of the VPC (%s)", strings.Join(names, ", ")),
				"list only the VPC's zones, by name (zone ids cannot be matched at synth time)")
		}
	}
	for i, n := range names {
		if _, found := given[n]; !found {
			ok = false
			ps.add(prop, shown, fmt.Sprintf("does not list %s, where private subnet %d is: a regional NAT gateway in manual mode serves only the zones listed, so a function there would have no internet access", n, i+1),
				fmt.Sprintf("add allocation ids for %s, or leave AllocationIds unset for automatic mode", n))
		}
	}
	seen := map[string]string{}
	for _, k := range keys {
		ids := given[k]
		key := fmt.Sprintf("%s[%q]", prop, k)
		if len(ids) == 0 || len(ids) > MaxRegionalNatElasticIpsPerAz {
			ok = false
			ps.add(key, fmt.Sprintf("%d allocation ids", len(ids)), fmt.Sprintf("must list 1 to %d Elastic IPs (a regional NAT gateway uses at most %d per Availability Zone)", MaxRegionalNatElasticIpsPerAz, MaxRegionalNatElasticIpsPerAz),
				fmt.Sprintf("give 1 to %d allocation ids for %s", MaxRegionalNatElasticIpsPerAz, k))
		}
		for _, id := range ids {
			if !unresolved(&id) && !allocationIDPattern.MatchString(id) {
				ok = false
				ps.add(key, fmt.Sprintf("%q", id), "is not an Elastic IP allocation id", `give the allocation id of an Elastic IP of the stack's region, such as "eipalloc-0123456789abcdef0" (or a CfnEIP's AttrAllocationId())`)
			}
			if other, dup := seen[id]; dup && !unresolved(&id) {
				ok = false
				ps.add(key, fmt.Sprintf("%q", id), "is listed for "+other+" too: an Elastic IP serves one Availability Zone", "give each zone its own Elastic IPs")
			}
			seen[id] = k
		}
	}
	if ok {
		p.given = given
	}
}

func (p *RegionalNatGatewayProvider) provide(b *networkBuilder, _ int) natTarget {
	n := b.n
	// AWS routes the gateway's traffic (and an Elastic IP in a VPC needs
	// it) to the VPC's internet gateway: it must be attached first.
	nat, eips := p.gateway(b.v, b.vpcID, b.tag, func(r awscdk.CfnResource, why string) {
		r.AddResourceDependency(n.GatewayAttachment, jsii.String(why))
	})
	n.RegionalNatGatewayElasticIps = eips
	n.RegionalNatGateway = nat
	return natTarget{natGatewayID: b.v.id(nat, nat.AttrNatGatewayId), path: []awscdk.CfnResource{nat}}
}

// gateway creates the regional NAT gateway in the VPC vpcID, with the
// Elastic IPs of manual mode (eipsPerAz per AZ) or the given allocations;
// needsIgw makes a resource wait for the VPC's internet gateway. Both the
// construct's own VPC and an existing one (provideExisting) build it here.
func (p *RegionalNatGatewayProvider) gateway(scope constructs.Construct, vpcID *string, tag func(string) *[]*awscdk.CfnTag, needsIgw func(r awscdk.CfnResource, why string)) (awsec2.CfnNatGateway, [][]awsec2.CfnEIP) {
	props := &awsec2.CfnNatGatewayProps{
		VpcId:                   vpcID,
		AvailabilityMode:        jsii.String("regional"),
		ConnectivityType:        jsii.String("public"),
		MaxDrainDurationSeconds: p.drainSecs,
		Tags:                    tag("RegionalNatGateway"),
	}
	var addrs []interface{}
	var all [][]awsec2.CfnEIP
	switch {
	case p.eipsPerAz > 0:
		for i, az := range p.azs {
			var ids []*string
			var eips []awsec2.CfnEIP
			for k := 0; k < p.eipsPerAz; k++ {
				id := fmt.Sprintf("RegionalNatGatewayAz%dEip", i+1)
				if k > 0 {
					id = fmt.Sprintf("%s%d", id, k+1)
				}
				eip := awsec2.NewCfnEIP(scope, jsii.String(id), &awsec2.CfnEIPProps{Domain: jsii.String("vpc"), Tags: tag(id)})
				needsIgw(eip, "an Elastic IP in a VPC needs the internet gateway attached")
				eips = append(eips, eip)
				ids = append(ids, eip.AttrAllocationId())
			}
			all = append(all, eips)
			addrs = append(addrs, &awsec2.CfnNatGateway_AvailabilityZoneAddressProperty{AvailabilityZone: az, AllocationIds: &ids})
		}
	case p.given != nil:
		for _, az := range p.azs {
			addrs = append(addrs, &awsec2.CfnNatGateway_AvailabilityZoneAddressProperty{AvailabilityZone: az, AllocationIds: jsii.Strings(p.given[*az]...)})
		}
	}
	if addrs != nil {
		props.AvailabilityZoneAddresses = &addrs
	}
	nat := awsec2.NewCfnNatGateway(scope, jsii.String("RegionalNatGateway"), props)
	needsIgw(nat, "a regional NAT gateway needs the VPC's internet gateway attached")
	return nat, all
}
