//go:build lifecycle

// Package lifecycle deploys the app with the real CDK CLI to the local AWS
// emulator (moto 5.2.1 with the patches in test/emulator) and takes it
// through its whole life: bootstrap, deploy, inspect, diff, updates,
// a deliberately broken network, destroy, and a check that nothing is left.
package lifecycle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
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
)

const stack = "VpcLambdaInternet"

func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if err := localaws.CheckCLI(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startEmulator starts an emulator that is stopped, and checked to be gone,
// when the test ends, whatever happened.
func startEmulator(t *testing.T, dir string) *localaws.Emulator {
	t.Helper()
	return startEmulatorWith(t, dir, "")
}

// startEmulatorWith is startEmulator with a VPC twin command (twinCommand)
// answering Lambda Invoke ("": none).
func startEmulatorWith(t *testing.T, dir, twinCmd string) *localaws.Emulator {
	t.Helper()
	emu, err := localaws.Start(context.Background(), localaws.Options{Root: dir, LogPath: filepath.Join(t.TempDir(), "emulator.log"), Twin: twinCmd})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := emu.Stop(); err != nil {
			t.Error(err)
		}
		if localaws.Alive(emu.PID) {
			t.Errorf("emulator process %d still running after the test", emu.PID)
		}
		if t.Failed() {
			if data, err := os.ReadFile(emu.LogPath); err == nil {
				lines := strings.Split(string(data), "\n")
				if len(lines) > 60 {
					lines = lines[len(lines)-60:]
				}
				t.Logf("emulator log (last lines):\n%s", strings.Join(lines, "\n"))
			}
		}
	})
	return emu
}

type clients struct {
	cfn  *cloudformation.Client
	ec2  *ec2.Client
	iam  *iam.Client
	lam  *lambda.Client
	logs *cloudwatchlogs.Client
	cfg  aws.Config
	twin bool // the emulator answers Lambda Invoke in the VPC twin
	// twinCmd is the built twin command (with twin), env the emulator's
	// AWS_* settings and root the repository (its working directory).
	twinCmd, root string
	env           []string
}

func TestLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("deploys to the local emulator (about a minute)")
	}
	dir := root(t)
	ctx := context.Background()
	began := time.Now()
	twinCmd := twinCommand(t, dir)
	emu := startEmulatorWith(t, dir, twinCmd)
	cfg, err := emu.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := &clients{twin: twinCmd != "", cfn: cloudformation.NewFromConfig(cfg), ec2: ec2.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg),
		lam: lambda.NewFromConfig(cfg), logs: cloudwatchlogs.NewFromConfig(cfg), cfg: cfg}
	cdk := &localaws.CDK{Root: dir, Env: emu.Env(), Output: t.TempDir()}

	var timings []string
	step := func(name string, f func() error) {
		t.Helper()
		t0 := time.Now()
		if err := f(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		timings = append(timings, fmt.Sprintf("%-34s %5.1f s", name, time.Since(t0).Seconds()))
	}
	defer func() {
		t.Logf("lifecycle timings:\n  %s\n  %-34s %5.1f s", strings.Join(timings, "\n  "), "total", time.Since(began).Seconds())
	}()

	step("cdk bootstrap", func() error { return cdk.Bootstrap(ctx) })

	var outputs map[string]string
	step("cdk deploy", func() error {
		outputs, err = cdk.Deploy(ctx, stack)
		return err
	})
	for _, k := range []string{"FunctionName", "FunctionArn", "VpcId", "PrivateSubnetIds", "NatPublicIps", "InvokeCommand"} {
		if outputs[k] == "" {
			t.Errorf("stack output %s is missing (outputs: %v)", k, outputs)
		}
	}
	if got := len(strings.Split(outputs["PrivateSubnetIds"], ",")); got != 2 {
		t.Errorf("PrivateSubnetIds has %d subnets, want 2: %s", got, outputs["PrivateSubnetIds"])
	}
	step("inspect", func() error { return inspectAllPass(ctx, c, outputs, 2) })
	step("invoke (in the VPC twin)", func() error { return invokeAnswersNatIP(ctx, c, outputs) })
	checkGatewayEndpoints(t, describeNetwork(t, ctx, c, outputs))
	deployed := networkIDs(t, ctx, c)
	var obs *observability
	step("flow log and alarms deployed", func() error {
		obs, err = observabilityDeployed(ctx, c, outputs, deployed)
		return err
	})

	step("cdk diff (no differences)", func() error {
		out, err := cdk.Run(ctx, 2*time.Minute, "diff", stack, "--fail")
		if err != nil {
			return err
		}
		if !strings.Contains(out, "There were no differences") {
			return fmt.Errorf("cdk diff after deploy is not empty:\n%s", out)
		}
		return nil
	})

	step("cdk deploy -c memorySize=256", func() error {
		outputs, err = cdk.Deploy(ctx, stack, "memorySize=256")
		return err
	})
	fn, err := c.lam.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(outputs["FunctionName"])})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(fn.MemorySize) != 256 {
		t.Errorf("memory after the update = %d MB, want 256", aws.ToInt32(fn.MemorySize))
	}
	step("inspect after the function update", func() error { return inspectAllPass(ctx, c, outputs, 2) })
	sameNetwork(t, deployed, networkIDs(t, ctx, c), "the function-only update")

	step("cdk deploy -c allowedDomains=...", func() error {
		outputs, err = cdk.Deploy(ctx, stack, "memorySize=256", "allowedDomains="+strings.Join(lifecycleAllowed, ","))
		return err
	})
	step("allow-list deployed and decided by netcheck --stack", func() error { return allowListDeployed(ctx, c, outputs) })
	sameNetwork(t, deployed, networkIDs(t, ctx, c), "adding the allow-list")
	step("invoke: checkip.amazonaws.com allowed", func() error { return invokeAnswersNatIP(ctx, c, outputs) })
	step("cdk deploy -c allowedDomains=api.example.com", func() error {
		outputs, err = cdk.Deploy(ctx, stack, "memorySize=256", "allowedDomains=api.example.com")
		return err
	})
	step("invoke: checkip.amazonaws.com blocked", func() error { return invokeBlockedName(ctx, c, outputs, "checkip.amazonaws.com") })
	step("cdk deploy without allowedDomains", func() error {
		outputs, err = cdk.Deploy(ctx, stack, "memorySize=256")
		return err
	})
	step("allow-list removed", func() error { return allowListRemoved(ctx, c, outputs) })
	sameNetwork(t, deployed, networkIDs(t, ctx, c), "removing the allow-list")

	step("cdk deploy -c maxAzs=3", func() error {
		outputs, err = cdk.Deploy(ctx, stack, "memorySize=256", "maxAzs=3")
		return err
	})
	step("inspect with three AZs", func() error { return inspectAllPass(ctx, c, outputs, 3) })
	checkGatewayEndpoints(t, describeNetwork(t, ctx, c, outputs))
	grown := networkIDs(t, ctx, c)
	sameNetwork(t, deployed, grown, "adding an AZ")
	if len(grown) <= len(deployed) {
		t.Errorf("adding an AZ added no network resource: %d before, %d after", len(deployed), len(grown))
	}

	step("broken route is reported", func() error { return breakAndRepairRoute(ctx, c, outputs) })

	step("cdk destroy", func() error {
		_, err := cdk.Run(ctx, 3*time.Minute, "destroy", stack, "--force")
		return err
	})
	step("nothing left", func() error { return nothingLeft(ctx, c, grown, outputs, obs) })
	notProvenWithoutTwin(t, c)
}

// notProvenWithoutTwin: where the VPC twin could not run, the function was
// never invoked, so the run proves less than it claims: it ends skipped,
// never passed.
func notProvenWithoutTwin(t *testing.T, c *clients) {
	t.Helper()
	if !c.twin && !t.Failed() {
		t.Skip("NOT PROVEN: the deployed function was never invoked, because the VPC twin cannot run here (see the log above); this run is not a pass")
	}
}

