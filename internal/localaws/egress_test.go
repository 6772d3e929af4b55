//go:build lifecycle

package localaws

// The ways out of a VPC besides one NAT gateway (a NAT gateway with several
// Elastic IPs, a NAT instance, IPv6 dual-stack with an egress-only internet
// gateway, gateway endpoints), each as a small hand-written CloudFormation
// template in testdata/egress deployed to the patched emulator through
// change sets as the CDK CLI does: what AWS would show after the deploy and
// after an update, and nothing left after the stack's deletion. Two
// templates AWS would reject must fail here too.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

type egressEnv struct {
	ctx context.Context
	cfn *cloudformation.Client
	ec2 *ec2.Client
	lam *lambda.Client
	iam *iam.Client
	cfg aws.Config
}

// template reads testdata/egress/NAME.json, lets edit change it, and returns it as JSON.
func template(t *testing.T, name string, edit func(resources map[string]any)) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "egress", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if edit == nil {
		return string(data)
	}
	var tpl map[string]any
	if err := json.Unmarshal(data, &tpl); err != nil {
		t.Fatal(err)
	}
	edit(tpl["Resources"].(map[string]any))
	out, _ := json.Marshal(tpl)
	return string(out)
}

func props(resources map[string]any, id string) map[string]any {
	return resources[id].(map[string]any)["Properties"].(map[string]any)
}

// deploy creates (or updates) the stack through a change set and returns
// its outputs; a failed deploy fails the test with CloudFormation's reasons.
func (e *egressEnv) deploy(t *testing.T, stack, body string, update bool) map[string]string {
	t.Helper()
	outputs, err := e.tryDeploy(stack, body, update)
	if err != nil {
		t.Fatal(err)
	}
	return outputs
}

func (e *egressEnv) tryDeploy(stack, body string, update bool) (map[string]string, error) {
	kind := cfntypes.ChangeSetTypeCreate
	if update {
		kind = cfntypes.ChangeSetTypeUpdate
	}
	cs, err := e.cfn.CreateChangeSet(e.ctx, &cloudformation.CreateChangeSetInput{
		StackName: aws.String(stack), ChangeSetName: aws.String(fmt.Sprintf("cs-%d", time.Now().UnixNano())),
		ChangeSetType: kind, TemplateBody: aws.String(body),
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam},
	})
	if err != nil {
		return nil, fmt.Errorf("create change set for %s: %w", stack, err)
	}
	if _, err := e.cfn.ExecuteChangeSet(e.ctx, &cloudformation.ExecuteChangeSetInput{ChangeSetName: cs.Id}); err != nil {
		return nil, fmt.Errorf("execute change set for %s: %w", stack, err)
	}
	s, err := e.settle(aws.ToString(cs.StackId))
	if err != nil {
		return nil, err
	}
	want := cfntypes.StackStatusCreateComplete
	if update {
		want = cfntypes.StackStatusUpdateComplete
	}
	if s.StackStatus != want {
		return nil, fmt.Errorf("stack %s is %s, want %s: %s", stack, s.StackStatus, want, e.failures(aws.ToString(cs.StackId)))
	}
	outputs := map[string]string{}
	for _, o := range s.Outputs {
		outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	return outputs, nil
}

// settle waits until the stack is in no *_IN_PROGRESS status.
func (e *egressEnv) settle(stackID string) (cfntypes.Stack, error) {
	deadline := time.Now().Add(time.Minute)
	for {
		out, err := e.cfn.DescribeStacks(e.ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stackID)})
		if err != nil {
			return cfntypes.Stack{}, err
		}
		s := out.Stacks[0]
		if !strings.HasSuffix(string(s.StackStatus), "_IN_PROGRESS") || time.Now().After(deadline) {
			return s, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// failures are the reasons of the stack's *_FAILED events.
func (e *egressEnv) failures(stackID string) string {
	out, err := e.cfn.DescribeStackEvents(e.ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(stackID)})
	if err != nil {
		return err.Error()
	}
	var reasons []string
	for _, ev := range out.StackEvents {
		if strings.HasSuffix(string(ev.ResourceStatus), "_FAILED") {
			reasons = append(reasons, fmt.Sprintf("%s %s: %s", aws.ToString(ev.LogicalResourceId), ev.ResourceStatus, aws.ToString(ev.ResourceStatusReason)))
		}
	}
	return strings.Join(reasons, "; ")
}

type stackResource struct{ logicalID, typ, physicalID string }

func (e *egressEnv) resources(t *testing.T, stack string) []stackResource {
	t.Helper()
	out, err := e.cfn.ListStackResources(e.ctx, &cloudformation.ListStackResourcesInput{StackName: aws.String(stack)})
	if err != nil {
		t.Fatal(err)
	}
	var rs []stackResource
	for _, r := range out.StackResourceSummaries {
		rs = append(rs, stackResource{aws.ToString(r.LogicalResourceId), aws.ToString(r.ResourceType), aws.ToString(r.PhysicalResourceId)})
	}
	return rs
}

