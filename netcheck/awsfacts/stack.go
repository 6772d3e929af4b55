package awsfacts

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/vpclambda/vpclambda/netcheck"
)

// FromStackDefault reads a deployed stack's network with the AWS SDK's
// usual configuration (credentials, AWS_REGION, AWS_ENDPOINT_URL), within
// two minutes: what the commands' --stack flag uses.
func FromStackDefault(stack string) (*netcheck.Facts, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	return NewClients(cfg).FromStack(ctx, stack)
}
