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
	addSuppressions(r, because(reason, rules...)...)
}

// because lists suppressions of rules, all for the same reason.
func because(reason string, rules ...string) []NagSuppression {
	var ss []NagSuppression
	for _, rule := range rules {
		ss = append(ss, NagSuppression{Rule: rule, Reason: reason})
	}
	return ss
}

// addSuppressions adds suppressions to the resource's cdk_nag metadata,
// keeping those already there (an embedder's, or the construct's own).
func addSuppressions(r awscdk.CfnResource, ss ...NagSuppression) {
	var list []interface{}
	if m, ok := r.GetMetadata(jsii.String("cdk_nag")).(map[string]interface{}); ok {
		if existing, ok := m["rules_to_suppress"].([]interface{}); ok {
			list = append(list, existing...)
		}
	}
	writeSuppressions(r, list, ss)
}

// setSuppressions writes the resource's cdk_nag metadata without reading
// what is there: a round trip to the CDK less than addSuppressions. Only
// for a resource the construct has just created, and once per resource
// (a second call replaces the first; gather the list first).
func setSuppressions(r awscdk.CfnResource, ss ...NagSuppression) {
	writeSuppressions(r, nil, ss)
}

func writeSuppressions(r awscdk.CfnResource, list []interface{}, ss []NagSuppression) {
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
	var routes []awscdk.CfnResource
	if n.PublicDefaultRoute != nil { // a regional NAT gateway needs no public subnet
		routes = append(routes, n.PublicDefaultRoute)
	}
	if n.PublicIpv6DefaultRoute != nil {
		routes = append(routes, n.PublicIpv6DefaultRoute)
	}
	for _, r := range routes {
		setSuppressions(r, because(
			"The public subnet holds only the NAT devices (no public IPs on launch), and its default route to the internet gateway is how they reach the internet (and, with IPv6, how the public subnet's own IPv6 traffic does): AWS's reference topology for a VPC Lambda function with internet access. The function's private subnets route to the NAT gateway, never to the internet gateway.",
			"NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW", "HIPAA.Security-VPCNoUnrestrictedRouteToIGW", "PCI.DSS.321-VPCNoUnrestrictedRouteToIGW")...)
	}
	v.natInstanceSuppressions()
	setSuppressions(n.Vpc, because(
		"Nothing the construct creates uses the VPC's default security group: every function gets the construct's own security group, without inbound rules. Removing the default group's rules needs a Lambda-backed custom resource (Custom::VpcRestrictDefaultSG), which the construct does not use by design (no code running at deploy time); keep the default group unused, which AWS Config's vpc-default-security-group-closed rule can monitor.",
		"NIST.800.53.R5-VPCDefaultSecurityGroupClosed", "HIPAA.Security-VPCDefaultSecurityGroupClosed", "PCI.DSS.321-VPCDefaultSecurityGroupClosed")...)
}

// natInstanceSuppressions records, on the NAT instances and their security
// group, why the compliance packs' EC2 findings do not apply or are the
// design's trade-offs.
func (v *VpcLambda) natInstanceSuppressions() {
	n := v.Network
	if n.NatInstanceSecurityGroup != nil {
		setSuppressions(n.NatInstanceSecurityGroup, because(
			"A NAT instance forwards whatever the functions send, so its security group allows all protocols, but only from the private subnets' CIDR blocks: nothing from the internet. The rule flags any all-protocol ingress rule whatever its source.",
			"NIST.800.53.R5-EC2RestrictedCommonPorts", "HIPAA.Security-EC2RestrictedCommonPorts", "PCI.DSS.321-EC2RestrictedCommonPorts")...)
	}
	for _, inst := range n.NatInstances {
		setSuppressions(inst,
			NagSuppression{Rule: "NIST.800.53.R5-EC2IMDSv2Enabled", Reason: imdsReason},
			NagSuppression{Rule: "HIPAA.Security-EC2IMDSv2Enabled", Reason: imdsReason},
			NagSuppression{Rule: "NIST.800.53.R5-EC2InstancesInVPC", Reason: inVpcReason},
			NagSuppression{Rule: "HIPAA.Security-EC2InstancesInVPC", Reason: inVpcReason},
			NagSuppression{Rule: "PCI.DSS.321-EC2InstancesInVPC", Reason: inVpcReason},
			NagSuppression{Rule: "NIST.800.53.R5-EC2InstanceProfileAttached", Reason: profileReason},
			NagSuppression{Rule: "HIPAA.Security-EC2InstanceProfileAttached", Reason: profileReason},
			NagSuppression{Rule: "PCI.DSS.321-EC2InstanceProfileAttached", Reason: profileReason},
			NagSuppression{Rule: "AwsSolutions-EC28", Reason: monitoringReason},
			NagSuppression{Rule: "HIPAA.Security-EC2InstanceDetailedMonitoringEnabled", Reason: monitoringReason},
			NagSuppression{Rule: "AwsSolutions-EC29", Reason: "Termination protection would make CloudFormation unable to replace the NAT instance (a new image, a new instance type) or delete it with the stack; the instance keeps no state, and its status-check alarm reports a failed one."},
		)
	}
}

const (
	imdsReason       = "The NAT instance requires IMDSv2 (MetadataOptions.HttpTokens = required, hop limit 1) on the instance itself; the rule only recognises IMDSv2 set through a launch template."
	inVpcReason      = "The NAT instance is in the VPC: its primary network interface (NetworkInterfaces[0], created in a public subnet of the VPC) places it there; the rule only looks at the instance's SubnetId property."
	profileReason    = "The NAT instance calls no AWS API (it only forwards packets with nftables), so it gets no role: least privilege. An instance profile for Systems Manager access is the embedder's choice."
	monitoringReason = "Detailed monitoring (about USD 2 a month per instance) would cost as much as the NAT instance it watches, whose point is to be cheap; the status-check alarm uses StatusCheckFailed, which EC2 reports every minute without it."
)
