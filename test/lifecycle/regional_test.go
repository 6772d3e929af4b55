//go:build lifecycle

package lifecycle

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
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
)

// TestLifecycleRegionalNat deploys the app with its one zonal NAT gateway,
// updates it to a regional NAT gateway (-c natProvider=regional) and back,
// then destroys it. While each update runs, the VPC's routes are read
// again and again: none may ever point at a NAT gateway that is deleted,
// being deleted or gone. After each update the network is what the way
// out needs, the deployed inspection passes on both subnets and the
// function answers with the gateway's address; after the destroy nothing
// is left (the regional gateway's own route table included).
func TestLifecycleRegionalNat(t *testing.T) {
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
	c := &clients{twin: twinCmd != "", cfn: cloudformation.NewFromConfig(cfg), ec2: ec2.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg),
		lam: lambda.NewFromConfig(cfg), logs: cloudwatchlogs.NewFromConfig(cfg), cfg: cfg}
	cdk := &localaws.CDK{Root: dir, Env: emu.Env(), Output: t.TempDir()}
	if err := cdk.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	began := time.Now()

	outputs, err := cdk.Deploy(ctx, stack)
	if err != nil {
		t.Fatalf("cdk deploy: %v", err)
	}
	vpc := outputs["VpcId"]
	zonal := gateways(t, ctx, c, vpc)
	if len(zonal) != 1 || zonal[0].AvailabilityMode == ec2types.AvailabilityModeRegional {
		t.Fatalf("the default stack must have one zonal NAT gateway, got %v", gatewayIDs(zonal))
	}

	// Zonal -> regional.
	w := watchRoutes(ctx, c, vpc, emu.LogPath)
	outputs, err = cdk.Deploy(ctx, stack, "natProvider=regional")
	w.stop(t, "the update to natProvider=regional")
	if err != nil {
		t.Fatalf("cdk deploy -c natProvider=regional: %v", err)
	}
	if outputs["VpcId"] != vpc {
		t.Fatalf("the update replaced the VPC: %s -> %s", vpc, outputs["VpcId"])
	}
	regional := checkRegionalDeployed(t, ctx, c, outputs)
	if g := gatewayState(t, ctx, c, aws.ToString(zonal[0].NatGatewayId)); g != ec2types.NatGatewayStateDeleted {
		t.Errorf("the zonal NAT gateway %s is %s after the update, want deleted", aws.ToString(zonal[0].NatGatewayId), g)
	}
	if err := inspectAllPass(ctx, c, outputs, 2); err != nil {
		t.Error(err)
	}
	if err := invokeAnswersGatewayIP(ctx, c, outputs); err != nil {
		t.Error(err)
	}

	// Regional -> zonal.
	w = watchRoutes(ctx, c, vpc, emu.LogPath)
	outputs, err = cdk.Deploy(ctx, stack)
	w.stop(t, "the update back to one zonal NAT gateway")
	if err != nil {
		t.Fatalf("cdk deploy (back to zonal): %v", err)
	}
	back := gateways(t, ctx, c, vpc)
	if len(back) != 1 || back[0].AvailabilityMode == ec2types.AvailabilityModeRegional || aws.ToString(back[0].SubnetId) == "" {
		t.Errorf("after the update back: want one zonal NAT gateway in a subnet, got %v", gatewayIDs(back))
	}
	if g := gatewayState(t, ctx, c, aws.ToString(regional.NatGatewayId)); g != ec2types.NatGatewayStateDeleted {
		t.Errorf("the regional NAT gateway is %s after the update back, want deleted", g)
	}
	if rt := aws.ToString(regional.RouteTableId); routeTableExists(t, ctx, c, rt) {
		t.Errorf("the regional NAT gateway's route table %s outlived it", rt)
	}
	if err := inspectAllPass(ctx, c, outputs, 2); err != nil {
		t.Error(err)
	}
	if err := invokeAnswersNatIP(ctx, c, outputs); err != nil {
		t.Error(err)
	}

	created := stackNetwork(t, ctx, c)
	obs := observed(t, ctx, c, outputs)
	if _, err := cdk.Run(ctx, 3*time.Minute, "destroy", stack, "--force"); err != nil {
		t.Fatal(err)
	}
	if err := nothingLeft(ctx, c, created, outputs, obs); err != nil {
		t.Error(err)
	}
	t.Logf("zonal -> regional -> zonal, destroy: %.1f s", time.Since(began).Seconds())
}

