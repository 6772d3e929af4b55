package awsfacts

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpclambda/vpclambda/netcheck"
)

// regionalNetwork is a deployed network with one regional NAT gateway, as
// DescribeNatGateways (the shape EC2's API reference documents for a
// regional gateway: AvailabilityMode, AutoProvisionZones, RouteTableId,
// addresses with their zone) and DescribeRouteTables return it.
func regionalNetwork(manual bool) *netcheck.Facts {
	f := netcheck.NewFacts("test")
	f.Vpcs["vpc-1"] = &netcheck.Vpc{ID: "vpc-1", Cidr: netip.MustParsePrefix("10.0.0.0/16"), MainRouteTable: "rtb-main", DefaultNetworkAcl: "acl-1"}
	for _, s := range []ec2types.Subnet{
		{SubnetId: aws.String("subnet-a"), VpcId: aws.String("vpc-1"), AvailabilityZone: aws.String("us-east-1a"), CidrBlock: aws.String("10.0.0.0/20")},
		{SubnetId: aws.String("subnet-b"), VpcId: aws.String("vpc-1"), AvailabilityZone: aws.String("us-east-1b"), CidrBlock: aws.String("10.0.16.0/20")},
	} {
		sn := subnetFromSDK(s)
		sn.RouteTable = "rtb-private"
		f.Subnets[sn.ID] = sn
	}
	routes := func(id string, rs ...ec2types.Route) {
		rt := &netcheck.RouteTable{ID: id, VpcID: "vpc-1"}
		for _, r := range rs {
			rt.Routes = append(rt.Routes, routeFromSDK(id, r))
		}
		f.RouteTables[id] = rt
	}
	routes("rtb-main")
	routes("rtb-private", ec2types.Route{DestinationCidrBlock: aws.String("0.0.0.0/0"), NatGatewayId: aws.String("nat-1"), State: ec2types.RouteStateActive})
	routes("rtb-nat", ec2types.Route{DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String("igw-1"), State: ec2types.RouteStateActive})
	f.InternetGateways["igw-1"] = &netcheck.InternetGateway{ID: "igw-1", AttachedVpcs: []string{"vpc-1"}}
	f.NetworkAcls["acl-1"] = &netcheck.NetworkAcl{ID: "acl-1", VpcID: "vpc-1", Default: true}
	auto := ec2types.AutoProvisionZonesStateEnabled
	if manual {
		auto = ec2types.AutoProvisionZonesStateDisabled
	}
	n := ec2types.NatGateway{NatGatewayId: aws.String("nat-1"), VpcId: aws.String("vpc-1"), State: ec2types.NatGatewayStateAvailable,
		AvailabilityMode: ec2types.AvailabilityModeRegional, ConnectivityType: ec2types.ConnectivityTypePublic, AutoProvisionZones: auto,
		RouteTableId: aws.String("rtb-nat"),
		NatGatewayAddresses: []ec2types.NatGatewayAddress{
			{AllocationId: aws.String("eipalloc-a"), PublicIp: aws.String("198.51.100.10"), AvailabilityZone: aws.String("us-east-1a"), AvailabilityZoneId: aws.String("use1-az1"), Status: ec2types.NatGatewayAddressStatusSucceeded},
			{AllocationId: aws.String("eipalloc-b"), PublicIp: aws.String("198.51.100.20"), AvailabilityZone: aws.String("us-east-1b"), AvailabilityZoneId: aws.String("use1-az2"), Status: ec2types.NatGatewayAddressStatusSucceeded},
		}}
	nat := &netcheck.NatGateway{ID: "nat-1", State: string(n.State), Public: true}
	regionalNatFromSDK(nat, n)
	f.NatGateways["nat-1"] = nat
	markMissing(f, "vpc-1")
	sg := securityGroupFromSDK(ec2types.SecurityGroup{GroupId: aws.String("sg-fn"), VpcId: aws.String("vpc-1"),
		IpPermissionsEgress: []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
	f.SecurityGroups[sg.ID] = sg
	f.Roles["role"] = &netcheck.Role{ID: "role", ManagedPolicies: []string{"arn:aws:iam::aws:policy/service-role/" + netcheck.VpcAccessPolicy}, DenyFor: []string{"fn"}}
	f.Functions = []*netcheck.Function{{ID: "fn", Name: "fn", SubnetIDs: []string{"subnet-a", "subnet-b"}, SecurityGroups: []string{"sg-fn"}, Role: "role", State: "Active"}}
	return f
}

func TestRegionalNatFromSDK(t *testing.T) {
	nat := regionalNetwork(true).NatGateways["nat-1"]
	if !nat.Regional || !nat.Manual || nat.VpcID != "vpc-1" || nat.RouteTable != "rtb-nat" || len(nat.Zones) != 2 ||
		nat.Zones[1].AZ != "us-east-1b" || nat.Zones[1].AZID != "use1-az2" || nat.Zones[1].PublicIPs[0] != "198.51.100.20" || nat.Zones[1].Allocations[0] != "eipalloc-b" {
		t.Errorf("regional gateway: %+v", nat)
	}
	zonal := &netcheck.NatGateway{ID: "nat-z"}
	regionalNatFromSDK(zonal, ec2types.NatGateway{AvailabilityMode: ec2types.AvailabilityModeZonal, SubnetId: aws.String("subnet-pub")})
	if zonal.Regional || zonal.Zones != nil {
		t.Errorf("a zonal gateway stays zonal: %+v", zonal)
	}
}

func TestDeployedRegionalNat(t *testing.T) {
	for _, manual := range []bool{false, true} {
		r, err := netcheck.Analyze(regionalNetwork(manual), netcheck.DefaultDestination, "")
		if err != nil {
			t.Fatal(err)
		}
		out := text(r)
		if !r.Reachable || r.Unknown {
			t.Fatalf("manual=%v: must be reachable:\n%s", manual, out)
		}
		for _, want := range []string{"PASS regional-nat-route-table", "route table rtb-nat routes the internet", "198.51.100.20"} {
			if !strings.Contains(out, want) {
				t.Errorf("manual=%v: want %q in:\n%s", manual, want, out)
			}
		}
		if strings.Contains(out, "single-nat") {
			t.Errorf("manual=%v: no single-NAT warning for a regional gateway:\n%s", manual, out)
		}
	}
	for _, c := range []struct {
		name   string
		break_ func(f *netcheck.Facts)
		want   string
	}{
		{"gateway pending", func(f *netcheck.Facts) { f.NatGateways["nat-1"].State = "pending" }, "the regional NAT gateway is pending"},
		{"its route table lost the internet gateway", func(f *netcheck.Facts) { f.RouteTables["rtb-nat"].Routes = nil },
			"FAIL regional-nat-route-table"},
		{"its route table unreadable", func(f *netcheck.Facts) { delete(f.RouteTables, "rtb-nat") }, "UNKNOWN regional-nat-route-table"},
		{"internet gateway detached", func(f *netcheck.Facts) { f.InternetGateways["igw-1"].AttachedVpcs = nil },
			"internet gateway igw-1 is not attached to VPC vpc-1"},
		{"manual mode without us-east-1b", func(f *netcheck.Facts) {
			nat := f.NatGateways["nat-1"]
			nat.Manual, nat.Zones = true, nat.Zones[:1]
		}, "serves only us-east-1a (AvailabilityZoneAddresses); the subnet is in us-east-1b"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := regionalNetwork(false)
			c.break_(f)
			r, err := netcheck.Analyze(f, netcheck.DefaultDestination, "")
			if err != nil {
				t.Fatal(err)
			}
			if out := text(r); r.Reachable || !strings.Contains(out, c.want) {
				t.Errorf("want BLOCKED with %q:\n%s", c.want, out)
			}
		})
	}
}
