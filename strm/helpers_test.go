package strm

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testNow is the fixed clock of every test.
func testNow() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }

// fakeEnv is an Environment that touches nothing of the real machine except
// the programs it is told about.
type fakeEnv struct {
	vars     map[string]string
	programs map[string]string // name -> path, for LookPath
	home     string
}

func newFakeEnv(t *testing.T) *fakeEnv {
	t.Helper()
	return &fakeEnv{vars: map[string]string{}, programs: map[string]string{}, home: t.TempDir()}
}

func (f *fakeEnv) env() Environment {
	return Environment{
		Getenv: func(k string) string { return f.vars[k] },
		LookPath: func(name string) (string, error) {
			if p, ok := f.programs[name]; ok {
				return p, nil
			}
			return "", &exec.Error{Name: name, Err: exec.ErrNotFound}
		},
		Run: func(ctx context.Context, name string, args ...string) ([]byte, []byte, error) {
			for _, p := range f.programs {
				if p == name {
					return runCommand(ctx, name, args...)
				}
			}
			return nil, nil, errors.New("test: refusing to run unknown program " + name)
		},
		HomeDir: func() (string, error) { return f.home, nil },
		HTTP:    &http.Client{Timeout: 30 * time.Second},
		Now:     testNow,
	}
}

// makeJWT builds an unsigned token carrying claims.
func makeJWT(t *testing.T, claims map[string]any) string {
	t.Helper()
	enc := base64.RawURLEncoding
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc.EncodeToString(payload) + ".c2ln"
}

func writeFile(t *testing.T, path, content string, perm os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// asError asserts err is an *Error of kind want and returns it.
func asError(t *testing.T, err error, want Kind) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *strm.Error", err, err)
	}
	if e.Kind != want {
		t.Fatalf("kind = %v, want %v; error: %v", e.Kind, want, err)
	}
	return e
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s = %q; want it to contain %q", what, got, w)
		}
	}
}