// gateways are the VPC's NAT gateways that are not deleted.
func gateways(t *testing.T, ctx context.Context, c *clients, vpc string) []ec2types.NatGateway {
	t.Helper()
	out, err := c.ec2.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{Filter: localaws.Filter("vpc-id", vpc)})
	if err != nil {
		t.Fatal(err)
	}
	var live []ec2types.NatGateway
	for _, g := range out.NatGateways {
		if g.State != ec2types.NatGatewayStateDeleted && g.State != ec2types.NatGatewayStateDeleting {
			live = append(live, g)
		}
	}
	return live
}

func gatewayIDs(gs []ec2types.NatGateway) []string {
	var out []string
	for _, g := range gs {
		out = append(out, fmt.Sprintf("%s (%s, %s)", aws.ToString(g.NatGatewayId), g.AvailabilityMode, g.State))
	}
	return out
}

func gatewayState(t *testing.T, ctx context.Context, c *clients, id string) ec2types.NatGatewayState {
	t.Helper()
	out, err := c.ec2.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{id}})
	if err != nil || len(out.NatGateways) == 0 {
		return ec2types.NatGatewayStateDeleted // gone
	}
	return out.NatGateways[0].State
}

func routeTableExists(t *testing.T, ctx context.Context, c *clients, id string) bool {
	t.Helper()
	out, err := c.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: localaws.Filter("route-table-id", id)})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.RouteTables) > 0
}

