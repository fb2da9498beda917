package steps

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/strmprivacy/s3-connector-wizard/awsops"
)

// policyGrace is how long an AccessDenied from S3 is taken for IAM still
// propagating the new policy, once the key itself is known to be valid.
// Longer than that, it is the policy (or a bucket policy) that denies.
const policyGrace = 20 * time.Second

// ValidateStep proves the new key works exactly as STRM will use it:
// GetBucketLocation, then an empty .strm_test_<uuid>.jsonl under the prefix.
type ValidateStep struct{}

// ID implements Step.
func (ValidateStep) ID() string { return "validate" }

// Title implements Step.
func (ValidateStep) Title() string { return "Validate the key like STRM does" }

// Plan implements Step.
func (ValidateStep) Plan(cfg Config) []Change {
	key := awsops.ObjectKey(cfg.Prefix, ".strm_test_<uuid>.jsonl")
	return []Change{{
		Summary: "With the new key: read the bucket's location and write an empty " + key + " (what STRM does)",
		Command: awsCmd(cfg, "s3api", "put-object", "--bucket", cfg.Bucket, "--key", key) + "  # signed with the new key",
	}}
}

// Run implements Step.
func (ValidateStep) Run(ctx context.Context, env *Env) Result {
	cfg := env.Config
	key := env.State.Key
	facts := Facts{Cfg: cfg}
	if key.ID == "" || key.Secret.IsZero() {
		return Result{Status: StatusFailed, Detail: "no access key to validate",
			Diagnosis: Diagnose(KindUnexpected, Facts{Cfg: cfg, Err: fmt.Errorf("the access-key step has not produced a key")})}
	}
	kc := env.keyClients(key.ID, key.Secret)
	start := time.Now()
	attempts := 0
	remaining := func() time.Duration { return cfg.KeyWait - time.Since(start) }
	report := func(what string) func(awsops.Attempt) {
		return func(a awsops.Attempt) {
			env.Report(Progress{
				Message: fmt.Sprintf("%s (%s), attempt %d, %.1f s", what, awsops.Code(a.Err), attempts+a.N, time.Since(start).Seconds()),
				Attempt: attempts + a.N, Elapsed: time.Since(start),
			})
		}
	}
	keyErr := func(k awsops.Kind) bool { return k == awsops.KindInvalidKey || k == awsops.KindSignatureMismatch }

	// 1. Is the key known yet? GetCallerIdentity needs no permission.
	n, err := awsops.Wait(ctx, awsops.KeyPropagationBackoff(cfg.KeyWait), awsops.IsRetryableKeyError,
		func(ctx context.Context) error { _, err := kc.CallerIdentity(ctx); return err }, report("new key not active yet"))
	attempts += n
	if err != nil {
		return validateFailure(err, facts, attempts, time.Since(start), keyErr)
	}

	// 2. and 3. What STRM does. S3 may lag behind STS, and the policy
	// behind the key: retry a denial only for policyGrace.
	phase := func(action, what string, call func(context.Context) error) error {
		phaseStart := time.Now()
		retry := func(k awsops.Kind) bool {
			return keyErr(k) || k == awsops.KindAccessDenied && time.Since(phaseStart) < policyGrace
		}
		n, err := awsops.Wait(ctx, awsops.KeyPropagationBackoff(remaining()), retry, call, report(what))
		attempts += n
		if err != nil {
			facts.Action = action
		}
		return err
	}
	if err := phase("s3:GetBucketLocation", "waiting for S3 to accept the key",
		func(ctx context.Context) error { _, err := kc.BucketRegion(ctx, cfg.Bucket); return err }); err != nil {
		return validateFailure(err, facts, attempts, time.Since(start), keyErr)
	}
	objKey := awsops.ObjectKey(cfg.Prefix, ".strm_test_"+uuid.NewString()+".jsonl")
	if err := phase("s3:PutObject", "waiting for the policy to allow the write",
		func(ctx context.Context) error { return kc.PutEmptyObject(ctx, cfg.Bucket, objKey) }); err != nil {
		return validateFailure(err, facts, attempts, time.Since(start), keyErr)
	}
	env.State.TestObjectKey = objKey
	res := passed("key works: wrote s3://%s/%s in %.2f s", cfg.Bucket, objKey, time.Since(start).Seconds())
	if retries := attempts - 3; retries > 0 {
		res.Detail += fmt.Sprintf(" (%d retries while the key propagated)", retries)
	}
	env.record(&res, Entry{Type: ResTestObject, Name: objKey, Parent: cfg.Bucket, Action: "created",
		Cleanup: awsCmd(cfg, "s3", "rm", "s3://"+cfg.Bucket+"/"+objKey)})
	return res
}

func validateFailure(err error, facts Facts, attempts int, elapsed time.Duration, keyErr func(awsops.Kind) bool) Result {
	facts.Err, facts.Attempts, facts.Elapsed = err, attempts, elapsed
	k := awsops.Classify(err)
	switch {
	case keyErr(k):
		return failed(err, facts, KindKeyNeverValid)
	case k == awsops.KindAccessDenied && facts.Action == "":
		return failed(err, facts, KindKeyNeverValid)
	case k == awsops.KindAccessDenied:
		return failed(err, facts, KindPutDenied)
	case k == awsops.KindKMS:
		return failed(err, facts, KindKMS)
	case k == awsops.KindChecksum:
		return failed(err, facts, KindChecksum)
	}
	return failed(err, facts, "")
}
