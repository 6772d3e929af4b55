//go:build lifecycle

package lifecycle

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/vpclambda/vpclambda/internal/localaws"
	"github.com/vpclambda/vpclambda/netcheck"
	"github.com/vpclambda/vpclambda/netcheck/awsfacts"
)

// A variant of the app deployed through its context keys: its own checks
// of what it adds, on top of the gateway endpoints every variant has.
type variant struct {
	name    string
	context []string
	check   func(t *testing.T, n *deployedNetwork)
	// dests are further destinations the deployed inspection must prove
	// reachable (the default IPv4 internet and the gateway endpoints'
	// services always are).
	dests []netcheck.Destination
	// from, when set, is deployed first (these context values); the
	// variant is then an update of that stack that must keep its VPC,
	// subnets and route tables.
	from []string
	// noEndpoints: the variant has no gateway endpoints (their services
	// are reached through the NAT device).
	noEndpoints bool
}

var variants = []variant{
	{
		name:    "NAT instance",
		context: []string{"natProvider=instance"},
		check:   checkNatInstance,
	},
	{
		name:    "IPv6",
		context: []string{"ipv6=true"},
		check:   checkIPv6,
		dests:   []netcheck.Destination{{Internet: netcheck.IPv6, Protocol: 6, Port: 443}},
	},
	{
		name:    "NAT instance and IPv6",
		context: []string{"natProvider=instance", "ipv6=true"},
		check:   func(t *testing.T, n *deployedNetwork) { checkNatInstance(t, n); checkIPv6(t, n) },
		dests:   []netcheck.Destination{{Internet: netcheck.IPv6, Protocol: 6, Port: 443}},
	},
	{
		name:        "no gateway endpoints",
		context:     []string{"gatewayEndpoints=none"},
		check:       checkNoGatewayEndpoints,
		noEndpoints: true,
	},
	{
		name:    "IPv6 turned on in a deployed stack",
		context: []string{"ipv6=true"},
		check:   checkIPv6,
		from:    []string{},
		dests:   []netcheck.Destination{{Internet: netcheck.IPv6, Protocol: 6, Port: 443}},
	},
}

// TestLifecycleVariants deploys the app's other ways out with the real CLI
// to a fresh emulator, one after the other: deploy (or an update of a
// deployed stack, which must keep its network), the describes of what the
// variant adds (and of the gateway endpoints), the inspection of the
// deployed network, an invocation through the emulator's Lambda API (run
// in the VPC twin of the deployed network: its publicIp must be a deployed
// NAT device's address), cdk destroy, and nothing left.
func TestLifecycleVariants(t *testing.T) {
	if testing.Short() {
		t.Skip("deploys to the local emulator")
	}
	dir := root(t)
	ctx := context.Background()
	twinCmd := twinCommand(t, dir)
	emu := startEmulatorWith(t, dir, twinCmd)
	cfg, err := emu.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := &clients{twin: twinCmd != "", twinCmd: twinCmd, root: dir, env: emu.Env(), cfn: cloudformation.NewFromConfig(cfg), ec2: ec2.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg),
		lam: lambda.NewFromConfig(cfg), logs: cloudwatchlogs.NewFromConfig(cfg), cfg: cfg}
	cdk := &localaws.CDK{Root: dir, Env: emu.Env(), Output: t.TempDir()}
	if err := cdk.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			runVariant(t, ctx, c, v, func(values []string) (map[string]string, error) {
				return cdk.Deploy(ctx, stack, values...)
			}, func() error {
				_, err := cdk.Run(ctx, 3*time.Minute, "destroy", stack, "--force")
				return err
			})
		})
	}
}

