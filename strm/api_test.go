package strm

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/strmprivacy/s3-connector-wizard/internal/testenv"
	"google.golang.org/grpc/codes"
)

const (
	projectA = "0b6d5b8e-3c1f-4a0e-9d57-6f7c2a1e9b01"
	projectB = "5f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
	apiToken = "test-access-token"
	// s3JSON is an `aws iam create-access-key` output with odd spacing and
	// a trailing newline, to prove the text is passed on untouched.
	s3JSON    = "{\n    \"AccessKey\": {\n        \"UserName\": \"strm-writer\",\n        \"AccessKeyId\": \"AKIAEXAMPLE\",\n        \"Status\": \"Active\",\n        \"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET\",\n        \"CreateDate\": \"2026-03-01T12:00:00+00:00\"\n    }\n}\n"
	secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET"
)

func startFakeSTRM(t *testing.T, connectors ...testenv.STRMConnector) *testenv.STRMServer {
	t.Helper()
	return testenv.StartSTRM(t, testenv.STRMOptions{
		Token:      apiToken,
		Projects:   []testenv.STRMProject{{Name: "default", ID: projectA}, {Name: "analytics", ID: projectB}},
		Connectors: connectors,
	})
}

// apiOptions talks to srv with token in $STRM_ACCESS_TOKEN.
func apiOptions(t *testing.T, srv *testenv.STRMServer, token string) Options {
	t.Helper()
	f := newFakeEnv(t)
	f.vars[TokenEnvVar] = token
	return Options{APIHost: srv.Addr, ConfigDir: t.TempDir(), Version: "1.2.3", Env: f.env()}
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	// A safety net against a hung test, not an assertion.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestRegisterViaAPISendsRequestAndHeaders(t *testing.T) {
	srv := startFakeSTRM(t)
	opts := apiOptions(t, srv, apiToken)
	req := CreateRequest{Name: "events-bucket", Bucket: "my-events", Credentials: s3JSON, AssumeRoleARN: "arn:aws:iam::123456789012:role/strm", Project: "analytics"}

	res, err := Register(testContext(t), opts, ModeAuto, req)
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	want := Connector{Name: "events-bucket", ProjectID: projectB, BucketName: "my-events", AssumeRoleARN: "arn:aws:iam::123456789012:role/strm"}
	if res.Connector != want || res.Existed || res.Via != ModeAPI || res.Project != (Project{ID: projectB, Name: "analytics"}) {
		t.Errorf("result = %+v, want %+v via api", res, want)
	}

	calls := srv.Creates()
	if len(calls) != 1 {
		t.Fatalf("server got %d CreateDataConnector calls, want 1", len(calls))
	}
	c := calls[0]
	if c.Authorization != "Bearer "+apiToken {
		t.Errorf("authorization = %q", c.Authorization)
	}
	if c.ClientVersion != "s3-connector-wizard/1.2.3" {
		t.Errorf("client version = %q", c.ClientVersion)
	}
	dc := c.Request.GetDataConnector()
	if dc.GetRef().GetName() != "events-bucket" || dc.GetRef().GetProjectId() != projectB {
		t.Errorf("ref = %v", dc.GetRef())
	}
	s3 := dc.GetS3Bucket()
	if s3.GetBucketName() != "my-events" || s3.GetAssumeRoleArn() != "arn:aws:iam::123456789012:role/strm" {
		t.Errorf("s3 location = %v", s3)
	}
	if s3.GetCredentials() != s3JSON {
		t.Errorf("credentials differ from the file:\n got %q\nwant %q", s3.GetCredentials(), s3JSON)
	}
}

func TestRegisterViaAPIReadsCredentialsFileByteForByte(t *testing.T) {
	srv := startFakeSTRM(t)
	opts := apiOptions(t, srv, apiToken)
	file := filepath.Join(t.TempDir(), "s3.json")
	writeFile(t, file, s3JSON, 0o600)

	if _, err := Register(testContext(t), opts, ModeAPI, CreateRequest{Name: "from-file", Bucket: "b1", CredentialsFile: file, Project: "default"}); err != nil {
		t.Fatal(err)
	}
	got := srv.Connectors()
	if len(got) != 1 || got[0].Credentials != s3JSON || got[0].ProjectID != projectA {
		t.Errorf("stored connectors = %+v, want one in %s with the file's exact text", got, projectA)
	}
}

func TestRegisterViaAPIUsesActiveProject(t *testing.T) {
	// The e-mail comes from the token's claims: nothing else names it.
	token := makeJWT(t, map[string]any{"email": "me@example.com"})
	srv := testenv.StartSTRM(t, testenv.STRMOptions{
		Token:    token,
		Projects: []testenv.STRMProject{{Name: "default", ID: projectA}, {Name: "analytics", ID: projectB}},
	})
	opts := apiOptions(t, srv, token)
	writeFile(t, filepath.Join(opts.ConfigDir, "active_projects.json"),
		`{"users":[{"email":"someone@else.com","active_project":"default"},{"email":"me@example.com","active_project":"analytics"}]}`, 0o644)

	res, err := Register(testContext(t), opts, ModeAPI, CreateRequest{Name: "active-one", Bucket: "b", Credentials: s3JSON})
	if err != nil {
		t.Fatal(err)
	}
	if res.Connector.ProjectID != projectB || res.Project.Name != "analytics" {
		t.Errorf("result = %+v, want project analytics (%s)", res, projectB)
	}
}