// destroy deletes the stack and checks that no resource it listed, and
// nothing else in its VPC, is left.
func (e *egressEnv) destroy(t *testing.T, stack, vpc string) {
	t.Helper()
	created := e.resources(t, stack)
	described, err := e.cfn.DescribeStacks(e.ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stack)})
	if err != nil {
		t.Fatal(err)
	}
	stackID := aws.ToString(described.Stacks[0].StackId)
	if _, err := e.cfn.DeleteStack(e.ctx, &cloudformation.DeleteStackInput{StackName: aws.String(stack)}); err != nil {
		t.Fatal(err)
	}
	s, err := e.settle(stackID)
	if err != nil {
		t.Fatal(err)
	}
	if s.StackStatus != cfntypes.StackStatusDeleteComplete {
		t.Fatalf("stack %s is %s after its deletion: %s", stack, s.StackStatus, e.failures(stackID))
	}
	var left []string
	for _, r := range created {
		n, err := e.count(r.typ, r.physicalID)
		if err != nil {
			t.Fatalf("checking for %s %s: %v", r.typ, r.physicalID, err)
		}
		if n > 0 {
			left = append(left, fmt.Sprintf("%s %s (%s)", r.typ, r.logicalID, r.physicalID))
		}
	}
	// What the stack made without listing it: interfaces, addresses, the default network ACL.
	for _, what := range []string{"network interfaces", "security groups", "network ACLs", "subnets", "route tables", "instances"} {
		n, err := e.inVPC(what, vpc)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			left = append(left, fmt.Sprintf("%d %s in %s", n, what, vpc))
		}
	}
	if len(left) > 0 {
		sort.Strings(left)
		t.Errorf("left after deleting stack %s:\n  %s", stack, strings.Join(left, "\n  "))
	}
}

// count tells how many of a resource still exist (in a state AWS counts
// as existing), given its type and physical id; routes and associations
// go with their tables and subnets and are not counted.
func (e *egressEnv) count(typ, id string) (int, error) {
	n, _, err := NewLeftovers(e.cfg).Count(e.ctx, typ, id)
	return n, err
}

func (e *egressEnv) inVPC(what, vpc string) (int, error) {
	ctx, f := e.ctx, Filter("vpc-id", vpc)
	switch what {
	case "network interfaces":
		o, err := e.ec2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: f})
		if err != nil {
			return 0, err
		}
		return len(o.NetworkInterfaces), nil
	case "security groups":
		o, err := e.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: f})
		if err != nil {
			return 0, err
		}
		return len(o.SecurityGroups), nil
	case "network ACLs":
		o, err := e.ec2.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: f})
		if err != nil {
			return 0, err
		}
		return len(o.NetworkAcls), nil
	case "subnets":
		o, err := e.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: f})
		if err != nil {
			return 0, err
		}
		return len(o.Subnets), nil
	case "route tables":
		o, err := e.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: f})
		if err != nil {
			return 0, err
		}
		return len(o.RouteTables), nil
	case "instances":
		o, err := e.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: f})
		if err != nil {
			return 0, err
		}
		return LiveInstances(o), nil
	}
	return 0, fmt.Errorf("unknown kind %q", what)
}

func TestEgressTemplates(t *testing.T) {
	ctx := context.Background()
	emu, err := Start(ctx, Options{Root: projectRoot(t), LogPath: filepath.Join(t.TempDir(), "emulator.log")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		emu.Stop()
		if t.Failed() {
			t.Logf("emulator log (last lines):\n%s", logTail(emu.LogPath, 40))
		}
		noEmulatorLeft(t)
	})
	cfg, err := emu.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e := &egressEnv{ctx: ctx, cfn: cloudformation.NewFromConfig(cfg), ec2: ec2.NewFromConfig(cfg),
		lam: lambda.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg), cfg: cfg}

	t.Run("NatGatewayElasticIPs", func(t *testing.T) { testNatGatewayElasticIPs(t, e) })
	t.Run("NatInstance", func(t *testing.T) { testNatInstance(t, e) })
	t.Run("IPv6DualStack", func(t *testing.T) { testIPv6(t, e) })
	t.Run("GatewayEndpoints", func(t *testing.T) { testGatewayEndpoints(t, e) })
	t.Run("RegionalNatGateway", func(t *testing.T) { testRegionalNat(t, e) })
	t.Run("RejectedLikeAWS", func(t *testing.T) { testRejected(t, e) })
	t.Run("DnsFirewall", func(t *testing.T) { testDnsFirewall(t, e) })
	t.Run("DnsFirewallRejectedLikeAWS", func(t *testing.T) { testDnsFirewallRejected(t, e) })
}