// runVariant deploys a variant, checks it, destroys it and checks that
// nothing is left.
func runVariant(t *testing.T, ctx context.Context, c *clients, v variant, deploy func(values []string) (map[string]string, error), destroy func() error) {
	began := time.Now()
	var before map[string]resource
	if v.from != nil {
		if _, err := deploy(v.from); err != nil {
			t.Fatalf("cdk deploy %v: %v", v.from, err)
		}
		before = stackNetwork(t, ctx, c)
	}
	outputs, err := deploy(v.context)
	if err != nil {
		t.Fatalf("cdk deploy -c %s: %v", strings.Join(v.context, " -c "), err)
	}
	if before != nil {
		kept := map[string]resource{}
		for id, r := range before {
			switch r.Type {
			case "AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::RouteTable", "AWS::EC2::NetworkAcl", "AWS::EC2::NatGateway":
				kept[id] = r
			}
		}
		sameNetwork(t, kept, stackNetwork(t, ctx, c), "the update to -c "+strings.Join(v.context, " -c "))
	}
	n := describeNetwork(t, ctx, c, outputs)
	v.check(t, n)
	if !v.noEndpoints {
		checkGatewayEndpoints(t, n)
	}
	if err := inspectAllPass(ctx, c, outputs, 2); err != nil {
		t.Error(err)
	}
	if err := invokeAnswersNatIP(ctx, c, outputs); err != nil {
		t.Errorf("invoke (in the VPC twin): %v", err)
	}
	if err := twinOfStack(ctx, c, outputs); err != nil {
		t.Errorf("twin --stack: %v", err)
	}
	dests := append([]netcheck.Destination{{Service: "s3", Protocol: 6, Port: 443}, {Service: "dynamodb", Protocol: 6, Port: 443}}, v.dests...)
	for _, d := range dests {
		if err := inspectReachable(ctx, c, d); err != nil {
			t.Error(err)
		}
	}
	created := stackNetwork(t, ctx, c)
	obs := observed(t, ctx, c, outputs)
	if err := destroy(); err != nil {
		t.Fatal(err)
	}
	if err := nothingLeft(ctx, c, created, outputs, obs); err != nil {
		t.Error(err)
	}
	t.Logf("deploy, checks, invoke, destroy: %.1f s", time.Since(began).Seconds())
	notProvenWithoutTwin(t, c)
}

// twinOfStack runs the README's `twin --stack STACK` against the emulator,
// from the repository's root: every subnet must answer with the deployed
// NAT device's address (NatPublicIps), and every witness agree.
func twinOfStack(ctx context.Context, c *clients, outputs map[string]string) error {
	if !c.twin {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.twinCmd, "--stack", stack)
	cmd.Dir, cmd.Env = c.root, append(os.Environ(), c.env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v:\n%s", err, out)
	}
	for _, ip := range strings.Split(outputs["NatPublicIps"], ",") {
		if !strings.Contains(string(out), "answered "+ip+";") {
			return fmt.Errorf("no subnet answered with the deployed NAT address %s:\n%s", ip, out)
		}
	}
	if !strings.Contains(string(out), "WITNESSES AGREE") || strings.Contains(string(out), "FAIL ") {
		return fmt.Errorf("the twin of the deployed stack did not match:\n%s", out)
	}
	return nil
}