// checkRegionalDeployed checks the deployed regional way out: one NAT
// gateway, regional, public, in the VPC and in no subnet, available, in
// automatic mode, with an address in the AZ of each private subnet and its
// own route table sending 0.0.0.0/0 to the VPC's internet gateway; no
// public subnet; every private subnet routes 0.0.0.0/0 to it.
func checkRegionalDeployed(t *testing.T, ctx context.Context, c *clients, outputs map[string]string) ec2types.NatGateway {
	t.Helper()
	vpc := outputs["VpcId"]
	live := gateways(t, ctx, c, vpc)
	if len(live) != 1 {
		t.Fatalf("want one NAT gateway after the update, got %v", gatewayIDs(live))
	}
	g := live[0]
	id := aws.ToString(g.NatGatewayId)
	if outputs["RegionalNatGatewayId"] != id || outputs["NatPublicIps"] != "" {
		t.Errorf("outputs RegionalNatGatewayId %q (want %s), NatPublicIps %q (want none: AWS chooses automatic mode's addresses)",
			outputs["RegionalNatGatewayId"], id, outputs["NatPublicIps"])
	}
	if g.AvailabilityMode != ec2types.AvailabilityModeRegional || g.ConnectivityType != ec2types.ConnectivityTypePublic ||
		aws.ToString(g.VpcId) != vpc || aws.ToString(g.SubnetId) != "" || g.State != ec2types.NatGatewayStateAvailable ||
		g.AutoProvisionZones != ec2types.AutoProvisionZonesStateEnabled {
		t.Errorf("regional NAT gateway %s: mode %s, connectivity %s, VPC %s, subnet %q, state %s, auto-provision %s",
			id, g.AvailabilityMode, g.ConnectivityType, aws.ToString(g.VpcId), aws.ToString(g.SubnetId), g.State, g.AutoProvisionZones)
	}
	subnets, err := c.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: localaws.Filter("vpc-id", vpc)})
	if err != nil {
		t.Fatal(err)
	}
	private := strings.Split(outputs["PrivateSubnetIds"], ",")
	sort.Strings(private)
	var all, azs []string
	for _, s := range subnets.Subnets {
		all = append(all, aws.ToString(s.SubnetId))
		azs = append(azs, aws.ToString(s.AvailabilityZone))
	}
	sort.Strings(all)
	if strings.Join(all, ",") != strings.Join(private, ",") {
		t.Errorf("the VPC's subnets %v must be the private ones %v: a regional NAT gateway needs no public subnet", all, private)
	}
	served := map[string]bool{}
	for _, a := range g.NatGatewayAddresses {
		if aws.ToString(a.PublicIp) != "" {
			served[aws.ToString(a.AvailabilityZone)] = true
		}
	}
	for _, az := range azs {
		if !served[az] {
			t.Errorf("regional NAT gateway %s has no address in %s, where a private subnet is (automatic mode serves every AZ with subnets)", id, az)
		}
	}
	n := describeNetwork(t, ctx, c, outputs)
	for _, s := range n.private {
		r := route(n.tableOf[aws.ToString(s.SubnetId)], "0.0.0.0/0")
		if r == nil || aws.ToString(r.NatGatewayId) != id {
			t.Errorf("private subnet %s: 0.0.0.0/0 must go to the regional NAT gateway %s, got %+v", aws.ToString(s.SubnetId), id, r)
		}
	}
	rts, err := c.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: localaws.Filter("route-table-id", aws.ToString(g.RouteTableId))})
	if err != nil || len(rts.RouteTables) != 1 {
		t.Fatalf("the regional NAT gateway's route table %s: %v", aws.ToString(g.RouteTableId), err)
	}
	if r := route(rts.RouteTables[0], "0.0.0.0/0"); r == nil || !strings.HasPrefix(aws.ToString(r.GatewayId), "igw-") {
		t.Errorf("the regional NAT gateway's route table must send 0.0.0.0/0 to the internet gateway, got %+v", r)
	}
	return g
}

// invokeAnswersGatewayIP invokes the function: its publicIp must be one of
// the regional gateway's addresses (that of the AZ of the subnet it ran
// in; the VPC twin's cross-check tests the AZ match).
func invokeAnswersGatewayIP(ctx context.Context, c *clients, outputs map[string]string) error {
	if !c.twin {
		return nil
	}
	ips, err := localaws.NatPublicIPs(ctx, c.cfg, outputs)
	if err != nil {
		return err
	}
	r, err := localaws.Invoke(ctx, c.cfg, outputs["FunctionName"], ips)
	if err != nil {
		return err
	}
	if !r.Pass {
		return fmt.Errorf("the function answered %s; want one of the regional NAT gateway's addresses %s", r, ips)
	}
	return nil
}

// routeWatch reads the VPC's routes and NAT gateways until stopped, and
// keeps every moment a route pointed at a NAT gateway that was deleted,
// being deleted, or not there. The emulator runs an update's steps within
// one request, too fast for reads to fall between them, so the watch also
// reads the steps the emulator logged (cfn_update_cleanup_order): every
// route the update changed must be changed before any NAT gateway the
// update removed is deleted, as AWS orders an update (cleanup last).
type routeWatch struct {
	log        string // the emulator's log
	logFrom    int64  // its size when the watch began
	cancel     context.CancelFunc
	done       chan struct{}
	mu         sync.Mutex
	violations []string
	rounds     int
}

func watchRoutes(ctx context.Context, c *clients, vpc, emulatorLog string) *routeWatch {
	ctx, cancel := context.WithCancel(ctx)
	w := &routeWatch{log: emulatorLog, cancel: cancel, done: make(chan struct{})}
	if st, err := os.Stat(emulatorLog); err == nil {
		w.logFrom = st.Size()
	}
	go func() {
		defer close(w.done)
		for ctx.Err() == nil {
			w.round(ctx, c, vpc)
			select {
			case <-ctx.Done():
			case <-time.After(150 * time.Millisecond):
			}
		}
	}()
	return w
}

