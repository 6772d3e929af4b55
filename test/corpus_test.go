package test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/vpclambda/vpclambda/netcheck"
)

// The corpus (testdata/corpus) is a set of templates written the way
// people write them outside this project: YAML with short tags, JSON, SAM
// with Globals, parameters without defaults and parameter files, mappings,
// conditions, nested stacks, exports and imports, a cloud assembly. Each
// case of expected.json gives netcheck's arguments and the verdict AWS's
// documented behaviour implies: the exit status, the summary word, and
// every check that must be FAIL or UNKNOWN. The expectations were derived
// from the templates, not from netcheck's output: a case that fails here
// is netcheck disagreeing with AWS, or the corpus being wrong, never a
// snapshot to refresh.

const corpusDir = "testdata/corpus"

// corpusCase is one entry of expected.json (its "$comment" explains the
// fields).
type corpusCase struct {
	Name           string        `json:"name"`
	Args           []string      `json:"args"`
	Stdin          string        `json:"stdin"`
	Exit           int           `json:"exit"`
	Summary        string        `json:"summary"`
	Functions      int           `json:"functions"`
	Checks         []corpusCheck `json:"checks"`
	Dependent      []corpusCheck `json:"dependent"`
	OutputContains []string      `json:"output_contains"`
	Sam            bool          `json:"sam"`
	ResolvedBy     string        `json:"resolved_by"`
	Why            string        `json:"why"`
}

// corpusCheck is a check the report must (checks) or may (dependent) hold
// with a status other than PASS.
type corpusCheck struct {
	Function string `json:"function"`
	Subnet   string `json:"subnet"`
	Check    string `json:"check"`
	Status   string `json:"status"`
}

func (c corpusCheck) String() string {
	where := c.Function
	if c.Subnet != "" {
		where += "/" + c.Subnet
	}
	return fmt.Sprintf("%s %s %s", where, c.Check, c.Status)
}