// checkNoGatewayEndpoints: gatewayEndpoints=none leaves the VPC without
// gateway endpoints.
func checkNoGatewayEndpoints(t *testing.T, n *deployedNetwork) {
	eps, err := n.c.ec2.DescribeVpcEndpoints(n.ctx, &ec2.DescribeVpcEndpointsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{aws.ToString(n.vpc.VpcId)}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range eps.VpcEndpoints {
		if e.VpcEndpointType == ec2types.VpcEndpointTypeGateway && !strings.EqualFold(string(e.State), "deleted") {
			t.Errorf("gatewayEndpoints=none: the VPC has the gateway endpoint %s (%s)", aws.ToString(e.VpcEndpointId), aws.ToString(e.ServiceName))
		}
	}
}

// inspectReachable runs the deployed inspection for another destination:
// every function subnet must reach it, with nothing unknown.
func inspectReachable(ctx context.Context, c *clients, dest netcheck.Destination) error {
	facts, err := awsfacts.NewClients(c.cfg).FromStack(ctx, stack)
	if err != nil {
		return err
	}
	report, err := netcheck.Analyze(facts, dest, "")
	if err != nil {
		return err
	}
	if !report.Reachable || report.Unknown {
		var b strings.Builder
		report.WriteText(&b)
		return fmt.Errorf("the deployed network does not reach %s:\n%s", dest, b.String())
	}
	return nil
}

// observed is the flow log's log group and the stack's alarms, for the
// nothing-left check after the destroy (TestLifecycle checks what they are).
func observed(t *testing.T, ctx context.Context, c *clients, outputs map[string]string) *observability {
	t.Helper()
	fl, err := c.ec2.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{Filter: []ec2types.Filter{{Name: aws.String("resource-id"), Values: []string{outputs["VpcId"]}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(fl.FlowLogs) != 1 {
		t.Fatalf("want one flow log on %s, got %d", outputs["VpcId"], len(fl.FlowLogs))
	}
	obs := &observability{logGroup: aws.ToString(fl.FlowLogs[0].LogGroupName)}
	if dest := aws.ToString(fl.FlowLogs[0].LogDestination); obs.logGroup == "" && strings.Contains(dest, ":log-group:") {
		obs.logGroup = strings.TrimSuffix(dest[strings.Index(dest, ":log-group:")+len(":log-group:"):], ":*")
	}
	if obs.logGroup == "" {
		t.Fatalf("the flow log %s names no log group", aws.ToString(fl.FlowLogs[0].FlowLogId))
	}
	alarms, err := describeAlarms(ctx, c.cfg, url.Values{"AlarmNamePrefix": {stack + "-"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range alarms {
		obs.alarms = append(obs.alarms, a.AlarmName)
	}
	return obs
}

// deployedNetwork is the stack's network as DescribeVpcs, DescribeSubnets,
// DescribeRouteTables and DescribeNetworkAcls show it.
type deployedNetwork struct {
	ctx     context.Context
	c       *clients
	outputs map[string]string
	vpc     ec2types.Vpc
	private []ec2types.Subnet
	tableOf map[string]ec2types.RouteTable // subnet -> its route table
	aclOf   map[string]ec2types.NetworkAcl // subnet -> its network ACL
	public  ec2types.RouteTable            // the table routing 0.0.0.0/0 to the internet gateway
}

func describeNetwork(t *testing.T, ctx context.Context, c *clients, outputs map[string]string) *deployedNetwork {
	t.Helper()
	n := &deployedNetwork{ctx: ctx, c: c, outputs: outputs, tableOf: map[string]ec2types.RouteTable{}, aclOf: map[string]ec2types.NetworkAcl{}}
	vf := []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{outputs["VpcId"]}}}
	vpcs, err := c.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{outputs["VpcId"]}})
	if err != nil || len(vpcs.Vpcs) != 1 {
		t.Fatalf("DescribeVpcs %s: %v", outputs["VpcId"], err)
	}
	n.vpc = vpcs.Vpcs[0]
	subnets, err := c.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: strings.Split(outputs["PrivateSubnetIds"], ",")})
	if err != nil {
		t.Fatal(err)
	}
	n.private = subnets.Subnets
	tables, err := c.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: vf})
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range tables.RouteTables {
		for _, a := range rt.Associations {
			if s := aws.ToString(a.SubnetId); s != "" {
				n.tableOf[s] = rt
			}
		}
		for _, r := range rt.Routes {
			if aws.ToString(r.DestinationCidrBlock) == "0.0.0.0/0" && strings.HasPrefix(aws.ToString(r.GatewayId), "igw-") {
				n.public = rt
			}
		}
	}
	acls, err := c.ec2.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: vf})
	if err != nil {
		t.Fatal(err)
	}
	for _, acl := range acls.NetworkAcls {
		for _, a := range acl.Associations {
			n.aclOf[aws.ToString(a.SubnetId)] = acl
		}
	}
	for _, s := range n.private {
		if _, ok := n.tableOf[aws.ToString(s.SubnetId)]; !ok {
			t.Fatalf("private subnet %s has no route table association", aws.ToString(s.SubnetId))
		}
	}
	if n.public.RouteTableId == nil {
		t.Fatal("no route table routes 0.0.0.0/0 to an internet gateway")
	}
	return n
}

