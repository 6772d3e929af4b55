package netcheck

// The path through a regional NAT gateway (AvailabilityMode regional):
// one gateway for the whole VPC, in no subnet of it. It is a way out for a
// subnet when it is public, in the subnet's VPC, available (in a deployed
// network), serves the subnet's AZ (in manual mode only the listed zones),
// and the VPC has an attached internet gateway, to which the gateway's own
// route table (AWS creates it; read from a deployed network) sends the
// destination. No network ACL of a NAT subnet is on the way: only the
// function's subnet's.

import (
	"fmt"
	"sort"
	"strings"
)

// CheckRegionalNatRoutes is the regional NAT gateway's own route table
// sending the destination to the internet gateway (a deployed network).
const CheckRegionalNatRoutes = "regional-nat-route-table"

// followRegionalNat checks the path through a regional NAT gateway for the
// part of the destination the subnet's route table sends to it.
func (p *subnetPath) followRegionalNat(rt *RouteTable, dev *natDevice, nat *NatGateway, addrs AddrSet) {
	dev.regional = true
	dev.what = "regional NAT gateway"
	c := p.regionalNatCheck(nat)
	p.add(c)
	routeStatus := Pass
	for _, x := range p.sr.Checks {
		if x.Name == CheckRoute && x.Status != Pass {
			routeStatus = Fail
		}
	}
	p.hop(Hop{From: rt.ID, FromKind: KindRouteTable, To: nat.ID, ToKind: KindNatGateway, Label: routeLabel(rt, nat.ID), Status: worst(routeStatus, c.Status)})
	if c.Status != Pass {
		return
	}
	if nat.RouteTable != "" || nat.State != "" {
		p.regionalNatRouteTable(nat, addrs)
	} else {
		p.regionalNatVpcGateway(nat)
	}
	// The gateway sits in no subnet of the VPC: the function's subnet's
	// network ACL is the only one on the way, out and back.
	p.direct = p.direct.Union(addrs)
}

// regionalNatCheck is the verdict on the gateway itself for the subnet.
func (p *subnetPath) regionalNatCheck(nat *NatGateway) Check {
	c := Check{Name: CheckNatGateway, Resource: nat.ID}
	switch {
	case !nat.Public:
		c.Status, c.Reason, c.Fix = Fail, "the regional NAT gateway is private (ConnectivityType private) and cannot reach the internet", "use ConnectivityType public (a regional NAT gateway has no private connectivity)"
		return c
	case nat.VpcID == "":
		c.Status, c.Reason, c.Fix = Fail, "the regional NAT gateway names no VPC (VpcId)", "set VpcId to the function's VPC, "+p.s.VpcID
		return c
	case nat.VpcID != p.s.VpcID:
		c.Status, c.Reason, c.Fix = Fail, fmt.Sprintf("the regional NAT gateway belongs to VPC %s, not to the subnet's VPC %s", nat.VpcID, p.s.VpcID), "route to a NAT gateway of VPC "+p.s.VpcID
		return c
	case nat.State != "" && nat.State != "available":
		c.Status, c.Reason, c.Fix = Fail, "the regional NAT gateway is "+nat.State, "wait for it to become available, or replace it"
		return c
	}
	z, zc := p.regionalZone(nat)
	if zc != nil {
		return *zc
	}
	c.Status = Pass
	if nat.Manual {
		c.Reason = fmt.Sprintf("public regional NAT gateway of VPC %s in manual mode, serving the subnet's AZ %s with %s", nat.VpcID, p.s.AZ, zoneAddresses(z))
	} else {
		c.Reason = fmt.Sprintf("public regional NAT gateway of VPC %s in automatic mode: AWS serves every AZ where the VPC has a network interface, the function's included", nat.VpcID)
		if z != nil && len(z.PublicIPs) > 0 {
			c.Reason += "; its address in " + p.s.AZ + ": " + strings.Join(z.PublicIPs, ", ")
		}
	}
	return c
}

