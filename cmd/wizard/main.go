// Command wizard sets up an AWS S3 data connector for STRM Privacy: bucket,
// least-privilege policy, IAM user and key, a validation write like STRM's,
// and the connector's registration. Interactive in a terminal; headless with
// --non-interactive.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/strmprivacy/s3-connector-wizard/steps"
)

// Set at link time by the release build (-X main.version=...).
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailed  = 1 // a step failed
	exitBadArgs = 2 // bad flags or input, said before any AWS call

	exitInterrupted = 130 // Ctrl-C, as shells report it
)

// IOStreams are the program's standard streams, injected so tests can run
// commands in-process.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// IsTerminal reports whether both stdin and stdout are terminals.
	IsTerminal func() bool
}

// Options are the inputs of a wizard run and its injected dependencies.
type Options struct {
	Config         steps.Config
	NonInteractive bool
	DryRun         bool
	Plain          bool
	Output         string // text | json
	IO             IOStreams
	Version        string
}

// exitError carries an exit code through cobra.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	io := IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, IsTerminal: func() bool {
		return term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stdout.Fd()))
	}}
	code := run(ctx, os.Args[1:], io)
	stop()
	os.Exit(code)
}

// run executes the command line and returns the exit code.
func run(ctx context.Context, args []string, io IOStreams) int {
	cmd := newRootCmd(io)
	cmd.SetArgs(args)
	cmd.SetIn(io.In)
	cmd.SetOut(io.Out)
	cmd.SetErr(io.ErrOut)
	err := cmd.ExecuteContext(ctx)
	var ee exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	default:
		fmt.Fprintf(io.ErrOut, "wizard: %v\nRun 'wizard --help' for usage.\n", err)
		return exitBadArgs
	}
}

func newRootCmd(io IOStreams) *cobra.Command {
	opts := &Options{IO: io, Version: version}
	cfg := &opts.Config
	cmd := &cobra.Command{
		Use:   "wizard",
		Short: "Set up an AWS S3 data connector for STRM Privacy",
		Long: `wizard creates everything STRM Privacy needs to export events to your S3 bucket:
the bucket, a least-privilege IAM policy, an IAM user with an access key saved as
s3.json, a validation write exactly like STRM's, and the data connector itself.

Run it without flags in a terminal for the interactive wizard, or with
--non-interactive (and at least --bucket) from scripts and CI.`,
		Example: `  # interactive
  wizard

  # headless, JSON report on stdout
  wizard --non-interactive --bucket acme-strm-events --region eu-west-1 --prefix events --output json

  # see what would be done, without any AWS call
  wizard --non-interactive --bucket acme-strm-events --region eu-west-1 --dry-run

  # try it safely against a local moto server
  moto_server -p 5000 &
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test wizard --non-interactive \
    --endpoint-url http://127.0.0.1:5000 --region us-east-1 --bucket demo-bucket`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Output != "text" && opts.Output != "json" {
				return fmt.Errorf("--output %q: must be text or json", opts.Output)
			}
			var code int
			if opts.NonInteractive || opts.DryRun {
				code = runHeadless(cmd.Context(), opts)
			} else {
				code = runInteractive(cmd.Context(), opts)
			}
			if code != exitOK {
				return exitError{code}
			}
			return nil
		},
	}
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return err })
	f := cmd.Flags()
	f.BoolVar(&opts.NonInteractive, "non-interactive", false, "run without the terminal UI (for scripts and CI)")
	f.BoolVar(&opts.DryRun, "dry-run", false, "print the plan (every change and its aws command) and the policy; make no AWS call")
	f.BoolVar(&opts.Plain, "plain", false, "no alt screen, colour or animation (screen readers, dumb terminals)")
	f.StringVarP(&opts.Output, "output", "o", "text", "headless output: text or json")

	f.StringVar(&cfg.Profile, "profile", "", "AWS profile (default: AWS_PROFILE or the default profile)")
	f.StringVar(&cfg.Region, "region", "", "AWS region of the bucket (default: AWS_REGION or the profile's region)")
	f.StringVar(&cfg.EndpointURL, "endpoint-url", "", "custom AWS endpoint, e.g. a local moto server (default: AWS_ENDPOINT_URL)")
	f.StringVar(&cfg.Bucket, "bucket", "", "S3 bucket to create or reuse (required)")
	f.StringVar(&cfg.Prefix, "prefix", "", "object key prefix STRM writes under (default: the bucket root)")
	f.StringVar(&cfg.User, "user", "", "IAM user name (default: strm-export-<bucket>)")
	f.StringVar(&cfg.PolicyName, "policy-name", "", "inline policy name (default: strm-bucket-write-access)")
	f.StringVar(&cfg.PolicyFile, "policy-file", "", "where to save the policy JSON (default: strm-policy.json)")
	f.StringVar(&cfg.CredentialsFile, "credentials-file", "", "where to save the access key, mode 0600 (default: s3.json)")
	f.StringVar(&cfg.JournalFile, "journal", "", "where to record what was created (default: strm-wizard-journal.json)")
	f.BoolVar(&cfg.Force, "force", false, "replace an existing credentials file with a new key")
	f.BoolVar(&cfg.AdoptUser, "adopt-user", false, "reuse an existing IAM user this wizard did not create")
	f.DurationVar(&cfg.KeyWait, "key-wait", steps.DefaultKeyWait, "how long to wait for a new access key to become valid")

	f.StringVar(&cfg.Connector, "connector", "", "STRM data connector name, 4-100 characters (default: the bucket name)")
	f.StringVar(&cfg.STRMProject, "strm-project", "", "STRM project name (default: the strm CLI's active project)")
	f.StringVar(&cfg.STRMAPIHost, "strm-api-host", steps.DefaultSTRMAPIHost, "STRM API host:port")
	f.StringVar(&cfg.STRMAuthURL, "strm-auth-url", steps.DefaultSTRMAuthURL, "STRM authentication URL")
	f.StringVar(&cfg.AssumeRoleARN, "assume-role-arn", "", "IAM role STRM should assume to write (optional)")
	f.StringVar(&cfg.RegisterWith, "register-with", "auto", "how to register the connector: api, cli or auto")
	f.BoolVar(&cfg.SkipRegister, "skip-register", false, "do not register the connector; print the strm command instead")

	cmd.AddCommand(newVersionCmd(io))
	return cmd
}

func newVersionCmd(io IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintf(io.Out, "wizard %s (commit %s, built %s)\n", version, commit, date)
		},
	}
}

// runInteractive starts the terminal UI, or explains why it cannot.
func runInteractive(ctx context.Context, opts *Options) int {
	if opts.IO.IsTerminal == nil || !opts.IO.IsTerminal() {
		fmt.Fprintln(opts.IO.ErrOut, "wizard: stdin or stdout is not a terminal, so the interactive wizard cannot run.\n"+
			"Run headless instead: wizard --non-interactive --bucket NAME [--region REGION] [--prefix PREFIX] [--output json]")
		return exitBadArgs
	}
	return runTUI(ctx, opts)
}