// route returns the route of table for a destination (a CIDR, an IPv6
// CIDR or a prefix list id), or nil.
func route(rt ec2types.RouteTable, dest string) *ec2types.Route {
	for _, r := range rt.Routes {
		if aws.ToString(r.DestinationCidrBlock) == dest || aws.ToString(r.DestinationIpv6CidrBlock) == dest || aws.ToString(r.DestinationPrefixListId) == dest {
			return &r
		}
	}
	return nil
}

func checkNatInstance(t *testing.T, n *deployedNetwork) {
	ctx, c := n.ctx, n.c
	vf := []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{aws.ToString(n.vpc.VpcId)}}}
	gws, err := c.ec2.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{Filter: vf})
	if err != nil {
		t.Fatal(err)
	}
	if len(gws.NatGateways) != 0 {
		t.Errorf("a NAT instance network has %d NAT gateways", len(gws.NatGateways))
	}
	res, err := c.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: vf})
	if err != nil {
		t.Fatal(err)
	}
	var insts []ec2types.Instance
	for _, r := range res.Reservations {
		insts = append(insts, r.Instances...)
	}
	if len(insts) != 1 {
		t.Fatalf("want one NAT instance in %s, got %d", aws.ToString(n.vpc.VpcId), len(insts))
	}
	inst := insts[0]
	publicIPs := strings.Split(n.outputs["NatPublicIps"], ",")
	if inst.InstanceType != ec2types.InstanceTypeT4gNano || inst.Architecture != ec2types.ArchitectureValuesArm64 {
		t.Errorf("NAT instance %s %s, want t4g.nano arm64", inst.InstanceType, inst.Architecture)
	}
	if inst.MetadataOptions == nil || inst.MetadataOptions.HttpTokens != ec2types.HttpTokensStateRequired {
		t.Errorf("NAT instance metadata options %+v, want IMDSv2 (HttpTokens required)", inst.MetadataOptions)
	}
	if aws.ToString(inst.KeyName) != "" {
		t.Errorf("NAT instance has the key pair %q", aws.ToString(inst.KeyName))
	}
	if len(publicIPs) != 1 || aws.ToString(inst.PublicIpAddress) != publicIPs[0] {
		t.Errorf("NAT instance public IP %s, want the NatPublicIps output %v", aws.ToString(inst.PublicIpAddress), publicIPs)
	}
	var eni *ec2types.InstanceNetworkInterface
	for i, ni := range inst.NetworkInterfaces {
		if ni.Attachment != nil && aws.ToInt32(ni.Attachment.DeviceIndex) == 0 {
			eni = &inst.NetworkInterfaces[i]
		}
	}
	if eni == nil {
		t.Fatalf("NAT instance has no interface at index 0: %+v", inst.NetworkInterfaces)
	}
	enis, err := c.ec2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{aws.ToString(eni.NetworkInterfaceId)}})
	if err != nil {
		t.Fatal(err)
	}
	ni := enis.NetworkInterfaces[0]
	if aws.ToBool(ni.SourceDestCheck) {
		t.Errorf("NAT interface %s has its source/destination check on: it cannot forward", aws.ToString(ni.NetworkInterfaceId))
	}
	if ni.Association == nil || aws.ToString(ni.Association.PublicIp) != aws.ToString(inst.PublicIpAddress) {
		t.Errorf("NAT interface association %+v, want the Elastic IP %s", ni.Association, aws.ToString(inst.PublicIpAddress))
	}
	if rt, ok := n.tableOf[aws.ToString(ni.SubnetId)]; !ok || aws.ToString(rt.RouteTableId) != aws.ToString(n.public.RouteTableId) {
		t.Errorf("NAT interface subnet %s is not on the public route table %s", aws.ToString(ni.SubnetId), aws.ToString(n.public.RouteTableId))
	}
	for _, s := range n.private {
		rt := n.tableOf[aws.ToString(s.SubnetId)]
		if r := route(rt, "0.0.0.0/0"); r == nil || aws.ToString(r.NetworkInterfaceId) != aws.ToString(ni.NetworkInterfaceId) {
			t.Errorf("subnet %s: route table %s sends 0.0.0.0/0 to %+v, want the NAT interface %s", aws.ToString(s.SubnetId), aws.ToString(rt.RouteTableId), r, aws.ToString(ni.NetworkInterfaceId))
		}
	}
	var groups []string
	for _, g := range ni.Groups {
		groups = append(groups, aws.ToString(g.GroupId))
	}
	sgs, err := c.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: groups})
	if err != nil {
		t.Fatal(err)
	}
	from := map[string]bool{}
	for _, g := range sgs.SecurityGroups {
		for _, p := range g.IpPermissions {
			for _, r := range p.IpRanges {
				if aws.ToString(p.IpProtocol) == "-1" {
					from[aws.ToString(r.CidrIp)] = true
				}
			}
		}
	}
	for _, s := range n.private {
		if !from[aws.ToString(s.CidrBlock)] {
			t.Errorf("the NAT instance's security groups %v let nothing in from private subnet %s (%s)", groups, aws.ToString(s.SubnetId), aws.ToString(s.CidrBlock))
		}
	}
}

