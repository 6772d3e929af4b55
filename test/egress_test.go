package test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
	"github.com/vpclambda/vpclambda/netcheck"
)

// The ways out besides one NAT gateway with one Elastic IP: several
// Elastic IPs per gateway, NAT instances, IPv6 through an egress-only
// internet gateway, gateway endpoints. Each is checked resource by
// resource against what AWS documents for it.

func js(v interface{}) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// privateTables returns the private subnets' route tables, sorted.
func privateTables(t *testing.T, f *fixture) []string {
	_, private := tiers(t, f)
	set := map[string]bool{}
	for _, sn := range private {
		set[routeTableOf(t, f, sn)] = true
	}
	var out []string
	for rt := range set {
		out = append(out, rt)
	}
	sort.Strings(out)
	return out
}

func TestNatGatewayWithSeveralElasticIps(t *testing.T) {
	f := get(t, "natGatewayEips")
	att := f.resources("AWS::EC2::VPCGatewayAttachment")[0]
	nats := f.resources("AWS::EC2::NatGateway")
	if len(nats) != 2 || len(f.resources("AWS::EC2::EIP")) != 6 {
		t.Fatalf("want 2 NAT gateways with 3 Elastic IPs each, got %d gateways, %d EIPs", len(nats), len(f.resources("AWS::EC2::EIP")))
	}
	used := map[string]bool{}
	for _, nat := range nats {
		p := f.props(nat)
		all := []interface{}{p["AllocationId"]}
		sec, _ := p["SecondaryAllocationIds"].([]interface{})
		if len(sec) != 2 {
			t.Errorf("%s: want 2 secondary allocations, got %s", nat, js(p["SecondaryAllocationIds"]))
		}
		for _, a := range append(all, sec...) {
			eip := ref(a)
			if f.resource(eip)["Type"] != "AWS::EC2::EIP" || f.props(eip)["Domain"] != "vpc" || !f.dependsOn(eip)[att] {
				t.Errorf("%s: allocation %s is not a VPC Elastic IP created after the gateway attachment", nat, js(a))
			}
			if used[eip] {
				t.Errorf("Elastic IP %s is used twice", eip)
			}
			used[eip] = true
		}
	}
	if n := len(f.resources("AWS::EC2::VPCEndpoint")); n != 0 {
		t.Errorf("GatewayEndpoints: [] must create no endpoint, got %d", n)
	}
}

