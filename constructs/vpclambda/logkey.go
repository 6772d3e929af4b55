package vpclambda

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// NewLogEncryptionKey creates a customer managed KMS key for
// VpcLambdaProps.LogEncryptionKey: rotated yearly, usable by CloudWatch
// Logs of this account and region for its log groups only (AWS's key policy
// for encrypted log groups), and deleted 30 days after the stack when
// removal is awscdk.RemovalPolicy_DESTROY. A key costs about USD 1 a month.
//
// A key of your own works too: its policy must allow the
// logs.REGION.amazonaws.com service principal kms:Encrypt*, kms:Decrypt*,
// kms:ReEncrypt*, kms:GenerateDataKey* and kms:Describe* for this account's
// log groups.
func NewLogEncryptionKey(scope constructs.Construct, id string, removal awscdk.RemovalPolicy) awskms.Key {
	stack := awscdk.Stack_Of(scope)
	key := awskms.NewKey(scope, jsii.String(id), &awskms.KeyProps{
		Description:       jsii.String("Encrypts the CloudWatch log groups of " + *scope.Node().Path()),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     orDefault(removal, awscdk.RemovalPolicy_RETAIN),
		PendingWindow:     awscdk.Duration_Days(jsii.Number(30)),
	})
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudWatchLogsOfThisAccount"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("logs."+*stack.Region()+".amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]interface{}{"ArnLike": map[string]interface{}{
			"kms:EncryptionContext:aws:logs:arn": stack.FormatArn(&awscdk.ArnComponents{
				Service: jsii.String("logs"), Resource: jsii.String("log-group"), ResourceName: jsii.String("*"), ArnFormat: awscdk.ArnFormat_COLON_RESOURCE_NAME,
			}),
		}},
	}), nil)
	return key
}
