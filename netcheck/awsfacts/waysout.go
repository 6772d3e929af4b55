package awsfacts

// The ways out besides a NAT gateway, as EC2's Describe* APIs return them:
// NAT instances (DescribeInstances, DescribeNetworkInterfaces), egress-only
// internet gateways (DescribeEgressOnlyInternetGateways), gateway endpoints
// (DescribeVpcEndpoints) and the routes that lead to them
// (DescribeRouteTables: NetworkInterfaceId, InstanceId,
// EgressOnlyInternetGatewayId, DestinationIpv6CidrBlock,
// DestinationPrefixListId). The mapping from the SDK's types is kept in
// plain functions (...FromSDK) so it can be tested without an account.

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpclambda/vpclambda/netcheck"
)

// routeFromSDK maps one route of DescribeRouteTables. A route to a NAT
// instance carries both InstanceId and NetworkInterfaceId: the interface is
// the target (it is what forwards). A gateway endpoint's route has a
// DestinationPrefixListId and the endpoint (vpce-...) as its GatewayId.
func routeFromSDK(rtID string, r ec2types.Route) netcheck.Route {
	dst := aws.ToString(r.DestinationCidrBlock)
	if dst == "" {
		dst = aws.ToString(r.DestinationIpv6CidrBlock)
	}
	route := netcheck.Route{Destination: parsePrefix(dst), State: string(r.State), PrefixList: aws.ToString(r.DestinationPrefixListId)}
	route.ID = rtID + ":" + dst
	if dst == "" {
		route.ID = rtID + ":" + route.PrefixList
	}
	switch gw := aws.ToString(r.GatewayId); {
	case aws.ToString(r.NatGatewayId) != "":
		route.Kind, route.Target = netcheck.TargetNatGateway, aws.ToString(r.NatGatewayId)
	case gw == "local":
		route.Kind, route.Target = netcheck.TargetLocal, gw
	case strings.HasPrefix(gw, "igw-"):
		route.Kind, route.Target = netcheck.TargetInternetGateway, gw
	case strings.HasPrefix(gw, "vpce-"):
		route.Kind, route.Target = netcheck.TargetVpcEndpoint, gw
	case aws.ToString(r.EgressOnlyInternetGatewayId) != "":
		route.Kind, route.Target = netcheck.TargetEgressOnlyInternetGateway, aws.ToString(r.EgressOnlyInternetGatewayId)
	case aws.ToString(r.NetworkInterfaceId) != "":
		route.Kind, route.Target = netcheck.TargetNetworkInterface, aws.ToString(r.NetworkInterfaceId)
	case aws.ToString(r.InstanceId) != "":
		route.Kind, route.Target = netcheck.TargetInstance, aws.ToString(r.InstanceId)
	default:
		route.Kind, route.Target = netcheck.TargetOther, firstNonEmpty(gw, aws.ToString(r.TransitGatewayId),
			aws.ToString(r.VpcPeeringConnectionId), aws.ToString(r.CarrierGatewayId), aws.ToString(r.LocalGatewayId),
			aws.ToString(r.CoreNetworkArn))
	}
	if r.State == ec2types.RouteStateBlackhole {
		route.Kind = netcheck.TargetMissing
	}
	return route
}

// vpcIpv6 is a VPC's associated IPv6 blocks.
func vpcIpv6(v ec2types.Vpc) []netip.Prefix {
	var out []netip.Prefix
	for _, a := range v.Ipv6CidrBlockAssociationSet {
		if a.Ipv6CidrBlockState != nil && a.Ipv6CidrBlockState.State != ec2types.VpcCidrBlockStateCodeAssociated {
			continue
		}
		if p := parsePrefix(aws.ToString(a.Ipv6CidrBlock)); p.IsValid() {
			out = append(out, p)
		}
	}
	return out
}

