package steps

import (
	"fmt"
	"strings"
	"time"

	"github.com/strmprivacy/s3-connector-wizard/awsops"
)

// Diagnosis explains a failure in words a newcomer can act on.
type Diagnosis struct {
	Kind     string   `json:"kind"`               // catalogue key, e.g. "bucket.name-taken"
	Title    string   `json:"title"`              // what happened, one line
	Why      string   `json:"why"`                // why it happened
	Fix      []string `json:"fix"`                // what to do, in order
	Commands []string `json:"commands,omitempty"` // commands to run, copyable
	Retry    bool     `json:"retry"`              // whether retrying (after the fix) can help
	Edit     string   `json:"edit,omitempty"`     // the input to change, by flag name
	Detail   string   `json:"detail,omitempty"`   // the service's own words (code: message)
}

// Facts are what a step knew when it failed; the catalogue fills its texts
// with them so that every fix names the user's real bucket, user and prefix.
type Facts struct {
	Cfg      Config
	Err      error
	Action   string // the API action that failed, e.g. "s3:CreateBucket"
	Region   string // e.g. the region the bucket really is in
	Account  string // the operator's account
	Keys     []awsops.KeyInfo
	Attempts int
	Elapsed  time.Duration
	Now      time.Time
	Note     string // anything else worth a line
}

// awsCmd renders an aws CLI command carrying the user's --profile and
// --endpoint-url, so it can be pasted as it is.
func awsCmd(cfg Config, args ...string) string {
	s := command(append([]string{"aws"}, args...)...)
	if cfg.Profile != "" {
		s += " --profile " + ShellQuote(cfg.Profile)
	}
	if cfg.EndpointURL != "" {
		s += " --endpoint-url " + ShellQuote(cfg.EndpointURL)
	}
	return s
}

func detailOf(err error) string {
	if err == nil {
		return ""
	}
	if code := awsops.Code(err); code != "" {
		return code + ": " + awsops.Message(err)
	}
	return err.Error()
}

// denySource tells, from an AccessDenied message, what denied the call.
func denySource(msg string) string {
	m := strings.ToLower(msg)
	switch {
	case strings.Contains(m, "service control policy"):
		return "scp"
	case strings.Contains(m, "permissions boundary"):
		return "boundary"
	case strings.Contains(m, "session policy"):
		return "session"
	case strings.Contains(m, "resource-based policy") || strings.Contains(m, "bucket policy"):
		return "resource"
	case strings.Contains(m, "explicit deny"):
		return "explicit"
	}
	return ""
}

// Diagnose returns the catalogue's diagnosis of kind for the given facts.
// An unknown kind yields the generic "unexpected error" entry, never nil.
func Diagnose(kind string, f Facts) *Diagnosis {
	d := catalogue(kind, f)
	d.Kind = kind
	if d.Title == "" {
		d = catalogue(KindUnexpected, f)
		d.Kind = KindUnexpected
	}
	if d.Detail == "" {
		d.Detail = detailOf(f.Err)
	}
	return &d
}

// DiagnoseAWS picks the catalogue entry for an AWS error that no step
// handles specially: credentials, permissions, network, throttling.
func DiagnoseAWS(f Facts) *Diagnosis {
	return Diagnose(GenericKind(awsops.Classify(f.Err)), f)
}

// GenericKind maps an error kind to the catalogue entry that explains it
// when the step has nothing more specific to say.
func GenericKind(k awsops.Kind) string {
	switch k {
	case awsops.KindNoCredentials:
		return KindNoCredentials
	case awsops.KindExpired:
		return KindExpiredToken
	case awsops.KindSignatureMismatch:
		return KindBadSecret
	case awsops.KindInvalidKey:
		return KindUnknownKey
	case awsops.KindAccessDenied:
		return KindPermissionDenied
	case awsops.KindNetwork:
		return KindNetwork
	case awsops.KindThrottled:
		return KindThrottled
	case awsops.KindCanceled:
		return KindCanceled
	case awsops.KindChecksum:
		return KindChecksum
	case awsops.KindKMS:
		return KindKMS
	}
	return KindUnexpected
}

func ago(now, t time.Time) string {
	if t.IsZero() || now.IsZero() {
		return "unknown age"
	}
	d := now.Sub(t)
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%d min old", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h old", int(d.Hours()))
	}
	return fmt.Sprintf("%d days old", int(d.Hours()/24))
}
