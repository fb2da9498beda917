package steps

import (
	"context"

	"github.com/strmprivacy/s3-connector-wizard/awsops"
)

// PreflightStep proves the operator's credentials work and says whose they
// are, before anything is changed.
type PreflightStep struct{}

// ID implements Step.
func (PreflightStep) ID() string { return "preflight" }

// Title implements Step.
func (PreflightStep) Title() string { return "Check AWS credentials" }

// Plan implements Step.
func (PreflightStep) Plan(cfg Config) []Change {
	return []Change{{Summary: "Check who you are (read-only)", Command: awsCmd(cfg, "sts", "get-caller-identity")}}
}

// Run implements Step.
func (PreflightStep) Run(ctx context.Context, env *Env) Result {
	cfg := env.Config
	id, err := env.AWS.CallerIdentity(ctx)
	if err != nil {
		return failed(err, Facts{Cfg: cfg, Err: err, Action: "sts:GetCallerIdentity"}, "")
	}
	env.State.Identity = id
	if env.Journal != nil {
		env.Journal.SetContext(id.Account, cfg.EndpointURL)
	}
	where := cfg.Region
	if cfg.EndpointURL != "" {
		where += " via " + cfg.EndpointURL
	}
	return passed("account %s as %s, %s", id.Account, id.ARN, where)
}

// failed builds a failed Result. kind "" picks the catalogue entry from the
// error's class (credentials, permissions, network...).
func failed(err error, f Facts, kind string) Result {
	var d *Diagnosis
	if kind == "" {
		d = DiagnoseAWS(f)
	} else {
		d = Diagnose(kind, f)
	}
	if awsops.Classify(err) == awsops.KindCanceled {
		d = Diagnose(KindCanceled, f)
	}
	return Result{Status: StatusFailed, Detail: d.Title, Diagnosis: d}
}
