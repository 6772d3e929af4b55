// Package test holds the app's and the construct's tests: fine-grained
// template assertions, a snapshot, cdk-nag, cfn-lint and bad-input tests.
package test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/vpclambda/vpclambda/constructs/vpclambda"
	"github.com/vpclambda/vpclambda/internal/synthenv"
	"github.com/vpclambda/vpclambda/stacks"
)

func TestMain(m *testing.M) {
	// The jsii runtime starts while aws-cdk-go is initialized, so the
	// environment it needs is set by synthenv's init (imported above), not
	// here: aws-cdk-lib's built-in validation is off (the app's default),
	// and every template synthesized here is checked by cfn-lint instead
	// (TestCfnLint).
	if !synthenv.SkippedValidation && os.Getenv(synthenv.ValidationEnv) != "false" {
		fmt.Fprintln(os.Stderr, "note: CDK_VALIDATION is set: aws-cdk-lib's built-in validation runs in every synth")
	}
	// Checks that run in other processes start first and run beside the
	// in-process synths; the tests wait for their results.
	t0 := time.Now()
	timing := func(what string) {
		if os.Getenv("VPCLAMBDA_TEST_TIMING") != "" {
			fmt.Fprintf(os.Stderr, "%6.2f s %s\n", time.Since(t0).Seconds(), what)
		}
	}
	appRuns = start(runAppCases)
	// cfn-lint (the critical path) lints in two processes: one on the first
	// templates while the others are synthesized, one on the rest.
	var lints []*async[lintResult]
	names := variantNames()
	half := (len(names) + 1) / 2
	prepareFixtures(func(done int) {
		switch done {
		case half:
			lints = append(lints, start(func() lintResult { return runCfnLint(names[:half]) }))
		case len(names):
			lints = append(lints, start(func() lintResult { return runCfnLint(names[half:]) }))
		}
	})
	timing("fixtures synthesized")
	lint = start(func() lintResult {
		var all lintResult
		for _, l := range lints {
			r := l.wait()
			all.matches = append(all.matches, r.matches...)
			if r.err != nil && all.err == nil {
				all.err = r.err
			}
		}
		return all
	})
	go func() { appRuns.wait(); timing("app runs done") }()
	go func() { lint.wait(); timing("cfn-lint done") }()
	code := m.Run()
	timing("tests done")
	jsii.Close()
	if dir, ok := outRootDir.Load().(string); ok {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// fixture is one synthesized configuration, shared by every test that
// asserts on it (synthesizing is the expensive part).
type fixture struct {
	Name     string
	Stack    awscdk.Stack
	VL       *vpclambda.VpcLambda
	Template assertions.Template
	JSON     map[string]interface{}
	File     string // the template file in the cloud assembly
	Outdir   string // the cloud assembly
	err      error  // why it could not be synthesized
}

// hardenedGuardrails is the guardrail policy of the hardened variant.
var hardenedGuardrails *vpclambda.Guardrails

// fixtures are written once by prepareFixtures, before the tests run.
var fixtures = map[string]*fixture{}

// variants are the configurations every generic check (cfn-lint, cycles)
// runs on. Each builds its stack in a new app.
var variants = map[string]func(app awscdk.App) (awscdk.Stack, *vpclambda.VpcLambda, error){
	"app": func(app awscdk.App) (awscdk.Stack, *vpclambda.VpcLambda, error) {
		s, err := stacks.NewStack(app, stacks.DefaultStackName, nil)
		if err != nil {
			return nil, nil, err
		}
		return s.Stack, s.VpcLambda, nil
	},
	"threeAzs": constructVariant(&vpclambda.VpcLambdaProps{MaxAzs: jsii.Number(3)}),
	"natPerAz": func(app awscdk.App) (awscdk.Stack, *vpclambda.VpcLambda, error) {
		// Built here, not at package init: jsii calls start the runtime.
		return constructVariant(&vpclambda.VpcLambdaProps{
			MaxAzs: jsii.Number(3), NatGateways: jsii.Number(3), AllowedEgress: &[]awsec2.Port{awsec2.Port_Tcp(jsii.Number(443))},
		})(app)
	},
	"existingVpc": func(app awscdk.App) (awscdk.Stack, *vpclambda.VpcLambda, error) {
		stack := awscdk.NewStack(app, jsii.String("ExistingVpc"), nil)
		// The existing VPC stands for one made elsewhere. Under the
		// recommended feature flags aws-cdk's Vpc adds a Lambda-backed
		// custom resource that empties its default security group; it is
		// not part of what this variant tests, so it is left out here.
		vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{MaxAzs: jsii.Number(2), NatGateways: jsii.Number(1),
			RestrictDefaultSecurityGroup: jsii.Bool(false)})
		suppressEmbeddersVpc(vpc)
		vl, err := vpclambda.NewVpcLambda(stack, "VpcLambda", &vpclambda.VpcLambdaProps{
			Vpc:      vpc,
			Function: &vpclambda.FunctionOptions{Entry: jsii.String(handlerEntry())},
		})
		return stack, vl, err
	},
	// Every compliance option at once: a customer managed key for the log
	// groups, an encrypted TLS-only topic for the alarms, reserved
	// concurrency and a dead-letter queue, the guardrail policy.
	"hardened": func(app awscdk.App) (awscdk.Stack, *vpclambda.VpcLambda, error) {
		stack := awscdk.NewStack(app, jsii.String("Hardened"), nil)
		key := vpclambda.NewLogEncryptionKey(stack, "LogKey", awscdk.RemovalPolicy_DESTROY)
		topic := awssns.NewTopic(stack, jsii.String("Alarms"), &awssns.TopicProps{MasterKey: key, EnforceSSL: jsii.Bool(true)})
		dlq := awssqs.NewQueue(stack, jsii.String("DeadLetters"), &awssqs.QueueProps{
			EncryptionMasterKey: key, EnforceSSL: jsii.Bool(true), RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
		})
		cdknag.NagSuppressions_AddResourceSuppressions(dlq, &[]*cdknag.NagPackSuppression{{
			Id:     jsii.String("AwsSolutions-SQS3"),
			Reason: jsii.String("This queue is itself the function's dead-letter queue (Lambda's DeadLetterConfig); a dead-letter queue of a dead-letter queue would never be read."),
		}, {
			Id:     jsii.String("Serverless-SQSRedrivePolicy"),
			Reason: jsii.String("This queue is itself the function's dead-letter queue (Lambda's DeadLetterConfig); a redrive policy to another queue would never be read."),
		}}, nil)
		vl, err := vpclambda.NewVpcLambda(stack, "VpcLambda", &vpclambda.VpcLambdaProps{
			Function: &vpclambda.FunctionOptions{Entry: jsii.String(handlerEntry()), FunctionOptions: awslambda.FunctionOptions{
				ReservedConcurrentExecutions: jsii.Number(5), DeadLetterQueue: dlq,
			}},
			LogEncryptionKey: key,
			Alarms:           &vpclambda.AlarmProps{Topic: topic},
		})
		if err != nil {
			return nil, nil, err
		}
		hardenedGuardrails = vl.NewGuardrails(stack, "Guardrails")
		return stack, vl, nil
	},
	"natGatewayEips": func(app awscdk.App) (awscdk.Stack, *vpclambda.VpcLambda, error) {
		return constructVariant(&vpclambda.VpcLambdaProps{
			NatProvider:      vpclambda.NatGateways(&vpclambda.NatGatewayOptions{Count: jsii.Number(2), ElasticIpsPerGateway: jsii.Number(3)}),
			GatewayEndpoints: &[]vpclambda.GatewayEndpointService{},
		})(app)
	},
	"natInstances": func(app awscdk.App) (awscdk.Stack, *vpclambda.VpcLambda, error) {
		return constructVariant(&vpclambda.VpcLambdaProps{NatProvider: vpclambda.NatInstances(nil)})(app)
	},
	"regional": func(app awscdk.App) (awscdk.Stack, *vpclambda.VpcLambda, error) {
		return constructVariant(&vpclambda.VpcLambdaProps{NatProvider: vpclambda.RegionalNatGateway(nil)})(app)
	},
	"regionalManual": func(app awscdk.App) (awscdk.Stack, *vpclambda.VpcLambda, error) {
		return constructVariant(&vpclambda.VpcLambdaProps{MaxAzs: jsii.Number(3), NatProvider: vpclambda.RegionalNatGateway(&vpclambda.RegionalNatGatewayOptions{
			ElasticIpsPerAz: jsii.Number(2), MaxDrainDuration: awscdk.Duration_Seconds(jsii.Number(600)),
		})})(app)
	},
	// aws-cdk's own Vpc with public and isolated subnets and no NAT:
	// RegionalNatGateway adds the gateway and the isolated subnets' routes.
	"regionalExistingVpc": func(app awscdk.App) (awscdk.Stack, *vpclambda.VpcLambda, error) {
		stack := awscdk.NewStack(app, jsii.String("RegionalExistingVpc"), nil)
		vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{MaxAzs: jsii.Number(2), NatGateways: jsii.Number(0),
			SubnetConfiguration: &[]*awsec2.SubnetConfiguration{
				{Name: jsii.String("Public"), SubnetType: awsec2.SubnetType_PUBLIC},
				{Name: jsii.String("Isolated"), SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
			},
			RestrictDefaultSecurityGroup: jsii.Bool(false)})
		suppressEmbeddersVpc(vpc)
		vl, err := vpclambda.NewVpcLambda(stack, "VpcLambda", &vpclambda.VpcLambdaProps{
			Vpc:            vpc,
			PrivateSubnets: &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
			NatProvider:    vpclambda.RegionalNatGateway(nil),
			Function:       &vpclambda.FunctionOptions{Entry: jsii.String(handlerEntry())},
		})
		return stack, vl, err
	},
	"ipv6": func(app awscdk.App) (awscdk.Stack, *vpclambda.VpcLambda, error) {
		return constructVariant(&vpclambda.VpcLambdaProps{
			Ipv6: jsii.Bool(true), NatGateways: jsii.Number(2), AllowedEgress: &[]awsec2.Port{awsec2.Port_Tcp(jsii.Number(443))},
		})(app)
	},
	// The egress domain allow-list on a new VPC and on an existing one.
	"allowedDomains": func(app awscdk.App) (awscdk.Stack, *vpclambda.VpcLambda, error) {
		return constructVariant(&vpclambda.VpcLambdaProps{AllowedDomains: jsii.Strings(allowedDomains...)})(app)
	},
	"existingVpcAllowedDomains": func(app awscdk.App) (awscdk.Stack, *vpclambda.VpcLambda, error) {
		stack := awscdk.NewStack(app, jsii.String("ExistingVpcAllowList"), nil)
		vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{MaxAzs: jsii.Number(2), NatGateways: jsii.Number(1),
			RestrictDefaultSecurityGroup: jsii.Bool(false)})
		suppressEmbeddersVpc(vpc)
		vl, err := vpclambda.NewVpcLambda(stack, "VpcLambda", &vpclambda.VpcLambdaProps{
			Vpc:            vpc,
			Function:       &vpclambda.FunctionOptions{Entry: jsii.String(handlerEntry())},
			AllowedDomains: jsii.Strings(allowedDomains...),
		})
		return stack, vl, err
	},
	"severalFunctions": func(app awscdk.App) (awscdk.Stack, *vpclambda.VpcLambda, error) {
		stack, vl, err := constructVariant(&vpclambda.VpcLambdaProps{})(app)
		if err != nil {
			return nil, nil, err
		}
		for _, id := range []string{"Second", "Third"} {
			if _, err := vl.AddFunction(id, &vpclambda.FunctionOptions{Entry: jsii.String(handlerEntry()), FunctionOptions: awslambda.FunctionOptions{MemorySize: jsii.Number(256)}}); err != nil {
				return nil, nil, err
			}
		}
		return stack, vl, nil
	},
}

