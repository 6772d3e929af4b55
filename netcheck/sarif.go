package netcheck

// SARIF 2.1.0 (netcheck --format sarif), for code scanning: one rule per
// check of the catalogue, one result per step that does not pass, located
// at the template file, the line of the resource's logical id and its JSON
// pointer. Levels: FAIL is "error"; WARN and UNKNOWN are "warning" (an
// UNKNOWN step makes netcheck exit 2, not 0, so it is shown, and its
// message starts with "UNKNOWN:"; SARIF's own kind "open" would force the
// level "none", which code-scanning views hide). A step the template's
// Metadata acknowledges is a result with an accepted in-source
// suppression carrying the reason.

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"
)

// sarifLevel is a finding's SARIF level.
func sarifLevel(s Status) string {
	if s == Fail {
		return "error"
	}
	return "warning"
}

// WriteSARIF writes the report as a SARIF 2.1.0 log.
func WriteSARIF(w io.Writer, r *Report) error {
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	run := sarif.NewRunWithInformationURI("netcheck", "https://github.com/vpclambda/vpclambda")
	index := map[string]int{}
	for i, rule := range Rules() {
		index[rule.Name] = i
		run.AddRule(rule.Name).
			WithName(ruleName(rule.Name)).
			WithShortDescription(sarif.NewMultiformatMessageString(rule.Title)).
			WithFullDescription(sarif.NewMultiformatMessageString(rule.Help)).
			WithTextHelp(rule.Help + " Each result's message ends with the exact fix for the template.").
			WithDefaultConfiguration(&sarif.ReportingConfiguration{Level: rule.DefaultLevel()}).
			WithProperties(sarif.Properties{"tags": []string{"network", "lambda", "cloudformation"}})
	}
	for _, f := range r.Findings() {
		i, ok := index[f.Name]
		if !ok { // not in the catalogue (a test prevents it): a rule that names it
			rule := RuleOf(f.Name)
			i = len(run.Tool.Driver.Rules)
			index[f.Name] = i
			run.AddRule(rule.Name).WithShortDescription(sarif.NewMultiformatMessageString(rule.Title)).
				WithDefaultConfiguration(&sarif.ReportingConfiguration{Level: rule.DefaultLevel()})
		}
		res := sarif.NewRuleResult(f.Name).WithRuleIndex(i).WithKind("fail").WithLevel(sarifLevel(f.Status)).
			WithMessage(sarif.NewTextMessage(sarifMessage(f)))
		for _, l := range f.Locations {
			res.AddLocation(sarifLocation(l))
		}
		res.WithPartialFingerPrints(map[string]interface{}{"netcheckFinding/v1": fingerprint(f)})
		if f.Acknowledged != "" {
			loc := sarif.NewLocation()
			if len(res.Locations) > 0 {
				loc = res.Locations[0]
			}
			res.AddSuppression(&sarif.Suppression{Kind: "inSource", Status: sp("accepted"), Guid: sp(guidOf(fingerprint(f))),
				Location: loc, Justification: sp(f.Acknowledged)})
		}
		run.AddResult(res)
	}
	if run.Results == nil {
		run.Results = []*sarif.Result{}
	}
	log.AddRun(run)
	return log.PrettyWrite(w)
}

func sp(s string) *string { return &s }

// ruleName is a check's name in SARIF's PascalCase convention.
func ruleName(check string) string {
	var b strings.Builder
	for _, part := range strings.Split(check, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// sarifMessage says what, where on the path, why, and the fix.
func sarifMessage(f Finding) string {
	var b strings.Builder
	if f.Status == Unknown {
		b.WriteString("UNKNOWN: ")
	}
	fn := f.Function
	if f.FunctionName != "" && f.FunctionName != f.Function {
		fn += " (" + f.FunctionName + ")"
	}
	fmt.Fprintf(&b, "%s: function %s", f.Rule.Title, fn)
	if f.Subnet != "" {
		fmt.Fprintf(&b, ", subnet %s", f.Subnet)
	}
	if f.Resource != "" {
		fmt.Fprintf(&b, ", resource %s", f.Resource)
	}
	b.WriteString(": " + f.Reason + ".")
	if f.Fix != "" {
		b.WriteString(" Fix: " + f.Fix + ".")
	}
	return b.String()
}

// sarifLocation is the template file, the logical id's line and the
// resource's JSON pointer (a logical location, with the pointer of the
// property that decides the check).
func sarifLocation(l Location) *sarif.Location {
	art := sarif.NewArtifactLocation().WithUri(fileURI(l.Template))
	phys := sarif.NewPhysicalLocation().WithArtifactLocation(art)
	if l.Line > 0 {
		phys.WithRegion(sarif.NewRegion().WithStartLine(l.Line).WithStartColumn(l.Column))
	}
	loc := sarif.NewLocationWithPhysicalLocation(phys)
	loc.AddLogicalLocations(sarif.NewLogicalLocation().WithName(l.LogicalID).WithFullyQualifiedName(l.Pointer).WithKind("resource"))
	props := sarif.Properties{"pointer": l.Pointer}
	if l.Property != "" {
		props["property"] = l.Property
		props["propertyPointer"] = l.PropertyPointer()
		if l.PropertyLine > 0 {
			props["propertyLine"] = l.PropertyLine
		}
	}
	loc.Properties = props
	return loc
}

// fileURI is a template path as a SARIF artifact URI: relative paths stay
// relative (code scanning resolves them against the repository root),
// absolute ones become file URIs.
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if filepath.IsAbs(path) {
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: strings.TrimPrefix(p, "./")}).String()
}

// fingerprint identifies a finding across runs: the check, the function,
// the subnet and the resource (not the line, which edits move).
func fingerprint(f Finding) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{f.Name, f.Function, f.Subnet, f.Resource}, "\x00")))
	return hex.EncodeToString(sum[:16])
}

// guidOf is a name-based GUID of a fingerprint (RFC 9562 version 5
// layout: the same finding gets the same GUID in every run).
func guidOf(fp string) string {
	sum := sha1.Sum([]byte(fp))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