// subnetFromSDK maps a subnet of DescribeSubnets, with its associated IPv6
// block (a subnet has at most one).
func subnetFromSDK(s ec2types.Subnet) *netcheck.Subnet {
	sn := &netcheck.Subnet{ID: aws.ToString(s.SubnetId), VpcID: aws.ToString(s.VpcId), AZ: aws.ToString(s.AvailabilityZone), Cidr: parsePrefix(aws.ToString(s.CidrBlock))}
	for _, a := range s.Ipv6CidrBlockAssociationSet {
		if a.Ipv6CidrBlockState != nil && a.Ipv6CidrBlockState.State != ec2types.SubnetCidrBlockStateCodeAssociated {
			continue
		}
		if p := parsePrefix(aws.ToString(a.Ipv6CidrBlock)); p.IsValid() {
			sn.Ipv6Cidr = p
		}
	}
	return sn
}

// networkInterfaceFromSDK maps an interface of DescribeNetworkInterfaces:
// its attachment (instance, device index), source/destination check and
// public address (Association.PublicIp, with its Elastic IP allocation).
func networkInterfaceFromSDK(n ec2types.NetworkInterface) *netcheck.NetworkInterface {
	eni := &netcheck.NetworkInterface{ID: aws.ToString(n.NetworkInterfaceId), SubnetID: aws.ToString(n.SubnetId),
		SourceDestCheck: n.SourceDestCheck == nil || aws.ToBool(n.SourceDestCheck), Status: string(n.Status), DeviceIndex: -1}
	for _, g := range n.Groups {
		eni.SecurityGroups = append(eni.SecurityGroups, aws.ToString(g.GroupId))
	}
	if a := n.Association; a != nil && aws.ToString(a.PublicIp) != "" {
		eni.PublicIP = aws.ToString(a.PublicIp)
		if alloc := aws.ToString(a.AllocationId); alloc != "" {
			eni.PublicIP += " (Elastic IP " + alloc + ")"
		}
	}
	if a := n.Attachment; a != nil && aws.ToString(a.InstanceId) != "" && (a.Status == "" || a.Status == ec2types.AttachmentStatusAttached || a.Status == ec2types.AttachmentStatusAttaching) {
		eni.Instance, eni.DeviceIndex = aws.ToString(a.InstanceId), int(aws.ToInt32(a.DeviceIndex))
	}
	return eni
}

// instanceFromSDK maps an instance of DescribeInstances: its state and its
// interfaces, the primary one (device index 0) first.
func instanceFromSDK(i ec2types.Instance) *netcheck.Instance {
	inst := &netcheck.Instance{ID: aws.ToString(i.InstanceId), SubnetID: aws.ToString(i.SubnetId)}
	if i.State != nil {
		inst.State = string(i.State.Name)
	}
	for _, n := range i.NetworkInterfaces {
		id := aws.ToString(n.NetworkInterfaceId)
		if n.Attachment != nil && aws.ToInt32(n.Attachment.DeviceIndex) == 0 {
			inst.NetworkInterfaces = append([]string{id}, inst.NetworkInterfaces...)
		} else {
			inst.NetworkInterfaces = append(inst.NetworkInterfaces, id)
		}
	}
	return inst
}

// egressOnlyFromSDK maps an egress-only internet gateway and the VPC it is
// attached to.
func egressOnlyFromSDK(g ec2types.EgressOnlyInternetGateway) *netcheck.EgressOnlyInternetGateway {
	out := &netcheck.EgressOnlyInternetGateway{ID: aws.ToString(g.EgressOnlyInternetGatewayId)}
	for _, a := range g.Attachments {
		if a.State == ec2types.AttachmentStatusAttached || string(a.State) == "available" {
			out.AttachedVpcs = append(out.AttachedVpcs, aws.ToString(a.VpcId))
		}
	}
	return out
}

