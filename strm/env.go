package strm

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"time"
)

// Environment is every way this package reaches outside itself, other than
// reading files the caller named. A nil field means "the real thing" (see
// OSEnvironment); tests set every field.
type Environment struct {
	// Getenv reads an environment variable (os.Getenv).
	Getenv func(key string) string
	// LookPath finds a program on PATH (exec.LookPath).
	LookPath func(file string) (string, error)
	// Run runs a program and returns what it wrote. err is non-nil when it
	// could not start or exited non-zero (an *exec.ExitError then).
	Run func(ctx context.Context, name string, args ...string) (stdout, stderr []byte, err error)
	// HomeDir is the user's home, for the default config dir (os.UserHomeDir).
	HomeDir func() (string, error)
	// HTTP is the client for the OAuth2 token refresh (http.DefaultClient).
	HTTP *http.Client
	// Now is the clock for token expiry (time.Now).
	Now func() time.Time
}

// OSEnvironment is the Environment of the running process.
func OSEnvironment() Environment {
	return Environment{
		Getenv:   os.Getenv,
		LookPath: exec.LookPath,
		Run:      runCommand,
		HomeDir:  os.UserHomeDir,
		HTTP:     http.DefaultClient,
		Now:      time.Now,
	}
}

func (e Environment) withDefaults() Environment {
	d := OSEnvironment()
	if e.Getenv == nil {
		e.Getenv = d.Getenv
	}
	if e.LookPath == nil {
		e.LookPath = d.LookPath
	}
	if e.Run == nil {
		e.Run = d.Run
	}
	if e.HomeDir == nil {
		e.HomeDir = d.HomeDir
	}
	if e.HTTP == nil {
		e.HTTP = d.HTTP
	}
	if e.Now == nil {
		e.Now = d.Now
	}
	return e
}

func runCommand(ctx context.Context, name string, args ...string) ([]byte, []byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	return stdout.Bytes(), stderr.Bytes(), err
}
