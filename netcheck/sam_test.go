package netcheck

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// samDoc parses a JSON document for the tests.
func samDoc(t *testing.T, s string) map[string]interface{} {
	t.Helper()
	var m map[string]interface{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("test document: %v", err)
	}
	return m
}

// samAt walks a dotted path ("Resources.Fn.Properties.Role"); list indexes
// are numbers.
func samAt(v interface{}, path string) (interface{}, bool) {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]interface{}:
			var ok bool
			if v, ok = x[k]; !ok {
				return nil, false
			}
		case []interface{}:
			i := -1
			if err := json.Unmarshal([]byte(k), &i); err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func samJSON(v interface{}) interface{} {
	var out interface{}
	b, _ := json.Marshal(v)
	_ = json.Unmarshal(b, &out)
	return out
}

const samFn = `"CodeUri": "s3://b/k", "Runtime": "python3.12", "Handler": "a.h"`

func samTestDoc(globals, resources string) string {
	g := ""
	if globals != "" {
		g = `"Globals": ` + globals + `,`
	}
	return `{"Transform": "AWS::Serverless-2016-10-31", "Conditions": {"C": {"Fn::Equals": ["a", "b"]}},
		"Parameters": {"Off": {"Type": "String", "Default": "Disabled"}, "On": {"Type": "String", "Default": "Active"}}, ` + g +
		`"Resources": ` + resources + `}`
}

