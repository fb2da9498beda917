package steps

import (
	"context"
	"time"

	"github.com/strmprivacy/s3-connector-wizard/awsops"
	"github.com/strmprivacy/s3-connector-wizard/strm"
)

// Env is what steps run with: the inputs, the clients, the journal and the
// state earlier steps left for later ones. The runner owns it; only one step
// runs at a time, so steps read and write State without locking.
type Env struct {
	Config  Config
	AWS     *awsops.Clients // the operator's credentials
	Journal *Journal
	State   *State

	// KeyClients builds clients that sign with the new access key. Nil means
	// "same endpoint and region as AWS, static key" (awsops.WithStaticKey).
	KeyClients func(keyID string, secret awsops.Secret) *awsops.Clients

	// STRM is how the register step reaches STRM Privacy (its environment:
	// variables, PATH, HTTP client); the zero value is the real process's.
	// API host and auth URL come from Config.
	STRM strm.Options

	// Now is the clock (tests pin it). Nil means time.Now.
	Now func() time.Time

	// RunID tags journal entries of one run; set by the runner.
	RunID string

	// progress is set by the runner around each step.
	progress func(Progress)
}

// State is what earlier steps learned, for later ones and the summary.
type State struct {
	Identity      awsops.Identity
	BucketRegion  string
	User          awsops.User
	Key           awsops.AccessKey // Secret is masked when printed
	KeyFromFile   bool             // the key was read from an existing credentials file
	BucketCreated bool
	UserCreated   bool
	KeyCreated    bool
	PolicyJSON    string
	TestObjectKey string
	Connector     string // the registered connector, as the strm CLI prints it
}

// Progress is a step's report while it waits, e.g. for a new key.
type Progress struct {
	Message string
	Attempt int
	Elapsed time.Duration
}

// Report sends a progress event through the runner.
func (e *Env) Report(p Progress) {
	if e.progress != nil {
		e.progress(p)
	}
}

// record writes a journal entry right away. A journal that cannot be
// written is reported as a warning on the step, not hidden.
func (e *Env) record(r *Result, entry Entry) {
	if e.Journal == nil {
		return
	}
	entry.At = e.now().UTC()
	entry.RunID = e.RunID
	if err := e.Journal.Record(entry); err != nil {
		r.Warnings = append(r.Warnings, "journal not written: "+err.Error())
	}
}

func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Env) keyClients(keyID string, secret awsops.Secret) *awsops.Clients {
	if e.KeyClients != nil {
		return e.KeyClients(keyID, secret)
	}
	return awsops.NewClients(awsops.WithStaticKey(e.AWS.Config(), keyID, secret.Reveal()))
}

// mutationTimeout bounds a create call that runs on after Ctrl-C.
const mutationTimeout = 30 * time.Second

// mutating runs a call that creates something in AWS. Once started, the call
// is not cancelled by Ctrl-C: AWS may already have acted on it, and only its
// answer lets the journal record what now exists. It refuses to start once
// ctx is done.
func mutating[T any](ctx context.Context, call func(context.Context) (T, error)) (T, error) {
	if err := ctx.Err(); err != nil {
		var zero T
		return zero, err
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), mutationTimeout)
	defer cancel()
	return call(cctx)
}

// mutate is mutating for calls that return only an error.
func mutate(ctx context.Context, call func(context.Context) error) error {
	_, err := mutating(ctx, func(ctx context.Context) (struct{}, error) { return struct{}{}, call(ctx) })
	return err
}
