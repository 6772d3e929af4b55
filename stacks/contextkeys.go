package stacks

import (
	"fmt"
	"sort"
	"strings"
)

// unknownContextKeys returns one problem for every context key that is not
// one of ContextKeys but looks like one (another case, or a near spelling
// such as "maxAZs" or "natGateway"): such a setting would otherwise be
// ignored without a word. CDK's own keys (feature flags, lookups such as
// "availability-zones:...", "aws:cdk:...") and keys unlike any of the
// app's pass untouched.
func unknownContextKeys(all map[string]interface{}) []string {
	var keys []string
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var problems []string
	for _, k := range keys {
		if _, ok := ContextKeys[k]; ok || cdkOwnKey(k) {
			continue
		}
		if like := resembles(k); like != "" {
			problems = append(problems, fmt.Sprintf("context %s = %v is not a setting of this app; did you mean %s (%s)? fix: -c %s=...",
				k, all[k], like, ContextKeys[like], like))
		}
	}
	return problems
}

// cdkOwnKey reports whether a context key belongs to the CDK itself:
// feature flags ("@aws-cdk/..."), lookups and CLI settings all carry a
// ':' or '/', which none of the app's keys has.
func cdkOwnKey(k string) bool {
	return strings.ContainsAny(k, ":/@")
}

// resembles returns the app's context key k most likely means, or "".
func resembles(k string) string {
	best, bestDist := "", 3
	for key := range ContextKeys {
		lk, lkey := strings.ToLower(k), strings.ToLower(key)
		d := editDistance(lk, lkey)
		if lk == lkey {
			d = 0
		}
		// A limit that grows with the length keeps short keys such as
		// "region" from matching unrelated words.
		limit := 1
		if len(key) >= 8 {
			limit = 2
		}
		if d <= limit && (d < bestDist || (d == bestDist && key < best)) {
			best, bestDist = key, d
		}
	}
	return best
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
