// Tests for the fault-injecting proxy: request recognition (unit, no moto),
// and fault injection as seen by the AWS SDK against a real moto.

package testenv

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func sigv4Auth(akid, service string) string {
	return "AWS4-HMAC-SHA256 Credential=" + akid + "/20260101/us-east-1/" + service +
		"/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd"
}

func TestClassifyS3(t *testing.T) {
	t.Parallel()
	cases := []struct {
		method, target string
		copySource     bool
		op, bucket     string
		key            string
	}{
		{"GET", "/", false, "ListBuckets", "", ""},
		{"GET", "/?x-id=ListBuckets", false, "ListBuckets", "", ""},
		{"PUT", "/b", false, "CreateBucket", "b", ""},
		{"HEAD", "/b", false, "HeadBucket", "b", ""},
		{"DELETE", "/b", false, "DeleteBucket", "b", ""},
		{"GET", "/b?location", false, "GetBucketLocation", "b", ""},
		{"GET", "/b?list-type=2&prefix=p%2F", false, "ListObjectsV2", "b", ""},
		{"GET", "/b", false, "ListObjects", "b", ""},
		{"GET", "/b?uploads", false, "ListMultipartUploads", "b", ""},
		{"GET", "/b?versions", false, "ListObjectVersions", "b", ""},
		{"POST", "/b?delete", false, "DeleteObjects", "b", ""},
		{"PUT", "/b?policy", false, "PutBucketPolicy", "b", ""},
		{"GET", "/b?policy", false, "GetBucketPolicy", "b", ""},
		{"DELETE", "/b?policy", false, "DeleteBucketPolicy", "b", ""},
		{"GET", "/b?policyStatus", false, "GetBucketPolicyStatus", "b", ""},
		{"PUT", "/b?publicAccessBlock", false, "PutPublicAccessBlock", "b", ""},
		{"GET", "/b?versioning", false, "GetBucketVersioning", "b", ""},
		{"PUT", "/b?encryption", false, "PutBucketEncryption", "b", ""},
		{"PUT", "/b?tagging", false, "PutBucketTagging", "b", ""},
		{"PUT", "/b?ownershipControls", false, "PutBucketOwnershipControls", "b", ""},
		{"PUT", "/b?lifecycle", false, "PutBucketLifecycleConfiguration", "b", ""},
		{"DELETE", "/b?lifecycle", false, "DeleteBucketLifecycle", "b", ""},
		{"PUT", "/b?object-lock", false, "PutObjectLockConfiguration", "b", ""},
		{"PUT", "/b/p/x.jsonl?x-id=PutObject", false, "PutObject", "b", "p/x.jsonl"},
		{"PUT", "/b/p/x.jsonl", false, "PutObject", "b", "p/x.jsonl"},
		{"PUT", "/b/p/with%20space.jsonl", false, "PutObject", "b", "p/with space.jsonl"},
		{"PUT", "/b/p/x.jsonl", true, "CopyObject", "b", "p/x.jsonl"},
		{"GET", "/b/k?x-id=GetObject", false, "GetObject", "b", "k"},
		{"GET", "/b/k", false, "GetObject", "b", "k"},
		{"HEAD", "/b/k", false, "HeadObject", "b", "k"},
		{"DELETE", "/b/k", false, "DeleteObject", "b", "k"},
		{"DELETE", "/b/k?versionId=3", false, "DeleteObject", "b", "k"},
		{"POST", "/b/k?uploads", false, "CreateMultipartUpload", "b", "k"},
		{"PUT", "/b/k?partNumber=1&uploadId=u", false, "UploadPart", "b", "k"},
		{"PUT", "/b/k?partNumber=1&uploadId=u", true, "UploadPartCopy", "b", "k"},
		{"POST", "/b/k?uploadId=u", false, "CompleteMultipartUpload", "b", "k"},
		{"DELETE", "/b/k?uploadId=u", false, "AbortMultipartUpload", "b", "k"},
		{"GET", "/b/k?uploadId=u", false, "ListParts", "b", "k"},
		{"PUT", "/b/k?tagging", false, "PutObjectTagging", "b", "k"},
		{"GET", "/b/k?acl", false, "GetObjectAcl", "b", "k"},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.target, func(t *testing.T) {
			r := httptest.NewRequest(c.method, c.target, nil)
			r.Header.Set("Authorization", sigv4Auth("AKIATEST", "s3"))
			if c.copySource {
				r.Header.Set("X-Amz-Copy-Source", "/src/key")
			}
			got, err := classify(r)
			if err != nil {
				t.Fatal(err)
			}
			if got.Service != "s3" || got.Operation != c.op || got.Bucket != c.bucket || got.Key != c.key || got.AccessKeyID != "AKIATEST" {
				t.Errorf("classify = service %q op %q bucket %q key %q akid %q; want s3 %q %q %q AKIATEST",
					got.Service, got.Operation, got.Bucket, got.Key, got.AccessKeyID, c.op, c.bucket, c.key)
			}
		})
	}
}

