package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strmprivacy/s3-connector-wizard/awsops"
	"github.com/strmprivacy/s3-connector-wizard/internal/testenv"
)

// TestEndToEndWithSTRMAndSecretStaysPut runs the whole headless setup against
// moto and the in-process STRM API, then proves the secret access key exists
// in exactly two places: the credentials file and the request to STRM.
func TestEndToEndWithSTRMAndSecretStaysPut(t *testing.T) {
	m := testenv.StartMoto(t)
	awsEnv(t, m, m.AdminKeyID, m.AdminSecret)
	srv := testenv.StartSTRM(t, testenv.STRMOptions{
		Token:    "tok-e2e",
		Projects: []testenv.STRMProject{{Name: "analytics", ID: "8d0f4cf5-7f0b-4a57-9f3c-2b1d2f1e8a10"}},
	})
	t.Setenv("STRM_ACCESS_TOKEN", "tok-e2e")
	dir := t.TempDir()
	t.Chdir(dir) // default file names land here

	var outputs []string
	for _, format := range []string{"text", "json"} {
		r := runWizard(t, "--non-interactive", "--endpoint-url", m.URL, "--region", "eu-west-1",
			"--bucket", "strm-secret-e2e", "--prefix", "events", "--connector", "events-export",
			"--strm-api-host", srv.Addr, "--strm-project", "analytics", "-o", format)
		if r.code != 0 {
			t.Fatalf("%s run: exit %d\n%s\n%s", format, r.code, r.out, r.errOut)
		}
		outputs = append(outputs, r.out, r.errOut)
	}
	var rep struct {
		OK        bool            `json:"ok"`
		Register  string          `json:"register"`
		Connector json.RawMessage `json:"connector"`
	}
	if err := json.Unmarshal([]byte(outputs[2]), &rep); err != nil {
		t.Fatal(err)
	}
	// First run created it, second found it pointing at the same bucket.
	if !rep.OK || rep.Register != "reused" {
		t.Fatalf("json run: ok=%v register=%s", rep.OK, rep.Register)
	}
	if !strings.Contains(outputs[0], "✓ register") || !strings.Contains(outputs[0], "events-export") {
		t.Errorf("text run did not report the registration:\n%s", outputs[0])
	}
	wantConnector := `{"ref":{"name":"events-export","projectId":"8d0f4cf5-7f0b-4a57-9f3c-2b1d2f1e8a10"},"s3Bucket":{"bucketName":"strm-secret-e2e"}}`
	var compact bytes.Buffer
	_ = json.Compact(&compact, rep.Connector)
	if compact.String() != wantConnector {
		t.Errorf("connector = %s\nwant        %s", rep.Connector, wantConnector)
	}

	credText, err := os.ReadFile(filepath.Join(dir, "s3.json"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := awsops.ParseCredentialsFile(credText)
	if err != nil {
		t.Fatal(err)
	}
	secret := key.Secret.Reveal()

	calls := srv.Creates()
	if len(calls) != 2 {
		t.Fatalf("STRM got %d create calls, want 2", len(calls))
	}
	got := calls[0].Request.GetDataConnector()
	if got.GetS3Bucket().GetCredentials() != string(credText) {
		t.Errorf("credentials sent to STRM differ from s3.json:\n%s\nvs\n%s", got.GetS3Bucket().GetCredentials(), credText)
	}
	if calls[0].Authorization != "Bearer tok-e2e" || !strings.HasPrefix(calls[0].ClientVersion, "s3-connector-wizard/") {
		t.Errorf("STRM call headers: authorization %q, version %q", calls[0].Authorization, calls[0].ClientVersion)
	}
	if got.GetRef().GetName() != "events-export" || got.GetRef().GetProjectId() != "8d0f4cf5-7f0b-4a57-9f3c-2b1d2f1e8a10" || got.GetS3Bucket().GetBucketName() != "strm-secret-e2e" {
		t.Errorf("STRM request = %v", got)
	}

	// Nowhere else: not in any output, not in any other file.
	for i, out := range outputs {
		if strings.Contains(out, secret) {
			t.Errorf("output %d contains the secret access key", i)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) < 3 {
		t.Fatalf("expected s3.json, policy and journal in %s, found %v", dir, entries)
	}
	for _, e := range entries {
		if e.Name() == "s3.json" {
			continue
		}
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if strings.Contains(string(b), secret) {
			t.Errorf("%s contains the secret access key", e.Name())
		}
	}
	if strings.Contains(m.Log(), secret) {
		t.Error("the secret appears in moto's request log (e.g. in a URL)")
	}
}
