package netcheck

import (
	"net/netip"
	"strings"
	"testing"
)

func TestVpcBlockInPublicSpaceWarns(t *testing.T) {
	for _, c := range []struct {
		cidr string
		warn string // "" for no warning
	}{
		{"10.0.0.0/16", ""},
		{"100.64.0.0/16", ""}, // shared address space: not on the internet
		{"8.8.0.0/16", "overlaps public internet addresses (8.8.0.0/16)"},
		{"198.18.0.0/15", ""}, // benchmarking
		{"192.0.0.0/16", "overlaps public internet addresses (192.0.0.9/32, 192.0.0.10/32, 192.0.1.0/24"}, // the special /24s are not the internet (but for two anycast addresses), the rest is
	} {
		f := deployedFacts()
		f.Vpcs["vpc-1"].Cidr = netip.MustParsePrefix(c.cidr)
		r := mustAnalyze(t, f)
		var got []Check
		for _, fr := range r.Functions {
			for _, w := range fr.Warnings {
				if w.Name == CheckVpcPublicSpace {
					got = append(got, w)
				}
			}
		}
		if c.warn == "" {
			if len(got) != 0 {
				t.Errorf("%s: want no %s warning, got %+v", c.cidr, CheckVpcPublicSpace, got)
			}
			continue
		}
		if len(got) != 1 || got[0].Status != Warn || got[0].Resource != "vpc-1" || !strings.Contains(got[0].Reason, c.warn) || got[0].Fix == "" {
			t.Errorf("%s: want one warning on vpc-1 containing %q, got %+v", c.cidr, c.warn, got)
		}
		if !strings.Contains(reportText(r), CheckVpcPublicSpace) {
			t.Errorf("%s: the text report must show the warning:\n%s", c.cidr, reportText(r))
		}
	}
}