func TestClassifyQueryProtocol(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, auth, body string
		service, op      string
		akid             string
	}{
		{"iam signed", sigv4Auth("AKIAADMIN", "iam"), "Action=CreateAccessKey&UserName=u&Version=2010-05-08", "iam", "CreateAccessKey", "AKIAADMIN"},
		{"iam put policy", sigv4Auth("AKIAADMIN", "iam"), "Action=PutUserPolicy&PolicyDocument=%7B%7D&Version=2010-05-08", "iam", "PutUserPolicy", "AKIAADMIN"},
		{"sts signed", sigv4Auth("AKIAOTHER", "sts"), "Action=GetCallerIdentity&Version=2011-06-15", "sts", "GetCallerIdentity", "AKIAOTHER"},
		{"iam unsigned", "", "Action=ListUsers&Version=2010-05-08", "iam", "ListUsers", ""},
		{"sts unsigned", "", "Action=GetCallerIdentity&Version=2011-06-15", "sts", "GetCallerIdentity", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(c.body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			if c.auth != "" {
				r.Header.Set("Authorization", c.auth)
			}
			got, err := classify(r)
			if err != nil {
				t.Fatal(err)
			}
			if got.Service != c.service || got.Operation != c.op || got.AccessKeyID != c.akid {
				t.Errorf("classify = %q %q %q, want %q %q %q", got.Service, got.Operation, got.AccessKeyID, c.service, c.op, c.akid)
			}
			// The body must still be there, unchanged, for forwarding.
			rest, _ := io.ReadAll(r.Body)
			if string(rest) != c.body || r.ContentLength != int64(len(c.body)) {
				t.Errorf("body after classify = %q (ContentLength %d), want %q", rest, r.ContentLength, c.body)
			}
		})
	}

	// Presigned S3 URL: credential in the query string.
	r := httptest.NewRequest("GET", "/b/k?X-Amz-Credential=AKIAPRE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=ab", nil)
	got, err := classify(r)
	if err != nil {
		t.Fatal(err)
	}
	if got.Service != "s3" || got.AccessKeyID != "AKIAPRE" || got.Operation != "GetObject" {
		t.Errorf("presigned: classify = %+v", got)
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	r := Request{Service: "s3", Operation: "PutObject", AccessKeyID: "AK1", Bucket: "b"}
	cases := []struct {
		m    Match
		want bool
	}{
		{Match{}, true},
		{Match{Service: "s3"}, true},
		{Match{Service: "iam"}, false},
		{Match{Operation: "PutObject", BucketName: "b"}, true},
		{Match{Operation: "PutObject", BucketName: "c"}, false},
		{Match{AccessKeyID: "AK1"}, true},
		{Match{AccessKeyID: "AK2"}, false},
		{Match{Service: "s3", Operation: "GetObject"}, false},
	}
	for _, c := range cases {
		if got := c.m.matches(r); got != c.want {
			t.Errorf("%+v.matches = %v, want %v", c.m, got, c.want)
		}
	}
}

func TestProxyAddRejectsBadFaults(t *testing.T) {
	t.Parallel()
	p := &Proxy{now: time.Now}
	for name, f := range map[string]Fault{
		"no action":      {},
		"two actions":    {Drop: true, Delay: time.Second},
		"negative times": {Drop: true, Times: -1},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Add(%+v) did not panic", f)
				}
			}()
			p.Add(f)
		})
	}
	if id := p.Add(Throttle(Match{}, 1)); id != 1 {
		t.Errorf("Add(Throttle) id = %d, want 1", id)
	}
}

// proxyEnv is a moto with a proxy in front and admin clients through it.
type proxyEnv struct {
	m     *Moto
	p     *Proxy
	admin aws.Config // through the proxy, standard retryer
}

func newProxyEnv(t *testing.T) *proxyEnv {
	m := StartMoto(t)
	p := NewProxy(t, m.URL)
	return &proxyEnv{m: m, p: p, admin: p.Config(m.AdminConfig(t, ""))}
}