func TestNatInstances(t *testing.T) {
	f := get(t, "natInstances")
	if n := len(f.resources("AWS::EC2::NatGateway")); n != 0 {
		t.Fatalf("a NAT instance network has no NAT gateway, got %d", n)
	}
	insts := f.resources("AWS::EC2::Instance")
	enis := f.resources("AWS::EC2::NetworkInterface")
	if len(insts) != 1 || len(enis) != 1 {
		t.Fatalf("want one instance with one network interface, got %v %v", insts, enis)
	}
	inst, eni := f.props(insts[0]), f.props(enis[0])
	public, private := tiers(t, f)

	// The instance: Amazon Linux 2023 arm64 from AWS's public parameter,
	// t4g.nano, IMDSv2, no key, encrypted root volume, its interface first.
	param := ref(inst["ImageId"])
	pdef, _ := f.JSON["Parameters"].(map[string]interface{})[param].(map[string]interface{})
	if pdef["Type"] != "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>" || pdef["Default"] != "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64" {
		t.Errorf("the image must come from AWS's public SSM parameter at deploy time: %s = %s", param, js(pdef))
	}
	if inst["InstanceType"] != "t4g.nano" || inst["KeyName"] != nil {
		t.Errorf("instance type %v, key %v", inst["InstanceType"], inst["KeyName"])
	}
	if got := js(inst["MetadataOptions"]); !strings.Contains(got, `"HttpTokens":"required"`) {
		t.Errorf("IMDSv2 must be required: %s", got)
	}
	if got := js(inst["BlockDeviceMappings"]); !strings.Contains(got, `"Encrypted":true`) {
		t.Errorf("the root volume must be encrypted: %s", got)
	}
	want := fmt.Sprintf(`[{"DeviceIndex":"0","NetworkInterfaceId":{"Ref":"%s"}}]`, enis[0])
	if got := js(inst["NetworkInterfaces"]); got != want {
		t.Errorf("network interfaces %s, want %s", got, want)
	}
	ud := js(inst["UserData"])
	for _, s := range []string{"net.ipv4.ip_forward = 1", "masquerade", "ip saddr 10.0.0.0/16", "/etc/sysctl.d/", "/etc/sysconfig/nftables.conf", "systemctl enable"} {
		if !strings.Contains(ud, s) {
			t.Errorf("user data lacks %q (forwarding and masquerading that survive a reboot)", s)
		}
	}

	// Its interface: in the public subnet, source/destination check off,
	// the Elastic IP associated, the NAT security group.
	if eni["SourceDestCheck"] != false || ref(eni["SubnetId"]) != public[0] {
		t.Errorf("network interface: %s", js(eni))
	}
	assocs := f.resources("AWS::EC2::EIPAssociation")
	if len(assocs) != 1 || ref(f.props(assocs[0])["NetworkInterfaceId"]) != enis[0] || f.resource(ref(f.props(assocs[0])["AllocationId"]))["Type"] != "AWS::EC2::EIP" {
		t.Errorf("the Elastic IP must be associated with the instance's interface: %v", assocs)
	}
	sg := ref(eni["GroupSet"])
	sgp := f.props(sg)
	var from []string
	for _, r := range sgp["SecurityGroupIngress"].([]interface{}) {
		m := r.(map[string]interface{})
		if m["IpProtocol"] != "-1" {
			t.Errorf("ingress rule %s", js(m))
		}
		from = append(from, m["CidrIp"].(string))
	}
	var privCidrs []string
	for _, sn := range private {
		privCidrs = append(privCidrs, f.props(sn)["CidrBlock"].(string))
	}
	sort.Strings(from)
	sort.Strings(privCidrs)
	if js(from) != js(privCidrs) {
		t.Errorf("the NAT security group must let in exactly the private subnets %v, got %v", privCidrs, from)
	}
	if js(sgp["SecurityGroupEgress"]) != `[{"CidrIp":"0.0.0.0/0","Description":"forwarded traffic to the internet","IpProtocol":"-1"}]` {
		t.Errorf("NAT security group egress: %s", js(sgp["SecurityGroupEgress"]))
	}

	// Every private subnet routes 0.0.0.0/0 to the interface, nothing else.
	for _, rt := range privateTables(t, f) {
		id, route := defaultRoute(t, f, rt)
		if ref(route["NetworkInterfaceId"]) != enis[0] || len(route) != 3 {
			t.Errorf("%s: the private default route must target the NAT instance's interface only: %s", id, js(route))
		}
	}
	// The function waits for the instance.
	fn := f.resources("AWS::Lambda::Function")[0]
	if !f.after(fn, insts[0]) {
		t.Errorf("the function must be created after the NAT instance")
	}
}

