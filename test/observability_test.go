package test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
)

func getAtt(id, attr string) map[string]interface{} {
	return map[string]interface{}{"Fn::GetAtt": []interface{}{id, attr}}
}

// TestFlowLog: the VPC's flow log records all traffic in the custom format
// to a log group kept as long as the function's, through a role only the
// flow log service of this account can assume and that can write only
// to that log group.
func TestFlowLog(t *testing.T) {
	for _, name := range []string{"app", "threeAzs", "natPerAz", "severalFunctions", "hardened"} {
		t.Run(name, func(t *testing.T) {
			f := get(t, name)
			logs := f.resources("AWS::EC2::FlowLog")
			if len(logs) != 1 {
				t.Fatalf("want one flow log, got %v", logs)
			}
			fl := f.props(logs[0])
			vpc := f.resources("AWS::EC2::VPC")[0]
			if !reflect.DeepEqual(fl["ResourceId"], getAtt(vpc, "VpcId")) || fl["ResourceType"] != "VPC" || fl["TrafficType"] != "ALL" ||
				fl["LogDestinationType"] != "cloud-watch-logs" {
				t.Errorf("flow log must record ALL traffic of the VPC to CloudWatch Logs: %s", pretty(fl))
			}
			if fl["LogFormat"] != vpclambda.FlowLogFormat() {
				t.Errorf("LogFormat = %v, want %s", fl["LogFormat"], vpclambda.FlowLogFormat())
			}
			for _, field := range []string{"${pkt-srcaddr}", "${pkt-dstaddr}", "${srcaddr}", "${dstaddr}", "${action}"} {
				if !strings.Contains(vpclambda.FlowLogFormat(), field) {
					t.Errorf("the flow log format lacks %s", field)
				}
			}
			lg := ref(fl["LogDestination"])
			if f.resource(lg)["Type"] != "AWS::Logs::LogGroup" || !reflect.DeepEqual(fl["LogDestination"], getAtt(lg, "Arn")) {
				t.Fatalf("LogDestination must be the stack's log group: %s", pretty(fl["LogDestination"]))
			}
			if lp := f.props(lg); lp["RetentionInDays"] != 30.0 || f.resource(lg)["DeletionPolicy"] != "Delete" {
				t.Errorf("flow log group: retention %v, deletion %v; want 30 days, Delete", lp["RetentionInDays"], f.resource(lg)["DeletionPolicy"])
			}
			role := ref(fl["DeliverLogsPermissionArn"])
			trust := pretty(f.props(role)["AssumeRolePolicyDocument"])
			if err := contains(trust, `"vpc-flow-logs.amazonaws.com"`, `"aws:SourceAccount"`, `":vpc-flow-log/*"`); err != nil || strings.Count(trust, `"Service"`) != 1 {
				t.Errorf("flow log role trust: %v\n%s", err, trust)
			}
			if f.props(role)["Policies"] != nil || f.props(role)["ManagedPolicyArns"] != nil {
				t.Errorf("flow log role must carry only its own managed policy: %s", pretty(f.props(role)))
			}
			var attached []string
			for _, mp := range f.resources("AWS::IAM::ManagedPolicy") {
				if roles, _ := f.props(mp)["Roles"].([]interface{}); len(roles) == 1 && ref(roles[0]) == role {
					attached = append(attached, mp)
				}
			}
			if len(attached) != 1 {
				t.Fatalf("want one policy on the flow log role, got %v", attached)
			}
			want := map[string]interface{}{"Version": "2012-10-17", "Statement": []interface{}{map[string]interface{}{
				"Sid": "WriteFlowLogRecords", "Effect": "Allow",
				"Action":   []interface{}{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"},
				"Resource": getAtt(lg, "Arn"),
			}}}
			if got := f.props(attached[0])["PolicyDocument"]; !reflect.DeepEqual(got, want) {
				t.Errorf("flow log permission:\n got %s\nwant %s", pretty(got), pretty(want))
			}
			if !f.dependsOn(logs[0])[attached[0]] {
				t.Errorf("the flow log must be created after its permission %s", attached[0])
			}
		})
	}
	t.Run("existingVpc", func(t *testing.T) {
		if got := get(t, "existingVpc").resources("AWS::EC2::FlowLog"); len(got) != 0 {
			t.Errorf("the construct must not add a flow log to an existing VPC: %v", got)
		}
	})
}

// TestFlowLogOptions: to S3, and off.
func TestFlowLogOptions(t *testing.T) {
	synth := func(mod func(stack awscdk.Stack, p *vpclambda.VpcLambdaProps)) (tpl assertions.Template, vl *vpclambda.VpcLambda) {
		must(t, func() {
			app := awscdk.NewApp(nil)
			stack := awscdk.NewStack(app, jsii.String("S"), nil)
			p := &vpclambda.VpcLambdaProps{Function: fn()}
			mod(stack, p)
			var err error
			if vl, err = vpclambda.NewVpcLambda(stack, "VpcLambda", p); err != nil {
				t.Fatal(err)
			}
			tpl = assertions.Template_FromStack(stack, nil)
		})
		return tpl, vl
	}
	tpl, vl := synth(func(stack awscdk.Stack, p *vpclambda.VpcLambdaProps) {
		p.FlowLog = &vpclambda.FlowLogProps{Bucket: awss3.Bucket_FromBucketName(stack, jsii.String("Logs"), jsii.String("my-flow-logs"))}
	})
	must(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::EC2::FlowLog"), map[string]interface{}{
			"LogDestinationType": "s3", "TrafficType": "ALL", "LogFormat": vpclambda.FlowLogFormat(),
			"LogDestination":           map[string]interface{}{"Fn::Join": []interface{}{"", []interface{}{"arn:", map[string]interface{}{"Ref": "AWS::Partition"}, ":s3:::my-flow-logs"}}},
			"DeliverLogsPermissionArn": assertions.Match_Absent(),
		})
		tpl.ResourceCountIs(jsii.String("AWS::Logs::LogGroup"), jsii.Number(1)) // the function's only
		tpl.ResourceCountIs(jsii.String("AWS::IAM::Role"), jsii.Number(1))
	})
	if vl.FlowLog == nil || vl.FlowLog.LogGroup != nil || vl.FlowLog.Role != nil {
		t.Errorf("an S3 flow log exposes only the flow log: %+v", vl.FlowLog)
	}
	tpl, vl = synth(func(_ awscdk.Stack, p *vpclambda.VpcLambdaProps) {
		p.FlowLog = &vpclambda.FlowLogProps{Disabled: true}
		p.Alarms = &vpclambda.AlarmProps{Disabled: true}
	})
	must(t, func() {
		tpl.ResourceCountIs(jsii.String("AWS::EC2::FlowLog"), jsii.Number(0))
		tpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Alarm"), jsii.Number(0))
		tpl.ResourceCountIs(jsii.String("AWS::IAM::Role"), jsii.Number(1))
	})
	if vl.FlowLog != nil || vl.Alarms != nil {
		t.Error("disabled flow log and alarms must be nil on the construct")
	}
}

