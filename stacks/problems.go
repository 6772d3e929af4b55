package stacks

import (
	"errors"
	"regexp"
	"sort"
	"strings"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
)

// contextProblems turns the construct's problems into the user's words:
// a problem of a prop that a context key sets is named by that key, with
// the value as the user wrote it, and the prop names in its message and
// fix become keys. Problems of props no key sets (the handler's build,
// say) stay as the construct wrote them (other); an error that is not the
// construct's validation is one other line.
func contextProblems(err error, given map[string]interface{}) (out []SettingProblem, other []string) {
	var ve *vpclambda.ValidationError
	if !errors.As(err, &ve) {
		return nil, []string{err.Error()}
	}
	for _, p := range ve.Problems {
		s := settingOf(p.Prop)
		if s == nil {
			other = append(other, p.String())
			continue
		}
		value := p.Value + " (the default)"
		if v, ok := given[s.key]; ok && v != nil {
			value = showValue(v)
		}
		fix := inContextWords(p.Fix)
		if goCode.MatchString(fix) {
			fix = s.fix
		}
		out = append(out, SettingProblem{Key: s.key, Value: value, Message: inContextWords(p.Message), Fix: fix})
	}
	return out, other
}

// goCode spots a fix written for Go callers of the construct.
var goCode = regexp.MustCompile(`\b(vpclambda|jsii|awsec2|awscdk|awslambda)\.|&[a-z]+\.`)

// settingOf is the setting whose prop is prop (or contains it: an element
// "GatewayEndpoints[1]", a field "NatProvider.Count"), the longest match.
func settingOf(prop string) *setting {
	var best *setting
	bestLen := 0
	for i := range settings {
		for _, sp := range settings[i].props {
			if (prop == sp || strings.HasPrefix(prop, sp+"[") || strings.HasPrefix(prop, sp+".")) && len(sp) > bestLen {
				best, bestLen = &settings[i], len(sp)
			}
		}
	}
	return best
}

// propWords replaces the props that context keys set by those keys, longest
// first ("NatProvider.Count" before "NatProvider").
var propWords = func() []struct {
	re  *regexp.Regexp
	key string
} {
	var props []string
	keyOf := map[string]string{}
	for _, s := range settings {
		for _, p := range s.props {
			props = append(props, p)
			keyOf[p] = s.key
		}
	}
	sort.Slice(props, func(i, j int) bool { return len(props[i]) > len(props[j]) })
	var out []struct {
		re  *regexp.Regexp
		key string
	}
	for _, p := range props {
		out = append(out, struct {
			re  *regexp.Regexp
			key string
		}{regexp.MustCompile(`\b` + regexp.QuoteMeta(p) + `\b`), keyOf[p]})
	}
	return out
}()

func inContextWords(s string) string {
	for _, w := range propWords {
		s = w.re.ReplaceAllString(s, w.key)
	}
	return s
}
