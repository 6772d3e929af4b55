package netcheck

// IPv6 blocks and Fn::Cidr in templates. A VPC's Amazon-provided IPv6 /56
// is assigned by AWS when the stack is deployed, so a template cannot know
// it: the resolver gives each VPC that asks for one a placeholder /56 from
// the documentation block 2001:db8::/32 (RFC 3849), which is never part of
// the IPv6 internet, so no placeholder can be mistaken for a destination.
// Subnets, network ACL entries and routes that derive their blocks from the
// VPC's (Fn::GetAtt VPC.Ipv6CidrBlocks, Fn::Cidr, Fn::Select) resolve
// consistently from it, and the facts say the blocks are placeholders
// (Vpc.Ipv6Placeholder).

import (
	"fmt"
	"math/big"
	"net/netip"
	"sort"
)

// Ipv6PlaceholderBase is the block the per-VPC placeholder /56s come from:
// the first VPC (by logical id) gets 2001:db8::/56, the second
// 2001:db8:0:100::/56, and so on.
var Ipv6PlaceholderBase = netip.MustParsePrefix("2001:db8::/32")

// Ipv6Placeholder returns the placeholder /56 of the i-th VPC.
func Ipv6Placeholder(i int) netip.Prefix {
	b := Ipv6PlaceholderBase.Addr().As16()
	b[5], b[6] = byte(i>>8), byte(i)
	return netip.PrefixFrom(netip.AddrFrom16(b), 56)
}

// vpcIpv6Block is how a template gives a VPC an IPv6 block: an
// AWS::EC2::VPCCidrBlock with an explicit Ipv6CidrBlock, or one AWS (or an
// IPv6 pool) assigns at deploy time (then a placeholder).
func (r *resolver) vpcIpv6Blocks(vpc string) (blocks []interface{}, placeholder bool) {
	var ids []string
	for id, res := range r.t.Resources {
		if res.Type == "AWS::EC2::VPCCidrBlock" {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		p := r.t.Resources[id].Properties
		if refID(r.value(p["VpcId"])) != vpc {
			continue
		}
		if explicit, ok := p["Ipv6CidrBlock"]; ok {
			blocks = append(blocks, r.value(explicit))
			continue
		}
		if fmt.Sprint(r.value(p["AmazonProvidedIpv6CidrBlock"])) == "true" || p["Ipv6Pool"] != nil || p["Ipv6IpamPoolId"] != nil {
			blocks = append(blocks, Ipv6Placeholder(r.vpcIndex(vpc)).String())
			placeholder = true
		}
	}
	return blocks, placeholder
}

// vpcIpv6 resolves Fn::GetAtt VPC.Ipv6CidrBlocks.
func (r *resolver) vpcIpv6(vpc string) interface{} {
	blocks, _ := r.vpcIpv6Blocks(vpc)
	if blocks == nil {
		return []interface{}{}
	}
	return blocks
}

// vpcIndex is the VPC's position among the template's VPCs by logical id.
func (r *resolver) vpcIndex(vpc string) int {
	var ids []string
	for id, res := range r.t.Resources {
		if res.Type == "AWS::EC2::VPC" {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return sort.SearchStrings(ids, vpc)
}

// cidr evaluates Fn::Cidr [ipBlock, count, cidrBits]: count blocks of
// cidrBits host bits each, carved in order from the start of ipBlock
// (IPv4 or IPv6), as CloudFormation documents it.
func (r *resolver) cidr(arg interface{}) interface{} {
	a, ok := arg.([]interface{})
	if !ok || len(a) != 3 {
		return unknown{"Fn::Cidr"}
	}
	s, ok := str(r.value(a[0]))
	block, err := netip.ParsePrefix(s)
	count, bits := intOf(r.value(a[1]), -1), intOf(r.value(a[2]), -1)
	if !ok || err != nil {
		return unknown{"Fn::Cidr"}
	}
	out, err := CidrSplit(block, count, bits)
	if err != nil {
		return unknown{"Fn::Cidr"}
	}
	list := make([]interface{}, len(out))
	for i, p := range out {
		list[i] = p.String()
	}
	return list
}

// CidrSplit is Fn::Cidr: the first count blocks with hostBits host bits
// inside block, in address order.
func CidrSplit(block netip.Prefix, count, hostBits int) ([]netip.Prefix, error) {
	block = block.Masked()
	size := block.Addr().BitLen() - hostBits
	if count < 1 || count > 256 || hostBits < 0 || size < block.Bits() {
		return nil, fmt.Errorf("Fn::Cidr: %d blocks of %d host bits do not fit in %s", count, hostBits, block)
	}
	if size-block.Bits() < 63 && count > 1<<(size-block.Bits()) {
		return nil, fmt.Errorf("Fn::Cidr: %s holds fewer than %d blocks of /%d", block, count, size)
	}
	base := new(big.Int).SetBytes(block.Addr().AsSlice())
	step := new(big.Int).Lsh(big.NewInt(1), uint(hostBits))
	n := len(block.Addr().AsSlice())
	out := make([]netip.Prefix, count)
	for i := 0; i < count; i++ {
		v := new(big.Int).Add(base, new(big.Int).Mul(step, big.NewInt(int64(i))))
		b := v.FillBytes(make([]byte, n))
		addr, _ := netip.AddrFromSlice(b)
		out[i] = netip.PrefixFrom(addr, size)
	}
	return out, nil
}
