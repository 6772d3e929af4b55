package vpclambda

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"
)

// Every option of the pinned aws-cdk-lib's awslambda.FunctionOptions is
// either decided by the construct (rejected when set), handled by it, or
// copied as it is into awslambda.FunctionProps: none is silently dropped,
// also after an upgrade of aws-cdk-lib adds options.
func TestEveryFunctionOptionFlowsThrough(t *testing.T) {
	opts := reflect.TypeOf(awslambda.FunctionOptions{})
	props := reflect.TypeOf(awslambda.FunctionProps{})
	for i := 0; i < opts.NumField(); i++ {
		f := opts.Field(i)
		if _, owned := ownedOptions[f.Name]; owned || handledOptions[f.Name] {
			continue
		}
		p, ok := props.FieldByName(f.Name)
		if !ok || p.Type != f.Type {
			t.Errorf("awslambda.FunctionOptions.%s (%s) has no field of the same type in awslambda.FunctionProps: it would be dropped", f.Name, f.Type)
		}
	}
	for name := range ownedOptions {
		if _, ok := opts.FieldByName(name); !ok {
			t.Errorf("ownedOptions names %s, which awslambda.FunctionOptions does not have", name)
		}
	}
	for name := range handledOptions {
		if _, ok := opts.FieldByName(name); !ok {
			t.Errorf("handledOptions names %s, which awslambda.FunctionOptions does not have", name)
		}
	}
}

func synthFunction(t *testing.T, mod func(stack awscdk.Stack, o *FunctionOptions)) map[string]map[string]interface{} {
	t.Helper()
	var out map[string]map[string]interface{}
	err := CatchJsii(func() {
		app := awscdk.NewApp(nil)
		stack := awscdk.NewStack(app, jsii.String("Fn"), nil)
		o := &FunctionOptions{Code: awslambda.Code_FromInline(jsii.String("x")), Runtime: awslambda.Runtime_PYTHON_3_13(), Handler: jsii.String("index.handler")}
		mod(stack, o)
		// Without the flow log and alarms: these tests look at the
		// function's resources only.
		if _, err := NewVpcLambda(stack, "VpcLambda", &VpcLambdaProps{Function: o,
			FlowLog: &FlowLogProps{Disabled: true}, Alarms: &AlarmProps{Disabled: true}}); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal((*assertions.Template_FromStack(stack, nil).ToJSON())["Resources"])
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func ofType(res map[string]map[string]interface{}, typ string) map[string]map[string]interface{} {
	out := map[string]map[string]interface{}{}
	for id, r := range res {
		if r["Type"] == typ {
			out[id] = r
		}
	}
	return out
}

func only(t *testing.T, res map[string]map[string]interface{}, typ string) (string, map[string]interface{}) {
	t.Helper()
	rs := ofType(res, typ)
	if len(rs) != 1 {
		t.Fatalf("want one %s, got %d", typ, len(rs))
	}
	for id, r := range rs {
		p, _ := r["Properties"].(map[string]interface{})
		return id, p
	}
	return "", nil
}

func js(v interface{}) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// A role of the user's gets the managed policy (once) and the deny; the
// function waits for the deny.
func TestUserRoleGetsPolicyAndDeny(t *testing.T) {
	for _, already := range []bool{false, true} {
		res := synthFunction(t, func(stack awscdk.Stack, o *FunctionOptions) {
			role := awsiam.NewRole(stack, jsii.String("Mine"), &awsiam.RoleProps{AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil)})
			if already {
				role.AddManagedPolicy(awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String(VpcLambdaExecutionPolicy)))
			}
			o.Role = role
		})
		roleID, role := only(t, res, "AWS::IAM::Role")
		if !strings.HasPrefix(roleID, "Mine") {
			t.Fatalf("the construct made a role of its own (%s) instead of using the user's", roleID)
		}
		if n := strings.Count(js(role["ManagedPolicyArns"]), "AWSLambdaVPCAccessExecutionRole"); n != 1 {
			t.Errorf("already=%v: want the managed policy once, got %d: %s", already, n, js(role["ManagedPolicyArns"]))
		}
		if n := len(ofType(res, "AWS::IAM::Policy")); n != 0 {
			t.Errorf("want no inline policy (IAMNoInlinePolicy), got %d", n)
		}
		var policyID string
		var policy map[string]interface{}
		for id, r := range ofType(res, "AWS::IAM::ManagedPolicy") {
			if p, _ := r["Properties"].(map[string]interface{}); p["Description"] == DenyPolicyDescription {
				policyID, policy = id, p
			}
		}
		if js(policy["Roles"]) != js([]interface{}{map[string]interface{}{"Ref": roleID}}) || policy["Description"] != DenyPolicyDescription {
			t.Errorf("deny policy not attached to the user's role: %s", js(policy))
		}
		doc := js(policy["PolicyDocument"])
		for _, want := range append([]string{`"Effect":"Deny"`, "lambda:SourceFunctionArn", `"Resource":"*"`}, DeniedEniActions...) {
			if !strings.Contains(doc, want) {
				t.Errorf("deny policy lacks %s: %s", want, doc)
			}
		}
		fnID, fn := only(t, res, "AWS::Lambda::Function")
		if js(fn["Role"]) != js(map[string]interface{}{"Fn::GetAtt": []interface{}{roleID, "Arn"}}) {
			t.Errorf("function %s does not use the user's role: %s", fnID, js(fn["Role"]))
		}
		if deps := js(res[fnID]["DependsOn"]); !strings.Contains(deps, policyID) {
			t.Errorf("function must depend on the deny policy %s, DependsOn %s", policyID, deps)
		}
	}
}

// A user's role keeps the cdk-nag suppressions its owner put on it; the
// construct adds its own (AwsSolutions-IAM4 for the managed policy) beside
// them instead of replacing the role's metadata.
func TestUserRoleKeepsItsSuppressions(t *testing.T) {
	res := synthFunction(t, func(stack awscdk.Stack, o *FunctionOptions) {
		role := awsiam.NewRole(stack, jsii.String("Mine"), &awsiam.RoleProps{AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil)})
		addSuppressions(role.Node().DefaultChild().(awscdk.CfnResource), NagSuppression{Rule: "AwsSolutions-IAM5", Reason: "the owner's own reason"})
		o.Role = role
	})
	roleID, _ := only(t, res, "AWS::IAM::Role")
	md := js(res[roleID]["Metadata"])
	for _, want := range []string{"AwsSolutions-IAM5", "the owner's own reason", "AwsSolutions-IAM4"} {
		if !strings.Contains(md, want) {
			t.Errorf("the role's cdk_nag metadata lacks %q: %s", want, md)
		}
	}
}