func TestSAMRules(t *testing.T) {
	vpc := `"VpcConfig": {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}`
	basic := "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
	vpcArn := "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
	cases := []struct {
		name, doc string
		want      map[string]string // path -> JSON value; "-" means absent
	}{
		{"function becomes AWS::Lambda::Function with a generated role",
			samTestDoc("", `{"Fn": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`, "FunctionName": "f", `+vpc+`}}}`),
			map[string]string{
				"Resources.Fn.Type":                             `"AWS::Lambda::Function"`,
				"Resources.Fn.Properties.FunctionName":          `"f"`,
				"Resources.Fn.Properties.VpcConfig":             `{"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}`,
				"Resources.Fn.Properties.Role":                  `{"Fn::GetAtt": ["FnRole", "Arn"]}`,
				"Resources.FnRole.Type":                         `"AWS::IAM::Role"`,
				"Resources.FnRole.Properties.ManagedPolicyArns": `["` + basic + `", "` + vpcArn + `"]`,
				"Resources.FnRole.Properties.Policies":          "-",
				"Transform":                                     "-",
			}},
		{"no VpcConfig, no VPC access policy; empty VpcConfig is no VpcConfig for the role",
			samTestDoc("", `{"Fn": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`, "VpcConfig": {}}}}`),
			map[string]string{
				"Resources.FnRole.Properties.ManagedPolicyArns": `["` + basic + `"]`,
				"Resources.Fn.Properties.VpcConfig":             `{}`,
			}},
		{"Globals: maps merge, lists add (global first), primitives are overridden",
			samTestDoc(`{"Function": {"Timeout": 3, "Runtime": "python3.11", `+vpc+`, "Environment": {"Variables": {"A": "g", "B": "g"}}}}`,
				`{"Fn": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`, "VpcConfig": {"SubnetIds": ["subnet-2"]}, "Environment": {"Variables": {"B": "l"}}}}}`),
			map[string]string{
				"Resources.Fn.Properties.Runtime":     `"python3.12"`,
				"Resources.Fn.Properties.Timeout":     `3`,
				"Resources.Fn.Properties.VpcConfig":   `{"SubnetIds": ["subnet-1", "subnet-2"], "SecurityGroupIds": ["sg-1"]}`,
				"Resources.Fn.Properties.Environment": `{"Variables": {"A": "g", "B": "l"}}`,
				"Globals":                             "-",
			}},
		{"Globals: an intrinsic is a primitive: the resource's value wins whole",
			samTestDoc(`{"Function": {"VpcConfig": {"Fn::If": ["C", {"SubnetIds": ["subnet-9"]}, {"Ref": "AWS::NoValue"}]}}}`,
				`{"Fn": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`, "VpcConfig": {"SubnetIds": ["subnet-2"]}}},
				  "G": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`, "VpcConfig": {"SubnetIds": {"Ref": "Subnets"}}}},
				  "H": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`}}}`),
			map[string]string{
				"Resources.Fn.Properties.VpcConfig":            `{"SubnetIds": ["subnet-2"]}`,
				"Resources.G.Properties.VpcConfig":             `{"SubnetIds": {"Ref": "Subnets"}}`,
				"Resources.H.Properties.VpcConfig":             `{"Fn::If": ["C", {"SubnetIds": ["subnet-9"]}, {"Ref": "AWS::NoValue"}]}`,
				"Resources.HRole.Properties.ManagedPolicyArns": `["` + basic + `", "` + vpcArn + `"]`,
			}},
		{"Globals: a local null removes the global value; IgnoreGlobals list and *",
			samTestDoc(`{"Function": {`+vpc+`, "PermissionsBoundary": "arn:aws:iam::1:policy/b", "Timeout": 9}}`,
				`{"Null": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`, "VpcConfig": null}},
				  "Some": {"Type": "AWS::Serverless::Function", "IgnoreGlobals": ["VpcConfig"], "Properties": {`+samFn+`}},
				  "All": {"Type": "AWS::Serverless::Function", "IgnoreGlobals": "*", "Properties": {`+samFn+`}}}`),
			map[string]string{
				"Resources.Null.Properties.VpcConfig":               "-",
				"Resources.NullRole.Properties.ManagedPolicyArns":   `["` + basic + `"]`,
				"Resources.Some.Properties.VpcConfig":               "-",
				"Resources.SomeRole.Properties.PermissionsBoundary": `"arn:aws:iam::1:policy/b"`,
				"Resources.Some.Properties.Timeout":                 `9`,
				"Resources.AllRole.Properties.PermissionsBoundary":  "-",
				"Resources.All.Properties.Timeout":                  "-",
			}},
		{"attributes: Condition, DependsOn, Metadata kept; role gets Condition, not DependsOn",
			samTestDoc("", `{"Fn": {"Type": "AWS::Serverless::Function", "Condition": "C", "DependsOn": "T", "Metadata": {"m": 1}, "DeletionPolicy": "Retain", "Properties": {`+samFn+`}}, "T": {"Type": "AWS::SNS::Topic"}}`),
			map[string]string{
				"Resources.Fn.Condition":          `"C"`,
				"Resources.Fn.DependsOn":          `"T"`,
				"Resources.Fn.Metadata":           `{"m": 1}`,
				"Resources.Fn.DeletionPolicy":     `"Retain"`,
				"Resources.FnRole.Condition":      `"C"`,
				"Resources.FnRole.DeletionPolicy": `"Retain"`,
				"Resources.FnRole.DependsOn":      "-",
				"Resources.FnRole.Metadata":       `{"m": 1}`,
				"Resources.T":                     `{"Type": "AWS::SNS::Topic"}`,
			}},
		{"a given Role: no generated role",
			samTestDoc("", `{"Fn": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`, "Role": {"Fn::GetAtt": ["R", "Arn"]}}}}`),
			map[string]string{
				"Resources.Fn.Properties.Role": `{"Fn::GetAtt": ["R", "Arn"]}`,
				"Resources.FnRole":             "-",
			}},
		{"Role Fn::If with AWS::NoValue: the generated role on that branch only",
			samTestDoc("", `{"A": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`, "Role": {"Fn::If": ["C", {"Ref": "AWS::NoValue"}, "arn:r"]}}},
				"B": {"Type": "AWS::Serverless::Function", "Condition": "C", "Properties": {`+samFn+`, "Role": {"Fn::If": ["C", "arn:r", {"Ref": "AWS::NoValue"}]}}},
				"N": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`, "Role": {"Fn::If": ["C", "arn:r", "arn:s"]}}}}`),
			map[string]string{
				"Resources.A.Properties.Role": `{"Fn::If": ["C", {"Fn::GetAtt": ["ARole", "Arn"]}, "arn:r"]}`,
				"Resources.ARole.Condition":   `"C"`,
				"Resources.B.Properties.Role": `{"Fn::If": ["C", "arn:r", {"Fn::GetAtt": ["BRole", "Arn"]}]}`,
				"Resources.BRole.Condition":   `"NOTC"`,
				"Conditions.NOTC":             `{"Fn::Not": [{"Condition": "C"}]}`,
				"Resources.N.Properties.Role": `{"Fn::If": ["C", "arn:r", "arn:s"]}`,
				"Resources.NRole":             "-",
			}},
		{"Tracing adds X-Ray unless it resolves to Disabled; DurableConfig replaces the basic policy",
			samTestDoc("", `{"Off": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`, "Tracing": {"Ref": "Off"}}},
				"On": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`, "Tracing": {"Ref": "On"}, "DurableConfig": {"ExecutionTimeout": 60}}}}`),
			map[string]string{
				"Resources.OffRole.Properties.ManagedPolicyArns": `["` + basic + `"]`,
				"Resources.Off.Properties.TracingConfig":         "-",
				"Resources.OnRole.Properties.ManagedPolicyArns":  `["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicDurableExecutionRolePolicy", "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"]`,
				"Resources.On.Properties.TracingConfig":          `{"Mode": {"Ref": "On"}}`,
			}},
		{"Policies: a string; names map to ARNs, duplicates dropped, other names kept as written",
			samTestDoc("", `{"S": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`, "Policies": "AWSLambdaENIManagementAccess"}},
				"L": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`, `+vpc+`, "Policies": ["AWSLambdaVPCAccessExecutionRole", "AmazonS3ReadOnlyAccess", "arn:aws:iam::1:policy/p", {"Ref": "P"}, {"Fn::If": ["C", "AmazonEC2FullAccess", {"Ref": "AWS::NoValue"}]}]}}}`),
			map[string]string{
				"Resources.SRole.Properties.ManagedPolicyArns": `["` + basic + `", "arn:aws:iam::aws:policy/service-role/AWSLambdaENIManagementAccess"]`,
				"Resources.LRole.Properties.ManagedPolicyArns": `["` + basic + `", "` + vpcArn + `", "AmazonS3ReadOnlyAccess", "arn:aws:iam::1:policy/p", {"Ref": "P"}, {"Fn::If": ["C", "arn:aws:iam::aws:policy/AmazonEC2FullAccess", {"Ref": "AWS::NoValue"}]}]`,
			}},
		{"Policies: documents become inline policies named by their index",
			samTestDoc("", `{"Fn": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`, "Policies": ["AWSLambdaENIManagementAccess", {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]},
				{"Fn::If": ["C", {"Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}, {"Ref": "AWS::NoValue"}]}]}}}`),
			map[string]string{
				"Resources.FnRole.Properties.Policies": `[{"PolicyName": "FnRolePolicy1", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}},
					{"Fn::If": ["C", {"PolicyName": "FnRolePolicy2", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}}, {"Ref": "AWS::NoValue"}]}]`,
			}},
		{"policy templates: VPCAccessPolicy is written out; other templates add no statement",
			samTestDoc("", `{"Fn": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`, "Policies": [{"DynamoDBCrudPolicy": {"TableName": "t"}}, {"VPCAccessPolicy": {}},
				{"Fn::If": ["C", {"S3ReadPolicy": {"BucketName": "b"}}, {"VPCAccessPolicy": {}}]}, {"Fn::If": ["C", {"SQSPollerPolicy": {"QueueName": "q"}}, {"Ref": "AWS::NoValue"}]}]}}}`),
			map[string]string{
				"Resources.FnRole.Properties.Policies": `[{"PolicyName": "FnRolePolicy1", "PolicyDocument": {"Statement": [{"Action": ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DetachNetworkInterface"], "Effect": "Allow", "Resource": "*"}]}},
					{"Fn::If": ["C", {"Ref": "AWS::NoValue"}, {"PolicyName": "FnRolePolicy2", "PolicyDocument": {"Statement": [{"Action": ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DetachNetworkInterface"], "Effect": "Allow", "Resource": "*"}]}}]}]`,
			}},
		{"DeadLetterQueue: inline policy first; PermissionsBoundary, RolePath, AssumeRolePolicyDocument",
			samTestDoc("", `{"Fn": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`, "DeadLetterQueue": {"Type": "SNS", "TargetArn": "arn:t"}, "PermissionsBoundary": "arn:b", "RolePath": "/p/", "AssumeRolePolicyDocument": {"Statement": []}, "Policies": [{"Statement": []}]}}}`),
			map[string]string{
				"Resources.FnRole.Properties.Policies.0.PolicyName":                        `"DeadLetterQueuePolicy"`,
				"Resources.FnRole.Properties.Policies.0.PolicyDocument.Statement.0.Action": `"sns:Publish"`,
				"Resources.FnRole.Properties.Policies.1.PolicyName":                        `"FnRolePolicy0"`,
				"Resources.FnRole.Properties.PermissionsBoundary":                          `"arn:b"`,
				"Resources.FnRole.Properties.Path":                                         `"/p/"`,
				"Resources.FnRole.Properties.AssumeRolePolicyDocument":                     `{"Statement": []}`,
				"Resources.Fn.Properties.DeadLetterConfig":                                 `{"TargetArn": "arn:t"}`,
			}},
		{"events: pull sources add their managed policy; DocumentDB and Kafka in a VPC the ENI statement",
			samTestDoc("", `{"Fn": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`, "Events": {"Q": {"Type": "SQS", "Properties": {"Queue": "arn:q"}}, "M": {"Type": "MSK", "Properties": {"Stream": "arn:m", "StartingPosition": "LATEST", "Topics": ["t"]}},
				"D": {"Type": "DocumentDB", "Properties": {"Cluster": "arn:c", "DatabaseName": "d", "SourceAccessConfigurations": [{"Type": "BASIC_AUTH", "URI": "arn:s"}]}}}}}}`),
			map[string]string{
				"Resources.FnRole.Properties.ManagedPolicyArns":                              `["` + basic + `", "arn:aws:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole", "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"]`,
				"Resources.FnRole.Properties.Policies.0.PolicyName":                          `"SamAutoGeneratedDocumentDBPolicy"`,
				"Resources.FnRole.Properties.Policies.0.PolicyDocument.Statement.0.Action.0": `"ec2:CreateNetworkInterface"`,
			}},
		{"capacity provider: SAM resource, generated operator role, function config",
			samTestDoc(`{"CapacityProvider": {"VpcConfig": {"SubnetIds": ["subnet-g"], "SecurityGroupIds": ["sg-g"]}}}`,
				`{"Cp": {"Type": "AWS::Serverless::CapacityProvider", "Condition": "C", "Properties": {"VpcConfig": {"SubnetIds": ["subnet-1"]}}},
				  "Own": {"Type": "AWS::Serverless::CapacityProvider", "Properties": {"OperatorRole": "arn:aws:iam::1:role/op", "VpcConfig": {"SubnetIds": ["subnet-2"]}}},
				  "Fn": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`, "CapacityProviderConfig": {"Arn": {"Fn::GetAtt": ["Cp", "Arn"]}, "PerExecutionEnvironmentMaxConcurrency": 4}}}}`),
			map[string]string{
				"Resources.Cp.Type":                                     `"AWS::Lambda::CapacityProvider"`,
				"Resources.Cp.Condition":                                `"C"`,
				"Resources.Cp.Properties.VpcConfig":                     `{"SubnetIds": ["subnet-g", "subnet-1"], "SecurityGroupIds": ["sg-g"]}`,
				"Resources.Cp.Properties.PermissionsConfig":             `{"CapacityProviderOperatorRoleArn": {"Fn::GetAtt": ["CpOperatorRole", "Arn"]}}`,
				"Resources.CpOperatorRole.Condition":                    `"C"`,
				"Resources.CpOperatorRole.Properties.ManagedPolicyArns": `["arn:aws:iam::aws:policy/AWSLambdaManagedEC2ResourceOperator"]`,
				"Resources.Own.Properties.PermissionsConfig":            `{"CapacityProviderOperatorRoleArn": "arn:aws:iam::1:role/op"}`,
				"Resources.OwnOperatorRole":                             "-",
				"Resources.Fn.Properties.CapacityProviderConfig":        `{"LambdaManagedInstancesCapacityProviderConfig": {"CapacityProviderArn": {"Fn::GetAtt": ["Cp", "Arn"]}, "PerExecutionEnvironmentMaxConcurrency": 4}}`,
				"Resources.Fn.Properties.VpcConfig":                     "-",
				"Resources.FnRole.Properties.ManagedPolicyArns":         `["` + basic + `"]`,
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := samDoc(t, c.doc)
			before := samJSON(in)
			out, origin, err := expandSAM(in)
			if err != nil {
				t.Fatalf("expandSAM: %v", err)
			}
			if !reflect.DeepEqual(samJSON(in), before) {
				t.Errorf("expandSAM modified its input")
			}
			for path, want := range c.want {
				got, ok := samAt(out, path)
				if want == "-" {
					if ok {
						t.Errorf("%s = %s, want it absent", path, samShow(got))
					}
					continue
				}
				if !ok {
					t.Errorf("%s is absent, want %s", path, want)
					continue
				}
				var w interface{}
				if err := json.Unmarshal([]byte(want), &w); err != nil {
					t.Fatalf("bad want for %s: %v", path, err)
				}
				if !reflect.DeepEqual(samJSON(got), w) {
					t.Errorf("%s = %s, want %s", path, samShow(got), samShow(w))
				}
			}
			for id, r := range out["Resources"].(map[string]interface{}) {
				typ := r.(map[string]interface{})["Type"].(string)
				if strings.HasPrefix(typ, "AWS::Lambda::") || typ == "AWS::IAM::Role" {
					in := in["Resources"].(map[string]interface{})
					if _, orig := in[id]; orig && !strings.HasPrefix(in[id].(map[string]interface{})["Type"].(string), "AWS::Serverless::") {
						continue
					}
					if origin[id] == "" {
						t.Errorf("generated %s %s has no origin", typ, id)
					}
				}
			}
		})
	}
}

func TestSAMOrigin(t *testing.T) {
	out, origin, err := expandSAM(samDoc(t, samTestDoc("", `{"Fn": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`}},
		"Cp": {"Type": "AWS::Serverless::CapacityProvider", "Properties": {"VpcConfig": {"SubnetIds": ["subnet-1"]}}}, "T": {"Type": "AWS::SNS::Topic"}}`)))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Fn": "Fn", "FnRole": "Fn", "Cp": "Cp", "CpOperatorRole": "Cp"}
	if !reflect.DeepEqual(origin, want) {
		t.Errorf("origin = %v, want %v", origin, want)
	}
	if len(out["Resources"].(map[string]interface{})) != 5 {
		t.Errorf("resources: %v", samKeys(out["Resources"].(map[string]interface{})))
	}
}

func TestSAMWithoutTransformUnchanged(t *testing.T) {
	for _, tr := range []string{``, `"Transform": "AWS::LanguageExtensions",`, `"Transform": ["AWS::LanguageExtensions"],`} {
		doc := samDoc(t, `{`+tr+` "Globals": {"Function": {"Timeout": 3}}, "Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`}}}}`)
		before := samJSON(doc)
		out, origin, err := expandSAM(doc)
		if err != nil || len(origin) != 0 || !reflect.DeepEqual(samJSON(out), before) {
			t.Errorf("%s: got %s, %v, %v; want the document unchanged", tr, samShow(out), origin, err)
		}
	}
	// A list naming the SAM transform among others is expanded.
	out, _, err := expandSAM(samDoc(t, `{"Transform": ["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"], "Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {`+samFn+`}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if typ, _ := samAt(out, "Resources.Fn.Type"); typ != "AWS::Lambda::Function" {
		t.Errorf("Transform list with SAM: Fn is %v", typ)
	}
}

// samBadWant is what each refused template's error must name.
var samBadWant = map[string][]string{
	"capacity-no-arn.json":       {"resource Fn", "CapacityProviderConfig", "Arn", "fix:"},
	"capacity-no-vpc.json":       {"resource Cp", "VpcConfig", "fix:"},
	"duplicate-role.json":        {"resource Fn", "FnRole", "fix:"},
	"globals-not-map.json":       {"Globals", `["Function"]`, "fix:"},
	"globals-property.json":      {"Globals.Function.Role", "fix:"},
	"globals-section-value.json": {"Globals.Function", `["VpcConfig"]`, "fix:"},
	"globals-section.json":       {"Globals.Functions", "Function", "fix:"},
	"ignore-globals-value.json":  {"resource Fn", "IgnoreGlobals", `"VpcConfig"`, "fix:"},
	"ignore-globals.json":        {"resource Fn", "IgnoreGlobals", `"VpcConfig"`, "fix:"},
	"mixed-if.json":              {"resource Fn", "Policies[0]", "Fn::If", "fix:"},
	"policies-type.json":         {"resource Fn", "Policies", "42", "fix:"},
	"role-if-malformed.json":     {"Fn.Role", "Fn::If", "fix:"},
	"template-parameters.json":   {"resource Fn", "Policies[0]", "DynamoDBCrudPolicy", "TableName", "fix:"},
	"template-values.json":       {"resource Fn", "Policies[0]", "VPCAccessPolicy", `"yes"`, "fix:"},
	"unknown-property.json":      {"resource Fn", "VPCConfig", "fix:"},
	"unknown-template.json":      {"resource Fn", "Policies[1]", `{"VPCAccesPolicy":{}}`, "VPCAccessPolicy", "fix:"},
	"vpc-and-capacity.json":      {"resource Fn", "VpcConfig", "CapacityProviderConfig", "fix:"},
}

func samRead(t *testing.T, path string) map[string]interface{} {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return samDoc(t, string(b))
}

func TestSAMErrors(t *testing.T) {
	files, _ := filepath.Glob("testdata/sam/bad/*.json")
	if len(files) != len(samBadWant) {
		t.Errorf("%d refused templates, %d expectations", len(files), len(samBadWant))
	}
	for _, f := range files {
		_, _, err := expandSAM(samRead(t, f))
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("%s: err = %v, want an *InputError", f, err)
			continue
		}
		want, ok := samBadWant[filepath.Base(f)]
		if !ok {
			t.Errorf("%s: no expectation", f)
		}
		for _, w := range want {
			if !strings.Contains(ie.Msg, w) {
				t.Errorf("%s: error %q does not name %q", f, ie.Msg, w)
			}
		}
	}
}

