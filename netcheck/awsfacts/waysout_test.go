package awsfacts

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpclambda/vpclambda/netcheck"
)

// The SDK shapes below are those EC2's API reference documents for
// DescribeRouteTables, DescribeNetworkInterfaces, DescribeInstances,
// DescribeEgressOnlyInternetGateways, DescribeVpcEndpoints, DescribeSubnets
// and DescribeSecurityGroups.

func TestRouteFromSDK(t *testing.T) {
	for _, c := range []struct {
		name   string
		in     ec2types.Route
		kind   netcheck.TargetKind
		target string
		dst    string
		pl     string
	}{
		{"NAT instance: both the instance and its interface", ec2types.Route{DestinationCidrBlock: aws.String("0.0.0.0/0"), InstanceId: aws.String("i-1"),
			InstanceOwnerId: aws.String("123456789012"), NetworkInterfaceId: aws.String("eni-1"), State: ec2types.RouteStateActive},
			netcheck.TargetNetworkInterface, "eni-1", "0.0.0.0/0", ""},
		{"instance only", ec2types.Route{DestinationCidrBlock: aws.String("0.0.0.0/0"), InstanceId: aws.String("i-1")}, netcheck.TargetInstance, "i-1", "0.0.0.0/0", ""},
		{"egress-only gateway", ec2types.Route{DestinationIpv6CidrBlock: aws.String("::/0"), EgressOnlyInternetGatewayId: aws.String("eigw-1"), State: ec2types.RouteStateActive},
			netcheck.TargetEgressOnlyInternetGateway, "eigw-1", "::/0", ""},
		{"IPv6 to the internet gateway", ec2types.Route{DestinationIpv6CidrBlock: aws.String("::/0"), GatewayId: aws.String("igw-1")}, netcheck.TargetInternetGateway, "igw-1", "::/0", ""},
		{"gateway endpoint", ec2types.Route{DestinationPrefixListId: aws.String("pl-63a5400a"), GatewayId: aws.String("vpce-1"), State: ec2types.RouteStateActive},
			netcheck.TargetVpcEndpoint, "vpce-1", "invalid Prefix", "pl-63a5400a"},
		{"blackhole NAT instance", ec2types.Route{DestinationCidrBlock: aws.String("0.0.0.0/0"), NetworkInterfaceId: aws.String("eni-gone"), State: ec2types.RouteStateBlackhole},
			netcheck.TargetMissing, "eni-gone", "0.0.0.0/0", ""},
		{"local IPv6", ec2types.Route{DestinationIpv6CidrBlock: aws.String("2600:1f18:1::/56"), GatewayId: aws.String("local")}, netcheck.TargetLocal, "local", "2600:1f18:1::/56", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := routeFromSDK("rtb-1", c.in)
			if r.Kind != c.kind || r.Target != c.target || r.Destination.String() != c.dst || r.PrefixList != c.pl {
				t.Errorf("got %+v", r)
			}
		})
	}
}