func natAddresses(t *testing.T, e *egressEnv, nat string) (primary string, secondary []string, gw ec2types.NatGateway) {
	t.Helper()
	o, err := e.ec2.DescribeNatGateways(e.ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{nat}})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.NatGateways) != 1 {
		t.Fatalf("DescribeNatGateways %s: %d gateways", nat, len(o.NatGateways))
	}
	gw = o.NatGateways[0]
	eni := ""
	for _, a := range gw.NatGatewayAddresses {
		if a.Status != ec2types.NatGatewayAddressStatusSucceeded || aws.ToString(a.PublicIp) == "" || aws.ToString(a.AssociationId) == "" {
			t.Errorf("NAT gateway address %+v is not associated (status %q)", aws.ToString(a.AllocationId), a.Status)
		}
		// Public addresses (ec2_eip_documentation_range), not moto's 127.x.
		if ip, err := netip.ParseAddr(aws.ToString(a.PublicIp)); err != nil || !netip.MustParsePrefix("198.51.100.128/25").Contains(ip) {
			t.Errorf("NAT gateway address %s has the Elastic IP %q, not one of the emulator's 198.51.100.128/25", aws.ToString(a.AllocationId), aws.ToString(a.PublicIp))
		}
		if ip, err := netip.ParseAddr(aws.ToString(a.PrivateIp)); err != nil || !netip.MustParsePrefix("10.0.0.0/24").Contains(ip) {
			t.Errorf("NAT gateway address %s has the private IP %q, not one of its subnet 10.0.0.0/24", aws.ToString(a.AllocationId), aws.ToString(a.PrivateIp))
		}
		if eni == "" {
			eni = aws.ToString(a.NetworkInterfaceId)
		} else if aws.ToString(a.NetworkInterfaceId) != eni {
			t.Errorf("NAT gateway addresses on two interfaces: %s and %s", eni, aws.ToString(a.NetworkInterfaceId))
		}
		if aws.ToBool(a.IsPrimary) {
			if primary != "" {
				t.Errorf("two primary addresses: %s and %s", primary, aws.ToString(a.AllocationId))
			}
			primary = aws.ToString(a.AllocationId)
		} else {
			secondary = append(secondary, aws.ToString(a.AllocationId))
		}
	}
	sort.Strings(secondary)
	return primary, secondary, gw
}

func testNatGatewayElasticIPs(t *testing.T, e *egressEnv) {
	const stack = "EgressNatGatewayEips"
	out := e.deploy(t, stack, template(t, "nat-eips", nil), false)
	alloc := strings.Split(out["AllocationIds"], ",")
	if len(alloc) != 4 {
		t.Fatalf("AllocationIds output = %q", out["AllocationIds"])
	}
	sortedOf := func(ids ...string) []string { sort.Strings(ids); return ids }
	check := func(when string, wantSecondary []string) {
		t.Helper()
		primary, secondary, _ := natAddresses(t, e, out["NatGatewayId"])
		if primary != alloc[0] {
			t.Errorf("%s: primary address %s, want %s", when, primary, alloc[0])
		}
		if strings.Join(secondary, ",") != strings.Join(wantSecondary, ",") {
			t.Errorf("%s: secondary addresses %v, want %v", when, secondary, wantSecondary)
		}
		// Every address of the gateway is associated, the others are not.
		addrs, err := e.ec2.DescribeAddresses(e.ctx, &ec2.DescribeAddressesInput{AllocationIds: alloc})
		if err != nil {
			t.Fatal(err)
		}
		on := map[string]bool{primary: true}
		for _, s := range wantSecondary {
			on[s] = true
		}
		for _, a := range addrs.Addresses {
			if associated := aws.ToString(a.AssociationId) != ""; associated != on[aws.ToString(a.AllocationId)] {
				t.Errorf("%s: Elastic IP %s associated = %v", when, aws.ToString(a.AllocationId), associated)
			}
		}
	}
	check("after create", sortedOf(alloc[1], alloc[2]))

	// Adding and removing secondary addresses updates the gateway in place.
	setSecondaries := func(ids ...string) string {
		return template(t, "nat-eips", func(r map[string]any) {
			var list []any
			for _, id := range ids {
				list = append(list, map[string]any{"Fn::GetAtt": []any{id, "AllocationId"}})
			}
			props(r, "Nat")["SecondaryAllocationIds"] = list
		})
	}
	if got := e.deploy(t, stack, setSecondaries("Eip2", "Eip3", "Eip4"), true)["NatGatewayId"]; got != out["NatGatewayId"] {
		t.Errorf("adding a secondary address replaced the NAT gateway: %s -> %s", out["NatGatewayId"], got)
	}
	check("after adding Eip4", sortedOf(alloc[1], alloc[2], alloc[3]))
	e.deploy(t, stack, setSecondaries("Eip3"), true)
	check("after keeping only Eip3", []string{alloc[2]})

	e.destroy(t, stack, out["VpcId"])
	_, _, gw := natAddresses(t, e, out["NatGatewayId"])
	if gw.State != ec2types.NatGatewayStateDeleted {
		t.Errorf("NAT gateway state after the stack's deletion = %s", gw.State)
	}
}

