package netcheck

import (
	"fmt"
	"io"
	"slices"
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
		fmt.Fprintf(w, "\nfunction %s: %s\n", name, verdictOf(allChecks(f)))
		for _, s := range f.Subnets {
			subnets++
			if !s.Reachable {
				blocked++
			}
			where := strings.TrimSpace(strings.Join([]string{s.AZ, s.Cidr}, " "))
			if where != "" {
				where = " [" + where + "]"
			}
			fmt.Fprintf(w, "  subnet %s%s: %s\n", s.Subnet, where, verdictOf(slices.Values(s.Checks)))
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
	subnets, blocked, unknown, warnings := 0, 0, 0, 0
	for _, f := range r.Functions {
		for _, w := range f.Warnings {
			if w.Acknowledged == "" {
				warnings++
			}
		}
		for _, s := range f.Subnets {
			subnets++
			switch verdictOf(slices.Values(s.Checks)) {
			case "NOT reachable":
				blocked++
			case "UNKNOWN":
				unknown++
			}
		}
	}
	state := map[int]string{0: "REACHABLE", 1: "BLOCKED", 2: "UNKNOWN"}[r.ExitStatus()]
	extra := ""
	if unknown > 0 {
		extra = fmt.Sprintf(", %d unknown", unknown)
	}
	return fmt.Sprintf("%s: %d function(s), %d subnet(s), %d blocked%s, %d warning(s), destination %s", state, len(r.Functions), subnets, blocked, extra, warnings, r.Destination)
}

func writeChecks(w io.Writer, cs []Check) {
	for _, c := range cs {
		fmt.Fprintf(w, "    %-4s %-26s %s\n", c.Status, c.Name, c.Resource)
		fmt.Fprintf(w, "         %s\n", c.Reason)
		if c.Fix != "" && c.Status != Pass {
			fmt.Fprintf(w, "         fix: %s\n", c.Fix)
		}
		if c.Acknowledged != "" {
			fmt.Fprintf(w, "         acknowledged: %s\n", c.Acknowledged)
		}
		for _, l := range c.Locations {
			fmt.Fprintf(w, "         at %s\n", l.Where())
		}
	}
}