// regionalZone finds the gateway's zone for the subnet's AZ. In manual
// mode a subnet in an unlisted AZ FAILs and one whose AZ cannot be matched
// is UNKNOWN (the returned check); in automatic mode any AZ is served (the
// zone, when the deployed network shows it, gives the address).
func (p *subnetPath) regionalZone(nat *NatGateway) (*NatZone, *Check) {
	az := p.s.AZ
	for i := range nat.Zones {
		if az != "" && nat.Zones[i].AZ == az {
			z := &nat.Zones[i]
			if nat.Manual && len(z.Allocations) == 0 && len(z.PublicIPs) == 0 {
				return nil, &Check{Name: CheckNatGateway, Status: Fail, Resource: nat.ID,
					Reason: fmt.Sprintf("the regional NAT gateway (manual mode) lists the subnet's AZ %s without an Elastic IP", az),
					Fix:    "give the zone's AvailabilityZoneAddresses entry one or more allocation ids"}
			}
			return z, nil
		}
	}
	if !nat.Manual {
		return nil, nil
	}
	switch {
	case nat.Zones == nil:
		return nil, &Check{Name: CheckNatGateway, Status: Unknown, Resource: nat.ID,
			Reason: "the regional NAT gateway is in manual mode, but its AvailabilityZoneAddresses cannot be read here, so whether it serves the subnet's AZ is not known",
			Fix:    "list the zones literally, or check the deployed gateway (--stack)"}
	case az == "":
		return nil, &Check{Name: CheckNatGateway, Status: Unknown, Resource: nat.ID,
			Reason: "the regional NAT gateway is in manual mode and serves only the zones it lists, but the subnet's AZ is not known here",
			Fix:    "give the subnet a literal AvailabilityZone, or check the deployed network (--stack)"}
	}
	var names, ids []string
	for _, z := range nat.Zones {
		if z.AZ != "" {
			names = append(names, z.AZ)
		} else if z.AZID != "" {
			ids = append(ids, z.AZID)
		}
	}
	sort.Strings(names)
	if len(ids) > 0 {
		return nil, &Check{Name: CheckNatGateway, Status: Unknown, Resource: nat.ID,
			Reason: fmt.Sprintf("the regional NAT gateway is in manual mode and lists zones by id (%s), which cannot be matched to the subnet's AZ name %s here", strings.Join(ids, ", "), az),
			Fix:    "list the zones by name (AvailabilityZone), or check the deployed network (--stack)"}
	}
	return nil, &Check{Name: CheckNatGateway, Status: Fail, Resource: nat.ID,
		Reason: fmt.Sprintf("the regional NAT gateway is in manual mode and serves only %s (AvailabilityZoneAddresses); the subnet is in %s, so nothing from it is translated", strings.Join(names, ", "), az),
		Fix:    fmt.Sprintf("add an AvailabilityZoneAddresses entry for %s with an Elastic IP, or remove AvailabilityZoneAddresses (automatic mode serves every AZ)", az)}
}

func zoneAddresses(z *NatZone) string {
	if z == nil {
		return "no address shown"
	}
	var parts []string
	if len(z.Allocations) > 0 {
		parts = append(parts, plural(len(z.Allocations), "Elastic IP", "Elastic IPs")+" "+strings.Join(z.Allocations, ", "))
	}
	if len(z.PublicIPs) > 0 {
		parts = append(parts, "address "+strings.Join(z.PublicIPs, ", "))
	}
	if len(parts) == 0 {
		return "no address shown"
	}
	return strings.Join(parts, ", ")
}