func constructVariant(props *vpclambda.VpcLambdaProps) func(app awscdk.App) (awscdk.Stack, *vpclambda.VpcLambda, error) {
	return func(app awscdk.App) (awscdk.Stack, *vpclambda.VpcLambda, error) {
		stack := awscdk.NewStack(app, jsii.String("Construct"), nil)
		p := *props
		p.Function = &vpclambda.FunctionOptions{Entry: jsii.String(handlerEntry())}
		vl, err := vpclambda.NewVpcLambda(stack, "VpcLambda", &p)
		return stack, vl, err
	}
}

func handlerEntry() string {
	e, err := stacks.HandlerEntry()
	if err != nil {
		panic(err)
	}
	return e
}

var outRootDir atomic.Value

// outRoot is the directory the fixtures' cloud assemblies are written to,
// removed when the tests end.
var outRoot = sync.OnceValue(func() string {
	dir, err := os.MkdirTemp("", "vpclambda-test-")
	if err != nil {
		panic(err)
	}
	outRootDir.Store(dir)
	return dir
})

// variantNames lists the variants in a stable order.
func variantNames() []string {
	var names []string
	for n := range variants {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// prepareFixtures synthesizes every variant once, before the tests run,
// calling done with the number synthesized so far after each.
func prepareFixtures(done func(int)) {
	for i, name := range variantNames() {
		f := &fixture{Name: name}
		outdir := filepath.Join(outRoot(), name)
		f.err = vpclambda.CatchJsii(func() {
			// The context users synthesize with: cdk.json's feature flags.
			ctx := cdkJSONContext()
			app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(outdir), Context: &ctx})
			// Every cdk-nag pack checks every variant (aspects run at
			// synth); the findings land in the cloud assembly, where
			// TestCdkNag and TestCompliancePacks read them.
			for _, pack := range nagPacks() {
				awscdk.Aspects_Of(app).Add(pack, nil)
			}
			var err error
			f.Stack, f.VL, err = variants[name](app)
			if err != nil {
				panic(err)
			}
			f.Template = assertions.Template_FromStack(f.Stack, nil) // also fails on a dependency cycle
			f.JSON = *f.Template.ToJSON()
			f.File = filepath.Join(outdir, *f.Stack.TemplateFile())
			f.Outdir = outdir
		})
		if f.err != nil {
			// With the recommended flags, error annotations (cdk-nag's
			// findings) fail the synth into a validation report: show it.
			if report, err := os.ReadFile(filepath.Join(outdir, "validation-report.json")); err == nil {
				f.err = fmt.Errorf("%v\n%s", f.err, report)
			}
		}
		fixtures[name] = f
		done(i + 1)
	}
}