func noRetries(cfg aws.Config) aws.Config {
	cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	return cfg
}

// fakeClock makes Fault.For testable without sleeping.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func useFakeClock(p *Proxy) *fakeClock {
	c := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.now = c.now
	return c
}

func TestProxyForwardsSignedRequests(t *testing.T) {
	t.Parallel()
	e := newProxyEnv(t)
	ctx := ctxT(t)
	s3c := e.m.S3(e.admin)

	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("fwd")}); err != nil {
		t.Fatalf("CreateBucket through proxy: %v", err)
	}
	// > 2 MiB makes the SDK send Expect: 100-continue.
	big := bytes.Repeat([]byte("0123456789abcdef"), 200_000)
	bodies := map[string]io.Reader{
		"small.jsonl": strings.NewReader("{}\n"),
		"big.bin":     bytes.NewReader(big),
	}
	for key, body := range bodies {
		if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("fwd"), Key: aws.String(key), Body: body}); err != nil {
			t.Fatalf("PutObject %s through proxy: %v", key, err)
		}
	}
	// Read back directly from moto: the proxy forwarded the bodies intact.
	got, err := e.m.S3(e.m.AdminConfig(t, "")).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("fwd"), Key: aws.String("big.bin")})
	if err != nil {
		t.Fatalf("GetObject: %v", err)
	}
	data, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if !bytes.Equal(data, big) {
		t.Errorf("big.bin: got %d bytes, want %d identical bytes", len(data), len(big))
	}
	if _, err := e.m.IAM(e.admin).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("via-proxy")}); err != nil {
		t.Errorf("IAM CreateUser through proxy: %v", err)
	}
	id, err := e.m.STS(e.admin).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:iam::123456789012:user/admin" {
		t.Errorf("GetCallerIdentity through proxy = %v, %v", id, err)
	}
	// moto still verifies signatures through the proxy.
	bad := noRetries(e.p.Config(e.m.Config(t, e.m.AdminKeyID, "wrong-secret", "")))
	if _, err := e.m.S3(bad).ListBuckets(ctx, &s3.ListBucketsInput{}); errorCode(err) != "SignatureDoesNotMatch" {
		t.Errorf("ListBuckets with wrong secret through proxy: %v, want SignatureDoesNotMatch", err)
	}

	var ops []string
	for _, r := range e.p.Requests() {
		if r.Faulted {
			t.Errorf("request %+v marked faulted with no faults installed", r)
		}
		ops = append(ops, r.Service+":"+r.Operation+":"+strconv.Itoa(r.Status))
	}
	want := "s3:CreateBucket:200 s3:PutObject:200 s3:PutObject:200 iam:CreateUser:200 sts:GetCallerIdentity:200 s3:ListBuckets:403"
	if strings.Join(ops, " ") != want {
		t.Errorf("request log = %v\nwant %v", ops, want)
	}
	if n := e.p.Count(Match{AccessKeyID: e.m.AdminKeyID, Operation: "PutObject", BucketName: "fwd"}); n != 2 {
		t.Errorf("Count(admin PutObject fwd) = %d, want 2", n)
	}
}

func TestProxyRecognisesSDKOperations(t *testing.T) {
	t.Parallel()
	e := newProxyEnv(t)
	ctx := ctxT(t)
	c := e.m.S3(e.admin)
	b := aws.String("ops")
	k := aws.String("p/x.jsonl")
	steps := []struct {
		op   string
		call func() error
	}{
		{"CreateBucket", func() error { _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b}); return err }},
		{"HeadBucket", func() error { _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: b}); return err }},
		{"GetBucketLocation", func() error { _, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: b}); return err }},
		{"ListBuckets", func() error { _, err := c.ListBuckets(ctx, &s3.ListBucketsInput{}); return err }},
		{"PutObject", func() error {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: k, Body: strings.NewReader("{}")})
			return err
		}},
		{"GetObject", func() error {
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: k})
			if err == nil {
				out.Body.Close()
			}
			return err
		}},
		{"ListObjectsV2", func() error { _, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b}); return err }},
		{"PutBucketPolicy", func() error {
			_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(
				`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::ops"}]}`)})
			return err
		}},
		{"GetBucketPolicy", func() error { _, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b}); return err }},
		{"DeleteObject", func() error { _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: k}); return err }},
		{"CreateUser", func() error {
			_, err := e.m.IAM(e.admin).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")})
			return err
		}},
		{"PutUserPolicy", func() error {
			_, err := e.m.IAM(e.admin).PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"),
				PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAllPolicy)})
			return err
		}},
		{"CreateAccessKey", func() error {
			_, err := e.m.IAM(e.admin).CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("u")})
			return err
		}},
		{"GetCallerIdentity", func() error {
			_, err := e.m.STS(e.admin).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}},
	}
	for _, s := range steps {
		before := len(e.p.Requests())
		if err := s.call(); err != nil {
			t.Fatalf("%s: %v", s.op, err)
		}
		reqs := e.p.Requests()[before:]
		if len(reqs) != 1 || reqs[0].Operation != s.op || reqs[0].AccessKeyID != e.m.AdminKeyID {
			t.Errorf("%s: proxy logged %+v", s.op, reqs)
		}
	}
}

