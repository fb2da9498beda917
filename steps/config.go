package steps

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/strmprivacy/s3-connector-wizard/awsops"
)

// Defaults used when an input is left empty.
const (
	DefaultCredentialsFile = "s3.json"
	DefaultPolicyFile      = "strm-policy.json"
	DefaultJournalFile     = "strm-wizard-journal.json"
	DefaultKeyWait         = 2 * time.Minute
	DefaultSTRMAPIHost     = "api.strmprivacy.io:443"
	DefaultSTRMAuthURL     = "https://accounts.strmprivacy.io"
)

// Config holds every input of a setup. Field comments name the flag; a
// FieldError names the same, so a person knows what to change.
type Config struct {
	Profile     string // --profile
	Region      string // --region (else AWS_REGION or the profile's region)
	EndpointURL string // --endpoint-url (moto, MinIO, ...)

	Bucket          string // --bucket
	Prefix          string // --prefix, normalised by Resolve
	User            string // --user, default strm-export-<bucket>
	PolicyName      string // --policy-name, default strm-bucket-write-access
	PolicyFile      string // --policy-file, default strm-policy.json
	CredentialsFile string // --credentials-file, default s3.json
	JournalFile     string // --journal, default strm-wizard-journal.json
	Force           bool   // --force: replace an existing credentials file with a new key
	AdoptUser       bool   // --adopt-user: reuse an existing IAM user the wizard did not create
	KeyWait         time.Duration

	Connector     string // --connector, default derived from the bucket
	STRMProject   string // --strm-project
	STRMAPIHost   string // --strm-api-host
	STRMAuthURL   string // --strm-auth-url
	AssumeRoleARN string // --assume-role-arn
	RegisterWith  string // --register-with api|cli|auto
	SkipRegister  bool   // --skip-register
}

// WithDefaults fills every empty input that has a sensible default.
func (c Config) WithDefaults() Config {
	if c.User == "" && c.Bucket != "" {
		c.User = awsops.DefaultUserName(c.Bucket)
	}
	if c.PolicyName == "" {
		c.PolicyName = awsops.DefaultPolicyName
	}
	if c.PolicyFile == "" {
		c.PolicyFile = DefaultPolicyFile
	}
	if c.CredentialsFile == "" {
		c.CredentialsFile = DefaultCredentialsFile
	}
	if c.JournalFile == "" {
		c.JournalFile = DefaultJournalFile
	}
	if c.KeyWait == 0 {
		c.KeyWait = DefaultKeyWait
	}
	if c.Connector == "" && c.Bucket != "" {
		c.Connector = DefaultConnectorName(c.Bucket)
	}
	if c.STRMAPIHost == "" {
		c.STRMAPIHost = DefaultSTRMAPIHost
	}
	if c.STRMAuthURL == "" {
		c.STRMAuthURL = DefaultSTRMAuthURL
	}
	if c.RegisterWith == "" {
		c.RegisterWith = "auto"
	}
	return c
}

// DefaultConnectorName derives a connector name from the bucket name,
// padded to STRM's 4-character minimum.
func DefaultConnectorName(bucket string) string {
	if len(bucket) < 4 {
		return bucket + "-s3"
	}
	return bucket
}

// ValidationError lists every bad input at once, so a person fixes them in
// one go.
type ValidationError []*awsops.FieldError

