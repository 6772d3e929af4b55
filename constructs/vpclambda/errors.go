package vpclambda

import (
	"fmt"
	"strings"
)

// Problem is one invalid property: which one, the value given, what is
// wrong with it and how to fix it.
type Problem struct {
	Prop    string // e.g. "VpcCidr" or "Function.MemorySize"
	Value   string // the value as given, "<unset>" when missing
	Message string // what is wrong
	Fix     string // what to do instead
}

// String renders the problem as "Prop = Value: Message; fix: Fix".
func (p Problem) String() string {
	return fmt.Sprintf("%s = %s: %s; fix: %s", p.Prop, p.Value, p.Message, p.Fix)
}

// ValidationError lists every invalid property found in one call. It is
// returned before any resource is added to the construct tree, so a failed
// call leaves the tree as it was.
type ValidationError struct {
	Construct string    // the construct id
	Problems  []Problem // every problem found, in the order of the props
}

// Error lists every problem, one per line.
func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "vpclambda %q: %d invalid propert", e.Construct, len(e.Problems))
	if len(e.Problems) == 1 {
		b.WriteString("y")
	} else {
		b.WriteString("ies")
	}
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p.String())
	}
	return b.String()
}

// problems collects Problems; err returns nil when there are none.
type problems struct {
	id   string
	list []Problem
}

func (ps *problems) add(prop, value, message, fix string) {
	ps.list = append(ps.list, Problem{Prop: prop, Value: value, Message: message, Fix: fix})
}

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return &ValidationError{Construct: ps.id, Problems: ps.list}
}

// CatchJsii runs f and turns a panic raised by the AWS CDK (a JavaScript
// exception surfaced by the jsii runtime) into an error, so callers can
// report CDK's own validation errors without a Go stack trace.
func CatchJsii(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			switch v := r.(type) {
			case error:
				err = v
			default:
				err = fmt.Errorf("%v", v)
			}
		}
	}()
	f()
	return nil
}

func show(s *string) string {
	if s == nil {
		return "<unset>"
	}
	return fmt.Sprintf("%q", *s)
}

func showNum(f *float64) string {
	if f == nil {
		return "<unset>"
	}
	return fmt.Sprintf("%g", *f)
}
