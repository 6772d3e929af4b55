package netcheck

import "strings"

// regionalNatNode labels a regional NAT gateway's node: it belongs to the
// VPC, not to an AZ or subnet, so the picture draws it in the VPC outside
// the AZ groups, with its mode and, in manual mode, the zones it serves.
func regionalNatNode(n *dotNode, nat *NatGateway) {
	n.label = "regional NAT gateway " + nat.ID + "\nin VPC " + nat.VpcID + " (no subnet)"
	n.vpc = nat.VpcID
	if !nat.Manual {
		n.label += "\nautomatic mode: every AZ"
	} else {
		var zones []string
		for _, z := range nat.Zones {
			zones = append(zones, firstNonEmptyString(z.AZ, z.AZID))
		}
		n.label += "\nmanual mode: " + strings.Join(zones, ", ")
	}
	if nat.RouteTable != "" {
		n.label += "\nroute table " + nat.RouteTable
	}
}

func firstNonEmptyString(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return "?"
}
