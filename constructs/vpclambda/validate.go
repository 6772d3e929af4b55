package vpclambda

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"
)

// networkPlan is the validated shape of a new VPC.
type networkPlan struct {
	cidr      netip.Prefix
	azs       []*string
	nat       natLayout // what provider needs: public subnets, private route tables
	provider  NatProvider
	ipv6      bool
	endpoints []GatewayEndpointService
	layout    subnetLayout
}

// existingPlan is the validated selection of an existing VPC's subnets.
type existingPlan struct {
	vpc     awsec2.IVpc
	subnets []awsec2.ISubnet
	nat     existingVpcNat // the way out the construct adds (RegionalNatGateway); nil for none
}

func wholeNumber(ps *problems, prop string, v *float64, def, min, max int, fix string) int {
	if v == nil {
		return def
	}
	f := *v
	if math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) || f < float64(min) || f > float64(max) {
		ps.add(prop, showNum(v), fmt.Sprintf("must be a whole number from %d to %d", min, max), fix)
		return def
	}
	return int(f)
}

// planNetwork validates the props that shape a new VPC.
func planNetwork(ps *problems, stack awscdk.Stack, p *VpcLambdaProps) *networkPlan {
	np := &networkPlan{}
	cidr := DefaultVpcCidr
	if p.VpcCidr != nil {
		cidr = *p.VpcCidr
		if unresolved(p.VpcCidr) {
			ps.add("VpcCidr", "a token", "must be known at synth time to lay out the subnets", `give a literal block such as "10.0.0.0/16"`)
			return nil
		}
	}
	prefix, msg, fix := parseVpcCidr(cidr)
	if msg != "" {
		ps.add("VpcCidr", fmt.Sprintf("%q", cidr), msg, fix)
	}
	np.cidr = prefix

	// Availability Zones.
	nAzs := DefaultMaxAzs
	if p.AvailabilityZones != nil {
		seen := map[string]bool{}
		for i, az := range *p.AvailabilityZones {
			if az == nil || *az == "" {
				ps.add(fmt.Sprintf("AvailabilityZones[%d]", i), show(az), "is empty", `name an Availability Zone such as "us-east-1a"`)
				continue
			}
			if !unresolved(az) && seen[*az] {
				ps.add(fmt.Sprintf("AvailabilityZones[%d]", i), show(az), "is listed twice", "list each Availability Zone once")
			}
			seen[*az] = true
			np.azs = append(np.azs, az)
		}
		if len(*p.AvailabilityZones) < 2 {
			ps.add("AvailabilityZones", fmt.Sprintf("%d zone(s)", len(*p.AvailabilityZones)),
				"needs at least 2 Availability Zones (Lambda runs the function in several AZs for high availability)", "name two or more zones")
		}
		if p.MaxAzs != nil && *p.MaxAzs != float64(len(*p.AvailabilityZones)) {
			ps.add("MaxAzs", showNum(p.MaxAzs), fmt.Sprintf("contradicts AvailabilityZones, which names %d zones", len(*p.AvailabilityZones)),
				"set only one of MaxAzs and AvailabilityZones")
		}
		nAzs = len(*p.AvailabilityZones)
	} else {
		nAzs = wholeNumber(ps, "MaxAzs", p.MaxAzs, DefaultMaxAzs, 2, 6,
			"use 2 or more zones (Lambda needs subnets in at least two AZs for high availability) and at most 6 (no region has more)")
		np.azs = stackAzs(ps, stack, nAzs)
	}

	// NAT devices: the provider, or NatGateways as its count.
	np.provider = p.NatProvider
	if np.provider == nil {
		gw := NatGateways(&NatGatewayOptions{Count: p.NatGateways})
		gw.countOf = "NatGateways"
		np.provider = gw
	} else if p.NatGateways != nil {
		ps.add("NatGateways", showNum(p.NatGateways), "is set together with NatProvider",
			"set the count in the provider (vpclambda.NatGateways(&vpclambda.NatGatewayOptions{Count: ...})) and remove NatGateways")
	}
	np.nat = np.provider.plan(ps, "NatProvider", natVpc{nAzs: nAzs, azs: np.azs})
	if np.nat.publicSubnets == 0 && p.PublicSubnetCidrMask != nil {
		ps.add("PublicSubnetCidrMask", showNum(p.PublicSubnetCidrMask), "is set, but the NatProvider needs no public subnet (a regional NAT gateway sits in no subnet of the VPC)",
			"remove PublicSubnetCidrMask")
	}
	np.ipv6 = p.Ipv6 != nil && *p.Ipv6
	np.endpoints = planGatewayEndpoints(ps, p.GatewayEndpoints)

	privBits := wholeNumber(ps, "PrivateSubnetCidrMask", p.PrivateSubnetCidrMask, DefaultPrivateSubnetCidrMask, MinVpcPrefix, MaxSubnetPrefix,
		fmt.Sprintf("use a prefix length from %d to %d, not shorter than the VPC's", MinVpcPrefix, MaxSubnetPrefix))
	pubBits := wholeNumber(ps, "PublicSubnetCidrMask", p.PublicSubnetCidrMask, DefaultPublicSubnetCidrMask, MinVpcPrefix, MaxSubnetPrefix,
		fmt.Sprintf("use a prefix length from %d to %d, not shorter than the VPC's", MinVpcPrefix, MaxSubnetPrefix))
	if msg == "" {
		// A subnet mask is blamed only when it was set; with the default
		// masks a small block is VpcCidr's problem, with the smallest block
		// that fits (layoutSubnets).
		var masks []string
		if p.PrivateSubnetCidrMask != nil {
			masks = append(masks, "PrivateSubnetCidrMask")
		}
		if p.PublicSubnetCidrMask != nil {
			masks = append(masks, "PublicSubnetCidrMask")
		}
		masksFix := ""
		if len(masks) > 0 {
			masksFix = ", or smaller subnets (" + strings.Join(masks, ", ") + ")"
		}
		if p.PrivateSubnetCidrMask != nil && privBits < prefix.Bits() {
			ps.add("PrivateSubnetCidrMask", fmt.Sprint(privBits), fmt.Sprintf("is larger than the VPC block %s", prefix), fmt.Sprintf("use /%d or longer", prefix.Bits()))
		} else if p.PublicSubnetCidrMask != nil && pubBits < prefix.Bits() {
			ps.add("PublicSubnetCidrMask", fmt.Sprint(pubBits), fmt.Sprintf("is larger than the VPC block %s", prefix), fmt.Sprintf("use /%d or longer", prefix.Bits()))
		} else {
			layout, lmsg, lfix := layoutSubnets(prefix, nAzs, privBits, np.nat.publicSubnets, pubBits, masksFix)
			if lmsg != "" {
				ps.add("VpcCidr", fmt.Sprintf("%q", cidr), lmsg, lfix)
			}
			np.layout = layout
		}
	}
	return np
}

