package awsops

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FieldError is bad input: it names the field (as the user knows it: the
// flag name) and the rule that was broken. It is reported before any call.
type FieldError struct {
	Field string // e.g. "bucket"
	Value string
	Rule  string // e.g. "must be 3 to 63 characters long (got 2)"
}

func (e *FieldError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Rule)
	}
	return fmt.Sprintf("%s %q: %s", e.Field, e.Value, e.Rule)
}

func fieldErr(field, value, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Value: value, Rule: fmt.Sprintf(format, args...)}
}

// ValidateBucketName checks the S3 general-purpose bucket naming rules. It
// returns warnings for names that are legal but cause trouble (dots break
// virtual-hosted HTTPS because the wildcard certificate covers one label).
func ValidateBucketName(name string) (warnings []string, err error) {
	const field = "bucket"
	if name == "" {
		return nil, fieldErr(field, "", "is required")
	}
	if n := len(name); n < 3 || n > 63 {
		return nil, fieldErr(field, name, "must be 3 to 63 characters long (got %d)", n)
	}
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '.':
		case r >= 'A' && r <= 'Z':
			return nil, fieldErr(field, name, "must be lowercase (found %q at position %d)", r, i+1)
		default:
			return nil, fieldErr(field, name, "may contain only lowercase letters, digits, hyphens and dots (found %q at position %d)", r, i+1)
		}
	}
	if !isAlnum(name[0]) || !isAlnum(name[len(name)-1]) {
		return nil, fieldErr(field, name, "must begin and end with a letter or digit")
	}
	if strings.Contains(name, "..") {
		return nil, fieldErr(field, name, "must not contain two adjacent dots")
	}
	if strings.Contains(name, ".-") || strings.Contains(name, "-.") {
		return nil, fieldErr(field, name, "must not have a dot next to a hyphen")
	}
	if addr, perr := netip.ParseAddr(name); perr == nil && addr.Is4() {
		return nil, fieldErr(field, name, "must not be formatted as an IP address")
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return nil, fieldErr(field, name, "must not start with %q (reserved by AWS)", p)
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, s) {
			return nil, fieldErr(field, name, "must not end with %q (reserved by AWS)", s)
		}
	}
	if strings.Contains(name, ".") {
		warnings = append(warnings, fmt.Sprintf("bucket %q contains dots: virtual-hosted HTTPS requests to it fail certificate checks; prefer hyphens", name))
	}
	return warnings, nil
}

func isAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// NormalizePrefix returns the object key prefix the connector writes under,
// without leading or trailing slashes. "" means the bucket root. It rejects
// what would make the policy's resource ARN wrong or wider than intended.
func NormalizePrefix(prefix string) (string, error) {
	const field = "prefix"
	p := strings.Trim(prefix, "/")
	if p == "" {
		return "", nil
	}
	if !utf8.ValidString(p) {
		return "", fieldErr(field, prefix, "must be valid UTF-8")
	}
	for _, r := range p {
		if unicode.IsControl(r) {
			return "", fieldErr(field, prefix, "must not contain control characters (found %U)", r)
		}
	}
	if strings.Contains(p, "//") {
		return "", fieldErr(field, prefix, "must not contain an empty segment (\"//\")")
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return "", fieldErr(field, prefix, "must not contain %q segments", seg)
		}
	}
	if strings.ContainsAny(p, "*?") {
		return "", fieldErr(field, prefix, "must not contain * or ? (they are wildcards in IAM policies and would widen access)")
	}
	if strings.Contains(p, "${") {
		return "", fieldErr(field, prefix, "must not contain \"${\" (IAM policy variable syntax)")
	}
	if len(p) > 900 {
		return "", fieldErr(field, prefix, "must be at most 900 bytes so object keys stay under S3's 1024-byte limit (got %d)", len(p))
	}
	return p, nil
}

// ValidateUserName checks IAM's user name rules.
func ValidateUserName(name string) error {
	return validateIAMName("user", name, 64)
}

// ValidatePolicyName checks IAM's inline policy name rules.
func ValidatePolicyName(name string) error {
	return validateIAMName("policy-name", name, 128)
}

func validateIAMName(field, name string, max int) error {
	if name == "" {
		return fieldErr(field, "", "is required")
	}
	if n := len(name); n > max {
		return fieldErr(field, name, "must be at most %d characters (got %d)", max, n)
	}
	for i, r := range name {
		if !(r < utf8.RuneSelf && (isAlnum(byte(unicode.ToLower(r))) || strings.ContainsRune("_+=,.@-", r))) {
			return fieldErr(field, name, "may contain only letters, digits and _+=,.@- (found %q at position %d)", r, i+1)
		}
	}
	return nil
}

// DefaultUserName derives the IAM user name from the bucket name, cut to
// IAM's 64-character limit.
func DefaultUserName(bucket string) string {
	name := "strm-export-" + bucket
	if len(name) > 64 {
		name = strings.TrimRight(name[:64], ".-")
	}
	return name
}