func testNatInstance(t *testing.T, e *egressEnv) {
	const stack = "EgressNatInstance"
	out := e.deploy(t, stack, template(t, "nat-instance", nil), false)

	enis, err := e.ec2.DescribeNetworkInterfaces(e.ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{out["InterfaceId"]}})
	if err != nil {
		t.Fatal(err)
	}
	eni := enis.NetworkInterfaces[0]
	if aws.ToBool(eni.SourceDestCheck) {
		t.Error("the NAT interface has its source/destination check on")
	}
	if eni.Association == nil || aws.ToString(eni.Association.PublicIp) != out["PublicIp"] {
		t.Errorf("the NAT interface's public address = %+v, want the Elastic IP %s", eni.Association, out["PublicIp"])
	}
	if len(eni.Groups) != 1 || aws.ToString(eni.Groups[0].GroupId) != out["SecurityGroupId"] {
		t.Errorf("the NAT interface's groups = %+v, want only %s", eni.Groups, out["SecurityGroupId"])
	}

	res, err := e.ec2.DescribeInstances(e.ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{out["InstanceId"]}})
	if err != nil {
		t.Fatal(err)
	}
	inst := res.Reservations[0].Instances[0]
	if aws.ToString(inst.VpcId) != out["VpcId"] || aws.ToString(inst.SubnetId) != aws.ToString(eni.SubnetId) {
		t.Errorf("the instance is in %s/%s, want the interface's %s/%s", aws.ToString(inst.VpcId), aws.ToString(inst.SubnetId), out["VpcId"], aws.ToString(eni.SubnetId))
	}
	if len(inst.NetworkInterfaces) != 1 || aws.ToString(inst.NetworkInterfaces[0].NetworkInterfaceId) != out["InterfaceId"] ||
		aws.ToInt32(inst.NetworkInterfaces[0].Attachment.DeviceIndex) != 0 {
		t.Errorf("the instance's interfaces = %+v, want %s at index 0", inst.NetworkInterfaces, out["InterfaceId"])
	}
	if inst.MetadataOptions == nil || inst.MetadataOptions.HttpTokens != ec2types.HttpTokensStateRequired ||
		inst.MetadataOptions.HttpEndpoint != ec2types.InstanceMetadataEndpointStateEnabled {
		t.Errorf("metadata options = %+v, want IMDSv2 required, endpoint enabled", inst.MetadataOptions)
	}
	if inst.InstanceType != ec2types.InstanceTypeT4gNano || aws.ToString(inst.ImageId) != out["ImageId"] || inst.Architecture != ec2types.ArchitectureValuesArm64 {
		t.Errorf("instance %s %s %s, want t4g.nano, image %s (arm64)", inst.InstanceType, aws.ToString(inst.ImageId), inst.Architecture, out["ImageId"])
	}
	if aws.ToString(inst.KeyName) != "" || aws.ToBool(inst.SourceDestCheck) || aws.ToString(inst.PublicIpAddress) != out["PublicIp"] {
		t.Errorf("instance key %q, source/destination check %v, public IP %s; want no key, off, %s",
			aws.ToString(inst.KeyName), aws.ToBool(inst.SourceDestCheck), aws.ToString(inst.PublicIpAddress), out["PublicIp"])
	}
	ud, err := e.ec2.DescribeInstanceAttribute(e.ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: inst.InstanceId, Attribute: ec2types.InstanceAttributeNameUserData})
	if err != nil {
		t.Fatal(err)
	}
	if ud.UserData == nil || aws.ToString(ud.UserData.Value) == "" {
		t.Error("the instance has no user data")
	}

	sg, err := e.ec2.DescribeSecurityGroups(e.ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{out["SecurityGroupId"]}})
	if err != nil {
		t.Fatal(err)
	}
	var from []string
	for _, p := range sg.SecurityGroups[0].IpPermissions {
		for _, r := range p.IpRanges {
			from = append(from, aws.ToString(p.IpProtocol)+" "+aws.ToString(r.CidrIp))
		}
	}
	sort.Strings(from)
	if strings.Join(from, ",") != "-1 10.0.16.0/20,-1 10.0.32.0/20" {
		t.Errorf("NAT security group ingress = %v, want all traffic from the two private subnets", from)
	}

	route := func() *ec2types.Route {
		rts, err := e.ec2.DescribeRouteTables(e.ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{out["PrivateTableId"]}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rts.RouteTables[0].Routes {
			if aws.ToString(r.DestinationCidrBlock) == "0.0.0.0/0" {
				return &r
			}
		}
		return nil
	}
	if r := route(); r == nil || aws.ToString(r.NetworkInterfaceId) != out["InterfaceId"] {
		t.Errorf("private default route = %+v, want 0.0.0.0/0 -> %s", r, out["InterfaceId"])
	}
	// A route to a network interface is deleted with its resource; the
	// instance type and the interface's description change in place.
	updated := e.deploy(t, stack, template(t, "nat-instance", func(r map[string]any) {
		delete(r, "PrivateDefault")
		props(r, "NatInstance")["InstanceType"] = "t4g.micro"
		props(r, "NatInterface")["Description"] = "NAT instance interface, renamed"
	}), true)
	if r := route(); r != nil {
		t.Errorf("the private default route is still there after its resource was removed: %+v", r)
	}
	if updated["InstanceId"] != out["InstanceId"] || updated["InterfaceId"] != out["InterfaceId"] {
		t.Errorf("an in-place update replaced the instance or its interface: %s %s -> %s %s",
			out["InstanceId"], out["InterfaceId"], updated["InstanceId"], updated["InterfaceId"])
	}
	res, err = e.ec2.DescribeInstances(e.ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{out["InstanceId"]}})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Reservations[0].Instances[0].InstanceType; got != ec2types.InstanceTypeT4gMicro {
		t.Errorf("instance type after the update = %s, want t4g.micro", got)
	}

	e.destroy(t, stack, out["VpcId"])
}

