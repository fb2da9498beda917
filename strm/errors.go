package strm

import (
	"context"
	"errors"
	"fmt"
	"net"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Kind is the class of an error, which decides what the user is told to do.
type Kind int

const (
	// KindUnknown is anything not classified below.
	KindUnknown Kind = iota
	// KindNoToken: no access token was found anywhere (see Error.Search).
	KindNoToken
	// KindUnauthenticated: the API refused the token, or a stored login had
	// expired and could not be refreshed.
	KindUnauthenticated
	// KindPermissionDenied: the token is valid but may not do this.
	KindPermissionDenied
	// KindInvalidArgument: the API (or local validation) rejected an input.
	KindInvalidArgument
	// KindAlreadyExists: a connector with this name exists and points at a
	// different bucket.
	KindAlreadyExists
	// KindNotFound: the project (or, rarely, the connector) does not exist.
	KindNotFound
	// KindUnavailable: the API could not be reached, or timed out.
	KindUnavailable
	// KindCanceled: the caller's context was canceled.
	KindCanceled
	// KindCLIFailed: the strm CLI ran and failed (Detail holds its stderr).
	KindCLIFailed
	// KindManual: neither a token nor the strm CLI is available; the user
	// must run Error.Command by hand. The step is "manual", never "passed".
	KindManual
)

func (k Kind) String() string {
	switch k {
	case KindNoToken:
		return "no token"
	case KindUnauthenticated:
		return "unauthenticated"
	case KindPermissionDenied:
		return "permission denied"
	case KindInvalidArgument:
		return "invalid argument"
	case KindAlreadyExists:
		return "already exists"
	case KindNotFound:
		return "not found"
	case KindUnavailable:
		return "unavailable"
	case KindCanceled:
		return "canceled"
	case KindCLIFailed:
		return "strm CLI failed"
	case KindManual:
		return "manual"
	default:
		return "unknown"
	}
}

// Error is the one error type this package returns. Use errors.As to get it,
// or KindOf for just the kind.
type Error struct {
	Kind Kind
	// Op is what was being done, e.g. "create data connector".
	Op string
	// Err is the underlying error, if any (a gRPC status error, an exec
	// error, a *CLIError, ...).
	Err error
	// Detail is a human-readable explanation: the API's message, the CLI's
	// stderr, the list of available projects, ...
	Detail string
	// Search lists where an access token was looked for; set for
	// KindNoToken, KindUnauthenticated from token discovery, and KindManual.
	Search *TokenSearch
	// Command is the exact strm command to run by hand; set for KindManual.
	Command string
}

func (e *Error) Error() string {
	msg := e.Op + ": " + e.Kind.String()
	switch {
	case e.Detail != "":
		msg += ": " + e.Detail
	case e.Err != nil:
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of err, KindUnknown when err is not an *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnknown
}

// CLIError is the Err of a KindCLIFailed error: what the strm CLI said.
type CLIError struct {
	Args     []string
	ExitCode int
	Stderr   string
	// Code is the gRPC code name the CLI printed ("Error code = NOT_FOUND"),
	// empty when it printed none.
	Code string
}

func (e *CLIError) Error() string {
	return fmt.Sprintf("strm exited with status %d: %s", e.ExitCode, e.Stderr)
}

// kindForCode maps a gRPC status code to a Kind.
func kindForCode(c codes.Code) Kind {
	switch c {
	case codes.Unauthenticated:
		return KindUnauthenticated
	case codes.PermissionDenied:
		return KindPermissionDenied
	case codes.InvalidArgument, codes.FailedPrecondition, codes.OutOfRange:
		return KindInvalidArgument
	case codes.AlreadyExists:
		return KindAlreadyExists
	case codes.NotFound:
		return KindNotFound
	case codes.Unavailable, codes.DeadlineExceeded:
		return KindUnavailable
	case codes.Canceled:
		return KindCanceled
	default:
		return KindUnknown
	}
}

// classify turns an error from a gRPC call into an *Error.
func classify(op string, err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if st, ok := status.FromError(err); ok {
		detail := st.Message()
		if detail == "" {
			detail = st.Code().String()
		}
		return &Error{Kind: kindForCode(st.Code()), Op: op, Err: err, Detail: detail}
	}
	switch {
	case errors.Is(err, context.Canceled):
		return &Error{Kind: KindCanceled, Op: op, Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Kind: KindUnavailable, Op: op, Err: err}
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return &Error{Kind: KindUnavailable, Op: op, Err: err}
	}
	return &Error{Kind: KindUnknown, Op: op, Err: err}
}
