package test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpclambda/vpclambda/netcheck"
)

// The cost table of docs/costs-generated.md is netcheck --cost on the
// app's template: this fails when the two drift (a construct change that
// adds a priced resource, a price table update), and says how to update
// the page.
func TestCostTableInStep(t *testing.T) {
	f := get(t, "app")
	var out, errOut bytes.Buffer
	if code := netcheck.RunCLI([]string{"--cost", f.File}, nil, &out, &errOut); code != 0 {
		t.Fatalf("netcheck --cost: exit %d\n%s", code, errOut.String())
	}
	want := strings.ReplaceAll(out.String(), f.File, "cdk.out/"+filepath.Base(f.File))
	page, err := os.ReadFile(filepath.Join("..", "docs", "costs-generated.md"))
	if err != nil {
		t.Fatalf("%v: run make costs and commit docs/costs-generated.md", err)
	}
	_, block, ok := strings.Cut(string(page), "```text\n")
	if ok {
		block, _, ok = strings.Cut(block, "```")
	}
	if !ok {
		t.Fatal("docs/costs-generated.md has no ```text block: run make costs")
	}
	if block != want {
		w, g := strings.Split(block, "\n"), strings.Split(want, "\n")
		for i := 0; i < len(w) || i < len(g); i++ {
			var a, b string
			if i < len(w) {
				a = w[i]
			}
			if i < len(g) {
				b = g[i]
			}
			if a != b {
				t.Fatalf("docs/costs-generated.md is out of step with netcheck --cost on the app's template: run make costs and commit it\nline %d committed: %s\nline %d now:       %s", i+1, a, i+1, b)
			}
		}
	}
	if !strings.Contains(want, "NAT gateway hours") || !strings.Contains(want, "total") {
		t.Fatalf("the app's estimate prices no NAT gateway:\n%s", want)
	}
}
