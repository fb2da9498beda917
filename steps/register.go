package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/strmprivacy/s3-connector-wizard/strm"
)

// RegisterStep registers the bucket with STRM Privacy as a data connector:
// through the API when a login is found, else through the strm CLI, else it
// hands the user the exact command (status manual, never passed).
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

func registerRequest(cfg Config) strm.CreateRequest {
	return strm.CreateRequest{
		Name: cfg.Connector, Bucket: cfg.Bucket, CredentialsFile: cfg.CredentialsFile,
		AssumeRoleARN: cfg.AssumeRoleARN, Project: cfg.STRMProject,
	}
}

// RegisterCommand is the strm CLI command that registers the connector by hand.
func RegisterCommand(cfg Config) string { return strm.ManualCommand(registerRequest(cfg)) }

// NextCommand is the command the user needs after this wizard: a batch
// exporter writing to the same prefix the policy allows.
func NextCommand(cfg Config) string {
	s := "strm create batch-exporter <stream> --data-connector " + ShellQuote(cfg.Connector)
	if cfg.Prefix != "" {
		s += " --path-prefix " + ShellQuote(cfg.Prefix)
	}
	return s
}

// STRMOptions turns the inputs into the strm client's options.
func STRMOptions(cfg Config, base strm.Options) strm.Options {
	o := base
	if cfg.STRMAPIHost != "" {
		o.APIHost = cfg.STRMAPIHost
	}
	if cfg.STRMAuthURL != "" {
		o.AuthURL = cfg.STRMAuthURL
	}
	return o
}

// Run implements Step.
func (RegisterStep) Run(ctx context.Context, env *Env) Result {
	cfg := env.Config
	facts := Facts{Cfg: cfg}
	if cfg.SkipRegister {
		facts.Note = "You asked to skip it (--skip-register)."
		return manual(facts)
	}
	mode, err := strm.ParseMode(cfg.RegisterWith)
	if err != nil {
		return failed(err, Facts{Cfg: cfg, Err: err}, KindRegisterInvalid)
	}
	res, err := strm.Register(ctx, STRMOptions(cfg, env.STRM), mode, registerRequest(cfg))
	facts.Err = err
	var serr *strm.Error
	if err != nil && errors.As(err, &serr) {
		if serr.Search != nil {
			facts.Note = serr.Search.String() + "."
		} else if res.Search.Attempts != nil {
			facts.Note = res.Search.String() + "."
		}
	}
	switch strm.KindOf(err) {
	case strm.KindManual:
		return manual(facts)
	case strm.KindNoToken, strm.KindUnauthenticated:
		return failed(err, facts, KindRegisterLogin)
	case strm.KindPermissionDenied:
		return failed(err, facts, KindRegisterDenied)
	case strm.KindInvalidArgument:
		return failed(err, facts, KindRegisterInvalid)
	case strm.KindAlreadyExists:
		facts.Region = res.Connector.BucketName // the bucket it points at
		return failed(err, facts, KindRegisterNameTaken)
	case strm.KindNotFound:
		return failed(err, facts, KindRegisterProject)
	case strm.KindUnavailable:
		return failed(err, facts, KindRegisterUnavailable)
	case strm.KindCLIFailed:
		return failed(err, facts, KindRegisterCLI)
	case strm.KindCanceled:
		return failed(err, facts, KindCanceled)
	}
	if err != nil {
		return failed(err, facts, KindUnexpected)
	}
	out := res.Connector.JSON()
	env.State.Connector = out
	var r Result
	if res.Existed {
		r = reused("%s already points at %s (via %s)", cfg.Connector, cfg.Bucket, res.Via)
		if env.State.KeyCreated {
			r.Warnings = append(r.Warnings, fmt.Sprintf(
				"connector %s keeps the key it was created with, not the new one; to use the new key: strm delete data-connector %s, then run the wizard again",
				cfg.Connector, ShellQuote(cfg.Connector)))
		}
	} else {
		r = passed("created %s in project %s (via %s)", cfg.Connector, projectLabel(res), res.Via)
	}
	r.Output = out
	action := "created"
	if res.Existed {
		action = "reused"
	}
	env.record(&r, Entry{Type: ResConnector, Name: cfg.Connector, Parent: cfg.Bucket, Action: action,
		Cleanup: "strm delete data-connector " + ShellQuote(cfg.Connector)})
	return r
}

func projectLabel(res strm.Result) string {
	switch {
	case res.Project.Name != "":
		return res.Project.Name
	case res.Connector.ProjectID != "":
		return res.Connector.ProjectID
	}
	return "(active)"
}

func manual(f Facts) Result {
	d := Diagnose(KindRegisterManual, f)
	d.Detail = ""
	return Result{Status: StatusManual, Detail: "register it yourself: " + RegisterCommand(f.Cfg), Diagnosis: d}
}

// DefaultSteps returns the setup's steps in order.
func DefaultSteps() []Step {
	return []Step{PreflightStep{}, BucketStep{}, PolicyStep{}, UserStep{}, UserPolicyStep{}, AccessKeyStep{}, ValidateStep{}, RegisterStep{}}
}
