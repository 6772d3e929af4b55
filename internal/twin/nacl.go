package twin

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vpclambda/vpclambda/netcheck"
)

// naclChains writes a subnet's network ACL as two nftables chains of the
// router's filter table (nacl_out_N, nacl_in_N): the entries in rule-number
// order, the first match deciding (allow returns to the caller, which then
// applies the other subnet's ACL; deny drops), and the implicit deny at the
// end. Network ACLs are stateless: a reply is checked like any packet.
// allowAll is a default ACL without entries (it allows everything).
func naclChains(b *strings.Builder, n int, acl *netcheck.NetworkAcl) {
	for _, egress := range []bool{true, false} {
		dir := "in"
		if egress {
			dir = "out"
		}
		fmt.Fprintf(b, "  chain nacl_%s_%d {\n", dir, n)
		if acl == nil || (acl.Default && len(acl.Entries) == 0) {
			b.WriteString("    return\n  }\n")
			continue
		}
		var entries []netcheck.NaclEntry
		for _, e := range acl.Entries {
			if e.Egress == egress {
				entries = append(entries, e)
			}
		}
		sort.SliceStable(entries, func(i, j int) bool { return entries[i].RuleNumber < entries[j].RuleNumber })
		for _, e := range entries {
			fmt.Fprintf(b, "    %s\n", naclRule(e))
		}
		b.WriteString("    drop\n  }\n")
	}
}

// naclRule is one entry as an nftables rule. The port range of an entry is
// the packet's destination port, inbound and outbound.
func naclRule(e netcheck.NaclEntry) string {
	var m []string
	if e.Cidr.IsValid() {
		fam, addr := "ip", "saddr"
		if e.Cidr.Addr().Is6() {
			fam = "ip6"
		}
		if e.Egress {
			addr = "daddr"
		}
		m = append(m, fmt.Sprintf("%s %s %s", fam, addr, e.Cidr.Masked()))
	}
	m = append(m, protoMatch(e.Protocol, e.FromPort, e.ToPort)...)
	verdict := "drop"
	if e.Allow {
		verdict = "return"
	}
	return strings.Join(append(m, verdict), " ")
}

// protoMatch matches a protocol number (-1 all) and, for TCP and UDP, the
// destination ports. ICMP types and codes are not matched (any ICMP).
func protoMatch(proto, from, to int) []string {
	switch proto {
	case -1:
		return nil
	case 6, 17:
		name := map[int]string{6: "tcp", 17: "udp"}[proto]
		if from <= 0 && (to <= 0 || to >= 65535) {
			return []string{"meta l4proto " + name}
		}
		if to < from {
			to = from
		}
		return []string{"meta l4proto " + name, fmt.Sprintf("th dport %d-%d", from, to)}
	}
	return []string{fmt.Sprintf("meta l4proto %d", proto)}
}

// replyPortClasses splits the ephemeral ports 1024-65535 at the port
// boundaries of the network ACLs' TCP and all-protocol entries: inside one
// class every entry treats every port alike, so one port per class answers
// for all of them. The function's replies come back to its own ephemeral
// port, and a NAT gateway's to any of 1024-65535.
func replyPortClasses(acls ...*netcheck.NetworkAcl) [][2]int {
	return replyPortClassesFor(6, acls...)
}

// replyPortClassesFor is replyPortClasses for one protocol's entries (TCP
// or UDP; an entry for all protocols has no ports).
func replyPortClassesFor(proto int, acls ...*netcheck.NetworkAcl) [][2]int {
	cuts := map[int]bool{netcheck.EphemeralFrom: true, netcheck.EphemeralTo + 1: true}
	for _, acl := range acls {
		if acl == nil {
			continue
		}
		for _, e := range acl.Entries {
			if e.Protocol != proto {
				continue
			}
			for _, c := range []int{e.FromPort, e.ToPort + 1} {
				if c > netcheck.EphemeralFrom && c <= netcheck.EphemeralTo {
					cuts[c] = true
				}
			}
		}
	}
	var cs []int
	for c := range cuts {
		cs = append(cs, c)
	}
	sort.Ints(cs)
	var out [][2]int
	for i := 0; i+1 < len(cs); i++ {
		out = append(out, [2]int{cs[i], cs[i+1] - 1})
	}
	return out
}
