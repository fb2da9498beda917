package awsops

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Settings are the user's choices about how to reach AWS. Empty fields fall
// back to what the aws CLI would use: AWS_PROFILE, AWS_REGION,
// AWS_ENDPOINT_URL, the shared config and credentials files, SSO.
type Settings struct {
	Profile     string
	Region      string
	EndpointURL string
}

// LoadConfig resolves the AWS configuration the way the aws CLI does. It
// makes no network call: credentials are resolved lazily by the first
// request (or by Preflight).
func LoadConfig(ctx context.Context, s Settings) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if s.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(s.Profile))
	}
	if s.Region != "" {
		opts = append(opts, config.WithRegion(s.Region))
	}
	if s.EndpointURL != "" {
		opts = append(opts, config.WithBaseEndpoint(s.EndpointURL))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading AWS configuration: %w", err)
	}
	return cfg, nil
}

// WithStaticKey returns a copy of cfg that signs with the given access key
// instead of the operator's credentials, and does not retry on its own: the
// caller's propagation-aware loop decides when to try again.
func WithStaticKey(cfg aws.Config, keyID, secret string) aws.Config {
	c := cfg.Copy()
	c.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(keyID, secret, ""))
	c.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	return c
}

// CustomEndpoint reports whether cfg talks to an endpoint other than AWS's
// own (moto, MinIO, ...): such stores need path-style addressing and request
// checksums only when required.
func CustomEndpoint(cfg aws.Config) bool {
	return cfg.BaseEndpoint != nil && *cfg.BaseEndpoint != ""
}
