package netcheck

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes the report for people: per function, per subnet, each
// check with its verdict, resource, reason and fix, then a summary line.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "Internet path check: %s -> %s\n", r.Source, r.Destination)
	subnets, blocked := 0, 0
	for _, f := range r.Functions {
		name := f.Function
		if f.Name != "" && f.Name != f.Function {
			name += " (" + f.Name + ")"
		}
		fmt.Fprintf(w, "\nfunction %s: %s\n", name, verdict(f.Reachable))
		for _, s := range f.Subnets {
			subnets++
			if !s.Reachable {
				blocked++
			}
			where := strings.TrimSpace(strings.Join([]string{s.AZ, s.Cidr}, " "))
			if where != "" {
				where = " [" + where + "]"
			}
			fmt.Fprintf(w, "  subnet %s%s: %s\n", s.Subnet, where, verdict(s.Reachable))
			writeChecks(w, s.Checks)
		}
		fmt.Fprintf(w, "  function-wide:\n")
		writeChecks(w, f.Checks)
		if len(f.Warnings) > 0 {
			fmt.Fprintf(w, "  warnings:\n")
			writeChecks(w, f.Warnings)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, r.Summary())
}

// Summary is the report's one-line verdict.
func (r *Report) Summary() string {
	subnets, blocked, warnings := 0, 0, 0
	for _, f := range r.Functions {
		warnings += len(f.Warnings)
		for _, s := range f.Subnets {
			subnets++
			if !s.Reachable {
				blocked++
			}
		}
	}
	state := "REACHABLE"
	switch {
	case !r.Reachable && blocked == 0 && r.Unknown:
		state = "UNKNOWN"
	case !r.Reachable:
		state = "BLOCKED"
	}
	return fmt.Sprintf("%s: %d function(s), %d subnet(s), %d blocked, %d warning(s), destination %s", state, len(r.Functions), subnets, blocked, warnings, r.Destination)
}

func verdict(ok bool) string {
	if ok {
		return "reachable"
	}
	return "NOT reachable"
}

func writeChecks(w io.Writer, cs []Check) {
	for _, c := range cs {
		fmt.Fprintf(w, "    %-4s %-26s %s\n", c.Status, c.Name, c.Resource)
		fmt.Fprintf(w, "         %s\n", c.Reason)
		if c.Fix != "" && c.Status != Pass {
			fmt.Fprintf(w, "         fix: %s\n", c.Fix)
		}
	}
}
