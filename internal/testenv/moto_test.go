// Tests that pin down the moto behaviour the project relies on: IAM policies
// are enforced for S3/IAM/STS once the bootstrap budget is spent, and unknown
// keys fail with the same error codes as AWS.

package testenv

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// errorCode returns the AWS error code of err, or "" if err carries none.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestStartMotoBootstrapsAdmin(t *testing.T) {
	t.Parallel()
	start := time.Now()
	m := StartMoto(t)
	t.Logf("StartMoto took %s", time.Since(start))
	ctx := ctxT(t)

	if m.AccountID != "123456789012" {
		t.Errorf("AccountID = %q, want moto's default 123456789012", m.AccountID)
	}
	if !strings.HasPrefix(m.URL, "http://127.0.0.1:") {
		t.Errorf("URL = %q, want a loopback http URL", m.URL)
	}
	id, err := m.STS(m.AdminConfig(t, "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity as admin: %v", err)
	}
	if got, want := aws.ToString(id.Arn), "arn:aws:iam::123456789012:user/admin"; got != want {
		t.Errorf("admin ARN = %q, want %q", got, want)
	}
	// The bootstrap budget is spent: a request signed with an unknown key fails.
	_, err = m.IAM(m.Config(t, "AKIAUNKNOWNUNKNOWN00", "secret", "")).CreateUser(ctx,
		&iam.CreateUserInput{UserName: aws.String("sneaky")})
	if code := errorCode(err); code != "InvalidClientTokenId" {
		t.Errorf("CreateUser with unknown key: err = %v (code %q), want InvalidClientTokenId", err, code)
	}
	// Each test gets its own server: nothing from other tests is visible.
	users, err := m.IAM(m.AdminConfig(t, "")).ListUsers(ctx, &iam.ListUsersInput{})
	if err != nil {
		t.Fatalf("ListUsers as admin: %v", err)
	}
	if len(users.Users) != 1 || aws.ToString(users.Users[0].UserName) != "admin" {
		t.Errorf("users = %v, want only admin", users.Users)
	}
}

func TestMotoUnknownOrBadCredentials(t *testing.T) {
	t.Parallel()
	m := StartMoto(t)
	ctx := ctxT(t)
	noRetry := func(cfg aws.Config) aws.Config {
		cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
		return cfg
	}
	unknown := noRetry(m.Config(t, "AKIAUNKNOWNUNKNOWN00", "secret", ""))
	badSecret := noRetry(m.Config(t, m.AdminKeyID, "not-the-secret", ""))
	anon := noRetry(m.AdminConfig(t, ""))
	anon.Credentials = aws.AnonymousCredentials{}

	cases := []struct {
		name string
		call func() error
		want string
	}{
		{"sts unknown key", func() error {
			_, err := m.STS(unknown).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}, "InvalidClientTokenId"},
		{"iam unknown key", func() error {
			_, err := m.IAM(unknown).ListUsers(ctx, &iam.ListUsersInput{})
			return err
		}, "InvalidClientTokenId"},
		{"s3 unknown key", func() error {
			_, err := m.S3(unknown).ListBuckets(ctx, &s3.ListBucketsInput{})
			return err
		}, "InvalidAccessKeyId"},
		{"sts bad secret", func() error {
			_, err := m.STS(badSecret).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}, "SignatureDoesNotMatch"},
		{"s3 bad secret", func() error {
			_, err := m.S3(badSecret).ListBuckets(ctx, &s3.ListBucketsInput{})
			return err
		}, "SignatureDoesNotMatch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			if code := errorCode(err); code != c.want {
				t.Errorf("err = %v (code %q), want code %q", err, code, c.want)
			}
		})
	}

	// moto 5.2.1 deviates from AWS for unsigned requests under enforcement:
	// instead of AccessDenied / MissingAuthenticationToken it crashes
	// (KeyError: 'HTTP_AUTHORIZATION') and answers 500 with an HTML page.
	// Pin that down so a moto upgrade that fixes it is noticed.
	_, err := m.S3(anon).ListBuckets(ctx, &s3.ListBucketsInput{})
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 500 {
		t.Errorf("unsigned ListBuckets: err = %v, want moto's HTTP 500", err)
	}
}

