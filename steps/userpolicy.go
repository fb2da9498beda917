package steps

import (
	"context"

	"github.com/strmprivacy/s3-connector-wizard/awsops"
)

// UserPolicyStep attaches the policy to the user as an inline policy.
type UserPolicyStep struct{}

// ID implements Step.
func (UserPolicyStep) ID() string { return "user-policy" }

// Title implements Step.
func (UserPolicyStep) Title() string { return "Attach the policy to the user" }

// Plan implements Step.
func (UserPolicyStep) Plan(cfg Config) []Change {
	return []Change{{
		Summary: "Attach inline policy " + cfg.PolicyName + " to " + cfg.User,
		Command: awsCmd(cfg, "iam", "put-user-policy", "--user-name", cfg.User, "--policy-name", cfg.PolicyName,
			"--policy-document", "file://"+cfg.PolicyFile),
	}}
}

// Run implements Step. A user this run created has no policy yet, so only a
// reused user costs the extra GetUserPolicy.
func (UserPolicyStep) Run(ctx context.Context, env *Env) Result {
	cfg := env.Config
	doc := env.State.PolicyJSON
	if doc == "" {
		var err error
		if doc, err = PolicyJSON(cfg); err != nil {
			return failed(err, Facts{Cfg: cfg, Err: err}, KindBucketInvalidName)
		}
		env.State.PolicyJSON = doc
	}
	if !env.State.UserCreated {
		existing, err := env.AWS.GetUserPolicy(ctx, cfg.User, cfg.PolicyName)
		if err == nil && awsops.SamePolicy(existing, doc) {
			res := reused("%s on %s already allows exactly this", cfg.PolicyName, cfg.User)
			env.record(&res, Entry{Type: ResUserPolicy, Name: cfg.PolicyName, Parent: cfg.User, Action: "reused"})
			return res
		}
	}
	err := mutate(ctx, func(ctx context.Context) error { return env.AWS.PutUserPolicy(ctx, cfg.User, cfg.PolicyName, doc) })
	if err != nil {
		return failed(err, Facts{Cfg: cfg, Err: err, Action: "iam:PutUserPolicy"}, "")
	}
	res := passed("attached %s to %s", cfg.PolicyName, cfg.User)
	env.record(&res, Entry{Type: ResUserPolicy, Name: cfg.PolicyName, Parent: cfg.User, Action: "created",
		Cleanup: awsCmd(cfg, "iam", "delete-user-policy", "--user-name", cfg.User, "--policy-name", cfg.PolicyName)})
	return res
}
