package netcheck

// SAM input: a template that declares the transform AWS::Serverless-2016-10-31
// is rewritten into the plain CloudFormation the SAM translator (version
// 1.110.0) makes of it, for the parts netcheck reads, before anything else
// reads it. What is produced, and from what:
//
//   AWS::Serverless::Function F (Globals.Function merged in)
//     -> AWS::Lambda::Function F: the same logical id, its Condition,
//        DependsOn, Metadata, DeletionPolicy, UpdatePolicy and
//        UpdateReplacePolicy; VpcConfig, FunctionName, Role and the other
//        properties SAM passes through; TracingConfig, DeadLetterConfig,
//        Tags and CapacityProviderConfig in their CloudFormation form. Code
//        is not produced (netcheck does not read it), nor are the resources
//        SAM makes for Events, AutoPublishAlias, FunctionUrlConfig,
//        EventInvokeConfig and DeploymentPreference.
//     -> AWS::IAM::Role FRole when F has no Role (or a Role that is an
//        Fn::If with an AWS::NoValue branch): ManagedPolicyArns,
//        inline Policies, PermissionsBoundary, Path, the function's
//        Condition/DeletionPolicy/UpdateReplacePolicy; F's Role becomes
//        {"Fn::GetAtt": ["FRole", "Arn"]}.
//   AWS::Serverless::CapacityProvider C (Globals.CapacityProvider merged in)
//     -> AWS::Lambda::CapacityProvider C, and AWS::IAM::Role COperatorRole
//        when C has no OperatorRole.
//
// Where a Lambda Managed Instances function's network comes from, in plain
// CloudFormation (property names as in the AWS::Lambda::Function and
// AWS::Lambda::CapacityProvider resource schemas):
//
//   AWS::Lambda::Function
//     Properties.CapacityProviderConfig
//       .LambdaManagedInstancesCapacityProviderConfig
//         .CapacityProviderArn   ({"Fn::GetAtt": [C, "Arn"]} or an ARN)
//   AWS::Lambda::CapacityProvider C
//     Properties.VpcConfig.SubnetIds          (required)
//     Properties.VpcConfig.SecurityGroupIds   (required by CloudFormation)
//     Properties.PermissionsConfig.CapacityProviderOperatorRoleArn
//
// In SAM the function says CapacityProviderConfig.Arn (with
// PerExecutionEnvironmentMaxConcurrency and
// ExecutionEnvironmentMemoryGiBPerVCpu beside it) and the
// AWS::Serverless::CapacityProvider says VpcConfig.SubnetIds,
// VpcConfig.SecurityGroupIds and OperatorRole. SAM refuses a function with
// both VpcConfig and CapacityProviderConfig.

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

const samTransform = "AWS::Serverless-2016-10-31"

// samGlobalsSupported is, per Globals section, the properties SAM accepts
// there (plugins/globals/globals.py, Globals.supported_properties).
var samGlobalsSupported = map[string][]string{
	"Function": {"Handler", "Runtime", "CodeUri", "DeadLetterQueue", "Description", "MemorySize", "Timeout",
		"VpcConfig", "Environment", "Tags", "PropagateTags", "Tracing", "KmsKeyArn", "AutoPublishAlias",
		"AutoPublishAliasAllProperties", "Layers", "DeploymentPreference", "RolePath", "PermissionsBoundary",
		"ReservedConcurrentExecutions", "ProvisionedConcurrencyConfig", "AssumeRolePolicyDocument",
		"EventInvokeConfig", "FileSystemConfigs", "CodeSigningConfigArn", "Architectures", "SnapStart",
		"EphemeralStorage", "FunctionUrlConfig", "RuntimeManagementConfig", "LoggingConfig", "RecursiveLoop",
		"SourceKMSKeyArn", "TenancyConfig", "DurableConfig", "CapacityProviderConfig", "FunctionScalingConfig",
		"PublishToLatestPublished", "VersionDeletionPolicy"},
	"Api": {"Auth", "Name", "DefinitionUri", "CacheClusterEnabled", "CacheClusterSize", "MergeDefinitions",
		"Variables", "EndpointConfiguration", "MethodSettings", "BinaryMediaTypes", "MinimumCompressionSize",
		"Cors", "GatewayResponses", "AccessLogSetting", "CanarySetting", "TracingEnabled", "OpenApiVersion",
		"Domain", "AlwaysDeploy", "PropagateTags", "SecurityPolicy", "EndpointAccessMode"},
	"HttpApi": {"Auth", "AccessLogSettings", "StageVariables", "Tags", "CorsConfiguration",
		"DefaultRouteSettings", "Domain", "RouteSettings", "FailOnWarnings", "PropagateTags"},
	"SimpleTable":  {"SSESpecification"},
	"StateMachine": {"PropagateTags"},
	"LayerVersion": {"PublishLambdaVersion"},
	"CapacityProvider": {"VpcConfig", "OperatorRole", "Tags", "InstanceRequirements", "ScalingConfig",
		"KmsKeyArn", "PropagateTags"},
	"WebSocketApi": {"AccessLogSettings", "ApiKeySelectionExpression", "DefaultRouteSettings",
		"DisableExecuteApiEndpoint", "DisableSchemaValidation", "Domain", "FailOnWarnings", "IpAddressType",
		"PropagateTags", "RouteSelectionExpression", "RouteSettings", "StageVariables", "Tags"},
}

// samFunctionProperties are the properties of AWS::Serverless::Function
// (model/sam_resources.py, SamFunction.property_types); SAM refuses others.
var samFunctionProperties = []string{"FunctionName", "Handler", "Runtime", "CodeUri", "ImageUri", "PackageType",
	"InlineCode", "DeadLetterQueue", "Description", "MemorySize", "Timeout", "VpcConfig", "Role",
	"AssumeRolePolicyDocument", "Policies", "RolePath", "PermissionsBoundary", "Environment", "Events", "Tags",
	"PropagateTags", "Tracing", "KmsKeyArn", "DeploymentPreference", "ReservedConcurrentExecutions", "Layers",
	"EventInvokeConfig", "EphemeralStorage", "AutoPublishAlias", "AutoPublishCodeSha256",
	"AutoPublishAliasAllProperties", "VersionDescription", "ProvisionedConcurrencyConfig", "FileSystemConfigs",
	"ImageConfig", "CodeSigningConfigArn", "Architectures", "SnapStart", "FunctionUrlConfig",
	"RuntimeManagementConfig", "LoggingConfig", "RecursiveLoop", "SourceKMSKeyArn", "CapacityProviderConfig",
	"FunctionScalingConfig", "VersionDeletionPolicy", "PublishToLatestPublished", "TenancyConfig", "DurableConfig"}