func TestIpv6DualStack(t *testing.T) {
	f := get(t, "ipv6")
	vpc := f.resources("AWS::EC2::VPC")[0]
	blocks := f.resources("AWS::EC2::VPCCidrBlock")
	if len(blocks) != 1 || f.props(blocks[0])["AmazonProvidedIpv6CidrBlock"] != true || ref(f.props(blocks[0])["VpcId"]) != vpc {
		t.Fatalf("want one Amazon-provided IPv6 block on the VPC: %v", blocks)
	}
	public, private := tiers(t, f)
	check := func(sn string, index int) {
		p := f.props(sn)
		want := fmt.Sprintf(`{"Fn::Select":[%d,{"Fn::Cidr":[{"Fn::Select":[0,{"Fn::GetAtt":["%s","Ipv6CidrBlocks"]}]},256,"64"]}]}`, index, vpc)
		if got := js(p["Ipv6CidrBlock"]); got != want {
			t.Errorf("subnet %s: IPv6 block %s, want %s", sn, got, want)
		}
		if !f.dependsOn(sn)[blocks[0]] {
			t.Errorf("subnet %s must depend on the VPC's IPv6 block", sn)
		}
	}
	for i, sn := range private {
		check(sn, i)
	}
	for j, sn := range public {
		check(sn, 255-j)
	}
	eigws := f.resources("AWS::EC2::EgressOnlyInternetGateway")
	if len(eigws) != 1 || ref(f.props(eigws[0])["VpcId"]) != vpc {
		t.Fatalf("want one egress-only internet gateway in the VPC: %v", eigws)
	}
	ipv6Route := func(rt string) map[string]interface{} {
		var found []map[string]interface{}
		for _, r := range f.resources("AWS::EC2::Route") {
			if p := f.props(r); ref(p["RouteTableId"]) == rt && p["DestinationIpv6CidrBlock"] == "::/0" {
				found = append(found, p)
			}
		}
		if len(found) != 1 {
			t.Fatalf("route table %s has %d ::/0 routes, want 1", rt, len(found))
		}
		return found[0]
	}
	for _, rt := range privateTables(t, f) {
		if r := ipv6Route(rt); ref(r["EgressOnlyInternetGatewayId"]) != eigws[0] || len(r) != 3 {
			t.Errorf("%s: ::/0 must go to the egress-only internet gateway only: %s", rt, js(r))
		}
	}
	igw := f.resources("AWS::EC2::InternetGateway")[0]
	if r := ipv6Route(routeTableOf(t, f, public[0])); ref(r["GatewayId"]) != igw || len(r) != 3 {
		t.Errorf("public ::/0 must go to the internet gateway: %s", js(r))
	}

	// IPv6 network ACL rules 300-399 on both tiers, spelled out.
	vpc6 := fmt.Sprintf(`{"Fn::Select":[0,{"Fn::GetAtt":["%s","Ipv6CidrBlocks"]}]}`, vpc)
	want := []string{
		`in 300 -1 ` + vpc6 + ` -`,
		`in 310 6 "::/0" {"From":1024,"To":65535}`,
		`in 320 17 "::/0" {"From":1024,"To":65535}`,
		`out 300 -1 "::/0" -`,
	}
	perAcl := map[string][]string{}
	for _, e := range f.resources("AWS::EC2::NetworkAclEntry") {
		p := f.props(e)
		if p["Ipv6CidrBlock"] == nil {
			continue
		}
		dir := "in"
		if p["Egress"] == true {
			dir = "out"
		}
		pr := "-"
		if p["PortRange"] != nil {
			pr = js(p["PortRange"])
		}
		if p["RuleAction"] != "allow" || p["CidrBlock"] != nil {
			t.Errorf("%s: %s", e, js(p))
		}
		acl := ref(p["NetworkAclId"])
		perAcl[acl] = append(perAcl[acl], fmt.Sprintf("%s %v %v %s %s", dir, p["RuleNumber"], p["Protocol"], js(p["Ipv6CidrBlock"]), pr))
	}
	if len(perAcl) != 2 {
		t.Errorf("want IPv6 rules on both network ACLs, got %d", len(perAcl))
	}
	for acl, got := range perAcl {
		sort.Strings(got)
		if js(got) != js(want) {
			t.Errorf("%s IPv6 rules:\n got %v\nwant %v", acl, got, want)
		}
	}

	// The security group's egress covers IPv6 (port 443 here), and the
	// function allows IPv6 on its dual-stack subnets.
	sg := f.props(f.resources("AWS::EC2::SecurityGroup")[0])
	if got := js(sg["SecurityGroupEgress"]); !strings.Contains(got, `{"CidrIpv6":"::/0","Description":"to the internet over IPv6 on 443","FromPort":443,"IpProtocol":"tcp","ToPort":443}`) {
		t.Errorf("security group egress lacks IPv6: %s", got)
	}
	for _, fn := range f.resources("AWS::Lambda::Function") {
		if got := f.props(fn)["VpcConfig"].(map[string]interface{})["Ipv6AllowedForDualStack"]; got != true {
			t.Errorf("%s: Ipv6AllowedForDualStack = %v", fn, got)
		}
	}
}

