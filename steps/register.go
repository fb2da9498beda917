package steps

import (
	"context"
	"strings"
)

// RegisterStep registers the bucket with STRM Privacy as a data connector.
type RegisterStep struct{}

// ID implements Step.
func (RegisterStep) ID() string { return "register" }

// Title implements Step.
func (RegisterStep) Title() string { return "Register the connector with STRM" }

// Skippable implements Skippable: the connector can be registered later.
func (RegisterStep) Skippable() bool { return true }

// Plan implements Step.
func (RegisterStep) Plan(cfg Config) []Change {
	return []Change{{Summary: "Register data connector " + cfg.Connector + " for bucket " + cfg.Bucket + " with STRM Privacy", Command: RegisterCommand(cfg)}}
}

// RegisterCommand is the strm CLI command that registers the connector by hand.
func RegisterCommand(cfg Config) string {
	s := command("strm", "create", "data-connector", "s3", cfg.Connector, cfg.Bucket, "--credentials-file="+cfg.CredentialsFile)
	if cfg.STRMProject != "" {
		s += " --project " + ShellQuote(cfg.STRMProject)
	}
	return s
}

// NextCommand is the command the user needs after this wizard: a batch
// exporter writing to the same prefix the policy allows.
func NextCommand(cfg Config) string {
	s := "strm create batch-exporter <stream> --data-connector " + ShellQuote(cfg.Connector)
	if cfg.Prefix != "" {
		s += " --path-prefix " + ShellQuote(cfg.Prefix)
	}
	return s
}

// Run implements Step.
func (RegisterStep) Run(ctx context.Context, env *Env) Result {
	cfg := env.Config
	if cfg.SkipRegister || env.Registrar == nil {
		why := "registration skipped (--skip-register)"
		if !cfg.SkipRegister {
			why = "no STRM login found"
		}
		return Result{Status: StatusManual, Detail: why + ": run " + RegisterCommand(cfg),
			Diagnosis: &Diagnosis{Kind: "register.manual", Title: "Register the connector yourself",
				Why:      strings.ToUpper(why[:1]) + why[1:] + ".",
				Fix:      []string{"Log in with `strm auth login`, then run the command below (or rerun the wizard)."},
				Commands: []string{RegisterCommand(cfg)}, Retry: true}}
	}
	return env.Registrar.Register(ctx, env)
}

// Registrar performs the registration; the strm package provides it.
type Registrar interface {
	Register(ctx context.Context, env *Env) Result
}

// DefaultSteps returns the setup's steps in order.
func DefaultSteps() []Step {
	return []Step{PreflightStep{}, BucketStep{}, PolicyStep{}, UserStep{}, UserPolicyStep{}, AccessKeyStep{}, ValidateStep{}, RegisterStep{}}
}