func testIPv6(t *testing.T, e *egressEnv) {
	const stack = "EgressIPv6"
	out := e.deploy(t, stack, template(t, "ipv6", nil), false)

	vpcs, err := e.ec2.DescribeVpcs(e.ctx, &ec2.DescribeVpcsInput{VpcIds: []string{out["VpcId"]}})
	if err != nil {
		t.Fatal(err)
	}
	var block string
	for _, a := range vpcs.Vpcs[0].Ipv6CidrBlockAssociationSet {
		if a.Ipv6CidrBlockState.State == ec2types.VpcCidrBlockStateCodeAssociated {
			block = aws.ToString(a.Ipv6CidrBlock)
		}
	}
	if p, err := netip.ParsePrefix(block); err != nil || p.Bits() != 56 || p.Masked() != p || block != out["Ipv6Block"] {
		t.Fatalf("the VPC's IPv6 block = %q (GetAtt Ipv6CidrBlocks %q), want an Amazon-provided /56", block, out["Ipv6Block"])
	}
	// Fn::Select [k, Fn::Cidr [block, 256, "64"]]: the k-th /64 of the /56.
	nth64 := func(k byte) string {
		b := netip.MustParsePrefix(block).Addr().As16()
		b[7] += k
		return netip.PrefixFrom(netip.AddrFrom16(b), 64).String()
	}
	subnetIDs := append(strings.Split(out["PrivateSubnetIds"], ","), out["PublicSubnetId"])
	subnets, err := e.ec2.DescribeSubnets(e.ctx, &ec2.DescribeSubnetsInput{SubnetIds: subnetIDs})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		out["PublicSubnetId"]:                          nth64(0),
		strings.Split(out["PrivateSubnetIds"], ",")[0]: nth64(1),
		strings.Split(out["PrivateSubnetIds"], ",")[1]: nth64(2),
	}
	for _, s := range subnets.Subnets {
		var got []string
		for _, a := range s.Ipv6CidrBlockAssociationSet {
			if a.Ipv6CidrBlockState.State == ec2types.SubnetCidrBlockStateCodeAssociated {
				got = append(got, aws.ToString(a.Ipv6CidrBlock))
			}
		}
		if len(got) != 1 || got[0] != want[aws.ToString(s.SubnetId)] || !aws.ToBool(s.AssignIpv6AddressOnCreation) {
			t.Errorf("subnet %s IPv6 blocks %v (assign on creation %v), want [%s]", aws.ToString(s.SubnetId), got, aws.ToBool(s.AssignIpv6AddressOnCreation), want[aws.ToString(s.SubnetId)])
		}
	}

	eigws, err := e.ec2.DescribeEgressOnlyInternetGateways(e.ctx, &ec2.DescribeEgressOnlyInternetGatewaysInput{EgressOnlyInternetGatewayIds: []string{out["EgressOnlyGatewayId"]}})
	if err != nil {
		t.Fatal(err)
	}
	if len(eigws.EgressOnlyInternetGateways) != 1 || len(eigws.EgressOnlyInternetGateways[0].Attachments) != 1 ||
		aws.ToString(eigws.EgressOnlyInternetGateways[0].Attachments[0].VpcId) != out["VpcId"] {
		t.Errorf("egress-only internet gateway = %+v, want one attached to %s", eigws.EgressOnlyInternetGateways, out["VpcId"])
	}

	ipv6Default := func(table string) *ec2types.Route {
		rts, err := e.ec2.DescribeRouteTables(e.ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{table}})
		if err != nil {
			t.Fatal(err)
		}
		var found *ec2types.Route
		local := false
		for _, r := range rts.RouteTables[0].Routes {
			if aws.ToString(r.DestinationIpv6CidrBlock) == "::/0" {
				found = &r
			}
			local = local || (aws.ToString(r.DestinationIpv6CidrBlock) == block && aws.ToString(r.GatewayId) == "local")
		}
		if !local {
			t.Errorf("route table %s has no local route for %s", table, block)
		}
		return found
	}
	if r := ipv6Default(out["PrivateTableId"]); r == nil || aws.ToString(r.EgressOnlyInternetGatewayId) != out["EgressOnlyGatewayId"] {
		t.Errorf("private ::/0 route = %+v, want -> %s", r, out["EgressOnlyGatewayId"])
	}
	if r := ipv6Default(out["PublicTableId"]); r == nil || !strings.HasPrefix(aws.ToString(r.GatewayId), "igw-") {
		t.Errorf("public ::/0 route = %+v, want -> the internet gateway", r)
	}

	acls, err := e.ec2.DescribeNetworkAcls(e.ctx, &ec2.DescribeNetworkAclsInput{NetworkAclIds: []string{out["PrivateAclId"]}})
	if err != nil {
		t.Fatal(err)
	}
	var v6 []string
	for _, en := range acls.NetworkAcls[0].Entries {
		if aws.ToString(en.Ipv6CidrBlock) != "" {
			v6 = append(v6, fmt.Sprintf("%d egress=%v %s %d-%d", aws.ToInt32(en.RuleNumber), aws.ToBool(en.Egress), aws.ToString(en.Ipv6CidrBlock), aws.ToInt32(en.PortRange.From), aws.ToInt32(en.PortRange.To)))
		}
	}
	sort.Strings(v6)
	if strings.Join(v6, "; ") != "300 egress=false ::/0 1024-65535; 300 egress=true ::/0 443-443" {
		t.Errorf("IPv6 network ACL entries = %v", v6)
	}

	sg, err := e.ec2.DescribeSecurityGroups(e.ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{out["SecurityGroupId"]}})
	if err != nil {
		t.Fatal(err)
	}
	var egress6 []string
	for _, p := range sg.SecurityGroups[0].IpPermissionsEgress {
		for _, r := range p.Ipv6Ranges {
			egress6 = append(egress6, fmt.Sprintf("%s %d %s", aws.ToString(p.IpProtocol), aws.ToInt32(p.FromPort), aws.ToString(r.CidrIpv6)))
		}
	}
	sort.Strings(egress6)
	if strings.Join(egress6, ", ") != "tcp 443 ::/0, tcp 80 ::/0" {
		t.Errorf("IPv6 egress of the function's group = %v, want tcp 443 (inline) and tcp 80 (SecurityGroupEgress) to ::/0", egress6)
	}

	fn, err := e.lam.GetFunctionConfiguration(e.ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(out["FunctionName"])})
	if err != nil {
		t.Fatal(err)
	}
	if fn.VpcConfig == nil || !aws.ToBool(fn.VpcConfig.Ipv6AllowedForDualStack) || aws.ToString(fn.VpcConfig.VpcId) != out["VpcId"] {
		t.Errorf("function VpcConfig = %+v, want Ipv6AllowedForDualStack in %s", fn.VpcConfig, out["VpcId"])
	}

	// Started without a VPC twin, the emulator cannot run the function:
	// Invoke fails at once, saying why (no hang, no made-up answer).
	t0 := time.Now()
	_, err = Invoke(e.ctx, e.cfg, out["FunctionName"], "")
	if err == nil || !strings.Contains(err.Error(), "ServiceException") || !strings.Contains(err.Error(), "without the VPC twin") {
		t.Errorf("Invoke without a twin: err = %v, want a ServiceException saying the emulator has no VPC twin", err)
	}
	if d := time.Since(t0); d > 5*time.Second {
		t.Errorf("Invoke without a twin took %s, want it to fail at once", d)
	}

	// An IPv6 route is deleted with its resource.
	e.deploy(t, stack, template(t, "ipv6", func(r map[string]any) {
		delete(r, "PublicDefault6")
	}), true)
	if r := ipv6Default(out["PublicTableId"]); r != nil {
		t.Errorf("the public ::/0 route is still there after its resource was removed: %+v", r)
	}

	e.destroy(t, stack, out["VpcId"])
}

