package test

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
	"github.com/vpclambda/vpclambda/internal/twin"
	"github.com/vpclambda/vpclambda/netcheck"
)

// The twin (internal/twin) runs the function's real bootstrap in a
// packet-level copy of the VPC; netcheck proves the same path from the
// model. For every template netcheck's tests build (each variant, each
// broken case) the two must give every function subnet the same verdict
// for the same question: TCP 443 to the twin's test internet host.

// twinDest is the question both answer, and twinDest6 the IPv6 one (asked
// of the templates whose VPC has an IPv6 block).
var (
	twinDest  = netcheck.Destination{Prefix: netip.PrefixFrom(netip.MustParseAddr(twin.InternetHost), 32), Protocol: 6, Port: twin.InternetPort}
	twinDest6 = netcheck.Destination{Prefix: netip.PrefixFrom(netip.MustParseAddr(twin.InternetHost6), 128), Protocol: 6, Port: twin.InternetPort}
)

// notPacketChecks are function-wide checks no packet can show: the role,
// the function's state, the VPC's tenancy, Lambda refusing a function whose
// subnets are not all dual-stack when it asks for IPv6. The cross-check
// compares the network part only, so a FAIL of these does not count.
var notPacketChecks = map[string]string{
	netcheck.CheckRoleVpcAccess: "the execution role's permissions decide whether Lambda can create the interfaces, not a packet",
	netcheck.CheckRoleDeny:      "an IAM deny statement, not a packet",
	netcheck.CheckVpcTenancy:    "Lambda refuses the VPC's tenancy before any interface exists",
	netcheck.CheckFunctionState: "the function's state in a deployed account",
	netcheck.CheckFunctionIpv6:  "for the IPv4 question, Lambda's validation of the VPC configuration (for the IPv6 one it decides whether the function has an IPv6 address, which the twin shows)",
}

// twinUsable says why this machine cannot run the twin ("" when it can).
var twinUsable = sync.OnceValue(func() string {
	if err := twin.CheckPrivileges(); err != nil {
		return err.Error()
	}
	if _, err := exec.LookPath("qemu-aarch64-static"); err != nil && runtime.GOARCH != "arm64" {
		return "qemu-aarch64-static is missing (Debian: apt-get install qemu-user-static; make test installs it)"
	}
	return ""
})

// needTwin skips when the twin cannot run here, except in CI, where it
// must run.
func needTwin(t *testing.T) {
	t.Helper()
	if why := twinUsable(); why != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the twin must run in CI: %s", why)
		}
		t.Skipf("skipping the twin: %s", why)
	}
}

type twinCase struct {
	name string
	fx   *fixture
	tpl  tpl
}

func twinCases(t *testing.T) []twinCase {
	var cases []twinCase
	for _, name := range variantNames() {
		f := get(t, name)
		cases = append(cases, twinCase{"variant " + name, f, tpl(clone(t, f))})
	}
	app := get(t, "app")
	for _, c := range brokenPaths(ids(t, app)) {
		m := tpl(clone(t, app))
		c.break_(m)
		cases = append(cases, twinCase{"broken " + c.name, app, m})
	}
	for _, c := range brokenWaysOut(t) {
		m := tpl(clone(t, c.fx))
		c.break_(m)
		cases = append(cases, twinCase{"broken " + c.name, c.fx, m})
	}
	return cases
}

func TestTwinAgreesWithNetcheck(t *testing.T) {
	needTwin(t)
	cases := twinCases(t)
	start := time.Now()
	var mu sync.Mutex
	failedAtHost := 0
	var openAtHost []string // broken cases whose break is elsewhere (both agree the host is reachable)
	// Two twins at a time: each runs its functions under qemu, and this
	// machine's cores are shared with the rest of the tests.
	sem := make(chan struct{}, 2)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sem <- struct{}{}
			defer func() { <-sem }()
			blocked := crossCheck(t, c)
			mu.Lock()
			defer mu.Unlock()
			if blocked {
				failedAtHost++
			} else if strings.HasPrefix(c.name, "broken ") {
				openAtHost = append(openAtHost, strings.TrimPrefix(c.name, "broken "))
			}
		})
	}
	t.Cleanup(func() {
		sort.Strings(openAtHost)
		t.Logf("%d templates, %d blocked at the test host; %.1fs", len(cases), failedAtHost, time.Since(start).Seconds())
		t.Logf("broken elsewhere than on the path to the test host (another block, IPv6 only, a gateway endpoint, a warning, a check no packet shows):\n  %s",
			strings.Join(openAtHost, "\n  "))
		if left, _ := twin.Leftovers(); len(left) > 0 {
			t.Errorf("namespaces left behind: %v", left)
		}
	})
}

// crossCheck builds the twin of one template, invokes every function in
// every subnet and compares each subnet's verdict with netcheck's, for the
// IPv4 question and, when the VPC has an IPv6 block, the IPv6 one; it
// reports whether any subnet was blocked for either.
func crossCheck(t *testing.T, c twinCase) bool {
	data, facts := templateFacts(t, c.tpl, c.name)
	config, err := twin.TemplateConfigs(data, c.fx.File, buildHandler)
	if err != nil {
		t.Fatal(err)
	}
	tw, err := twin.Build(facts, twin.Options{Config: config})
	if err != nil {
		t.Fatalf("building the twin: %v", err)
	}
	defer tw.Close()
	blocked := compareRun(t, tw, facts, false)
	for _, svc := range []string{"s3", "dynamodb"} {
		compareService(t, tw, facts, svc)
	}
	for _, v := range facts.Vpcs {
		if len(v.Ipv6Cidrs) > 0 {
			blocked = compareRun(t, tw, facts, true) || blocked
			break
		}
	}
	return blocked
}

