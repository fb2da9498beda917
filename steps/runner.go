package steps

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// EventKind says what an Event reports.
type EventKind string

// The runner's events.
const (
	EventStarted  EventKind = "started"
	EventProgress EventKind = "progress"
	EventFinished EventKind = "finished"
)

// Event is what the runner reports while it works. The TUI turns events into
// messages; the headless face prints them.
type Event struct {
	Kind     EventKind
	StepID   string
	Title    string
	Progress Progress // for EventProgress
	Result   Result   // for EventFinished
}

// Runner executes steps in order, times them, stores their results and
// reports events. Steps that finished are never run again, so a retry after
// a failure continues where the run stopped.
type Runner struct {
	steps   []Step
	env     *Env
	results map[string]Result
	onEvent func(Event)
}

// NewRunner prepares a run. onEvent may be nil. It is called from the
// goroutine that calls Run or RunStep.
func NewRunner(steps []Step, env *Env, onEvent func(Event)) *Runner {
	if env.State == nil {
		env.State = &State{}
	}
	if env.RunID == "" {
		env.RunID = uuid.NewString()
	}
	return &Runner{steps: steps, env: env, results: map[string]Result{}, onEvent: onEvent}
}

// Steps returns the steps in order.
func (r *Runner) Steps() []Step { return r.steps }

// Env returns the environment steps run with.
func (r *Runner) Env() *Env { return r.env }

// Result returns a step's result; pending when it has not run.
func (r *Runner) Result(id string) Result {
	if res, ok := r.results[id]; ok {
		return res
	}
	return Result{Status: StatusPending}
}

// Next returns the first step that has not finished successfully.
func (r *Runner) Next() (Step, bool) {
	for _, s := range r.steps {
		if !r.Result(s.ID()).Status.Done() {
			return s, true
		}
	}
	return nil, false
}

func (r *Runner) emit(e Event) {
	if r.onEvent != nil {
		r.onEvent(e)
	}
}

// RunStep runs one step now, whatever its earlier result.
func (r *Runner) RunStep(ctx context.Context, s Step) Result {
	r.emit(Event{Kind: EventStarted, StepID: s.ID(), Title: s.Title()})
	r.env.progress = func(p Progress) {
		r.emit(Event{Kind: EventProgress, StepID: s.ID(), Title: s.Title(), Progress: p})
	}
	start := time.Now()
	res := s.Run(ctx, r.env)
	res.Duration = time.Since(start)
	r.env.progress = nil
	if res.Status == StatusFailed && res.Diagnosis == nil {
		res.Diagnosis = Diagnose(KindUnexpected, Facts{Cfg: r.env.Config, Err: fmt.Errorf("%s", res.Detail)})
	}
	if res.Status == StatusFailed && ctx.Err() != nil {
		res.Diagnosis = Diagnose(KindCanceled, Facts{Cfg: r.env.Config, Err: ctx.Err()})
	}
	r.results[s.ID()] = res
	r.emit(Event{Kind: EventFinished, StepID: s.ID(), Title: s.Title(), Result: res})
	return res
}

// Run runs every step that has not finished, in order, and stops at the
// first failure. It reports whether all steps are done.
func (r *Runner) Run(ctx context.Context) bool {
	for {
		s, ok := r.Next()
		if !ok {
			return true
		}
		if res := r.RunStep(ctx, s); res.Status == StatusFailed {
			return false
		}
	}
}

// Skip marks a failed or pending step as skipped, when the step allows it.
func (r *Runner) Skip(id string) error {
	for _, s := range r.steps {
		if s.ID() != id {
			continue
		}
		sk, ok := s.(Skippable)
		if !ok || !sk.Skippable() {
			return fmt.Errorf("step %s cannot be skipped: later steps depend on it", id)
		}
		res := Result{Status: StatusSkipped, Detail: "skipped by you"}
		r.results[id] = res
		r.emit(Event{Kind: EventFinished, StepID: id, Title: s.Title(), Result: res})
		return nil
	}
	return fmt.Errorf("no step %q", id)
}

// Reset forgets the results from step id on, so they run again (after the
// user edited an input those steps depend on).
func (r *Runner) Reset(id string) {
	found := false
	for _, s := range r.steps {
		if s.ID() == id {
			found = true
		}
		if found {
			delete(r.results, s.ID())
		}
	}
}