// TestNatAlarms: two alarms per NAT gateway with AWS's recommended
// thresholds, actions only with a topic.
func TestNatAlarms(t *testing.T) {
	for _, name := range []string{"app", "natPerAz", "hardened"} {
		t.Run(name, func(t *testing.T) {
			f := get(t, name)
			nats := f.resources("AWS::EC2::NatGateway")
			alarms := f.resources("AWS::CloudWatch::Alarm")
			if len(alarms) != 2*len(nats) || len(f.VL.Alarms.All) != len(alarms) ||
				len(f.VL.Alarms.ErrorPortAllocation) != len(nats) || len(f.VL.Alarms.PacketsDropped) != len(nats) {
				t.Fatalf("want two alarms per NAT gateway (%d), got %v", len(nats), alarms)
			}
			watched := map[string]int{}
			for _, a := range alarms {
				p := f.props(a)
				if p["ComparisonOperator"] != "GreaterThanThreshold" || p["TreatMissingData"] != "notBreaching" {
					t.Errorf("%s: %s", a, pretty(p))
				}
				switch {
				case p["MetricName"] == "ErrorPortAllocation":
					if p["Namespace"] != "AWS/NATGateway" || p["Statistic"] != "Sum" || p["Period"] != 60.0 || p["Threshold"] != 0.0 ||
						p["EvaluationPeriods"] != 15.0 || p["DatapointsToAlarm"] != 15.0 {
						t.Errorf("%s: ErrorPortAllocation alarm: %s", a, pretty(p))
					}
					watched[ref(p["Dimensions"].([]interface{})[0].(map[string]interface{})["Value"])+"/ports"]++
				case p["Metrics"] != nil:
					ms := p["Metrics"].([]interface{})
					if len(ms) != 4 || ms[0].(map[string]interface{})["Expression"] != "100 * drop / (fromSource + fromDestination)" ||
						p["Threshold"] != vpclambda.PacketsDropPercent || p["EvaluationPeriods"] != 5.0 || p["DatapointsToAlarm"] != 5.0 {
						t.Errorf("%s: dropped-packets alarm: %s", a, pretty(p))
					}
					for _, m := range ms[1:] {
						st := m.(map[string]interface{})["MetricStat"].(map[string]interface{})
						metric := st["Metric"].(map[string]interface{})
						if metric["Namespace"] != "AWS/NATGateway" || st["Stat"] != "Sum" || st["Period"] != 60.0 {
							t.Errorf("%s: %s", a, pretty(m))
						}
						watched[ref(metric["Dimensions"].([]interface{})[0].(map[string]interface{})["Value"])+"/"+metric["MetricName"].(string)]++
					}
				default:
					t.Errorf("unexpected alarm %s: %s", a, pretty(p))
				}
				actions := p["AlarmActions"]
				if name == "hardened" {
					topic := f.resources("AWS::SNS::Topic")[0]
					want := []interface{}{map[string]interface{}{"Ref": topic}}
					if !reflect.DeepEqual(actions, want) || !reflect.DeepEqual(p["OKActions"], want) {
						t.Errorf("%s: actions %s / %s, want the topic", a, pretty(actions), pretty(p["OKActions"]))
					}
				} else if actions != nil || p["OKActions"] != nil {
					t.Errorf("%s: no topic, so no actions: %s", a, pretty(actions))
				}
			}
			for _, nat := range nats {
				for _, k := range []string{"/ports", "/PacketsDropCount", "/PacketsInFromSource", "/PacketsInFromDestination"} {
					if watched[nat+k] != 1 {
						t.Errorf("NAT gateway %s: %s watched %d times, want once", nat, k, watched[nat+k])
					}
				}
			}
		})
	}
}

