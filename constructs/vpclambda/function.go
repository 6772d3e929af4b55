package vpclambda

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"
)

// functionPlan is a validated FunctionOptions: what attach needs to create
// the function, its role and its log group.
type functionPlan struct {
	opts    *FunctionOptions
	code    awslambda.Code
	runtime awslambda.Runtime
	handler *string
	arch    awslambda.Architecture
	memory  float64
	timeout awscdk.Duration
	name    string
	// role is the user's role (Role), nil when the construct creates one.
	role awsiam.Role
	// logGroup is the user's log group (LogGroup), nil when the construct
	// creates one with retention and removalPolicy.
	logGroup      awslogs.ILogGroup
	retention     awslogs.RetentionDays
	removalPolicy awscdk.RemovalPolicy
}

// ownedOptions are the embedded awslambda.FunctionOptions the construct
// decides itself, with what to use instead. Setting one is an error: it
// would otherwise be silently overridden.
var ownedOptions = map[string]struct{ why, fix string }{
	"Vpc": {"is decided by the construct (the function is attached to its VPC)",
		"set VpcLambdaProps.Vpc to use an existing VPC, or leave both unset for the reference network"},
	"VpcSubnets": {"is decided by the construct (every function uses its private subnets)",
		"set VpcLambdaProps.PrivateSubnets (with VpcLambdaProps.Vpc)"},
	"SecurityGroups": {"is decided by the construct (its functions share VpcLambda.SecurityGroup: Lambda reuses one network interface per subnet and security group)",
		"restrict egress with VpcLambdaProps.AllowedEgress, or add rules to VpcLambda.SecurityGroup"},
	"AllowPublicSubnet": {"would allow a public subnet, where a function gets no public IP and no internet access",
		"leave it unset: the construct attaches functions to private subnets routed to a NAT"},
	"AllowAllOutbound": {"is decided by the construct's security group",
		"leave it unset for all outbound traffic, or list ports in VpcLambdaProps.AllowedEgress"},
	"AllowAllIpv6Outbound": {"is decided by the construct's security group",
		"leave it unset; egress is set with VpcLambdaProps.AllowedEgress"},
	"Ipv6AllowedForDualStack": {"depends on the subnets' address families, which the construct decides",
		"leave it unset"},
	"LogRetention": {"is deprecated in aws-cdk-lib and would create its log-retention custom resource",
		"set vpclambda.FunctionOptions.LogRetention (outside the embedded awslambda.FunctionOptions), or give LogGroup"},
	"LogRemovalPolicy": {"is deprecated in aws-cdk-lib",
		"set vpclambda.FunctionOptions.LogRemovalPolicy (outside the embedded awslambda.FunctionOptions), or give LogGroup"},
	"LogRetentionRole": {"configures aws-cdk's log-retention custom resource, which the construct never creates (it owns the function's log group)",
		"leave it unset; LogRetention sets the retention of the construct's log group"},
	"LogRetentionRetryOptions": {"configures aws-cdk's log-retention custom resource, which the construct never creates (it owns the function's log group)",
		"leave it unset; LogRetention sets the retention of the construct's log group"},
}

// handledOptions are the embedded options that planFunction validates and
// attach applies itself (not copied as they are).
var handledOptions = map[string]bool{
	"Architecture": true, "FunctionName": true, "MemorySize": true, "Timeout": true, "Role": true,
	"LogGroup": true, "Environment": true,
}

// reservedEnvironment are the environment variables Lambda sets itself and
// refuses in a function's configuration.
var reservedEnvironment = []string{
	"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
	"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
	"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
	"AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
}

// MaxEnvironmentBytes is Lambda's limit on the total size of a function's
// environment variables (keys and values).
const MaxEnvironmentBytes = 4096

