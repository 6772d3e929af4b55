package netcheck

// Reading a template's text: JSON or YAML, the short forms of every
// intrinsic function (!Ref, !GetAtt A.B, !Sub, !If, ...) included. The
// parsing itself is rain's CloudFormation-aware parser (cft/parse, built on
// yaml.v3), which turns short tags into the long form ({"Ref": "X"},
// {"Fn::GetAtt": ["A", "B"]}) and keeps every node's line and column; this
// file turns its nodes into the JSON-like values the reader evaluates
// (map[string]interface{}, []interface{}, string, float64, bool, nil) and
// records where each resource, and each of its properties, is written.

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/aws-cloudformation/rain/cft/parse"
	"gopkg.in/yaml.v3"
)

// Template is a CloudFormation template (JSON or YAML, SAM expanded).
type Template struct {
	// Name is where the template came from (its path, "<stdin>", or the
	// cloud assembly's file).
	Name       string
	Parameters map[string]*Parameter
	Resources  map[string]*Resource
	Conditions map[string]interface{}
	Mappings   map[string]interface{}
	Outputs    map[string]interface{}
	// Pos is where each resource (pointer "/Resources/ID") and each of its
	// top-level properties ("/Resources/ID/Properties/NAME") is written in
	// the file: for reports that point at a line.
	Pos map[string]Position
	// Origin names, for each resource the SAM transform generated or
	// rewrote, the SAM resource it came from.
	Origin map[string]string
}

// Position is a place in a template file (1-based).
type Position struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Parameter is one of a template's parameters.
type Parameter struct {
	Type          string
	Default       interface{}
	HasDefault    bool
	AllowedValues []interface{}
}

// Resource is one resource of a Template.
type Resource struct {
	Type       string
	Properties map[string]interface{}
	DependsOn  interface{}
	// Condition is the name of the condition that decides whether the
	// resource exists ("" when it always does).
	Condition string
	Metadata  map[string]interface{}
}

// InputError is a template that cannot be read or understood.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// DefaultMaxInput is the largest template netcheck reads unless told
// otherwise (--max-input-size): far above CloudFormation's own limit for
// a template in S3 (1 MB), so only a mistake (a device, an endless pipe)
// reaches it.
const DefaultMaxInput = 64 << 20

// ReadInput reads at most max bytes of r; more is an error that names the
// cap and the flag that raises it.
func ReadInput(r io.Reader, name string, max int64) ([]byte, error) {
	if max <= 0 {
		max = DefaultMaxInput
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, &InputError{fmt.Sprintf("cannot read %s: %v", name, err)}
	}
	if int64(len(data)) > max {
		return nil, &InputError{fmt.Sprintf("%s is larger than %s, so it is not a CloudFormation template (CloudFormation takes at most 1 MB); if it really is one, raise the limit with --max-input-size", name, sizeString(max))}
	}
	return data, nil
}

func sizeString(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// ParseTemplate parses a JSON or YAML template (a UTF-8 byte-order mark is
// allowed). A SAM template is expanded to plain CloudFormation.
func ParseTemplate(data []byte, name string) (*Template, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &InputError{fmt.Sprintf("%s is empty: not a CloudFormation template", name)}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, &InputError{fmt.Sprintf("%s contains NUL bytes: not a CloudFormation template (JSON or YAML text)", name)}
	}
	// parse.String would copy the text twice (to a string and back):
	// yaml.v3 reads the bytes, rain's parse.Node normalizes the nodes.
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, &InputError{fmt.Sprintf("%s is not a JSON or YAML CloudFormation template: %s", name, err)}
	}
	t, err := parse.Node(&n)
	if err != nil {
		return nil, &InputError{fmt.Sprintf("%s is not a CloudFormation template: %s", name, err)}
	}
	root := t.Node
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, &InputError{fmt.Sprintf("%s is not a CloudFormation template: its top level is not a mapping (Resources: ...)", name)}
	}
	c := &converter{pos: map[string]Position{}}
	doc, _ := c.value(root, "", 0).(map[string]interface{})
	if c.err != nil {
		return nil, &InputError{name + ": " + c.err.Error()}
	}
	return templateOf(doc, name, c.pos)
}