// samReference expands the given files with the SAM translator through
// cfn-lint (testdata/sam/expand.py).
func samReference(t *testing.T, files []string) map[string]map[string]interface{} {
	t.Helper()
	missing := func(why string) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the SAM translator reference is required in CI: %s (install cfn-lint, which bundles it)", why)
		}
		t.Skipf("skipping the cross-check with the SAM translator: %s (install cfn-lint, which bundles it)", why)
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		missing("python3 is not installed")
	}
	cmd := exec.Command(py, append([]string{"testdata/sam/expand.py"}, files...)...)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 3 {
		missing("cfn-lint or samtranslator cannot be imported: " + strings.TrimSpace(string(b)))
	}
	if err != nil {
		t.Fatalf("expand.py: %v", err)
	}
	var res struct {
		Version string
		Results map[string]map[string]interface{}
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatalf("expand.py output: %v", err)
	}
	if res.Version != "1.110.0" {
		t.Logf("note: the reference is samtranslator %s; these rules follow 1.110.0", res.Version)
	}
	return res.Results
}

// samENIActions are the EC2 actions of Lambda's network interfaces
// (those of AWSLambdaVPCAccessExecutionRole and VPCAccessPolicy).
var samENIActions = []string{"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
	"ec2:DetachNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses", "ec2:DescribeSubnets"}