// TestMotoEnforcesLeastPrivilegePolicy proves the fact the project's policy
// tests rest on: a user whose only policy allows s3:GetBucketLocation on the
// bucket and s3:PutObject on <prefix>/*.jsonl can do exactly that.
func TestMotoEnforcesLeastPrivilegePolicy(t *testing.T) {
	t.Parallel()
	m := StartMoto(t)
	ctx := ctxT(t)
	const bucket, prefix = "lp-bucket", "events"

	admin := m.S3(m.AdminConfig(t, ""))
	if _, err := admin.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("CreateBucket as admin: %v", err)
	}
	const existing = prefix + "/existing.jsonl"
	if _, err := admin.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(existing), Body: strings.NewReader("{}\n"),
	}); err != nil {
		t.Fatalf("PutObject as admin: %v", err)
	}

	policy := `{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Action":"s3:GetBucketLocation","Resource":"arn:aws:s3:::` + bucket + `"},
	  {"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::` + bucket + `/` + prefix + `/*.jsonl"}]}`
	keyID, secret := m.NewUser(t, "limited", policy)
	cfg := m.Config(t, keyID, secret, "")
	cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	op := m.S3(cfg)

	put := func(key string) error {
		_, err := op.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(`{"a":1}` + "\n"),
		})
		return err
	}

	// Allowed.
	loc, err := op.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Errorf("GetBucketLocation: %v, want allowed", err)
	} else if loc.LocationConstraint != "" {
		t.Errorf("LocationConstraint = %q, want empty (us-east-1)", loc.LocationConstraint)
	}
	if err := put(prefix + "/x.jsonl"); err != nil {
		t.Errorf("PutObject %s/x.jsonl: %v, want allowed", prefix, err)
	}
	if err := put(prefix + "/deeper/y.jsonl"); err != nil {
		t.Errorf("PutObject %s/deeper/y.jsonl: %v, want allowed (* spans /)", prefix, err)
	}
	got, err := admin.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(prefix + "/x.jsonl")})
	if err != nil {
		t.Fatalf("GetObject as admin of the object the limited user wrote: %v", err)
	}
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(body) != `{"a":1}`+"\n" {
		t.Errorf("object body = %q", body)
	}
	id, err := m.STS(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Errorf("GetCallerIdentity as limited user: %v, want allowed (needs no permission)", err)
	} else if aws.ToString(id.Arn) != "arn:aws:iam::123456789012:user/limited" {
		t.Errorf("limited ARN = %q", aws.ToString(id.Arn))
	}

	// Denied.
	denied := []struct {
		name string
		call func() error
	}{
		{"PutObject wrong suffix", func() error { return put(prefix + "/x.txt") }},
		{"PutObject other prefix", func() error { return put("other/x.jsonl") }},
		{"PutObject bucket root", func() error { return put("x.jsonl") }},
		{"PutObject prefix without slash", func() error { return put(prefix + "x.jsonl") }},
		{"GetObject", func() error {
			_, err := op.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(existing)})
			return err
		}},
		{"ListObjectsV2", func() error {
			_, err := op.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
			return err
		}},
		{"DeleteObject", func() error {
			_, err := op.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(existing)})
			return err
		}},
		{"ListBuckets", func() error {
			_, err := op.ListBuckets(ctx, &s3.ListBucketsInput{})
			return err
		}},
		{"CreateBucket", func() error {
			_, err := op.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("another-bucket")})
			return err
		}},
		{"PutBucketPolicy", func() error {
			_, err := op.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(policy)})
			return err
		}},
		{"IAM ListUsers", func() error {
			_, err := m.IAM(cfg).ListUsers(ctx, &iam.ListUsersInput{})
			return err
		}},
		{"IAM CreateAccessKey for self", func() error {
			_, err := m.IAM(cfg).CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("limited")})
			return err
		}},
	}
	for _, d := range denied {
		t.Run(d.name, func(t *testing.T) {
			err := d.call()
			if code := errorCode(err); code != "AccessDenied" {
				t.Errorf("err = %v (code %q), want AccessDenied", err, code)
			}
		})
	}

	// The denied DeleteObject really did nothing.
	if _, err := admin.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(existing)}); err != nil {
		t.Errorf("HeadObject %s after denied DeleteObject: %v, want it still there", existing, err)
	}
	// ... and the denied PutObject calls wrote nothing.
	list, err := admin.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatalf("ListObjectsV2 as admin: %v", err)
	}
	var keys []string
	for _, o := range list.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	want := []string{prefix + "/deeper/y.jsonl", existing, prefix + "/x.jsonl"}
	if strings.Join(keys, ",") != strings.Join(want, ",") {
		t.Errorf("bucket keys = %v, want %v", keys, want)
	}
}

func TestMotoEnvDrivesAWSCLI(t *testing.T) {
	awsCLI, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not on PATH")
	}
	m := StartMoto(t)
	t.Setenv("AWS_PROFILE", "does-not-exist") // must not leak into the subprocess

	run := func(keyID, secret string, args ...string) (string, error) {
		cmd := exec.Command(awsCLI, args...)
		cmd.Env = m.Env(keyID, secret, "eu-west-1")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	out, err := run(m.AdminKeyID, m.AdminSecret, "sts", "get-caller-identity", "--query", "Arn", "--output", "text")
	if err != nil {
		t.Fatalf("aws sts get-caller-identity: %v\n%s", err, out)
	}
	if strings.TrimSpace(out) != "arn:aws:iam::123456789012:user/admin" {
		t.Errorf("aws sts get-caller-identity = %q", out)
	}
	// Region from Env reaches the CLI: a bucket made without an explicit
	// location lands in eu-west-1.
	if out, err := run(m.AdminKeyID, m.AdminSecret, "s3", "mb", "s3://cli-bucket"); err != nil {
		t.Fatalf("aws s3 mb: %v\n%s", err, out)
	}
	loc, err := m.S3(m.AdminConfig(t, "eu-west-1")).GetBucketLocation(ctxT(t), &s3.GetBucketLocationInput{Bucket: aws.String("cli-bucket")})
	if err != nil {
		t.Fatalf("GetBucketLocation: %v", err)
	}
	if loc.LocationConstraint != "eu-west-1" {
		t.Errorf("LocationConstraint = %q, want eu-west-1", loc.LocationConstraint)
	}
	out, err = run("AKIAUNKNOWNUNKNOWN00", "x", "sts", "get-caller-identity")
	if err == nil || !strings.Contains(out, "InvalidClientTokenId") {
		t.Errorf("aws sts get-caller-identity with unknown key: err=%v out=%q, want InvalidClientTokenId", err, out)
	}
}

func TestStartMotoSkipsWithoutMotoOutsideCI(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no moto_server here
	t.Setenv("CI", "")
	var skipped bool
	var started *Moto
	t.Run("inner", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		started = StartMoto(t)
	})
	if !skipped || started != nil {
		t.Errorf("StartMoto without moto_server: skipped=%v started=%v, want a skip", skipped, started)
	}
}
