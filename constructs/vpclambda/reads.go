package vpclambda

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// reads holds what the construct reads from aws-cdk-lib more than once.
// In a Go CDK app every property read is a round trip to the jsii kernel
// (a Node.js process), about 0.2-0.4 ms each, and a synth of the default
// stack made a hundred of them only to read the same tokens again (see
// docs/performance.md). The values kept here never change once
// read: resource IDs are tokens that resolve at synth time, the stack and
// its region are fixed.
type reads struct {
	ids    map[awscdk.CfnResource]*string
	stack  awscdk.Stack
	region *string
	minute awscdk.Duration
}

// id returns attr() for r, read once: attr is the resource's ID attribute
// (r.AttrSubnetId, r.AttrRouteTableId, ...); a resource has one.
func (v *VpcLambda) id(r awscdk.CfnResource, attr func() *string) *string {
	if v.reads.ids == nil {
		v.reads.ids = map[awscdk.CfnResource]*string{}
	}
	if s, ok := v.reads.ids[r]; ok {
		return s
	}
	s := attr()
	v.reads.ids[r] = s
	return s
}

// stack returns the construct's stack.
func (v *VpcLambda) stack() awscdk.Stack {
	if v.reads.stack == nil {
		v.reads.stack = awscdk.Stack_Of(v)
	}
	return v.reads.stack
}

// region returns the stack's region (a token in an environment-agnostic
// stack).
func (v *VpcLambda) region() *string {
	if v.reads.region == nil {
		v.reads.region = v.stack().Region()
	}
	return v.reads.region
}

// oneMinute is the period of the alarms' metrics.
func (v *VpcLambda) oneMinute() awscdk.Duration {
	if v.reads.minute == nil {
		v.reads.minute = awscdk.Duration_Minutes(jsii.Number(1))
	}
	return v.reads.minute
}
