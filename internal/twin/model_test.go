package twin

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/vpclambda/vpclambda/netcheck"
)

// These parts of the model need no privileges; the twin itself is tested
// end to end in test/twin_test.go (as root).

func TestReplyPortClasses(t *testing.T) {
	acl := func(entries ...netcheck.NaclEntry) *netcheck.NetworkAcl {
		return &netcheck.NetworkAcl{Entries: entries}
	}
	tcp := func(from, to int) netcheck.NaclEntry {
		return netcheck.NaclEntry{Protocol: 6, FromPort: from, ToPort: to}
	}
	for _, c := range []struct {
		name string
		acls []*netcheck.NetworkAcl
		want [][2]int
	}{
		{"no entries: one class", []*netcheck.NetworkAcl{nil, acl()}, [][2]int{{1024, 65535}}},
		{"the usual ephemeral rule", []*netcheck.NetworkAcl{acl(tcp(1024, 65535), tcp(443, 443))}, [][2]int{{1024, 65535}}},
		{"a shadowing deny inside", []*netcheck.NetworkAcl{acl(tcp(32768, 60999), tcp(1024, 65535))}, [][2]int{{1024, 32767}, {32768, 60999}, {61000, 65535}}},
		{"two ACLs on the path", []*netcheck.NetworkAcl{acl(tcp(32768, 65535)), acl(tcp(1024, 2047))}, [][2]int{{1024, 2047}, {2048, 32767}, {32768, 65535}}},
		{"UDP entries do not split TCP ports", []*netcheck.NetworkAcl{acl(netcheck.NaclEntry{Protocol: 17, FromPort: 5000, ToPort: 6000})}, [][2]int{{1024, 65535}}},
	} {
		if got := replyPortClasses(c.acls...); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestNaclRule(t *testing.T) {
	p := netip.MustParsePrefix
	for _, c := range []struct {
		e    netcheck.NaclEntry
		want string
	}{
		{netcheck.NaclEntry{Egress: true, Allow: true, Protocol: -1, Cidr: p("0.0.0.0/0")}, "ip daddr 0.0.0.0/0 return"},
		{netcheck.NaclEntry{Allow: true, Protocol: 6, Cidr: p("0.0.0.0/0"), FromPort: 1024, ToPort: 65535}, "ip saddr 0.0.0.0/0 meta l4proto tcp th dport 1024-65535 return"},
		{netcheck.NaclEntry{Egress: true, Protocol: 6, Cidr: p("8.8.8.0/24"), FromPort: 443, ToPort: 443}, "ip daddr 8.8.8.0/24 meta l4proto tcp th dport 443-443 drop"},
		{netcheck.NaclEntry{Allow: true, Protocol: 17, Cidr: p("::/0"), FromPort: 0, ToPort: 65535}, "ip6 saddr ::/0 meta l4proto udp return"},
		{netcheck.NaclEntry{Egress: true, Protocol: 1, Cidr: p("10.0.0.0/16")}, "ip daddr 10.0.0.0/16 meta l4proto 1 drop"},
	} {
		if got := naclRule(c.e); got != c.want {
			t.Errorf("%+v: got %q, want %q", c.e, got, c.want)
		}
	}
	var b strings.Builder
	naclChains(&b, 0, &netcheck.NetworkAcl{Default: true})
	if strings.Contains(b.String(), "drop") {
		t.Errorf("a default ACL without entries must allow everything:\n%s", b.String())
	}
	b.Reset()
	naclChains(&b, 0, &netcheck.NetworkAcl{Entries: []netcheck.NaclEntry{
		{RuleNumber: 200, Allow: true, Protocol: -1, Cidr: p("0.0.0.0/0")},
		{RuleNumber: 100, Protocol: -1, Cidr: p("10.0.0.0/8")},
	}})
	in := b.String()[strings.Index(b.String(), "nacl_in_0"):]
	if i, j, k := strings.Index(in, "10.0.0.0/8 drop"), strings.Index(in, "0.0.0.0/0 return"), strings.Index(in, "    drop\n  }"); i < 0 || j < i || k < j {
		t.Errorf("rules in rule-number order, then the implicit deny:\n%s", in)
	}
}

func TestResolverAnswers(t *testing.T) {
	r := &resolver{names: map[string]bool{"checkip.amazonaws.com": true}, host: netip.MustParseAddr(InternetHost), host6: netip.MustParseAddr(InternetHost6)}
	query := func(name string, qtype byte) []byte {
		q := []byte{0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0}
		for _, l := range strings.Split(name, ".") {
			q = append(q, byte(len(l)))
			q = append(q, l...)
		}
		return append(q, 0, 0, qtype, 0, 1)
	}
	a := r.answer(query("CheckIP.amazonaws.com", 1))
	if a[3]&0xf != 0 || a[7] != 1 || !reflect.DeepEqual(a[len(a)-4:], []byte{203, 0, 113, 10}) || a[0] != 0x12 || a[1] != 0x34 {
		t.Errorf("A: %v", a)
	}
	if a := r.answer(query("checkip.amazonaws.com", 28)); a[7] != 0 || a[3]&0xf != 0 {
		t.Errorf("AAAA for the IPv4 question: want no answer, NOERROR: %v", a)
	}
	if a := r.answer(query("example.com", 1)); a[3]&0xf != 3 {
		t.Errorf("an unknown name: want NXDOMAIN: %v", a)
	}
	r.ipv6.Store(true)
	if a := r.answer(query("checkip.amazonaws.com", 28)); a[7] != 1 || !reflect.DeepEqual(a[len(a)-16:], netip.MustParseAddr(InternetHost6).AsSlice()) {
		t.Errorf("AAAA for the IPv6 question: %v", a)
	}
	if r.answer([]byte{1, 2, 3}) != nil {
		t.Error("a truncated query must get no answer")
	}
}

func TestElasticIPs(t *testing.T) {
	tw := &Twin{eips: map[string]netip.Addr{}}
	for _, c := range []struct{ alloc, want string }{
		{"VpcLambdaNatGateway1Eip", "198.51.100.10"},
		{"eipalloc-0abc (54.1.2.3)", "54.1.2.3"},
		{"eipalloc-0def (127.0.0.5)", "198.51.100.11"},    // an emulator's loopback address
		{"eipalloc-0fed (203.0.113.10)", "198.51.100.12"}, // the twin's own internet host
		{"VpcLambdaNatGateway1Eip", "198.51.100.10"},
		// A deployed NAT instance's interface: its address first.
		{"198.51.100.128 (Elastic IP eipalloc-0123)", "198.51.100.128"},
		{"54.9.8.7", "54.9.8.7"},
		{"Elastic IP NatInstanceEip", "198.51.100.13"}, // a template's
	} {
		if got := tw.elasticIP(c.alloc); got.String() != c.want {
			t.Errorf("%s: got %s, want %s", c.alloc, got, c.want)
		}
	}
}

// The environment of --invoke: the deployed function's variables reach the
// bootstrap; the twin's Runtime API, the variables Lambda reserves and the
// test CA win over them.
func TestInvokeEnvironment(t *testing.T) {
	deployed := map[string]string{"CHECKIP_URL": "https://ip.example.test/", "GREETING": "hello",
		"AWS_LAMBDA_RUNTIME_API": "10.9.9.9:1", "SSL_CERT_FILE": "/etc/other.pem", "PATH": "/opt/bin", "_HANDLER": "other"}
	config := invokeConfig(func(arch string) (string, error) { return "/x/" + arch + "/bootstrap", nil }, "arm64", DefaultTimeout, deployed)
	cfg, err := config(&netcheck.Function{ID: "Fn"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg.Env, deployed) || cfg.Bootstrap != "/x/arm64/bootstrap" || cfg.Timeout != DefaultTimeout {
		t.Fatalf("config %+v: want the deployed environment %v", cfg, deployed)
	}
	if got := CheckNames([]FunctionConfig{cfg}); !reflect.DeepEqual(got, []string{"checkip.amazonaws.com", "ip.example.test"}) {
		t.Errorf("names the resolver answers: %v", got)
	}
	env := lambdaEnv("fn", "/x/arm64", cfg.Env, "/tmp/ca.pem")
	for k, want := range map[string]string{"CHECKIP_URL": "https://ip.example.test/", "GREETING": "hello", "PATH": "/opt/bin",
		"AWS_LAMBDA_RUNTIME_API": runtimeAPIAddr, "SSL_CERT_FILE": "/tmp/ca.pem", "_HANDLER": "bootstrap",
		"AWS_LAMBDA_FUNCTION_NAME": "fn", "LAMBDA_TASK_ROOT": "/x/arm64", "TZ": ":UTC"} {
		if env[k] != want {
			t.Errorf("%s=%q, want %q", k, env[k], want)
		}
	}
	if deployed["AWS_LAMBDA_RUNTIME_API"] != "10.9.9.9:1" {
		t.Error("the deployed configuration was modified")
	}
}

// The VPC resolver answers the services' names with their stand-ins, and,
// while the twin asks a service's question, the test internet's names too.
func TestResolverServices(t *testing.T) {
	r := &resolver{names: map[string]bool{"checkip.amazonaws.com": true}, host: netip.MustParseAddr(InternetHost), host6: netip.MustParseAddr(InternetHost6),
		services: map[string]netip.Addr{"s3.amazonaws.com": netip.MustParseAddr(Services["s3"])}}
	query := func(name string) string {
		q := []byte{0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0}
		for _, l := range strings.Split(name, ".") {
			q = append(append(q, byte(len(l))), l...)
		}
		q = append(q, 0, 0, 1, 0, 1)
		resp := r.answer(q)
		if len(resp) < len(q)+16 {
			return "no answer"
		}
		a, _ := netip.AddrFromSlice(resp[len(resp)-4:])
		return a.String()
	}
	if got := query("s3.amazonaws.com"); got != Services["s3"] {
		t.Errorf("s3.amazonaws.com: %s", got)
	}
	if got := query("checkip.amazonaws.com"); got != InternetHost {
		t.Errorf("checkip.amazonaws.com: %s", got)
	}
	d := netip.MustParseAddr(Services["dynamodb"])
	r.service.Store(&d)
	if got := query("checkip.amazonaws.com"); got != Services["dynamodb"] {
		t.Errorf("checkip.amazonaws.com during the dynamodb question: %s", got)
	}
	if got := query("example.com"); got != "no answer" {
		t.Errorf("example.com: %s", got)
	}
}

// The twin's NAT instance translates as the construct's does: masquerade
// without a port range, so the replies come back on the function's source
// port (see also TestNatInstanceReplyPortsAgree in test/).
func TestNatInstanceMasqueradeKeepsPorts(t *testing.T) {
	rs := natInstanceRuleset(nil, nil, "10.0.0.0/16")
	if !strings.Contains(rs, "ip saddr 10.0.0.0/16 masquerade\n") {
		t.Errorf("the NAT instance must masquerade without a port range (keeping the function's source port):\n%s", rs)
	}
}
