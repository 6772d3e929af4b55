package test

import (
	"context"
	"testing"
	"time"

	"github.com/vpclambda/vpclambda/internal/twin"
	"github.com/vpclambda/vpclambda/netcheck"
)

// BenchmarkTwin times the twin of the app's template and of the largest
// template of the cross-check (most resources): per template, build, the
// function's invocations in every subnet, every witness of netcheck's
// answer (TCP 443 to the internet, and to the IPv6 internet where the VPC
// has IPv6) and teardown; per witness, the probing alone. Run it with
//
//	go test ./test -run '^$' -bench BenchmarkTwin -benchtime 3x
func BenchmarkTwin(b *testing.B) {
	if why := twinUsable(); why != "" {
		b.Skipf("the twin cannot run here: %s", why)
	}
	app := get(b, "app")
	largest := twinCase{"variant app", app, tpl(clone(b, app)), nil, ""}
	size := len(largest.tpl.res())
	for _, c := range twinCases(b) {
		if n := len(c.tpl.res()); n > size {
			largest, size = c, n
		}
	}
	for _, c := range []twinCase{{"app", app, tpl(clone(b, app)), nil, ""}, largest} {
		b.Run(c.name, func(b *testing.B) {
			data, facts := templateFacts(b, c.tpl, c.name)
			config, err := twin.TemplateConfigs(data, c.fx.File, buildHandler)
			if err != nil {
				b.Fatal(err)
			}
			dests := []netcheck.Destination{netcheck.DefaultDestination}
			six := false
			for _, v := range facts.Vpcs {
				if len(v.Ipv6Cidrs) > 0 {
					six = true
					dests = append(dests, netcheck.Destination{Internet: netcheck.IPv6, Protocol: 6, Port: 443})
				}
			}
			var reports []*netcheck.Report
			for _, d := range dests {
				r, err := netcheck.Analyze(facts, d, "")
				if err != nil {
					b.Fatal(err)
				}
				reports = append(reports, r)
			}
			var probing time.Duration
			witnesses := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				tw, err := twin.Build(facts, twin.Options{Config: config})
				if err != nil {
					b.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				tw.Run(ctx, false)
				if six {
					tw.Run(ctx, true)
				}
				t0 := time.Now()
				for _, r := range reports {
					for _, w := range tw.ProbeWitnesses(ctx, r) {
						witnesses++
						if !w.Agree {
							b.Errorf("witness %s", w)
						}
					}
				}
				probing += time.Since(t0)
				cancel()
				tw.Close()
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/template")
			b.ReportMetric(float64(probing.Microseconds())/1000/float64(max(1, witnesses)), "ms/witness")
			b.ReportMetric(float64(witnesses)/float64(b.N), "witnesses/template")
			b.ReportMetric(float64(len(c.tpl.res())), "resources")
		})
	}
}
