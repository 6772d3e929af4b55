package netcheck

import (
	"bytes"
	"strings"
	"testing"
)

// dnsBase is the reference topology (a private subnet routed to a NAT
// gateway in a public subnet) with a third subnet for a DNS server;
// EXTRA is replaced by each case's resources, VPCPROPS by VPC properties,
// SGEGRESS by the function's security group egress.
const dnsBase = `
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16VPCPROPS}
  Igw: {Type: AWS::EC2::InternetGateway}
  Attach: {Type: AWS::EC2::VPCGatewayAttachment, Properties: {VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw}}
  Public: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24, AvailabilityZone: az1}}
  Private: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: az1}}
  DnsSubnet: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.9.0/24, AvailabilityZone: az1}}
  PublicRt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}
  PublicDefault: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref PublicRt, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}}
  PublicAssoc: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref Public, RouteTableId: !Ref PublicRt}}
  Eip: {Type: AWS::EC2::EIP, Properties: {Domain: vpc}}
  Nat: {Type: AWS::EC2::NatGateway, Properties: {SubnetId: !Ref Public, AllocationId: !GetAtt Eip.AllocationId}}
  PrivateRt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}
  PrivateDefault: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref PrivateRt, DestinationCidrBlock: DEFAULTROUTE, NatGatewayId: !Ref Nat}}
  PrivateAssoc: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref Private, RouteTableId: !Ref PrivateRt}}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: fn
      VpcId: !Ref Vpc
      SecurityGroupEgress: SGEGRESS
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Role.Arn
      VpcConfig: {SubnetIds: [!Ref Private], SecurityGroupIds: [!Ref Sg]}
EXTRA`

const allEgress = `[{IpProtocol: "-1", CidrIp: 0.0.0.0/0}]`

// customDns gives the VPC DHCP options naming one server.
func customDns(server string) string {
	return `
  Dhcp: {Type: AWS::EC2::DHCPOptions, Properties: {DomainNameServers: [` + server + `]}}
  DhcpAssoc: {Type: AWS::EC2::VPCDHCPOptionsAssociation, Properties: {VpcId: !Ref Vpc, DhcpOptionsId: !Ref Dhcp}}`
}

// allowList is the construct's shape: an allow list at priority 100, a
// block-everything list at 200, associated with the VPC.
func allowList(domains string) string {
	return `
  Allowed: {Type: AWS::Route53Resolver::FirewallDomainList, Properties: {Domains: [` + domains + `]}}
  Everything: {Type: AWS::Route53Resolver::FirewallDomainList, Properties: {Domains: ["*"]}}
  Rules:
    Type: AWS::Route53Resolver::FirewallRuleGroup
    Properties:
      FirewallRules:
        - {Action: ALLOW, Priority: 100, FirewallDomainListId: !GetAtt Allowed.Id}
        - {Action: BLOCK, BlockResponse: NXDOMAIN, Priority: 200, FirewallDomainListId: !GetAtt Everything.Id}
  RulesAssoc: {Type: AWS::Route53Resolver::FirewallRuleGroupAssociation, Properties: {VpcId: !Ref Vpc, FirewallRuleGroupId: !GetAtt Rules.Id, Priority: 1000}}`
}

type dnsCase struct {
	vpcProps, egress, extra, route string
}

