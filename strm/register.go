package strm

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// Mode is how Register reaches STRM.
type Mode string

const (
	// ModeAuto uses the API when a token is found, else the strm CLI when it
	// is on PATH, else ModeManual.
	ModeAuto Mode = "auto"
	// ModeAPI uses the gRPC API; no token is an error.
	ModeAPI Mode = "api"
	// ModeCLI runs `strm create data-connector s3 ...`.
	ModeCLI Mode = "cli"
	// ModeManual is an outcome, not a choice: the user must run the command.
	ModeManual Mode = "manual"
)

// ParseMode accepts "auto" (or ""), "api" and "cli".
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return ModeAuto, nil
	case ModeAuto, ModeAPI, ModeCLI:
		return m, nil
	}
	return "", fmt.Errorf("mode %q: must be one of auto, api, cli", s)
}

// CreateRequest is the connector to create.
type CreateRequest struct {
	// Name of the data connector (see ValidateConnectorName).
	Name string
	// Bucket is the S3 bucket name.
	Bucket string
	// Credentials is the exact text of the access-key file (the output of
	// `aws iam create-access-key`); when empty it is read from
	// CredentialsFile.
	Credentials string
	// CredentialsFile is that file's path, for the CLI and the manual
	// command; when empty those write or name a file "s3.json".
	CredentialsFile string
	// AssumeRoleARN is the optional role STRM assumes with the key.
	AssumeRoleARN string
	// Project is the project name; "" means the strm CLI's active project.
	Project string
}

// Result is a registered (or already registered) connector.
type Result struct {
	Connector Connector
	// Project is the project it is in; Name is empty when the strm CLI chose
	// its active project.
	Project Project
	// Existed is true when the connector was there already and points at
	// the same bucket. The API has no update: an existing connector keeps
	// the credentials it was created with.
	Existed bool
	// Via is ModeAPI or ModeCLI.
	Via Mode
	// Token is the token used (ModeAPI); it prints masked.
	Token Token
	// Search says where a token was looked for.
	Search TokenSearch
}

// Route is what Register will do, decided before doing it (for a review
// screen, or a dry run).
type Route struct {
	// Mode is ModeAPI, ModeCLI or ModeManual.
	Mode Mode
	// Token is the token found, for ModeAPI.
	Token Token
	// CLIPath is the strm executable, for ModeCLI.
	CLIPath string
	// Search says where a token was looked for (empty for an explicit
	// ModeCLI).
	Search TokenSearch
	// Why explains the choice in a few words.
	Why string
}

// ChooseRoute decides how to reach STRM for mode. It may refresh a stored
// login (see FindToken) but makes no API call. For ModeAPI without a token
// the error is FindToken's; otherwise a missing token or CLI gives a
// ModeManual route, not an error.
func ChooseRoute(ctx context.Context, opts Options, mode Mode) (Route, error) {
	env := opts.env()
	switch mode {
	case ModeAPI, ModeAuto, "":
	case ModeCLI:
		path, err := env.LookPath("strm")
		if err != nil {
			return Route{Mode: ModeManual, Why: "the strm CLI is not on PATH"}, nil
		}
		return Route{Mode: ModeCLI, CLIPath: path, Why: "the strm CLI was asked for"}, nil
	default:
		return Route{}, &Error{Kind: KindInvalidArgument, Op: "choose route", Detail: fmt.Sprintf("unknown mode %q", mode)}
	}

	tok, search, err := FindToken(ctx, opts)
	if err == nil {
		return Route{Mode: ModeAPI, Token: tok, Search: search, Why: "access token from " + tok.Source}, nil
	}
	if mode == ModeAPI {
		return Route{Search: search}, err
	}
	if path, lerr := env.LookPath("strm"); lerr == nil {
		return Route{Mode: ModeCLI, CLIPath: path, Search: search, Why: "no usable access token; the strm CLI is on PATH"}, nil
	}
	return Route{Mode: ModeManual, Search: search, Why: "no usable access token and no strm CLI on PATH"}, nil
}

// Register creates the S3 data connector described by req, choosing the way
// with ChooseRoute(mode).
//
// When the connector exists already and points at req.Bucket, Result.Existed
// is true and the error nil; when it points elsewhere, Result holds it and
// the error is KindAlreadyExists. With neither token nor CLI the error is
// KindManual, whose Command is the exact command to run. Every error is an
// *Error (see Kind for the classes).
func Register(ctx context.Context, opts Options, mode Mode, req CreateRequest) (Result, error) {
	if err := req.validate(); err != nil {
		return Result{}, err
	}
	route, err := ChooseRoute(ctx, opts, mode)
	if err != nil {
		return Result{Search: route.Search}, err
	}
	var res Result
	switch route.Mode {
	case ModeAPI:
		creds, cerr := req.credentialsText()
		if cerr != nil {
			return Result{Search: route.Search}, cerr
		}
		res, err = registerAPI(ctx, opts, route.Token, req, creds)
		res.Token = route.Token
	case ModeCLI:
		res, err = registerCLI(ctx, opts, route.CLIPath, req)
	default:
		s := route.Search
		return Result{Search: route.Search}, &Error{
			Kind:    KindManual,
			Op:      "register data connector",
			Detail:  route.Why + "; run: " + ManualCommand(req),
			Search:  &s,
			Command: ManualCommand(req),
		}
	}
	res.Search = route.Search
	return res, err
}

func (r CreateRequest) validate() error {
	const op = "check data connector request"
	if err := ValidateConnectorName(r.Name); err != nil {
		return &Error{Kind: KindInvalidArgument, Op: op, Err: err, Detail: err.Error()}
	}
	if strings.TrimSpace(r.Bucket) == "" {
		return &Error{Kind: KindInvalidArgument, Op: op, Detail: "bucket name: must not be empty"}
	}
	if r.Credentials == "" && r.CredentialsFile == "" {
		return &Error{Kind: KindInvalidArgument, Op: op, Detail: "credentials: give the access-key JSON or the file holding it"}
	}
	return nil
}

// credentialsText is the exact access-key JSON, byte for byte.
func (r CreateRequest) credentialsText() (string, error) {
	if r.Credentials != "" {
		return r.Credentials, nil
	}
	b, err := os.ReadFile(r.CredentialsFile)
	if err != nil {
		return "", &Error{Kind: KindInvalidArgument, Op: "read credentials file", Err: err, Detail: err.Error()}
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return "", &Error{Kind: KindInvalidArgument, Op: "read credentials file", Detail: r.CredentialsFile + " is empty"}
	}
	return string(b), nil
}