// samENIAction says whether an IAM action pattern matches one of them.
func samENIAction(a interface{}) bool {
	s, _ := a.(string)
	for _, act := range samENIActions {
		if samGlob(strings.ToLower(s), strings.ToLower(act)) {
			return true
		}
	}
	return false
}

// samGlob matches IAM's * and ? wildcards.
func samGlob(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if samGlob(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && samGlob(pattern[1:], s[1:])
	}
	return s != "" && s[0] == pattern[0] && samGlob(pattern[1:], s[1:])
}

// samProjectPolicy keeps of an inline policy its name and the statements
// with EC2 actions; nil when it has none.
func samProjectPolicy(p interface{}) interface{} {
	if samIsIf(p) {
		items := p.(map[string]interface{})["Fn::If"].([]interface{})
		a, b := samProjectPolicy(items[1]), samProjectPolicy(items[2])
		if a == nil && b == nil {
			return nil
		}
		none := map[string]interface{}{"Ref": "AWS::NoValue"}
		if a == nil {
			a = none
		}
		if b == nil {
			b = none
		}
		return map[string]interface{}{"Fn::If": []interface{}{items[0], a, b}}
	}
	m, ok := p.(map[string]interface{})
	if !ok {
		return nil
	}
	doc, _ := m["PolicyDocument"].(map[string]interface{})
	sts, ok := doc["Statement"].([]interface{})
	if !ok && doc["Statement"] != nil {
		sts = []interface{}{doc["Statement"]}
	}
	var keep []interface{}
	for _, s := range sts {
		sm, _ := s.(map[string]interface{})
		acts, ok := sm["Action"].([]interface{})
		if !ok {
			acts = []interface{}{sm["Action"]}
		}
		for _, a := range acts {
			if samENIAction(a) {
				keep = append(keep, map[string]interface{}{"Effect": sm["Effect"], "Action": sm["Action"], "Resource": sm["Resource"], "Condition": sm["Condition"]})
				break
			}
		}
	}
	if keep == nil {
		return nil
	}
	return map[string]interface{}{"PolicyName": m["PolicyName"], "Statements": keep}
}