var (
	functionNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	envNameRe      = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]+$`)
)

// planFunction validates one FunctionOptions; prop is its name in errors.
func planFunction(ps *problems, prop string, o *FunctionOptions, defaultName string) *functionPlan {
	if o == nil {
		ps.add(prop, "<unset>", "is required", prop+": &vpclambda.FunctionOptions{Entry: jsii.String(\"path/to/handler\")}")
		return nil
	}
	fp := &functionPlan{opts: o, runtime: o.Runtime, handler: o.Handler, arch: o.Architecture, timeout: o.Timeout}
	checkOwnedOptions(ps, prop, &o.FunctionOptions)
	fp.planCode(ps, prop)
	fp.memory = float64(wholeNumber(ps, prop+".MemorySize", o.MemorySize, DefaultMemorySize, MinMemorySize, MaxMemorySize,
		fmt.Sprintf("use %d to %d MB", MinMemorySize, MaxMemorySize)))
	fp.planTimeout(ps, prop)
	fp.name = defaultName
	if o.FunctionName != nil {
		if unresolved(o.FunctionName) || !functionNameRe.MatchString(*o.FunctionName) {
			ps.add(prop+".FunctionName", show(o.FunctionName), "must be 1 to 64 letters, digits, hyphens or underscores, known at synth time",
				"use a literal name such as \"my-function\", or leave it unset for a generated one")
		} else {
			fp.name = *o.FunctionName
		}
	}
	fp.planRole(ps, prop)
	fp.planLogs(ps, prop)
	checkEnvironment(ps, prop+".Environment", o.Environment)
	return fp
}

// checkOwnedOptions rejects every embedded option the construct decides.
func checkOwnedOptions(ps *problems, prop string, o *awslambda.FunctionOptions) {
	v := reflect.ValueOf(o).Elem()
	var names []string
	for name := range ownedOptions {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		f := v.FieldByName(name)
		if !f.IsValid() || f.IsZero() {
			continue
		}
		value := "set"
		switch x := f.Interface().(type) {
		case *bool:
			value = fmt.Sprint(*x)
		case awslogs.RetentionDays:
			value = string(x)
		case awscdk.RemovalPolicy:
			value = string(x)
		}
		path := prop + "." + name
		if name == "LogRetention" || name == "LogRemovalPolicy" {
			path = prop + ".FunctionOptions." + name // shadowed by this package's own field
		}
		ps.add(path, value, ownedOptions[name].why, ownedOptions[name].fix)
	}
}

func (fp *functionPlan) planCode(ps *problems, prop string) {
	o := fp.opts
	if fp.runtime == nil {
		fp.runtime = awslambda.Runtime_PROVIDED_AL2023()
	}
	if fp.handler == nil {
		fp.handler = jsii.String(DefaultHandler)
	} else if strings.TrimSpace(*fp.handler) == "" {
		ps.add(prop+".Handler", show(o.Handler), "is empty", `leave it unset for "bootstrap", or name the handler`)
	}
	if fp.arch == nil {
		fp.arch = awslambda.Architecture_ARM_64()
	}
	switch {
	case o.Entry != nil && o.Code != nil:
		ps.add(prop+".Entry", show(o.Entry), "is set together with Code", "set only one of Entry (a Go handler built locally) and Code")
	case o.Entry == nil && o.Code == nil:
		ps.add(prop+".Entry", "<unset>", "neither Entry nor Code is set: the function has no code", "set Entry to a Go main package directory, or Code")
	case o.Entry != nil:
		abs, _ := filepath.Abs(*o.Entry)
		st, err := os.Stat(abs)
		if err != nil || !st.IsDir() {
			ps.add(prop+".Entry", show(o.Entry), fmt.Sprintf("is not a directory (resolved to %s)", abs),
				"give the directory of the handler's Go main package; relative paths are resolved against the app's working directory")
		} else if name := *fp.runtime.Name(); !strings.HasPrefix(name, "provided") {
			ps.add(prop+".Runtime", fmt.Sprintf("%q", name), "cannot run the bootstrap binary built from Entry",
				"use awslambda.Runtime_PROVIDED_AL2023(), or give Code instead of Entry")
		}
		// The code itself is built by build(), once every prop is valid.
	default:
		fp.code = o.Code
	}
}

func (fp *functionPlan) planTimeout(ps *problems, prop string) {
	if fp.timeout == nil {
		fp.timeout = awscdk.Duration_Seconds(jsii.Number(DefaultTimeoutSeconds))
		return
	}
	var secs float64
	if err := CatchJsii(func() { secs = *fp.timeout.ToSeconds(nil) }); err != nil {
		ps.add(prop+".Timeout", *fp.timeout.ToHumanString(), "is not a whole number of seconds: "+firstLine(err.Error()),
			"use awscdk.Duration_Seconds(n) with 1 <= n <= 900")
	} else if secs < MinTimeoutSeconds || secs > MaxTimeoutSeconds {
		ps.add(prop+".Timeout", *fp.timeout.ToHumanString(), "is outside Lambda's limit of 1 second to 15 minutes",
			"use a timeout from awscdk.Duration_Seconds(1) to awscdk.Duration_Minutes(15)")
	}
}

// planRole accepts a role created in this app: the construct adds the
// managed policy and the deny to it. An imported role cannot be changed
// (aws-cdk silently ignores policies added to it), so it is refused.
func (fp *functionPlan) planRole(ps *problems, prop string) {
	if fp.opts.Role == nil {
		return
	}
	role, ok := fp.opts.Role.(awsiam.Role)
	if ok {
		_ = CatchJsii(func() {
			if _, isCfn := role.Node().DefaultChild().(awsiam.CfnRole); !isCfn {
				ok = false
			}
		})
	}
	if !ok {
		path := "an imported role"
		_ = CatchJsii(func() { path = *fp.opts.Role.Node().Path() })
		ps.add(prop+".Role", path, "is not a role created in this app, so the construct cannot add "+VpcLambdaExecutionPolicy+" and the ENI deny to it",
			"give a role made with awsiam.NewRole (the construct adds both), or leave Role unset for a role of the construct's own")
		return
	}
	fp.role = role
}

// planLogs decides the function's log group: the user's (LogGroup) or one
// the construct creates with LogRetention and LogRemovalPolicy.
func (fp *functionPlan) planLogs(ps *problems, prop string) {
	o := fp.opts
	fp.retention, fp.removalPolicy = o.LogRetention, o.LogRemovalPolicy
	if fp.retention == "" {
		fp.retention = awslogs.RetentionDays_ONE_MONTH
	}
	if fp.removalPolicy == "" {
		fp.removalPolicy = awscdk.RemovalPolicy_DESTROY
	}
	if o.LogGroup == nil {
		return
	}
	if o.LogRetention != "" {
		ps.add(prop+".LogRetention", string(o.LogRetention), "is set together with LogGroup, whose retention is its own",
			"set the retention on your log group, or remove LogGroup to let the construct create one with LogRetention")
	}
	if o.LogRemovalPolicy != "" {
		ps.add(prop+".LogRemovalPolicy", string(o.LogRemovalPolicy), "is set together with LogGroup, whose removal policy is its own",
			"set the removal policy on your log group, or remove LogGroup")
	}
	lg, ok := o.LogGroup.(awslogs.ILogGroup)
	if !ok {
		ps.add(prop+".LogGroup", "set", "is not an awslogs.ILogGroup", "give an awslogs.LogGroup or awslogs.LogGroup_FromLogGroupName(...)")
		return
	}
	fp.logGroup = lg
}

// checkEnvironment rejects what Lambda would refuse at deploy time.
func checkEnvironment(ps *problems, prop string, env *map[string]*string) {
	if env == nil {
		return
	}
	reserved := map[string]bool{}
	for _, k := range reservedEnvironment {
		reserved[k] = true
	}
	var keys []string
	for k := range *env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	size, known := 0, true
	for _, k := range keys {
		v := (*env)[k]
		switch {
		case reserved[k]:
			ps.add(fmt.Sprintf("%s[%q]", prop, k), show(v), "is a variable Lambda reserves and sets itself", "use another name")
		case !envNameRe.MatchString(k):
			ps.add(fmt.Sprintf("%s[%q]", prop, k), show(v), "is not a valid name: Lambda wants a letter, then letters, digits or underscores (2 characters or more)",
				"rename the variable, e.g. "+suggestEnvName(k))
		}
		size += len(k)
		if v == nil || unresolved(v) {
			known = false
		} else {
			size += len(*v)
		}
	}
	if known && size > MaxEnvironmentBytes {
		ps.add(prop, fmt.Sprintf("%d bytes", size), fmt.Sprintf("exceeds Lambda's limit of %d bytes for all variables together", MaxEnvironmentBytes),
			"move large values to SSM Parameter Store or Secrets Manager and pass their names")
	}
}

func suggestEnvName(k string) string {
	s := regexp.MustCompile(`[^A-Za-z0-9_]`).ReplaceAllString(strings.ToUpper(k), "_")
	if s == "" || !(s[0] >= 'A' && s[0] <= 'Z') {
		s = "V_" + s
	}
	if len(s) < 2 {
		s += "_"
	}
	return s
}

// build produces the function's code once every prop is valid.
func (fp *functionPlan) build(ps *problems, prop string) {
	if fp.code != nil || fp.opts.Entry == nil {
		return
	}
	code, err := GoCode(*fp.opts.Entry, fp.arch)
	if err != nil {
		ps.add(prop+".Entry", show(fp.opts.Entry), "does not build: "+err.Error(), "fix the handler so that `go build` succeeds for linux")
		return
	}
	fp.code = code
}

// functionProps copies every embedded option into awslambda.FunctionProps
// (field by field, by name, so options aws-cdk adds later flow through
// too), then sets what the construct decides.
func (fp *functionPlan) functionProps() *awslambda.FunctionProps {
	props := &awslambda.FunctionProps{}
	src := reflect.ValueOf(fp.opts.FunctionOptions)
	dst := reflect.ValueOf(props).Elem()
	for i := 0; i < src.NumField(); i++ {
		name := src.Type().Field(i).Name
		if _, owned := ownedOptions[name]; owned || handledOptions[name] {
			continue
		}
		dst.FieldByName(name).Set(src.Field(i))
	}
	props.Code, props.Runtime, props.Handler, props.Architecture = fp.code, fp.runtime, fp.handler, fp.arch
	props.FunctionName = jsii.String(fp.name)
	props.MemorySize = jsii.Number(fp.memory)
	props.Timeout = fp.timeout
	props.Environment = fp.opts.Environment
	return props
}

// defaultFunctionName derives a function name from the stack name and the
// construct id, unique per stack and construct path, at most 64 characters.
func defaultFunctionName(stack awscdk.Stack, path, id string) string {
	clean := func(s string) string {
		return regexp.MustCompile(`[^A-Za-z0-9_-]+`).ReplaceAllString(s, "")
	}
	stackName := *stack.StackName()
	sum := fnv64(stackName + "/" + path)
	suffix := fmt.Sprintf("-%08x", uint32(sum))
	base := clean(stackName) + "-" + clean(id)
	if max := 64 - len(suffix); len(base) > max {
		base = base[:max]
	}
	return base + suffix
}

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
