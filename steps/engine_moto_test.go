package steps_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/strmprivacy/s3-connector-wizard/awsops"
	"github.com/strmprivacy/s3-connector-wizard/internal/testenv"
	"github.com/strmprivacy/s3-connector-wizard/steps"
)

// TestSetupEndToEnd runs the whole engine against moto with IAM enforcement
// and then checks, with separate clients, everything a user relies on.
func TestSetupEndToEnd(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct{ region, bucket, prefix string }{
		{"us-east-1", "strm-e2e-use1", "events/raw"},
		{"eu-west-1", "strm-e2e-euw1", ""},
	} {
		t.Run(tc.region, func(t *testing.T) {
			h.dir = t.TempDir()
			cfg := h.config(tc.region, tc.bucket, tc.prefix)
			r, _, ok := h.run(cfg)
			if !ok {
				t.Fatalf("run failed: %+v", r.Report())
			}
			want := map[string]steps.Status{
				"preflight": steps.StatusPassed, "bucket": steps.StatusPassed, "policy": steps.StatusPassed,
				"user": steps.StatusPassed, "user-policy": steps.StatusPassed, "access-key": steps.StatusPassed,
				"validate": steps.StatusPassed, "register": steps.StatusManual,
			}
			if got := statuses(r); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("statuses = %v, want %v", got, want)
			}
			checkAWSState(t, h, cfg)
		})
	}
}

func checkAWSState(t *testing.T, h *harness, cfg steps.Config) {
	t.Helper()
	ctx := context.Background()
	admin := h.moto.AdminConfig(t, cfg.Region)
	s3c, iamc := h.moto.S3(admin), h.moto.IAM(admin)

	// The bucket exists, in the asked region.
	loc, err := s3c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(cfg.Bucket)})
	if err != nil {
		t.Fatalf("GetBucketLocation: %v", err)
	}
	if got := awsops.NormalizeLocation(string(loc.LocationConstraint)); got != cfg.Region {
		t.Errorf("bucket region = %q, want %q", got, cfg.Region)
	}

	// The user exists with exactly one inline policy, the expected one.
	pols, err := iamc.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String(cfg.User)})
	if err != nil {
		t.Fatalf("ListUserPolicies: %v", err)
	}
	if len(pols.PolicyNames) != 1 || pols.PolicyNames[0] != "strm-bucket-write-access" {
		t.Errorf("inline policies = %v, want [strm-bucket-write-access]", pols.PolicyNames)
	}
	gp, err := iamc.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String(cfg.User), PolicyName: aws.String(cfg.PolicyName)})
	if err != nil {
		t.Fatalf("GetUserPolicy: %v", err)
	}
	wantDoc, _ := steps.PolicyJSON(cfg)
	gotDoc := aws.ToString(gp.PolicyDocument)
	if !awsops.SamePolicy(unescape(gotDoc), wantDoc) {
		t.Errorf("attached policy = %s\nwant %s", gotDoc, wantDoc)
	}
	if attached, _ := iamc.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(cfg.User)}); len(attached.AttachedPolicies) != 0 {
		t.Errorf("managed policies attached: %v", attached.AttachedPolicies)
	}

	// The credentials file: create-access-key format, mode 0600.
	fi, err := os.Stat(cfg.CredentialsFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("credentials file mode = %v, want 0600", fi.Mode().Perm())
	}
	var file struct {
		AccessKey map[string]string `json:"AccessKey"`
	}
	raw := mustRead(t, cfg.CredentialsFile)
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatalf("credentials file is not JSON: %v", err)
	}
	keys := make([]string, 0, len(file.AccessKey))
	for k := range file.AccessKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if strings.Join(keys, ",") != "AccessKeyId,CreateDate,SecretAccessKey,Status,UserName" {
		t.Errorf("AccessKey fields = %v", keys)
	}
	if file.AccessKey["UserName"] != cfg.User || file.AccessKey["Status"] != "Active" {
		t.Errorf("AccessKey = user %q status %q", file.AccessKey["UserName"], file.AccessKey["Status"])
	}
	if _, err := time.Parse(time.RFC3339, file.AccessKey["CreateDate"]); err != nil {
		t.Errorf("CreateDate %q: %v", file.AccessKey["CreateDate"], err)
	}

	// The new key can do exactly what STRM needs, and nothing else.
	keyCfg := h.moto.Config(t, file.AccessKey["AccessKeyId"], file.AccessKey["SecretAccessKey"], cfg.Region)
	keyCfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	ks3, kiam := h.moto.S3(keyCfg), h.moto.IAM(keyCfg)
	key := func(name string) string { return awsops.ObjectKey(cfg.Prefix, name) }
	put := func(k string) error {
		_, err := ks3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(cfg.Bucket), Key: aws.String(k), Body: bytes.NewReader([]byte("{}\n"))})
		return err
	}
	mustAllow(t, "GetBucketLocation", func() error {
		_, err := ks3.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(cfg.Bucket)})
		return err
	})
	mustAllow(t, "PutObject "+key("x.jsonl"), func() error { return put(key("x.jsonl")) })
	mustDeny(t, "PutObject "+key("x.txt"), func() error { return put(key("x.txt")) })
	other := "other/x.jsonl"
	if cfg.Prefix == "" {
		other = "x.txt.gz"
	}
	mustDeny(t, "PutObject "+other, func() error { return put(other) })
	if cfg.Prefix != "" {
		mustDeny(t, "PutObject at the root", func() error { return put("x.jsonl") })
	}
	mustDeny(t, "GetObject", func() error {
		_, err := ks3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(cfg.Bucket), Key: aws.String(key("x.jsonl"))})
		return err
	})
	mustDeny(t, "ListBucket", func() error {
		_, err := ks3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(cfg.Bucket)})
		return err
	})
	mustDeny(t, "DeleteObject", func() error {
		_, err := ks3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(cfg.Bucket), Key: aws.String(key("x.jsonl"))})
		return err
	})
	mustDeny(t, "iam:ListUsers", func() error { _, err := kiam.ListUsers(ctx, &iam.ListUsersInput{}); return err })
	mustDeny(t, "iam:CreateAccessKey", func() error {
		_, err := kiam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(cfg.User)})
		return err
	})

	// The validation object STRM would write is there.
	// (No Prefix parameter: moto mis-verifies signatures over an encoded "/"
	// in the query string.)
	list, err := s3c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(cfg.Bucket)})
	if err != nil {
		t.Fatal(err)
	}
	var tests []string
	for _, o := range list.Contents {
		k := aws.ToString(o.Key)
		if strings.HasPrefix(k, key(".strm_test_")) && strings.HasSuffix(k, ".jsonl") && aws.ToInt64(o.Size) == 0 {
			tests = append(tests, k)
		}
	}
	if len(tests) != 1 {
		t.Errorf("validation objects = %v, want one empty %s", tests, key(".strm_test_<uuid>.jsonl"))
	}
}