func testGatewayEndpoints(t *testing.T, e *egressEnv) {
	const stack = "EgressGatewayEndpoints"
	out := e.deploy(t, stack, template(t, "gateway-endpoints", nil), false)
	tables := strings.Split(out["RouteTableIds"], ",")

	lists, err := e.ec2.DescribePrefixLists(e.ctx, &ec2.DescribePrefixListsInput{})
	if err != nil {
		t.Fatal(err)
	}
	prefixList := map[string]string{} // service -> pl-...
	for _, pl := range lists.PrefixLists {
		name := aws.ToString(pl.PrefixListName)
		if name == "com.amazonaws.us-east-1.s3" || name == "com.amazonaws.us-east-1.dynamodb" {
			prefixList[name[strings.LastIndexByte(name, '.')+1:]] = aws.ToString(pl.PrefixListId)
			if len(pl.Cidrs) == 0 {
				t.Errorf("DescribePrefixLists: %s has no Cidrs", name)
			}
		}
	}
	managed, err := e.ec2.DescribeManagedPrefixLists(e.ctx, &ec2.DescribeManagedPrefixListsInput{PrefixListIds: []string{prefixList["s3"], prefixList["dynamodb"]}})
	if err != nil || len(managed.PrefixLists) != 2 {
		t.Fatalf("DescribeManagedPrefixLists of %v: %v %+v", prefixList, err, managed)
	}

	endpointRoutes := func() map[string]string { // "table service" -> gateway
		rts, err := e.ec2.DescribeRouteTables(e.ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: tables})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, rt := range rts.RouteTables {
			for _, r := range rt.Routes {
				for service, pl := range prefixList {
					if aws.ToString(r.DestinationPrefixListId) == pl {
						got[aws.ToString(rt.RouteTableId)+" "+service] = aws.ToString(r.GatewayId)
					}
				}
			}
		}
		return got
	}
	want := map[string]string{}
	for _, table := range tables {
		want[table+" s3"] = out["S3EndpointId"]
		want[table+" dynamodb"] = out["DynamoDbEndpointId"]
	}
	if got := endpointRoutes(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("prefix-list routes = %v, want %v", got, want)
	}
	eps, err := e.ec2.DescribeVpcEndpoints(e.ctx, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{out["S3EndpointId"], out["DynamoDbEndpointId"]}})
	if err != nil {
		t.Fatal(err)
	}
	for _, ep := range eps.VpcEndpoints {
		if ep.VpcEndpointType != ec2types.VpcEndpointTypeGateway || aws.ToString(ep.VpcId) != out["VpcId"] || len(ep.RouteTableIds) != 2 {
			t.Errorf("endpoint %s: type %s, VPC %s, route tables %v", aws.ToString(ep.VpcEndpointId), ep.VpcEndpointType, aws.ToString(ep.VpcId), ep.RouteTableIds)
		}
	}

	// Taking a route table off an endpoint updates it in place.
	e.deploy(t, stack, template(t, "gateway-endpoints", func(r map[string]any) {
		props(r, "S3Endpoint")["RouteTableIds"] = []any{map[string]any{"Ref": "PrivateTable1"}}
	}), true)
	delete(want, tables[1]+" s3")
	if got := endpointRoutes(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("prefix-list routes after the update = %v, want %v", got, want)
	}

	e.destroy(t, stack, out["VpcId"])
}

