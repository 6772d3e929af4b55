package netcheck

// The sources of a check: template files (JSON or YAML), standard input,
// and cloud assembly directories (cdk.out/: every stack of its
// manifest.json, stages included), with the nested stacks their templates
// name and the exports other stacks import. Every template becomes a
// member of one templateSet; resource ids are qualified by the stack they
// belong to when there is more than one ("Network/Vpc"), so templates that
// reuse logical ids do not collide.

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Options are what a template cannot say about itself.
type Options struct {
	// Parameters are values for the templates' parameters (--parameter
	// KEY=VALUE, --parameters FILE), by name; they apply to every
	// top-level template that declares the parameter.
	Parameters map[string]string
	// Region and Account are the pseudo parameters AWS::Region and
	// AWS::AccountId ("" when not given: then they are unknown).
	Region, Account string
	// MaxInputSize caps each input in bytes (0: DefaultMaxInput).
	MaxInputSize int64
}

// member is one template of a set: a stack given, or a nested stack.
type member struct {
	t         *Template
	scope     string // prefix of its resource ids in the facts ("" or "Stack/")
	stackName string // AWS::StackName when known (cdk.out's manifest says it)
	label     string // the stack's name in reports: its stack name or file name
	region    string // the stack's region when cdk.out's manifest names one
	dir       string // where relative TemplateURLs are resolved
	given     map[string]string
	// For a nested stack: the parent and the Parameters its
	// AWS::CloudFormation::Stack resource passes (evaluated in the parent).
	parent       *member
	parentParams map[string]interface{}
}

// resolver is the member's resolver in a case.
func (m *member) resolver(set *templateSet, cs *caseState) *resolver {
	if r, ok := cs.resolvers[m]; ok {
		return r
	}
	r := &resolver{m: m, set: set, cs: cs, vals: map[string]interface{}{}}
	cs.resolvers[m] = r
	return r
}

// export is an output with an Export name.
type export struct {
	m     *member
	value interface{}
}

// stackMarker stands for a stack name that is not known.
const stackMarker = "\x00stack\x00"

type exportPattern struct {
	parts []string
	export
}

