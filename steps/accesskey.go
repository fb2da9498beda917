package steps

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/strmprivacy/s3-connector-wizard/awsops"
	"github.com/strmprivacy/s3-connector-wizard/internal/atomicfile"
)

// AccessKeyStep creates the user's access key and writes the credentials
// file STRM reads, in `aws iam create-access-key` format, mode 0600.
type AccessKeyStep struct{}

// ID implements Step.
func (AccessKeyStep) ID() string { return "access-key" }

// Title implements Step.
func (AccessKeyStep) Title() string { return "Create the access key" }

// Plan implements Step.
func (AccessKeyStep) Plan(cfg Config) []Change {
	return []Change{{
		Summary: "Create an access key for " + cfg.User + " and save it to " + cfg.CredentialsFile + " (mode 0600)",
		Command: awsCmd(cfg, "iam", "create-access-key", "--user-name", cfg.User) + " > " + ShellQuote(cfg.CredentialsFile),
	}}
}

// Run implements Step. An existing credentials file holding a live key of
// this user is reused (no new key); any other existing file is only
// replaced with --force.
func (AccessKeyStep) Run(ctx context.Context, env *Env) Result {
	cfg := env.Config
	facts := Facts{Cfg: cfg, Now: env.now()}
	data, err := os.ReadFile(cfg.CredentialsFile)
	switch {
	case err == nil && !cfg.Force:
		return reuseKeyFile(ctx, env, data, facts)
	case err != nil && !errors.Is(err, os.ErrNotExist):
		facts.Err, facts.Note = err, "It could not be read."
		return failed(err, facts, KindKeyFile)
	}

	key, err := mutating(ctx, func(ctx context.Context) (awsops.AccessKey, error) {
		return env.AWS.CreateAccessKey(ctx, cfg.User)
	})
	facts.Err, facts.Action = err, "iam:CreateAccessKey"
	switch awsops.Classify(err) {
	case awsops.KindNone:
	case awsops.KindLimitExceeded:
		facts.Keys, _ = env.AWS.ListAccessKeys(ctx, cfg.User)
		return failed(err, facts, KindKeyLimit)
	default:
		return failed(err, facts, "")
	}
	res := Result{Status: StatusPassed}
	env.record(&res, Entry{Type: ResAccessKey, Name: key.ID, Parent: cfg.User, Action: "created",
		Cleanup: awsCmd(cfg, "iam", "delete-access-key", "--user-name", cfg.User, "--access-key-id", key.ID)})
	env.State.Key, env.State.KeyCreated, env.State.KeyFromFile = key, true, false
	if err := atomicfile.WriteDurable(cfg.CredentialsFile, awsops.CredentialsFileJSON(key), 0o600); err != nil {
		facts.Err, facts.Note = err, ""
		r := failed(err, facts, KindKeyFile)
		r.Warnings = res.Warnings
		return r
	}
	env.record(&res, Entry{Type: ResCredentialsFile, Name: cfg.CredentialsFile, Parent: key.ID, Action: "written"})
	res.Detail = fmt.Sprintf("created %s, saved to %s (mode 0600)", awsops.MaskKeyID(key.ID), cfg.CredentialsFile)
	return res
}

func reuseKeyFile(ctx context.Context, env *Env, data []byte, facts Facts) Result {
	cfg := env.Config
	key, perr := awsops.ParseCredentialsFile(data)
	if perr != nil {
		facts.Note = "It is not a create-access-key document."
		return failed(nil, facts, KindKeyFileExists)
	}
	if key.UserName != cfg.User {
		facts.Note = fmt.Sprintf("It holds a key of user %q, not %q.", key.UserName, cfg.User)
		return failed(nil, facts, KindKeyFileExists)
	}
	keys, err := env.AWS.ListAccessKeys(ctx, cfg.User)
	if err != nil {
		facts.Err, facts.Action = err, "iam:ListAccessKeys"
		return failed(err, facts, "")
	}
	for _, k := range keys {
		if k.ID == key.ID && k.Status == "Active" {
			res := reused("%s from %s is active", awsops.MaskKeyID(key.ID), cfg.CredentialsFile)
			env.record(&res, Entry{Type: ResAccessKey, Name: key.ID, Parent: cfg.User, Action: "reused"})
			env.State.Key, env.State.KeyFromFile = key, true
			return res
		}
	}
	facts.Note = fmt.Sprintf("Its key %s is no longer an active key of %q.", awsops.MaskKeyID(key.ID), cfg.User)
	return failed(nil, facts, KindKeyFileExists)
}
