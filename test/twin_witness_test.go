package test

import (
	"context"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vpclambda/vpclambda/internal/twin"
	"github.com/vpclambda/vpclambda/netcheck"
)

// The cross-check can fail: the twin of the app's template against
// netcheck's answer for the same template with one public /24 denied. The
// witness of that /24 is blocked for netcheck and reachable in the twin, and
// the mismatch names both answers; the other witness agrees.
func TestTwinWitnessMismatchIsReported(t *testing.T) {
	needTwin(t)
	app := get(t, "app")
	var denied twinCase
	for _, c := range partialCases(t) {
		if c.name == "partial a /24 denied outbound" {
			denied = c
		}
	}
	if denied.tpl == nil {
		t.Fatal("no partial case \"a /24 denied outbound\"")
	}
	data, facts := templateFacts(t, tpl(clone(t, app)), "app")
	_, deniedFacts := templateFacts(t, denied.tpl, denied.name)
	config, err := twin.TemplateConfigs(data, app.File, buildHandler)
	if err != nil {
		t.Fatal(err)
	}
	tw, err := twin.Build(facts, twin.Options{Config: config})
	if err != nil {
		t.Fatal(err)
	}
	defer tw.Close()
	report, err := netcheck.Analyze(deniedFacts, netcheck.DefaultDestination, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	differ, agree := 0, 0
	for _, w := range tw.ProbeWitnesses(ctx, report) {
		switch {
		case w.Address == "8.8.8.0" && !w.Agree:
			differ++
			if s := w.String(); !strings.HasPrefix(s, "DIFFER") || !strings.Contains(s, "netcheck blocked, twin reachable") || !strings.Contains(s, "nacl-subnet-outbound") {
				t.Errorf("the mismatch must print both answers and netcheck's reason: %s", s)
			}
		case w.Address != "8.8.8.0" && w.Agree && w.Compared:
			agree++
		default:
			t.Errorf("unexpected witness result %s", w)
		}
	}
	if differ != 2 || agree != 2 {
		t.Errorf("want the denied /24's witness to differ and the rest to agree in both subnets: %d differ, %d agree", differ, agree)
	}
}

// Every probe stays inside the twin: witnesses at addresses of the real
// internet (public DNS resolvers) are answered by the twin's test internet,
// which saw the NAT gateway's Elastic IP, over TCP and UDP; the twin adds no
// interface to this namespace, and its test internet has no default route
// (nothing it does not answer itself can go anywhere).
func TestTwinWitnessesStayInside(t *testing.T) {
	needTwin(t)
	app := get(t, "app")
	before, err := twin.HostInterfaces()
	if err != nil {
		t.Fatal(err)
	}
	data, facts := templateFacts(t, tpl(clone(t, app)), "app")
	config, err := twin.TemplateConfigs(data, app.File, buildHandler)
	if err != nil {
		t.Fatal(err)
	}
	tw, err := twin.Build(facts, twin.Options{Config: config})
	if err != nil {
		t.Fatal(err)
	}
	defer tw.Close()
	during, err := twin.HostInterfaces()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, during) {
		t.Errorf("the twin changed this namespace's interfaces: %v before, %v during", before, during)
	}
	out, err := exec.Command("ip", "-n", tw.InternetNamespace(), "route", "show", "table", "all").CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "default") {
			t.Errorf("the test internet has a default route: %s", l)
		}
	}
	report, err := netcheck.Analyze(facts, netcheck.DefaultDestination, "")
	if err != nil {
		t.Fatal(err)
	}
	var eip string
	for _, a := range tw.ElasticIPs() {
		eip = a.String()
	}
	for fi := range report.Functions {
		for si := range report.Functions[fi].Subnets {
			report.Functions[fi].Subnets[si].Witnesses = []netcheck.Witness{
				{Address: "8.8.8.8", Port: 53, Protocol: "tcp", Verdict: netcheck.WitnessReachable, Class: "a public resolver"},
				{Address: "1.1.1.1", Port: 853, Protocol: "tcp", Verdict: netcheck.WitnessReachable, Class: "a public resolver"},
				{Address: "9.9.9.9", Port: 53, Protocol: "udp", Verdict: netcheck.WitnessReachable, Class: "a public resolver"},
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, w := range tw.ProbeWitnesses(ctx, report) {
		if !w.Agree || w.Twin != netcheck.WitnessReachable || w.Seen != eip {
			t.Errorf("witness %s: want it answered inside the twin, seen as the NAT gateway's Elastic IP %s", w, eip)
		}
	}
}
