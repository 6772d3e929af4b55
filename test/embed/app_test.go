package embed

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

func TestMain(m *testing.M) {
	os.Setenv("CDK_VALIDATION", "false") // cfn-lint checks the project's templates
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

func TestEmbeddedFunctionOptionsReachTheTemplate(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack, net, err := NewWorkerStack(app)
	if err != nil {
		t.Fatal(err)
	}
	tpl := assertions.Template_FromStack(stack, nil)
	var res map[string]map[string]interface{}
	b, _ := json.Marshal((*tpl.ToJSON())["Resources"])
	json.Unmarshal(b, &res)

	var fn map[string]interface{}
	var roleID string
	for id, r := range res {
		switch r["Type"] {
		case "AWS::Lambda::Function":
			fn = r["Properties"].(map[string]interface{})
		case "AWS::IAM::Role":
			trust, _ := json.Marshal(r["Properties"].(map[string]interface{})["AssumeRolePolicyDocument"])
			if !strings.Contains(string(trust), "lambda.amazonaws.com") {
				continue // the VPC flow log's role
			}
			if !strings.HasPrefix(id, "WorkerRole") {
				t.Errorf("the construct created a role of its own (%s) instead of using the given one", id)
			}
			roleID = id
		}
	}
	js := func(v interface{}) string { b, _ := json.Marshal(v); return string(b) }
	for what, got := range map[string][2]string{
		"MemorySize":                   {js(fn["MemorySize"]), "512"},
		"Timeout":                      {js(fn["Timeout"]), "45"},
		"TracingConfig":                {js(fn["TracingConfig"]), `{"Mode":"Active"}`},
		"ReservedConcurrentExecutions": {js(fn["ReservedConcurrentExecutions"]), "5"},
		"EphemeralStorage":             {js(fn["EphemeralStorage"]), `{"Size":1024}`},
		"Layers":                       {js(fn["Layers"]), `["arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension-Arm64:20"]`},
		"Environment":                  {js(fn["Environment"]), `{"Variables":{"QUEUE":"jobs"}}`},
		"Role":                         {js(fn["Role"]), `{"Fn::GetAtt":["` + roleID + `","Arn"]}`},
		"Architectures":                {js(fn["Architectures"]), `["arm64"]`},
	} {
		if got[0] != got[1] {
			t.Errorf("%s = %s, want %s", what, got[0], got[1])
		}
	}
	if lc := js(fn["LoggingConfig"]); !strings.Contains(lc, `"LogFormat":"JSON"`) {
		t.Errorf("LoggingConfig %s lacks the JSON log format", lc)
	}
	if vc := js(fn["VpcConfig"]); strings.Count(vc, "PrivateSubnet") != 3 {
		t.Errorf("VpcConfig must name the 3 private subnets: %s", vc)
	}
	tpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]interface{}{"RetentionInDays": 14})
	tpl.HasResourceProperties(jsii.String("AWS::EC2::VPC"), map[string]interface{}{
		"Tags": assertions.Match_ArrayWith(&[]interface{}{map[string]interface{}{"Key": "team", "Value": "platform"}}),
	})
	if got := *net.Node().Path(); got != "Worker/Egress" {
		t.Errorf("the construct's path is %q", got)
	}
}