func unescape(s string) string {
	if u, err := urlUnescape(s); err == nil {
		return u
	}
	return s
}

func mustAllow(t *testing.T, what string, call func() error) {
	t.Helper()
	if err := call(); err != nil {
		t.Errorf("%s with the new key: %v, want allowed", what, err)
	}
}

func mustDeny(t *testing.T, what string, call func() error) {
	t.Helper()
	err := call()
	var apiErr smithy.APIError
	if err == nil {
		t.Errorf("%s with the new key: allowed, want AccessDenied", what)
	} else if !errors.As(err, &apiErr) || !strings.Contains(apiErr.ErrorCode(), "AccessDenied") {
		t.Errorf("%s with the new key: %v, want AccessDenied", what, err)
	}
}

// TestRerunReusesEverything runs the same setup twice: the second run
// creates nothing and reports every resource as reused.
func TestRerunReusesEverything(t *testing.T) {
	h := newHarness(t)
	cfg := h.config("eu-west-1", "strm-rerun", "events")
	if _, _, ok := h.run(cfg); !ok {
		t.Fatal("first run failed")
	}
	first := mustRead(t, cfg.CredentialsFile)
	r, _, ok := h.run(cfg)
	if !ok {
		t.Fatalf("second run failed: %+v", r.Report())
	}
	for _, id := range []string{"bucket", "policy", "user", "user-policy", "access-key"} {
		if got := r.Result(id).Status; got != steps.StatusReused {
			t.Errorf("%s: status %s, want reused (%s)", id, got, r.Result(id).Detail)
		}
	}
	if !bytes.Equal(first, mustRead(t, cfg.CredentialsFile)) {
		t.Error("the second run rewrote the credentials file")
	}
	for _, op := range []string{"CreateBucket", "CreateAccessKey", "PutUserPolicy"} {
		if n := h.proxy.Count(testenv.Match{Operation: op}); n != 1 {
			t.Errorf("%s called %d times over two runs, want 1", op, n)
		}
	}
}

// TestForceMakesNewKeyUntilTheLimit: --force replaces the file with a second
// key; the third key hits IAM's two-key limit, reported with the existing
// keys and the command to delete one.
func TestForceMakesNewKeyUntilTheLimit(t *testing.T) {
	h := newHarness(t)
	cfg := h.config("us-east-1", "strm-keylimit", "")
	if _, _, ok := h.run(cfg); !ok {
		t.Fatal("first run failed")
	}
	firstKey, _ := awsops.ParseCredentialsFile(mustRead(t, cfg.CredentialsFile))
	cfg.Force = true
	r, _, ok := h.run(cfg)
	if !ok || r.Result("access-key").Status != steps.StatusPassed {
		t.Fatalf("forced run: %+v", r.Result("access-key"))
	}
	secondKey, _ := awsops.ParseCredentialsFile(mustRead(t, cfg.CredentialsFile))
	if secondKey.ID == firstKey.ID {
		t.Fatal("--force did not create a new key")
	}
	r, _, ok = h.run(cfg)
	if ok {
		t.Fatal("third key: run passed, want the two-key limit")
	}
	res := r.Result("access-key")
	if res.Status != steps.StatusFailed || res.Diagnosis.Kind != steps.KindKeyLimit {
		t.Fatalf("access-key = %s %+v, want %s", res.Status, res.Diagnosis, steps.KindKeyLimit)
	}
	text := strings.Join(append(res.Diagnosis.Commands, res.Diagnosis.Why), "\n")
	for _, want := range []string{firstKey.ID, secondKey.ID, "aws iam delete-access-key --user-name " + cfg.User} {
		if !strings.Contains(text, want) {
			t.Errorf("diagnosis does not mention %q:\n%s", want, text)
		}
	}
	// The file still holds the second key: a failed run never clobbers it.
	if k, _ := awsops.ParseCredentialsFile(mustRead(t, cfg.CredentialsFile)); k.ID != secondKey.ID {
		t.Errorf("credentials file now holds %s, want %s", k.ID, secondKey.ID)
	}
}
