package vpclambda

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// NagSuppression is one cdk-nag finding the construct suppresses on a
// resource it creates, with the reason (the design choice it follows from).
// The construct writes them as the resource's "cdk_nag" metadata, which
// cdk-nag reads; the construct itself does not depend on cdk-nag.
type NagSuppression struct {
	Rule      string   // e.g. "AwsSolutions-IAM4"
	Reason    string   // why the finding does not apply
	AppliesTo []string // finding details it is limited to (e.g. one policy), or none
}

// suppress adds suppressions of rules, all for the same reason, to the
// resource's cdk_nag metadata, keeping those already there.
func suppress(r awscdk.CfnResource, reason string, rules ...string) {
	var ss []NagSuppression
	for _, rule := range rules {
		ss = append(ss, NagSuppression{Rule: rule, Reason: reason})
	}
	addSuppressions(r, ss...)
}

func addSuppressions(r awscdk.CfnResource, ss ...NagSuppression) {
	var list []interface{}
	if m, ok := r.GetMetadata(jsii.String("cdk_nag")).(map[string]interface{}); ok {
		if existing, ok := m["rules_to_suppress"].([]interface{}); ok {
			list = append(list, existing...)
		}
	}
	for _, s := range ss {
		e := map[string]interface{}{"id": s.Rule, "reason": s.Reason}
		if len(s.AppliesTo) > 0 {
			var at []interface{}
			for _, a := range s.AppliesTo {
				at = append(at, a)
			}
			e["applies_to"] = at
		}
		list = append(list, e)
	}
	r.AddMetadata(jsii.String("cdk_nag"), map[string]interface{}{"rules_to_suppress": list})
}

// Suppressions returns the cdk-nag suppressions the construct put on a
// resource it created (nil for none).
func Suppressions(r awscdk.CfnResource) []NagSuppression {
	m, ok := r.GetMetadata(jsii.String("cdk_nag")).(map[string]interface{})
	if !ok {
		return nil
	}
	list, _ := m["rules_to_suppress"].([]interface{})
	var out []NagSuppression
	for _, e := range list {
		em, _ := e.(map[string]interface{})
		s := NagSuppression{}
		s.Rule, _ = em["id"].(string)
		s.Reason, _ = em["reason"].(string)
		if at, ok := em["applies_to"].([]interface{}); ok {
			for _, a := range at {
				if as, ok := a.(string); ok {
					s.AppliesTo = append(s.AppliesTo, as)
				}
			}
		}
		out = append(out, s)
	}
	return out
}

// networkSuppressions records why two findings of the compliance packs on
// the network do not apply: both follow from the reference topology.
func (v *VpcLambda) networkSuppressions() {
	n := v.Network
	suppress(n.PublicDefaultRoute,
		"The public subnet holds only the NAT gateway (no instances, no public IPs on launch), and its 0.0.0.0/0 route to the internet gateway is how the NAT gateway reaches the internet: AWS's reference topology for a VPC Lambda function with internet access. The function's private subnets route to the NAT gateway, never to the internet gateway.",
		"NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW", "HIPAA.Security-VPCNoUnrestrictedRouteToIGW", "PCI.DSS.321-VPCNoUnrestrictedRouteToIGW")
	suppress(n.Vpc,
		"Nothing the construct creates uses the VPC's default security group: every function gets the construct's own security group, without inbound rules. Removing the default group's rules needs a Lambda-backed custom resource (Custom::VpcRestrictDefaultSG), which the construct does not use by design (no code running at deploy time); keep the default group unused, which AWS Config's vpc-default-security-group-closed rule can monitor.",
		"NIST.800.53.R5-VPCDefaultSecurityGroupClosed", "HIPAA.Security-VPCDefaultSecurityGroupClosed", "PCI.DSS.321-VPCDefaultSecurityGroupClosed")
}