func (c dnsCase) facts(t *testing.T) *Facts {
	t.Helper()
	s := dnsBase
	if c.egress == "" {
		c.egress = allEgress
	}
	if c.route == "" {
		c.route = "0.0.0.0/0"
	}
	s = strings.Replace(s, "VPCPROPS", c.vpcProps, 1)
	s = strings.Replace(s, "SGEGRESS", c.egress, 1)
	s = strings.Replace(s, "DEFAULTROUTE", c.route, 1)
	s = strings.Replace(s, "EXTRA", c.extra, 1)
	tpl, err := ParseTemplate([]byte(s), "dns.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := FromTemplate(tpl, "dns.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (c dnsCase) report(t *testing.T, dest Destination) *Report {
	t.Helper()
	r, err := Analyze(c.facts(t), dest, "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func text(r *Report) string {
	var b bytes.Buffer
	r.WriteText(&b)
	return b.String()
}

func named(name string) Destination {
	return Destination{Name: name, Internet: IPv4, Protocol: 6, Port: 443}
}

// Each DNS cause fails its own step with its reason, and the valid cases
// pass, in the default report (the internet) and for a name.
func TestDnsCauses(t *testing.T) {
	for _, c := range []struct {
		name   string
		c      dnsCase
		dest   Destination
		check  string
		status Status
		reason []string // substrings of the check's reason (and fix)
	}{
		{"amazon-dns", dnsCase{}, DefaultDestination, CheckDnsResolver, Pass, []string{"Amazon-provided resolver", "10.0.0.2", "169.254.169.253"}},
		{"dns-support-off", dnsCase{vpcProps: ", EnableDnsSupport: false"}, DefaultDestination, CheckDnsResolver, Fail, []string{"EnableDnsSupport false", "set EnableDnsSupport: true"}},
		{"dns-support-off-name", dnsCase{vpcProps: ", EnableDnsSupport: false"}, named("api.example.com"), CheckDnsResolver, Fail, []string{"cannot resolve names"}},
		{"custom-dns-reachable", dnsCase{extra: customDns("10.0.9.10")}, DefaultDestination, CheckDnsServerPath, Pass, []string{"10.0.9.10", "udp/53 and tcp/53"}},
		{"custom-dns-sg", dnsCase{extra: customDns("10.0.9.10"), egress: `[{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}]`}, DefaultDestination, CheckDnsServerSg, Fail, []string{"DNS (udp/53) to server 10.0.9.10", "no egress rule"}},
		{"custom-dns-acl", dnsCase{extra: customDns("10.0.9.10") + `
  DnsAcl: {Type: AWS::EC2::NetworkAcl, Properties: {VpcId: !Ref Vpc}}
  DnsAclOut: {Type: AWS::EC2::NetworkAclEntry, Properties: {NetworkAclId: !Ref DnsAcl, RuleNumber: 100, Protocol: -1, RuleAction: allow, Egress: true, CidrBlock: 0.0.0.0/0}}
  DnsAclIn: {Type: AWS::EC2::NetworkAclEntry, Properties: {NetworkAclId: !Ref DnsAcl, RuleNumber: 100, Protocol: 6, RuleAction: allow, CidrBlock: 0.0.0.0/0, PortRange: {From: 53, To: 53}}}
  DnsAclAssoc: {Type: AWS::EC2::SubnetNetworkAclAssociation, Properties: {SubnetId: !Ref DnsSubnet, NetworkAclId: !Ref DnsAcl}}`}, DefaultDestination, CheckDnsServerPath, Fail, []string{"DNS (udp/53) to server 10.0.9.10", "the query arriving at the DNS server's subnet DnsSubnet", "implicit deny"}},
		{"custom-dns-no-route", dnsCase{extra: customDns("8.8.8.8"), route: "10.1.0.0/16"}, DefaultDestination, CheckDnsServerPath, Fail, []string{"DNS (udp/53) to server 8.8.8.8", "has no route for 8.8.8.8"}},
		{"custom-dns-via-nat", dnsCase{extra: customDns("8.8.8.8")}, DefaultDestination, CheckDnsServerPath, Pass, []string{"8.8.8.8", "NAT gateway Nat"}},
		{"no-firewall", dnsCase{}, named("api.example.com"), CheckDnsFirewall, Pass, []string{"no DNS Firewall rule group is associated"}},
		{"allowed-name", dnsCase{extra: allowList("api.example.com")}, named("api.example.com"), CheckDnsFirewall, Pass, []string{"rule priority 100", "entry api.example.com", "ALLOW"}},
		{"blocked-name", dnsCase{extra: allowList("api.example.com")}, named("evil.example.org"), CheckDnsFirewall, Fail, []string{"blocks evil.example.org", "rule group Rules (association priority 1000) rule priority 200", "domain list Everything entry *", "NXDOMAIN"}},
		{"wildcard-subdomain", dnsCase{extra: allowList(`"*.example.com"`)}, named("api.eu.example.com"), CheckDnsFirewall, Pass, []string{"entry *.example.com"}},
		{"wildcard-not-apex", dnsCase{extra: allowList(`"*.example.com"`)}, named("example.com"), CheckDnsFirewall, Fail, []string{"blocks example.com", "matches the names below example.com but not example.com itself"}},
		{"custom-dns-no-firewall", dnsCase{extra: customDns("10.0.9.10") + allowList("api.example.com")}, named("evil.example.org"), CheckDnsFirewall, Pass, []string{"not to Route 53 Resolver: DNS Firewall does not filter them"}},
		{"s3-domain-list", dnsCase{extra: `
  FromS3: {Type: AWS::Route53Resolver::FirewallDomainList, Properties: {DomainFileUrl: s3://bucket/domains.txt}}
  Rules:
    Type: AWS::Route53Resolver::FirewallRuleGroup
    Properties:
      FirewallRules: [{Action: BLOCK, BlockResponse: NODATA, Priority: 100, FirewallDomainListId: !GetAtt FromS3.Id}]
  RulesAssoc: {Type: AWS::Route53Resolver::FirewallRuleGroupAssociation, Properties: {VpcId: !Ref Vpc, FirewallRuleGroupId: !GetAtt Rules.Id, Priority: 1000}}`}, named("api.example.com"), CheckDnsFirewall, Unknown, []string{"imported from a file in S3"}},
		{"managed-domain-list", dnsCase{extra: `
  Rules:
    Type: AWS::Route53Resolver::FirewallRuleGroup
    Properties:
      FirewallRules: [{Action: BLOCK, BlockResponse: NODATA, Priority: 100, FirewallDomainListId: rslvr-fdl-0123456789abcdef}]
  RulesAssoc: {Type: AWS::Route53Resolver::FirewallRuleGroupAssociation, Properties: {VpcId: !Ref Vpc, FirewallRuleGroupId: !GetAtt Rules.Id, Priority: 1000}}`}, named("api.example.com"), CheckDnsFirewall, Unknown, []string{"AWS-managed list"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := c.c.report(t, c.dest)
			got := r.Find(c.check)
			if c.status != Pass {
				got = r.Find(c.check, c.status)
			}
			if got == nil {
				t.Fatalf("no %s check of status %s:\n%s", c.check, c.status, text(r))
			}
			if got.Status != c.status {
				t.Fatalf("%s is %s, want %s:\n%s", c.check, got.Status, c.status, text(r))
			}
			for _, want := range c.reason {
				if !strings.Contains(got.Reason+" "+got.Fix, want) {
					t.Errorf("%s %s: %q lacks %q", c.check, got.Status, got.Reason+" / "+got.Fix, want)
				}
			}
			wantReachable := c.status == Pass
			if c.name == "custom-dns-no-route" {
				wantReachable = false // the internet has no route either
			}
			if r.Reachable != wantReachable {
				t.Errorf("reachable %v, want %v:\n%s", r.Reachable, wantReachable, text(r))
			}
			if testing.Verbose() {
				t.Log(text(r))
			}
			if c.status != Pass && r.ExitStatus() == 0 {
				t.Errorf("exit status 0 for a %s DNS step", c.status)
			}
		})
	}
}

// An address destination needs no DNS step; a name does.
func TestDnsStepOnlyForNames(t *testing.T) {
	c := dnsCase{vpcProps: ", EnableDnsSupport: false"}
	d, err := parseDestination("93.184.216.34", "443", "tcp", false)
	if err != nil {
		t.Fatal(err)
	}
	r := c.report(t, d)
	if x := r.Find(CheckDnsResolver); x != nil {
		t.Errorf("a DNS step for an address: %+v", x)
	}
	if !r.Reachable {
		t.Errorf("an address is reachable without DNS:\n%s", text(r))
	}
}

// Rule groups are evaluated by association priority, rules by priority:
// the first match decides.
func TestDnsFirewallOrder(t *testing.T) {
	groups := func(blockPrio, allowPrio string) string {
		return `
  Listed: {Type: AWS::Route53Resolver::FirewallDomainList, Properties: {Domains: [api.example.com]}}
  BlockGroup:
    Type: AWS::Route53Resolver::FirewallRuleGroup
    Properties:
      FirewallRules: [{Action: BLOCK, BlockResponse: NODATA, Priority: 1, FirewallDomainListId: !GetAtt Listed.Id}]
  AllowGroup:
    Type: AWS::Route53Resolver::FirewallRuleGroup
    Properties:
      FirewallRules:
        - {Action: ALERT, Priority: 5, FirewallDomainListId: !GetAtt Listed.Id}
        - {Action: BLOCK, BlockResponse: NXDOMAIN, Priority: 9, FirewallDomainListId: !GetAtt Listed.Id}
  BlockAssoc: {Type: AWS::Route53Resolver::FirewallRuleGroupAssociation, Properties: {VpcId: !Ref Vpc, FirewallRuleGroupId: !GetAtt BlockGroup.Id, Priority: ` + blockPrio + `}}
  AllowAssoc: {Type: AWS::Route53Resolver::FirewallRuleGroupAssociation, Properties: {VpcId: !Ref Vpc, FirewallRuleGroupId: !GetAtt AllowGroup.Id, Priority: ` + allowPrio + `}}`
	}
	blocked := dnsCase{extra: groups("101", "200")}.report(t, named("api.example.com")).Find(CheckDnsFirewall)
	if blocked == nil || blocked.Status != Fail || !strings.Contains(blocked.Reason, "BlockGroup") {
		t.Errorf("block group first: %+v", blocked)
	}
	alerted := dnsCase{extra: groups("300", "200")}.report(t, named("api.example.com")).Find(CheckDnsFirewall)
	if alerted == nil || alerted.Status != Pass || !strings.Contains(alerted.Reason, "rule priority 5") || !strings.Contains(alerted.Reason, "logged") {
		t.Errorf("ALERT rule first: %+v", alerted)
	}
}

func TestDomainMatches(t *testing.T) {
	for _, c := range []struct {
		entry, name string
		want        bool
	}{
		{"api.example.com", "api.example.com", true},
		{"API.Example.com.", "api.example.com", true},
		{"api.example.com", "x.api.example.com", false},
		{"*.example.com", "api.example.com", true},
		{"*.example.com", "a.b.example.com", true},
		{"*.example.com", "example.com", false},
		{"*.example.com", "badexample.com", false},
		{"*", "anything.example", true},
	} {
		if got := DomainMatches(c.entry, c.name); got != c.want {
			t.Errorf("DomainMatches(%q, %q) = %v", c.entry, c.name, got)
		}
	}
	for d, bad := range map[string]bool{"api.example.com": false, "*.amazonaws.com": false, "*": false, "a*.example.com": true, "a..b": true, "exa_mple.com": true, "": true, "https://x.com": true} {
		if got := ValidDomainEntry(d) != ""; got != bad {
			t.Errorf("ValidDomainEntry(%q) = %q", d, ValidDomainEntry(d))
		}
	}
}

func TestParseNameDestination(t *testing.T) {
	for _, c := range []struct {
		dest, port string
		given      bool
		name       string
		wantPort   int
		err        string
	}{
		{"api.example.com", "443", false, "api.example.com", 443, ""},
		{"https://api.example.com/path?q=1", "443", false, "api.example.com", 443, ""},
		{"http://api.example.com/path", "443", false, "api.example.com", 80, ""},
		{"http://api.example.com:8080/", "443", false, "api.example.com", 8080, ""},
		{"https://api.example.com/", "8443", true, "api.example.com", 8443, ""},
		{"ftp://files.example.com/", "443", false, "", 0, "http and https"},
		{"10.0.0", "443", false, "", 0, "neither an IP address nor a DNS name"},
		{"*.example.com", "443", false, "", 0, "not a wildcard"},
		{"exa_mple.com", "443", false, "", 0, "not a DNS name"},
	} {
		d, err := parseDestination(c.dest, c.port, "tcp", c.given)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.dest, err, c.err)
			}
			continue
		}
		if err != nil || d.Name != c.name || d.Port != c.wantPort || d.Internet != IPv4 {
			t.Errorf("%s: %+v %v", c.dest, d, err)
		}
	}
}
