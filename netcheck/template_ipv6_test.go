package netcheck

import (
	"net/netip"
	"strings"
	"testing"
)

func TestCidrSplit(t *testing.T) {
	for _, c := range []struct {
		block       string
		count, bits int
		want        string // first and last, or the error
	}{
		{"10.0.0.0/16", 4, 12, "10.0.0.0/20 10.0.48.0/20"},
		{"10.0.0.0/16", 17, 12, "error"}, // a /16 holds 16 /20s
		{"192.168.0.0/24", 2, 7, "192.168.0.0/25 192.168.0.128/25"},
		{"2001:db8::/56", 256, 64, "2001:db8::/64 2001:db8:0:ff::/64"},
		{"2001:db8::/56", 257, 64, "error"}, // count is 1 to 256
		{"2001:db8::/64", 1, 72, "error"},   // more host bits than the block
		{"2001:db8:0:100::/56", 2, 64, "2001:db8:0:100::/64 2001:db8:0:101::/64"},
	} {
		out, err := CidrSplit(netip.MustParsePrefix(c.block), c.count, c.bits)
		got := "error"
		if err == nil {
			got = out[0].String() + " " + out[len(out)-1].String()
			if len(out) != c.count {
				t.Errorf("%s: %d blocks, want %d", c.block, len(out), c.count)
			}
		}
		if got != c.want {
			t.Errorf("Fn::Cidr [%s, %d, %d] = %s, want %s", c.block, c.count, c.bits, got, c.want)
		}
	}
}

// A template's IPv6 blocks resolve from one placeholder /56 per VPC, never
// on the IPv6 internet, and subnets, ACL entries and routes agree on it.
func TestIpv6Placeholders(t *testing.T) {
	for i := 0; i < 300; i += 37 {
		p := Ipv6Placeholder(i)
		if !Ipv6PlaceholderBase.Contains(p.Addr()) || !Internet6().Intersect(PrefixSet(p)).IsEmpty() || p.Bits() != 56 {
			t.Errorf("placeholder %d = %s", i, p)
		}
		if i > 0 && PrefixSet(p).Intersect(PrefixSet(Ipv6Placeholder(i-37))).IsEmpty() == false {
			t.Errorf("placeholders %d and %d overlap", i, i-37)
		}
	}
	tpl, err := ParseTemplate([]byte(`{"Resources": {
		"A": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
		"B": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.1.0.0/16"}},
		"B6": {"Type": "AWS::EC2::VPCCidrBlock", "Properties": {"VpcId": {"Ref": "B"}, "AmazonProvidedIpv6CidrBlock": true}},
		"Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "B"}, "CidrBlock": "10.1.0.0/24",
			"Ipv6CidrBlock": {"Fn::Select": [3, {"Fn::Cidr": [{"Fn::Select": [0, {"Fn::GetAtt": ["B", "Ipv6CidrBlocks"]}]}, 256, "64"]}]}}}}}`), "t")
	if err != nil {
		t.Fatal(err)
	}
	f, err := FromTemplate(tpl, "t")
	if err != nil {
		t.Fatal(err)
	}
	b := f.Vpcs["B"]
	if len(b.Ipv6Cidrs) != 1 || b.Ipv6Cidrs[0].String() != "2001:db8:0:100::/56" || !b.Ipv6Placeholder {
		t.Errorf("VPC B: %v placeholder %v", b.Ipv6Cidrs, b.Ipv6Placeholder)
	}
	if len(f.Vpcs["A"].Ipv6Cidrs) != 0 {
		t.Errorf("VPC A has no IPv6 block: %v", f.Vpcs["A"].Ipv6Cidrs)
	}
	if got := f.Subnets["Subnet"].Ipv6Cidr.String(); got != "2001:db8:0:103::/64" {
		t.Errorf("subnet: %s", got)
	}
	if s := strings.Join(prefixStrings(b.Ipv6Cidrs), ""); !strings.HasPrefix(s, "2001:db8:") {
		t.Error(s)
	}
}