func (v ValidationError) Error() string {
	msgs := make([]string, len(v))
	for i, e := range v {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Field returns the error for one field, or nil.
func (v ValidationError) Field(name string) *awsops.FieldError {
	for _, e := range v {
		if e.Field == name {
			return e
		}
	}
	return nil
}

// Resolve applies defaults, normalises the prefix and validates every
// input. It makes no call. On bad input the error is a ValidationError.
func (c Config) Resolve() (Config, []string, error) {
	c = c.WithDefaults()
	var errs ValidationError
	var warnings []string
	add := func(err error) {
		var fe *awsops.FieldError
		if errors.As(err, &fe) {
			errs = append(errs, fe)
		} else if err != nil {
			errs = append(errs, &awsops.FieldError{Field: "input", Rule: err.Error()})
		}
	}
	w, err := awsops.ValidateBucketName(c.Bucket)
	warnings = append(warnings, w...)
	add(err)
	p, err := awsops.NormalizePrefix(c.Prefix)
	add(err)
	if err == nil {
		c.Prefix = p
	}
	add(ValidateRegion(c.Region))
	if c.Bucket != "" || c.User != "" {
		add(awsops.ValidateUserName(c.User))
	}
	add(awsops.ValidatePolicyName(c.PolicyName))
	add(ValidateFilePath("credentials-file", c.CredentialsFile))
	add(ValidateFilePath("policy-file", c.PolicyFile))
	add(ValidateFilePath("journal", c.JournalFile))
	if c.KeyWait < time.Second {
		add(&awsops.FieldError{Field: "key-wait", Value: c.KeyWait.String(), Rule: "must be at least 1s"})
	}
	if c.Connector != "" || c.Bucket != "" {
		add(ValidateConnectorName(c.Connector))
	}
	switch c.RegisterWith {
	case "api", "cli", "auto":
	default:
		add(&awsops.FieldError{Field: "register-with", Value: c.RegisterWith, Rule: "must be one of api, cli, auto"})
	}
	if c.AssumeRoleARN != "" && !strings.HasPrefix(c.AssumeRoleARN, "arn:") {
		add(&awsops.FieldError{Field: "assume-role-arn", Value: c.AssumeRoleARN, Rule: "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)"})
	}
	if len(errs) > 0 {
		return c, warnings, errs
	}
	return c, warnings, nil
}

// ValidateRegion checks the form of an AWS region name.
func ValidateRegion(region string) error {
	if region == "" {
		return &awsops.FieldError{Field: "region", Rule: "is required: pass --region, set AWS_REGION, or give your profile a region (aws configure set region eu-west-1)"}
	}
	if !looksLikeRegion(region) {
		return &awsops.FieldError{Field: "region", Value: region, Rule: "must look like an AWS region, e.g. us-east-1 or eu-west-1"}
	}
	return nil
}

// ValidateConnectorName checks STRM's data connector name rule.
func ValidateConnectorName(name string) error {
	n := len([]rune(name))
	if n < 4 || n > 100 {
		return &awsops.FieldError{Field: "connector", Value: name, Rule: fmt.Sprintf("must be 4 to 100 characters long (got %d)", n)}
	}
	if strings.ContainsFunc(name, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return &awsops.FieldError{Field: "connector", Value: name, Rule: "must not contain spaces or control characters"}
	}
	return nil
}

// ValidateFilePath checks that a path to write is usable.
func ValidateFilePath(field, path string) error {
	if strings.TrimSpace(path) == "" {
		return &awsops.FieldError{Field: field, Rule: "must not be empty"}
	}
	if strings.ContainsFunc(path, func(r rune) bool { return r < ' ' }) {
		return &awsops.FieldError{Field: field, Value: path, Rule: "must not contain control characters"}
	}
	if strings.HasSuffix(path, "/") {
		return &awsops.FieldError{Field: field, Value: path, Rule: "must name a file, not a directory"}
	}
	return nil
}

// looksLikeRegion matches ^[a-z]{2}(-[a-z]+)+-[0-9]+$ (us-east-1,
// ap-southeast-2, us-gov-west-1) without a package-level regexp.
func looksLikeRegion(r string) bool {
	parts := strings.Split(r, "-")
	if len(parts) < 3 || len(parts[0]) != 2 {
		return false
	}
	for i, p := range parts {
		if p == "" {
			return false
		}
		for _, c := range p {
			last := i == len(parts)-1
			if last && (c < '0' || c > '9') || !last && (c < 'a' || c > 'z') {
				return false
			}
		}
	}
	return true
}
