package twin

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/vpclambda/vpclambda/netcheck"
)

// ndp lets IPv6 neighbor discovery through: link infrastructure, which
// security groups do not filter.
const ndp = "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert } accept\n"

// securityGroupRules is the function interface's security groups as a
// stateful nftables table in its namespace: replies to allowed traffic come
// back (conntrack), new outbound traffic needs an egress rule of one of the
// groups, nothing new comes in. Traffic to the VPC's DNS resolver is not
// filtered, as in AWS (security groups do not filter Amazon DNS).
func securityGroupRules(f *netcheck.Facts, groups []string, dns netip.Addr) string {
	var b strings.Builder
	b.WriteString("table inet sg {\n  chain out {\n    type filter hook output priority 0; policy drop;\n")
	b.WriteString("    oif lo accept\n    ct state established,related accept\n" + ndp)
	fmt.Fprintf(&b, "    ip daddr %s meta l4proto { tcp, udp } th dport 53 accept\n", dns)
	for _, id := range groups {
		sg := f.SecurityGroups[id]
		if sg == nil {
			fmt.Fprintf(&b, "    # security group %s: not in the facts, no rules\n", id)
			continue
		}
		for _, r := range sg.Egress {
			if !r.Cidr.IsValid() {
				continue
			}
			fam := "ip"
			if r.Cidr.Addr().Is6() {
				fam = "ip6"
			}
			m := append([]string{fmt.Sprintf("%s daddr %s", fam, r.Cidr.Masked())}, protoMatch(r.Protocol, r.FromPort, r.ToPort)...)
			fmt.Fprintf(&b, "    %s accept\n", strings.Join(m, " "))
		}
	}
	b.WriteString("  }\n  chain in {\n    type filter hook input priority 0; policy drop;\n")
	b.WriteString("    iif lo accept\n    ct state established,related accept\n" + ndp)
	fmt.Fprintf(&b, "    ip saddr %s accept\n  }\n}\n", dns)
	return b.String()
}