func TestGatewayEndpoints(t *testing.T) {
	for _, name := range []string{"app", "natPerAz", "ipv6"} {
		t.Run(name, func(t *testing.T) {
			f := get(t, name)
			vpc := f.resources("AWS::EC2::VPC")[0]
			var rts []interface{}
			for _, rt := range privateTables(t, f) {
				rts = append(rts, map[string]interface{}{"Fn::GetAtt": []interface{}{rt, "RouteTableId"}})
			}
			services := map[string]bool{}
			for _, e := range f.resources("AWS::EC2::VPCEndpoint") {
				p := f.props(e)
				name := js(p["ServiceName"])
				for _, s := range []string{"s3", "dynamodb"} {
					if name == `{"Fn::Join":["",["com.amazonaws.",{"Ref":"AWS::Region"},".`+s+`"]]}` {
						services[s] = true
					}
				}
				if p["VpcEndpointType"] != "Gateway" || ref(p["VpcId"]) != vpc {
					t.Errorf("%s: %s", e, js(p))
				}
				got := p["RouteTableIds"].([]interface{})
				sort.Slice(got, func(i, j int) bool { return js(got[i]) < js(got[j]) })
				if js(got) != js(rts) {
					t.Errorf("%s must be on every private route table %s, got %s", e, js(rts), js(got))
				}
			}
			if !services["s3"] || !services["dynamodb"] || len(f.resources("AWS::EC2::VPCEndpoint")) != 2 {
				t.Errorf("want exactly the S3 and DynamoDB gateway endpoints, got %v", services)
			}
		})
	}
}

// The ports the replies from the internet come back on at a NAT instance:
// the construct's instance masquerades without a port range, keeping the
// function's source port (Lambda: 1024-65535); its subnet's network ACL
// lets replies in on that range, netcheck requires exactly it, and the twin
// translates the same way (internal/twin, TestNatInstanceMasqueradeKeepsPorts).
// If one of them moves (a port range on the masquerade, a narrower ACL
// entry, netcheck back to Linux's 32768-60999), this fails; the cross-check
// case "NAT instance: replies let in on Linux's ephemeral ports only" makes
// the twin and netcheck agree that the narrower range is not enough.
func TestNatInstanceReplyPortsAgree(t *testing.T) {
	f := get(t, "natInstances")
	insts := f.resources("AWS::EC2::Instance")
	if len(insts) != 1 {
		t.Fatalf("want one NAT instance, got %v", insts)
	}
	ud := js(f.props(insts[0])["UserData"])
	if !regexp.MustCompile(`ip saddr 10\.0\.0\.0/16 masquerade(\\n|")`).MatchString(ud) {
		t.Errorf("the NAT instance's rule must be a masquerade without a port range (it keeps the function's source port): %s", ud)
	}
	acl := one(t, f, "AWS::EC2::NetworkAcl", "Public")
	p := f.props(naclRule(t, f, acl, 200, false))
	pr, _ := p["PortRange"].(map[string]interface{})
	if p["Protocol"] != float64(6) || p["CidrBlock"] != "0.0.0.0/0" || pr["From"] != float64(netcheck.NatInstanceReplyFrom) || pr["To"] != float64(netcheck.NatInstanceReplyTo) {
		t.Errorf("the NAT instance's subnet must let TCP replies in from the internet on %d-%d (what netcheck requires): %s",
			netcheck.NatInstanceReplyFrom, netcheck.NatInstanceReplyTo, js(p))
	}
	if netcheck.NatInstanceReplyFrom != vpclambda.EphemeralPortFrom || netcheck.NatInstanceReplyTo != vpclambda.EphemeralPortTo {
		t.Errorf("netcheck requires %d-%d at a NAT instance, the construct opens %d-%d", netcheck.NatInstanceReplyFrom, netcheck.NatInstanceReplyTo, vpclambda.EphemeralPortFrom, vpclambda.EphemeralPortTo)
	}
}
