// Package steps is the setup engine: each step of STRM Privacy's manual S3
// data connector setup as a Step, a Runner that executes them in order and
// reports events, the journal of created resources, and the troubleshooting
// catalogue. It knows nothing about terminals; the TUI and the headless
// runner are two faces of it.
package steps

import (
	"context"
	"time"
)

// Status is the outcome of a step.
type Status string

// Step outcomes. "manual" means the user still has to do something by hand
// (e.g. register the connector): it is not a pass.
const (
	StatusPending Status = "pending"
	StatusPassed  Status = "passed"
	StatusReused  Status = "reused"
	StatusSkipped Status = "skipped"
	StatusManual  Status = "manual"
	StatusFailed  Status = "failed"
)

// OK reports whether the status lets the run go on.
func (s Status) OK() bool {
	return s == StatusPassed || s == StatusReused || s == StatusSkipped || s == StatusManual
}

// Done reports whether the step has finished without failing.
func (s Status) Done() bool { return s.OK() }

// Result is what a step's Run returns.
type Result struct {
	Status    Status
	Detail    string        // one line, no secret
	Duration  time.Duration // filled in by the runner
	Diagnosis *Diagnosis    // set when Status is failed (or manual, to say what to do)
	Warnings  []string
	Output    string // optional block of output, e.g. the connector as JSON
}

// Change is one thing a step will do, with the aws (or strm) CLI command a
// person would type to do the same by hand.
type Change struct {
	Summary string `json:"summary"`
	Command string `json:"command,omitempty"`
}

// Step is one stage of the setup.
type Step interface {
	ID() string
	Title() string
	// Plan lists the changes the step will make for cfg, for the review
	// screen and --dry-run. It makes no call.
	Plan(cfg Config) []Change
	// Run performs the step. It reports progress through env.Progress and
	// records created resources in env.Journal right after creating them.
	Run(ctx context.Context, env *Env) Result
}

// Skippable is implemented by steps the user may skip after a failure.
type Skippable interface {
	Skippable() bool
}

func passed(format string, args ...any) Result {
	return Result{Status: StatusPassed, Detail: sprintf(format, args...)}
}

func reused(format string, args ...any) Result {
	return Result{Status: StatusReused, Detail: sprintf(format, args...)}
}
