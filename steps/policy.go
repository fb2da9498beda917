package steps

import (
	"bytes"
	"context"
	"errors"
	"os"

	"github.com/strmprivacy/s3-connector-wizard/awsops"
	"github.com/strmprivacy/s3-connector-wizard/internal/atomicfile"
)

// PolicyStep builds the least-privilege policy STRM Privacy documents and
// saves it to a file, so the user has it whatever else happens.
type PolicyStep struct{}

// ID implements Step.
func (PolicyStep) ID() string { return "policy" }

// Title implements Step.
func (PolicyStep) Title() string { return "Write the least-privilege policy" }

// Plan implements Step.
func (PolicyStep) Plan(cfg Config) []Change {
	return []Change{{Summary: "Save the policy (GetBucketLocation on the bucket, PutObject on " + awsops.ObjectARN(cfg.Bucket, cfg.Prefix) + ") to " + cfg.PolicyFile}}
}

// PolicyJSON returns the policy document for cfg, as saved and attached.
func PolicyJSON(cfg Config) (string, error) {
	doc, _, err := awsops.BuildPolicy(cfg.Bucket, cfg.Prefix)
	if err != nil {
		return "", err
	}
	return doc.JSON(), nil
}

// Run implements Step.
func (PolicyStep) Run(ctx context.Context, env *Env) Result {
	cfg := env.Config
	doc, err := PolicyJSON(cfg)
	if err != nil {
		return Result{Status: StatusFailed, Detail: err.Error(), Diagnosis: Diagnose(KindBucketInvalidName, Facts{Cfg: cfg, Err: err})}
	}
	env.State.PolicyJSON = doc
	if old, err := os.ReadFile(cfg.PolicyFile); err == nil && bytes.Equal(old, []byte(doc)) {
		return reused("%s already holds this policy", cfg.PolicyFile)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return failed(err, Facts{Cfg: cfg, Err: err}, KindPolicyFile)
	}
	if err := atomicfile.Write(cfg.PolicyFile, []byte(doc), 0o644); err != nil {
		return failed(err, Facts{Cfg: cfg, Err: err}, KindPolicyFile)
	}
	res := passed("saved to %s", cfg.PolicyFile)
	env.record(&res, Entry{Type: ResPolicyFile, Name: cfg.PolicyFile, Action: "written"})
	return res
}