// match reports whether an import name fits the pattern: the stack's
// name stands for one or more characters.
func (p exportPattern) match(name string) bool {
	var b strings.Builder
	b.WriteString("^")
	for i, part := range p.parts {
		if i > 0 {
			b.WriteString("(.+)")
		}
		b.WriteString(regexp.QuoteMeta(part))
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	return err == nil && re.MatchString(name)
}

// lookupExport finds the export an import names: by its exact name, or by
// the one pattern it fits.
func (s *templateSet) lookupExport(name string) (export, string) {
	if ex, ok := s.exports[name]; ok {
		return ex, ""
	}
	var found []export
	for _, p := range s.exportPatterns {
		if p.match(name) {
			found = append(found, p.export)
		}
	}
	switch len(found) {
	case 1:
		return found[0], ""
	case 0:
		return export{}, "no template given here exports " + name
	}
	return export{}, fmt.Sprintf("%d exports written with ${AWS::StackName} could be %s", len(found), name)
}

// blockRef is one resource of one member.
type blockRef struct {
	m  *member
	id string
}

// templateSet is every template of one check.
type templateSet struct {
	opts    Options
	members []*member
	nested  map[string]*member // qualified stack resource id -> its template
	exports map[string]export
	// exportPatterns are export names that contain the stack's name
	// when it is not known: any non-empty name stands in for it.
	exportPatterns []exportPattern
	byQID          map[string]blockRef
	vpcIndex       map[string]int // qualified VPC id -> position, for IPv6 placeholders
	// cidrBlocks are the AWS::EC2::VPCCidrBlock resources.
	cidrBlocks []blockRef
	source     string
	// origins are where each resource is written, by qualified id: the
	// same for every case.
	origins map[string]Origin
}

// Load reads every source (template files, cloud assembly directories,
// "-" for standard input) and returns the network facts of all of their
// stacks, nested stacks and imports included.
func Load(paths []string, stdin io.Reader, opts Options) (*Facts, error) {
	var tops []*member
	for _, p := range paths {
		ms, err := readSource(p, stdin, opts)
		if err != nil {
			return nil, err
		}
		tops = append(tops, ms...)
	}
	return FromMembers(tops, opts, strings.Join(paths, ", "))
}

// FromTemplate extracts the network facts of one template.
func FromTemplate(t *Template, source string) (*Facts, error) {
	return FromTemplates([]*Template{t}, Options{}, source)
}

// FromTemplates extracts the network facts of several templates (stacks
// that import each other's exports), with the values of opts.
func FromTemplates(ts []*Template, opts Options, source string) (*Facts, error) {
	var tops []*member
	for _, t := range ts {
		tops = append(tops, &member{t: t, dir: filepath.Dir(t.Name), label: stackNameOf(t.Name)})
	}
	return FromMembers(tops, opts, source)
}

// FromMembers builds the set (scopes, nested stacks, exports) and reads
// its facts.
func FromMembers(tops []*member, opts Options, source string) (*Facts, error) {
	set, err := buildSet(tops, opts, source)
	if err != nil {
		return nil, err
	}
	return set.facts()
}

// buildSet builds the set of templates: scopes, nested stacks, exports.
func buildSet(tops []*member, opts Options, source string) (*templateSet, error) {
	set := &templateSet{opts: opts, nested: map[string]*member{}, exports: map[string]export{}, byQID: map[string]blockRef{}, vpcIndex: map[string]int{}, source: source, origins: map[string]Origin{}}
	if len(tops) > 1 {
		seen := map[string]int{}
		for _, m := range tops {
			name := m.label
			if name == "" {
				name = "Stack"
			}
			seen[name]++
			if seen[name] > 1 {
				name = fmt.Sprintf("%s%d", name, seen[name])
			}
			m.scope = name + "/"
		}
	}
	for _, m := range tops {
		m.given = opts.Parameters
		if err := set.add(m, 0); err != nil {
			return nil, err
		}
	}
	if err := set.unknownParameters(); err != nil {
		return nil, err
	}
	set.index()
	return set, nil
}

// stackNameOf guesses a stack's name from its template file: cdk.out's
// STACK.template.json, or the file's base name.
func stackNameOf(path string) string {
	base := filepath.Base(path)
	for _, suffix := range []string{".template.json", ".template.yaml", ".template.yml", ".json", ".yaml", ".yml", ".template"} {
		if strings.HasSuffix(base, suffix) {
			return strings.TrimSuffix(base, suffix)
		}
	}
	if base == "<stdin>" || base == "." {
		return ""
	}
	return base
}

// maxNesting bounds nested stacks (CloudFormation's own limit is lower in
// practice; a template that names itself must not loop).
const maxNesting = 10

// add adds a member and, recursively, the nested stacks whose templates
// are at hand.
func (s *templateSet) add(m *member, depth int) error {
	s.members = append(s.members, m)
	for _, id := range sortedKeys(m.t.Resources) {
		r := m.t.Resources[id]
		if r.Type != "AWS::CloudFormation::Stack" {
			continue
		}
		path := nestedTemplatePath(m, r)
		if path == "" {
			continue
		}
		if depth >= maxNesting {
			return &InputError{fmt.Sprintf("%s: nested stack %s: more than %d levels of nested stacks (does a template include itself?)", m.t.Name, id, maxNesting)}
		}
		data, err := readFileCapped(path, s.opts.MaxInputSize)
		if err != nil {
			return &InputError{fmt.Sprintf("%s: nested stack %s: its template %s cannot be read: %v", m.t.Name, id, path, err)}
		}
		t, err := ParseTemplate(data, path)
		if err != nil {
			return err
		}
		params, _ := r.Properties["Parameters"].(map[string]interface{})
		child := &member{t: t, scope: m.scope + id + "/", dir: filepath.Dir(path), parent: m, parentParams: params}
		s.nested[m.scope+id] = child
		if err := s.add(child, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// nestedTemplatePath is where a nested stack's template is on disk: the
// file cdk.out names in the resource's aws:asset:path metadata, or a
// TemplateURL that is a local path; "" when it is not at hand (an S3 or
// https URL).
func nestedTemplatePath(m *member, r *Resource) string {
	if p, ok := r.Metadata["aws:asset:path"].(string); ok && strings.Contains(p, ".template.") {
		return filepath.Join(m.dir, p)
	}
	u, ok := r.Properties["TemplateURL"].(string)
	if !ok || strings.Contains(u, "://") || u == "" {
		return ""
	}
	if filepath.IsAbs(u) {
		return u
	}
	return filepath.Join(m.dir, u)
}

func readFileCapped(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadInput(f, path, max)
}

// unknownParameters refuses --parameter keys no template declares: a
// misspelt key would otherwise be ignored in silence.
func (s *templateSet) unknownParameters() error {
	var bad []string
	for k := range s.opts.Parameters {
		found := false
		var names []string
		for _, m := range s.members {
			if m.parent != nil {
				continue
			}
			if _, ok := m.t.Parameters[k]; ok {
				found = true
			}
			names = append(names, sortedKeys(m.t.Parameters)...)
		}
		if !found {
			msg := fmt.Sprintf("--parameter %s: no template given declares a parameter %s", k, k)
			if len(names) > 0 {
				msg += " (they declare " + strings.Join(uniqStrings(names), ", ") + ")"
			}
			bad = append(bad, msg)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return &InputError{strings.Join(bad, "; ")}
	}
	return nil
}

// index records every resource by qualified id, the VPCs' order, the
// IPv6 blocks, and the exports (their names resolved in the exporting
// template; a name that needs the stack's name matches any).
func (s *templateSet) index() {
	var vpcs []string
	cs := newCaseState(nil)
	for _, m := range s.members {
		for _, id := range sortedKeys(m.t.Resources) {
			q := m.scope + id
			s.byQID[q] = blockRef{m, id}
			s.origins[q] = originOf(m.t, id)
			switch m.t.Resources[id].Type {
			case "AWS::EC2::VPC":
				vpcs = append(vpcs, q)
			case "AWS::EC2::VPCCidrBlock":
				s.cidrBlocks = append(s.cidrBlocks, blockRef{m, id})
			}
		}
		// An export name written with ${AWS::StackName} is a pattern
		// when the stack's name is not known: the marker stands for it.
		known := m.stackName
		if known == "" {
			m.stackName = stackMarker
		}
		r := m.resolver(s, cs)
		for _, name := range sortedKeys(m.t.Outputs) {
			out, _ := m.t.Outputs[name].(map[string]interface{})
			ex, _ := out["Export"].(map[string]interface{})
			if ex == nil {
				continue
			}
			if n, ok := str(r.value(ex["Name"])); ok {
				if strings.Contains(n, stackMarker) {
					s.exportPatterns = append(s.exportPatterns, exportPattern{parts: strings.Split(n, stackMarker), export: export{m: m, value: out["Value"]}})
				} else {
					s.exports[n] = export{m: m, value: out["Value"]}
				}
			}
		}
		m.stackName = known
	}
	sort.Strings(vpcs)
	for i, v := range vpcs {
		s.vpcIndex[v] = i
	}
}

func newCaseState(forced map[string]bool) *caseState {
	if forced == nil {
		forced = map[string]bool{}
	}
	return &caseState{forced: forced, conds: map[string]condValue{}, resolvers: map[*member]*resolver{}}
}

// readSource reads one source: a file, "-" (standard input) or a cloud
// assembly directory.
func readSource(path string, stdin io.Reader, opts Options) ([]*member, error) {
	if path == "-" {
		data, err := ReadInput(stdin, "standard input", opts.MaxInputSize)
		if err != nil {
			return nil, err
		}
		t, err := ParseTemplate(data, "<stdin>")
		if err != nil {
			return nil, err
		}
		wd, _ := os.Getwd()
		return []*member{{t: t, dir: wd}}, nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, &InputError{fmt.Sprintf("cannot read template: %v", err)}
	}
	if info.IsDir() {
		return readAssembly(path, opts, 0)
	}
	if !info.Mode().IsRegular() {
		f, err := os.Open(path)
		if err != nil {
			return nil, &InputError{fmt.Sprintf("cannot read template: %v", err)}
		}
		defer f.Close()
		data, err := ReadInput(f, path, opts.MaxInputSize)
		if err != nil {
			return nil, err
		}
		t, err := ParseTemplate(data, path)
		if err != nil {
			return nil, err
		}
		return []*member{{t: t, dir: filepath.Dir(path), label: stackNameOf(path)}}, nil
	}
	data, err := readFileCapped(path, opts.MaxInputSize)
	if err != nil {
		if _, ok := err.(*InputError); ok {
			return nil, err
		}
		return nil, &InputError{fmt.Sprintf("cannot read template: %v", err)}
	}
	t, err := ParseTemplate(data, path)
	if err != nil {
		return nil, err
	}
	return []*member{{t: t, dir: filepath.Dir(path), label: stackNameOf(path)}}, nil
}

// assemblyManifest is the part of a cloud assembly's manifest.json that
// names its stacks and nested assemblies (stages).
type assemblyManifest struct {
	Artifacts map[string]struct {
		Type       string `json:"type"`
		Properties struct {
			TemplateFile  string `json:"templateFile"`
			StackName     string `json:"stackName"`
			DirectoryName string `json:"directoryName"`
		} `json:"properties"`
		DisplayName string `json:"displayName"`
		// Environment is "aws://ACCOUNT/REGION" ("unknown-region" for an
		// environment-agnostic stack).
		Environment string `json:"environment"`
	} `json:"artifacts"`
}

// readAssembly reads every stack of a cloud assembly (cdk.out/), and of
// the assemblies it nests (stages), from its manifest.
func readAssembly(dir string, opts Options, depth int) ([]*member, error) {
	data, err := readFileCapped(filepath.Join(dir, "manifest.json"), opts.MaxInputSize)
	if err != nil {
		return nil, &InputError{fmt.Sprintf("%s is a directory but not a cloud assembly (no readable manifest.json: %v): give a template file, or the cdk.out directory of a synthesized app", dir, err)}
	}
	var man assemblyManifest
	if err := json.Unmarshal(data, &man); err != nil {
		return nil, &InputError{fmt.Sprintf("%s/manifest.json is not a cloud assembly manifest: %v", dir, err)}
	}
	var out []*member
	for _, id := range sortedKeys(man.Artifacts) {
		a := man.Artifacts[id]
		switch a.Type {
		case "aws:cloudformation:stack":
			path := filepath.Join(dir, a.Properties.TemplateFile)
			tdata, err := readFileCapped(path, opts.MaxInputSize)
			if err != nil {
				return nil, &InputError{fmt.Sprintf("%s: stack %s: cannot read its template: %v", dir, id, err)}
			}
			t, err := ParseTemplate(tdata, path)
			if err != nil {
				return nil, err
			}
			name := a.Properties.StackName
			if name == "" {
				name = id
			}
			region := a.Environment[strings.LastIndex(a.Environment, "/")+1:]
			if !strings.HasPrefix(a.Environment, "aws://") || strings.HasPrefix(region, "unknown-") {
				region = ""
			}
			out = append(out, &member{t: t, dir: dir, stackName: name, label: name, region: region})
		case "cdk:cloud-assembly":
			if depth >= maxNesting || a.Properties.DirectoryName == "" {
				continue
			}
			ms, err := readAssembly(filepath.Join(dir, a.Properties.DirectoryName), opts, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, ms...)
		}
	}
	if len(out) == 0 {
		return nil, &InputError{fmt.Sprintf("%s: the cloud assembly has no stacks", dir)}
	}
	return out, nil
}
