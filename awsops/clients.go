package awsops

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// S3API is the part of the S3 API the wizard uses.
type S3API interface {
	ListBuckets(ctx context.Context, in *s3.ListBucketsInput, optFns ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
	CreateBucket(ctx context.Context, in *s3.CreateBucketInput, optFns ...func(*s3.Options)) (*s3.CreateBucketOutput, error)
	GetBucketLocation(ctx context.Context, in *s3.GetBucketLocationInput, optFns ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

// IAMAPI is the part of the IAM API the wizard uses.
type IAMAPI interface {
	CreateUser(ctx context.Context, in *iam.CreateUserInput, optFns ...func(*iam.Options)) (*iam.CreateUserOutput, error)
	GetUser(ctx context.Context, in *iam.GetUserInput, optFns ...func(*iam.Options)) (*iam.GetUserOutput, error)
	PutUserPolicy(ctx context.Context, in *iam.PutUserPolicyInput, optFns ...func(*iam.Options)) (*iam.PutUserPolicyOutput, error)
	GetUserPolicy(ctx context.Context, in *iam.GetUserPolicyInput, optFns ...func(*iam.Options)) (*iam.GetUserPolicyOutput, error)
	CreateAccessKey(ctx context.Context, in *iam.CreateAccessKeyInput, optFns ...func(*iam.Options)) (*iam.CreateAccessKeyOutput, error)
	ListAccessKeys(ctx context.Context, in *iam.ListAccessKeysInput, optFns ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error)
}

// STSAPI is the part of the STS API the wizard uses.
type STSAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// Clients builds the SDK clients for one aws.Config on first use, so a run
// that never reaches IAM never pays for an IAM client.
type Clients struct {
	cfg aws.Config

	s3Once, iamOnce, stsOnce sync.Once
	s3c                      S3API
	iamc                     IAMAPI
	stsc                     STSAPI
}

// NewClients returns lazily built clients for cfg.
func NewClients(cfg aws.Config) *Clients { return &Clients{cfg: cfg} }

// ClientsFrom wraps given implementations (small fakes in unit tests); a nil
// one is built from an empty configuration on first use.
func ClientsFrom(s S3API, i IAMAPI, t STSAPI) *Clients {
	return &Clients{s3c: s, iamc: i, stsc: t}
}

// Config returns the configuration the clients are built from.
func (c *Clients) Config() aws.Config { return c.cfg }

// S3 returns the S3 client. Custom endpoints get path-style addressing and
// checksums only when an operation requires them, which S3-compatible
// stores (and moto) need.
func (c *Clients) S3() S3API {
	c.s3Once.Do(func() {
		if c.s3c != nil {
			return
		}
		custom := CustomEndpoint(c.cfg)
		c.s3c = s3.NewFromConfig(c.cfg, func(o *s3.Options) {
			if custom {
				o.UsePathStyle = true
				o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
				o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
			}
		})
	})
	return c.s3c
}

// IAM returns the IAM client.
func (c *Clients) IAM() IAMAPI {
	c.iamOnce.Do(func() {
		if c.iamc == nil {
			c.iamc = iam.NewFromConfig(c.cfg)
		}
	})
	return c.iamc
}

// STS returns the STS client.
func (c *Clients) STS() STSAPI {
	c.stsOnce.Do(func() {
		if c.stsc == nil {
			c.stsc = sts.NewFromConfig(c.cfg)
		}
	})
	return c.stsc
}
