package netcheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestCatalogueCoversEveryCheck: every Check* constant has a rule with a
// title and help text, so every format can render its findings.
func TestCatalogueCoversEveryCheck(t *testing.T) {
	file, err := parser.ParseFile(token.NewFileSet(), "analyze.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range file.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if !strings.HasPrefix(name.Name, "Check") || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok {
					continue
				}
				check, _ := strconv.Unquote(lit.Value)
				n++
				if _, ok := catalogueIndex[check]; !ok {
					t.Errorf("%s (%q) has no rule in catalogue.go", name.Name, check)
					continue
				}
				if r := RuleOf(check); r.Title == "" || r.Help == "" {
					t.Errorf("rule %s needs a title and help text", check)
				}
			}
		}
	}
	if n < 20 || n != len(catalogue) {
		t.Errorf("%d check constants, %d rules: the catalogue must have exactly one rule per check", n, len(catalogue))
	}
}

func loadReview(t *testing.T, name string) (*Facts, *Report) {
	t.Helper()
	f, err := Load([]string{"testdata/review/" + name}, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Analyze(f, DefaultDestination, "")
	if err != nil {
		t.Fatal(err)
	}
	return f, r
}

// lineOf is the 1-based line of the first line of the file that starts
// (after indentation) with prefix.
func lineOf(t *testing.T, path, prefix string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), prefix) {
			return i + 1
		}
	}
	t.Fatalf("%s: no line starts with %q", path, prefix)
	return 0
}

// TestFindingsPointAtTheTemplate: a finding names its rule, its resource's
// file, JSON pointer and the lines of its logical id and of the property
// that decides it.
func TestFindingsPointAtTheTemplate(t *testing.T) {
	_, r := loadReview(t, "broken.yaml")
	path := "testdata/review/broken.yaml"
	got := map[string]Finding{}
	for _, f := range r.Findings() {
		got[f.Name] = f
	}
	if len(got) != 3 {
		t.Fatalf("findings %v: want security-group, role-eni-deny, single-nat", got)
	}
	sg := got[CheckSecurityGroup]
	if sg.Status != Fail || sg.Rule.Title != RuleOf(CheckSecurityGroup).Title || len(sg.Locations) != 1 {
		t.Fatalf("security-group finding: %+v", sg)
	}
	l := sg.Locations[0]
	want := Location{Resource: "FunctionSg", Template: path, LogicalID: "FunctionSg", Pointer: "/Resources/FunctionSg",
		Line: lineOf(t, path, "FunctionSg:"), Column: 3, Property: "SecurityGroupEgress", PropertyLine: lineOf(t, path, "SecurityGroupEgress:"), PropertyColumn: 7}
	if l != want {
		t.Errorf("location\n got %+v\nwant %+v", l, want)
	}
	if w := got[CheckSingleNat]; w.Status != Warn || len(w.Locations) != 1 || w.Locations[0].Property != "SubnetId" || !w.Rule.Warning {
		t.Errorf("single-nat finding: %+v", w)
	}
	if !strings.Contains(reportText(r), "at "+path+":"+strconv.Itoa(want.PropertyLine)+":7 /Resources/FunctionSg/Properties/SecurityGroupEgress") {
		t.Errorf("the text report does not point at the egress rules:\n%s", reportText(r))
	}
}

// TestFindingsOfAnImportedSubnet: a check on a resource the templates do
// not define points at the function that names it.
func TestFindingsFallBackToTheFunction(t *testing.T) {
	f, err := Load([]string{"testdata/review/broken.yaml"}, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.Functions[0].SubnetIDs = append(f.Functions[0].SubnetIDs, "subnet-0123456789abcdef0")
	r, err := Analyze(f, DefaultDestination, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range r.Findings() {
		if fd.Subnet == "subnet-0123456789abcdef0" && fd.Status == Unknown {
			if len(fd.Locations) != 1 || fd.Locations[0].LogicalID != "Fetcher" || fd.Locations[0].Property != "VpcConfig" {
				t.Fatalf("the imported subnet's finding should point at the function's VpcConfig: %+v", fd)
			}
			return
		}
	}
	t.Fatalf("no UNKNOWN finding for the imported subnet: %+v", r.Findings())
}

// TestEveryFormatShowsEveryFinding: each step that does not pass appears
// in the text, JSON, SARIF and DOT output, by check name and resource,
// without code per check.
func TestEveryFormatShowsEveryFinding(t *testing.T) {
	_, r := loadReview(t, "broken.yaml")
	outputs := map[string]string{}
	for _, format := range []string{"text", "json", "sarif", "dot"} {
		var out, errOut strings.Builder
		RunCLI([]string{"--format", format, "testdata/review/broken.yaml"}, nil, &out, &errOut)
		if errOut.Len() > 0 {
			t.Fatalf("%s: %s", format, errOut.String())
		}
		outputs[format] = out.String()
	}
	for _, f := range r.Findings() {
		for format, out := range outputs {
			if !strings.Contains(out, f.Name) || !strings.Contains(out, f.Resource) || !strings.Contains(out, f.Rule.Title) && format != "text" {
				t.Errorf("%s output lacks %s on %s (%s)", format, f.Name, f.Resource, f.Rule.Title)
			}
		}
	}
	if !strings.Contains(outputs["dot"], `"findings/" [label="findings\nFAIL security-group FunctionSg: `+RuleOf(CheckSecurityGroup).Title) {
		t.Errorf("the picture's findings note:\n%s", outputs["dot"])
	}
}