func TestRegisterViaAPINoActiveProject(t *testing.T) {
	srv := startFakeSTRM(t)
	opts := apiOptions(t, srv, apiToken)
	_, err := Register(testContext(t), opts, ModeAPI, CreateRequest{Name: "no-project", Bucket: "b", Credentials: s3JSON})
	e := asError(t, err, KindNotFound)
	mustContain(t, "detail", e.Detail, "active_projects.json", "does not exist")
	if n := len(srv.Creates()); n != 0 {
		t.Errorf("%d create calls without a project", n)
	}
}

func TestRegisterViaAPIUnknownProjectListsAvailable(t *testing.T) {
	srv := startFakeSTRM(t)
	_, err := Register(testContext(t), apiOptions(t, srv, apiToken), ModeAPI, CreateRequest{Name: "conn", Bucket: "b", Credentials: s3JSON, Project: "prod"})
	e := asError(t, err, KindNotFound)
	if want := `project "prod" not found; available: analytics, default`; e.Detail != want {
		t.Errorf("detail = %q, want %q", e.Detail, want)
	}
}

func TestRegisterViaAPIErrorKinds(t *testing.T) {
	cases := []struct {
		name   string
		token  string
		method string
		code   codes.Code
		want   Kind
	}{
		{name: "wrong token", token: "wrong", want: KindUnauthenticated},
		{name: "permission denied", token: apiToken, method: testenv.STRMCreateDataConnector, code: codes.PermissionDenied, want: KindPermissionDenied},
		{name: "invalid argument", token: apiToken, method: testenv.STRMCreateDataConnector, code: codes.InvalidArgument, want: KindInvalidArgument},
		{name: "failed precondition", token: apiToken, method: testenv.STRMCreateDataConnector, code: codes.FailedPrecondition, want: KindInvalidArgument},
		{name: "unavailable", token: apiToken, method: testenv.STRMCreateDataConnector, code: codes.Unavailable, want: KindUnavailable},
		{name: "internal", token: apiToken, method: testenv.STRMCreateDataConnector, code: codes.Internal, want: KindUnknown},
		{name: "list projects denied", token: apiToken, method: testenv.STRMListProjects, code: codes.PermissionDenied, want: KindPermissionDenied},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := startFakeSTRM(t)
			if tc.method != "" {
				srv.SetError(tc.method, tc.code, "forced: "+tc.name)
			}
			_, err := Register(testContext(t), apiOptions(t, srv, tc.token), ModeAPI, CreateRequest{Name: "conn", Bucket: "b", Credentials: s3JSON, Project: "default"})
			e := asError(t, err, tc.want)
			if tc.method != "" {
				mustContain(t, "detail", e.Detail, "forced: "+tc.name)
			}
			if KindOf(err) != tc.want {
				t.Errorf("KindOf = %v", KindOf(err))
			}
			if n := len(srv.Connectors()); n != 0 {
				t.Errorf("server holds %d connectors after a failure", n)
			}
		})
	}
}

func TestRegisterViaAPIAlreadyExists(t *testing.T) {
	existing := testenv.STRMConnector{Name: "events", ProjectID: projectA, Bucket: "my-events", Credentials: "old-key"}

	t.Run("same bucket is reused", func(t *testing.T) {
		srv := startFakeSTRM(t, existing)
		res, err := Register(testContext(t), apiOptions(t, srv, apiToken), ModeAPI, CreateRequest{Name: "events", Bucket: "my-events", Credentials: s3JSON, Project: "default"})
		if err != nil {
			t.Fatalf("Register: %v", err)
		}
		if !res.Existed || res.Connector != (Connector{Name: "events", ProjectID: projectA, BucketName: "my-events"}) {
			t.Errorf("result = %+v, want the existing connector, Existed", res)
		}
	})

	t.Run("different bucket is an error", func(t *testing.T) {
		srv := startFakeSTRM(t, existing)
		res, err := Register(testContext(t), apiOptions(t, srv, apiToken), ModeAPI, CreateRequest{Name: "events", Bucket: "other-bucket", Credentials: s3JSON, Project: "default"})
		e := asError(t, err, KindAlreadyExists)
		mustContain(t, "detail", e.Detail, `"events"`, `"default"`, `bucket "my-events", not "other-bucket"`)
		if !res.Existed || res.Connector.BucketName != "my-events" {
			t.Errorf("result = %+v, want the existing connector", res)
		}
		if got := srv.Connectors(); len(got) != 1 || got[0].Credentials != "old-key" {
			t.Errorf("server connectors changed: %+v", got)
		}
	})
}