var loadCorpus = sync.OnceValues(func() ([]corpusCase, error) {
	data, err := os.ReadFile(filepath.Join(corpusDir, "expected.json"))
	if err != nil {
		return nil, err
	}
	var doc struct {
		Comment []string     `json:"$comment"`
		Cases   []corpusCase `json:"cases"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("expected.json: %v", err)
	}
	seen := map[string]bool{}
	for _, c := range doc.Cases {
		switch {
		case c.Name == "" || seen[c.Name]:
			return nil, fmt.Errorf("expected.json: case name %q is empty or repeated", c.Name)
		case c.Exit < 0 || c.Exit > 2:
			return nil, fmt.Errorf("expected.json: %s: exit %d (0, 1 or 2)", c.Name, c.Exit)
		case c.Summary != map[int]string{0: "REACHABLE", 1: "BLOCKED", 2: "UNKNOWN"}[c.Exit] && !(c.Exit == 2 && c.Summary == ""):
			return nil, fmt.Errorf("expected.json: %s: summary %q does not follow exit %d", c.Name, c.Summary, c.Exit)
		case c.Summary == "" && len(c.OutputContains) == 0:
			return nil, fmt.Errorf("expected.json: %s: bad input must say what the error names (output_contains)", c.Name)
		case c.Why == "":
			return nil, fmt.Errorf("expected.json: %s: no why", c.Name)
		}
		for _, e := range c.Checks {
			if e.Function == "" || e.Check == "" || (e.Status != "FAIL" && e.Status != "UNKNOWN") {
				return nil, fmt.Errorf("expected.json: %s: check %+v needs a function, a check and FAIL or UNKNOWN", c.Name, e)
			}
		}
		seen[c.Name] = true
	}
	return doc.Cases, nil
})

// corpusValueFlags are netcheck's flags that take a value.
var corpusValueFlags = map[string]bool{
	"parameter": true, "parameters": true, "region": true, "account": true, "function": true,
	"dest": true, "port": true, "protocol": true, "format": true,
}

// corpusArgs makes a case's file arguments (the templates and the
// --parameters file) absolute, so netcheck reads the corpus whatever the
// working directory.
func corpusArgs(args []string, dir string) []string {
	abs := func(p string) string {
		if p == "-" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-" || !strings.HasPrefix(a, "-") {
			out = append(out, abs(a))
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case hasValue && name == "parameters":
			out = append(out, "--parameters="+abs(value))
		case !hasValue && corpusValueFlags[name] && i+1 < len(args):
			v := args[i+1]
			if name == "parameters" {
				v = abs(v)
			}
			out = append(out, a, v)
			i++
		default:
			out = append(out, a)
		}
	}
	return out
}

// runCorpusCLI runs netcheck in process on the case's arguments (with
// extra flags first) and returns its exit status and output.
func runCorpusCLI(t *testing.T, c corpusCase, extra ...string) (int, string, string) {
	t.Helper()
	dir, err := filepath.Abs(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	var stdin bytes.Buffer
	if c.Stdin != "" {
		data, err := os.ReadFile(filepath.Join(dir, c.Stdin))
		if err != nil {
			t.Fatal(err)
		}
		stdin.Write(data)
	}
	var out, errOut bytes.Buffer
	code := netcheck.RunCLI(append(extra, corpusArgs(c.Args, dir)...), &stdin, &out, &errOut)
	if s := out.String() + errOut.String(); strings.Contains(s, "goroutine ") || strings.Contains(s, "panic:") {
		t.Fatalf("netcheck panicked:\n%s", s)
	}
	return code, out.String(), errOut.String()
}

// summaryWord is the first word of the text report's last line.
func summaryWord(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	word, _, _ := strings.Cut(last, ":")
	return word
}

// corpusID says whether an id in a report is the id a case names: the
// same, or the same qualified by its stack ("Network/PrivateSubnet1",
// "ServiceStack.Fn", ...), as a reader of several stacks may write it.
func corpusID(got, want string) bool {
	if got == want {
		return true
	}
	for _, sep := range []string{"/", ".", ":"} {
		if strings.HasSuffix(got, sep+want) {
			return true
		}
	}
	return false
}

// reportedCheck is a check of a report with where it was found.
type reportedCheck struct {
	fn     *netcheck.FunctionResult
	subnet string // "" for the function's own checks
	c      netcheck.Check
}

func (r reportedCheck) String() string {
	where := r.fn.Function
	if r.subnet != "" {
		where += "/" + r.subnet
	}
	return fmt.Sprintf("%s %s %s (%s: %s)", where, r.c.Name, r.c.Status, r.c.Resource, r.c.Reason)
}

func reportChecks(r *netcheck.Report) []reportedCheck {
	var out []reportedCheck
	for fi := range r.Functions {
		f := &r.Functions[fi]
		for _, c := range f.Checks {
			out = append(out, reportedCheck{fn: f, c: c})
		}
		for _, s := range f.Subnets {
			for _, c := range s.Checks {
				out = append(out, reportedCheck{fn: f, subnet: s.Subnet, c: c})
			}
		}
	}
	return out
}

// matches says whether a reported check is the expected one; a status ""
// matches any status.
func (e corpusCheck) matches(r reportedCheck) bool {
	return (corpusID(r.fn.Function, e.Function) || r.fn.Name == e.Function) &&
		r.c.Name == e.Check &&
		(e.Status == "" || string(r.c.Status) == e.Status) &&
		(e.Subnet == "" || corpusID(r.subnet, e.Subnet))
}

// assertCorpusChecks: every expected check is in the report with its
// status, and every FAIL or UNKNOWN of the report is expected (or, for an
// UNKNOWN, a dependent check).
func assertCorpusChecks(t *testing.T, c corpusCase, r *netcheck.Report) {
	t.Helper()
	all := reportChecks(r)
	for _, e := range c.Checks {
		found := false
		for _, got := range all {
			found = found || e.matches(got)
		}
		if !found {
			var same []string
			for _, got := range all {
				if (corpusCheck{Function: e.Function, Subnet: e.Subnet, Check: e.Check}).matches(got) {
					same = append(same, got.String())
				}
			}
			t.Errorf("want %s; the report has %s", e, orNone(same))
		}
	}
	for _, got := range all {
		if got.c.Status != netcheck.Fail && got.c.Status != netcheck.Unknown {
			continue
		}
		expected := false
		for _, e := range c.Checks {
			expected = expected || e.matches(got)
		}
		for _, d := range c.Dependent {
			d.Status = string(netcheck.Unknown)
			expected = expected || d.matches(got)
		}
		if !expected {
			t.Errorf("unexpected %s", got)
		}
	}
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "no such check"
	}
	return strings.Join(s, "; ")
}

func TestCorpus(t *testing.T) {
	cases, err := loadCorpus()
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 15 {
		t.Fatalf("the corpus has %d cases, want at least 15", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			code, out, errOut := runCorpusCLI(t, c)
			if code != c.Exit {
				t.Errorf("exit %d, want %d (%s)", code, c.Exit, c.Why)
			}
			all := out + errOut
			for _, s := range c.OutputContains {
				if !strings.Contains(all, s) {
					t.Errorf("the output does not name %q", s)
				}
			}
			if c.Summary == "" {
				if t.Failed() {
					t.Logf("output:\n%s", all)
				}
				return
			}
			if got := summaryWord(out); got != c.Summary {
				t.Errorf("summary %q, want %s", got, c.Summary)
			}
			jcode, jout, jerr := runCorpusCLI(t, c, "--format", "json")
			if jcode != code {
				t.Errorf("exit %d with --format json, %d without", jcode, code)
			}
			var r netcheck.Report
			if err := json.Unmarshal([]byte(jout), &r); err != nil {
				t.Fatalf("--format json: %v\n%s%s\ntext report:\n%s", err, jout, jerr, all)
			}
			if c.Functions > 0 && len(r.Functions) != c.Functions {
				t.Errorf("%d function(s) analyzed, want %d", len(r.Functions), c.Functions)
			}
			assertCorpusChecks(t, c, &r)
			if t.Failed() {
				t.Logf("why: %s\ntext report:\n%s", c.Why, all)
			}
		})
	}
}

// TestCorpusCasesCoverTheStyles keeps the corpus honest about what it
// claims to cover: every template and parameters file is used by a case,
// and the styles the corpus exists for are present.
func TestCorpusCasesCoverTheStyles(t *testing.T) {
	cases, err := loadCorpus()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	exits := map[int]int{}
	for _, c := range cases {
		exits[c.Exit]++
		for _, a := range append(c.Args, c.Stdin) {
			used[filepath.Clean(strings.TrimPrefix(a, "--parameters="))] = true
		}
	}
	var files []string
	err = filepath.WalkDir(corpusDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(corpusDir, p)
		switch {
		case rel == "expected.json", strings.HasSuffix(rel, ".py"):
		case strings.HasPrefix(rel, "nested"+string(filepath.Separator)):
			// Read through the parent's TemplateURL.
		case strings.HasPrefix(rel, "cdk-assembly"+string(filepath.Separator)):
			if !used["cdk-assembly"] {
				files = append(files, rel)
			}
		case !used[rel]:
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) > 0 {
		t.Errorf("files no case uses: %v", files)
	}
	for exit := range 3 {
		if exits[exit] == 0 {
			t.Errorf("no case expects exit %d", exit)
		}
	}
	var sam int
	for _, c := range cases {
		if c.Sam {
			sam++
		}
	}
	if sam < 3 {
		t.Errorf("%d SAM cases, want at least 3", sam)
	}
}

// samExpansions caches the SAM translator's expansion of each template.
var samExpansions sync.Map // output directory and template path -> *samExpansion

type samExpansion struct {
	once sync.Once
	file string
	err  error
}

// expandSam runs the SAM translator that cfn-lint bundles (sam_expand.py)
// on a template and returns the expanded template's path.
func expandSam(t *testing.T, python, tmpl, outDir string) string {
	t.Helper()
	v, _ := samExpansions.LoadOrStore(outDir+"\x00"+tmpl, &samExpansion{})
	e := v.(*samExpansion)
	e.once.Do(func() {
		e.file = filepath.Join(outDir, strings.NewReplacer(string(filepath.Separator), "_").Replace(filepath.Base(tmpl))+".expanded.json")
		cmd := exec.Command(python, filepath.Join(corpusDir, "sam_expand.py"), tmpl, e.file)
		if out, err := cmd.CombinedOutput(); err != nil {
			e.err = fmt.Errorf("the SAM translator cannot expand %s (%v): %s", tmpl, err, out)
		}
	})
	if e.err != nil {
		t.Fatal(e.err)
	}
	return e.file
}

// samReference finds python3 with cfn-lint (which bundles the SAM
// translator); without them the cross-check skips, except in CI.
func samReference(t *testing.T) string {
	t.Helper()
	missing := func(why string) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: CI must run the SAM cross-check (cfn-lint is installed by the machine image; pip install cfn-lint)", why)
		}
		t.Skipf("%s: the SAM cross-check needs python3 and cfn-lint (pip install cfn-lint)", why)
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		missing("no python3")
	}
	if out, err := exec.Command(python, "-c", "import cfnlint.template.transforms._sam, samtranslator").CombinedOutput(); err != nil {
		missing(fmt.Sprintf("cfn-lint's SAM translator cannot be imported (%v: %s)", err, bytes.TrimSpace(out)))
	}
	return python
}

// verdicts is a report reduced to what must agree between a SAM template
// and its expansion: per function and per subnet, each check's status.
func verdicts(r *netcheck.Report) map[string][]string {
	out := map[string][]string{}
	for _, rc := range reportChecks(r) {
		key := rc.fn.Function
		if rc.subnet != "" {
			key += " subnet " + rc.subnet
		}
		out[key] = append(out[key], rc.c.Name+"="+string(rc.c.Status))
	}
	for _, f := range r.Functions {
		if _, ok := out[f.Function]; !ok {
			out[f.Function] = nil
		}
	}
	for k := range out {
		sort.Strings(out[k])
	}
	return out
}

// The SAM cross-check: netcheck on a SAM template and on the same template
// expanded by the SAM translator (plain CloudFormation) must agree: the
// same exit status, the same functions and subnets, the same status of
// every check. The translator is the reference for what SAM generates
// (Globals merged, roles with the VPC access policy, policy templates).
func TestCorpusSamMatchesTheSamTranslator(t *testing.T) {
	cases, err := loadCorpus()
	if err != nil {
		t.Fatal(err)
	}
	python := samReference(t)
	outDir := t.TempDir()
	dir, err := filepath.Abs(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if !c.Sam {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			// The case's templates: its arguments that are files and not
			// a flag's value.
			args := corpusArgs(c.Args, dir)
			expanded := append([]string{}, args...)
			n := 0
			for i := 0; i < len(args); i++ {
				a := args[i]
				if strings.HasPrefix(a, "-") && a != "-" {
					name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
					if !hasValue && corpusValueFlags[name] {
						i++
					}
					continue
				}
				expanded[i] = expandSam(t, python, a, outDir)
				n++
			}
			if n == 0 {
				t.Fatal("a SAM case without a template argument")
			}
			run := func(args []string) (int, *netcheck.Report, string) {
				var out, errOut bytes.Buffer
				code := netcheck.RunCLI(append([]string{"--format", "json"}, args...), nil, &out, &errOut)
				var r netcheck.Report
				if err := json.Unmarshal(out.Bytes(), &r); err != nil {
					return code, nil, fmt.Sprintf("no JSON report (%v): %s%s", err, out.String(), errOut.String())
				}
				return code, &r, ""
			}
			samCode, samReport, samErr := run(args)
			cfnCode, cfnReport, cfnErr := run(expanded)
			if cfnErr != "" {
				t.Fatalf("netcheck on the translator's expansion %v: exit %d, %s", expanded, cfnCode, cfnErr)
			}
			if samErr != "" {
				t.Fatalf("netcheck on the SAM template: exit %d, %s (on the expansion: exit %d)", samCode, samErr, cfnCode)
			}
			if samCode != cfnCode {
				t.Errorf("exit %d on the SAM template, %d on the translator's expansion", samCode, cfnCode)
			}
			got, want := verdicts(samReport), verdicts(cfnReport)
			var keys []string
			for k := range want {
				keys = append(keys, k)
			}
			for k := range got {
				if _, ok := want[k]; !ok {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			for _, k := range keys {
				g, gok := got[k]
				w, wok := want[k]
				switch {
				case !gok:
					t.Errorf("%s: in the expansion's report only (%v)", k, w)
				case !wok:
					t.Errorf("%s: in the SAM template's report only (%v)", k, g)
				case strings.Join(g, " ") != strings.Join(w, " "):
					t.Errorf("%s:\n  SAM template: %v\n  expansion:    %v", k, g, w)
				}
			}
		})
	}
}

// corpusLintFindings are the cfn-lint findings the corpus keeps on
// purpose, by file and rule, each with its reason. Each must be found:
// cfn-lint then confirms the defect the case is about.
var corpusLintFindings = map[string]string{
	"cidr-host-bits.yaml E3002":                     "the deliberate defect: 10.55.2.10/24 is not a network address, which EC2 rejects",
	"missing-ref-subnet.yaml W2001":                 "the deliberate defect: PrivateSubnet1ID is unused because SubnetIds names it as a literal (a missing !Ref)",
	"nested-parent.yaml W3002":                      "a local TemplateURL works only through `aws cloudformation package`, which is how such templates are deployed",
	"cdk-assembly/ServiceStack.template.json W3005": "the DependsOn that aws-cdk's lambda.Function itself adds on its role (as in the project's own templates)",
}

// TestCorpusTemplatesLintClean: the corpus templates are valid
// CloudFormation for cfn-lint apart from their deliberate defects, so a
// verdict on them is a verdict on templates that could be deployed (or
// that fail for the reason the case gives).
func TestCorpusTemplatesLintClean(t *testing.T) {
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Fatal("cfn-lint is not installed (pip install cfn-lint); it checks the corpus templates")
	}
	var files []string
	for _, pattern := range []string{"*.yaml", "*.json", "nested/*.yaml", "cdk-assembly/*.template.json"} {
		m, _ := filepath.Glob(filepath.Join(corpusDir, pattern))
		for _, f := range m {
			if filepath.Base(f) != "expected.json" {
				files = append(files, f)
			}
		}
	}
	if len(files) < 18 {
		t.Fatalf("%d corpus templates, want at least 18", len(files))
	}
	t.Parallel() // cfn-lint takes a while: beside the other tests
	cmd := exec.Command(bin, append([]string{"--format", "json", "--"}, files...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode()&^(2|4|8) != 0) {
		t.Fatalf("cfn-lint failed to run: %v\n%s", err, stderr.String())
	}
	var matches []lintMatch
	if err := json.Unmarshal(stdout.Bytes(), &matches); err != nil {
		t.Fatalf("cfn-lint output: %v\n%s", err, stdout.String())
	}
	found := map[string]bool{}
	for _, m := range matches {
		rel, _ := filepath.Rel(corpusDir, m.Filename)
		key := filepath.ToSlash(rel) + " " + m.Rule.Id
		found[key] = true
		if _, ok := corpusLintFindings[key]; !ok {
			t.Errorf("cfn-lint %s %s in %s: %s", m.Level, m.Rule.Id, rel, m.Message)
		}
	}
	for key, why := range corpusLintFindings {
		if why != "" && !found[key] {
			t.Errorf("cfn-lint no longer reports %s (%s): is the defect still in the template?", key, why)
		}
	}
	t.Logf("cfn-lint on %d corpus templates: %d finding(s), all deliberate", len(files), len(matches))
}