// inspectAllPass runs the deployed-network inspection: every check of every
// subnet must pass, for exactly the subnets of the outputs.
func inspectAllPass(ctx context.Context, c *clients, outputs map[string]string, subnets int) error {
	report, err := localaws.Inspect(ctx, c.cfg, stack)
	if err != nil {
		return err
	}
	if !report.Reachable || report.Unknown {
		var b strings.Builder
		report.WriteText(&b)
		return fmt.Errorf("the deployed network is not reachable:\n%s", b.String())
	}
	if len(report.Functions) != 1 {
		return fmt.Errorf("inspected %d functions, want 1", len(report.Functions))
	}
	f := report.Functions[0]
	if len(f.Subnets) != subnets {
		return fmt.Errorf("the function has %d subnets, want %d", len(f.Subnets), subnets)
	}
	want := strings.Split(outputs["PrivateSubnetIds"], ",")
	sort.Strings(want)
	var got []string
	for _, s := range f.Subnets {
		got = append(got, s.Subnet)
		for _, ch := range s.Checks {
			if ch.Status != netcheck.Pass {
				return fmt.Errorf("subnet %s: %s %s: %s", s.Subnet, ch.Status, ch.Name, ch.Reason)
			}
		}
	}
	sort.Strings(got)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		return fmt.Errorf("the function's subnets %v are not the stack's private subnets %v", got, want)
	}
	names := map[string]bool{}
	for _, ch := range f.Checks {
		names[ch.Name] = ch.Status == netcheck.Pass
	}
	for _, n := range []string{netcheck.CheckSecurityGroup, netcheck.CheckRoleVpcAccess, netcheck.CheckRoleDeny} {
		if !names[n] {
			return fmt.Errorf("function check %s did not pass: %+v", n, f.Checks)
		}
	}
	return nil
}

var networkTypes = map[string]bool{
	"AWS::EC2::VPC": true, "AWS::EC2::Subnet": true, "AWS::EC2::RouteTable": true, "AWS::EC2::Route": true,
	"AWS::EC2::NatGateway": true, "AWS::EC2::EIP": true, "AWS::EC2::InternetGateway": true,
	"AWS::EC2::VPCGatewayAttachment": true, "AWS::EC2::NetworkAcl": true, "AWS::EC2::SecurityGroup": true,
	"AWS::EC2::SubnetRouteTableAssociation": true, "AWS::EC2::SubnetNetworkAclAssociation": true,
	"AWS::EC2::VPCEndpoint": true, "AWS::EC2::Instance": true, "AWS::EC2::NetworkInterface": true,
	"AWS::EC2::EIPAssociation": true, "AWS::EC2::VPCCidrBlock": true, "AWS::EC2::EgressOnlyInternetGateway": true,
}

type resource struct{ Type, PhysicalID string }

// networkIDs maps the logical id of every network resource of the stack to
// its type and physical id; the default topology's kinds must be there.
func networkIDs(t *testing.T, ctx context.Context, c *clients) map[string]resource {
	t.Helper()
	out := stackNetwork(t, ctx, c)
	for _, want := range []string{"AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::RouteTable", "AWS::EC2::NatGateway", "AWS::EC2::NetworkAcl"} {
		found := false
		for _, r := range out {
			found = found || r.Type == want
		}
		if !found {
			t.Fatalf("the stack lists no %s: %v", want, out)
		}
	}
	return out
}

// stackNetwork maps the logical id of every network resource of the stack
// to its type and physical id.
func stackNetwork(t *testing.T, ctx context.Context, c *clients) map[string]resource {
	t.Helper()
	out := map[string]resource{}
	p := cloudformation.NewListStackResourcesPaginator(c.cfn, &cloudformation.ListStackResourcesInput{StackName: aws.String(stack)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.StackResourceSummaries {
			if networkTypes[aws.ToString(r.ResourceType)] {
				out[aws.ToString(r.LogicalResourceId)] = resource{aws.ToString(r.ResourceType), aws.ToString(r.PhysicalResourceId)}
			}
		}
	}
	return out
}

// sameNetwork fails for every network resource of before that after
// replaced (another physical id) or lost.
func sameNetwork(t *testing.T, before, after map[string]resource, what string) {
	t.Helper()
	for id, r := range before {
		a, ok := after[id]
		switch {
		case !ok:
			t.Errorf("%s removed %s %s (%s)", what, r.Type, id, r.PhysicalID)
		case a.PhysicalID != r.PhysicalID:
			t.Errorf("%s replaced %s %s: %s -> %s", what, r.Type, id, r.PhysicalID, a.PhysicalID)
		}
	}
}

// breakAndRepairRoute deletes the private route to the NAT gateway with the
// EC2 API, as someone might by hand: the inspection must fail on every
// function subnet naming that route table; then the route is put back.
func breakAndRepairRoute(ctx context.Context, c *clients, outputs map[string]string) error {
	tables, err := c.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{outputs["VpcId"]}}}})
	if err != nil {
		return err
	}
	var rt, nat string
	for _, t := range tables.RouteTables {
		for _, r := range t.Routes {
			if aws.ToString(r.DestinationCidrBlock) == "0.0.0.0/0" && aws.ToString(r.NatGatewayId) != "" {
				rt, nat = aws.ToString(t.RouteTableId), aws.ToString(r.NatGatewayId)
			}
		}
	}
	if rt == "" {
		return errors.New("no route table routes 0.0.0.0/0 to a NAT gateway")
	}
	if _, err := c.ec2.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("0.0.0.0/0")}); err != nil {
		return err
	}
	report, err := localaws.Inspect(ctx, c.cfg, stack)
	if err != nil {
		return err
	}
	if report.Reachable {
		return errors.New("the inspection passed with the private route deleted")
	}
	failures := report.Failures()
	subnets := strings.Split(outputs["PrivateSubnetIds"], ",")
	if len(failures) != len(subnets) {
		return fmt.Errorf("want one failure per subnet (%d), got %v", len(subnets), failures)
	}
	for _, f := range failures {
		if !strings.Contains(f, ": "+netcheck.CheckRoute+" "+rt) {
			return fmt.Errorf("failure %q does not name check %q and route table %s", f, netcheck.CheckRoute, rt)
		}
	}
	if err := invokeFailsFast(ctx, c, outputs); err != nil {
		return err
	}
	if _, err := c.ec2.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(rt), DestinationCidrBlock: aws.String("0.0.0.0/0"), NatGatewayId: aws.String(nat)}); err != nil {
		return err
	}
	if err := inspectAllPass(ctx, c, outputs, len(subnets)); err != nil {
		return err
	}
	return invokeAnswersNatIP(ctx, c, outputs)
}