// regionalNatVpcGateway checks, from a template, that the gateway's VPC has
// an attached internet gateway: AWS routes the gateway's traffic there by
// a route table it creates at deploy time.
func (p *subnetPath) regionalNatVpcGateway(nat *NatGateway) {
	var attached []string
	for id, igw := range p.f.InternetGateways {
		if contains(igw.AttachedVpcs, nat.VpcID) {
			attached = append(attached, id)
		}
	}
	sort.Strings(attached)
	if len(attached) == 0 {
		p.add(Check{Name: CheckInternetGateway, Status: Fail, Resource: nat.ID,
			Reason: fmt.Sprintf("no internet gateway is attached to VPC %s: a regional NAT gateway sends its traffic out through the VPC's internet gateway", nat.VpcID),
			Fix:    fmt.Sprintf("create an internet gateway and attach it to VPC %s (AWS::EC2::VPCGatewayAttachment)", nat.VpcID)})
		p.hop(Hop{From: nat.ID, FromKind: KindNatGateway, Label: "no internet gateway", Status: Fail})
		return
	}
	id := attached[0]
	p.add(Check{Name: CheckInternetGateway, Status: Pass, Resource: id,
		Reason: fmt.Sprintf("attached to VPC %s; the regional NAT gateway reaches it by the route table AWS creates for the gateway", nat.VpcID)})
	p.hop(Hop{From: nat.ID, FromKind: KindNatGateway, To: id, ToKind: KindInternetGateway, Label: "AWS-managed route table", Status: Pass})
	p.hop(Hop{From: id, FromKind: KindInternetGateway, To: KindInternet, ToKind: KindInternet, Label: "attached", Status: Pass})
}

// regionalNatRouteTable checks, in a deployed network, the gateway's own
// route table: every part of addrs to an internet gateway attached to the
// VPC.
func (p *subnetPath) regionalNatRouteTable(nat *NatGateway, addrs AddrSet) {
	if nat.RouteTable == "" {
		p.add(Check{Name: CheckRegionalNatRoutes, Status: Unknown, Resource: nat.ID,
			Reason: "the deployed regional NAT gateway reports no route table (RouteTableId), so where it sends the destination is not known",
			Fix:    "check the gateway with aws ec2 describe-nat-gateways"})
		return
	}
	nrt := p.f.RouteTables[nat.RouteTable]
	if nrt == nil {
		p.add(Check{Name: CheckRegionalNatRoutes, Status: Unknown, Resource: nat.RouteTable,
			Reason: fmt.Sprintf("the regional NAT gateway's route table %s could not be read", nat.RouteTable),
			Fix:    "check it with aws ec2 describe-route-tables --route-table-ids " + nat.RouteTable})
		return
	}
	n := p.natNamer(&natDevice{what: "regional NAT gateway", id: nat.ID}, addrs)
	routes := routesOf(p.f, nrt)
	var igws, passes, fails []string
	for _, pc := range RoutePieces(routes, addrs) {
		part := n.addrs(pc.Addrs, hintsOf(pc.Route, routes)...)
		r := pc.Route
		if r != nil && r.Kind == TargetInternetGateway {
			if !contains(igws, r.Target) {
				igws = append(igws, r.Target)
			}
			passes = append(passes, fmt.Sprintf("%s -> internet gateway %s", routeWhat(part, r, false), r.Target))
			continue
		}
		if r == nil {
			fails = append(fails, "no route for "+part)
		} else {
			fails = append(fails, fmt.Sprintf("%s goes to %s %s (route %s)", part, r.Kind, r.Target, r.Destination))
		}
	}
	p.hop(Hop{From: nat.ID, FromKind: KindNatGateway, To: nrt.ID, ToKind: KindRouteTable, Status: Pass})
	if len(fails) > 0 {
		p.add(Check{Name: CheckRegionalNatRoutes, Status: Fail, Resource: nrt.ID,
			Reason: fmt.Sprintf("the regional NAT gateway's route table %s does not send the destination to an internet gateway: %s", nrt.ID, strings.Join(fails, "; ")),
			Fix:    "attach an internet gateway to the VPC; AWS keeps the gateway's route to it (do not edit that route table)"})
		p.hop(Hop{From: nrt.ID, FromKind: KindRouteTable, Label: "no route to an internet gateway", Status: Fail})
		return
	}
	p.add(Check{Name: CheckRegionalNatRoutes, Status: Pass, Resource: nrt.ID,
		Reason: fmt.Sprintf("the regional NAT gateway's route table %s routes %s", nrt.ID, strings.Join(passes, "; "))})
	for _, id := range igws {
		p.internetGatewayOf(nrt, nat.VpcID, id)
	}
}
