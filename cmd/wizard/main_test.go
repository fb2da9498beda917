package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strmprivacy/s3-connector-wizard/awsops"
	"github.com/strmprivacy/s3-connector-wizard/internal/testenv"
	"github.com/strmprivacy/s3-connector-wizard/steps"
)

// result is what one in-process run of the command printed.
type result struct {
	code        int
	out, errOut string
}

// runWizard runs the command in-process, with no terminal.
func runWizard(t *testing.T, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, IOStreams{
		In: strings.NewReader(""), Out: &out, ErrOut: &errOut, IsTerminal: func() bool { return false },
	})
	return result{code, out.String(), errOut.String()}
}

// awsEnv points the default AWS credential chain at moto with key, and
// makes sure no shared config, metadata service or STRM login interferes.
func awsEnv(t *testing.T, m *testenv.Moto, keyID, secret string) {
	t.Helper()
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": keyID, "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_ENDPOINT_URL": "",
		"AWS_CONFIG_FILE": empty, "AWS_SHARED_CREDENTIALS_FILE": empty, "AWS_EC2_METADATA_DISABLED": "true",
		"STRM_CONFIG_PATH": t.TempDir(), "STRM_ACCESS_TOKEN": "", "PATH": t.TempDir(),
	} {
		t.Setenv(k, v)
	}
}

func TestBadInputExitsTwoBeforeAnyCall(t *testing.T) {
	m := testenv.StartMoto(t)
	p := testenv.NewProxy(t, m.URL)
	awsEnv(t, m, m.AdminKeyID, m.AdminSecret)
	dir := t.TempDir()
	r := runWizard(t, "--non-interactive", "--endpoint-url", p.URL, "--region", "eu-west-1",
		"--bucket", "Not_A_Bucket", "--prefix", "a//b", "--connector", "abc", "--credentials-file", filepath.Join(dir, "s3.json"))
	if r.code != exitBadArgs {
		t.Fatalf("exit %d, want 2\n%s", r.code, r.errOut)
	}
	for _, want := range []string{`--bucket "Not_A_Bucket": must be lowercase`, `--prefix "a//b"`, `--connector "abc": must be 4 to 100`, "nothing was created"} {
		if !strings.Contains(r.errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.errOut)
		}
	}
	if n := len(p.Requests()); n != 0 {
		t.Errorf("%d AWS requests were made for bad input, want 0", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "s3.json")); err == nil {
		t.Error("a credentials file was written for bad input")
	}
}

func TestMissingInputWithoutTerminal(t *testing.T) {
	awsEnv(t, &testenv.Moto{}, "AKIDEXAMPLE", "secret")
	r := runWizard(t, "--non-interactive")
	if r.code != exitBadArgs || !strings.Contains(r.errOut, "--bucket: is required") || !strings.Contains(r.errOut, "--region: is required") {
		t.Fatalf("exit %d, stderr:\n%s\nwant exit 2 naming --bucket and --region", r.code, r.errOut)
	}
	r = runWizard(t, "--bucket", "strm-demo")
	if r.code != exitBadArgs || !strings.Contains(r.errOut, "not a terminal") || !strings.Contains(r.errOut, "--non-interactive") {
		t.Fatalf("no terminal, no --non-interactive: exit %d, stderr:\n%s", r.code, r.errOut)
	}
	r = runWizard(t, "--non-interactive", "--bucket", "strm-demo", "--region", "us-east-1", "--output", "yaml")
	if r.code != exitBadArgs || !strings.Contains(r.errOut, "--output") {
		t.Fatalf("bad --output: exit %d, stderr:\n%s", r.code, r.errOut)
	}
	r = runWizard(t, "--no-such-flag")
	if r.code != exitBadArgs || !strings.Contains(r.errOut, "no-such-flag") {
		t.Fatalf("unknown flag: exit %d, stderr:\n%s", r.code, r.errOut)
	}
}