// nothingLeft checks that no resource the stack created still exists.
func nothingLeft(ctx context.Context, c *clients, created map[string]resource, outputs map[string]string, obs *observability) error {
	filter := localaws.Filter
	vpc := outputs["VpcId"]
	counter := localaws.NewLeftovers(c.cfg)
	var checks []check
	// How many of each resource still exist, by type, given its physical
	// id (routes and associations go with their tables and subnets).
	for id, r := range created {
		if counter.Counts(r.Type) {
			typ, pid := r.Type, r.PhysicalID
			checks = append(checks, check{fmt.Sprintf("%s %s (%s)", typ, id, pid), func() (int, error) {
				n, _, err := counter.Count(ctx, typ, pid)
				return n, err
			}})
		}
	}
	// Whatever else the VPC held (e.g. its default network ACL and security
	// group), and what is not a network resource.
	checks = append(checks,
		check{"network ACL in the stack's VPC", func() (int, error) {
			o, err := c.ec2.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: filter("vpc-id", vpc)})
			if err != nil {
				return 0, err
			}
			return len(o.NetworkAcls), nil
		}},
		check{"security group in the stack's VPC", func() (int, error) {
			o, err := c.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: filter("vpc-id", vpc)})
			if err != nil {
				return 0, err
			}
			return len(o.SecurityGroups), nil
		}},
		check{"instance in the stack's VPC", func() (int, error) {
			o, err := c.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: filter("vpc-id", vpc)})
			if err != nil {
				return 0, err
			}
			return localaws.LiveInstances(o), nil
		}},
		check{"VPC endpoint in the stack's VPC", func() (int, error) {
			o, err := c.ec2.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{Filters: filter("vpc-id", vpc)})
			if err != nil {
				return 0, err
			}
			n := 0
			for _, e := range o.VpcEndpoints {
				if !strings.EqualFold(string(e.State), "deleted") {
					n++
				}
			}
			return n, nil
		}},
		check{"network interface in the stack's VPC", func() (int, error) {
			o, err := c.ec2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: filter("vpc-id", vpc)})
			if err != nil {
				return 0, err
			}
			return len(o.NetworkInterfaces), nil
		}},
		check{"Elastic IP " + outputs["NatPublicIps"], func() (int, error) {
			o, err := c.ec2.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{Filters: filter("public-ip", strings.Split(outputs["NatPublicIps"], ",")...)})
			if err != nil {
				return 0, err
			}
			return len(o.Addresses), nil
		}},
		check{"function " + outputs["FunctionName"], func() (int, error) {
			_, err := c.lam.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(outputs["FunctionName"])})
			return localaws.Existence(err)
		}},
		check{"execution role of the stack", func() (int, error) {
			o, err := c.iam.ListRoles(ctx, &iam.ListRolesInput{})
			if err != nil {
				return 0, err
			}
			n := 0
			for _, r := range o.Roles {
				if strings.HasPrefix(aws.ToString(r.RoleName), stack+"-") {
					n++
				}
			}
			return n, nil
		}},
		check{"log group /aws/lambda/" + outputs["FunctionName"], func() (int, error) {
			o, err := c.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/" + outputs["FunctionName"])})
			if err != nil {
				return 0, err
			}
			return len(o.LogGroups), nil
		}},
	)
	checks = append(checks, observabilityLeft(ctx, c, vpc, obs)...)
	var left []string
	for _, ch := range checks {
		n, err := ch.count()
		if err != nil {
			return fmt.Errorf("checking for %s: %v", ch.what, err)
		}
		if n > 0 {
			left = append(left, fmt.Sprintf("%d x %s", n, ch.what))
		}
	}
	st, err := c.cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stack)})
	if err == nil && len(st.Stacks) > 0 && st.Stacks[0].StackStatus != "DELETE_COMPLETE" {
		left = append(left, "stack "+stack+" in status "+string(st.Stacks[0].StackStatus))
	}
	if len(left) > 0 {
		sort.Strings(left)
		return fmt.Errorf("left after cdk destroy:\n  %s", strings.Join(left, "\n  "))
	}
	return nil
}