// testRejected: templates AWS refuses fail in the emulator too, naming the resource.
func testRejected(t *testing.T, e *egressEnv) {
	cases := []struct {
		name, template, resource, reason string
		edit                             func(map[string]any)
	}{
		{"x86_64 instance type for the arm64 image", "nat-instance", "NatInstance", "does not match the architecture 'arm64'",
			func(r map[string]any) { props(r, "NatInstance")["InstanceType"] = "t3.nano" }},
		{"IPv6 block outside the VPC's", "ipv6", "Private2", "'2001:db8::/64' is invalid",
			func(r map[string]any) { props(r, "Private2")["Ipv6CidrBlock"] = "2001:db8::/64" }},
		{"a regional NAT gateway in a VPC without an internet gateway", "nat-regional", "Nat", "has no internet gateway attached",
			func(r map[string]any) {
				delete(r, "IgwAttachment")
				for _, id := range []string{"EipA", "EipB", "EipB2", "Nat"} {
					delete(r[id].(map[string]any), "DependsOn")
				}
			}},
		{"a private regional NAT gateway", "nat-regional", "Nat", "public connectivity only",
			func(r map[string]any) { props(r, "Nat")["ConnectivityType"] = "private" }},
		{"one Elastic IP for two AZs of a regional NAT gateway", "nat-regional", "Nat", "listed twice",
			func(r map[string]any) {
				zs := props(r, "Nat")["AvailabilityZoneAddresses"].([]any)
				zs[1].(map[string]any)["AllocationIds"] = []any{map[string]any{"Fn::GetAtt": []any{"EipA", "AllocationId"}}}
			}},
		{"a ninth Elastic IP on a NAT gateway", "nat-eips", "Nat", "at most 8",
			func(r map[string]any) {
				var list []any
				for i := 2; i <= 9; i++ {
					id := fmt.Sprintf("Eip%d", i)
					if i > 4 {
						r[id] = map[string]any{"Type": "AWS::EC2::EIP", "Properties": map[string]any{"Domain": "vpc"}}
					}
					list = append(list, map[string]any{"Fn::GetAtt": []any{id, "AllocationId"}})
				}
				props(r, "Nat")["SecondaryAllocationIds"] = list
			}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stack := fmt.Sprintf("EgressRejected%d", i)
			_, err := e.tryDeploy(stack, template(t, c.template, c.edit), false)
			if err == nil {
				t.Fatalf("the emulator deployed a template AWS rejects (%s)", c.name)
			}
			for _, want := range []string{"ROLLBACK_COMPLETE", c.resource, c.reason} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the failure does not mention %q: %v", want, err)
				}
			}
		})
	}
}

