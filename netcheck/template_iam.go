package netcheck

// IAM in templates: the statements that grant a function's role the
// network-interface actions Lambda needs (inline, AWS::IAM::Policy,
// customer-managed policies), and AWS's recommended deny of those actions
// to the function's own code.

import (
	"fmt"
	"regexp"
	"strings"
)

// EniRequired are the actions Lambda calls with the execution role to
// create and remove a function's network interfaces (the Lambda developer
// guide, "Attaching Lambda functions to VPCs": ec2:DescribeNetworkInterfaces
// works only when allowed on all resources). AWSLambdaVPCAccessExecutionRole
// grants them, with DescribeSubnets and the private-address actions.
var EniRequired = []string{"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"}

// eniActions are the actions of AWS's recommended deny statement.
var eniActions = []string{
	"ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces",
	"ec2:DetachNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
}

// statements are a policy document's statements (one or a list).
func statements(doc interface{}) []map[string]interface{} {
	d, _ := doc.(map[string]interface{})
	var out []map[string]interface{}
	switch s := d["Statement"].(type) {
	case []interface{}:
		for _, e := range s {
			if m, ok := e.(map[string]interface{}); ok {
				out = append(out, m)
			}
		}
	case map[string]interface{}:
		out = append(out, s)
	}
	return out
}

// stringList is a string or a list of strings (IAM's Action, Resource).
func stringList(v interface{}) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []interface{}:
		var out []string
		for _, e := range x {
			if s, ok := str(e); ok {
				out = append(out, s)
			} else if u, ok := e.(unknown); ok {
				out = append(out, u.expr)
			}
		}
		return out
	case unknown:
		return []string{x.expr}
	}
	return nil
}

// actionMatches reports whether an IAM action pattern (case-insensitive,
// with * and ? wildcards) matches action.
func actionMatches(pattern, action string) bool {
	if !strings.ContainsAny(pattern, "*?") {
		return strings.EqualFold(pattern, action)
	}
	re := "(?i)^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	ok, err := regexp.MatchString(re, action)
	return err == nil && ok
}

func anyMatches(patterns []string, action string) bool {
	for _, p := range patterns {
		if actionMatches(p, action) {
			return true
		}
	}
	return false
}

// eniGrants returns the Allow statements of a (resolved) policy document
// that grant some of EniRequired, with what narrows them.
func eniGrants(policy string, doc interface{}) []EniGrant {
	var out []EniGrant
	for _, st := range statements(doc) {
		if fmt.Sprint(st["Effect"]) != "Allow" {
			continue
		}
		actions := stringList(st["Action"])
		var granted []string
		for _, a := range EniRequired {
			if anyMatches(actions, a) {
				granted = append(granted, a)
			}
		}
		if len(granted) == 0 {
			continue
		}
		var limits []string
		if c, ok := st["Condition"]; ok && c != nil {
			limits = append(limits, "Condition "+Render(c))
		}
		res := stringList(st["Resource"])
		if !contains(res, "*") {
			limits = append(limits, "Resource "+Render(st["Resource"]))
		}
		out = append(out, EniGrant{Policy: policy, Actions: granted, Limits: strings.Join(limits, ", ")})
	}
	return out
}

// DenyTargets returns the function ARNs named in the lambda:SourceFunctionArn
// condition of every statement of an IAM policy document (parsed JSON) that
// denies all of the ENI actions Lambda needs on "*": AWS's recommended deny.
func DenyTargets(doc interface{}) []string {
	return denyTargetsOf(doc)
}

func (x *templateReader) denyTargets(doc interface{}) []string { return denyTargetsOf(doc) }

func denyTargetsOf(doc interface{}) []string {
	var out []string
	for _, st := range statements(doc) {
		if st["Effect"] != "Deny" {
			continue
		}
		actions := stringList(st["Action"])
		all := true
		for _, a := range eniActions {
			if !anyMatches(actions, a) {
				all = false
			}
		}
		if !all || !contains(stringList(st["Resource"]), "*") {
			continue
		}
		cond, _ := st["Condition"].(map[string]interface{})
		for _, op := range []string{"ArnEquals", "ArnLike", "StringEquals", "StringLike"} {
			m, _ := cond[op].(map[string]interface{})
			v, ok := m["lambda:SourceFunctionArn"]
			if !ok {
				continue
			}
			switch x := v.(type) {
			case arnOf:
				out = append(out, string(x))
			case string:
				out = append(out, x) // matched to a function by name later
			case unknown:
				if x.partial != "" {
					out = append(out, x.partial)
				}
			}
		}
	}
	return out
}

// grantCheck decides role-vpc-access from the role's own statements when
// it lacks the managed policy: Lambda needs every action of EniRequired
// (ec2:DescribeNetworkInterfaces on "*"). A statement narrowed by a
// condition or a resource may not cover Lambda's calls: then UNKNOWN,
// naming it.
func grantCheck(role *Role) (Check, bool) {
	if len(role.Grants) == 0 {
		return Check{}, false
	}
	have := map[string]bool{}
	var limited []string
	for _, g := range role.Grants {
		for _, a := range g.Actions {
			if g.Limits == "" {
				have[a] = true
			}
		}
		if g.Limits != "" {
			limited = append(limited, g.Policy+" ("+g.Limits+")")
		}
	}
	var missing []string
	for _, a := range EniRequired {
		if !have[a] {
			missing = append(missing, a)
		}
	}
	var policies []string
	for _, g := range role.Grants {
		policies = append(policies, g.Policy)
	}
	switch {
	case len(missing) == 0:
		return Check{Name: CheckRoleVpcAccess, Status: Pass, Resource: role.ID,
			Reason: "the role's own policies grant the network-interface actions Lambda needs (" + joinList(EniRequired) + ") on every resource: " + joinList(uniqStrings(policies))}, true
	case len(limited) > 0:
		return Check{Name: CheckRoleVpcAccess, Status: Unknown, Resource: role.ID,
			Reason: "the role grants " + joinList(missing) + " only with limits Lambda's calls may not meet: " + joinList(limited),
			Fix:    "grant " + joinList(EniRequired) + " on \"*\" without conditions, or attach arn:aws:iam::aws:policy/service-role/" + VpcAccessPolicy}, true
	}
	return Check{Name: CheckRoleVpcAccess, Status: Fail, Resource: role.ID,
		Reason: "the role's policies grant some network-interface actions but not " + joinList(missing) + ": Lambda cannot create the function's network interfaces",
		Fix:    "grant " + joinList(missing) + " on \"*\", or attach arn:aws:iam::aws:policy/service-role/" + VpcAccessPolicy}, true
}

func joinList(s []string) string { return strings.Join(s, ", ") }