// round reads the NAT gateways, then the routes, then the NAT gateways
// again. A route to a gateway the first read showed deleted (a final
// state) pointed at it when the routes were read; one to a gateway
// neither read shows pointed at nothing. (A gateway created between the
// reads, and a gateway deleted after the routes were read, are not
// violations.)
func (w *routeWatch) round(ctx context.Context, c *clients, vpc string) {
	states := func() (map[string]ec2types.NatGatewayState, bool) {
		nats, err := c.ec2.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{Filter: localaws.Filter("vpc-id", vpc)})
		if err != nil {
			return nil, false // cancelled, or the emulator busy: the next round reads again
		}
		out := map[string]ec2types.NatGatewayState{}
		for _, g := range nats.NatGateways {
			out[aws.ToString(g.NatGatewayId)] = g.State
		}
		return out, true
	}
	before, ok := states()
	if !ok {
		return
	}
	tables, err := c.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: localaws.Filter("vpc-id", vpc)})
	if err != nil {
		return
	}
	after, ok := states()
	if !ok {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.rounds++
	for _, rt := range tables.RouteTables {
		for _, r := range rt.Routes {
			id := aws.ToString(r.NatGatewayId)
			if id == "" {
				continue
			}
			at := time.Now().Format("15:04:05.000")
			st, known := before[id]
			_, knownAfter := after[id]
			switch {
			case !known && !knownAfter:
				w.violations = append(w.violations, fmt.Sprintf("%s: route %s in %s -> NAT gateway %s, which does not exist", at, aws.ToString(r.DestinationCidrBlock), aws.ToString(rt.RouteTableId), id))
			case st == ec2types.NatGatewayStateDeleted || st == ec2types.NatGatewayStateDeleting:
				w.violations = append(w.violations, fmt.Sprintf("%s: route %s in %s -> NAT gateway %s, which was %s before the routes were read", at, aws.ToString(r.DestinationCidrBlock), aws.ToString(rt.RouteTableId), id, st))
			}
		}
	}
}

func (w *routeWatch) stop(t *testing.T, what string) {
	t.Helper()
	w.cancel()
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.rounds < 2 {
		t.Errorf("%s: the routes were read only %d time(s) while it ran", what, w.rounds)
	}
	for _, v := range w.violations {
		t.Errorf("%s: %s", what, v)
	}
	t.Logf("%s: routes read %d times while it ran", what, w.rounds)
	data, err := os.ReadFile(w.log)
	if err != nil || int64(len(data)) < w.logFrom {
		t.Fatalf("%s: reading the emulator's log: %v", what, err)
	}
	var routes, natRemoved []int
	var steps []string
	for _, line := range strings.Split(string(data[w.logFrom:]), "\n") {
		i := strings.Index(line, "cloudformation update: ")
		if i < 0 {
			continue
		}
		step := line[i+len("cloudformation update: "):]
		steps = append(steps, step)
		switch {
		case strings.HasPrefix(step, "modify ") && strings.HasSuffix(step, "(AWS::EC2::Route)"):
			routes = append(routes, len(steps)-1)
		case strings.HasPrefix(step, "remove ") && strings.HasSuffix(step, "(AWS::EC2::NatGateway)"):
			natRemoved = append(natRemoved, len(steps)-1)
		}
	}
	if len(routes) == 0 || len(natRemoved) == 0 {
		t.Errorf("%s: the emulator logged no route change or no NAT gateway removal (steps: %v)", what, steps)
		return
	}
	for _, r := range routes {
		for _, n := range natRemoved {
			if r > n {
				t.Errorf("%s: %q came after %q: the route pointed at a deleted NAT gateway in between", what, steps[r], steps[n])
			}
		}
	}
}