// testRegionalNat deploys a regional NAT gateway in manual mode
// (ec2_nat_regional): DescribeNatGateways shows it regional, in the VPC
// and no subnet, with each AZ's Elastic IP and its own route table to the
// internet gateway; moving an AZ to another Elastic IP updates it in place;
// the stack's deletion deletes it, its route table and releases its
// addresses.
func testRegionalNat(t *testing.T, e *egressEnv) {
	const stack = "EgressRegionalNat"
	out := e.deploy(t, stack, template(t, "nat-regional", nil), false)
	alloc := strings.Split(out["AllocationIds"], ",")
	describe := func() ec2types.NatGateway {
		t.Helper()
		o, err := e.ec2.DescribeNatGateways(e.ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{out["NatGatewayId"]}})
		if err != nil || len(o.NatGateways) != 1 {
			t.Fatalf("DescribeNatGateways %s: %v", out["NatGatewayId"], err)
		}
		return o.NatGateways[0]
	}
	zones := func(gw ec2types.NatGateway) map[string]string {
		m := map[string]string{}
		for _, a := range gw.NatGatewayAddresses {
			m[aws.ToString(a.AvailabilityZone)] = aws.ToString(a.AllocationId)
			if !netip.MustParsePrefix("198.51.100.128/25").Contains(netip.MustParseAddr(aws.ToString(a.PublicIp))) || aws.ToString(a.AvailabilityZoneId) == "" {
				t.Errorf("address %+v: want an Elastic IP of the emulator's with its zone id", a)
			}
		}
		return m
	}
	gw := describe()
	if gw.AvailabilityMode != ec2types.AvailabilityModeRegional || aws.ToString(gw.VpcId) != out["VpcId"] || aws.ToString(gw.SubnetId) != "" ||
		gw.AutoProvisionZones != ec2types.AutoProvisionZonesStateDisabled || gw.State != ec2types.NatGatewayStateAvailable {
		t.Errorf("regional gateway: mode %s, VPC %s, subnet %q, auto-provision %s, state %s", gw.AvailabilityMode, aws.ToString(gw.VpcId), aws.ToString(gw.SubnetId), gw.AutoProvisionZones, gw.State)
	}
	if got := zones(gw); got["us-east-1a"] != alloc[0] || got["us-east-1b"] != alloc[1] || len(got) != 2 {
		t.Errorf("zones %v, want us-east-1a %s and us-east-1b %s", got, alloc[0], alloc[1])
	}
	rt := aws.ToString(gw.RouteTableId)
	rts, err := e.ec2.DescribeRouteTables(e.ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{rt}})
	if err != nil || len(rts.RouteTables) != 1 {
		t.Fatalf("the gateway's route table %s: %v", rt, err)
	}
	toIgw := false
	for _, r := range rts.RouteTables[0].Routes {
		toIgw = toIgw || (aws.ToString(r.DestinationCidrBlock) == "0.0.0.0/0" && strings.HasPrefix(aws.ToString(r.GatewayId), "igw-"))
	}
	if !toIgw {
		t.Errorf("the gateway's route table %s has no 0.0.0.0/0 to the internet gateway", rt)
	}

	moved := template(t, "nat-regional", func(r map[string]any) {
		zs := props(r, "Nat")["AvailabilityZoneAddresses"].([]any)
		zs[1].(map[string]any)["AllocationIds"] = []any{map[string]any{"Fn::GetAtt": []any{"EipB2", "AllocationId"}}}
	})
	if got := e.deploy(t, stack, moved, true)["NatGatewayId"]; got != out["NatGatewayId"] {
		t.Errorf("moving an AZ to another Elastic IP replaced the gateway: %s -> %s", out["NatGatewayId"], got)
	}
	if got := zones(describe()); got["us-east-1b"] != alloc[2] || got["us-east-1a"] != alloc[0] {
		t.Errorf("after the update: zones %v, want us-east-1b on %s", got, alloc[2])
	}
	addrs, err := e.ec2.DescribeAddresses(e.ctx, &ec2.DescribeAddressesInput{AllocationIds: []string{alloc[1]}})
	if err != nil || len(addrs.Addresses) != 1 || aws.ToString(addrs.Addresses[0].AssociationId) != "" {
		t.Errorf("the Elastic IP the update took off the gateway is still associated: %+v %v", addrs, err)
	}

	e.destroy(t, stack, out["VpcId"])
	if gw := describe(); gw.State != ec2types.NatGatewayStateDeleted {
		t.Errorf("regional NAT gateway state after the stack's deletion = %s", gw.State)
	}
	if o, err := e.ec2.DescribeRouteTables(e.ctx, &ec2.DescribeRouteTablesInput{Filters: Filter("route-table-id", rt)}); err != nil || len(o.RouteTables) != 0 {
		t.Errorf("the gateway's route table %s outlived it: %v", rt, err)
	}
}