// samFunctionPassThrough are the function properties SAM copies to
// AWS::Lambda::Function under the same name
// (SamFunction._construct_lambda_function).
var samFunctionPassThrough = []string{"Handler", "Runtime", "Description", "MemorySize", "Timeout", "VpcConfig",
	"Role", "Environment", "KmsKeyArn", "ReservedConcurrentExecutions", "Layers", "FileSystemConfigs",
	"ImageConfig", "PackageType", "Architectures", "SnapStart", "EphemeralStorage", "CodeSigningConfigArn",
	"RuntimeManagementConfig", "LoggingConfig", "TenancyConfig", "RecursiveLoop", "DurableConfig",
	"FunctionScalingConfig", "PublishToLatestPublished"}

// samResourceAttributes are the attributes SAM keeps on the resource it
// translates (model/__init__.py, Resource._supported_resource_attributes);
// samPassThroughAttributes are those it also gives the resources it
// generates from it (_pass_through_attributes).
var (
	samResourceAttributes    = []string{"DeletionPolicy", "UpdatePolicy", "Condition", "UpdateReplacePolicy", "Metadata"}
	samPassThroughAttributes = []string{"Condition", "DeletionPolicy", "UpdateReplacePolicy"}
)

// samPolicyTemplates are the SAM policy template names (policy_templates.json
// of SAM 1.110.0) with the parameters each requires. Only the templates in
// samENIPolicyTemplates produce statements here: the others grant nothing
// netcheck reads (no EC2 network-interface action), so their statements are
// not reproduced; their names and parameters are checked as SAM checks them.
var samPolicyTemplates = map[string][]string{
	"AMIDescribePolicy": nil, "AWSSecretsManagerGetSecretValuePolicy": {"SecretArn"},
	"AWSSecretsManagerRotationPolicy": {"FunctionName"}, "AcmGetCertificatePolicy": {"CertificateArn"},
	"AthenaQueryPolicy": {"WorkGroupName"}, "CloudFormationDescribeStacksPolicy": nil,
	"CloudWatchDashboardPolicy": nil, "CloudWatchDescribeAlarmHistoryPolicy": nil,
	"CloudWatchPutMetricPolicy": nil, "CodeCommitCrudPolicy": {"RepositoryName"},
	"CodeCommitReadPolicy": {"RepositoryName"}, "CodePipelineLambdaExecutionPolicy": nil,
	"CodePipelineReadOnlyPolicy": {"PipelineName"}, "ComprehendBasicAccessPolicy": nil,
	"CostExplorerReadOnlyPolicy": nil, "DynamoDBBackupFullAccessPolicy": {"TableName"},
	"DynamoDBCrudPolicy": {"TableName"}, "DynamoDBReadPolicy": {"TableName"},
	"DynamoDBReconfigurePolicy": {"TableName"}, "DynamoDBRestoreFromBackupPolicy": {"TableName"},
	"DynamoDBStreamReadPolicy": {"StreamName", "TableName"}, "DynamoDBWritePolicy": {"TableName"},
	"EC2CopyImagePolicy": {"ImageId"}, "EC2DescribePolicy": nil, "EFSWriteAccessPolicy": {"AccessPoint", "FileSystem"},
	"EKSDescribePolicy": nil, "EcsRunTaskPolicy": {"TaskDefinition"},
	"ElasticMapReduceAddJobFlowStepsPolicy": {"ClusterId"}, "ElasticMapReduceCancelStepsPolicy": {"ClusterId"},
	"ElasticMapReduceModifyInstanceFleetPolicy": {"ClusterId"}, "ElasticMapReduceModifyInstanceGroupsPolicy": {"ClusterId"},
	"ElasticMapReduceSetTerminationProtectionPolicy": {"ClusterId"}, "ElasticMapReduceTerminateJobFlowsPolicy": {"ClusterId"},
	"ElasticsearchHttpPostPolicy": {"DomainName"}, "EventBridgePutEventsPolicy": {"EventBusName"},
	"FilterLogEventsPolicy": {"LogGroupName"}, "FirehoseCrudPolicy": {"DeliveryStreamName"},
	"FirehoseWritePolicy": {"DeliveryStreamName"}, "KMSDecryptPolicy": {"KeyId"}, "KMSEncryptPolicy": {"KeyId"},
	"KMSEncryptPolicy_v2": {"KeyId"}, "KinesisCrudPolicy": {"StreamName"}, "KinesisStreamReadPolicy": {"StreamName"},
	"LambdaInvokePolicy": {"FunctionName"}, "MobileAnalyticsWriteOnlyAccessPolicy": nil,
	"OrganizationsListAccountsPolicy": nil, "PinpointEndpointAccessPolicy": {"PinpointApplicationId"},
	"PollyFullAccessPolicy": {"LexiconName"}, "RekognitionDetectOnlyPolicy": nil,
	"RekognitionFacesManagementPolicy": {"CollectionId"}, "RekognitionFacesPolicy": nil,
	"RekognitionLabelsPolicy": nil, "RekognitionNoDataAccessPolicy": {"CollectionId"},
	"RekognitionReadPolicy": {"CollectionId"}, "RekognitionWriteOnlyAccessPolicy": {"CollectionId"},
	"Route53ChangeResourceRecordSetsPolicy": {"HostedZoneId"}, "S3CrudPolicy": {"BucketName"},
	"S3FullAccessPolicy": {"BucketName"}, "S3ReadPolicy": {"BucketName"}, "S3WritePolicy": {"BucketName"},
	"SESBulkTemplatedCrudPolicy": {"IdentityName"}, "SESBulkTemplatedCrudPolicy_v2": {"IdentityName", "TemplateName"},
	"SESCrudPolicy": {"IdentityName"}, "SESEmailTemplateCrudPolicy": nil, "SESSendBouncePolicy": {"IdentityName"},
	"SNSCrudPolicy": {"TopicName"}, "SNSPublishMessagePolicy": {"TopicName"}, "SQSPollerPolicy": {"QueueName"},
	"SQSSendMessagePolicy": {"QueueName"}, "SSMParameterReadPolicy": {"ParameterName"},
	"SSMParameterWithSlashPrefixReadPolicy": {"ParameterName"},
	"SageMakerCreateEndpointConfigPolicy":   {"EndpointConfigName"},
	"SageMakerCreateEndpointPolicy":         {"EndpointName"}, "ServerlessRepoReadWriteAccessPolicy": nil,
	"StepFunctionsCallbackPolicy": {"StateMachineName"}, "StepFunctionsExecutionPolicy": {"StateMachineName"},
	"StepFunctionsExecutionPolicy_v2": {"StateMachineName"}, "TextractDetectAnalyzePolicy": nil,
	"TextractGetResultPolicy": nil, "TextractPolicy": nil, "VPCAccessPolicy": nil,
}

// samENIPolicyTemplates are the policy templates whose statements grant EC2
// network-interface actions, with the policy document SAM writes for them.
// VPCAccessPolicy is the only one in SAM 1.110.0.
var samENIPolicyTemplates = map[string]func() map[string]interface{}{
	"VPCAccessPolicy": func() map[string]interface{} {
		return map[string]interface{}{"Statement": []interface{}{map[string]interface{}{
			"Action": []interface{}{"ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
				"ec2:DescribeNetworkInterfaces", "ec2:DetachNetworkInterface"},
			"Effect":   "Allow",
			"Resource": "*",
		}}}
	},
}

