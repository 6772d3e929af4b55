package vpclambda

import (
	"fmt"
	"math"
	"net/netip"
)

// subnetLayout is where the subnets of a new VPC go. Private subnet i is the
// i-th block of its size from the start of the VPC block; public subnet j is
// the j-th block of its size from the end. Adding AZs or NAT gateways later
// therefore never moves (and never replaces) an existing subnet.
type subnetLayout struct {
	Private []netip.Prefix
	Public  []netip.Prefix
}

// parseVpcCidr checks a VPC CIDR: an IPv4 network address with a /16 to /28
// prefix, as Amazon VPC requires, outside the blocks EC2 refuses as VPC
// space (vpcRefused).
func parseVpcCidr(s string) (netip.Prefix, string, string) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return p, "is not an IPv4 CIDR block (" + err.Error() + ")", `give a network address and prefix length such as "10.0.0.0/16"`
	}
	if !p.Addr().Is4() {
		return p, "is not an IPv4 block; a VPC's primary CIDR must be IPv4", `use an IPv4 block such as "10.0.0.0/16"`
	}
	if p.Bits() < MinVpcPrefix || p.Bits() > MaxSubnetPrefix {
		return p, fmt.Sprintf("has prefix length /%d; Amazon VPC allows /%d to /%d", p.Bits(), MinVpcPrefix, MaxSubnetPrefix),
			fmt.Sprintf("use a prefix between /%d and /%d, e.g. %q", MinVpcPrefix, MaxSubnetPrefix, netip.PrefixFrom(p.Addr(), MinVpcPrefix).Masked().String())
	}
	if p.Masked() != p {
		return p, "has host bits set", fmt.Sprintf("use the network address %q", p.Masked().String())
	}
	for _, r := range vpcRefused {
		if p.Overlaps(r.block) {
			return p, fmt.Sprintf("lies in %s %s, which is not usable VPC space (EC2's CreateVpc refuses it: InvalidVpc.Range)", r.block, r.name),
				fmt.Sprintf("use private space (RFC 1918), e.g. %q", netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, 0, 0}), p.Bits()).String())
		}
	}
	return p, "", ""
}

// vpcRefused are the IPv4 blocks a VPC cannot use. Amazon VPC takes any
// /16 to /28 block, private (RFC 1918, which AWS recommends) or publicly
// routable (Amazon VPC User Guide, "VPC CIDR blocks"), but not these
// special-purpose blocks, which no host can be given: EC2's CreateVpc
// answers InvalidVpc.Range ("the specified CIDR block range is not valid",
// Amazon EC2 API Reference, "Error codes"). The link-local block also
// holds the addresses AWS serves inside every VPC (instance metadata at
// 169.254.169.254, the Amazon DNS server at 169.254.169.253).
var vpcRefused = []struct {
	block netip.Prefix
	name  string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), `("this network", RFC 1122)`},
	{netip.MustParsePrefix("127.0.0.0/8"), "(loopback, RFC 1122)"},
	{netip.MustParsePrefix("169.254.0.0/16"), "(link-local, RFC 3927: AWS's instance metadata and DNS addresses)"},
	{netip.MustParsePrefix("224.0.0.0/4"), "(multicast, RFC 5771)"},
	{netip.MustParsePrefix("240.0.0.0/4"), "(reserved, RFC 1112, with the broadcast address 255.255.255.255)"},
}

// layoutSubnets places nPrivate subnets of privateBits and nPublic subnets of
// publicBits in vpc. It returns an error message and fix when they do not fit.
//
// masksFix ends the fix when the subnet sizes were chosen (e.g. ", or
// smaller subnets (PrivateSubnetCidrMask)"), so a fix names only the props
// the caller set.
func layoutSubnets(vpc netip.Prefix, nPrivate, privateBits, nPublic, publicBits int, masksFix string) (subnetLayout, string, string) {
	var l subnetLayout
	size := func(bits int) uint64 { return uint64(1) << (32 - bits) }
	vpcSize := size(vpc.Bits())
	need := uint64(nPrivate)*size(privateBits) + uint64(nPublic)*size(publicBits)
	if need > vpcSize {
		minBits := 32 - int(math.Ceil(math.Log2(float64(need))))
		return l, fmt.Sprintf("is too small for %d private /%d and %d public /%d subnets (%d addresses needed, the block has %d)",
				nPrivate, privateBits, nPublic, publicBits, need, vpcSize),
			fmt.Sprintf("use a /%d or larger block%s", minBits, masksFix)
	}
	base := ipv4ToUint(vpc.Addr())
	for i := 0; i < nPrivate; i++ {
		l.Private = append(l.Private, netip.PrefixFrom(uintToIPv4(base+uint64(i)*size(privateBits)), privateBits))
	}
	end := base + vpcSize
	for j := 0; j < nPublic; j++ {
		l.Public = append(l.Public, netip.PrefixFrom(uintToIPv4(end-uint64(j+1)*size(publicBits)), publicBits))
	}
	// Private blocks grow up from the start, public blocks down from the
	// end, each aligned to its own size; they fit when they do not cross.
	if nPrivate > 0 && nPublic > 0 {
		privEnd := base + uint64(nPrivate)*size(privateBits)
		pubStart := end - uint64(nPublic)*size(publicBits)
		if privEnd > pubStart {
			return subnetLayout{}, fmt.Sprintf("cannot hold %d private /%d and %d public /%d subnets without overlap",
					nPrivate, privateBits, nPublic, publicBits),
				"use a larger block" + masksFix
		}
	}
	return l, "", ""
}

func ipv4ToUint(a netip.Addr) uint64 {
	b := a.As4()
	return uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
}

func uintToIPv4(v uint64) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