func TestProxyInjectsS3Error(t *testing.T) {
	t.Parallel()
	e := newProxyEnv(t)
	ctx := ctxT(t)
	c := e.m.S3(e.admin)
	id := e.p.Add(Fault{
		Match: Match{Service: "s3", Operation: "CreateBucket", BucketName: "taken"},
		Times: 1,
		Error: &AWSError{Code: "BucketAlreadyExists", Message: "The requested bucket name is not available.", Status: 409},
	})

	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("taken")})
	var exists *s3types.BucketAlreadyExists
	if !errors.As(err, &exists) || errorCode(err) != "BucketAlreadyExists" {
		t.Fatalf("CreateBucket: err = %v, want *types.BucketAlreadyExists", err)
	}
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 409 {
		t.Errorf("CreateBucket: status = %v, want 409", err)
	}
	// Times: 1 is spent; the next call reaches moto.
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("taken")}); err != nil {
		t.Fatalf("second CreateBucket: %v", err)
	}
	reqs := e.p.Requests()
	if len(reqs) != 2 || !reqs[0].Faulted || reqs[0].FaultID != id || reqs[0].Status != 409 || reqs[1].Faulted || reqs[1].Status != 200 {
		t.Errorf("request log = %+v", reqs)
	}

	// A HEAD error has no body; the SDK derives the code from the status.
	e.p.Add(Fault{Match: Match{Operation: "HeadBucket"}, Error: &AWSError{Code: "NoSuchBucket", Status: 404}})
	_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("taken")})
	var nf *s3types.NotFound
	if !errors.As(err, &nf) {
		t.Errorf("HeadBucket: err = %v (code %q), want *types.NotFound", err, errorCode(err))
	}
}

func TestProxyInjectsIAMError(t *testing.T) {
	t.Parallel()
	e := newProxyEnv(t)
	ctx := ctxT(t)
	e.p.Add(Fault{
		Match: Match{Service: "iam", Operation: "CreateAccessKey"},
		Error: &AWSError{Code: "LimitExceeded", Message: "Cannot exceed quota for AccessKeysPerUser: 2", Status: 409},
	})
	ic := e.m.IAM(e.admin)
	_, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("admin")})
	var le *iamtypes.LimitExceededException
	if !errors.As(err, &le) || errorCode(err) != "LimitExceeded" {
		t.Fatalf("CreateAccessKey: err = %v, want *types.LimitExceededException", err)
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorMessage() != "Cannot exceed quota for AccessKeysPerUser: 2" {
		t.Errorf("message = %q", ae.ErrorMessage())
	}
	// Other IAM operations are untouched and moto never saw the faulted call.
	keys, err := ic.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("admin")})
	if err != nil {
		t.Fatalf("ListAccessKeys: %v", err)
	}
	if len(keys.AccessKeyMetadata) != 1 {
		t.Errorf("admin has %d keys, want 1 (the faulted CreateAccessKey must not reach moto)", len(keys.AccessKeyMetadata))
	}
}