// samENIStatement is the statement SAM adds for the DocumentDB and
// SelfManagedKafka (with VPC_SUBNET and VPC_SECURITY_GROUP) event sources
// (model/eventsources/pull.py).
func samENIStatement() map[string]interface{} {
	return map[string]interface{}{
		"Action": []interface{}{"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces",
			"ec2:DeleteNetworkInterface", "ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"},
		"Effect":   "Allow",
		"Resource": "*",
	}
}

// samManagedPolicyPaths maps the AWS managed policy names netcheck's role
// checks may need to their path under arn:aws:iam::aws:policy/, as SAM's
// managed policy map does. SAM's map holds every AWS managed policy; a name
// not listed here is kept as written, which is also what SAM does with a
// name its map lacks: netcheck then knows the policy only by that name.
var samManagedPolicyPaths = map[string]string{
	"AWSLambdaBasicExecutionRole":              "service-role/",
	"AWSLambdaBasicDurableExecutionRolePolicy": "service-role/",
	"AWSLambdaVPCAccessExecutionRole":          "service-role/",
	"AWSLambdaENIManagementAccess":             "service-role/",
	"AWSLambdaMSKExecutionRole":                "service-role/",
	"AWSLambdaKinesisExecutionRole":            "service-role/",
	"AWSLambdaDynamoDBExecutionRole":           "service-role/",
	"AWSLambdaSQSQueueExecutionRole":           "service-role/",
	"AWSLambdaRole":                            "service-role/",
	"AWSLambdaExecute":                         "",
	"AWSLambda_FullAccess":                     "",
	"AWSXrayWriteOnlyAccess":                   "",
	"AWSXRayDaemonWriteAccess":                 "",
	"AdministratorAccess":                      "",
	"PowerUserAccess":                          "",
	"AmazonEC2FullAccess":                      "",
	"AmazonVPCFullAccess":                      "",
	"AWSLambdaManagedEC2ResourceOperator":      "",
	"NetworkAdministrator":                     "job-function/",
	"SystemAdministrator":                      "job-function/",
}

// samManagedPolicyArn is the ARN SAM writes for an AWS managed policy. SAM
// takes the partition from the region it runs in; netcheck's checks compare
// policies by path and name, so the commercial partition is written.
func samManagedPolicyArn(pathAndName string) string {
	return "arn:aws:iam::aws:policy/" + pathAndName
}

// samPolicyArn maps a Policies entry that is a string as SAM does
// (model/role_utils/role_constructor.py, _get_managed_policy_arn).
func samPolicyArn(name string) string {
	if p, ok := samManagedPolicyPaths[name]; ok {
		return samManagedPolicyArn(p + name)
	}
	return name
}

func samError(format string, a ...interface{}) error {
	return &InputError{Msg: "SAM template: " + fmt.Sprintf(format, a...)}
}

// samShow prints a template value as JSON, the way a user finds it.
func samShow(v interface{}) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// samHasTransform reports whether the document declares the SAM transform.
func samHasTransform(t interface{}) bool {
	switch x := t.(type) {
	case string:
		return x == samTransform
	case []interface{}:
		for _, e := range x {
			if s, ok := e.(string); ok && s == samTransform {
				return true
			}
		}
	}
	return false
}

// samIsIntrinsic is SAM's is_intrinsic: a map with one key that is Ref,
// Condition or Fn::*.
func samIsIntrinsic(v interface{}) bool {
	m, ok := v.(map[string]interface{})
	if !ok || len(m) != 1 {
		return false
	}
	for k := range m {
		return k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::")
	}
	return false
}

func samIsIf(v interface{}) bool {
	if !samIsIntrinsic(v) {
		return false
	}
	_, ok := v.(map[string]interface{})["Fn::If"]
	return ok
}

func samIsNoValue(v interface{}) bool {
	m, ok := v.(map[string]interface{})
	return ok && len(m) == 1 && m["Ref"] == "AWS::NoValue"
}

// samIfItems returns the three arguments of an Fn::If, or an error naming
// where it is.
func samIfItems(v interface{}, where string) ([]interface{}, error) {
	items, ok := v.(map[string]interface{})["Fn::If"].([]interface{})
	if !ok || len(items) != 3 {
		return nil, samError("%s: %s is a malformed Fn::If (the SAM translator: \"Fn::If requires 3 arguments\"); fix: write [condition name, value if true, value if false]", where, samShow(v))
	}
	return items, nil
}

// samTruthy is Python truthiness, which SAM uses for "is this set".
func samTruthy(v interface{}) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case float64:
		return x != 0
	case map[string]interface{}:
		return len(x) > 0
	case []interface{}:
		return len(x) > 0
	}
	return true
}

func samCopy(v interface{}) interface{} {
	switch x := v.(type) {
	case map[string]interface{}:
		out := make(map[string]interface{}, len(x))
		for k, e := range x {
			out[k] = samCopy(e)
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(x))
		for i, e := range x {
			out[i] = samCopy(e)
		}
		return out
	}
	return v
}

func samKeys(m map[string]interface{}) []string {
	k := make([]string, 0, len(m))
	for x := range m {
		k = append(k, x)
	}
	sort.Strings(k)
	return k
}

// samGlobals merges Globals into SAM resources (plugins/globals).
type samGlobals map[string]map[string]interface{}

func samParseGlobals(g interface{}, present bool) (samGlobals, error) {
	out := samGlobals{}
	if !present {
		return out, nil
	}
	m, ok := g.(map[string]interface{})
	if !ok {
		return nil, samError("Globals is %s, not a map (the SAM translator: \"'Globals' section is invalid. It must be a non-empty dictionary\"); fix: write Globals as a map of sections such as Function: {...}", samShow(g))
	}
	sections := make([]string, 0, len(samGlobalsSupported))
	for s := range samGlobalsSupported {
		sections = append(sections, s)
	}
	sort.Strings(sections)
	for _, name := range samKeys(m) {
		supported, ok := samGlobalsSupported[name]
		if !ok {
			return nil, samError("Globals.%s is not a Globals section SAM knows (the SAM translator: \"'%s' is not supported\"); fix: use one of %s", name, name, strings.Join(sections, ", "))
		}
		props, ok := m[name].(map[string]interface{})
		if !ok {
			return nil, samError("Globals.%s is %s, not a map (the SAM translator: \"Value of ${section} must be a dictionary\"); fix: write Globals.%s as a map of properties", name, samShow(m[name]), name)
		}
		for _, k := range samKeys(props) {
			if !samContains(supported, k) {
				return nil, samError("Globals.%s.%s is not a property SAM accepts in Globals.%s (the SAM translator: \"'%s' is not a supported property of '%s'\"); fix: set it on each resource, or use one of %s", name, k, name, k, name, strings.Join(supported, ", "))
			}
		}
		out["AWS::Serverless::"+name] = props
	}
	return out, nil
}

func samContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// merge returns the resource's properties with the Globals of its type, by
// SAM's rules (GlobalProperties._do_merge): maps merge key by key, lists
// concatenate (global first), anything else (an intrinsic such as Fn::If
// counts as a primitive) and any mismatch of kinds: the resource's value
// wins.
func (g samGlobals) merge(id, typ string, props map[string]interface{}, ignore interface{}, hasIgnore bool) (map[string]interface{}, error) {
	global, ok := g[typ]
	if !ok {
		return props, nil
	}
	if hasIgnore && samTruthy(ignore) {
		switch x := ignore.(type) {
		case string:
			if x != "*" {
				return nil, samError("resource %s: IgnoreGlobals %s is neither \"*\" nor a list (the SAM translator: \"Resource %s has invalid resource attribute 'IgnoreGlobals'.\"); fix: write \"*\" or a list of Globals property names", id, samShow(ignore), id)
			}
			return props, nil
		case []interface{}:
			global = samCopy(global).(map[string]interface{})
			for _, e := range x {
				k, _ := e.(string)
				if _, ok := global[k]; !ok {
					return nil, samError("resource %s: IgnoreGlobals names %s, which Globals does not set for %s (the SAM translator: \"Resource %s has invalid resource attribute 'IgnoreGlobals' on item '%v'.\"); fix: remove it from IgnoreGlobals", id, samShow(e), typ, id, e)
				}
				delete(global, k)
			}
		default:
			return nil, samError("resource %s: IgnoreGlobals %s is neither \"*\" nor a list (the SAM translator: \"Resource %s has invalid resource attribute 'IgnoreGlobals'.\"); fix: write \"*\" or a list of Globals property names", id, samShow(ignore), id)
		}
	}
	merged, _ := samMergeValue(samCopy(global), props).(map[string]interface{})
	return merged, nil
}

const (
	samPrimitive = iota
	samDict
	samList
)

func samToken(v interface{}) int {
	switch v.(type) {
	case map[string]interface{}:
		if samIsIntrinsic(v) {
			return samPrimitive
		}
		return samDict
	case []interface{}:
		return samList
	}
	return samPrimitive
}

func samMergeValue(global, local interface{}) interface{} {
	tg, tl := samToken(global), samToken(local)
	switch {
	case tg != tl || tg == samPrimitive:
		return local
	case tg == samDict:
		out := global.(map[string]interface{})
		for k, lv := range local.(map[string]interface{}) {
			if gv, ok := out[k]; ok {
				out[k] = samMergeValue(gv, lv)
			} else {
				out[k] = lv
			}
		}
		return out
	default:
		return append(append([]interface{}{}, global.([]interface{})...), local.([]interface{})...)
	}
}

// samExpander holds one expansion.
type samExpander struct {
	in, out   map[string]interface{}
	resources map[string]interface{} // out's Resources
	params    map[string]interface{} // parameter defaults
	origin    map[string]string
	generated map[string]string // generated id -> SAM resource it came from
}

// expandSAM rewrites a template document that declares the transform
// AWS::Serverless-2016-10-31 into plain CloudFormation, as the SAM
// translator does, for everything netcheck reads. doc is the template in
// JSON-like long form (map[string]interface{}, []interface{}, string,
// float64, bool, nil; intrinsics in long form such as {"Ref": "X"},
// {"Fn::GetAtt": ["A","B"]}, {"Fn::If": [...]}); it is not modified.
// It returns the expanded document and, for every resource it generated
// or rewrote, the logical id of the SAM resource it came from.
func expandSAM(doc map[string]interface{}) (out map[string]interface{}, origin map[string]string, err error) {
	origin = map[string]string{}
	if !samHasTransform(doc["Transform"]) {
		return doc, origin, nil
	}
	x := &samExpander{in: doc, out: samCopy(doc).(map[string]interface{}), origin: origin,
		params: map[string]interface{}{}, generated: map[string]string{}}
	res, ok := x.out["Resources"].(map[string]interface{})
	if !ok || len(res) == 0 {
		return nil, nil, samError("Resources is missing or empty (the SAM translator: \"'Resources' section is required\"); fix: declare the template's resources under Resources")
	}
	x.resources = res
	if ps, ok := x.out["Parameters"].(map[string]interface{}); ok {
		for name, p := range ps {
			if pm, ok := p.(map[string]interface{}); ok {
				if d, ok := pm["Default"]; ok {
					x.params[name] = d
				}
			}
		}
	}
	ids := samKeys(res)
	for _, id := range ids {
		if _, ok := res[id].(map[string]interface{}); !ok {
			return nil, nil, samError("resource %s is %s, not a map (the SAM translator: \"All 'Resources' must be Objects\"); fix: check the indentation of %s", id, samShow(res[id]), id)
		}
	}
	g, err := samParseGlobals(x.out["Globals"], x.out["Globals"] != nil || samHas(x.out, "Globals"))
	if err != nil {
		return nil, nil, err
	}
	// Globals are merged into every SAM resource first, then each is
	// translated: functions, then the others (translator.py,
	// _get_resources_to_iterate); only the two kinds below are translated
	// here, every other resource is left as it is.
	for _, id := range ids {
		r := res[id].(map[string]interface{})
		typ, _ := r["Type"].(string)
		if typ != "AWS::Serverless::Function" && typ != "AWS::Serverless::CapacityProvider" {
			continue
		}
		if c, ok := r["Condition"]; ok && c != nil {
			if _, ok := c.(string); !ok {
				return nil, nil, samError("resource %s: Condition %s is not a string (the SAM translator: \"Every Condition member must be a string.\"); fix: name one condition of Conditions", id, samShow(c))
			}
		}
		props := map[string]interface{}{}
		if p, ok := r["Properties"]; ok {
			if props, ok = p.(map[string]interface{}); !ok {
				return nil, nil, samError("resource %s: Properties is %s, not a map (the SAM translator: \"Attribute 'Properties' should be a map.\"); fix: write the properties as a map", id, samShow(p))
			}
		}
		ig, hasIg := r["IgnoreGlobals"]
		merged, err := g.merge(id, typ, props, ig, hasIg)
		if err != nil {
			return nil, nil, err
		}
		r["Properties"] = merged
	}
	for _, kind := range []string{"AWS::Serverless::Function", "AWS::Serverless::CapacityProvider"} {
		for _, id := range ids {
			r := res[id].(map[string]interface{})
			if r["Type"] != kind {
				continue
			}
			var err error
			if kind == "AWS::Serverless::Function" {
				err = x.function(id, r)
			} else {
				err = x.capacityProvider(id, r)
			}
			if err != nil {
				return nil, nil, err
			}
		}
	}
	delete(x.out, "Globals")
	delete(x.out, "Transform")
	return x.out, origin, nil
}