func checkIPv6(t *testing.T, n *deployedNetwork) {
	ctx, c := n.ctx, n.c
	var block netip.Prefix
	for _, a := range n.vpc.Ipv6CidrBlockAssociationSet {
		if a.Ipv6CidrBlockState != nil && a.Ipv6CidrBlockState.State == ec2types.VpcCidrBlockStateCodeAssociated {
			block, _ = netip.ParsePrefix(aws.ToString(a.Ipv6CidrBlock))
		}
	}
	if !block.IsValid() || block.Bits() != 56 {
		t.Fatalf("VPC %s has no Amazon-provided IPv6 /56: %+v", aws.ToString(n.vpc.VpcId), n.vpc.Ipv6CidrBlockAssociationSet)
	}
	eigws, err := c.ec2.DescribeEgressOnlyInternetGateways(ctx, &ec2.DescribeEgressOnlyInternetGatewaysInput{})
	if err != nil {
		t.Fatal(err)
	}
	attached := map[string]bool{}
	for _, g := range eigws.EgressOnlyInternetGateways {
		for _, a := range g.Attachments {
			if aws.ToString(a.VpcId) == aws.ToString(n.vpc.VpcId) {
				attached[aws.ToString(g.EgressOnlyInternetGatewayId)] = true
			}
		}
	}
	if len(attached) != 1 {
		t.Errorf("want one egress-only internet gateway attached to %s, got %v", aws.ToString(n.vpc.VpcId), attached)
	}
	seen := map[string]bool{}
	for _, s := range n.private {
		id := aws.ToString(s.SubnetId)
		var blocks []string
		for _, a := range s.Ipv6CidrBlockAssociationSet {
			if a.Ipv6CidrBlockState != nil && a.Ipv6CidrBlockState.State == ec2types.SubnetCidrBlockStateCodeAssociated {
				blocks = append(blocks, aws.ToString(a.Ipv6CidrBlock))
			}
		}
		if len(blocks) != 1 {
			t.Errorf("subnet %s IPv6 blocks %v, want one /64", id, blocks)
		} else if p, err := netip.ParsePrefix(blocks[0]); err != nil || p.Bits() != 64 || !block.Contains(p.Addr()) || seen[blocks[0]] {
			t.Errorf("subnet %s IPv6 block %s is not a /64 of its own in the VPC's %s", id, blocks[0], block)
		}
		seen[strings.Join(blocks, ",")] = true
		rt := n.tableOf[id]
		if r := route(rt, "::/0"); r == nil || !attached[aws.ToString(r.EgressOnlyInternetGatewayId)] {
			t.Errorf("subnet %s: route table %s sends ::/0 to %+v, want the egress-only internet gateway", id, aws.ToString(rt.RouteTableId), r)
		}
		acl, ok := n.aclOf[id]
		if !ok {
			t.Errorf("subnet %s has no network ACL association", id)
			continue
		}
		in, out := false, false
		for _, e := range acl.Entries {
			if aws.ToString(e.Ipv6CidrBlock) == "" || e.RuleAction != ec2types.RuleActionAllow {
				continue
			}
			if rn := aws.ToInt32(e.RuleNumber); rn < 300 || rn > 399 {
				t.Errorf("network ACL %s: IPv6 entry %d outside the rule range 300-399", aws.ToString(acl.NetworkAclId), rn)
			}
			if aws.ToBool(e.Egress) {
				out = true
			} else {
				in = true
			}
		}
		if !in || !out {
			t.Errorf("network ACL %s of subnet %s: IPv6 allow entries inbound %v, outbound %v; want both", aws.ToString(acl.NetworkAclId), id, in, out)
		}
	}
	if r := route(n.public, "::/0"); r == nil || !strings.HasPrefix(aws.ToString(r.GatewayId), "igw-") {
		t.Errorf("public route table %s sends ::/0 to %+v, want the internet gateway", aws.ToString(n.public.RouteTableId), r)
	}
	fn, err := c.lam.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(n.outputs["FunctionName"])})
	if err != nil {
		t.Fatal(err)
	}
	if fn.VpcConfig == nil || !aws.ToBool(fn.VpcConfig.Ipv6AllowedForDualStack) {
		t.Fatalf("function VpcConfig %+v: IPv6 not allowed for dual-stack", fn.VpcConfig)
	}
	sgs, err := c.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: fn.VpcConfig.SecurityGroupIds})
	if err != nil {
		t.Fatal(err)
	}
	v6 := false
	for _, g := range sgs.SecurityGroups {
		for _, p := range g.IpPermissionsEgress {
			v6 = v6 || len(p.Ipv6Ranges) > 0
		}
	}
	if !v6 {
		t.Errorf("the function's security groups %v allow no IPv6 egress", fn.VpcConfig.SecurityGroupIds)
	}
}