// stackAzs picks n Availability Zones of the stack's region.
func stackAzs(ps *problems, stack awscdk.Stack, n int) []*string {
	var azs []*string
	if unresolved(stack.Region()) {
		// Environment-agnostic: resolved by CloudFormation at deploy time.
		all := awscdk.Fn_GetAzs(jsii.String(""))
		for i := 0; i < n; i++ {
			azs = append(azs, awscdk.Fn_Select(jsii.Number(i), all))
		}
		return azs
	}
	known := *stack.AvailabilityZones()
	dummy := len(known) > 0 && strings.HasPrefix(*known[0], "dummy")
	if !dummy && len(known) < n {
		ps.add("MaxAzs", fmt.Sprint(n), fmt.Sprintf("is more than the %d Availability Zones of region %s (from the availability-zones context)", len(known), *stack.Region()),
			fmt.Sprintf("use at most %d", len(known)))
		return known
	}
	for i := 0; i < n; i++ {
		// While the CLI has not looked the zones up yet the list holds
		// placeholders; the app is synthesized again once it has.
		azs = append(azs, known[i%len(known)])
	}
	return azs
}

// planExisting validates the props that select subnets of an existing VPC.
func planExisting(ps *problems, stack awscdk.Stack, p *VpcLambdaProps) *existingPlan {
	for _, c := range []struct {
		prop string
		set  bool
	}{
		{"VpcCidr", p.VpcCidr != nil}, {"MaxAzs", p.MaxAzs != nil}, {"AvailabilityZones", p.AvailabilityZones != nil},
		{"NatGateways", p.NatGateways != nil}, {"PrivateSubnetCidrMask", p.PrivateSubnetCidrMask != nil},
		{"PublicSubnetCidrMask", p.PublicSubnetCidrMask != nil}, {"NatProvider", p.NatProvider != nil && !isExistingVpcNat(p.NatProvider)},
		{"GatewayEndpoints", p.GatewayEndpoints != nil},
	} {
		if c.set {
			ps.add(c.prop, "set", "shapes a new VPC and cannot apply to the existing VPC given in Vpc",
				"remove "+c.prop+", or remove Vpc to let the construct create the network")
		}
	}
	sel := p.PrivateSubnets
	if sel == nil {
		sel = &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS}
	}
	var selected *awsec2.SelectedSubnets
	if err := CatchJsii(func() { selected = p.Vpc.SelectSubnets(sel) }); err != nil {
		ps.add("PrivateSubnets", "selection", "selects no usable subnets of Vpc: "+firstLine(err.Error()),
			"name the VPC's private subnets, e.g. &awsec2.SubnetSelection{Subnets: &[]awsec2.ISubnet{a, b}}")
		return nil
	}
	subnets := *selected.Subnets
	if len(subnets) == 0 {
		ps.add("PrivateSubnets", "[]", "is empty: the function needs subnets to attach to",
			"name at least two private subnets of Vpc in different Availability Zones")
		return nil
	}
	public := map[string]bool{}
	for _, s := range *p.Vpc.PublicSubnets() {
		public[*s.SubnetId()] = true
	}
	vpcID := resolveJSON(stack, p.Vpc.VpcId())
	azs := map[string]bool{}
	knownAzs := true
	for i, s := range subnets {
		prop := fmt.Sprintf("PrivateSubnets[%d]", i)
		if public[*s.SubnetId()] {
			ps.add(prop, *s.Node().Path(), "is a public subnet: a function in a public subnet has no public IP and cannot reach the internet",
				"attach the function to private subnets that route 0.0.0.0/0 to a NAT gateway")
		}
		if owner := subnetVpcID(stack, s); owner != "" && owner != vpcID {
			ps.add(prop, *s.Node().Path(), fmt.Sprintf("belongs to another VPC (%s, not %s); a function's subnets must all be in its VPC", owner, vpcID),
				"select subnets of Vpc only")
		}
		az := s.AvailabilityZone()
		if az == nil || unresolved(az) {
			knownAzs = false
		} else {
			azs[*az] = true
		}
	}
	if knownAzs && len(azs) < 2 {
		ps.add("PrivateSubnets", fmt.Sprintf("%d subnet(s) in %d AZ", len(subnets), len(azs)),
			"needs subnets in at least two Availability Zones (Lambda's high-availability guidance)",
			"add a private subnet in another Availability Zone")
	}
	if p.Ipv6 != nil && *p.Ipv6 {
		for i, s := range subnets {
			if known, dual := subnetDualStack(s); known && !dual {
				ps.add(fmt.Sprintf("PrivateSubnets[%d]", i), *s.Node().Path(), "has no IPv6 block, but Ipv6 is set: Lambda requires every subnet of a function that allows IPv6 to be dual-stack (it does not support IPv6-only subnets)",
					"give the VPC and its subnets IPv6 blocks (awsec2.Vpc with IpProtocol DUAL_STACK), select only dual-stack subnets, or remove Ipv6")
			}
		}
	}
	ep := &existingPlan{vpc: p.Vpc, subnets: subnets}
	if nat, ok := p.NatProvider.(existingVpcNat); ok { // nat_regional_existing.go
		nat.planExisting(ps, "NatProvider", stack, p.Vpc, subnets)
		ep.nat = nat
	}
	return ep
}

