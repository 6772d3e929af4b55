package awsfacts

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpclambda/vpclambda/netcheck"
)

// regionalNatFromSDK completes a NAT gateway read from EC2 when it is
// regional (AvailabilityMode regional): its VPC, its mode (manual when
// AWS does not provision zones itself), its own route table, and its
// addresses by zone.
func regionalNatFromSDK(nat *netcheck.NatGateway, n ec2types.NatGateway) {
	if n.AvailabilityMode != ec2types.AvailabilityModeRegional {
		return
	}
	nat.Regional = true
	nat.VpcID = aws.ToString(n.VpcId)
	nat.Manual = n.AutoProvisionZones == ec2types.AutoProvisionZonesStateDisabled
	nat.RouteTable = aws.ToString(n.RouteTableId)
	nat.Zones = []netcheck.NatZone{}
	index := map[string]int{}
	for _, a := range n.NatGatewayAddresses {
		if a.Status == ec2types.NatGatewayAddressStatusFailed || a.Status == ec2types.NatGatewayAddressStatusDisassociating {
			continue
		}
		key := aws.ToString(a.AvailabilityZone) + "/" + aws.ToString(a.AvailabilityZoneId)
		i, ok := index[key]
		if !ok {
			i = len(nat.Zones)
			index[key] = i
			nat.Zones = append(nat.Zones, netcheck.NatZone{AZ: aws.ToString(a.AvailabilityZone), AZID: aws.ToString(a.AvailabilityZoneId)})
		}
		z := &nat.Zones[i]
		if id := aws.ToString(a.AllocationId); id != "" {
			z.Allocations = append(z.Allocations, id)
		}
		if ip := aws.ToString(a.PublicIp); ip != "" {
			z.PublicIPs = append(z.PublicIPs, ip)
		}
	}
}

// regionalNatRouteTables reads the route tables of the VPC's regional NAT
// gateways that the VPC's own listing did not return (AWS creates and
// manages them), adding the internet gateways they route to.
func (c *Clients) regionalNatRouteTables(ctx context.Context, f *netcheck.Facts, vpcID string, igwIDs map[string]bool) error {
	for _, nat := range f.NatGateways {
		if !nat.Regional || nat.RouteTable == "" || f.RouteTables[nat.RouteTable] != nil {
			continue
		}
		out, err := c.EC2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{nat.RouteTable}})
		if err != nil {
			return fmt.Errorf("reading route table %s of regional NAT gateway %s: %w", nat.RouteTable, nat.ID, err)
		}
		for _, t := range out.RouteTables {
			rt := &netcheck.RouteTable{ID: aws.ToString(t.RouteTableId), VpcID: vpcID}
			for _, r := range t.Routes {
				route := routeFromSDK(rt.ID, r)
				if route.Kind == netcheck.TargetInternetGateway {
					igwIDs[route.Target] = true
				}
				if route.Kind == netcheck.TargetLocal || (!route.Destination.IsValid() && route.PrefixList == "") {
					continue
				}
				rt.Routes = append(rt.Routes, route)
			}
			f.RouteTables[rt.ID] = rt
		}
	}
	return nil
}
