package netcheck

import "fmt"

// CheckVpcPublicSpace warns that a VPC's IPv4 block overlaps the internet
// (Internet4): the VPC's local route is the most specific route to those
// addresses in every route table of the VPC, so the function reaches them
// inside the VPC and never on the internet, whatever the route to the
// NAT device says. Amazon VPC accepts such blocks (a publicly routable
// block you own, for instance), so this is a warning, not a failure.
const CheckVpcPublicSpace = "vpc-public-space"

// vpcOverlapWarnings warns once for each VPC of the function's subnets
// whose block overlaps public internet space.
func vpcOverlapWarnings(f *Facts, fn *Function) []Check {
	var out []Check
	seen := map[string]bool{}
	internet := Internet4()
	for _, sid := range fn.SubnetIDs {
		s := f.Subnets[sid]
		if s == nil {
			continue
		}
		v := f.Vpcs[s.VpcID]
		if v == nil || seen[v.ID] || !v.Cidr.IsValid() || !v.Cidr.Addr().Is4() {
			continue
		}
		seen[v.ID] = true
		public := PrefixSet(v.Cidr).Intersect(internet)
		if public.IsEmpty() {
			continue
		}
		out = append(out, Check{Name: CheckVpcPublicSpace, Status: Warn, Resource: v.ID,
			Reason: fmt.Sprintf("the VPC block %s overlaps public internet addresses (%s): the VPC's local route takes them, so the function reaches those destinations inside the VPC, never on the internet", v.Cidr, public),
			Fix:    "use private space (RFC 1918) such as 10.0.0.0/16 for the VPC, unless those addresses are yours and meant to be local"})
	}
	return out
}
