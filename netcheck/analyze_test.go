package netcheck

import (
	"net/netip"
	"strings"
	"testing"
)

// deployedFacts is a healthy deployed network, written by hand: one
// function, two private subnets, one NAT gateway, ids as AWS writes them.
func deployedFacts() *Facts {
	f := NewFacts("test")
	pfx := netip.MustParsePrefix
	all := pfx("0.0.0.0/0")
	f.Vpcs["vpc-1"] = &Vpc{ID: "vpc-1", Cidr: pfx("10.0.0.0/16"), MainRouteTable: "rtb-main", DefaultNetworkAcl: "acl-default", InstanceTenancy: "default"}
	f.RouteTables["rtb-main"] = &RouteTable{ID: "rtb-main", VpcID: "vpc-1", Main: true}
	f.RouteTables["rtb-private"] = &RouteTable{ID: "rtb-private", VpcID: "vpc-1", Routes: []Route{{ID: "rtb-private:0.0.0.0/0", Destination: all, Kind: TargetNatGateway, Target: "nat-1", State: "active"}}}
	f.RouteTables["rtb-public"] = &RouteTable{ID: "rtb-public", VpcID: "vpc-1", Routes: []Route{{ID: "rtb-public:0.0.0.0/0", Destination: all, Kind: TargetInternetGateway, Target: "igw-1", State: "active"}}}
	f.Subnets["subnet-a"] = &Subnet{ID: "subnet-a", VpcID: "vpc-1", AZ: "us-east-1a", Cidr: pfx("10.0.0.0/20"), RouteTable: "rtb-private"}
	f.Subnets["subnet-b"] = &Subnet{ID: "subnet-b", VpcID: "vpc-1", AZ: "us-east-1b", Cidr: pfx("10.0.16.0/20"), RouteTable: "rtb-private"}
	f.Subnets["subnet-pub"] = &Subnet{ID: "subnet-pub", VpcID: "vpc-1", AZ: "us-east-1a", Cidr: pfx("10.0.255.0/24"), RouteTable: "rtb-public"}
	f.NetworkAcls["acl-default"] = &NetworkAcl{ID: "acl-default", VpcID: "vpc-1", Default: true}
	f.InternetGateways["igw-1"] = &InternetGateway{ID: "igw-1", AttachedVpcs: []string{"vpc-1"}}
	f.NatGateways["nat-1"] = &NatGateway{ID: "nat-1", SubnetID: "subnet-pub", Public: true, Allocation: "eipalloc-1 (203.0.113.7)", State: "available"}
	f.SecurityGroups["sg-1"] = &SecurityGroup{ID: "sg-1", VpcID: "vpc-1", Egress: []SgRule{{ID: "sg-1/egress", Protocol: -1, Cidr: all}}}
	f.Roles["role"] = &Role{ID: "role", ManagedPolicies: []string{"arn:aws:iam::aws:policy/service-role/" + VpcAccessPolicy}, DenyFor: []string{"fn"}}
	f.Functions = []*Function{{ID: "fn", Name: "fn", SubnetIDs: []string{"subnet-a", "subnet-b"}, SecurityGroups: []string{"sg-1"}, Role: "role", State: "Active"}}
	return f
}

func mustAnalyze(t *testing.T, f *Facts) *Report {
	t.Helper()
	r, err := Analyze(f, DefaultDestination, "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func reportText(r *Report) string {
	var b strings.Builder
	r.WriteText(&b)
	return b.String()
}

func TestDeployedOnlyChecks(t *testing.T) {
	r := mustAnalyze(t, deployedFacts())
	if !r.Reachable {
		t.Fatalf("the healthy network must pass:\n%s", reportText(r))
	}
	for _, n := range []string{CheckVpcTenancy, CheckFunctionState} {
		if c := r.Find(n); c == nil || c.Status != Pass {
			t.Errorf("want PASS %s:\n%s", n, reportText(r))
		}
	}
	cases := []struct {
		name   string
		change func(f *Facts)
		check  string
		res    string
		reason string
	}{
		{"dedicated tenancy", func(f *Facts) { f.Vpcs["vpc-1"].InstanceTenancy = "dedicated" },
			CheckVpcTenancy, "vpc-1", "dedicated instance tenancy: Lambda cannot attach a function to it"},
		{"pending", func(f *Facts) { f.Functions[0].State = "Pending" },
			CheckFunctionState, "fn", "Pending: Lambda is still creating its network interfaces"},
		{"inactive", func(f *Facts) {
			f.Functions[0].State, f.Functions[0].StateReason = "Inactive", "The function is inactive."
		}, CheckFunctionState, "fn", "Inactive: it was idle long enough that Lambda reclaimed its network interfaces"},
		{"failed", func(f *Facts) {
			f.Functions[0].State, f.Functions[0].StateReason = "Failed", "InsufficientRolePermissions"
		}, CheckFunctionState, "fn", "the function is Failed (InsufficientRolePermissions)"},
		{"blackhole route", func(f *Facts) {
			rt := f.RouteTables["rtb-private"]
			rt.Routes[0].Kind, rt.Routes[0].State = TargetMissing, "blackhole"
			delete(f.NatGateways, "nat-1")
		}, CheckRoute, "rtb-private:0.0.0.0/0", "blackhole: route 0.0.0.0/0 -> nat-1 in rtb-private is in state blackhole"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := deployedFacts()
			c.change(f)
			r := mustAnalyze(t, f)
			ch := r.Find(c.check)
			if r.Reachable || ch == nil || ch.Status != Fail || ch.Resource != c.res || !strings.Contains(ch.Reason, c.reason) || ch.Fix == "" {
				t.Errorf("want FAIL %s on %s (%q):\n%s", c.check, c.res, c.reason, reportText(r))
			}
		})
	}
}

