package test

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
	"github.com/vpclambda/vpclambda/netcheck"
)

// templateFacts reads a template held as JSON the way the netcheck command
// does, and returns it as bytes with its facts.
func templateFacts(t testing.TB, tpl map[string]interface{}, name string) ([]byte, *netcheck.Facts) {
	t.Helper()
	data, err := json.Marshal(tpl)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := netcheck.ParseTemplate(data, name)
	if err != nil {
		t.Fatal(err)
	}
	facts, err := netcheck.FromTemplate(parsed, name)
	if err != nil {
		t.Fatal(err)
	}
	return data, facts
}

// analyze runs the checker on a template held as JSON.
func analyze(t *testing.T, tpl map[string]interface{}, name string) *netcheck.Report {
	t.Helper()
	return analyzeDest(t, tpl, name, netcheck.DefaultDestination)
}

// analyzeDest runs the checker for one destination.
func analyzeDest(t *testing.T, tpl map[string]interface{}, name string, dest netcheck.Destination) *netcheck.Report {
	t.Helper()
	_, facts := templateFacts(t, tpl, name)
	r, err := netcheck.Analyze(facts, dest, "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func clone(t testing.TB, f *fixture) map[string]interface{} {
	b, _ := json.Marshal(f.JSON)
	var out map[string]interface{}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// netcheckPending are variants whose internet path netcheck does not follow
// yet, each with the reason; the test says it skipped them. (None today.)
var netcheckPending = map[string]string{}

func TestNetcheckPassesEveryVariant(t *testing.T) {
	var names []string
	for n := range variants {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			if why, pending := netcheckPending[name]; pending {
				t.Skip(why)
			}
			f := get(t, name)
			r := analyze(t, clone(t, f), name)
			if !r.Reachable || r.Unknown {
				var b bytes.Buffer
				r.WriteText(&b)
				t.Fatalf("the checker rejects the %s template:\n%s", name, b.String())
			}
			want := len(f.resources("AWS::Lambda::Function"))
			if len(r.Functions) != want {
				t.Fatalf("want %d functions analyzed, got %d", want, len(r.Functions))
			}
			for _, fr := range r.Functions {
				if len(fr.Subnets) < 2 {
					t.Errorf("%s: want every subnet analyzed, got %d", fr.Function, len(fr.Subnets))
				}
				single, spof := false, false
				for _, w := range fr.Warnings {
					switch w.Name {
					case netcheck.CheckSingleNat:
						single = true
					case netcheck.CheckNatInstanceSpof:
						spof = true
					default:
						t.Errorf("%s: unexpected warning %s: %s", fr.Function, w.Name, w.Reason)
					}
				}
				instances := len(f.resources("AWS::EC2::Instance"))
				// A regional NAT gateway is in every AZ it serves: never
				// a single NAT for several AZs.
				zonal, regional := 0, 0
				for _, id := range f.resources("AWS::EC2::NatGateway") {
					if f.props(id)["AvailabilityMode"] == "regional" {
						regional++
					} else {
						zonal++
					}
				}
				shared := regional == 0 && zonal+instances < len(fr.Subnets)
				if single != shared {
					t.Errorf("%s: single-NAT warning = %v, want %v", fr.Function, single, shared)
				}
				if spof != (instances > 0) {
					t.Errorf("%s: NAT-instance single-point-of-failure warning = %v, want %v", fr.Function, spof, instances > 0)
				}
			}
		})
	}
}

