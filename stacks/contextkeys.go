package stacks

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// unknownContextKeys returns one problem for every context key that is not
// one of the app's but resembles one (see resembles): such a setting would
// otherwise be ignored without a word. CDK's own keys (feature flags,
// lookups such as "availability-zones:...", "aws:cdk:...") and keys unlike
// any of the app's pass untouched.
func unknownContextKeys(all map[string]interface{}) []SettingProblem {
	var keys []string
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var problems []SettingProblem
	for _, k := range keys {
		if _, ok := ContextKeys[k]; ok || cdkOwnKey(k) {
			continue
		}
		like := resembles(k)
		if len(like) == 0 {
			continue
		}
		var fixes []string
		for _, l := range like {
			fixes = append(fixes, fmt.Sprintf("-c %s=%s", l, showValue(all[k])))
		}
		problems = append(problems, SettingProblem{Key: k, Value: showValue(all[k]),
			Message: "is not a setting of this app (did you mean " + strings.Join(like, " or ") + "?)",
			Fix:     strings.Join(fixes, " or ")})
	}
	return problems
}

// cdkOwnKey reports whether a context key belongs to the CDK itself:
// feature flags ("@aws-cdk/..."), lookups and CLI settings all carry a
// ':', '/' or '@', which none of the app's keys has.
func cdkOwnKey(k string) bool {
	return strings.ContainsAny(k, ":/@")
}

// resembles returns the app's keys k most likely means (sorted), or none.
// Keys are compared in lower case without '-', '_', '.' and spaces, a
// trailing "s" aside; k resembles key when, so compared,
//
//   - they are equal ("MaxAZs", "max_azs", "natGateway"), or a near
//     spelling: at most one edit apart, two for keys of 8 letters or more
//     ("natGatways", "memroySize");
//   - k, 3 letters or more, begins key ("mem", "memory", "nat", "vpc"),
//     or key begins k ("memorySizeMb", "accountId", "regionName");
//   - k, 3 letters or more, is the end of key from one of its words on
//     ("azs", "endpoints", "cidr", "gateways", "provider", "name").
//
// Keys unlike any in these ways ("myOwnSetting", "env", "debug") are not
// the app's, and pass.
func resembles(k string) []string {
	n := fold(k)
	var out []string
	for _, s := range settings {
		if keyResembles(n, s.key) {
			out = append(out, s.key)
		}
	}
	sort.Strings(out)
	return out
}

func keyResembles(n, key string) bool {
	kf := fold(key)
	if n == "" {
		return false
	}
	limit := 1
	if len(kf) >= 8 {
		limit = 2
	}
	if editDistance(n, kf) <= limit && len(n) > limit {
		return true
	}
	if len(n) >= 3 && (strings.HasPrefix(kf, n) || strings.HasPrefix(n, kf)) {
		return true
	}
	if len(n) >= 3 {
		for _, tail := range wordTails(key) {
			if n == tail {
				return true
			}
		}
	}
	return false
}

// fold is k in lower case, without separators and a trailing "s".
func fold(k string) string {
	var b strings.Builder
	for _, r := range k {
		if r == '-' || r == '_' || r == '.' || unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	s := b.String()
	if len(s) > 3 && strings.HasSuffix(s, "s") {
		s = s[:len(s)-1]
	}
	return s
}

// wordTails are the ends of a camelCase key from each of its words on,
// folded: "gatewayEndpoints" gives "endpoint" (and the whole key).
func wordTails(key string) []string {
	var tails []string
	for i, r := range key {
		if i > 0 && unicode.IsUpper(r) {
			tails = append(tails, fold(key[i:]))
		}
	}
	return tails
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
