package main

import (
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

// variant is one program measured against others.
type variant struct {
	name string
	how  string      // how it is run, printed beside the figures
	prep func()      // untimed, before every run (may be nil)
	run  func(i int) // the timed run; i < 0 for the warm-up
	ds   []float64   // seconds, one per repetition
	stat             // of ds, once measured
}

// stat is min/median/max of a variant's runs, in seconds.
type stat struct{ min, med, max float64 }

// alternate runs every variant once to warm up, then reps rounds of one run
// each, in the same order (A B C A B C ...), so that load on the machine
// falls on every variant alike. It prints each variant's min/median/max.
func alternate(reps int, vs ...*variant) []*variant {
	for _, v := range vs {
		if v.prep != nil {
			v.prep()
		}
		v.run(-1)
	}
	for i := 0; i < reps; i++ {
		for _, v := range vs {
			if v.prep != nil {
				v.prep()
			}
			start := time.Now()
			v.run(i)
			v.ds = append(v.ds, time.Since(start).Seconds())
		}
	}
	for _, v := range vs {
		v.stat = stats(v.ds)
		s := v.stat
		fmt.Printf("   %-44s min %6.2f s  median %6.2f s  max %6.2f s\n", v.name, s.min, s.med, s.max)
		if v.how != "" {
			fmt.Printf("   %-44s   run as: %s\n", "", v.how)
		}
	}
	return vs
}

func stats(ds []float64) stat {
	s := append([]float64(nil), ds...)
	sort.Float64s(s)
	if len(s) == 0 {
		return stat{}
	}
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stat{s[0], med, s[len(s)-1]}
}

// verdict is "MET" or "MISSED" against a maximum.
func verdict(v, max float64) string {
	if v <= max {
		return "MET"
	}
	return "MISSED"
}

// ratio prints a's median over b's against a target (0: none), and beside
// it two checks of the noise: the median of the per-round ratios (runs of
// one round are next to each other in time) and the ratio of the minima.
func ratio(name string, a, b *variant, target float64) {
	r := a.med / b.med
	line := fmt.Sprintf("   ratio %-52s %5.2f", name, r)
	if target > 0 {
		line += fmt.Sprintf("  target <= %.2f: %-6s", target, verdict(r, target))
	}
	var rounds []float64
	for i := range a.ds {
		if i < len(b.ds) {
			rounds = append(rounds, a.ds[i]/b.ds[i])
		}
	}
	fmt.Printf("%s  (per round %.2f, minima %.2f)\n", line, stats(rounds).med, a.min/b.min)
}

func run(dir string, env []string, name string, args ...string) {
	if out, err := output(dir, env, name, args...); err != nil {
		fail(fmt.Sprintf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out))
	}
}

func output(dir string, env []string, name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	return cmd.CombinedOutput()
}

func check(err error) {
	if err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "bench:", msg)
	os.Exit(1)
}
