// Package dnsname owns the one rule for what Route 53 Resolver DNS
// Firewall takes as a domain list entry, shared by the construct (its
// AllowedDomains) and netcheck (--dest NAME), so the two cannot drift.
package dnsname

import (
	"fmt"
	"strings"
)

// EntryProblem says what DNS Firewall would refuse in a domain list
// entry: an optional leading "*" (as "*" or "*."), then labels of
// letters, digits and hyphens separated by single dots, 1 to 255
// characters. It returns "" when nothing is wrong.
func EntryProblem(d string) string {
	if strings.TrimSpace(d) != d {
		return "it has spaces around it"
	}
	if d == "" {
		return "it is empty"
	}
	if len(d) > 255 {
		return fmt.Sprintf("it is %d characters long (at most 255)", len(d))
	}
	if d == "*" {
		return ""
	}
	rest := strings.TrimPrefix(d, "*.")
	if strings.Contains(rest, "*") {
		return "a * may only start the domain, as *.example.com"
	}
	if strings.Contains(rest, "://") || strings.Contains(rest, "/") {
		return "it is a URL: give the host name only"
	}
	if strings.HasSuffix(rest, ".") {
		return "it ends with a dot: write it without"
	}
	for _, label := range strings.Split(rest, ".") {
		if label == "" {
			return "it has an empty label (two dots in a row, or a leading dot)"
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Sprintf("%q is not allowed (letters, digits, hyphens and dots only)", c)
			}
		}
	}
	return ""
}
