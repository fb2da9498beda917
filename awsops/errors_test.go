package awsops

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/aws/smithy-go"
)

func TestClassify(t *testing.T) {
	api := func(code, msg string) error {
		return fmt.Errorf("operation error: %w", &smithy.GenericAPIError{Code: code, Message: msg})
	}
	for _, tc := range []struct {
		err  error
		want Kind
	}{
		{nil, KindNone},
		{api("BucketAlreadyOwnedByYou", ""), KindAlreadyOwned},
		{api("BucketAlreadyExists", ""), KindNameTaken},
		{api("EntityAlreadyExists", ""), KindAlreadyExists},
		{api("InvalidBucketName", ""), KindInvalidName},
		{api("IllegalLocationConstraintException", ""), KindInvalidLocation},
		{api("InvalidLocationConstraint", ""), KindInvalidLocation},
		{api("AccessDenied", "not authorized to perform: s3:CreateBucket"), KindAccessDenied},
		{api("AccessDenied", "not authorized to perform: kms:GenerateDataKey"), KindKMS},
		{api("InvalidAccessKeyId", ""), KindInvalidKey},
		{api("InvalidClientTokenId", ""), KindInvalidKey},
		{api("SignatureDoesNotMatch", ""), KindSignatureMismatch},
		{api("ExpiredToken", ""), KindExpired},
		{api("SlowDown", ""), KindThrottled},
		{api("Throttling", ""), KindThrottled},
		{api("LimitExceeded", ""), KindLimitExceeded},
		{api("XAmzContentSHA256Mismatch", ""), KindChecksum},
		{api("KMS.DisabledException", ""), KindKMS},
		{api("SomethingNew", ""), KindUnknown},
		{fmt.Errorf("x: %w", context.Canceled), KindCanceled},
		{fmt.Errorf("get identity: %w", &net.OpError{Op: "dial", Err: errors.New("connection refused")}), KindNetwork},
		{errors.New("failed to refresh cached credentials, no EC2 IMDS role found"), KindNoCredentials},
	} {
		if got := Classify(tc.err); got != tc.want {
			t.Errorf("Classify(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

func TestNetworkCause(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&net.DNSError{Err: "no such host", Name: "x.invalid"}, "DNS"},
		{errors.New("tls: failed to verify certificate: x509: certificate signed by unknown authority"), "TLS"},
		{errors.New("dial tcp 127.0.0.1:1: connect: connection refused"), "refused"},
		{errors.New("context deadline exceeded"), "timeout"},
		{errors.New("read: connection reset by peer"), "reset"},
	} {
		if got := NetworkCause(tc.err); got != tc.want {
			t.Errorf("NetworkCause(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
