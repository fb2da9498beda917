package strm

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"

	"github.com/strmprivacy/s3-connector-wizard/internal/shell"
)

const defaultCredentialsFile = "s3.json"

// ManualCommand is the strm command that creates the connector by hand:
// `strm create data-connector s3 NAME BUCKET --credentials-file=FILE`, plus
// ` --assume-role-arn=ARN` and ` --project NAME` when known, each argument
// quoted for a POSIX shell when needed.
func ManualCommand(req CreateRequest) string {
	file := req.CredentialsFile
	if file == "" {
		file = defaultCredentialsFile
	}
	parts := []string{"strm", "create", "data-connector", "s3", shell.Quote(req.Name), shell.Quote(req.Bucket), "--credentials-file=" + shell.Quote(file)}
	if req.AssumeRoleARN != "" {
		parts = append(parts, "--assume-role-arn="+shell.Quote(req.AssumeRoleARN))
	}
	if req.Project != "" {
		parts = append(parts, "--project", shell.Quote(req.Project))
	}
	return strings.Join(parts, " ")
}

// cliCreateArgs are the strm arguments that create the connector and print
// it as JSON.
func cliCreateArgs(opts Options, req CreateRequest, credentialsFile string) []string {
	args := append(opts.cliGlobalFlags(), "create", "data-connector", "s3")
	flags := []string{"--credentials-file=" + credentialsFile}
	if req.AssumeRoleARN != "" {
		flags = append(flags, "--assume-role-arn="+req.AssumeRoleARN)
	}
	if req.Project != "" {
		flags = append(flags, "--project="+req.Project)
	}
	flags = append(flags, "--output=json")
	return append(args, positionals(flags, req.Name, req.Bucket)...)
}

// positionals puts flags before "--" when a positional argument could be
// mistaken for a flag, and after the positionals otherwise (as people type).
func positionals(flags []string, pos ...string) []string {
	for _, p := range pos {
		if strings.HasPrefix(p, "-") {
			return append(append(flags, "--"), pos...)
		}
	}
	return append(pos, flags...)
}

// registerCLI creates the connector by running the strm CLI at path.
func registerCLI(ctx context.Context, opts Options, path string, req CreateRequest) (Result, error) {
	const op = "strm create data-connector"
	res := Result{Via: ModeCLI, Project: Project{Name: req.Project}}

	file := req.CredentialsFile
	if file == "" {
		// Only the text was given: the CLI needs a file. Keep it private
		// and short-lived.
		tmp, err := os.CreateTemp("", "strm-s3-credentials-*.json")
		if err != nil {
			return res, &Error{Kind: KindUnknown, Op: op, Err: err}
		}
		file = tmp.Name()
		defer func() { _ = os.Remove(file) }()
		_, werr := tmp.WriteString(req.Credentials)
		if cerr := tmp.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return res, &Error{Kind: KindUnknown, Op: op, Err: werr}
		}
	}

	args := cliCreateArgs(opts, req, file)
	stdout, stderr, err := opts.env().Run(ctx, path, args...)
	if err != nil {
		cliErr := newCLIError(args, stderr, err)
		if cliErr.Code == "ALREADY_EXISTS" {
			res.Existed = true
			existing, gerr := cliGet(ctx, opts, path, req)
			if gerr != nil {
				return res, gerr
			}
			res.Connector = existing
			res.Project.ID = existing.ProjectID
			return res, sameBucket(req, existing, req.Project, cliErr)
		}
		return res, cliFailed(op, cliErr, err)
	}
	var c Connector
	if jerr := json.Unmarshal(stdout, &c); jerr != nil {
		return res, &Error{Kind: KindCLIFailed, Op: op, Err: jerr, Detail: "unexpected output from strm: " + oneLine(string(stdout), "(nothing)")}
	}
	res.Connector = c
	res.Project.ID = c.ProjectID
	return res, nil
}

// cliGet fetches an existing connector with `strm get data-connector`.
func cliGet(ctx context.Context, opts Options, path string, req CreateRequest) (Connector, error) {
	const op = "strm get data-connector"
	var flags []string
	if req.Project != "" {
		flags = append(flags, "--project="+req.Project)
	}
	flags = append(flags, "--output=json")
	args := append(append(opts.cliGlobalFlags(), "get", "data-connector"), positionals(flags, req.Name)...)
	stdout, stderr, err := opts.env().Run(ctx, path, args...)
	if err != nil {
		return Connector{}, cliFailed(op, newCLIError(args, stderr, err), err)
	}
	var c Connector
	if jerr := json.Unmarshal(stdout, &c); jerr != nil {
		return Connector{}, &Error{Kind: KindCLIFailed, Op: op, Err: jerr, Detail: "unexpected output from strm: " + oneLine(string(stdout), "(nothing)")}
	}
	return c, nil
}

func cliFailed(op string, cliErr *CLIError, runErr error) *Error {
	if errors.Is(runErr, context.Canceled) {
		return &Error{Kind: KindCanceled, Op: op, Err: runErr}
	}
	return &Error{Kind: KindCLIFailed, Op: op, Err: cliErr, Detail: oneLine(cliErr.Stderr, runErr.Error())}
}

// cliErrorCode matches the strm CLI's error report: "Error code = NOT_FOUND".
const cliErrorCodePattern = `Error code = ([A-Z_]+)`

func newCLIError(args []string, stderr []byte, err error) *CLIError {
	e := &CLIError{Args: args, ExitCode: -1, Stderr: strings.TrimSpace(string(stderr))}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		e.ExitCode = exitErr.ExitCode()
	}
	if m := regexp.MustCompile(cliErrorCodePattern).FindStringSubmatch(e.Stderr); m != nil {
		e.Code = m[1]
	}
	if e.Stderr == "" {
		e.Stderr = err.Error()
	}
	return e
}
