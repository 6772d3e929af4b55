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