// TestProxyNewKeyPropagationLag is the pattern for "a new key is not valid
// yet": only that key is refused, only for a while.
func TestProxyNewKeyPropagationLag(t *testing.T) {
	t.Parallel()
	e := newProxyEnv(t)
	ctx := ctxT(t)
	clock := useFakeClock(e.p)
	keyID, secret := e.m.NewUser(t, "fresh", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`)
	fresh := noRetries(e.p.Config(e.m.Config(t, keyID, secret, "")))

	e.p.Add(Fault{
		Match: Match{AccessKeyID: keyID, Service: "sts"},
		For:   10 * time.Second,
		Error: &AWSError{Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid.", Status: 403},
	})
	e.p.Add(Fault{
		Match: Match{AccessKeyID: keyID, Service: "s3"},
		For:   10 * time.Second,
		Error: &AWSError{Code: "InvalidAccessKeyId", Message: "The AWS Access Key Id you provided does not exist in our records.", Status: 403},
	})

	for i := 0; i < 2; i++ { // unlimited Times: every call in the window fails
		_, err := e.m.STS(fresh).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if errorCode(err) != "InvalidClientTokenId" {
			t.Fatalf("GetCallerIdentity with fresh key (call %d): %v, want InvalidClientTokenId", i, err)
		}
	}
	if _, err := e.m.S3(fresh).ListBuckets(ctx, &s3.ListBucketsInput{}); errorCode(err) != "InvalidAccessKeyId" {
		t.Fatalf("ListBuckets with fresh key: %v, want InvalidAccessKeyId", err)
	}
	// Other keys are unaffected.
	if _, err := e.m.STS(e.admin).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("GetCallerIdentity as admin: %v", err)
	}

	clock.advance(9 * time.Second)
	if _, err := e.m.STS(fresh).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); errorCode(err) != "InvalidClientTokenId" {
		t.Fatalf("GetCallerIdentity at 9s: %v, want still InvalidClientTokenId", err)
	}
	clock.advance(time.Second)
	if _, err := e.m.STS(fresh).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("GetCallerIdentity at 10s: %v, want the window over", err)
	}
	if _, err := e.m.S3(fresh).ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
		t.Fatalf("ListBuckets at 10s: %v, want the window over", err)
	}
	if got, want := e.p.Count(Match{AccessKeyID: keyID}), 6; got != want {
		t.Errorf("Count(fresh key) = %d, want %d", got, want)
	}
}

func TestProxyThrottleTimesWithRetries(t *testing.T) {
	t.Parallel()
	e := newProxyEnv(t)
	ctx := ctxT(t)
	c := e.m.S3(e.admin)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("thr")}); err != nil {
		t.Fatal(err)
	}
	// Two throttles then success: the standard retryer (3 attempts) absorbs them.
	e.p.Add(Throttle(Match{Operation: "PutObject"}, 2))
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("thr"), Key: aws.String("k"), Body: strings.NewReader("x")}); err != nil {
		t.Fatalf("PutObject with 2 throttles: %v, want the retryer to succeed", err)
	}
	var statuses []int
	for _, r := range e.p.Requests() {
		if r.Operation == "PutObject" {
			statuses = append(statuses, r.Status)
		}
	}
	if len(statuses) != 3 || statuses[0] != 503 || statuses[1] != 503 || statuses[2] != 200 {
		t.Errorf("PutObject statuses = %v, want [503 503 200]", statuses)
	}

	// Unlimited throttling of IAM: every attempt throttled, the SDK gives up.
	e.p.Add(Throttle(Match{Service: "iam"}, 0))
	_, err := e.m.IAM(e.admin).ListUsers(ctx, &iam.ListUsersInput{})
	var re *smithyhttp.ResponseError
	if errorCode(err) != "Throttling" || !errors.As(err, &re) || re.HTTPStatusCode() != 400 {
		t.Fatalf("ListUsers under throttling: %v, want Throttling/400", err)
	}
	if n := e.p.Count(Match{Operation: "ListUsers"}); n != 3 {
		t.Errorf("ListUsers attempts = %d, want 3", n)
	}
}

func TestProxyRemoveAndClear(t *testing.T) {
	t.Parallel()
	e := newProxyEnv(t)
	ctx := ctxT(t)
	st := e.m.STS(noRetries(e.admin))
	call := func() error { _, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); return err }

	id := e.p.Add(Fault{Error: &AWSError{Code: "A", Status: 400}})
	e.p.Add(Fault{Error: &AWSError{Code: "B", Status: 400}})
	if code := errorCode(call()); code != "A" {
		t.Errorf("first rule wins: code %q, want A", code)
	}
	e.p.Remove(id)
	if code := errorCode(call()); code != "B" {
		t.Errorf("after Remove: code %q, want B", code)
	}
	e.p.Clear()
	if err := call(); err != nil {
		t.Errorf("after Clear: %v", err)
	}
	if n := len(e.p.Requests()); n != 3 {
		t.Errorf("log has %d entries, want 3 (Clear keeps the log)", n)
	}
}

func TestProxyDrop(t *testing.T) {
	t.Parallel()
	e := newProxyEnv(t)
	ctx := ctxT(t)
	e.p.Add(Fault{Match: Match{Operation: "GetCallerIdentity"}, Drop: true})
	_, err := e.m.STS(noRetries(e.admin)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err == nil {
		t.Fatal("GetCallerIdentity over a dropped connection succeeded")
	}
	var sendErr *smithyhttp.RequestSendError
	if !errors.As(err, &sendErr) || errorCode(err) != "" {
		t.Errorf("err = %v, want a client-side RequestSendError with no AWS error code", err)
	}
	reqs := e.p.Requests()
	if len(reqs) == 0 {
		t.Fatal("no request logged")
	}
	for _, r := range reqs {
		if !r.Faulted || r.Status != 0 {
			t.Errorf("logged %+v, want Faulted with Status 0", r)
		}
	}
}

func TestProxyDelay(t *testing.T) {
	t.Parallel()
	e := newProxyEnv(t)
	ctx := ctxT(t)
	st := e.m.STS(noRetries(e.admin))

	const delay = 300 * time.Millisecond
	e.p.Add(Fault{Match: Match{Operation: "GetCallerIdentity"}, Times: 1, Delay: delay})
	start := time.Now()
	if _, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("delayed GetCallerIdentity: %v", err)
	}
	if took := time.Since(start); took < delay {
		t.Errorf("delayed call took %s, want >= %s", took, delay)
	}
	if r := e.p.Requests()[0]; !r.Faulted || r.Status != 200 {
		t.Errorf("logged %+v, want Faulted and forwarded (200)", r)
	}

	// A client deadline shorter than the delay fails with the deadline.
	e.p.Add(Fault{Match: Match{Operation: "GetCallerIdentity"}, Delay: time.Minute})
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err := st.GetCallerIdentity(short, &sts.GetCallerIdentityInput{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("call took %s; the deadline did not cut the delay short", took)
	}
}

func TestProxyTimesIsExactUnderConcurrency(t *testing.T) {
	t.Parallel()
	e := newProxyEnv(t)
	ctx := ctxT(t)
	st := e.m.STS(noRetries(e.admin))
	e.p.Add(Fault{Match: Match{Service: "sts"}, Times: 5, Error: &AWSError{Code: "Throttling", Status: 400}})

	const n = 20
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			if errorCode(err) != "Throttling" {
				t.Errorf("unexpected error: %v", err)
			}
			failed++
		}
	}
	if failed != 5 {
		t.Errorf("%d calls failed, want exactly 5", failed)
	}
	if got := e.p.Count(Match{Service: "sts", Operation: "GetCallerIdentity"}); got != n {
		t.Errorf("Count = %d, want %d", got, n)
	}
}

// TestProxyForwarding checks, against a plain upstream, the properties SigV4
// and S3 uploads need: Host as the client sent it, Expect: 100-continue
// handled, fixed-length and chunked bodies forwarded intact.
func TestProxyForwarding(t *testing.T) {
	t.Parallel()
	type seen struct {
		host, expect, body string
		contentLength      int64
	}
	got := make(chan seen, 1)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Host, r.Header.Get("Expect"), string(b), r.ContentLength}
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(upstream.Close)
	p := NewProxy(t, upstream.URL)
	proxyHost := strings.TrimPrefix(p.URL, "http://")

	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: 5 * time.Second}}
	payload := strings.Repeat("x", 100_000)
	cases := []struct {
		name    string
		body    io.Reader
		expect  bool
		wantLen int64
	}{
		{"fixed length", strings.NewReader(payload), false, int64(len(payload))},
		{"expect 100-continue", strings.NewReader(payload), true, int64(len(payload))},
		{"chunked", io.MultiReader(strings.NewReader(payload)), false, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest("PUT", p.URL+"/b/k", c.body)
			if err != nil {
				t.Fatal(err)
			}
			if c.expect {
				req.Header.Set("Expect", "100-continue")
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				t.Errorf("status %d, want 201", resp.StatusCode)
			}
			s := <-got
			if s.host != proxyHost {
				t.Errorf("upstream saw Host %q, want the proxy's %q", s.host, proxyHost)
			}
			if s.body != payload || s.contentLength != c.wantLen {
				t.Errorf("upstream got %d bytes, ContentLength %d; want %d bytes, ContentLength %d",
					len(s.body), s.contentLength, len(payload), c.wantLen)
			}
			if s.expect != "" {
				t.Errorf("upstream saw Expect %q; the proxy handles 100-continue itself", s.expect)
			}
		})
	}
}
