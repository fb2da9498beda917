package steps

import (
	"context"

	"github.com/strmprivacy/s3-connector-wizard/awsops"
)

// BucketStep creates the bucket, or reuses it when it is provably yours.
type BucketStep struct{}

// ID implements Step.
func (BucketStep) ID() string { return "bucket" }

// Title implements Step.
func (BucketStep) Title() string { return "Create the S3 bucket" }

// Plan implements Step.
func (BucketStep) Plan(cfg Config) []Change {
	return []Change{{
		Summary: "Create bucket " + cfg.Bucket + " in " + cfg.Region + " (or reuse it if you already own it)",
		Command: awsCmd(cfg, "s3", "mb", "s3://"+cfg.Bucket, "--region", cfg.Region),
	}}
}

// Run implements Step. Ownership is proven by ListBuckets (or by
// CreateBucket answering BucketAlreadyOwnedByYou), never by HeadBucket or
// GetBucketLocation, which also answer for buckets others own.
func (BucketStep) Run(ctx context.Context, env *Env) Result {
	cfg := env.Config
	facts := Facts{Cfg: cfg, Account: env.State.Identity.Account}
	found, region, err := env.AWS.FindOwnedBucket(ctx, cfg.Bucket)
	if err != nil {
		facts.Err, facts.Action = err, "s3:ListAllMyBuckets"
		return failed(err, facts, "")
	}
	if found {
		return reuseBucket(ctx, env, region, facts)
	}
	err = mutate(ctx, func(ctx context.Context) error { return env.AWS.CreateBucket(ctx, cfg.Bucket, cfg.Region) })
	facts.Err, facts.Action = err, "s3:CreateBucket"
	switch awsops.Classify(err) {
	case awsops.KindNone:
		res := passed("created %s in %s", cfg.Bucket, cfg.Region)
		env.record(&res, Entry{Type: ResBucket, Name: cfg.Bucket, Region: cfg.Region, Action: "created",
			Cleanup: awsCmd(cfg, "s3", "rb", "s3://"+cfg.Bucket)})
		env.State.BucketRegion, env.State.BucketCreated = cfg.Region, true
		return res
	case awsops.KindAlreadyOwned:
		return reuseBucket(ctx, env, "", facts)
	case awsops.KindNameTaken:
		// Someone else owns it. If they let us in, say so precisely.
		if _, lerr := env.AWS.BucketRegion(ctx, cfg.Bucket); lerr == nil {
			return failed(err, facts, KindBucketOtherAccount)
		}
		return failed(err, facts, KindBucketNameTaken)
	case awsops.KindInvalidName:
		return failed(err, facts, KindBucketInvalidName)
	case awsops.KindInvalidLocation:
		return failed(err, facts, KindBucketInvalidLocation)
	}
	return failed(err, facts, "")
}

func reuseBucket(ctx context.Context, env *Env, region string, facts Facts) Result {
	cfg := env.Config
	if region == "" {
		var err error
		region, err = env.AWS.BucketRegion(ctx, cfg.Bucket)
		if err != nil {
			facts.Err, facts.Action = err, "s3:GetBucketLocation"
			return failed(err, facts, "")
		}
	}
	if region != cfg.Region {
		facts.Region = region
		return failed(nil, facts, KindBucketWrongRegion)
	}
	res := reused("%s is yours, in %s", cfg.Bucket, region)
	env.record(&res, Entry{Type: ResBucket, Name: cfg.Bucket, Region: region, Action: "reused"})
	env.State.BucketRegion = region
	return res
}
