package test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpclambda/vpclambda/netcheck"
)

// docs/netcheck.md shows docs/netcheck-app.png, rendered from
// docs/netcheck-app.dot: that source must be what netcheck writes for the
// app's template today.
func TestDiagramInStep(t *testing.T) {
	f := get(t, "app")
	var out, errOut bytes.Buffer
	if code := netcheck.RunCLI([]string{"--format", "dot", f.File}, nil, &out, &errOut); code != 0 {
		t.Fatalf("netcheck --format dot: exit %d\n%s", code, errOut.String())
	}
	committed, err := os.ReadFile(filepath.Join("..", "docs", "netcheck-app.dot"))
	if err != nil {
		t.Fatalf("%v: run make diagram and commit docs/", err)
	}
	if !bytes.Equal(committed, out.Bytes()) {
		want, got := strings.Split(string(committed), "\n"), strings.Split(out.String(), "\n")
		for i := 0; i < len(want) || i < len(got); i++ {
			var w, g string
			if i < len(want) {
				w = want[i]
			}
			if i < len(got) {
				g = got[i]
			}
			if w != g {
				t.Fatalf("docs/netcheck-app.dot is out of step with the app's template: run make diagram and commit docs/\nline %d committed: %s\nline %d now:       %s", i+1, w, i+1, g)
			}
		}
	}
	for _, img := range []string{"netcheck-app.svg", "netcheck-app.png"} {
		if st, err := os.Stat(filepath.Join("..", "docs", img)); err != nil || st.Size() == 0 {
			t.Errorf("docs/%s is missing: run make diagram", img)
		}
	}
}