// The app never ships a topology its own checker rejects.
func TestNetcheckPassesTheAppTemplate(t *testing.T) {
	f := get(t, "app")
	var out, errOut bytes.Buffer
	if code := netcheck.RunCLI([]string{f.File}, nil, &out, &errOut); code != 0 {
		t.Fatalf("netcheck %s: exit %d\n%s%s", f.File, code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "REACHABLE: 1 function(s), 2 subnet(s), 0 blocked") {
		t.Errorf("summary:\n%s", out.String())
	}
}

// aclEntryProps is a network ACL entry's properties; ports nil for all.
func aclEntryProps(acl string, rule int, egress bool, action string, proto int, cidr string, ports []int) map[string]interface{} {
	p := map[string]interface{}{
		"NetworkAclId": map[string]interface{}{"Fn::GetAtt": []interface{}{acl, "Id"}}, "RuleNumber": rule, "Protocol": proto,
		"RuleAction": action, "Egress": egress, "CidrBlock": cidr}
	if ports != nil {
		p["PortRange"] = map[string]interface{}{"From": ports[0], "To": ports[1]}
	}
	return p
}

// mutation helpers on a template's JSON.
type tpl map[string]interface{}

func (m tpl) res() map[string]interface{} { return m["Resources"].(map[string]interface{}) }
func (m tpl) props(id string) map[string]interface{} {
	return m.res()[id].(map[string]interface{})["Properties"].(map[string]interface{})
}
func (m tpl) add(id, typ string, props map[string]interface{}) {
	m.res()[id] = map[string]interface{}{"Type": typ, "Properties": props}
}

// logical ids of the app's template, found by role rather than hard-coded.
type appIDs struct {
	vpc, igw, attach, nat, eip, fn, sg             string
	publicSubnet, privateSubnets                   []string
	publicRT, privateRT, privateRoute, publicRoute string
	privateACL, publicACL                          string
	privateEphemeralTcp, privateAssoc2             string
}

func ids(t testing.TB, f *fixture) appIDs {
	var a appIDs
	a.vpc = f.resources("AWS::EC2::VPC")[0]
	a.igw = f.resources("AWS::EC2::InternetGateway")[0]
	a.attach = f.resources("AWS::EC2::VPCGatewayAttachment")[0]
	a.nat = f.resources("AWS::EC2::NatGateway")[0]
	a.eip = f.resources("AWS::EC2::EIP")[0]
	a.fn = f.resources("AWS::Lambda::Function")[0]
	a.sg = f.resources("AWS::EC2::SecurityGroup")[0]
	a.publicSubnet, a.privateSubnets = tiers(t, f)
	a.publicRT = routeTableOf(t, f, a.publicSubnet[0])
	a.privateRT = routeTableOf(t, f, a.privateSubnets[0])
	a.privateRoute, _ = defaultRoute(t, f, a.privateRT)
	a.publicRoute, _ = defaultRoute(t, f, a.publicRT)
	for _, id := range f.resources("AWS::EC2::NetworkAcl") {
		if strings.Contains(id, "Private") {
			a.privateACL = id
		} else {
			a.publicACL = id
		}
	}
	for _, e := range f.resources("AWS::EC2::NetworkAclEntry") {
		p := f.props(e)
		if ref(p["NetworkAclId"]) == a.privateACL && p["Egress"] == false && p["Protocol"] == 6.0 {
			a.privateEphemeralTcp = e
		}
	}
	for _, as := range f.resources("AWS::EC2::SubnetRouteTableAssociation") {
		if ref(f.props(as)["SubnetId"]) == a.privateSubnets[1] {
			a.privateAssoc2 = as
		}
	}
	return a
}

// brokenPath is the app's template broken one way, and what netcheck must
// say about it.
type brokenPath struct {
	name    string
	break_  func(m tpl)
	check   string
	res     string
	subnets int // how many of the two subnets must be blocked
	reason  string
}

// brokenPaths break the app's internet path one way at a time: netcheck
// must find each, and the twin must agree with it (twin_test.go).
func brokenPaths(a appIDs) []brokenPath {
	return []brokenPath{
		{"private default route removed", func(m tpl) { delete(m.res(), a.privateRoute) },
			netcheck.CheckRoute, a.privateRT, 2, "has no route for the internet"},
		{"private route to the internet gateway instead of the NAT", func(m tpl) {
			p := m.props(a.privateRoute)
			delete(p, "NatGatewayId")
			p["GatewayId"] = map[string]interface{}{"Fn::GetAtt": []interface{}{a.igw, "InternetGatewayId"}}
		}, netcheck.CheckSubnetPrivate, a.privateRoute, 2, "the subnet is public"},
		{"NAT gateway placed in a private subnet", func(m tpl) {
			m.props(a.nat)["SubnetId"] = map[string]interface{}{"Fn::GetAtt": []interface{}{a.privateSubnets[0], "SubnetId"}}
		}, netcheck.CheckNatSubnetPublic, a.privateRoute, 2, "which is not public"},
		{"internet gateway detached", func(m tpl) { delete(m.res(), a.attach) },
			netcheck.CheckInternetGateway, a.igw, 2, "is not attached to VPC " + a.vpc},
		{"second private subnet on another route table", func(m tpl) {
			m.add("OtherRouteTable", "AWS::EC2::RouteTable", map[string]interface{}{"VpcId": map[string]interface{}{"Fn::GetAtt": []interface{}{a.vpc, "VpcId"}}})
			m.props(a.privateAssoc2)["RouteTableId"] = map[string]interface{}{"Fn::GetAtt": []interface{}{"OtherRouteTable", "RouteTableId"}}
		}, netcheck.CheckRoute, "OtherRouteTable", 1, "route table OtherRouteTable has no route for the internet"},
		{"second private subnet left unassociated (main route table)", func(m tpl) { delete(m.res(), a.privateAssoc2) },
			netcheck.CheckRoute, a.vpc + "#main-route-table", 1, "uses the VPC's main route table"},
		{"private NACL without the ephemeral inbound rule", func(m tpl) { delete(m.res(), a.privateEphemeralTcp) },
			netcheck.CheckNaclReplyIn, a.privateACL, 2, "tcp ports 1024-65535 from the internet fall to the implicit deny"},
		{"ephemeral rule shadowed by a lower-numbered deny", func(m tpl) {
			m.add("ShadowDeny", "AWS::EC2::NetworkAclEntry", map[string]interface{}{
				"NetworkAclId": map[string]interface{}{"Fn::GetAtt": []interface{}{a.privateACL, "Id"}}, "RuleNumber": 150, "Protocol": 6,
				"RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0", "PortRange": map[string]interface{}{"From": 32768, "To": 60999}})
		}, netcheck.CheckNaclReplyIn, "ShadowDeny", 2,
			"tcp/32768-60999 from the internet is denied by inbound rule 150 of " + a.privateACL + "; the rest of tcp/1024-65535 from the internet is allowed by rule 200"},
		{"public NACL blocking traffic from the private subnets", func(m tpl) {
			m.add("BlockPrivate", "AWS::EC2::NetworkAclEntry", map[string]interface{}{
				"NetworkAclId": map[string]interface{}{"Fn::GetAtt": []interface{}{a.publicACL, "Id"}}, "RuleNumber": 50, "Protocol": -1,
				"RuleAction": "deny", "Egress": false, "CidrBlock": "10.0.0.0/16"})
		}, netcheck.CheckNatNaclIn, "BlockPrivate", 2, "tcp/443 from 10.0.0.0/20 is denied by inbound rule 50 of " + a.publicACL},
		{"outbound NACL denying 443", func(m tpl) {
			m.add("Deny443", "AWS::EC2::NetworkAclEntry", map[string]interface{}{
				"NetworkAclId": map[string]interface{}{"Fn::GetAtt": []interface{}{a.privateACL, "Id"}}, "RuleNumber": 90, "Protocol": 6,
				"RuleAction": "deny", "Egress": true, "CidrBlock": "0.0.0.0/0", "PortRange": map[string]interface{}{"From": 443, "To": 443}})
		}, netcheck.CheckNaclOut, "Deny443", 2, "tcp/443 to the internet is denied by outbound rule 90 of " + a.privateACL},
		{"security group with no egress", func(m tpl) {
			// What CDK writes for allowAllOutbound: false without rules.
			m.props(a.sg)["SecurityGroupEgress"] = []interface{}{map[string]interface{}{
				"CidrIp": "255.255.255.255/32", "Description": "Disallow all traffic", "FromPort": 252, "IpProtocol": "icmp", "ToPort": 86}}
		}, netcheck.CheckSecurityGroup, a.sg, 0, "no egress rule"},
		{"security group egress limited to another port", func(m tpl) {
			m.props(a.sg)["SecurityGroupEgress"] = []interface{}{map[string]interface{}{
				"CidrIp": "0.0.0.0/0", "FromPort": 80, "IpProtocol": "tcp", "ToPort": 80}}
		}, netcheck.CheckSecurityGroup, a.sg, 0, "no egress rule"},
		{"function attached to the public subnet", func(m tpl) {
			vc := m.props(a.fn)["VpcConfig"].(map[string]interface{})
			vc["SubnetIds"].([]interface{})[0] = map[string]interface{}{"Fn::GetAtt": []interface{}{a.publicSubnet[0], "SubnetId"}}
		}, netcheck.CheckSubnetPrivate, a.publicRoute, 1, "the subnet is public"},
		{"blackhole: NAT gateway missing while the route names it", func(m tpl) { delete(m.res(), a.nat) },
			netcheck.CheckRoute, a.privateRoute, 2, "blackhole"},
		{"partial block: an outbound deny for one block of the internet", func(m tpl) {
			m.add("DenyOneBlock", "AWS::EC2::NetworkAclEntry", aclEntryProps(a.privateACL, 99, true, "deny", -1, "8.8.8.0/24", nil))
		}, netcheck.CheckNaclOut, "DenyOneBlock", 2,
			"tcp/443 to 8.8.8.0/24 is denied by outbound rule 99 of " + a.privateACL + "; the rest of tcp/443 to the internet is allowed by rule 100"},
		{"partial block: a deny for half of the address space", func(m tpl) {
			m.add("DenyLowHalf", "AWS::EC2::NetworkAclEntry", aclEntryProps(a.publicACL, 99, true, "deny", 6, "0.0.0.0/1", []int{443, 443}))
		}, netcheck.CheckNatNaclOut, "DenyLowHalf", 2,
			"tcp/443 to the internet within 0.0.0.0/1 is denied by outbound rule 99 of " + a.publicACL + "; the rest of tcp/443 to the internet is allowed by rule 100"},
		{"partial block: replies on part of the ephemeral ports fall to the implicit deny", func(m tpl) {
			m.props(a.privateEphemeralTcp)["PortRange"] = map[string]interface{}{"From": 32768, "To": 65535}
		}, netcheck.CheckNaclReplyIn, a.privateACL, 2,
			"tcp ports 1024-32767 from the internet fall to the implicit deny (no inbound rule matches); the rest of tcp/1024-65535 from the internet is allowed by rule 200"},
		{"partial block: a more specific route sends part of the internet to the internet gateway", func(m tpl) {
			m.add("SpecificRoute", "AWS::EC2::Route", map[string]interface{}{
				"RouteTableId":         map[string]interface{}{"Fn::GetAtt": []interface{}{a.privateRT, "RouteTableId"}},
				"DestinationCidrBlock": "52.0.0.0/8", "GatewayId": map[string]interface{}{"Ref": a.igw}})
		}, netcheck.CheckSubnetPrivate, "SpecificRoute", 2, "the subnet is public for part of the destination: route table " + a.privateRT + " sends 52.0.0.0/8 to internet gateway " + a.igw},
		{"security group allowing only part of the internet", func(m tpl) {
			m.props(a.sg)["SecurityGroupEgress"] = []interface{}{map[string]interface{}{
				"CidrIp": "128.0.0.0/1", "FromPort": 443, "IpProtocol": "tcp", "ToPort": 443}}
		}, netcheck.CheckSecurityGroup, a.sg, 0,
			"no egress rule of the function's security group(s) allows tcp/443 to the internet outside 128.0.0.0/1; the rest of the destination is allowed by rule tcp/443 to 128.0.0.0/1"},
	}
}

func TestNetcheckFindsEachBrokenPath(t *testing.T) {
	f := get(t, "app")
	a := ids(t, f)
	cases := brokenPaths(a)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := tpl(clone(t, f))
			c.break_(m)
			r := analyze(t, m, c.name)
			if r.Reachable {
				t.Fatal("the broken template must not be reachable")
			}
			blocked, found := 0, false
			var all []netcheck.Check
			for _, fr := range r.Functions {
				all = append(all, fr.Checks...)
				for _, s := range fr.Subnets {
					if !s.Reachable {
						blocked++
					}
					all = append(all, s.Checks...)
				}
			}
			for _, ch := range all {
				if ch.Status == netcheck.Fail && ch.Name == c.check && ch.Resource == c.res && strings.Contains(ch.Reason, c.reason) && ch.Fix != "" {
					found = true
				}
			}
			if !found {
				var b bytes.Buffer
				r.WriteText(&b)
				t.Errorf("want FAIL %s on %s (%q); report:\n%s", c.check, c.res, c.reason, b.String())
			}
			if blocked != c.subnets {
				t.Errorf("want %d blocked subnet(s), got %d", c.subnets, blocked)
			}
			if c.name == "function attached to the public subnet" {
				warned := false
				for _, w := range r.Functions[0].Warnings {
					warned = warned || w.Name == netcheck.CheckPublicSubnet
				}
				if !warned {
					t.Error("want the function-in-public-subnet warning")
				}
			}
		})
	}
}