// samManagedName writes an AWS managed policy that netcheck does not map
// (kept as written, where SAM's full map gives its ARN) by its name on both
// sides.
func samManagedName(v interface{}) interface{} {
	s, ok := v.(string)
	if !ok {
		if samIsIf(v) {
			items := v.(map[string]interface{})["Fn::If"].([]interface{})
			return map[string]interface{}{"Fn::If": []interface{}{items[0], samManagedName(items[1]), samManagedName(items[2])}}
		}
		return v
	}
	name := s
	if i := strings.LastIndex(s, "/"); strings.HasPrefix(s, "arn:aws:iam::aws:policy/") && i >= 0 {
		name = s[i+1:]
	}
	if _, mapped := samManagedPolicyPaths[name]; !mapped {
		return name
	}
	return s
}

// samView is what netcheck reads of an expanded template: the functions,
// roles and capacity providers, and every resource of the input that is not
// a SAM resource; of the resources SAM generates for events, APIs and
// aliases (which netcheck does not read, and expandSAM does not make), none.
func samView(doc, input map[string]interface{}) map[string]interface{} {
	inRes, _ := input["Resources"].(map[string]interface{})
	view := map[string]interface{}{"Conditions": doc["Conditions"], "Parameters": doc["Parameters"], "Outputs": doc["Outputs"], "Transform": doc["Transform"], "Globals": doc["Globals"]}
	res, _ := doc["Resources"].(map[string]interface{})
	for id, r := range res {
		rm := r.(map[string]interface{})
		p, _ := rm["Properties"].(map[string]interface{})
		v := map[string]interface{}{"Type": rm["Type"], "Condition": rm["Condition"]}
		switch rm["Type"] {
		case "AWS::Lambda::Function":
			for _, k := range []string{"VpcConfig", "Role", "CapacityProviderConfig", "FunctionName"} {
				v[k] = p[k]
			}
			v["DependsOn"], v["Metadata"] = rm["DependsOn"], rm["Metadata"]
		case "AWS::IAM::Role":
			var managed []interface{}
			arns, _ := p["ManagedPolicyArns"].([]interface{})
			for _, a := range arns {
				managed = append(managed, samManagedName(a))
			}
			var inline []interface{}
			pols, _ := p["Policies"].([]interface{})
			for _, pol := range pols {
				if x := samProjectPolicy(pol); x != nil {
					inline = append(inline, x)
				}
			}
			v["ManagedPolicyArns"], v["ENIPolicies"] = managed, inline
			v["PermissionsBoundary"], v["Path"] = p["PermissionsBoundary"], p["Path"]
		case "AWS::Lambda::CapacityProvider":
			v["VpcConfig"], v["PermissionsConfig"] = p["VpcConfig"], p["PermissionsConfig"]
		default:
			if _, given := inRes[id]; !given {
				continue
			}
			v["Properties"] = p
		}
		view[id] = v
	}
	return samJSON(view).(map[string]interface{})
}