// check counts what is left of one thing the stack created.
type check struct {
	what  string
	count func() (int, error)
}

// observabilityLeft checks for the flow log, its log group, the alarms and
// the customer managed policies of the stack.
func observabilityLeft(ctx context.Context, c *clients, vpc string, obs *observability) []check {
	filter := func(name string, ids ...string) []ec2types.Filter {
		return []ec2types.Filter{{Name: aws.String(name), Values: ids}}
	}
	return []check{
		check{"flow log of the stack's VPC", func() (int, error) {
			o, err := c.ec2.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{Filter: filter("resource-id", vpc)})
			if err != nil {
				return 0, err
			}
			return len(o.FlowLogs), nil
		}},
		check{"flow log group " + obs.logGroup, func() (int, error) {
			o, err := c.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(obs.logGroup)})
			if err != nil {
				return 0, err
			}
			return len(o.LogGroups), nil
		}},
		check{"alarm of the stack", func() (int, error) {
			q := url.Values{}
			for i, n := range obs.alarms {
				q.Set(fmt.Sprintf("AlarmNames.member.%d", i+1), n)
			}
			o, err := describeAlarms(ctx, c.cfg, q)
			return len(o), err
		}},
		check{"customer managed policy of the stack", func() (int, error) {
			n := 0
			p := iam.NewListPoliciesPaginator(c.iam, &iam.ListPoliciesInput{Scope: "Local"})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return 0, err
				}
				for _, pol := range page.Policies {
					if strings.HasPrefix(aws.ToString(pol.PolicyName), stack+"-") {
						n++
					}
				}
			}
			return n, nil
		}},
	}
}

// TestFailedDeployLeavesNothingRunning deploys a cloud assembly whose
// template CloudFormation rejects (a subnet outside its VPC's CIDR): the
// deploy must fail naming the resource and the reason, and the emulator it
// started must be stopped.
func TestFailedDeployLeavesNothingRunning(t *testing.T) {
	if testing.Short() {
		t.Skip("deploys to the local emulator")
	}
	dir := root(t)
	ctx := context.Background()
	assembly := t.TempDir()
	synth := &localaws.CDK{Root: dir, Output: assembly}
	if _, err := synth.Run(ctx, 3*time.Minute, "synth", stack, "--quiet"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(assembly, stack+".template.json")
	var tpl map[string]any
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &tpl); err != nil {
		t.Fatal(err)
	}
	resources := tpl["Resources"].(map[string]any)
	broken := ""
	for id, r := range resources {
		m := r.(map[string]any)
		if m["Type"] == "AWS::EC2::Subnet" && strings.Contains(id, "PrivateSubnet1") {
			m["Properties"].(map[string]any)["CidrBlock"] = "192.168.0.0/24"
			broken = id
		}
	}
	if broken == "" {
		t.Fatal("no private subnet in the template")
	}
	data, _ = json.Marshal(tpl)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}

	var emu *localaws.Emulator
	var out strings.Builder
	_, err = localaws.Up(ctx, localaws.UpOptions{Root: dir, App: assembly, Out: &out, StateDir: t.TempDir(),
		Started: func(e *localaws.Emulator) { emu = e }})
	if emu == nil {
		t.Fatalf("the emulator did not start: %v", err)
	}
	t.Cleanup(func() { emu.Stop() })
	if err == nil {
		t.Fatalf("deploying a subnet outside the VPC's CIDR succeeded:\n%s", out.String())
	}
	for _, want := range []string{"CREATE_FAILED", broken, "192.168.0.0/24"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the deploy error does not mention %q:\n%v", want, err)
		}
	}
	if localaws.Alive(emu.PID) {
		t.Errorf("the emulator (pid %d) is still running after the failed deploy", emu.PID)
	}
}