// Rules are decided per packet: a deny that touches no packet of the
// destination does not block it, and allows that together cover it pass.
func TestNetcheckExactPasses(t *testing.T) {
	f := get(t, "app")
	a := ids(t, f)
	var outboundAll string
	for _, e := range f.resources("AWS::EC2::NetworkAclEntry") {
		p := f.props(e)
		if ref(p["NetworkAclId"]) == a.privateACL && p["Egress"] == true {
			outboundAll = e
		}
	}
	cases := []struct {
		name   string
		change func(m tpl)
		check  string
		reason string
	}{
		{"a block-list deny below the allow-all rule, for a block not on the internet", func(m tpl) {
			m.add("DenyBenchmarking", "AWS::EC2::NetworkAclEntry", aclEntryProps(a.privateACL, 99, true, "deny", -1, "198.18.0.0/15", nil))
		}, netcheck.CheckNaclOut, "tcp/443 to the internet allowed by outbound rule 100"},
		{"an allow split over two halves of the address space", func(m tpl) {
			delete(m.res(), outboundAll)
			m.add("AllowLowHalf", "AWS::EC2::NetworkAclEntry", aclEntryProps(a.privateACL, 100, true, "allow", -1, "0.0.0.0/1", nil))
			m.add("AllowHighHalf", "AWS::EC2::NetworkAclEntry", aclEntryProps(a.privateACL, 110, true, "allow", 6, "128.0.0.0/1", []int{0, 65535}))
		}, netcheck.CheckNaclOut, "tcp/443 to the internet allowed by outbound rules 100, 110"},
		{"egress split over two security groups", func(m tpl) {
			m.props(a.sg)["SecurityGroupEgress"] = []interface{}{map[string]interface{}{"CidrIp": "0.0.0.0/1", "IpProtocol": "-1"}}
			m.add("SecondGroup", "AWS::EC2::SecurityGroup", map[string]interface{}{"GroupDescription": "second", "VpcId": m.props(a.sg)["VpcId"],
				"SecurityGroupEgress": []interface{}{map[string]interface{}{"CidrIp": "128.0.0.0/1", "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}}})
			vc := m.props(a.fn)["VpcConfig"].(map[string]interface{})
			vc["SecurityGroupIds"] = append(vc["SecurityGroupIds"].([]interface{}), map[string]interface{}{"Fn::GetAtt": []interface{}{"SecondGroup", "GroupId"}})
		}, netcheck.CheckSecurityGroup, "allowed by rule all traffic to 0.0.0.0/1 of " + a.sg + "; rule tcp/443 to 128.0.0.0/1 of SecondGroup"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := tpl(clone(t, f))
			c.change(m)
			r := analyze(t, m, c.name)
			var b bytes.Buffer
			r.WriteText(&b)
			if !r.Reachable {
				t.Fatalf("must pass:\n%s", b.String())
			}
			if ch := r.Find(c.check, netcheck.Pass); ch == nil || !strings.Contains(ch.Reason, c.reason) {
				t.Errorf("want PASS %s %q:\n%s", c.check, c.reason, b.String())
			}
		})
	}
	// The block-list deny does block a destination inside its block.
	m := tpl(clone(t, f))
	cases[0].change(m)
	r := analyzeDest(t, m, "benchmarking address", netcheck.Destination{Prefix: netip.MustParsePrefix("198.18.7.7/32"), Protocol: 6, Port: 443})
	if ch := r.Find(netcheck.CheckNaclOut, netcheck.Fail); r.Reachable || ch == nil || ch.Resource != "DenyBenchmarking" ||
		!strings.Contains(ch.Reason, "tcp/443 to 198.18.7.7/32 is denied by outbound rule 99 of "+a.privateACL) {
		var b bytes.Buffer
		r.WriteText(&b)
		t.Errorf("198.18.7.7 must be blocked by rule 99:\n%s", b.String())
	}
}

func TestNetcheckWarnings(t *testing.T) {
	f := get(t, "app")
	a := ids(t, f)
	m := tpl(clone(t, f))
	// The deny missing, and both subnets in one AZ.
	role := ref(f.props(a.fn)["Role"])
	removed := 0
	for _, mp := range f.resources("AWS::IAM::ManagedPolicy") {
		if roles, _ := f.props(mp)["Roles"].([]interface{}); len(roles) == 1 && ref(roles[0]) == role && f.props(mp)["Description"] == vpclambda.DenyPolicyDescription {
			delete(m.res(), mp)
			removed++
		}
	}
	if removed != 1 {
		t.Fatalf("want one deny policy attached to %s, removed %d", role, removed)
	}
	m.props(a.privateSubnets[1])["AvailabilityZone"] = m.props(a.privateSubnets[0])["AvailabilityZone"]
	r := analyze(t, m, "warnings")
	if !r.Reachable {
		t.Fatal("warnings must not block")
	}
	got := map[string]bool{}
	for _, w := range r.Functions[0].Warnings {
		got[w.Name] = true
	}
	for _, c := range r.Functions[0].Checks {
		if c.Status == netcheck.Warn {
			got[c.Name] = true
		}
	}
	for _, w := range []string{netcheck.CheckRoleDeny, netcheck.CheckSingleAz} {
		if !got[w] {
			t.Errorf("want warning %s, got %v", w, got)
		}
	}
}

func TestNetcheckCLI(t *testing.T) {
	f := get(t, "app")
	a := ids(t, f)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		return p
	}
	broken := tpl(clone(t, f))
	delete(broken.res(), a.privateRoute)
	brokenJSON, _ := json.Marshal(broken)
	noFn := tpl(clone(t, f))
	delete(noFn.res(), a.fn)
	noFnJSON, _ := json.Marshal(noFn)
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"good", []string{f.File}, 0, "REACHABLE"},
		{"other port and protocol", []string{"--dest", "203.0.113.10", "--port", "123", "--protocol", "udp", f.File}, 0, "203.0.113.10/32 udp/123"},
		{"one function by name", []string{"--function", f.props(a.fn)["FunctionName"].(string), f.File}, 0, "1 function(s)"},
		{"broken", []string{write("broken.json", brokenJSON)}, 1, "BLOCKED: 1 function(s), 2 subnet(s), 2 blocked"},
		{"json", []string{"--json", write("broken2.json", brokenJSON)}, 1, `"status": "FAIL"`},
		{"missing file", []string{filepath.Join(dir, "nope.json")}, 2, "cannot read template"},
		{"YAML is read (and here has no function)", []string{write("t.yaml", []byte("Resources:\n  A:\n    Type: AWS::SNS::Topic\n"))}, 2, "no VPC-attached Lambda function"},
		{"a reference cycle", []string{write("cycle.yaml", []byte("Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !GetAtt Vpc.CidrBlock\n"))}, 2, "a reference cycle: GetAtt Vpc.CidrBlock -> GetAtt Vpc.CidrBlock"},
		{"input over the cap", []string{"--max-input-size", "100", f.File}, 2, "is larger than 100 bytes"},
		{"a byte-order mark", []string{write("bom.json", append([]byte("\xef\xbb\xbf"), mustRead(t, f.File)...))}, 0, "REACHABLE"},
		{"an unknown parameter", []string{"--parameter", "Nope=1", f.File}, 2, "--parameter Nope: no template given declares a parameter Nope"},
		{"a malformed parameter", []string{"--parameter", "Nope", f.File}, 2, "write KEY=VALUE"},
		{"SubnetIds as a string", []string{write("str.json", subnetString(t, f.File))}, 2, "VpcConfig.SubnetIds must be a list of subnet ids, not the string \"subnet-123\""},
		{"not a template", []string{write("x.json", []byte(`{"a":1}`))}, 2, "has no Resources"},
		{"no function", []string{write("nofn.json", noFnJSON)}, 2, "no VPC-attached Lambda function"},
		{"unknown function", []string{"--function", "Nope", f.File}, 2, `no VPC-attached Lambda function "Nope"`},
		{"bad flag value", []string{"--port", "70000", f.File}, 2, "--port 70000"},
		{"port range", []string{"--port", "1024-2048", f.File}, 0, "destination the internet tcp/1024-2048"},
		{"reversed port range", []string{"--port", "2048-1024", f.File}, 2, "--port 2048-1024"},
		{"address", []string{"--dest", "8.8.8.8", f.File}, 0, "destination 8.8.8.8/32 tcp/443"},
		{"prefix with host bits", []string{"--dest", "10.0.0.5/8", f.File}, 2, "did you mean 10.0.0.0/8"},
		{"name", []string{"--dest", "example.com", f.File}, 0, "PASS dns-firewall"},
		{"URL takes the scheme's port", []string{"--dest", "http://example.com/path", f.File}, 0, "destination example.com (its addresses checked as the internet) tcp/80"},
		{"neither an address nor a name", []string{"--dest", "exa_mple.com", f.File}, 2, `--dest "exa_mple.com" is not a DNS name`},
		{"IPv6 internet without IPv6 routes", []string{"--dest", "internet6", f.File}, 1, "has no route for the IPv6 internet"},
		{"IPv6 address", []string{"--dest", "2606:4700::1111", f.File}, 1, "has no route for 2606:4700::1111/128"},
		{"dot", []string{"--format", "dot", f.File}, 0, "digraph netcheck {"},
		{"bad format", []string{"--format", "xml", f.File}, 2, `--format "xml"`},
		{"no argument", nil, 2, "usage: netcheck"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := netcheck.RunCLI(c.args, nil, &out, &errOut)
			all := out.String() + errOut.String()
			if code != c.code || !strings.Contains(all, c.want) {
				t.Errorf("exit %d (want %d), want %q in:\n%s", code, c.code, c.want, all)
			}
			if strings.Contains(all, "goroutine") {
				t.Errorf("panic:\n%s", all)
			}
			if c.name == "json" {
				var r netcheck.Report
				if err := json.Unmarshal(out.Bytes(), &r); err != nil || r.Reachable {
					t.Errorf("--json must print the report: %v", err)
				}
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// subnetString is the template with the function's SubnetIds written as
// a string instead of a list.
func subnetString(t *testing.T, path string) []byte {
	t.Helper()
	var doc map[string]interface{}
	if err := json.Unmarshal(mustRead(t, path), &doc); err != nil {
		t.Fatal(err)
	}
	for _, r := range doc["Resources"].(map[string]interface{}) {
		res := r.(map[string]interface{})
		if res["Type"] == "AWS::Lambda::Function" {
			res["Properties"].(map[string]interface{})["VpcConfig"].(map[string]interface{})["SubnetIds"] = "subnet-123"
		}
	}
	out, _ := json.Marshal(doc)
	return out
}