// checkGatewayEndpoints: every private route table routes the S3 and
// DynamoDB prefix lists to a gateway endpoint of the VPC (on by default).
func checkGatewayEndpoints(t *testing.T, n *deployedNetwork) {
	ctx, c := n.ctx, n.c
	lists, err := c.ec2.DescribePrefixLists(ctx, &ec2.DescribePrefixListsInput{})
	if err != nil {
		t.Fatal(err)
	}
	services := map[string]string{}
	for _, pl := range lists.PrefixLists {
		for _, svc := range []string{"s3", "dynamodb"} {
			if aws.ToString(pl.PrefixListName) == "com.amazonaws."+localaws.Region+"."+svc {
				services[svc] = aws.ToString(pl.PrefixListId)
			}
		}
	}
	eps, err := c.ec2.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{aws.ToString(n.vpc.VpcId)}}}})
	if err != nil {
		t.Fatal(err)
	}
	endpoints := map[string]string{} // id -> service
	for _, e := range eps.VpcEndpoints {
		if e.VpcEndpointType == ec2types.VpcEndpointTypeGateway && !strings.EqualFold(string(e.State), "deleted") {
			endpoints[aws.ToString(e.VpcEndpointId)] = aws.ToString(e.ServiceName)
		}
	}
	var names []string
	for _, s := range endpoints {
		names = append(names, s)
	}
	sort.Strings(names)
	if want := "com.amazonaws." + localaws.Region + ".dynamodb,com.amazonaws." + localaws.Region + ".s3"; strings.Join(names, ",") != want {
		t.Errorf("gateway endpoints of the VPC: %v, want %s", names, want)
	}
	for _, s := range n.private {
		rt := n.tableOf[aws.ToString(s.SubnetId)]
		for svc, pl := range services {
			r := route(rt, pl)
			if r == nil || !strings.HasSuffix(endpoints[aws.ToString(r.GatewayId)], "."+svc) {
				t.Errorf("subnet %s: route table %s has no route for the %s prefix list %s to its gateway endpoint (%+v)", aws.ToString(s.SubnetId), aws.ToString(rt.RouteTableId), svc, pl, r)
			}
		}
	}
}