// TestGuardrails compares the guardrail statements with the policy they
// must be, exactly.
func TestGuardrails(t *testing.T) {
	f := get(t, "hardened")
	vpc := f.resources("AWS::EC2::VPC")[0]
	sg := f.resources("AWS::EC2::SecurityGroup")[0]
	var subnets []interface{}
	for _, s := range f.resources("AWS::EC2::Subnet") {
		if strings.Contains(s, "Private") {
			subnets = append(subnets, getAtt(s, "SubnetId"))
		}
	}
	actions := []interface{}{"lambda:CreateFunction", "lambda:UpdateFunctionConfiguration"}
	stmt := func(sid, effect string, cond map[string]interface{}) map[string]interface{} {
		return map[string]interface{}{"Sid": sid, "Effect": effect, "Action": actions, "Resource": "*", "Condition": cond}
	}
	sgs := []interface{}{getAtt(sg, "GroupId")}
	want := []interface{}{
		stmt("DenyFunctionsOutsideAVpc", "Deny", map[string]interface{}{"Null": map[string]interface{}{"lambda:VpcIds": "true"}}),
		stmt("AllowFunctionsOnlyInThisNetwork", "Allow", map[string]interface{}{
			"StringEquals":              map[string]interface{}{"lambda:VpcIds": getAtt(vpc, "VpcId")},
			"ForAllValues:StringEquals": map[string]interface{}{"lambda:SubnetIds": subnets, "lambda:SecurityGroupIds": sgs},
		}),
		stmt("DenyFunctionsInOtherVpcs", "Deny", map[string]interface{}{"StringNotEquals": map[string]interface{}{"lambda:VpcIds": getAtt(vpc, "VpcId")}}),
		stmt("DenyFunctionsInOtherSubnets", "Deny", map[string]interface{}{"ForAnyValue:StringNotEquals": map[string]interface{}{"lambda:SubnetIds": subnets}}),
		stmt("DenyFunctionsWithOtherSecurityGroups", "Deny", map[string]interface{}{"ForAnyValue:StringNotEquals": map[string]interface{}{"lambda:SecurityGroupIds": sgs}}),
	}
	// The exported statements are the policy's, in its order.
	var sids []string
	must(t, func() {
		for _, st := range hardenedGuardrails.Statements() {
			sids = append(sids, *st.Sid())
		}
	})
	var wantSids []string
	for _, w := range want {
		wantSids = append(wantSids, w.(map[string]interface{})["Sid"].(string))
	}
	if !reflect.DeepEqual(sids, wantSids) {
		t.Errorf("Statements() = %v, want %v", sids, wantSids)
	}
	policies := f.resources("AWS::IAM::ManagedPolicy")
	found := false
	for _, p := range policies {
		doc := f.props(p)["PolicyDocument"]
		if strings.Contains(pretty(doc), "DenyFunctionsOutsideAVpc") {
			found = true
			wantDoc := map[string]interface{}{"Version": "2012-10-17", "Statement": want}
			if pretty(doc) != pretty(wantDoc) {
				t.Errorf("guardrail policy %s:\n got %s\nwant %s", p, pretty(doc), pretty(wantDoc))
			}
			if f.props(p)["Roles"] != nil {
				t.Errorf("the guardrail policy is attached by its user, not by the construct: %s", pretty(f.props(p)["Roles"]))
			}
		}
	}
	if !found {
		t.Errorf("no guardrail policy among %v", policies)
	}
	if get(t, "app").JSON["Outputs"].(map[string]interface{})["GuardrailPolicyArn"] != nil {
		t.Error("the app creates the guardrail policy only with -c guardrails=true")
	}
}