func isExistingVpcNat(p NatProvider) bool {
	_, ok := p.(existingVpcNat)
	return ok
}

// subnetDualStack tells, for a subnet defined in this app (one with a
// CfnSubnet), whether it has an IPv6 block; known is false for an imported
// subnet.
func subnetDualStack(s awsec2.ISubnet) (known, dual bool) {
	_ = CatchJsii(func() {
		if cfn, ok := s.Node().DefaultChild().(awsec2.CfnSubnet); ok {
			known = true
			dual = cfn.Ipv6CidrBlock() != nil || (cfn.Ipv6Native() != nil && cfn.Ipv6Native() != false)
			if !dual {
				// An IPv6 block may also come from AWS::EC2::SubnetCidrBlock.
				for _, c := range *s.Node().Children() {
					if _, isBlock := c.(awsec2.CfnSubnetCidrBlock); isBlock {
						dual = true
					}
				}
			}
		}
	})
	return known, dual
}

// subnetVpcID returns the resolved VpcId of a subnet defined in this app
// (one with a CfnSubnet), or "" when the subnet was imported and its VPC
// cannot be known at synth time.
func subnetVpcID(stack awscdk.Stack, s awsec2.ISubnet) (id string) {
	_ = CatchJsii(func() {
		child := s.Node().DefaultChild()
		if child == nil {
			return
		}
		if cfn, ok := child.(awsec2.CfnSubnet); ok {
			id = resolveJSON(stack, cfn.VpcId())
		}
	})
	return id
}

func resolveJSON(stack awscdk.Stack, v interface{}) string {
	r := stack.Resolve(v)
	if s, ok := r.(string); ok {
		return s
	}
	b, _ := json.Marshal(r)
	return string(b)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// unresolved reports whether s is a CDK token (a value known only at
// deploy time).
func unresolved(s *string) bool {
	return *awscdk.Token_IsUnresolved(s)
}