// natInstanceNetwork is a deployed NAT-instance network with IPv6 and an
// S3 endpoint, as the Describe* calls return it, mapped to facts.
func natInstanceNetwork() *netcheck.Facts {
	f := netcheck.NewFacts("test")
	pfx := netip.MustParsePrefix
	v6 := "2600:1f18:abcd:1200::/56"
	vpc := ec2types.Vpc{VpcId: aws.String("vpc-1"), CidrBlock: aws.String("10.0.0.0/16"),
		Ipv6CidrBlockAssociationSet: []ec2types.VpcIpv6CidrBlockAssociation{{Ipv6CidrBlock: aws.String(v6),
			Ipv6CidrBlockState: &ec2types.VpcCidrBlockState{State: ec2types.VpcCidrBlockStateCodeAssociated}}}}
	f.Vpcs["vpc-1"] = &netcheck.Vpc{ID: "vpc-1", Cidr: pfx("10.0.0.0/16"), MainRouteTable: "rtb-main", DefaultNetworkAcl: "acl-1", Ipv6Cidrs: vpcIpv6(vpc)}
	subnet := func(id, az, cidr, v6 string, rt string) {
		s := subnetFromSDK(ec2types.Subnet{SubnetId: aws.String(id), VpcId: aws.String("vpc-1"), AvailabilityZone: aws.String(az), CidrBlock: aws.String(cidr),
			Ipv6CidrBlockAssociationSet: []ec2types.SubnetIpv6CidrBlockAssociation{{Ipv6CidrBlock: aws.String(v6),
				Ipv6CidrBlockState: &ec2types.SubnetCidrBlockState{State: ec2types.SubnetCidrBlockStateCodeAssociated}}}})
		s.RouteTable = rt
		f.Subnets[id] = s
	}
	subnet("subnet-a", "us-east-1a", "10.0.0.0/20", "2600:1f18:abcd:1200::/64", "rtb-private")
	subnet("subnet-b", "us-east-1b", "10.0.16.0/20", "2600:1f18:abcd:1201::/64", "rtb-private")
	subnet("subnet-pub", "us-east-1a", "10.0.255.0/24", "2600:1f18:abcd:12ff::/64", "rtb-public")
	routes := func(id string, rs ...ec2types.Route) {
		rt := &netcheck.RouteTable{ID: id, VpcID: "vpc-1"}
		for _, r := range rs {
			rt.Routes = append(rt.Routes, routeFromSDK(id, r))
		}
		f.RouteTables[id] = rt
	}
	routes("rtb-main")
	routes("rtb-private",
		ec2types.Route{DestinationCidrBlock: aws.String("0.0.0.0/0"), InstanceId: aws.String("i-nat"), NetworkInterfaceId: aws.String("eni-nat"), State: ec2types.RouteStateActive},
		ec2types.Route{DestinationIpv6CidrBlock: aws.String("::/0"), EgressOnlyInternetGatewayId: aws.String("eigw-1"), State: ec2types.RouteStateActive},
		ec2types.Route{DestinationPrefixListId: aws.String("pl-63a5400a"), GatewayId: aws.String("vpce-s3"), State: ec2types.RouteStateActive})
	routes("rtb-public", ec2types.Route{DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String("igw-1"), State: ec2types.RouteStateActive})
	f.InternetGateways["igw-1"] = &netcheck.InternetGateway{ID: "igw-1", AttachedVpcs: []string{"vpc-1"}}
	f.NetworkAcls["acl-1"] = &netcheck.NetworkAcl{ID: "acl-1", VpcID: "vpc-1", Default: true}

	eni := networkInterfaceFromSDK(ec2types.NetworkInterface{NetworkInterfaceId: aws.String("eni-nat"), SubnetId: aws.String("subnet-pub"),
		SourceDestCheck: aws.Bool(false), Status: ec2types.NetworkInterfaceStatusInUse,
		Groups:      []ec2types.GroupIdentifier{{GroupId: aws.String("sg-nat")}},
		Association: &ec2types.NetworkInterfaceAssociation{PublicIp: aws.String("203.0.113.9"), AllocationId: aws.String("eipalloc-1")},
		Attachment:  &ec2types.NetworkInterfaceAttachment{InstanceId: aws.String("i-nat"), DeviceIndex: aws.Int32(0), Status: ec2types.AttachmentStatusAttached}})
	f.NetworkInterfaces[eni.ID] = eni
	inst := instanceFromSDK(ec2types.Instance{InstanceId: aws.String("i-nat"), SubnetId: aws.String("subnet-pub"), State: &ec2types.InstanceState{Name: ec2types.InstanceStateNameRunning},
		NetworkInterfaces: []ec2types.InstanceNetworkInterface{{NetworkInterfaceId: aws.String("eni-nat"), Attachment: &ec2types.InstanceNetworkInterfaceAttachment{DeviceIndex: aws.Int32(0)}}}})
	f.Instances[inst.ID] = inst
	eg := egressOnlyFromSDK(ec2types.EgressOnlyInternetGateway{EgressOnlyInternetGatewayId: aws.String("eigw-1"),
		Attachments: []ec2types.InternetGatewayAttachment{{State: ec2types.AttachmentStatusAttached, VpcId: aws.String("vpc-1")}}})
	f.EgressOnlyInternetGateways[eg.ID] = eg
	ep := endpointFromSDK(ec2types.VpcEndpoint{VpcEndpointId: aws.String("vpce-s3"), VpcId: aws.String("vpc-1"), VpcEndpointType: ec2types.VpcEndpointTypeGateway,
		ServiceName: aws.String("com.amazonaws.us-east-1.s3"), RouteTableIds: []string{"rtb-private"}, State: ec2types.StateAvailable})
	f.VpcEndpoints[ep.ID] = ep
	markMissing(f, "vpc-1")

	sgs := []ec2types.SecurityGroup{
		{GroupId: aws.String("sg-fn"), VpcId: aws.String("vpc-1"), IpPermissionsEgress: []ec2types.IpPermission{{IpProtocol: aws.String("-1"),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}, Ipv6Ranges: []ec2types.Ipv6Range{{CidrIpv6: aws.String("::/0")}}}}},
		{GroupId: aws.String("sg-nat"), VpcId: aws.String("vpc-1"),
			IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("10.0.0.0/20")}}},
				{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(0), ToPort: aws.Int32(65535), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String("sg-fn")}}}},
			IpPermissionsEgress: []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}},
	}
	for _, g := range sgs {
		sg := securityGroupFromSDK(g)
		f.SecurityGroups[sg.ID] = sg
	}
	f.Roles["role"] = &netcheck.Role{ID: "role", ManagedPolicies: []string{"arn:aws:iam::aws:policy/service-role/" + netcheck.VpcAccessPolicy}, DenyFor: []string{"fn"}}
	f.Functions = []*netcheck.Function{{ID: "fn", Name: "fn", SubnetIDs: []string{"subnet-a", "subnet-b"}, SecurityGroups: []string{"sg-fn"}, Role: "role",
		State: "Active", Ipv6AllowedForDualStack: true}}
	return f
}