func samHas(m map[string]interface{}, k string) bool {
	_, ok := m[k]
	return ok
}

// add puts a generated resource into the output; SAM refuses one whose id
// the template already uses (translator.py, verify_unique_logical_id).
func (x *samExpander) add(from, id string, r map[string]interface{}) error {
	if from != id {
		if orig, ok := x.in["Resources"].(map[string]interface{}); ok {
			if _, clash := orig[id]; clash {
				return samError("resource %s: SAM generates %s %s from it, but the template already has a resource %s (the SAM translator: DuplicateLogicalIdException); fix: rename %s, or give %s its own Role", from, r["Type"], id, id, id, from)
			}
		}
		if other, ok := x.generated[id]; ok && other != from {
			return samError("resources %s and %s both make SAM generate %s; fix: rename one of them", other, from, id)
		}
		x.generated[id] = from
	}
	x.resources[id] = r
	x.origin[id] = from
	return nil
}

// attributes copies the named resource attributes of r.
func samAttributes(r map[string]interface{}, names []string) map[string]interface{} {
	out := map[string]interface{}{}
	for _, a := range names {
		if v, ok := r[a]; ok {
			out[a] = samCopy(v)
		}
	}
	return out
}

// resolveParams is SAM's resolve_parameter_refs for a Ref to a parameter
// with a default (the translator resolves those, and pseudo parameters,
// which are left alone here).
func (x *samExpander) resolveParams(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		if len(t) == 1 {
			if name, ok := t["Ref"].(string); ok {
				if d, ok := x.params[name]; ok {
					return samCopy(d)
				}
				return t
			}
		}
		out := map[string]interface{}{}
		for k, e := range t {
			out[k] = x.resolveParams(e)
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, e := range t {
			out[i] = x.resolveParams(e)
		}
		return out
	}
	return v
}

func samTags(tags interface{}) []interface{} {
	out := []interface{}{map[string]interface{}{"Key": "lambda:createdBy", "Value": "SAM"}}
	if m, ok := tags.(map[string]interface{}); ok {
		for _, k := range samKeys(m) {
			v := m[k]
			if v == nil {
				v = ""
			}
			out = append(out, map[string]interface{}{"Key": k, "Value": v})
		}
	}
	return out
}

func samIsString(v interface{}) bool {
	_, ok := v.(string)
	return ok || samIsIntrinsic(v)
}

func samIsMap(v interface{}) bool {
	_, ok := v.(map[string]interface{})
	return ok
}

// function translates one AWS::Serverless::Function
// (model/sam_resources.py, SamFunction.to_cloudformation).
func (x *samExpander) function(id string, r map[string]interface{}) error {
	p := r["Properties"].(map[string]interface{})
	for _, k := range samKeys(p) {
		if !samContains(samFunctionProperties, k) {
			return samError("resource %s: property %s is not a property of AWS::Serverless::Function (the SAM translator: \"property %s not defined for resource of type AWS::Serverless::Function\"); fix: remove it or correct its name", id, k, k)
		}
	}
	typeChecks := []struct {
		prop string
		ok   func(interface{}) bool
		want string
	}{
		{"Role", samIsString, "a string"},
		{"PermissionsBoundary", samIsString, "a string"},
		{"FunctionName", func(v interface{}) bool { return samIsString(v) || samIsMap(v) }, "a string"},
		{"AssumeRolePolicyDocument", samIsMap, "a map"},
		{"Policies", samPoliciesType, "a string, a map or a list of strings and maps"},
		{"Tags", samIsMap, "a map"},
		{"Events", samIsMap, "a map"},
		{"DeadLetterQueue", samIsMap, "a map"},
		{"CapacityProviderConfig", samIsMap, "a map"},
		{"Tracing", func(v interface{}) bool { return samIsString(v) || samIsMap(v) }, "a string"},
	}
	for _, c := range typeChecks {
		if v, ok := p[c.prop]; ok && v != nil && !samIsIntrinsic(v) && !c.ok(v) {
			return samError("resource %s: %s is %s, not %s (the SAM translator: \"Type of property '%s' is invalid.\"); fix: write %s as %s", id, c.prop, samShow(v), c.want, c.prop, c.prop, c.want)
		}
	}
	if p["CapacityProviderConfig"] != nil && p["VpcConfig"] != nil {
		return samError("resource %s: VpcConfig and CapacityProviderConfig are both set (the SAM translator: they are mutually exclusive); fix: a function on a capacity provider takes its network from the capacity provider's VpcConfig: remove VpcConfig", id)
	}

	fn := samAttributes(r, samResourceAttributes)
	fn["Type"] = "AWS::Lambda::Function"
	if d, ok := r["DependsOn"]; ok {
		fn["DependsOn"] = samCopy(d)
	}
	props := map[string]interface{}{}
	if samTruthy(p["FunctionName"]) {
		props["FunctionName"] = samCopy(p["FunctionName"])
	}
	for _, k := range samFunctionPassThrough {
		if v, ok := p[k]; ok && v != nil {
			props[k] = samCopy(v)
		}
	}
	props["Tags"] = samTags(p["Tags"])
	tracing := x.resolveParams(p["Tracing"])
	tracingOn := samTruthy(p["Tracing"]) && tracing != "Disabled"
	if tracingOn {
		props["TracingConfig"] = map[string]interface{}{"Mode": samCopy(p["Tracing"])}
	}
	if dlq, ok := p["DeadLetterQueue"].(map[string]interface{}); ok && samTruthy(dlq) {
		if !samTruthy(dlq["Type"]) || !samTruthy(dlq["TargetArn"]) {
			return samError("resource %s: DeadLetterQueue %s lacks Type or TargetArn (the SAM translator: \"'DeadLetterQueue' requires Type and TargetArn properties to be specified.\"); fix: set both", id, samShow(dlq))
		}
		if dlq["Type"] != "SQS" && dlq["Type"] != "SNS" {
			return samError("resource %s: DeadLetterQueue.Type %s is neither SQS nor SNS (the SAM translator: \"'DeadLetterQueue' requires Type of ['SQS', 'SNS']\"); fix: write SQS or SNS", id, samShow(dlq["Type"]))
		}
		props["DeadLetterConfig"] = map[string]interface{}{"TargetArn": samCopy(dlq["TargetArn"])}
	}
	if cpc, ok := p["CapacityProviderConfig"].(map[string]interface{}); ok && len(cpc) > 0 {
		arn, ok := cpc["Arn"]
		if !ok || arn == nil {
			return samError("resource %s: CapacityProviderConfig %s has no Arn (the SAM translator: \"Invalid CapacityProviderConfig\"); fix: set CapacityProviderConfig.Arn, e.g. {\"Fn::GetAtt\": [\"MyCapacityProvider\", \"Arn\"]}", id, samShow(cpc))
		}
		for _, k := range samKeys(cpc) {
			if k != "Arn" && k != "PerExecutionEnvironmentMaxConcurrency" && k != "ExecutionEnvironmentMemoryGiBPerVCpu" {
				return samError("resource %s: CapacityProviderConfig.%s is not a property SAM knows (the SAM translator: \"Invalid CapacityProviderConfig\"); fix: use Arn, PerExecutionEnvironmentMaxConcurrency or ExecutionEnvironmentMemoryGiBPerVCpu", id, k)
			}
		}
		lmi := map[string]interface{}{"CapacityProviderArn": samCopy(arn)}
		for _, k := range []string{"PerExecutionEnvironmentMaxConcurrency", "ExecutionEnvironmentMemoryGiBPerVCpu"} {
			if v, ok := cpc[k]; ok && v != nil {
				lmi[k] = samCopy(v)
			}
		}
		props["CapacityProviderConfig"] = map[string]interface{}{"LambdaManagedInstancesCapacityProviderConfig": lmi}
	}
	fn["Properties"] = props

	role, err := x.role(id, r, p, tracingOn)
	if err != nil {
		return err
	}
	if err := x.events(id, p, role); err != nil {
		return err
	}
	roleArn := map[string]interface{}{"Fn::GetAtt": []interface{}{id + "Role", "Arn"}}
	addRole := false
	switch given := p["Role"]; {
	case given == nil:
		props["Role"] = roleArn
		addRole = true
	case samIsIf(given):
		// SamFunction._make_lambda_role: a branch that is AWS::NoValue
		// is the generated role, which then exists only on that branch.
		items, err := samIfItems(x.resolveParams(given), id+".Role")
		if err != nil {
			return err
		}
		cond, then, els := items[0], items[1], items[2]
		switch {
		case samIsNoValue(then) && samIsNoValue(els):
			props["Role"], addRole = roleArn, true
		case samIsNoValue(then):
			props["Role"], addRole = map[string]interface{}{"Fn::If": []interface{}{cond, roleArn, els}}, true
			role["Condition"] = cond
		case samIsNoValue(els):
			name, _ := cond.(string)
			props["Role"], addRole = map[string]interface{}{"Fn::If": []interface{}{cond, then, roleArn}}, true
			role["Condition"] = "NOT" + name
			conds, ok := x.out["Conditions"].(map[string]interface{})
			if !ok {
				conds = map[string]interface{}{}
				x.out["Conditions"] = conds
			}
			conds["NOT"+name] = map[string]interface{}{"Fn::Not": []interface{}{map[string]interface{}{"Condition": cond}}}
		}
	}
	if err := x.add(id, id, fn); err != nil {
		return err
	}
	if addRole {
		if err := x.add(id, id+"Role", role); err != nil {
			return err
		}
	}
	if md, ok := r["Metadata"]; ok && md != nil {
		// cfn-lint runs the translator with passthrough_metadata: every
		// resource generated from a SAM resource carries its Metadata.
		for gid, from := range x.origin {
			if from == id {
				x.resources[gid].(map[string]interface{})["Metadata"] = samCopy(md)
			}
		}
	}
	return nil
}

