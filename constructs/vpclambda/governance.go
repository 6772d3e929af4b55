package vpclambda

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// GovernedLambdaActions are the Lambda API actions that set a function's
// VPC configuration, which the guardrail policy governs.
var GovernedLambdaActions = []string{"lambda:CreateFunction", "lambda:UpdateFunctionConfiguration"}

// Guardrails is an IAM policy that keeps Lambda functions in the
// construct's network, with AWS's Lambda condition keys lambda:VpcIds,
// lambda:SubnetIds and lambda:SecurityGroupIds.
type Guardrails struct {
	// RequireVpc denies creating or reconfiguring a function that is not
	// attached to a VPC (lambda:VpcIds is absent).
	RequireVpc awsiam.PolicyStatement
	// AllowOnlyThisNetwork allows creating or reconfiguring a function only
	// in the construct's VPC, with subnets among its private subnets and
	// security groups among its security group (ForAllValues:StringEquals,
	// as AWS's examples write it). In an identity policy it grants these
	// actions; it restricts nothing the principal is granted elsewhere.
	AllowOnlyThisNetwork awsiam.PolicyStatement
	// DenyOtherNetworks denies what AllowOnlyThisNetwork does not allow,
	// one statement per key (conditions within a statement must all hold,
	// so one statement could not deny "another VPC OR another subnet"):
	// another VPC (or none), a subnet outside the construct's private
	// subnets, a security group other than the construct's. These make
	// the restriction hold against any other grant, and are what to put in
	// a service control policy.
	DenyOtherNetworks []awsiam.PolicyStatement
	// Policy holds the three statements, ready to attach to deployer roles.
	Policy awsiam.ManagedPolicy
}

// Statements returns the guardrail statements in the policy's order.
func (g *Guardrails) Statements() []awsiam.PolicyStatement {
	return append([]awsiam.PolicyStatement{g.RequireVpc, g.AllowOnlyThisNetwork}, g.DenyOtherNetworks...)
}

// NewGuardrails creates the guardrail policy for the construct's network in
// scope (any scope of the same stack). Attach Policy to the roles that
// deploy Lambda functions (awsiam.Role.AddManagedPolicy), or copy
// RequireVpc and DenyOtherNetworks into a service control policy, with the
// resolved ids, to hold for a whole account.
func (v *VpcLambda) NewGuardrails(scope constructs.Construct, id string) *Guardrails {
	var subnets []*string
	for _, s := range v.PrivateSubnets {
		subnets = append(subnets, s.SubnetId())
	}
	sgs := []*string{v.SecurityGroup.SecurityGroupId()}
	g := &Guardrails{}
	g.RequireVpc = awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("DenyFunctionsOutsideAVpc"),
		Effect:     awsiam.Effect_DENY,
		Actions:    jsii.Strings(GovernedLambdaActions...),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]interface{}{"Null": map[string]interface{}{"lambda:VpcIds": "true"}},
	})
	g.AllowOnlyThisNetwork = awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("AllowFunctionsOnlyInThisNetwork"),
		Effect:    awsiam.Effect_ALLOW,
		Actions:   jsii.Strings(GovernedLambdaActions...),
		Resources: jsii.Strings("*"),
		Conditions: &map[string]interface{}{
			"StringEquals":              map[string]interface{}{"lambda:VpcIds": v.Vpc.VpcId()},
			"ForAllValues:StringEquals": map[string]interface{}{"lambda:SubnetIds": subnets, "lambda:SecurityGroupIds": sgs},
		},
	})
	deny := func(sid, op, key string, values interface{}) awsiam.PolicyStatement {
		return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String(sid),
			Effect:     awsiam.Effect_DENY,
			Actions:    jsii.Strings(GovernedLambdaActions...),
			Resources:  jsii.Strings("*"),
			Conditions: &map[string]interface{}{op: map[string]interface{}{key: values}},
		})
	}
	g.DenyOtherNetworks = []awsiam.PolicyStatement{
		deny("DenyFunctionsInOtherVpcs", "StringNotEquals", "lambda:VpcIds", v.Vpc.VpcId()),
		deny("DenyFunctionsInOtherSubnets", "ForAnyValue:StringNotEquals", "lambda:SubnetIds", subnets),
		deny("DenyFunctionsWithOtherSecurityGroups", "ForAnyValue:StringNotEquals", "lambda:SecurityGroupIds", sgs),
	}
	stmts := g.Statements()
	g.Policy = awsiam.NewManagedPolicy(scope, jsii.String(id), &awsiam.ManagedPolicyProps{
		Description: jsii.String("Lambda functions only in the network of " + v.path + " (lambda:VpcIds, lambda:SubnetIds, lambda:SecurityGroupIds)"),
		Statements:  &stmts,
	})
	addSuppressions(g.Policy.Node().DefaultChild().(awscdk.CfnResource), NagSuppression{
		Rule:      "AwsSolutions-IAM5",
		AppliesTo: []string{"Resource::*"},
		Reason:    "The guardrail bounds where functions are attached, not which functions a deployer may manage: AllowOnlyThisNetwork grants lambda:CreateFunction and lambda:UpdateFunctionConfiguration on any function only with this VPC, these subnets and this security group (conditions), and the deny statements apply to every function on purpose.",
	})
	return g
}