// endpointFromSDK maps a VPC endpoint of DescribeVpcEndpoints.
func endpointFromSDK(e ec2types.VpcEndpoint) *netcheck.VpcEndpoint {
	name := aws.ToString(e.ServiceName)
	return &netcheck.VpcEndpoint{ID: aws.ToString(e.VpcEndpointId), VpcID: aws.ToString(e.VpcId), Type: string(e.VpcEndpointType),
		ServiceName: name, Service: netcheck.ServiceOf(name), RouteTables: append([]string{}, e.RouteTableIds...), State: string(e.State)}
}

// loadWaysOut reads what the VPC's routes lead to besides NAT and internet
// gateways: NAT instances and their interfaces, egress-only internet
// gateways, gateway endpoints. A route whose target is not found becomes a
// blackhole.
func (c *Clients) loadWaysOut(ctx context.Context, f *netcheck.Facts, vpcID string, filter []ec2types.Filter) error {
	enis, insts, eigws := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, rt := range f.RouteTables {
		if rt.VpcID != vpcID {
			continue
		}
		for _, r := range rt.Routes {
			switch r.Kind {
			case netcheck.TargetNetworkInterface:
				enis[r.Target] = true
			case netcheck.TargetInstance:
				insts[r.Target] = true
			case netcheck.TargetEgressOnlyInternetGateway:
				eigws[r.Target] = true
			}
		}
	}
	if err := c.loadNatInstances(ctx, f, enis, insts); err != nil {
		return err
	}
	if len(eigws) > 0 {
		out, err := c.EC2.DescribeEgressOnlyInternetGateways(ctx, &ec2.DescribeEgressOnlyInternetGatewaysInput{EgressOnlyInternetGatewayIds: sortedKeys(eigws)})
		if err != nil && !notFound(err) {
			return fmt.Errorf("reading the egress-only internet gateways of VPC %s: %w", vpcID, err)
		}
		if out != nil {
			for _, g := range out.EgressOnlyInternetGateways {
				e := egressOnlyFromSDK(g)
				f.EgressOnlyInternetGateways[e.ID] = e
			}
		}
	}
	eps, err := c.EC2.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{Filters: filter})
	if err != nil {
		return fmt.Errorf("reading the VPC endpoints of VPC %s: %w", vpcID, err)
	}
	for _, e := range eps.VpcEndpoints {
		ep := endpointFromSDK(e)
		f.VpcEndpoints[ep.ID] = ep
	}
	markMissing(f, vpcID)
	return nil
}

// loadNatInstances reads the interfaces and instances routes name, and
// each one's counterpart (an instance's interfaces, an interface's
// instance).
func (c *Clients) loadNatInstances(ctx context.Context, f *netcheck.Facts, enis, insts map[string]bool) error {
	if len(enis) > 0 {
		if err := c.describeInterfaces(ctx, f, sortedKeys(enis)); err != nil {
			return err
		}
		for _, eni := range f.NetworkInterfaces {
			if eni.Instance != "" && f.Instances[eni.Instance] == nil {
				insts[eni.Instance] = true
			}
		}
	}
	if len(insts) == 0 {
		return nil
	}
	// A filter, not InstanceIds: an id that no longer exists is not an error.
	out, err := c.EC2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("instance-id"), Values: sortedKeys(insts)}}})
	if err != nil {
		return fmt.Errorf("reading NAT instances %s: %w", strings.Join(sortedKeys(insts), ", "), err)
	}
	more := map[string]bool{}
	for _, res := range out.Reservations {
		for _, i := range res.Instances {
			inst := instanceFromSDK(i)
			if inst.State == string(ec2types.InstanceStateNameTerminated) {
				continue // gone: a route to it is a blackhole
			}
			f.Instances[inst.ID] = inst
			for _, id := range inst.NetworkInterfaces {
				if f.NetworkInterfaces[id] == nil {
					more[id] = true
				}
			}
		}
	}
	if len(more) > 0 {
		return c.describeInterfaces(ctx, f, sortedKeys(more))
	}
	return nil
}

