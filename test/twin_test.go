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
	// dests are more questions whose witnesses the twin must send (TCP 443
	// to the internet, and to the IPv6 internet where the VPC has IPv6,
	// are always asked).
	dests []netcheck.Destination
	// question is the DNS name the function asks for (its CHECKIP_URL's
	// host), and netcheck is asked about: "" for checkip.amazonaws.com.
	question string
}

func twinCases(t testing.TB) []twinCase {
	var cases []twinCase
	for _, name := range variantNames() {
		f := get(t, name)
		cases = append(cases, twinCase{"variant " + name, f, tpl(clone(t, f)), nil, ""})
	}
	app := get(t, "app")
	for _, c := range brokenPaths(ids(t, app)) {
		m := tpl(clone(t, app))
		c.break_(m)
		cases = append(cases, twinCase{"broken " + c.name, app, m, nil, ""})
	}
	for _, c := range brokenWaysOut(t) {
		m := tpl(clone(t, c.fx))
		c.break_(m)
		cases = append(cases, twinCase{"broken " + c.name, c.fx, m, nil, ""})
	}
	cases = append(cases, dnsTwinCases(t)...)
	return append(cases, partialCases(t)...)
}

// partialCases block part of the internet or part of the ports: the test
// host stays reachable, so only the witnesses show them.
func partialCases(t testing.TB) []twinCase {
	app, v6 := get(t, "app"), get(t, "ipv6")
	a := ids(t, app)
	v6ACL := one(t, v6, "AWS::EC2::NetworkAcl", "Private")
	entry := func(acl string, rule int, egress bool, proto int, block string, ports ...int) map[string]interface{} {
		e := map[string]interface{}{"NetworkAclId": map[string]interface{}{"Fn::GetAtt": []interface{}{acl, "Id"}}, "RuleNumber": rule, "Protocol": proto,
			"RuleAction": "deny", "Egress": egress}
		if strings.Contains(block, ":") {
			e["Ipv6CidrBlock"] = block
		} else {
			e["CidrBlock"] = block
		}
		if len(ports) == 2 {
			e["PortRange"] = map[string]interface{}{"From": ports[0], "To": ports[1]}
		}
		return e
	}
	ports := func(proto, from, to int, six bool) netcheck.Destination {
		d := netcheck.Destination{Internet: netcheck.IPv4, Protocol: proto, Port: from, ToPort: to}
		if six {
			d.Internet = netcheck.IPv6
		}
		return d
	}
	var out []twinCase
	for _, c := range []struct {
		name  string
		fx    *fixture
		acl   string
		e     map[string]interface{}
		dests []netcheck.Destination
	}{
		{"a /24 denied outbound", app, a.privateACL, entry(a.privateACL, 99, true, -1, "8.8.8.0/24"), nil},
		{"replies from half the internet denied", app, a.privateACL, entry(a.privateACL, 99, false, -1, "128.0.0.0/1"), nil},
		{"a port sub-range denied outbound", app, a.privateACL, entry(a.privateACL, 99, true, 6, "0.0.0.0/0", 440, 445), []netcheck.Destination{ports(6, 430, 450, false)}},
		{"replies on a port sub-range denied", app, a.privateACL, entry(a.privateACL, 99, false, 6, "0.0.0.0/0", 30000, 40000), nil},
		{"UDP replies from a /16 denied", app, a.privateACL, entry(a.privateACL, 99, false, 17, "9.9.0.0/16"), []netcheck.Destination{ports(17, 53, 53, false)}},
		{"IPv6: a /32 denied outbound", v6, v6ACL, entry(v6ACL, 299, true, -1, "2606:4700::/32"), nil},
		{"IPv6: replies from half the IPv6 internet denied", v6, v6ACL, entry(v6ACL, 299, false, -1, "2000::/4"), nil},
		{"IPv6: a port sub-range denied outbound", v6, v6ACL, entry(v6ACL, 299, true, 6, "::/0", 440, 445), []netcheck.Destination{ports(6, 430, 450, true)}},
	} {
		m := tpl(clone(t, c.fx))
		m.add("PartialDeny", "AWS::EC2::NetworkAclEntry", c.e)
		out = append(out, twinCase{"partial " + c.name, c.fx, m, c.dests, ""})
	}
	return out
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
		witnessStats.Lock()
		t.Logf("witnesses: %d sent through the twins, %d differ from netcheck; probing took %.1fs in all (%.0f ms a witness)", witnessStats.witnesses, witnessStats.differ,
			witnessStats.probing.Seconds(), float64(witnessStats.probing.Milliseconds())/float64(max(1, witnessStats.witnesses)))
		witnessStats.Unlock()
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
	name := c.question
	if name == "" {
		name = "checkip.amazonaws.com"
	}
	blocked := compareRun(t, tw, facts, false, name)
	for _, svc := range []string{"s3", "dynamodb"} {
		compareService(t, tw, facts, svc, name)
	}
	dests := []netcheck.Destination{netcheck.DefaultDestination}
	for _, v := range facts.Vpcs {
		if len(v.Ipv6Cidrs) > 0 {
			blocked = compareRun(t, tw, facts, true, name) || blocked
			dests = append(dests, netcheck.Destination{Internet: netcheck.IPv6, Protocol: 6, Port: 443})
			break
		}
	}
	for _, d := range append(dests, c.dests...) {
		compareWitnesses(t, tw, facts, d)
	}
	return blocked
}

