package netcheck

import (
	"sort"
	"strconv"
	"strings"
)

// Render writes a template value the way a person writes it in a YAML
// template, on one line: intrinsic functions in their short form (!Ref X,
// !GetAtt A.B, !Sub '...', !If [C, a, b]), lists as [a, b], mappings as
// {K: v}. Reports use it for every value they cannot resolve.
func Render(v interface{}) string {
	var b strings.Builder
	render(&b, v, 0)
	return b.String()
}

func render(b *strings.Builder, v interface{}, depth int) {
	if depth > 12 {
		b.WriteString("...")
		return
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteString(renderString(x))
	case float64:
		b.WriteString(strconv.FormatFloat(x, 'f', -1, 64))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case []interface{}:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			render(b, e, depth+1)
		}
		b.WriteByte(']')
	case map[string]interface{}:
		if len(x) == 1 {
			for k, arg := range x {
				switch {
				case k == "Ref":
					b.WriteString("!Ref ")
					render(b, arg, depth+1)
					return
				case k == "Fn::GetAtt":
					if l, ok := arg.([]interface{}); ok && len(l) == 2 {
						if a, ok := l[0].(string); ok {
							if at, ok := l[1].(string); ok {
								b.WriteString("!GetAtt " + a + "." + at)
								return
							}
						}
					}
					b.WriteString("!GetAtt ")
					render(b, arg, depth+1)
					return
				case k == "Condition":
					b.WriteString("!Condition ")
					render(b, arg, depth+1)
					return
				case strings.HasPrefix(k, "Fn::"):
					b.WriteString("!" + strings.TrimPrefix(k, "Fn::") + " ")
					render(b, arg, depth+1)
					return
				}
			}
		}
		b.WriteByte('{')
		for i, k := range sortedKeys(x) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(renderString(k) + ": ")
			render(b, x[k], depth+1)
		}
		b.WriteByte('}')
	case unknown:
		b.WriteString(x.expr)
	default:
		b.WriteString(strconv.Quote(stringOf(x)))
	}
}

func stringOf(v interface{}) string {
	if s, ok := str(v); ok {
		return s
	}
	return "?"
}

// renderString quotes a string only when YAML would read it otherwise.
func renderString(s string) string {
	if s == "" {
		return "''"
	}
	plain := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@", r)) {
			plain = false
			break
		}
	}
	if plain && !strings.ContainsAny(s[:1], "-:@") {
		if _, err := strconv.ParseFloat(s, 64); err != nil && s != "true" && s != "false" && s != "null" {
			return s
		}
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// paramFix is the flag that gives a value to parameters.
func paramFix(names []string) string {
	sort.Strings(names)
	var out []string
	for _, n := range names {
		out = append(out, "--parameter "+n+"=VALUE")
	}
	return strings.Join(out, " ")
}
