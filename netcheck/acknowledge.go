package netcheck

// Acknowledgements: a reviewer accepts a check's verdict for a resource in
// the template's own Metadata, the way cfn-lint (Metadata.cfn-lint) and
// cdk-nag (Metadata.cdk_nag) take theirs:
//
//	Metadata:
//	  netcheck:
//	    acknowledge:
//	      - check: single-nat
//	        reason: one NAT gateway is enough for this test stack
//
// On a function's own resource it covers that function's checks; on any
// other resource, the checks that name it. The report keeps the verdict
// and prints the reason; the exit status and the summary ignore it.

// acknowledge marks the report's checks the facts' Metadata acknowledges.
func acknowledge(f *Facts, r *Report) {
	if len(f.Suppressions) == 0 {
		return
	}
	reason := func(fn, check, resource string) string {
		for _, id := range []string{resource, fn} {
			for _, s := range f.Suppressions[id] {
				if s.Check == check {
					return s.Reason
				}
			}
		}
		return ""
	}
	// mark copies a list before it changes it: subnets' check lists are
	// shared by the functions in the same subnet.
	mark := func(fn string, cs []Check) []Check {
		var out []Check
		for i, c := range cs {
			if c.Status == Pass {
				continue
			}
			if why := reason(fn, c.Name, c.Resource); why != "" {
				if out == nil {
					out = append([]Check(nil), cs...)
				}
				out[i].Acknowledged = why
			}
		}
		if out == nil {
			return cs
		}
		return out
	}
	for fi := range r.Functions {
		fr := &r.Functions[fi]
		fr.Checks = mark(fr.Function, fr.Checks)
		fr.Warnings = mark(fr.Function, fr.Warnings)
		for si := range fr.Subnets {
			fr.Subnets[si].Checks = mark(fr.Function, fr.Subnets[si].Checks)
		}
	}
}