// observability is what the stack deployed to watch its network.
type observability struct {
	logGroup string   // the flow log's
	alarms   []string // the NAT gateway's alarm names
}

// observabilityDeployed checks the deployed flow log (all traffic of the
// VPC, the custom format, to its log group through its role) and the NAT
// gateway's two alarms, read back through the EC2, CloudWatch Logs, IAM
// and CloudWatch APIs.
func observabilityDeployed(ctx context.Context, c *clients, outputs map[string]string, deployed map[string]resource) (*observability, error) {
	vpc := outputs["VpcId"]
	fl, err := c.ec2.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{Filter: []ec2types.Filter{{Name: aws.String("resource-id"), Values: []string{vpc}}}})
	if err != nil {
		return nil, err
	}
	if len(fl.FlowLogs) != 1 {
		return nil, fmt.Errorf("want one flow log on %s, got %d", vpc, len(fl.FlowLogs))
	}
	f := fl.FlowLogs[0]
	if f.TrafficType != ec2types.TrafficTypeAll || f.LogDestinationType != ec2types.LogDestinationTypeCloudWatchLogs ||
		!strings.Contains(aws.ToString(f.LogFormat), "${pkt-srcaddr} ${pkt-dstaddr}") {
		return nil, fmt.Errorf("flow log %s: traffic %s, destination %s, format %q", aws.ToString(f.FlowLogId), f.TrafficType, f.LogDestinationType, aws.ToString(f.LogFormat))
	}
	obs := &observability{logGroup: aws.ToString(f.LogGroupName)}
	if obs.logGroup == "" {
		dest := aws.ToString(f.LogDestination) // arn:...:log-group:NAME(:*)
		if i := strings.Index(dest, ":log-group:"); i >= 0 {
			obs.logGroup = strings.TrimSuffix(dest[i+len(":log-group:"):], ":*")
		}
	}
	lg, err := c.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(obs.logGroup)})
	if err != nil {
		return nil, err
	}
	if obs.logGroup == "" || len(lg.LogGroups) != 1 || aws.ToInt32(lg.LogGroups[0].RetentionInDays) != 30 {
		return nil, fmt.Errorf("the flow log's log group %q: want one, kept 30 days: %+v", obs.logGroup, lg.LogGroups)
	}
	role := aws.ToString(f.DeliverLogsPermissionArn)
	if _, err := c.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role[strings.LastIndex(role, "/")+1:])}); err != nil {
		return nil, fmt.Errorf("the flow log's role %s: %v", role, err)
	}
	var nat string
	for _, r := range deployed {
		if r.Type == "AWS::EC2::NatGateway" {
			nat = r.PhysicalID
		}
	}
	alarms, err := describeAlarms(ctx, c.cfg, url.Values{"AlarmNamePrefix": {stack + "-"}})
	if err != nil {
		return nil, err
	}
	found := map[string]bool{}
	for _, a := range alarms {
		obs.alarms = append(obs.alarms, a.AlarmName)
		dims, name := a.Dimensions, a.MetricName
		for _, m := range a.Metrics {
			if m.MetricStat.Metric.MetricName == "PacketsDropCount" {
				dims, name = m.MetricStat.Metric.Dimensions, "PacketsDropCount"
			}
		}
		for _, d := range dims {
			if d.Name == "NatGatewayId" && d.Value == nat {
				found[name] = true
			}
		}
	}
	if len(alarms) != 2 || !found["ErrorPortAllocation"] || !found["PacketsDropCount"] {
		return nil, fmt.Errorf("want the ErrorPortAllocation and PacketsDropCount alarms on NAT gateway %s, got %d alarms %v (watching %v)", nat, len(alarms), obs.alarms, found)
	}
	return obs, nil
}
