package steps_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/strmprivacy/s3-connector-wizard/awsops"
	"github.com/strmprivacy/s3-connector-wizard/internal/testenv"
	"github.com/strmprivacy/s3-connector-wizard/steps"
	"github.com/strmprivacy/s3-connector-wizard/strm"
)

// harness runs the real engine against moto (IAM enforcement on), through
// the fault proxy, with every file in a temporary directory and STRM
// registration pinned to "no login, no CLI" unless a test says otherwise.
type harness struct {
	t     *testing.T
	moto  *testenv.Moto
	proxy *testenv.Proxy
	dir   string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	m := testenv.StartMoto(t)
	return &harness{t: t, moto: m, proxy: testenv.NewProxy(t, m.URL), dir: t.TempDir()}
}

// config returns resolved inputs for bucket/prefix in region, writing files
// into the harness directory.
func (h *harness) config(region, bucket, prefix string) steps.Config {
	h.t.Helper()
	cfg, _, err := steps.Config{
		Region: region, EndpointURL: h.proxy.URL, Bucket: bucket, Prefix: prefix,
		CredentialsFile: filepath.Join(h.dir, "s3.json"),
		PolicyFile:      filepath.Join(h.dir, "strm-policy.json"),
		JournalFile:     filepath.Join(h.dir, "journal.json"),
		KeyWait:         10 * time.Second,
	}.Resolve()
	if err != nil {
		h.t.Fatalf("config: %v", err)
	}
	return cfg
}

// noSTRM is an environment with no STRM login and no strm CLI.
func noSTRM(dir string) strm.Options {
	return strm.Options{ConfigDir: filepath.Join(dir, "strm-config"), Env: strm.Environment{
		Getenv:   func(string) string { return "" },
		LookPath: func(string) (string, error) { return "", errors.New("not found") },
	}}
}

// eventLog collects runner events; safe for the runner's goroutine.
type eventLog struct {
	mu     sync.Mutex
	events []steps.Event
}

func (l *eventLog) add(e steps.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

func (l *eventLog) progress(step string) []steps.Progress {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []steps.Progress
	for _, e := range l.events {
		if e.Kind == steps.EventProgress && e.StepID == step {
			out = append(out, e.Progress)
		}
	}
	return out
}

// newRunner builds the engine for cfg with the admin's credentials, or
// with the given operator key.
func (h *harness) newRunner(cfg steps.Config, operatorKey ...string) (*steps.Runner, *eventLog) {
	h.t.Helper()
	awsCfg := h.moto.AdminConfig(h.t, cfg.Region)
	if len(operatorKey) == 2 {
		awsCfg = h.moto.Config(h.t, operatorKey[0], operatorKey[1], cfg.Region)
	}
	awsCfg = h.proxy.Config(awsCfg)
	j, err := steps.OpenJournal(cfg.JournalFile)
	if err != nil {
		h.t.Fatal(err)
	}
	log := &eventLog{}
	env := &steps.Env{Config: cfg, AWS: awsops.NewClients(awsCfg), Journal: j, STRM: noSTRM(h.dir)}
	return steps.NewRunner(steps.DefaultSteps(), env, log.add), log
}

// run runs the whole setup and returns the runner.
func (h *harness) run(cfg steps.Config) (*steps.Runner, *eventLog, bool) {
	h.t.Helper()
	r, log := h.newRunner(cfg)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ok := r.Run(ctx)
	return r, log, ok
}

func statuses(r *steps.Runner) map[string]steps.Status {
	out := map[string]steps.Status{}
	for _, s := range r.Steps() {
		out[s.ID()] = r.Result(s.ID()).Status
	}
	return out
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