func text(r *netcheck.Report) string {
	var b strings.Builder
	r.WriteText(&b)
	return b.String()
}

func TestDeployedWaysOut(t *testing.T) {
	for _, dest := range []netcheck.Destination{
		netcheck.DefaultDestination,
		{Internet: netcheck.IPv6, Protocol: 6, Port: 443},
		{Service: "s3", Protocol: 6, Port: 443},
	} {
		t.Run(dest.String(), func(t *testing.T) {
			r, err := netcheck.Analyze(natInstanceNetwork(), dest, "")
			if err != nil {
				t.Fatal(err)
			}
			if !r.Reachable || r.Unknown {
				t.Fatalf("must be reachable:\n%s", text(r))
			}
		})
	}
	// subnet-b's traffic reaches the NAT instance through the rule that
	// names the function's security group; the placeholder note is absent
	// (these are AWS's blocks).
	r, _ := netcheck.Analyze(natInstanceNetwork(), netcheck.DefaultDestination, "")
	out := text(r)
	for _, want := range []string{"rule tcp/0-65535 from security group sg-fn", "public address 203.0.113.9 (Elastic IP eipalloc-1)"} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in:\n%s", want, out)
		}
	}
	r, _ = netcheck.Analyze(natInstanceNetwork(), netcheck.Destination{Internet: netcheck.IPv6, Protocol: 6, Port: 443}, "")
	if out := text(r); strings.Contains(out, "placeholder") || !strings.Contains(out, "2600:1f18:abcd:1200::/64") {
		t.Errorf("deployed IPv6 blocks are real:\n%s", out)
	}

	// Broken as a deployed network can be: the check left on, the instance
	// stopped, the endpoint's route gone (blackhole), the interface gone.
	for _, c := range []struct {
		name   string
		dest   netcheck.Destination
		break_ func(f *netcheck.Facts)
		want   string
	}{
		{"source/destination check on", netcheck.DefaultDestination, func(f *netcheck.Facts) { f.NetworkInterfaces["eni-nat"].SourceDestCheck = true },
			"FAIL nat-instance-source-dest   eni-nat"},
		{"instance stopped", netcheck.DefaultDestination, func(f *netcheck.Facts) { f.Instances["i-nat"].State = "stopped" },
			"NAT instance i-nat is stopped"},
		{"interface gone", netcheck.DefaultDestination, func(f *netcheck.Facts) {
			delete(f.NetworkInterfaces, "eni-nat")
			markMissing(f, "vpc-1")
		}, "blackhole"},
		{"egress-only gateway gone", netcheck.Destination{Internet: netcheck.IPv6, Protocol: 6, Port: 443}, func(f *netcheck.Facts) {
			delete(f.EgressOnlyInternetGateways, "eigw-1")
			markMissing(f, "vpc-1")
		}, "blackhole"},
		{"endpoint pending", netcheck.Destination{Service: "s3", Protocol: 6, Port: 443}, func(f *netcheck.Facts) { f.VpcEndpoints["vpce-s3"].State = "pending" },
			"endpoint vpce-s3 is pending"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := natInstanceNetwork()
			c.break_(f)
			r, err := netcheck.Analyze(f, c.dest, "")
			if err != nil {
				t.Fatal(err)
			}
			if out := text(r); r.Reachable || !strings.Contains(out, c.want) {
				t.Errorf("want BLOCKED with %q:\n%s", c.want, out)
			}
		})
	}
}

func TestEndpointPrefixList(t *testing.T) {
	f := natInstanceNetwork()
	if ep := f.VpcEndpoints["vpce-s3"]; ep.PrefixList != "pl-63a5400a" || ep.Service != "s3" {
		t.Errorf("endpoint: %+v", ep)
	}
}