// TestLogEncryption: with LogEncryptionKey every log group of the construct
// uses the key, whose policy lets CloudWatch Logs of this account use it.
func TestLogEncryption(t *testing.T) {
	f := get(t, "hardened")
	keys := f.resources("AWS::KMS::Key")
	if len(keys) != 1 {
		t.Fatalf("want one key, got %v", keys)
	}
	kp := f.props(keys[0])
	if kp["EnableKeyRotation"] != true {
		t.Error("the key must rotate")
	}
	if err := contains(pretty(kp["KeyPolicy"]), `"kms:EncryptionContext:aws:logs:arn"`, `"logs.`, `"kms:GenerateDataKey*"`); err != nil {
		t.Errorf("key policy: %v\n%s", err, pretty(kp["KeyPolicy"]))
	}
	groups := f.resources("AWS::Logs::LogGroup")
	if len(groups) != 2 {
		t.Fatalf("want the function's and the flow log's log groups, got %v", groups)
	}
	for _, lg := range groups {
		if !reflect.DeepEqual(f.props(lg)["KmsKeyId"], getAtt(keys[0], "Arn")) {
			t.Errorf("%s: KmsKeyId = %v, want the key", lg, pretty(f.props(lg)["KmsKeyId"]))
		}
	}
	for _, lg := range get(t, "app").resources("AWS::Logs::LogGroup") {
		if get(t, "app").props(lg)["KmsKeyId"] != nil {
			t.Errorf("%s: no key unless one is given", lg)
		}
	}
}

// TestTracing: every function is traced (ACTIVE by default), its X-Ray
// permission in a customer managed policy on its role, created before it.
func TestTracing(t *testing.T) {
	for _, name := range []string{"app", "severalFunctions", "existingVpc", "hardened"} {
		t.Run(name, func(t *testing.T) {
			f := get(t, name)
			for _, fn := range f.resources("AWS::Lambda::Function") {
				p := f.props(fn)
				if !reflect.DeepEqual(p["TracingConfig"], map[string]interface{}{"Mode": "Active"}) {
					t.Errorf("%s: TracingConfig = %s, want Active", fn, pretty(p["TracingConfig"]))
				}
				role := ref(p["Role"])
				want := map[string]interface{}{"Version": "2012-10-17", "Statement": []interface{}{map[string]interface{}{
					"Sid": "SendTraces", "Effect": "Allow", "Action": []interface{}{"xray:PutTelemetryRecords", "xray:PutTraceSegments"}, "Resource": "*",
				}}}
				var found []string
				for _, mp := range f.resources("AWS::IAM::ManagedPolicy") {
					roles, _ := f.props(mp)["Roles"].([]interface{})
					if len(roles) == 1 && ref(roles[0]) == role && reflect.DeepEqual(f.props(mp)["PolicyDocument"], want) {
						found = append(found, mp)
					}
				}
				if len(found) != 1 || !f.dependsOn(fn)[found[0]] {
					t.Errorf("%s: want one tracing policy on %s that the function waits for, got %v", fn, role, found)
				}
			}
			inline := f.resources("AWS::IAM::Policy")
			if name == "hardened" {
				// The one the embedder's dead-letter queue brings: aws-cdk's
				// grant, scoped to the queue.
				if len(inline) != 1 || !strings.Contains(pretty(f.props(inline[0])["PolicyDocument"]), `"sqs:SendMessage"`) {
					t.Errorf("want only the dead-letter queue's grant inline, got %v", inline)
				}
			} else if len(inline) != 0 {
				t.Errorf("want no inline policy (IAMNoInlinePolicy), got %v", inline)
			}
		})
	}
}

