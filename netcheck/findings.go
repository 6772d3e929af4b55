package netcheck

// The report model every format renders: the checks of a Report, each
// with the catalogue's rule (catalogue.go) and the places in the template
// files that decide it (Locations, from the reader's Origins). The text
// and JSON reports show the checks with their locations; SARIF and the
// CDK validation plugin render Findings.

import (
	"sort"
	"strconv"
	"strings"
)

// Origin is where a template resource is written.
type Origin struct {
	Template  string // the template file, as given (or the cloud assembly's path)
	LogicalID string // its logical id in that file
	Type      string
	// Pointer is the JSON pointer of the resource, "/Resources/ID" (for a
	// resource the SAM transform generated, the SAM resource's).
	Pointer string
	// Line and Column are where the logical id is written (0 when the
	// template was not read from text).
	Line, Column int
	pos          map[string]Position
	written      string // the pointer's key in pos
}

// originOf is the origin of a template's resource.
func originOf(t *Template, id string) Origin {
	o := Origin{Template: t.Name, LogicalID: id, Pointer: "/Resources/" + pointerEscape(id), pos: t.Pos, written: "/Resources/" + id}
	if r := t.Resources[id]; r != nil {
		o.Type = r.Type
	}
	if _, ok := t.Pos[o.written]; !ok && t.Origin[id] != "" {
		src := t.Origin[id]
		o.Pointer, o.written = "/Resources/"+pointerEscape(src), "/Resources/"+src
	}
	if p, ok := t.Pos[o.written]; ok {
		o.Line, o.Column = p.Line, p.Column
	}
	return o
}

// pointerEscape escapes a JSON pointer token (RFC 6901).
func pointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// property is where a top-level property of the resource is written.
func (o Origin) property(name string) (Position, bool) {
	p, ok := o.pos[o.written+"/Properties/"+name]
	return p, ok
}

// Location is one place a finding points at.
type Location struct {
	// Resource is the id the report uses ("Vpc", or "Network/Vpc" when
	// several templates are checked together).
	Resource  string `json:"resource"`
	Template  string `json:"template"`
	LogicalID string `json:"logicalId"`
	// Pointer is the resource's JSON pointer in the template.
	Pointer string `json:"pointer"`
	// Line and Column are those of the logical id.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
	// Property is the top-level property that decides the check, when the
	// resource writes one (the catalogue names them by type), with where
	// it is written.
	Property       string `json:"property,omitempty"`
	PropertyLine   int    `json:"propertyLine,omitempty"`
	PropertyColumn int    `json:"propertyColumn,omitempty"`
}

// PropertyPointer is the property's JSON pointer, or the resource's when
// there is no property.
func (l Location) PropertyPointer() string {
	if l.Property == "" {
		return l.Pointer
	}
	return l.Pointer + "/Properties/" + pointerEscape(l.Property)
}

// locationOf is the location of a check on a resource id of the report:
// ids may name several resources ("sg1,sg2") or a part of one
// ("Vpc#main-route-table").
func locationsOf(f *Facts, rule Rule, resource string) []Location {
	var out []Location
	for _, id := range strings.Split(resource, ",") {
		id = strings.TrimSpace(id)
		if i := strings.IndexByte(id, '#'); i >= 0 {
			id = id[:i]
		}
		o, ok := f.Origins[id]
		if !ok {
			continue
		}
		l := Location{Resource: id, Template: o.Template, LogicalID: o.LogicalID, Pointer: o.Pointer, Line: o.Line, Column: o.Column}
		for _, prop := range rule.Properties[o.Type] {
			if p, ok := o.property(prop); ok {
				l.Property, l.PropertyLine, l.PropertyColumn = prop, p.Line, p.Column
				break
			}
		}
		out = append(out, l)
	}
	return out
}

// locate gives every check that does not pass its locations: the
// resources it names, or else (a resource not in the templates, such as
// an imported subnet id) the function it is about.
func locate(f *Facts, r *Report) {
	if len(f.Origins) == 0 {
		return
	}
	for fi := range r.Functions {
		fr := &r.Functions[fi]
		// mark copies a list before it changes it: the functions in one
		// subnet share its check list, and a location can be the
		// function's own (its VpcConfig).
		mark := func(cs []Check) []Check {
			out := cs
			copied := false
			for i := range cs {
				if cs[i].Status == Pass {
					continue
				}
				if !copied {
					out, copied = append([]Check(nil), cs...), true
				}
				c := &out[i]
				rule := RuleOf(c.Name)
				c.Locations = locationsOf(f, rule, c.Resource)
				if len(c.Locations) == 0 {
					c.Locations = locationsOf(f, Rule{Properties: map[string][]string{typeFunction: {"VpcConfig"}}}, fr.Function)
				}
			}
			return out
		}
		fr.Checks = mark(fr.Checks)
		fr.Warnings = mark(fr.Warnings)
		for si := range fr.Subnets {
			fr.Subnets[si].Checks = mark(fr.Subnets[si].Checks)
		}
	}
}

// Finding is one check that does not pass, in the context it was made.
type Finding struct {
	Check
	Rule         Rule
	Function     string // the function's id
	FunctionName string // its FunctionName, when known
	Subnet       string // the subnet whose path it is a step of ("" for a function-wide check or a warning)
}

// Findings lists every check of the report that does not pass, in the
// order of the text report: per function, its subnets' steps, its own,
// then its warnings.
func (r *Report) Findings() []Finding {
	var out []Finding
	for _, fr := range r.Functions {
		add := func(subnet string, cs []Check) {
			for _, c := range cs {
				if c.Status != Pass {
					out = append(out, Finding{Check: c, Rule: RuleOf(c.Name), Function: fr.Function, FunctionName: fr.Name, Subnet: subnet})
				}
			}
		}
		for _, s := range fr.Subnets {
			add(s.Subnet, s.Checks)
		}
		add("", fr.Checks)
		add("", fr.Warnings)
	}
	return out
}

// RulesUsed are the catalogue's rules of every check the report made
// (passing ones too), in catalogue order.
func (r *Report) RulesUsed() []Rule {
	seen := map[string]bool{}
	for fi := range r.Functions {
		fr := &r.Functions[fi]
		for c := range eachCheck(fr) {
			seen[c.Name] = true
		}
		for _, c := range fr.Warnings {
			seen[c.Name] = true
		}
	}
	var out []Rule
	for _, rule := range catalogue {
		if seen[rule.Name] {
			out = append(out, rule)
			delete(seen, rule.Name)
		}
	}
	var rest []string
	for n := range seen {
		rest = append(rest, n)
	}
	sort.Strings(rest)
	for _, n := range rest {
		out = append(out, RuleOf(n))
	}
	return out
}

// Where is a location for people: "file:line:column (pointer)".
func (l Location) Where() string {
	s := l.Template
	line, col := l.Line, l.Column
	if l.PropertyLine > 0 {
		line, col = l.PropertyLine, l.PropertyColumn
	}
	if line > 0 {
		s += ":" + strconv.Itoa(line) + ":" + strconv.Itoa(col)
	}
	return s + " " + l.PropertyPointer()
}