// compareRun runs the twin once and compares each subnet's verdict with
// netcheck's for the same question.
func compareRun(t *testing.T, tw *twin.Twin, facts *netcheck.Facts, ipv6 bool) bool {
	dest, question := twinDest, "IPv4"
	if ipv6 {
		dest, question = twinDest6, "IPv6"
	}
	report, err := netcheck.Analyze(facts, dest, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	results := tw.Run(ctx, ipv6)
	got := map[string]twin.SubnetResult{}
	for _, r := range results {
		got[r.Function+"/"+r.Subnet] = r
	}
	want := netcheckVerdicts(report, ipv6)
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(results) != len(want) {
		t.Errorf("%s: the twin ran %d function subnets, netcheck analyzed %d", question, len(results), len(want))
	}
	blocked := false
	for _, k := range keys {
		r, ok := got[k]
		if !ok {
			t.Errorf("%s: the twin did not run it", k)
			continue
		}
		blocked = blocked || !r.Matched
		if r.Matched != want[k] {
			var b bytes.Buffer
			report.WriteText(&b)
			t.Errorf("%s question, %s: the twin says matched=%v (answered %s, expected %s via %s; notes %v), netcheck says reachable=%v:\n%s",
				question, k, r.Matched, r.Answer, r.Expected, r.Nat, tw.Notes(), want[k], b.String())
		}
	}
	return blocked
}

// compareService asks both the gateway-endpoint question of one service
// (netcheck's --dest s3 or dynamodb, its addresses being the twin's
// stand-in): the verdicts must agree, and so must the way: through the
// subnet's endpoint (the stand-in sees the private address) or through
// the NAT device (the Elastic IP). Where a VPC has the endpoint but not on
// this subnet's route table netcheck fails the subnet (policies requiring
// the endpoint deny it), yet packets go through the NAT device: the twin's
// verdict is then compared with netcheck's for the stand-in's address as a
// plain destination.
func compareService(t *testing.T, tw *twin.Twin, facts *netcheck.Facts, svc string) {
	standIn := netip.PrefixFrom(netip.MustParseAddr(twin.Services[svc]), 32)
	report, err := netcheck.Analyze(facts, netcheck.Destination{Service: svc, Prefix: standIn, Protocol: 6, Port: twin.InternetPort}, "")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := netcheck.Analyze(facts, netcheck.Destination{Prefix: standIn, Protocol: 6, Port: twin.InternetPort}, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	results, err := tw.RunService(ctx, svc)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]twin.SubnetResult{}
	for _, r := range results {
		got[r.Function+"/"+r.Subnet] = r
	}
	want, wantPlain := netcheckVerdicts(report, false), netcheckVerdicts(plain, false)
	if len(results) != len(want) {
		t.Errorf("%s: the twin ran %d function subnets, netcheck analyzed %d", svc, len(results), len(want))
	}
	for _, fr := range report.Functions {
		for _, s := range fr.Subnets {
			k := fr.Function + "/" + s.Subnet
			r, ok := got[k]
			if !ok {
				t.Errorf("%s, %s: the twin did not run it", svc, k)
				continue
			}
			endpoint, offTable := false, false
			for _, h := range s.Hops {
				endpoint = endpoint || h.ToKind == netcheck.KindVpcEndpoint
				offTable = offTable || strings.HasPrefix(h.Label, "no route to endpoint ")
			}
			verdict, way := want[k], "NAT"
			if endpoint {
				way = "gateway endpoint"
			}
			if offTable {
				verdict = wantPlain[k]
			}
			twinWay := "NAT"
			if strings.HasPrefix(r.Via, "gateway endpoint") {
				twinWay = "gateway endpoint"
			}
			if r.Matched != verdict || twinWay != way || (r.Matched && way == "gateway endpoint" && r.Answer != r.Address) {
				var b bytes.Buffer
				report.WriteText(&b)
				t.Errorf("%s question, %s: the twin says matched=%v through %s (answered %s, expected %s via %s; notes %v), netcheck says reachable=%v through %s:\n%s",
					svc, k, r.Matched, r.Via, r.Answer, r.Expected, r.Nat, tw.Notes(), verdict, way, b.String())
			}
		}
	}
}

// netcheckVerdicts are netcheck's per-subnet verdicts: the subnet's path
// and the function-wide checks a packet can show (the security group; for
// the IPv6 question, whether the function has IPv6 at all).
func netcheckVerdicts(r *netcheck.Report, ipv6 bool) map[string]bool {
	out := map[string]bool{}
	for _, fr := range r.Functions {
		fnOK := true
		for _, ch := range fr.Checks {
			_, skip := notPacketChecks[ch.Name]
			if ipv6 && ch.Name == netcheck.CheckFunctionIpv6 {
				skip = false
			}
			if !skip && ch.Status == netcheck.Fail {
				fnOK = false
			}
		}
		for _, s := range fr.Subnets {
			out[fr.Function+"/"+s.Subnet] = fnOK && s.Reachable
		}
	}
	return out
}

// buildHandler builds the handler when a cloud assembly has no bootstrap.
func buildHandler(arch string) (string, error) {
	if arch != "arm64" {
		return "", fmt.Errorf("the test builds arm64 handlers only, not %s", arch)
	}
	b, err := vpclambda.BuildGo(handlerEntry(), nil)
	if err != nil {
		return "", err
	}
	return filepath.Join(b.Dir, "bootstrap"), nil
}