// templateOf builds a Template from a parsed document.
func templateOf(doc map[string]interface{}, name string, pos map[string]Position) (*Template, error) {
	doc, origin, err := expandSAM(doc)
	if err != nil {
		return nil, err
	}
	t := &Template{Name: name, Parameters: map[string]*Parameter{}, Resources: map[string]*Resource{}, Pos: pos, Origin: origin}
	section := func(key string) (map[string]interface{}, error) {
		v, ok := doc[key]
		if !ok || v == nil {
			return map[string]interface{}{}, nil
		}
		m, ok := v.(map[string]interface{})
		if !ok {
			return nil, &InputError{fmt.Sprintf("%s: %s must be a mapping, not %s", name, key, describe(v))}
		}
		return m, nil
	}
	resources, err := section("Resources")
	if err != nil {
		return nil, err
	}
	if len(resources) == 0 {
		return nil, &InputError{fmt.Sprintf("%s has no Resources: not a CloudFormation template", name)}
	}
	var problems []string
	for _, id := range sortedKeys(resources) {
		m, ok := resources[id].(map[string]interface{})
		if !ok {
			problems = append(problems, fmt.Sprintf("resource %s must be a mapping with a Type, not %s", id, describe(resources[id])))
			continue
		}
		typ, _ := m["Type"].(string)
		if typ == "" {
			problems = append(problems, fmt.Sprintf("resource %s has no Type", id))
			continue
		}
		r := &Resource{Type: typ, DependsOn: m["DependsOn"]}
		if p, ok := m["Properties"]; ok && p != nil {
			if r.Properties, ok = p.(map[string]interface{}); !ok {
				problems = append(problems, fmt.Sprintf("resource %s: Properties must be a mapping, not %s", id, describe(p)))
				continue
			}
		}
		if r.Properties == nil {
			r.Properties = map[string]interface{}{}
		}
		if c, ok := m["Condition"]; ok {
			if r.Condition, ok = c.(string); !ok {
				problems = append(problems, fmt.Sprintf("resource %s: Condition must be the name of a condition, not %s", id, describe(c)))
			}
		}
		r.Metadata, _ = m["Metadata"].(map[string]interface{})
		t.Resources[id] = r
	}
	params, err := section("Parameters")
	if err != nil {
		return nil, err
	}
	for k, v := range params {
		m, _ := v.(map[string]interface{})
		p := &Parameter{}
		p.Type, _ = m["Type"].(string)
		p.Default, p.HasDefault = m["Default"]
		p.AllowedValues, _ = m["AllowedValues"].([]interface{})
		t.Parameters[k] = p
	}
	if t.Conditions, err = section("Conditions"); err != nil {
		return nil, err
	}
	if t.Mappings, err = section("Mappings"); err != nil {
		return nil, err
	}
	if t.Outputs, err = section("Outputs"); err != nil {
		return nil, err
	}
	for id, r := range t.Resources {
		if r.Condition != "" {
			if _, ok := t.Conditions[r.Condition]; !ok {
				problems = append(problems, fmt.Sprintf("resource %s: Condition %s is not in the template's Conditions", id, r.Condition))
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, &InputError{name + ": " + strings.Join(problems, "; ")}
	}
	return t, nil
}

// describe names a value's kind for an error message, with the value.
func describe(v interface{}) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the string %q", x)
	case float64, bool:
		return fmt.Sprintf("the scalar %v", x)
	case []interface{}:
		return "a list " + Render(x)
	case map[string]interface{}:
		return "a mapping " + Render(x)
	}
	return fmt.Sprint(v)
}

// converter turns yaml.v3 nodes (as rain normalizes them) into JSON-like
// values, recording resource positions.
type converter struct {
	pos map[string]Position
	err error
}

// maxDepth bounds the nesting of a template's values (CloudFormation's
// own templates nest a few dozen levels at most): deeper input is refused
// instead of exhausting the stack.
const maxDepth = 200

func (c *converter) value(n *yaml.Node, path string, depth int) interface{} {
	if depth > maxDepth {
		if c.err == nil {
			c.err = fmt.Errorf("line %d: values nested more than %d levels deep", n.Line, maxDepth)
		}
		return nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return c.value(n.Content[0], path, depth+1)
	case yaml.AliasNode:
		return c.value(n.Alias, path, depth+1)
	case yaml.MappingNode:
		m := make(map[string]interface{}, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			key := k.Value
			if _, dup := m[key]; dup && c.err == nil {
				c.err = fmt.Errorf("line %d: key %q is defined twice", k.Line, key)
			}
			child := path + "/" + key
			if depth == 1 && path == "/Resources" || depth == 3 && strings.HasPrefix(path, "/Resources/") && strings.HasSuffix(path, "/Properties") {
				if k.Line > 0 {
					c.pos[child] = Position{Line: k.Line, Column: k.Column}
				}
			}
			m[key] = c.value(v, child, depth+1)
		}
		return m
	case yaml.SequenceNode:
		l := make([]interface{}, len(n.Content))
		for i, e := range n.Content {
			l[i] = c.value(e, path, depth+1)
		}
		return l
	}
	return scalar(n)
}

// scalar is a YAML scalar as JSON would have it; numbers CloudFormation
// reads as text (leading zeros, as in an account id) stay text.
func scalar(n *yaml.Node) interface{} {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		b, err := strconv.ParseBool(n.Value)
		if err != nil {
			return n.Value
		}
		return b
	case "!!int", "!!float":
		v := strings.ReplaceAll(n.Value, "_", "")
		if len(v) > 1 && v[0] == '0' && !strings.HasPrefix(v, "0.") {
			return n.Value
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			if i, err := strconv.ParseInt(v, 0, 64); err == nil {
				return float64(i)
			}
			return n.Value
		}
		return f
	}
	return n.Value
}