// A template says nothing of the function's state: no check, no failure.
func TestNoStateFromATemplate(t *testing.T) {
	f := deployedFacts()
	f.Functions[0].State = ""
	f.Vpcs["vpc-1"].InstanceTenancy = ""
	r := mustAnalyze(t, f)
	if !r.Reachable || r.Find(CheckFunctionState) != nil {
		t.Errorf("no state, no check:\n%s", reportText(r))
	}
	if c := r.Find(CheckVpcTenancy); c == nil || c.Status != Pass {
		t.Errorf("unset tenancy is the default:\n%s", reportText(r))
	}
}

// A route for part of the destination to somewhere else names that part.
func TestMoreSpecificRouteNamesItsPart(t *testing.T) {
	f := deployedFacts()
	rt := f.RouteTables["rtb-private"]
	rt.Routes = append(rt.Routes, Route{ID: "rtb-private:52.0.0.0/8", Destination: netip.MustParsePrefix("52.0.0.0/8"), Kind: TargetOther, Target: "pcx-1"})
	r := mustAnalyze(t, f)
	var got []string
	for _, c := range r.Functions[0].Subnets[0].Checks {
		if c.Name == CheckRoute {
			got = append(got, string(c.Status)+": "+c.Reason)
		}
	}
	want := []string{
		"UNKNOWN: route 52.0.0.0/8 sends 52.0.0.0/8 to other pcx-1, which this checker does not follow",
		"PASS: the internet outside 52.0.0.0/8 via route 0.0.0.0/0 -> NAT gateway nat-1 (route table rtb-private)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("route checks:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The picture is stable and colours a blocked hop red.
func TestDotStableAndColoured(t *testing.T) {
	f := deployedFacts()
	f.NetworkAcls["acl-private"] = &NetworkAcl{ID: "acl-private", VpcID: "vpc-1", Entries: []NaclEntry{
		{ID: "out-100", RuleNumber: 100, Egress: true, Allow: true, Protocol: -1, Cidr: netip.MustParsePrefix("0.0.0.0/0")},
	}}
	f.Subnets["subnet-a"].NetworkAcl = "acl-private"
	r := mustAnalyze(t, f)
	var a, b strings.Builder
	WriteDot(&a, f, r)
	WriteDot(&b, f, mustAnalyze(t, f))
	if a.String() != b.String() {
		t.Fatal("two runs must write the same DOT")
	}
	red := `"subnet/subnet-a" -> "route-table/rtb-private" [color="#c62828", fontcolor="#c62828", label="ACL out 100,\nreply in * DENIES"]`
	if !strings.Contains(a.String(), red) {
		t.Errorf("want %s in:\n%s", red, a.String())
	}
	for _, want := range []string{`subgraph "cluster_vpc_vpc-1"`, `subgraph "cluster_az_vpc-1_us-east-1a"`, `"nat-gateway/nat-1"`, `"internet-gateway/igw-1" -> "internet/internet"`} {
		if !strings.Contains(a.String(), want) {
			t.Errorf("want %s in the picture", want)
		}
	}
}

// IPv6: the route is chosen by longest prefix, an egress-only gateway is
// not followed yet (UNKNOWN, exit 2), no route at all is a failure.
func TestIPv6Destinations(t *testing.T) {
	f := deployedFacts()
	dest := Destination{Internet: IPv6, Protocol: 6, Port: 443}
	r, err := Analyze(f, dest, "")
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Find(CheckRoute); r.Reachable || c == nil || c.Status != Fail || c.Reason != "route table rtb-private has no route for the IPv6 internet" {
		t.Errorf("no IPv6 route:\n%s", reportText(r))
	}
	rt := f.RouteTables["rtb-private"]
	rt.Routes = append(rt.Routes, Route{ID: "rtb-private:::/0", Destination: netip.MustParsePrefix("::/0"), Kind: TargetOther, Target: "eigw-1"})
	r, _ = Analyze(f, dest, "")
	if c := r.Find(CheckRoute); r.Reachable || !r.Unknown || c == nil || c.Status != Unknown || !strings.Contains(c.Reason, "does not follow IPv6 paths yet") {
		t.Errorf("egress-only gateway:\n%s", reportText(r))
	}
}

// IPv6 network ACL entries and security group rules come from templates
// too, and are evaluated like IPv4 ones.
func TestTemplateIPv6Rules(t *testing.T) {
	tpl := `{"Resources": {
	  "Acl": {"Type": "AWS::EC2::NetworkAcl", "Properties": {"VpcId": "vpc"}},
	  "Deny6": {"Type": "AWS::EC2::NetworkAclEntry", "Properties": {"NetworkAclId": {"Ref": "Acl"}, "RuleNumber": 90, "Protocol": -1,
	    "RuleAction": "deny", "Egress": true, "Ipv6CidrBlock": "2600::/12"}},
	  "Allow6": {"Type": "AWS::EC2::NetworkAclEntry", "Properties": {"NetworkAclId": {"Ref": "Acl"}, "RuleNumber": 100, "Protocol": 6,
	    "RuleAction": "allow", "Egress": true, "Ipv6CidrBlock": "::/0", "PortRange": {"From": 443, "To": 443}}},
	  "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "x", "SecurityGroupEgress": [
	    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIpv6": "::/0"}]}}}}`
	parsed, err := ParseTemplate([]byte(tpl), "t")
	if err != nil {
		t.Fatal(err)
	}
	f, err := FromTemplate(parsed, "t")
	if err != nil {
		t.Fatal(err)
	}
	n := namer{whole: Internet6(), label: "the IPv6 internet"}
	c, _ := naclCheck(CheckNaclOut, f.NetworkAcls["Acl"], true, n, Box(Internet6(), PortRange(443, 443)), 6, "out")
	if c.Status != Fail || c.Resource != "Deny6" || c.Reason != "out: tcp/443 to 2600::/12 is denied by outbound rule 90 of Acl; the rest of tcp/443 to the IPv6 internet is allowed by rule 100" {
		t.Errorf("IPv6 entries: %+v", c)
	}
	if _, denied := EvalSecurityGroups([]*SecurityGroup{f.SecurityGroups["Sg"]}, 6, Box(Internet6(), PortRange(443, 443))); !denied.IsEmpty() {
		t.Errorf("the CidrIpv6 rule must allow tcp/443 to the IPv6 internet, denied %s", denied)
	}
}

func TestReportFind(t *testing.T) {
	r := &Report{Functions: []FunctionResult{{
		Checks: []Check{{Name: "fn-check", Status: Pass}},
		Subnets: []SubnetResult{
			{Checks: []Check{{Name: "route", Status: Pass, Resource: "first"}}},
			{Checks: []Check{{Name: "route", Status: Fail, Resource: "second"}}},
		},
	}}}
	if c := r.Find("fn-check"); c == nil || c.Status != Pass {
		t.Errorf("a function's own check is found: %+v", c)
	}
	if c := r.Find("route"); c == nil || c.Resource != "first" {
		t.Errorf("the first check of a name is found: %+v", c)
	}
	if c := r.Find("route", Fail, Unknown); c == nil || c.Resource != "second" {
		t.Errorf("a status narrows the search: %+v", c)
	}
	if c := r.Find("route", Unknown); c != nil {
		t.Errorf("no check of that status: got %+v", c)
	}
	if c := r.Find("nat-gateway"); c != nil {
		t.Errorf("no check of that name: got %+v", c)
	}
	r.Find("route", Fail).Reason = "changed"
	if r.Functions[0].Subnets[1].Checks[0].Reason != "changed" {
		t.Error("Find returns the report's own check, not a copy")
	}
}
