package vpclambda

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// DefaultTracing is the X-Ray tracing mode of a function whose
// FunctionOptions leave Tracing unset: ACTIVE, because a trace shows where
// an invocation's time went (DNS, connecting through the NAT gateway, the
// remote service) at a cost that stays small (the first 100,000 traces a
// month are free, then about USD 5 per million; Lambda samples the first
// request each second and 5 % of the rest).
const DefaultTracing = awslambda.Tracing_ACTIVE

// XRayActions are the actions a traced function's role needs. X-Ray does
// not support resource-level permissions for them.
var XRayActions = []string{"xray:PutTelemetryRecords", "xray:PutTraceSegments"}

// takeTracing removes Tracing from the function's props, so that the
// construct configures it itself: aws-cdk's Function would put the X-Ray
// permissions in an inline policy (the compliance packs' IAMNoInlinePolicy).
func takeTracing(props *awslambda.FunctionProps) awslambda.Tracing {
	t := orDefault(props.Tracing, DefaultTracing)
	props.Tracing = ""
	return t
}

// harden applies the function options the compliance packs ask about:
// tracing (with its permission in a customer managed policy), and, for
// reserved concurrency and a dead-letter queue left unset, the reasons why
// that is the default. It returns what the function must be created after.
func (v *VpcLambda) harden(scope constructs.Construct, af *AttachedFunction, fnCfn awslambda.CfnFunction, tracing awslambda.Tracing, opts *awslambda.FunctionOptions) (after []constructs.IDependable) {
	if tracing != awslambda.Tracing_DISABLED {
		mode := "Active"
		if tracing == awslambda.Tracing_PASS_THROUGH {
			mode = "PassThrough"
		}
		fnCfn.SetTracingConfig(&awslambda.CfnFunction_TracingConfigProperty{Mode: jsii.String(mode)})
		af.TracingPolicy = awsiam.NewManagedPolicy(scope, jsii.String("TracingPolicy"), &awsiam.ManagedPolicyProps{
			Description: jsii.String("Lets Lambda function " + af.FunctionName + " send its X-Ray traces"),
			Statements: &[]awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:       jsii.String("SendTraces"),
				Actions:   jsii.Strings(XRayActions...),
				Resources: jsii.Strings("*"),
			})},
			Roles: &[]awsiam.IRole{af.Role},
		})
		policyCfn := af.TracingPolicy.Node().DefaultChild().(awscdk.CfnResource)
		// The function sends traces from its first invocation.
		after = append(after, policyCfn)
		setSuppressions(policyCfn, NagSuppression{
			Rule:      "AwsSolutions-IAM5",
			AppliesTo: []string{"Resource::*"},
			Reason:    "xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions (AWS Service Authorization Reference for X-Ray): the resource must be *. The policy grants nothing else.",
		})
	}
	var fnRules []NagSuppression
	if opts.ReservedConcurrentExecutions == nil {
		fnRules = append(fnRules, because(
			"Reserved concurrency is off by default: it is taken from the account's unreserved pool, and on accounts with the default quota of 10 any reservation fails the deploy (Lambda keeps 10 unreserved). Set FunctionOptions.ReservedConcurrentExecutions to cap or guarantee the function's concurrency.",
			"NIST.800.53.R5-LambdaConcurrency", "HIPAA.Security-LambdaConcurrency")...)
	}
	if opts.DeadLetterQueue == nil && opts.DeadLetterTopic == nil && (opts.DeadLetterQueueEnabled == nil || !*opts.DeadLetterQueueEnabled) {
		fnRules = append(fnRules, because(
			"A dead-letter queue only receives events of asynchronous invocations that failed every retry; a function called synchronously (as this construct's default caller, the invoke command, does) returns its error to the caller. Set FunctionOptions.DeadLetterQueue (or OnFailure) for asynchronous event sources.",
			"Serverless-LambdaDLQ", "NIST.800.53.R5-LambdaDLQ", "HIPAA.Security-LambdaDLQ")...)
	}
	if len(fnRules) > 0 {
		setSuppressions(fnCfn, fnRules...)
	}
	// Options such as a dead-letter queue or destinations make aws-cdk
	// grant the role access to them in the role's default (inline) policy,
	// each grant scoped to the resource the embedder named.
	if dp := af.Role.Node().TryFindChild(jsii.String("DefaultPolicy")); dp != nil {
		if cfn, ok := dp.Node().DefaultChild().(awscdk.CfnResource); ok {
			suppress(cfn,
				"aws-cdk puts the grants for the function options the embedder chose (dead-letter queue, destinations) in the role's default policy, each scoped to the queue, topic or function named; the construct's own permissions (the ENI deny, tracing) are customer managed policies.",
				"NIST.800.53.R5-IAMNoInlinePolicy", "HIPAA.Security-IAMNoInlinePolicy", "PCI.DSS.321-IAMNoInlinePolicy")
		}
	}
	return after
}
