package netcheck

// Undecided conditions: when the given values leave a condition open that
// decides what netcheck reads (a resource's Condition, an Fn::If branch),
// the facts come in cases, one per assignment (Facts.Cases). Each case is
// analyzed; a step whose verdict is the same in every case keeps it, one
// that differs is UNKNOWN and says which case gives which verdict. A
// function that exists only in some cases is checked in those.

import (
	"fmt"
	"strings"
)

func analyzeCases(f *Facts, dest Destination, only string) (*Report, error) {
	type caseReport struct {
		assume string
		r      *Report
	}
	var reports []caseReport
	for _, c := range f.Cases {
		r, err := analyzeOne(c.Facts, dest, only)
		if err != nil {
			continue // no function in this case
		}
		acknowledge(c.Facts, r)
		reports = append(reports, caseReport{c.Assume, r})
	}
	if len(reports) == 0 {
		if only != "" {
			return nil, fmt.Errorf("no VPC-attached Lambda function %q in %s, in any case of its conditions", only, f.Source)
		}
		return nil, fmt.Errorf("no VPC-attached Lambda function in %s, in any case of its conditions", f.Source)
	}
	out := &Report{Source: f.Source, Destination: dest.String(), Reachable: true}
	// Functions in the order they first appear.
	var order []string
	byCase := map[string][]int{} // function -> indexes into reports
	for i, cr := range reports {
		for _, fr := range cr.r.Functions {
			if _, seen := byCase[fr.Function]; !seen {
				order = append(order, fr.Function)
			}
			byCase[fr.Function] = append(byCase[fr.Function], i)
		}
	}
	for _, fid := range order {
		var frs []FunctionResult
		var assumes []string
		for _, i := range byCase[fid] {
			for _, fr := range reports[i].r.Functions {
				if fr.Function == fid {
					frs = append(frs, fr)
					assumes = append(assumes, reports[i].assume)
				}
			}
		}
		merged := mergeFunction(frs, assumes, f.CaseFix)
		if len(frs) < len(reports) {
			merged.Warnings = append(merged.Warnings, Check{Name: CheckSubnet, Status: Warn, Resource: fid,
				Reason: fmt.Sprintf("the function exists only when %s: checked in those cases", strings.Join(assumes, "; or ")),
				Fix:    "give the parameters' values to check the case that is deployed (--parameter ...)"})
		}
		if !merged.Reachable {
			out.Reachable = false
		}
		for c := range eachCheck(&merged) {
			if c.Status == Unknown {
				out.Unknown = true
			}
		}
		out.Functions = append(out.Functions, merged)
	}
	return out, nil
}

// mergeFunction merges one function's results across cases.
func mergeFunction(frs []FunctionResult, assumes []string, fix string) FunctionResult {
	m := frs[0]
	m.Checks = mergeChecks(collect(frs, func(fr FunctionResult) []Check { return fr.Checks }), assumes, fix)
	m.Warnings = mergeWarnings(collect(frs, func(fr FunctionResult) []Check { return fr.Warnings }))
	// Subnets by id, in the first case's order, then any others.
	var ids []string
	seen := map[string]bool{}
	for _, fr := range frs {
		for _, s := range fr.Subnets {
			if !seen[s.Subnet] {
				seen[s.Subnet] = true
				ids = append(ids, s.Subnet)
			}
		}
	}
	m.Subnets = nil
	for _, id := range ids {
		var lists [][]Check
		var first *SubnetResult
		for _, fr := range frs {
			var found *SubnetResult
			for i := range fr.Subnets {
				if fr.Subnets[i].Subnet == id {
					found = &fr.Subnets[i]
				}
			}
			if found == nil {
				lists = append(lists, []Check{{Name: CheckSubnet, Status: Pass, Resource: id, Reason: "the function is not in this subnet in this case"}})
				continue
			}
			if first == nil {
				first = found
			}
			lists = append(lists, found.Checks)
		}
		sr := *first
		sr.Checks = mergeChecks(lists, assumes, fix)
		sr.Reachable = verdictOf(sr.Checks) == "reachable"
		m.Subnets = append(m.Subnets, sr)
	}
	m.Reachable = verdictOf(allChecks(m)) == "reachable"
	return m
}

func collect(frs []FunctionResult, get func(FunctionResult) []Check) [][]Check {
	var out [][]Check
	for _, fr := range frs {
		out = append(out, get(fr))
	}
	return out
}

// checkKey matches a step across cases: its name and its place among the
// steps of that name.
type checkKey struct {
	name string
	n    int
}

func keyed(cs []Check) (map[checkKey]Check, []checkKey) {
	out := map[checkKey]Check{}
	var order []checkKey
	count := map[string]int{}
	for _, c := range cs {
		k := checkKey{c.Name, count[c.Name]}
		count[c.Name]++
		out[k] = c
		order = append(order, k)
	}
	return out, order
}

// mergeChecks keeps a step whose verdict every case agrees on, and makes
// one they disagree on (or that only some cases have) UNKNOWN.
func mergeChecks(lists [][]Check, assumes []string, fix string) []Check {
	maps := make([]map[checkKey]Check, len(lists))
	var order []checkKey
	seen := map[checkKey]bool{}
	for i, l := range lists {
		m, o := keyed(l)
		maps[i] = m
		for _, k := range o {
			if !seen[k] {
				seen[k] = true
				order = append(order, k)
			}
		}
	}
	var out []Check
	for _, k := range order {
		var first *Check
		same := true
		var parts []string
		for i, m := range maps {
			c, ok := m[k]
			status := "no such step"
			if ok {
				status = string(c.Status)
				if first == nil {
					cc := c
					first = &cc
				} else if c.Status != first.Status {
					same = false
				}
			} else {
				same = false
			}
			detail := status
			if ok && c.Status != Pass {
				detail += ": " + c.Reason
			}
			parts = append(parts, fmt.Sprintf("when %s, %s", assumes[i], detail))
		}
		if same {
			out = append(out, *first)
			continue
		}
		// A step every case that reaches it passes, missing in the others
		// (their path goes another way or stops earlier, which an earlier
		// step reports), passes.
		if first.Status == Pass && passWhereReached(maps, k) {
			out = append(out, *first)
			continue
		}
		if fix == "" {
			fix = "give the values of the parameters the conditions read (--parameter ...)"
		}
		out = append(out, Check{Name: first.Name, Status: Unknown, Resource: first.Resource,
			Reason: "depends on conditions the given values leave open: " + strings.Join(parts, "; "),
			Fix:    fix + " to check the case that is deployed"})
	}
	return out
}

// mergeWarnings keeps every warning of any case, once.
func mergeWarnings(lists [][]Check) []Check {
	var out []Check
	for _, l := range lists {
		for _, c := range l {
			dup := false
			for _, o := range out {
				dup = dup || (o.Name == c.Name && o.Resource == c.Resource)
			}
			if !dup {
				out = append(out, c)
			}
		}
	}
	return out
}

func passWhereReached(maps []map[checkKey]Check, k checkKey) bool {
	for _, m := range maps {
		if c, ok := m[k]; ok && c.Status != Pass {
			return false
		}
	}
	return true
}