func samPoliciesType(v interface{}) bool {
	switch x := v.(type) {
	case string, map[string]interface{}:
		return true
	case []interface{}:
		for _, e := range x {
			switch e.(type) {
			case string, map[string]interface{}:
			default:
				return false
			}
		}
		return true
	}
	return false
}

// Policy kinds (model/resource_policies.py, PolicyTypes).
const (
	samManaged = iota
	samStatement
	samTemplate
	samUnknown
)

func samPolicyKind(v interface{}, where string) (int, error) {
	if _, ok := v.(string); ok {
		return samManaged, nil
	}
	if samIsIf(v) {
		items, err := samIfItems(v, where)
		if err != nil {
			return 0, err
		}
		a, err := samPolicyKind(items[1], where)
		if err != nil {
			return 0, err
		}
		b, err := samPolicyKind(items[2], where)
		if err != nil {
			return 0, err
		}
		switch {
		case a == b:
			return a, nil
		case samIsNoValue(items[1]):
			return b, nil
		case samIsNoValue(items[2]):
			return a, nil
		}
		return 0, samError("%s: %s mixes kinds of policy in one Fn::If (the SAM translator: \"Different policy types within the same Fn::If statement is unsupported.\"); fix: separate the kinds into different Fn::If entries", where, samShow(v))
	}
	if samIsIntrinsic(v) {
		return samManaged, nil
	}
	m, ok := v.(map[string]interface{})
	if ok {
		if _, ok := m["Statement"]; ok {
			return samStatement, nil
		}
		if len(m) == 1 {
			for k := range m {
				if _, ok := samPolicyTemplates[k]; ok {
					return samTemplate, nil
				}
			}
		}
	}
	return samUnknown, nil
}

// policyTemplate converts one policy template entry as SAM's policy
// template plugin does; nil means a known template whose statements grant
// nothing netcheck reads.
func samPolicyTemplate(id string, index int, v interface{}) (interface{}, error) {
	m := v.(map[string]interface{})
	var name string
	for k := range m {
		name = k
	}
	values, ok := m[name].(map[string]interface{})
	if !ok {
		return nil, samError("resource %s: Policies[%d] policy template %s has parameter values %s, not a map (the SAM translator: \"Must specify valid parameter values for policy template '%s'\"); fix: write %s: {} or a map of its parameters", id, index, name, samShow(m[name]), name, name)
	}
	var missing []string
	for _, param := range samPolicyTemplates[name] {
		if _, ok := values[param]; !ok {
			missing = append(missing, param)
		}
	}
	if len(missing) > 0 {
		return nil, samError("resource %s: Policies[%d] policy template %s lacks the parameters %s (the SAM translator: \"Following required parameters of template '%s' don't have values\"); fix: give %s a value for %s", id, index, name, strings.Join(missing, ", "), name, name, strings.Join(missing, " and "))
	}
	if doc, ok := samENIPolicyTemplates[name]; ok {
		return doc(), nil
	}
	return nil, nil
}

