package awsops

import (
	"context"
	"time"
)

// Backoff is the schedule of a propagation wait: the first delay, the
// growth factor, the longest single delay and the overall bound.
type Backoff struct {
	Initial time.Duration
	Factor  float64
	Max     time.Duration
	Bound   time.Duration
}

// KeyPropagationBackoff is the schedule for waiting on a new access key.
// The cap is kept under a second so a key that becomes valid is noticed
// within about a second, while averaging well under four attempts a second.
func KeyPropagationBackoff(bound time.Duration) Backoff {
	return Backoff{Initial: 250 * time.Millisecond, Factor: 1.5, Max: 800 * time.Millisecond, Bound: bound}
}

// Attempt describes one failed try of a Wait, for progress reporting.
type Attempt struct {
	N       int
	Elapsed time.Duration
	Err     error
	Kind    Kind
	Next    time.Duration // delay before the next try
}

// Wait calls try until it succeeds, returns an error whose kind retryable
// rejects, the bound passes, or ctx ends. Each failed attempt that will be
// retried is reported to progress. It returns the last error and the number
// of attempts made.
func Wait(ctx context.Context, b Backoff, retryable func(Kind) bool, try func(context.Context) error, progress func(Attempt)) (int, error) {
	start := time.Now()
	delay := b.Initial
	for n := 1; ; n++ {
		err := try(ctx)
		if err == nil {
			return n, nil
		}
		kind := Classify(err)
		if ctx.Err() != nil {
			return n, err
		}
		if !retryable(kind) {
			return n, err
		}
		elapsed := time.Since(start)
		if elapsed+delay > b.Bound {
			return n, err
		}
		if progress != nil {
			progress(Attempt{N: n, Elapsed: elapsed, Err: err, Kind: kind, Next: delay})
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return n, err
		case <-t.C:
		}
		delay = time.Duration(float64(delay) * b.Factor)
		if delay > b.Max {
			delay = b.Max
		}
	}
}
