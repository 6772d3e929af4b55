package twin

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/vpclambda/vpclambda/netcheck"
)

// natInstance is a NAT instance's network interface: an instance that
// forwards and masquerades the VPC's traffic (as the construct's NAT
// instances do with nftables: masquerade keeps the source port when it
// can), behind its security groups (stateful, inbound and outbound rules
// enforced on its interface), and with EC2's source/destination check
// enforced by the VPC router when it is on: the interface then neither
// sends nor receives packets that are not its own, so it forwards nothing.
type natInstance struct {
	*node
	eni *netcheck.NetworkInterface
	eip netip.Addr // its Elastic IP or public IP, invalid when none
}

// addNatInstances adds every interface of a NAT instance: attached to an
// instance that is running (or, in a template, will be).
func (t *Twin) addNatInstances(vpc *netcheck.Vpc) error {
	var ids []string
	for id, eni := range t.facts.NetworkInterfaces {
		if sn := t.facts.Subnets[eni.SubnetID]; sn != nil && sn.VpcID == vpc.ID {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		eni := t.facts.NetworkInterfaces[id]
		inst := t.facts.Instances[eni.Instance]
		if inst == nil || (inst.State != "" && inst.State != "running") {
			continue // detached or stopped: routes to it are blackholes
		}
		if err := t.addNatInstance(eni, vpc); err != nil {
			return err
		}
	}
	return nil
}

func (t *Twin) addNatInstance(eni *netcheck.NetworkInterface, vpc *netcheck.Vpc) error {
	sn := t.facts.Subnets[eni.SubnetID]
	addr, err := t.hostAddr(sn.Cidr)
	if err != nil {
		return err
	}
	n, err := t.newNode("nati", sn.ID, addr, true)
	if err != nil {
		return err
	}
	n.srcDstCheck = eni.SourceDestCheck
	ni := &natInstance{node: n, eni: eni}
	if eni.PublicIP != "" {
		ni.eip = t.elasticIP(strings.TrimPrefix(eni.PublicIP, "Elastic IP "))
		t.publicIPs[addr] = ni.eip
	}
	t.natInstances[eni.ID] = ni
	t.natInstances[eni.Instance] = ni // routes may name the instance
	return nil
}

// rules are the instance's security groups and masquerade; written once
// every function interface exists, since an inbound rule may name the
// function's security group as its source.
func (ni *natInstance) rules(t *Twin, vpc *netcheck.Vpc) error {
	var in, out []string
	for _, id := range ni.eni.SecurityGroups {
		sg := t.facts.SecurityGroups[id]
		if sg == nil {
			continue
		}
		for _, r := range sg.Ingress {
			src := ""
			switch {
			case r.SourceGroup != "":
				members := t.groupMembers(r.SourceGroup)
				if len(members) == 0 {
					continue
				}
				src = "ip saddr { " + strings.Join(members, ", ") + " }"
			case r.Cidr.IsValid() && r.Cidr.Addr().Is4():
				src = "ip saddr " + r.Cidr.Masked().String()
			default:
				continue
			}
			in = append(in, "    "+strings.Join(append([]string{src}, protoMatch(r.Protocol, r.FromPort, r.ToPort)...), " ")+" accept")
		}
		for _, r := range sg.Egress {
			if r.Cidr.IsValid() && r.Cidr.Addr().Is4() {
				out = append(out, "    "+strings.Join(append([]string{"ip daddr " + r.Cidr.Masked().String()}, protoMatch(r.Protocol, r.FromPort, r.ToPort)...), " ")+" accept")
			}
		}
	}
	return ni.ns.nft(natInstanceRuleset(in, out, vpc.Cidr.Masked().String()))
}

// natInstanceRuleset is a NAT instance's nftables ruleset: its security
// groups' inbound and outbound rules (stateful), and the construct's own
// translation, masquerade without a port range: it keeps the function's
// source port (any of 1024-65535), so the replies come back on it
// (netcheck.NatInstanceReplyFrom).
func natInstanceRuleset(in, out []string, vpcCidr string) string {
	return fmt.Sprintf(`table inet sg {
  chain in {
    type filter hook prerouting priority 0; policy drop;
    iif lo accept
    ct state established,related accept
%s%s
  }
  chain out {
    type filter hook postrouting priority 0; policy drop;
    oif lo accept
    ct state established,related accept
%s%s
  }
}
table ip nat {
  chain post {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "v" ip saddr %s masquerade
  }
}
`, ndp, strings.Join(in, "\n"), ndp, strings.Join(out, "\n"), vpcCidr)
}

// groupMembers are the twin's addresses whose interface is in a security
// group (the function interfaces).
func (t *Twin) groupMembers(group string) []string {
	var out []string
	for _, e := range t.enis {
		for _, g := range e.fn.SecurityGroups {
			if g == group {
				out = append(out, e.addr.String())
			}
		}
	}
	return out
}
