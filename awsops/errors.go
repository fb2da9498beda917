package awsops

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Kind is the small set of error classes the rest of the program reasons
// about. Every AWS error is mapped to exactly one Kind here, in one place, so
// steps and the troubleshooting catalogue never compare raw error codes.
type Kind string

// The error kinds. Their string values appear in JSON output and in the
// troubleshooting catalogue, so they are stable.
const (
	KindNone              Kind = ""
	KindAlreadyOwned      Kind = "AlreadyOwned"      // BucketAlreadyOwnedByYou
	KindNameTaken         Kind = "NameTaken"         // BucketAlreadyExists: someone else's bucket
	KindAlreadyExists     Kind = "AlreadyExists"     // IAM EntityAlreadyExists
	KindNotFound          Kind = "NotFound"          // NoSuchBucket, NoSuchEntity, 404
	KindInvalidName       Kind = "InvalidName"       // InvalidBucketName, ValidationError on names
	KindInvalidLocation   Kind = "InvalidLocation"   // IllegalLocationConstraintException, InvalidLocationConstraint
	KindAccessDenied      Kind = "AccessDenied"      // AccessDenied, UnauthorizedOperation, 403
	KindInvalidKey        Kind = "InvalidKey"        // InvalidAccessKeyId, InvalidClientTokenId
	KindSignatureMismatch Kind = "SignatureMismatch" // SignatureDoesNotMatch
	KindExpired           Kind = "Expired"           // ExpiredToken, RequestExpired
	KindThrottled         Kind = "Throttled"         // SlowDown, Throttling, TooManyRequests
	KindLimitExceeded     Kind = "LimitExceeded"     // LimitExceeded (two access keys per user)
	KindChecksum          Kind = "Checksum"          // XAmzContentSHA256Mismatch, unsupported checksum headers
	KindKMS               Kind = "KMS"               // KMS.* errors: the bucket's key denies us
	KindNoCredentials     Kind = "NoCredentials"     // no credential source found
	KindNetwork           Kind = "Network"           // DNS, refused, reset, TLS, timeout
	KindCanceled          Kind = "Canceled"          // the user pressed Ctrl-C
	KindUnknown           Kind = "Unknown"
)

// kindOfCode maps an AWS error code to its Kind; ok is false for codes not
// listed. A switch, not a map, so that the table is not package state.
func kindOfCode(code string) (Kind, bool) {
	switch code {
	case "BucketAlreadyOwnedByYou":
		return KindAlreadyOwned, true
	case "BucketAlreadyExists":
		return KindNameTaken, true
	case "EntityAlreadyExists":
		return KindAlreadyExists, true
	case "NoSuchBucket", "NoSuchEntity", "NotFound":
		return KindNotFound, true
	case "InvalidBucketName":
		return KindInvalidName, true
	case "IllegalLocationConstraintException", "InvalidLocationConstraint", "AuthorizationHeaderMalformed":
		return KindInvalidLocation, true
	case "AccessDenied", "AccessDeniedException", "AllAccessDisabled", "UnauthorizedOperation", "Forbidden":
		return KindAccessDenied, true
	case "InvalidAccessKeyId", "InvalidClientTokenId", "UnrecognizedClientException":
		return KindInvalidKey, true
	case "SignatureDoesNotMatch", "IncompleteSignature":
		return KindSignatureMismatch, true
	case "ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired":
		return KindExpired, true
	case "SlowDown", "Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded":
		return KindThrottled, true
	case "LimitExceeded":
		return KindLimitExceeded, true
	case "XAmzContentSHA256Mismatch", "BadDigest", "InvalidDigest", "MissingContentLength":
		return KindChecksum, true
	case "KMS.DisabledException", "KMS.NotFoundException", "KMS.KMSInvalidStateException":
		return KindKMS, true
	}
	return KindUnknown, false
}

// Classify maps any error from an AWS call (or from loading credentials) to
// its Kind. A nil error is KindNone.
func Classify(err error) Kind {
	if err == nil {
		return KindNone
	}
	if errors.Is(err, context.Canceled) {
		return KindCanceled
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code := apiErr.ErrorCode()
		if k, ok := kindOfCode(code); ok {
			if k == KindAccessDenied && strings.Contains(strings.ToLower(apiErr.ErrorMessage()), "kms:") {
				return KindKMS
			}
			return k
		}
		if strings.HasPrefix(code, "KMS.") {
			return KindKMS
		}
		if strings.Contains(strings.ToLower(code+" "+apiErr.ErrorMessage()), "checksum") {
			return KindChecksum
		}
		var re *smithyhttp.ResponseError
		if errors.As(err, &re) {
			switch re.HTTPStatusCode() {
			case 403:
				return KindAccessDenied
			case 404:
				return KindNotFound
			case 429, 503:
				return KindThrottled
			}
		}
		return KindUnknown
	}
	if isNoCredentials(err) {
		return KindNoCredentials
	}
	var maxAttempts *retry.MaxAttemptsError
	if errors.As(err, &maxAttempts) && Classify(maxAttempts.Err) != KindUnknown {
		return Classify(maxAttempts.Err)
	}
	if errors.Is(err, context.DeadlineExceeded) || isNetwork(err) {
		return KindNetwork
	}
	return KindUnknown
}

func isNoCredentials(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "failed to refresh cached credentials") ||
		strings.Contains(msg, "no EC2 IMDS role found") ||
		strings.Contains(msg, "failed to retrieve credentials") ||
		strings.Contains(msg, "static credentials are empty") ||
		strings.Contains(msg, "anonymous credentials")
}

func isNetwork(err error) bool {
	var netErr net.Error
	var opErr *net.OpError
	var dnsErr *net.DNSError
	var urlErr *url.Error
	if errors.As(err, &dnsErr) || errors.As(err, &opErr) || errors.As(err, &netErr) || errors.As(err, &urlErr) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "connection reset") || strings.Contains(msg, "EOF") ||
		strings.Contains(msg, "tls:") || strings.Contains(msg, "x509:")
}

// Code returns the AWS error code of err ("" when it carries none).
func Code(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// Message returns the AWS error message of err, or err's text when it is not
// an API error. It never contains a secret: AWS messages name key ids at most.
func Message(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		if m := apiErr.ErrorMessage(); m != "" {
			return m
		}
		return apiErr.ErrorCode()
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// NetworkCause names the likely network failure ("DNS", "TLS", "refused",
// "timeout", "reset") so a diagnosis can be specific.
func NetworkCause(err error) string {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return "DNS"
	}
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "tls") || strings.Contains(msg, "x509") || strings.Contains(msg, "certificate"):
		return "TLS"
	case strings.Contains(msg, "connection refused"):
		return "refused"
	case strings.Contains(msg, "timeout") || strings.Contains(msg, "deadline exceeded"):
		return "timeout"
	case strings.Contains(msg, "reset") || strings.Contains(msg, "eof") || strings.Contains(msg, "broken pipe"):
		return "reset"
	}
	return "unreachable"
}

// IsRetryableKeyError reports whether err is what a brand-new access key
// returns while IAM is still propagating it.
func IsRetryableKeyError(k Kind) bool {
	return k == KindInvalidKey || k == KindSignatureMismatch || k == KindAccessDenied
}
