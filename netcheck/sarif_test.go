package netcheck

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifSchema is the published SARIF 2.1.0 schema (OASIS, errata 01), as
// shipped in testdata: tests cannot download it.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func runSARIF(t *testing.T, template string) ([]byte, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := RunCLI([]string{"--format", "sarif", template}, nil, &out, &errOut)
	if errOut.Len() > 0 {
		t.Fatalf("netcheck --format sarif %s: %s", template, errOut.String())
	}
	return out.Bytes(), code
}

type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID               string `json:"id"`
					ShortDescription struct{ Text string }
					Help             struct{ Text string }
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string }
					Region           struct{ StartLine, StartColumn int }
				}
				LogicalLocations []struct{ Name, FullyQualifiedName string }
				Properties       map[string]interface{}
			}
			Suppressions []struct{ Kind, Status, Justification string }
		} `json:"results"`
	} `json:"runs"`
}

// TestSARIFValidatesAgainstTheSchema: the SARIF of a failing, a valid and
// an UNKNOWN-and-acknowledged network validates against SARIF 2.1.0's
// schema, has one rule per check and one result per step that does not
// pass, each pointing at the template's line and JSON pointer.
func TestSARIFValidatesAgainstTheSchema(t *testing.T) {
	schema := sarifSchema(t)
	for _, tc := range []struct {
		file       string
		exit       int
		results    map[string]string // rule -> level
		suppressed string
	}{
		{"broken.yaml", 1, map[string]string{CheckSecurityGroup: "error", CheckRoleDeny: "warning", CheckSingleNat: "warning"}, ""},
		{"valid.yaml", 0, map[string]string{CheckRoleDeny: "warning", CheckSingleNat: "warning"}, ""},
		{"acknowledged-open.yaml", 2, map[string]string{CheckSecurityGroup: "warning", CheckRoleDeny: "warning", CheckSingleNat: "warning"}, CheckSingleNat},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := "testdata/review/" + tc.file
			out, code := runSARIF(t, path)
			if code != tc.exit {
				t.Errorf("exit %d, want %d", code, tc.exit)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Fatalf("not valid SARIF 2.1.0: %v\n%s", err, out)
			}
			var log sarifLog
			if err := json.Unmarshal(out, &log); err != nil {
				t.Fatal(err)
			}
			run := log.Runs[0]
			if len(run.Tool.Driver.Rules) != len(catalogue) {
				t.Errorf("%d rules, want one per check (%d)", len(run.Tool.Driver.Rules), len(catalogue))
			}
			if len(run.Results) != len(tc.results) {
				t.Fatalf("%d results, want %d: %s", len(run.Results), len(tc.results), out)
			}
			for _, res := range run.Results {
				if want, ok := tc.results[res.RuleID]; !ok || res.Level != want {
					t.Errorf("result %s level %s: want %v", res.RuleID, res.Level, tc.results)
				}
				if r := run.Tool.Driver.Rules[res.RuleIndex]; r.ID != res.RuleID || r.Help.Text == "" {
					t.Errorf("result %s: ruleIndex %d names rule %q (help %q)", res.RuleID, res.RuleIndex, r.ID, r.Help.Text)
				}
				if !strings.Contains(res.Message.Text, "Fix: ") {
					t.Errorf("result %s has no fix: %s", res.RuleID, res.Message.Text)
				}
				if len(res.Locations) != 1 {
					t.Fatalf("result %s: %d locations", res.RuleID, len(res.Locations))
				}
				l := res.Locations[0]
				id := l.LogicalLocations[0].Name
				if l.PhysicalLocation.ArtifactLocation.URI != path || l.LogicalLocations[0].FullyQualifiedName != "/Resources/"+id ||
					l.PhysicalLocation.Region.StartLine != lineOf(t, path, id+":") || l.PhysicalLocation.Region.StartColumn != 3 {
					t.Errorf("result %s location: %+v", res.RuleID, l)
				}
				if (len(res.Suppressions) > 0) != (res.RuleID == tc.suppressed) {
					t.Errorf("result %s: suppressions %+v", res.RuleID, res.Suppressions)
				}
				if res.RuleID == CheckSecurityGroup && tc.exit == 2 && !strings.HasPrefix(res.Message.Text, "UNKNOWN: ") {
					t.Errorf("an UNKNOWN step's message says so: %s", res.Message.Text)
				}
			}
		})
	}
}

// TestSARIFSchemaRejects: the schema test can fail (a level SARIF does
// not have, a result without a message).
func TestSARIFSchemaRejects(t *testing.T) {
	schema := sarifSchema(t)
	out, _ := runSARIF(t, "testdata/review/broken.yaml")
	for _, bad := range []struct{ from, to string }{
		{`"level": "error"`, `"level": "fatal"`},
		{`"version": "2.1.0"`, `"version": "2.0"`},
		{`"startLine": `, `"startLine": -`},
	} {
		doc := bytes.Replace(out, []byte(bad.from), []byte(bad.to), 1)
		if bytes.Equal(doc, out) {
			t.Fatalf("%s is not in the output", bad.from)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if schema.Validate(inst) == nil {
			t.Errorf("the schema accepts %s", bad.to)
		}
	}
}