// witnessStats are the cross-check's witness counts and times.
var witnessStats struct {
	sync.Mutex
	witnesses, differ int
	probing           time.Duration
}

// compareWitnesses asks netcheck one question and sends every witness of
// its answer through the twin: each must get the same verdict from both,
// a reachable IPv4 witness must have been seen as one of the twin's
// Elastic IPs (the NAT device translated it), and each subnet's witnesses
// must show its verdict (a blocked subnet has a blocked witness, a
// reachable one only reachable witnesses).
func compareWitnesses(t *testing.T, tw *twin.Twin, facts *netcheck.Facts, dest netcheck.Destination) {
	t.Helper()
	report, err := netcheck.Analyze(facts, dest, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	t0 := time.Now()
	results := tw.ProbeWitnesses(ctx, report)
	took := time.Since(t0)
	eips := map[string]bool{}
	for _, a := range tw.ElasticIPs() {
		eips[a.String()] = true
	}
	differ, blockedBoth := 0, 0
	for _, w := range results {
		if w.Agree && w.Compared && w.Twin == netcheck.WitnessBlocked {
			blockedBoth++
		}
		if !w.Agree {
			differ++
			t.Errorf("%s: witness %s", dest, w)
		}
		if !w.Compared {
			t.Logf("%s: witness not compared: %s", dest, w)
		}
		if w.Twin == netcheck.WitnessReachable && !strings.Contains(w.Address, ":") && !eips[w.Seen] {
			t.Errorf("%s: witness %s reached the test internet as %s, not as one of the twin's Elastic IPs %v", dest, w, w.Seen, tw.ElasticIPs())
		}
	}
	verdicts := netcheckVerdicts(report, dest.IsIPv6(), true)
	for _, fr := range report.Functions {
		for _, s := range fr.Subnets {
			reachable := verdicts[fr.Function+"/"+s.Subnet]
			if len(s.Witnesses) == 0 {
				t.Errorf("%s: %s/%s has no witness", dest, fr.Function, s.Subnet)
			}
			blocked := false
			for _, w := range s.Witnesses {
				blocked = blocked || w.Verdict == netcheck.WitnessBlocked
			}
			if reachable && blocked || !reachable && !blocked && !report.Unknown {
				t.Errorf("%s: %s/%s is reachable=%v, but its witnesses are %+v", dest, fr.Function, s.Subnet, reachable, s.Witnesses)
			}
		}
	}
	t.Logf("%s: %d witnesses sent, %d blocked in both, %d differ (%.1fs)", dest, len(results), blockedBoth, differ, took.Seconds())
	witnessStats.Lock()
	witnessStats.witnesses += len(results)
	witnessStats.differ += differ
	witnessStats.probing += took
	witnessStats.Unlock()
}

// compareRun runs the twin once and compares each subnet's verdict with
// netcheck's for the same question.
func compareRun(t *testing.T, tw *twin.Twin, facts *netcheck.Facts, ipv6 bool, name string) bool {
	dest, question := twinDest, "IPv4"
	if ipv6 {
		dest, question = twinDest6, "IPv6"
	}
	// The function resolves the name first (the twin's resolver, the
	// VPC's DNS settings and DNS Firewall): netcheck is asked the same.
	dest.Name = name
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
	want := netcheckVerdicts(report, ipv6, false)
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(results) != len(want) {
		t.Errorf("%s: the twin ran %d function subnets, netcheck analyzed %d", question, len(results), len(want))
	}
	byName := dnsOnlyFailures(report)
	blocked := false
	for _, k := range keys {
		r, ok := got[k]
		if !ok {
			t.Errorf("%s: the twin did not run it", k)
			continue
		}
		blocked = blocked || !r.Matched
		// Where only the name's resolution fails, the real function must
		// fail for that reason too: its lookup of the name.
		if byName[k] && !r.Matched && !strings.Contains(r.Answer, "lookup "+name) {
			t.Errorf("%s question, %s: netcheck fails only the name's resolution, but the function failed otherwise: %s", question, k, r.Answer)
		}
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
func compareService(t *testing.T, tw *twin.Twin, facts *netcheck.Facts, svc, name string) {
	standIn := netip.PrefixFrom(netip.MustParseAddr(twin.Services[svc]), 32)
	// The function resolves its checkip name (answered with the stand-in).
	report, err := netcheck.Analyze(facts, netcheck.Destination{Service: svc, Prefix: standIn, Protocol: 6, Port: twin.InternetPort, Name: name}, "")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := netcheck.Analyze(facts, netcheck.Destination{Prefix: standIn, Protocol: 6, Port: twin.InternetPort, Name: name}, "")
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
	want, wantPlain := netcheckVerdicts(report, false, false), netcheckVerdicts(plain, false, false)
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
func netcheckVerdicts(r *netcheck.Report, ipv6, packets bool) map[string]bool {
	out := map[string]bool{}
	for _, fr := range r.Functions {
		fnOK := true
		for _, ch := range fr.Checks {
			_, skip := notPacketChecks[ch.Name]
			if ipv6 && ch.Name == netcheck.CheckFunctionIpv6 {
				skip = false
			}
			if packets && dnsChecks[ch.Name] {
				skip = true
			}
			if !skip && ch.Status == netcheck.Fail {
				fnOK = false
			}
		}
		for _, s := range fr.Subnets {
			reachable := s.Reachable
			if packets {
				// A witness is a packet to an address: the name's
				// resolution is not its fate.
				reachable = true
				for _, ch := range s.Checks {
					if !dnsChecks[ch.Name] && (ch.Status == netcheck.Fail || ch.Status == netcheck.Unknown) {
						reachable = false
					}
				}
			}
			out[fr.Function+"/"+s.Subnet] = fnOK && reachable
		}
	}
	return out
}

// dnsOnlyFailures are the function subnets whose only failing checks are
// DNS checks (the name does not resolve; everything else would pass).
func dnsOnlyFailures(r *netcheck.Report) map[string]bool {
	out := map[string]bool{}
	for _, fr := range r.Functions {
		dns, other := false, false
		note := func(ch netcheck.Check) {
			if _, skip := notPacketChecks[ch.Name]; skip || (ch.Status != netcheck.Fail && ch.Status != netcheck.Unknown) {
				return
			}
			if dnsChecks[ch.Name] {
				dns = true
			} else {
				other = true
			}
		}
		for _, ch := range fr.Checks {
			note(ch)
		}
		fnDns, fnOther := dns, other
		for _, s := range fr.Subnets {
			dns, other = fnDns, fnOther
			for _, ch := range s.Checks {
				note(ch)
			}
			out[fr.Function+"/"+s.Subnet] = dns && !other
		}
	}
	return out
}

// dnsChecks decide a name's resolution, which an invocation shows (the
// function resolves its name first) and a witness, a packet to an
// address, does not.
var dnsChecks = map[string]bool{
	netcheck.CheckDnsResolver: true, netcheck.CheckDnsServerPath: true, netcheck.CheckDnsServerSg: true, netcheck.CheckDnsFirewall: true,
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