// cdkJSONContext is the "context" of the repository's cdk.json (the
// feature flags the CLI passes to the app).
var cdkJSONContext = sync.OnceValue(func() map[string]interface{} {
	data, err := os.ReadFile(filepath.Join("..", "cdk.json"))
	if err != nil {
		panic(err)
	}
	var c struct {
		Context map[string]interface{} `json:"context"`
	}
	if err := json.Unmarshal(data, &c); err != nil {
		panic(fmt.Sprintf("cdk.json: %v", err))
	}
	return c.Context
})

// get returns the synthesized variant, failing the test if it could not be
// synthesized.
func get(t testing.TB, name string) *fixture {
	t.Helper()
	f, ok := fixtures[name]
	if !ok {
		t.Fatalf("no variant %q", name)
	}
	if f.err != nil {
		t.Fatalf("synthesizing %s: %v", name, f.err)
	}
	return f
}

// async is work started in the background; wait returns its result.
type async[T any] struct {
	done chan struct{}
	val  T
}

func start[T any](f func() T) *async[T] {
	a := &async[T]{done: make(chan struct{})}
	go func() {
		defer close(a.done)
		a.val = f()
	}()
	return a
}

func (a *async[T]) wait() T {
	<-a.done
	return a.val
}

// must runs f and turns a panic (how jsii reports an assertion failure or a
// CDK error) into a test failure instead of aborting the test binary.
func must(t testing.TB, f func()) {
	t.Helper()
	if err := vpclambda.CatchJsii(f); err != nil {
		t.Fatal(err)
	}
}