func (c *Clients) describeInterfaces(ctx context.Context, f *netcheck.Facts, ids []string) error {
	out, err := c.EC2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []ec2types.Filter{{Name: aws.String("network-interface-id"), Values: ids}}})
	if err != nil {
		return fmt.Errorf("reading network interfaces %s: %w", strings.Join(ids, ", "), err)
	}
	for _, n := range out.NetworkInterfaces {
		eni := networkInterfaceFromSDK(n)
		f.NetworkInterfaces[eni.ID] = eni
	}
	return nil
}

// markMissing turns routes whose target was not found into blackholes, and
// records each endpoint's prefix list from its routes.
func markMissing(f *netcheck.Facts, vpcID string) {
	for _, rt := range f.RouteTables {
		if rt.VpcID != vpcID {
			continue
		}
		for i, r := range rt.Routes {
			var found bool
			switch r.Kind {
			case netcheck.TargetNetworkInterface:
				found = f.NetworkInterfaces[r.Target] != nil
			case netcheck.TargetInstance:
				found = f.Instances[r.Target] != nil
			case netcheck.TargetEgressOnlyInternetGateway:
				found = f.EgressOnlyInternetGateways[r.Target] != nil
			case netcheck.TargetVpcEndpoint:
				ep := f.VpcEndpoints[r.Target]
				found = ep != nil
				if found && r.PrefixList != "" {
					ep.PrefixList = r.PrefixList
				}
			default:
				continue
			}
			if !found {
				rt.Routes[i].Kind = netcheck.TargetMissing
			}
		}
	}
}

func notFound(err error) bool {
	return strings.Contains(err.Error(), "NotFound")
}

// securityGroupFromSDK maps a security group of DescribeSecurityGroups:
// its egress rules to CIDR blocks, and its ingress rules from CIDR blocks
// or from other groups (a NAT instance's group is read for its ingress).
// Rules to or from prefix lists are left out (not the internet).
func securityGroupFromSDK(g ec2types.SecurityGroup) *netcheck.SecurityGroup {
	sg := &netcheck.SecurityGroup{ID: aws.ToString(g.GroupId), VpcID: aws.ToString(g.VpcId)}
	sg.Egress = permissions(sg.ID, "egress", g.IpPermissionsEgress, false)
	sg.Ingress = permissions(sg.ID, "ingress", g.IpPermissions, true)
	return sg
}

func permissions(id, dir string, perms []ec2types.IpPermission, groups bool) []netcheck.SgRule {
	var out []netcheck.SgRule
	for i, p := range perms {
		proto := netcheck.ProtocolNumber(aws.ToString(p.IpProtocol))
		from, to := 0, 65535
		if proto == 6 || proto == 17 {
			from, to = int(aws.ToInt32(p.FromPort)), int(aws.ToInt32(p.ToPort))
		}
		for j, r := range p.IpRanges {
			out = append(out, netcheck.SgRule{ID: fmt.Sprintf("%s/%s[%d.%d]", id, dir, i, j),
				Protocol: proto, Cidr: parsePrefix(aws.ToString(r.CidrIp)), FromPort: from, ToPort: to})
		}
		for j, r := range p.Ipv6Ranges {
			out = append(out, netcheck.SgRule{ID: fmt.Sprintf("%s/%s[%d.v6.%d]", id, dir, i, j),
				Protocol: proto, Cidr: parsePrefix(aws.ToString(r.CidrIpv6)), FromPort: from, ToPort: to})
		}
		if !groups {
			continue
		}
		for j, r := range p.UserIdGroupPairs {
			out = append(out, netcheck.SgRule{ID: fmt.Sprintf("%s/%s[%d.sg.%d]", id, dir, i, j),
				Protocol: proto, SourceGroup: aws.ToString(r.GroupId), FromPort: from, ToPort: to})
		}
	}
	return out
}
