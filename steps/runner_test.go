package steps

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// scripted is a step whose outcomes are given in advance: a unit test of the
// runner's logic, not of AWS behaviour.
type scripted struct {
	id       string
	outcomes []Status
	calls    *int
	skip     bool
}

func (s scripted) ID() string           { return s.id }
func (s scripted) Title() string        { return "step " + s.id }
func (s scripted) Plan(Config) []Change { return nil }
func (s scripted) Skippable() bool      { return s.skip }
func (s scripted) Run(ctx context.Context, env *Env) Result {
	n := *s.calls
	*s.calls++
	env.Report(Progress{Message: "working", Attempt: n + 1})
	st := s.outcomes[min(n, len(s.outcomes)-1)]
	if st == StatusFailed {
		return Result{Status: st, Detail: "boom"}
	}
	return Result{Status: st, Detail: "ok"}
}

func TestRunnerStopsAtFailureAndRetriesOnlyWhatIsLeft(t *testing.T) {
	var a, b, c int
	var events []string
	r := NewRunner([]Step{
		scripted{id: "a", outcomes: []Status{StatusPassed}, calls: &a},
		scripted{id: "b", outcomes: []Status{StatusFailed, StatusReused}, calls: &b},
		scripted{id: "c", outcomes: []Status{StatusPassed}, calls: &c},
	}, &Env{}, func(e Event) { events = append(events, string(e.Kind)+":"+e.StepID) })

	if r.Run(context.Background()) {
		t.Fatal("first run reported success")
	}
	if a != 1 || b != 1 || c != 0 {
		t.Fatalf("calls a=%d b=%d c=%d, want 1 1 0", a, b, c)
	}
	if d := r.Result("b").Diagnosis; d == nil || d.Kind != KindUnexpected {
		t.Errorf("failed step without diagnosis got %+v, want the generic entry", d)
	}
	if !r.Run(context.Background()) {
		t.Fatal("retry did not complete")
	}
	if a != 1 || b != 2 || c != 1 {
		t.Fatalf("after retry calls a=%d b=%d c=%d, want 1 2 1 (passed steps never re-run)", a, b, c)
	}
	got := strings.Join(events, " ")
	want := "started:a progress:a finished:a started:b progress:b finished:b started:b progress:b finished:b started:c progress:c finished:c"
	if got != want {
		t.Errorf("events:\n%s\nwant\n%s", got, want)
	}
	rep := r.Report()
	if !rep.OK || len(rep.Steps) != 3 || rep.Steps[1].Status != StatusReused {
		t.Errorf("report = %+v", rep)
	}
}

func TestRunnerSkipAndReset(t *testing.T) {
	var a, b int
	r := NewRunner([]Step{
		scripted{id: "a", outcomes: []Status{StatusPassed}, calls: &a},
		scripted{id: "b", outcomes: []Status{StatusFailed}, calls: &b, skip: true},
	}, &Env{}, nil)
	r.Run(context.Background())
	if err := r.Skip("a"); err == nil {
		t.Error("skipping a non-skippable step was allowed")
	}
	if err := r.Skip("b"); err != nil {
		t.Fatal(err)
	}
	if !r.Run(context.Background()) || r.Result("b").Status != StatusSkipped {
		t.Fatalf("after skip: %+v", r.Result("b"))
	}
	r.Reset("a")
	if r.Result("a").Status != StatusPending || r.Result("b").Status != StatusPending {
		t.Fatal("Reset did not forget the results from a on")
	}
	r.Run(context.Background())
	if a != 2 {
		t.Errorf("a ran %d times, want 2 after Reset", a)
	}
}

func TestMutatingCallOutlivesCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	got, err := mutating(ctx, func(c context.Context) (string, error) {
		cancel() // Ctrl-C arrives while AWS is working
		if c.Err() != nil {
			return "", c.Err()
		}
		return "created", nil
	})
	if err != nil || got != "created" {
		t.Fatalf("mutating = %q, %v; want the call to finish so it can be journaled", got, err)
	}
	if _, err := mutating(ctx, func(context.Context) (string, error) { return "x", nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("mutating after cancel = %v, want it not to start", err)
	}
}