// resources returns the logical ids of the resources of a type, sorted.
func (f *fixture) resources(typ string) []string {
	var ids []string
	for id, r := range f.JSON["Resources"].(map[string]interface{}) {
		if r.(map[string]interface{})["Type"] == typ {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

func (f *fixture) resource(id string) map[string]interface{} {
	r, _ := f.JSON["Resources"].(map[string]interface{})[id].(map[string]interface{})
	return r
}

func (f *fixture) props(id string) map[string]interface{} {
	p, _ := f.resource(id)["Properties"].(map[string]interface{})
	return p
}

// dependsOn returns the explicit DependsOn of a resource.
func (f *fixture) dependsOn(id string) map[string]bool {
	out := map[string]bool{}
	switch d := f.resource(id)["DependsOn"].(type) {
	case string:
		out[d] = true
	case []interface{}:
		for _, x := range d {
			out[x.(string)] = true
		}
	}
	return out
}

// refs returns every logical id a value references with Ref or Fn::GetAtt.
func refs(v interface{}) map[string]bool {
	out := map[string]bool{}
	var walk func(interface{})
	walk = func(v interface{}) {
		switch x := v.(type) {
		case map[string]interface{}:
			if r, ok := x["Ref"].(string); ok && len(x) == 1 {
				out[r] = true
			}
			if g, ok := x["Fn::GetAtt"].([]interface{}); ok && len(x) == 1 && len(g) > 0 {
				if s, ok := g[0].(string); ok {
					out[s] = true
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []interface{}:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// ref returns the single logical id v refers to, or "".
func ref(v interface{}) string {
	r := refs(v)
	if len(r) != 1 {
		return ""
	}
	for k := range r {
		return k
	}
	return ""
}

// edges returns, for each resource, every resource it must be created
// after (references and DependsOn).
func (f *fixture) edges() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for id, r := range f.JSON["Resources"].(map[string]interface{}) {
		deps := refs(r.(map[string]interface{})["Properties"])
		for d := range f.dependsOn(id) {
			deps[d] = true
		}
		for d := range deps {
			if f.resource(d) == nil {
				delete(deps, d) // pseudo parameters, parameters
			}
		}
		out[id] = deps
	}
	return out
}

// after reports whether resource a is (transitively) created after b.
func (f *fixture) after(a, b string) bool {
	e := f.edges()
	seen := map[string]bool{}
	var visit func(string) bool
	visit = func(n string) bool {
		if n == b {
			return true
		}
		if seen[n] {
			return false
		}
		seen[n] = true
		for d := range e[n] {
			if visit(d) {
				return true
			}
		}
		return false
	}
	for d := range e[a] {
		if visit(d) {
			return true
		}
	}
	return false
}

func pretty(v interface{}) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

func contains(s string, subs ...string) error {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return fmt.Errorf("missing %q", sub)
		}
	}
	return nil
}