// role builds the execution role SAM generates for a function
// (SamFunction._construct_role, role_utils.construct_role_for_resource,
// plugins/policies/policy_templates_plugin.py).
func (x *samExpander) role(id string, r, p map[string]interface{}, tracingOn bool) (map[string]interface{}, error) {
	roleID := id + "Role"
	role := samAttributes(r, samPassThroughAttributes)
	role["Type"] = "AWS::IAM::Role"
	props := map[string]interface{}{}
	if d, ok := p["AssumeRolePolicyDocument"]; ok && d != nil {
		props["AssumeRolePolicyDocument"] = samCopy(d)
	} else {
		props["AssumeRolePolicyDocument"] = map[string]interface{}{"Version": "2012-10-17", "Statement": []interface{}{
			map[string]interface{}{"Action": []interface{}{"sts:AssumeRole"}, "Effect": "Allow",
				"Principal": map[string]interface{}{"Service": []interface{}{"lambda.amazonaws.com"}}}}}
	}
	var managed []interface{}
	if samTruthy(p["DurableConfig"]) {
		managed = append(managed, samManagedPolicyArn("service-role/AWSLambdaBasicDurableExecutionRolePolicy"))
	} else {
		managed = append(managed, samManagedPolicyArn("service-role/AWSLambdaBasicExecutionRole"))
	}
	if tracingOn {
		managed = append(managed, samManagedPolicyArn("AWSXrayWriteOnlyAccess"))
	}
	if samTruthy(p["VpcConfig"]) {
		managed = append(managed, samManagedPolicyArn("service-role/AWSLambdaVPCAccessExecutionRole"))
	}
	var inline []interface{}
	if dlq, ok := p["DeadLetterQueue"].(map[string]interface{}); ok && samTruthy(dlq) {
		action := "sqs:SendMessage"
		if dlq["Type"] == "SNS" {
			action = "sns:Publish"
		}
		inline = append(inline, map[string]interface{}{"PolicyName": "DeadLetterQueuePolicy", "PolicyDocument": map[string]interface{}{
			"Version": "2012-10-17", "Statement": []interface{}{map[string]interface{}{
				"Action": action, "Resource": samCopy(dlq["TargetArn"]), "Effect": "Allow"}}}})
	}
	var entries []interface{}
	if pol := p["Policies"]; samTruthy(pol) {
		if l, ok := pol.([]interface{}); ok {
			entries = l
		} else {
			entries = []interface{}{pol}
		}
	}
	for i, e := range entries {
		where := fmt.Sprintf("resource %s: Policies[%d]", id, i)
		kind, err := samPolicyKind(e, where)
		if err != nil {
			return nil, err
		}
		policyName := fmt.Sprintf("%sPolicy%d", roleID, i)
		switch kind {
		case samTemplate:
			if samIsIf(e) {
				items, _ := samIfItems(e, where)
				branches := []interface{}{items[1], items[2]}
				kept := 0
				for b, v := range branches {
					if samIsNoValue(v) {
						continue
					}
					doc, err := samPolicyTemplate(id, i, v)
					if err != nil {
						return nil, err
					}
					if doc == nil {
						branches[b] = map[string]interface{}{"Ref": "AWS::NoValue"}
						continue
					}
					branches[b] = map[string]interface{}{"PolicyName": policyName, "PolicyDocument": doc}
					kept++
				}
				if kept > 0 {
					inline = append(inline, map[string]interface{}{"Fn::If": []interface{}{samCopy(items[0]), branches[0], branches[1]}})
				}
				continue
			}
			doc, err := samPolicyTemplate(id, i, e)
			if err != nil {
				return nil, err
			}
			if doc != nil {
				inline = append(inline, map[string]interface{}{"PolicyName": policyName, "PolicyDocument": doc})
			}
		case samStatement:
			if samIsIf(e) {
				items, _ := samIfItems(e, where)
				out := []interface{}{samCopy(items[0]), samCopy(items[1]), samCopy(items[2])}
				for b := 1; b <= 2; b++ {
					if !samIsNoValue(out[b]) {
						out[b] = map[string]interface{}{"PolicyName": policyName, "PolicyDocument": out[b]}
					}
				}
				inline = append(inline, map[string]interface{}{"Fn::If": out})
				continue
			}
			inline = append(inline, map[string]interface{}{"PolicyName": policyName, "PolicyDocument": samCopy(e)})
		case samManaged:
			arn := samCopy(e)
			if s, ok := arn.(string); ok {
				arn = samPolicyArn(s)
			} else if samIsIf(arn) {
				items, err := samIfItems(arn, where)
				if err != nil {
					return nil, err
				}
				for b := 1; b <= 2; b++ {
					if s, ok := items[b].(string); ok {
						items[b] = samPolicyArn(s)
					}
				}
			}
			dup := false
			for _, have := range managed {
				if reflect.DeepEqual(have, arn) {
					dup = true
				}
			}
			if !dup {
				managed = append(managed, arn)
			}
		default:
			return nil, samError("%s %s is not a policy SAM knows: not a managed policy name or ARN, not a policy document (a map with Statement), not a SAM policy template (the SAM translator: \"Policy at index %d in the 'Policies' property is not valid\"); fix: correct the policy template's name (for the network-interface permissions: VPCAccessPolicy: {}), or write a policy document", where, samShow(e), i)
		}
	}
	props["ManagedPolicyArns"] = managed
	if len(inline) > 0 {
		props["Policies"] = inline
	}
	if v, ok := p["RolePath"]; ok && v != nil {
		props["Path"] = samCopy(v)
	}
	if v, ok := p["PermissionsBoundary"]; ok && v != nil {
		props["PermissionsBoundary"] = samCopy(v)
	}
	props["Tags"] = samTags(p["Tags"])
	role["Properties"] = props
	return role, nil
}

// events adds to the generated role what SAM's pull event sources add
// (model/eventsources/pull.py, PullEventSource._link_policy): the managed
// policy of Kinesis, DynamoDB, SQS and MSK sources, and the EC2
// network-interface statement of DocumentDB sources and of SelfManagedKafka
// sources in a VPC. The other statements of those two policies (Secrets
// Manager, RDS, KMS, schema registry) grant nothing netcheck reads and are
// not produced, nor are the event source mappings themselves.
func (x *samExpander) events(id string, p map[string]interface{}, role map[string]interface{}) error {
	evs, _ := p["Events"].(map[string]interface{})
	if len(evs) == 0 {
		return nil
	}
	type ev struct {
		name string
		key  string
		m    map[string]interface{}
	}
	var list []ev
	for name, e := range evs {
		m, ok := e.(map[string]interface{})
		if !ok {
			return samError("resource %s: Events.%s is %s, not a map (the SAM translator: \"Type of property 'Events' is invalid.\"); fix: write the event as a map with Type and Properties", id, name, samShow(e))
		}
		key := name
		if ps, ok := m["Properties"].(map[string]interface{}); ok {
			if path, ok := ps["Path"].(string); ok {
				key = path
			}
		}
		list = append(list, ev{name, key, m})
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].key != list[j].key {
			return list[i].key < list[j].key
		}
		return list[i].name < list[j].name
	})
	props := role["Properties"].(map[string]interface{})
	for _, e := range list {
		ps, _ := e.m["Properties"].(map[string]interface{})
		var arn string
		var policy map[string]interface{}
		switch e.m["Type"] {
		case "Kinesis":
			arn = "service-role/AWSLambdaKinesisExecutionRole"
		case "DynamoDB":
			arn = "service-role/AWSLambdaDynamoDBExecutionRole"
		case "SQS":
			arn = "service-role/AWSLambdaSQSQueueExecutionRole"
		case "MSK":
			arn = "service-role/AWSLambdaMSKExecutionRole"
		case "DocumentDB":
			policy = map[string]interface{}{"PolicyName": "SamAutoGeneratedDocumentDBPolicy",
				"PolicyDocument": map[string]interface{}{"Statement": []interface{}{samENIStatement()}}}
		case "SelfManagedKafka":
			subnet, sg := false, false
			confs, _ := ps["SourceAccessConfigurations"].([]interface{})
			for _, c := range confs {
				cm, _ := c.(map[string]interface{})
				switch cm["Type"] {
				case "VPC_SUBNET":
					subnet = true
				case "VPC_SECURITY_GROUP":
					sg = true
				}
			}
			if subnet != sg {
				return samError("resource %s: Events.%s: SourceAccessConfigurations has only one of VPC_SUBNET and VPC_SECURITY_GROUP (the SAM translator: \"VPC_SUBNET and VPC_SECURITY_GROUP in SourceAccessConfigurations for SelfManagedKafka must be both provided.\"); fix: give both", id, e.name)
			}
			if subnet {
				policy = map[string]interface{}{"PolicyName": "SelfManagedKafkaExecutionRolePolicy",
					"PolicyDocument": map[string]interface{}{"Statement": []interface{}{samENIStatement()}, "Version": "2012-10-17"}}
			}
		}
		if arn != "" {
			a := samManagedPolicyArn(arn)
			managed := props["ManagedPolicyArns"].([]interface{})
			dup := false
			for _, have := range managed {
				if have == a {
					dup = true
				}
			}
			if !dup {
				props["ManagedPolicyArns"] = append(managed, a)
			}
		}
		if policy != nil {
			inline, _ := props["Policies"].([]interface{})
			dup := false
			for _, have := range inline {
				if hm, ok := have.(map[string]interface{}); ok && reflect.DeepEqual(hm["PolicyDocument"], policy["PolicyDocument"]) {
					dup = true
				}
			}
			if !dup {
				props["Policies"] = append(inline, policy)
			}
		}
	}
	return nil
}