// A log group of the user's is used as it is: the construct creates none
// and no log-retention custom resource exists.
func TestUserLogGroup(t *testing.T) {
	res := synthFunction(t, func(stack awscdk.Stack, o *FunctionOptions) {
		o.LogGroup = awslogs.NewLogGroup(stack, jsii.String("MyLogs"), &awslogs.LogGroupProps{Retention: awslogs.RetentionDays_ONE_YEAR})
	})
	lgID, _ := only(t, res, "AWS::Logs::LogGroup")
	if !strings.HasPrefix(lgID, "MyLogs") {
		t.Fatalf("want only the user's log group, got %s", lgID)
	}
	_, fn := only(t, res, "AWS::Lambda::Function")
	if !strings.Contains(js(fn["LoggingConfig"]), lgID) {
		t.Errorf("function does not log to %s: %s", lgID, js(fn["LoggingConfig"]))
	}
	if len(ofType(res, "Custom::LogRetention")) != 0 {
		t.Error("a log-retention custom resource was created")
	}
}

// LogRetention and LogRemovalPolicy shape the construct's own log group,
// without aws-cdk's log-retention custom resource.
func TestLogRetentionOnOwnLogGroup(t *testing.T) {
	res := synthFunction(t, func(stack awscdk.Stack, o *FunctionOptions) {
		o.LogRetention = awslogs.RetentionDays_ONE_WEEK
		o.LogRemovalPolicy = awscdk.RemovalPolicy_RETAIN
	})
	lgID, lg := only(t, res, "AWS::Logs::LogGroup")
	if lg["RetentionInDays"] != 7.0 || res[lgID]["DeletionPolicy"] != "Retain" {
		t.Errorf("log group: retention %v, deletion policy %v", lg["RetentionInDays"], res[lgID]["DeletionPolicy"])
	}
	if len(ofType(res, "Custom::LogRetention")) != 0 || len(ofType(res, "AWS::Lambda::Function")) != 1 {
		t.Error("LogRetention must not create aws-cdk's log-retention custom resource (and its function)")
	}
}