func TestRegisterViaAPIUnreachable(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	if err := lis.Close(); err != nil {
		t.Fatal(err)
	}
	f := newFakeEnv(t)
	f.vars[TokenEnvVar] = apiToken
	opts := Options{APIHost: addr, ConfigDir: t.TempDir(), Env: f.env()}
	_, err = Register(testContext(t), opts, ModeAPI, CreateRequest{Name: "conn", Bucket: "b", Credentials: s3JSON, Project: "default"})
	asError(t, err, KindUnavailable)
}

func TestRegisterViaAPIWithRefreshedStoredLogin(t *testing.T) {
	// End to end: an expired stored login without e-mail is refreshed, the
	// new token's e-mail finds the active project, and the API accepts it.
	newJWT := makeJWT(t, map[string]any{"email": "me@example.com"})
	auth := tokenEndpoint(t, "refresh-1", 200, mustJSON(t, map[string]any{"access_token": newJWT, "expires_in": 600}))
	srv := testenv.StartSTRM(t, testenv.STRMOptions{Token: newJWT, Projects: []testenv.STRMProject{{Name: "default", ID: projectA}}})
	f := newFakeEnv(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "strm-creds-127.0.0.1.json"), mustJSON(t, map[string]any{"accessToken": "old", "refreshToken": "refresh-1", "expiresAt": 1}), 0o600)
	writeFile(t, filepath.Join(dir, "active_projects.json"), `{"users":[{"email":"me@example.com","active_project":"default"}]}`, 0o600)

	res, err := Register(testContext(t), Options{APIHost: srv.Addr, AuthURL: auth.URL, ConfigDir: dir, Env: f.env()}, ModeAuto, CreateRequest{Name: "conn", Bucket: "b", Credentials: s3JSON})
	if err != nil {
		t.Fatal(err)
	}
	if res.Via != ModeAPI || !res.Token.Refreshed || res.Connector.ProjectID != projectA {
		t.Errorf("result = %+v", res)
	}
	if calls := srv.Creates(); len(calls) != 1 || calls[0].Authorization != "Bearer "+newJWT || calls[0].ClientVersion != "s3-connector-wizard/dev" {
		t.Errorf("calls = %+v", calls)
	}
}

func TestRegisterRejectsBadInputBeforeCalling(t *testing.T) {
	srv := startFakeSTRM(t)
	opts := apiOptions(t, srv, apiToken)
	for _, req := range []CreateRequest{
		{Name: "abc", Bucket: "b", Credentials: s3JSON, Project: "default"},
		{Name: "good-name", Bucket: "", Credentials: s3JSON, Project: "default"},
		{Name: "good-name", Bucket: "b", Project: "default"},
		{Name: "good-name", Bucket: "b", CredentialsFile: filepath.Join(t.TempDir(), "missing.json"), Project: "default"},
	} {
		_, err := Register(testContext(t), opts, ModeAPI, req)
		asError(t, err, KindInvalidArgument)
	}
	if n := len(srv.Creates()); n != 0 {
		t.Errorf("%d create calls for invalid requests", n)
	}
}

func TestTransportCredentials(t *testing.T) {
	for host, want := range map[string]string{
		"api.strmprivacy.io:443":   "tls",
		"10.0.0.1:443":             "tls",
		"localhost.example.com:1":  "tls",
		"[2001:db8::1]:443":        "tls",
		"127.0.0.1:50051":          "insecure",
		"127.8.9.10:1":             "insecure",
		"localhost:8080":           "insecure",
		"LOCALHOST:8080":           "insecure",
		"[::1]:443":                "insecure",
		"api.strmprivacy.io":       "tls",
		"127.0.0.1":                "insecure",
		"not-127.0.0.1.nip.io:443": "tls",
	} {
		if got := transportCredentials(host).Info().SecurityProtocol; got != want {
			t.Errorf("%s: security protocol %q, want %q", host, got, want)
		}
	}
}

func TestDefaultEndpoints(t *testing.T) {
	f := newFakeEnv(t)
	opts := Options{Env: f.env()}
	if opts.apiHost() != "api.strmprivacy.io:443" || opts.authURL() != "https://accounts.strmprivacy.io" {
		t.Errorf("defaults = %s, %s", opts.apiHost(), opts.authURL())
	}
	if got := credsFileName(opts.authURL()); got != "strm-creds-accounts.strmprivacy.io.json" {
		t.Errorf("creds file = %s", got)
	}
	f.vars["STRM_API_HOST"] = "api.dev.strmprivacy.io:443"
	f.vars["STRM_API_AUTH_URL"] = "https://accounts.dev.strmprivacy.io/"
	if opts.apiHost() != "api.dev.strmprivacy.io:443" || opts.authURL() != "https://accounts.dev.strmprivacy.io" {
		t.Errorf("from environment = %s, %s", opts.apiHost(), opts.authURL())
	}
	if !strings.HasSuffix(credsFileName(opts.authURL()), "-accounts.dev.strmprivacy.io.json") {
		t.Errorf("creds file = %s", credsFileName(opts.authURL()))
	}
}