// TestHardenedFunction: reserved concurrency and a dead-letter queue flow
// through FunctionOptions, and the construct then suppresses nothing about
// them: the packs find them configured.
func TestHardenedFunction(t *testing.T) {
	f := get(t, "hardened")
	fn := f.resources("AWS::Lambda::Function")[0]
	p := f.props(fn)
	queue := f.resources("AWS::SQS::Queue")[0]
	if p["ReservedConcurrentExecutions"] != 5.0 || !reflect.DeepEqual(p["DeadLetterConfig"], map[string]interface{}{"TargetArn": getAtt(queue, "Arn")}) {
		t.Errorf("%s: reserved concurrency %v, dead-letter config %s", fn, p["ReservedConcurrentExecutions"], pretty(p["DeadLetterConfig"]))
	}
	for _, s := range vpclambda.Suppressions(f.VL.Function.Function.Node().DefaultChild().(awscdk.CfnResource)) {
		if strings.Contains(s.Rule, "LambdaDLQ") || strings.Contains(s.Rule, "LambdaConcurrency") {
			t.Errorf("%s is suppressed although the option is set", s.Rule)
		}
	}
	for _, r := range nagReport(t, f, "NIST.800.53.R5") {
		if (r.rule == "NIST.800.53.R5-LambdaDLQ" || r.rule == "NIST.800.53.R5-LambdaConcurrency") && r.compliance != "Compliant" {
			t.Errorf("%s on %s: %s", r.rule, r.resource, r.compliance)
		}
	}
	// The app's function: both left at their defaults, each suppression
	// naming the option that changes it.
	app := get(t, "app")
	rules := map[string]string{}
	for _, s := range vpclambda.Suppressions(app.VL.Function.Function.Node().DefaultChild().(awscdk.CfnResource)) {
		rules[s.Rule] = s.Reason
	}
	for rule, option := range map[string]string{"NIST.800.53.R5-LambdaDLQ": "FunctionOptions.DeadLetterQueue", "Serverless-LambdaDLQ": "FunctionOptions.DeadLetterQueue",
		"HIPAA.Security-LambdaConcurrency": "FunctionOptions.ReservedConcurrentExecutions"} {
		if !strings.Contains(rules[rule], option) {
			t.Errorf("suppression of %s must name %s: %q", rule, option, rules[rule])
		}
	}
}

// TestNatInstanceAlarms: one status-check alarm per NAT instance, through
// the same Add as the NAT gateways' alarms.
func TestNatInstanceAlarms(t *testing.T) {
	f := get(t, "natInstances")
	instances := f.resources("AWS::EC2::Instance")
	alarms := f.resources("AWS::CloudWatch::Alarm")
	if len(instances) == 0 || len(alarms) != len(instances) || len(f.VL.Alarms.StatusCheckFailed) != len(instances) {
		t.Fatalf("want one alarm per NAT instance %v, got %v", instances, alarms)
	}
	watched := map[string]bool{}
	for _, a := range alarms {
		p := f.props(a)
		if p["Namespace"] != "AWS/EC2" || p["MetricName"] != "StatusCheckFailed" || p["Statistic"] != "Maximum" || p["Period"] != 60.0 ||
			p["Threshold"] != 1.0 || p["ComparisonOperator"] != "GreaterThanOrEqualToThreshold" || p["EvaluationPeriods"] != 2.0 ||
			p["DatapointsToAlarm"] != 2.0 || p["TreatMissingData"] != "breaching" {
			t.Errorf("%s: %s", a, pretty(p))
		}
		dims := p["Dimensions"].([]interface{})
		d := dims[0].(map[string]interface{})
		if len(dims) != 1 || d["Name"] != "InstanceId" {
			t.Errorf("%s: dimensions %s", a, pretty(dims))
		}
		watched[ref(d["Value"])] = true
	}
	for _, i := range instances {
		if !watched[i] {
			t.Errorf("NAT instance %s has no status-check alarm", i)
		}
	}
}