func TestDryRunMakesNoCall(t *testing.T) {
	m := testenv.StartMoto(t)
	p := testenv.NewProxy(t, m.URL)
	awsEnv(t, m, m.AdminKeyID, m.AdminSecret)
	dir := t.TempDir()
	args := []string{"--non-interactive", "--dry-run", "--endpoint-url", p.URL, "--region", "eu-west-1",
		"--bucket", "strm-dry", "--prefix", "/events/", "--credentials-file", filepath.Join(dir, "s3.json")}
	r := runWizard(t, args...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	for _, want := range []string{
		"aws s3 mb s3://strm-dry --region eu-west-1 --endpoint-url " + p.URL,
		"aws iam create-user --user-name strm-export-strm-dry",
		"aws iam put-user-policy --user-name strm-export-strm-dry --policy-name strm-bucket-write-access",
		"aws iam create-access-key --user-name strm-export-strm-dry",
		"strm create data-connector s3 strm-dry strm-dry",
		`"arn:aws:s3:::strm-dry/events/*.jsonl"`,
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("plan lacks %q:\n%s", want, r.out)
		}
	}
	r = runWizard(t, append(args, "-o", "json")...)
	var doc struct {
		DryRun bool `json:"dry_run"`
		Plan   []struct{ Step, Command string }
		Policy awsops.PolicyDocument
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil || !doc.DryRun || len(doc.Plan) < 7 || len(doc.Policy.Statement) != 2 {
		t.Fatalf("dry-run JSON = %+v, %v\n%s", doc, err, r.out)
	}
	if n := len(p.Requests()); n != 0 {
		t.Errorf("dry run made %d AWS requests, want 0", n)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("dry run wrote files: %v", entries)
	}
}

type jsonReport struct {
	OK     bool `json:"ok"`
	Inputs struct {
		Bucket, Prefix, Region, User string
	} `json:"inputs"`
	Steps []struct {
		ID         string           `json:"id"`
		Status     string           `json:"status"`
		Detail     string           `json:"detail"`
		DurationMS *int64           `json:"duration_ms"`
		Diagnosis  *steps.Diagnosis `json:"diagnosis"`
	} `json:"steps"`
	Register string `json:"register"`
}

func TestHeadlessJSONAndExitCodes(t *testing.T) {
	m := testenv.StartMoto(t)
	p := testenv.NewProxy(t, m.URL)
	awsEnv(t, m, m.AdminKeyID, m.AdminSecret)
	dir := t.TempDir()
	common := []string{"--non-interactive", "--endpoint-url", p.URL, "--region", "eu-west-1", "--prefix", "events",
		"--credentials-file", filepath.Join(dir, "s3.json"), "--policy-file", filepath.Join(dir, "policy.json"),
		"--journal", filepath.Join(dir, "journal.json"), "-o", "json"}

	// A name another account owns: exit 1, the diagnosis in the JSON.
	p.Add(testenv.Fault{Match: testenv.Match{Service: "s3", Operation: "CreateBucket", BucketName: "strm-taken"},
		Error: &testenv.AWSError{Code: "BucketAlreadyExists", Status: 409, Message: "The requested bucket name is not available."}})
	r := runWizard(t, append(common, "--bucket", "strm-taken")...)
	var rep jsonReport
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, r.out)
	}
	if r.code != exitFailed || rep.OK || rep.Steps[1].ID != "bucket" || rep.Steps[1].Status != "failed" ||
		rep.Steps[1].Diagnosis == nil || rep.Steps[1].Diagnosis.Kind != steps.KindBucketNameTaken {
		t.Fatalf("taken bucket: exit %d, report %+v", r.code, rep)
	}
	if rep.Steps[2].Status != "pending" {
		t.Errorf("steps after a failure ran: %+v", rep.Steps[2])
	}

	// A free name: exit 0, every step reported, register manual.
	r = runWizard(t, append(common, "--bucket", "strm-json")...)
	rep = jsonReport{}
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, r.out)
	}
	if r.code != 0 || !rep.OK || rep.Register != "manual" || rep.Inputs.Bucket != "strm-json" || rep.Inputs.Prefix != "events" {
		t.Fatalf("exit %d, report %+v\nstderr: %s", r.code, rep, r.errOut)
	}
	var ids []string
	for _, s := range rep.Steps {
		ids = append(ids, s.ID+"="+s.Status)
		if s.DurationMS == nil || s.Detail == "" {
			t.Errorf("step %s lacks duration_ms or detail", s.ID)
		}
	}
	want := "preflight=passed bucket=passed policy=passed user=passed user-policy=passed access-key=passed validate=passed register=manual"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("steps = %s\nwant   %s", got, want)
	}

	// Text output: one line per step with symbol, id, detail, duration.
	r = runWizard(t, "--non-interactive", "--endpoint-url", p.URL, "--region", "eu-west-1", "--prefix", "events",
		"--bucket", "strm-json", "--credentials-file", filepath.Join(dir, "s3.json"), "--policy-file", filepath.Join(dir, "policy.json"),
		"--journal", filepath.Join(dir, "journal.json"))
	if r.code != 0 {
		t.Fatalf("text rerun: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	for _, want := range []string{"↺ bucket       strm-json is yours, in eu-west-1", "✓ validate     key works", "! register", "--path-prefix events"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("text output lacks %q:\n%s", want, r.out)
		}
	}
}

func TestVersion(t *testing.T) {
	r := runWizard(t, "version")
	if r.code != 0 || !strings.HasPrefix(r.out, "wizard dev (commit none, built unknown)") {
		t.Fatalf("version: exit %d %q", r.code, r.out)
	}
}