// capacityProvider translates one AWS::Serverless::CapacityProvider
// (model/capacity_provider/generators.py, CapacityProviderGenerator).
func (x *samExpander) capacityProvider(id string, r map[string]interface{}) error {
	p := r["Properties"].(map[string]interface{})
	known := []string{"CapacityProviderName", "VpcConfig", "OperatorRole", "Tags", "PropagateTags",
		"InstanceRequirements", "ScalingConfig", "KmsKeyArn"}
	for _, k := range samKeys(p) {
		if !samContains(known, k) {
			return samError("resource %s: property %s is not a property of AWS::Serverless::CapacityProvider; fix: use one of %s", id, k, strings.Join(known, ", "))
		}
	}
	vpc, ok := p["VpcConfig"].(map[string]interface{})
	if !ok {
		return samError("resource %s: VpcConfig is %s; AWS::Serverless::CapacityProvider requires VpcConfig as a map with SubnetIds (and SecurityGroupIds); fix: add VpcConfig: {SubnetIds: [...], SecurityGroupIds: [...]}", id, samShow(p["VpcConfig"]))
	}
	subnets, ok := vpc["SubnetIds"]
	if !ok || subnets == nil {
		return samError("resource %s: VpcConfig %s has no SubnetIds (SAM requires them); fix: add VpcConfig.SubnetIds", id, samShow(vpc))
	}
	for _, k := range samKeys(vpc) {
		if k != "SubnetIds" && k != "SecurityGroupIds" {
			return samError("resource %s: VpcConfig.%s is not a property SAM knows for a capacity provider; fix: use SubnetIds and SecurityGroupIds", id, k)
		}
	}
	cp := samAttributes(r, samResourceAttributes)
	cp["Type"] = "AWS::Lambda::CapacityProvider"
	if d, ok := r["DependsOn"]; ok {
		cp["DependsOn"] = samCopy(d)
	}
	props := map[string]interface{}{}
	if samTruthy(p["CapacityProviderName"]) {
		props["CapacityProviderName"] = samCopy(p["CapacityProviderName"])
	}
	vc := map[string]interface{}{"SubnetIds": samCopy(subnets)}
	if sg, ok := vpc["SecurityGroupIds"]; ok && sg != nil {
		vc["SecurityGroupIds"] = samCopy(sg)
	}
	props["VpcConfig"] = vc
	operator := samCopy(p["OperatorRole"])
	var opRole map[string]interface{}
	if !samTruthy(operator) {
		opRole = samAttributes(r, samPassThroughAttributes)
		opRole["Type"] = "AWS::IAM::Role"
		opRole["Properties"] = map[string]interface{}{
			"AssumeRolePolicyDocument": map[string]interface{}{"Version": "2012-10-17", "Statement": []interface{}{
				map[string]interface{}{"Action": []interface{}{"sts:AssumeRole"}, "Effect": "Allow",
					"Principal": map[string]interface{}{"Service": []interface{}{"lambda.amazonaws.com"}}}}},
			"ManagedPolicyArns": []interface{}{samManagedPolicyArn("AWSLambdaManagedEC2ResourceOperator")},
			"Tags":              samTags(nil),
		}
		operator = map[string]interface{}{"Fn::GetAtt": []interface{}{id + "OperatorRole", "Arn"}}
	}
	props["PermissionsConfig"] = map[string]interface{}{"CapacityProviderOperatorRoleArn": operator}
	props["Tags"] = samTags(p["Tags"])
	if ir, ok := p["InstanceRequirements"].(map[string]interface{}); ok && len(ir) > 0 {
		out := map[string]interface{}{}
		for from, to := range map[string]string{"Architectures": "Architectures", "AllowedTypes": "AllowedInstanceTypes", "ExcludedTypes": "ExcludedInstanceTypes"} {
			if v, ok := ir[from]; ok && v != nil {
				out[to] = samCopy(v)
			}
		}
		props["InstanceRequirements"] = out
	}
	if sc, ok := p["ScalingConfig"].(map[string]interface{}); ok && len(sc) > 0 {
		out := map[string]interface{}{"ScalingMode": "Auto"}
		if v, ok := sc["MaxVCpuCount"]; ok && v != nil {
			out["MaxVCpuCount"] = samCopy(v)
		}
		if v, ok := sc["AverageCPUUtilization"]; ok && v != nil {
			out["ScalingMode"] = "Manual"
			out["ScalingPolicies"] = []interface{}{map[string]interface{}{
				"PredefinedMetricType": "LambdaCapacityProviderAverageCPUUtilization", "TargetValue": samCopy(v)}}
		}
		props["CapacityProviderScalingConfig"] = out
	}
	if samTruthy(p["KmsKeyArn"]) {
		props["KmsKeyArn"] = samCopy(p["KmsKeyArn"])
	}
	cp["Properties"] = props
	if opRole != nil {
		if err := x.add(id, id+"OperatorRole", opRole); err != nil {
			return err
		}
	}
	if err := x.add(id, id, cp); err != nil {
		return err
	}
	if md, ok := r["Metadata"]; ok && md != nil {
		for gid, from := range x.origin {
			if from == id {
				x.resources[gid].(map[string]interface{})["Metadata"] = samCopy(md)
			}
		}
	}
	return nil
}