// TestSAMCrossCheck compares expandSAM with the SAM translator on the
// templates under testdata/sam: what netcheck reads must be the same, and a
// template SAM refuses must be refused.
func TestSAMCrossCheck(t *testing.T) {
	good, _ := filepath.Glob("testdata/sam/*.json")
	bad, _ := filepath.Glob("testdata/sam/bad/*.json")
	if len(good) < 5 {
		t.Fatalf("only %d SAM templates under testdata/sam", len(good))
	}
	ref := samReference(t, append(append([]string{}, good...), bad...))
	for _, f := range good {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := ref[f]
			if r["errors"] != nil {
				t.Fatalf("the SAM translator refuses %s: %v", f, r["errors"])
			}
			input := samRead(t, f)
			mine, _, err := expandSAM(input)
			if err != nil {
				t.Fatalf("expandSAM: %v", err)
			}
			want, got := samView(r["template"].(map[string]interface{}), input), samView(mine, input)
			keys := map[string]bool{}
			for k := range want {
				keys[k] = true
			}
			for k := range got {
				keys[k] = true
			}
			var ks []string
			for k := range keys {
				ks = append(ks, k)
			}
			sort.Strings(ks)
			for _, k := range ks {
				if !reflect.DeepEqual(want[k], got[k]) {
					t.Errorf("%s:\n  SAM translator: %s\n  expandSAM:      %s", k, samShow(want[k]), samShow(got[k]))
				}
			}
		})
	}
	for _, f := range bad {
		if ref[f]["errors"] == nil {
			t.Errorf("%s: the SAM translator accepts it; it is not a refused template", f)
		}
		if _, _, err := expandSAM(samRead(t, f)); err == nil {
			t.Errorf("%s: expandSAM accepts what the SAM translator refuses: %v", f, ref[f]["errors"])
		}
	}
}

// TestSAMManagedPolicyTableChecked makes sure every managed policy name
// expandSAM maps is in testdata/sam/managed.json, which the cross-check
// expands with SAM's own map.
func TestSAMManagedPolicyTableChecked(t *testing.T) {
	doc := samRead(t, "testdata/sam/managed.json")
	pols, _ := samAt(doc, "Resources.AllMapped.Properties.Policies")
	listed := map[string]bool{}
	for _, p := range pols.([]interface{}) {
		listed[p.(string)] = true
	}
	for name := range samManagedPolicyPaths {
		if !listed[name] {
			t.Errorf("%s is mapped by expandSAM but not cross-checked: add it to testdata/sam/managed.json", name)
		}
	}
}
