package strm

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// standInCLI writes a stand-in `strm` into a temp dir. It records each call's
// arguments (one per line, calls separated by "--call--") in dir/calls,
// copies the --credentials-file it is given to dir/creds-seen, and answers
// "create" and "get" with the given stdout, stderr and exit status.
type standInCLI struct {
	createOut, createErr string
	createRC             int
	getOut               string
}

func (s standInCLI) install(t *testing.T, f *fakeEnv) (dir string) {
	t.Helper()
	dir = t.TempDir()
	for name, content := range map[string]string{
		"create.out": s.createOut, "create.err": s.createErr, "get.out": s.getOut,
	} {
		writeFile(t, filepath.Join(dir, name), content, 0o600)
	}
	script := `#!/bin/sh
d='` + dir + `'
for a in "$@"; do printf '%s\n' "$a"; done >> "$d/calls"
echo --call-- >> "$d/calls"
for a in "$@"; do
  case "$a" in --credentials-file=*) cp "${a#--credentials-file=}" "$d/creds-seen" ;; esac
done
for a in "$@"; do
  case "$a" in
    create) cat "$d/create.out"; cat "$d/create.err" >&2; exit ` + strconv.Itoa(s.createRC) + ` ;;
    get) cat "$d/get.out"; exit 0 ;;
  esac
done
echo "unexpected call" >&2
exit 2
`
	writeFile(t, filepath.Join(dir, "strm"), script, 0o755)
	f.programs["strm"] = filepath.Join(dir, "strm")
	return dir
}

func calls(t *testing.T, dir string) [][]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "calls"))
	if err != nil {
		t.Fatalf("the stand-in strm was not run: %v", err)
	}
	var out [][]string
	var cur []string
	for _, l := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
		if l == "--call--" {
			out = append(out, cur)
			cur = nil
			continue
		}
		cur = append(cur, l)
	}
	return out
}

// cliCreated is what `strm create data-connector s3 ... -o json` prints:
// protojson of CreateDataConnectorResponse, pretty-printed, credentials and
// all.
const cliCreated = `{
    "dataConnector": {
        "ref": {
            "name": "events-bucket",
            "projectId": "` + projectB + `"
        },
        "s3Bucket": {
            "bucketName": "my-events",
            "credentials": "{\"AccessKey\":{\"SecretAccessKey\":\"` + secretKey + `\"}}"
        }
    }
}
`

func TestRegisterViaCLI(t *testing.T) {
	f := newFakeEnv(t)
	dir := standInCLI{createOut: cliCreated}.install(t, f)
	file := filepath.Join(t.TempDir(), "s3.json")
	writeFile(t, file, s3JSON, 0o600)
	opts := Options{ConfigDir: t.TempDir(), Env: f.env()}

	res, err := Register(testContext(t), opts, ModeCLI, CreateRequest{Name: "events-bucket", Bucket: "my-events", CredentialsFile: file, Project: "analytics"})
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	want := Connector{Name: "events-bucket", ProjectID: projectB, BucketName: "my-events"}
	if res.Connector != want || res.Via != ModeCLI || res.Existed || res.Project != (Project{ID: projectB, Name: "analytics"}) {
		t.Errorf("result = %+v, want %+v via cli", res, want)
	}
	got := calls(t, dir)
	wantArgs := []string{"create", "data-connector", "s3", "events-bucket", "my-events", "--credentials-file=" + file, "--project=analytics", "--output=json"}
	if len(got) != 1 || strings.Join(got[0], " ") != strings.Join(wantArgs, " ") {
		t.Errorf("strm ran with %q, want %q", got, wantArgs)
	}
	if strings.Contains(res.Connector.JSON(), secretKey) {
		t.Errorf("connector JSON leaks the secret: %s", res.Connector.JSON())
	}
}

func TestRegisterViaCLIWritesCredentialsTextToAPrivateFile(t *testing.T) {
	f := newFakeEnv(t)
	dir := standInCLI{createOut: `{"ref":{"name":"events-bucket","projectId":"` + projectA + `"},"s3Bucket":{"bucketName":"my-events"}}`}.install(t, f)
	opts := Options{APIHost: "api.dev.strmprivacy.io:443", ConfigDir: t.TempDir(), Env: f.env()}

	res, err := Register(testContext(t), opts, ModeCLI, CreateRequest{Name: "events-bucket", Bucket: "my-events", Credentials: s3JSON})
	if err != nil {
		t.Fatal(err)
	}
	if res.Connector.ProjectID != projectA {
		t.Errorf("unwrapped output parsed as %+v", res.Connector)
	}
	seen, err := os.ReadFile(filepath.Join(dir, "creds-seen"))
	if err != nil || string(seen) != s3JSON {
		t.Errorf("CLI saw credentials %q (%v), want the exact text", seen, err)
	}
	args := calls(t, dir)[0]
	if args[0] != "--api-host=api.dev.strmprivacy.io:443" {
		t.Errorf("explicit API host not passed on: %q", args)
	}
	for _, a := range args {
		if strings.HasPrefix(a, "--credentials-file=") {
			if _, err := os.Stat(strings.TrimPrefix(a, "--credentials-file=")); !os.IsNotExist(err) {
				t.Errorf("temporary credentials file %s left behind (%v)", a, err)
			}
		}
	}
}

func TestRegisterViaCLIFailure(t *testing.T) {
	f := newFakeEnv(t)
	standInCLI{createErr: "Error code = PERMISSION_DENIED\nDetails = You are not allowed to create data connectors in this project\n", createRC: 1}.install(t, f)
	_, err := Register(testContext(t), Options{ConfigDir: t.TempDir(), Env: f.env()}, ModeCLI, CreateRequest{Name: "events-bucket", Bucket: "b", Credentials: s3JSON})
	e := asError(t, err, KindCLIFailed)
	if want := "Error code = PERMISSION_DENIED; Details = You are not allowed to create data connectors in this project"; e.Detail != want {
		t.Errorf("detail = %q, want %q", e.Detail, want)
	}
	cliErr, ok := e.Err.(*CLIError)
	if !ok || cliErr.ExitCode != 1 || cliErr.Code != "PERMISSION_DENIED" {
		t.Errorf("Err = %#v, want a *CLIError with exit 1 and code PERMISSION_DENIED", e.Err)
	}
}

func TestRegisterViaCLIAlreadyExists(t *testing.T) {
	exists := "Error code = ALREADY_EXISTS\nDetails = data connector already exists\n"
	get := `{"dataConnector":{"ref":{"name":"events-bucket","projectId":"` + projectA + `"},"s3Bucket":{"bucketName":"my-events"}}}`

	t.Run("same bucket", func(t *testing.T) {
		f := newFakeEnv(t)
		dir := standInCLI{createErr: exists, createRC: 1, getOut: get}.install(t, f)
		res, err := Register(testContext(t), Options{ConfigDir: t.TempDir(), Env: f.env()}, ModeCLI, CreateRequest{Name: "events-bucket", Bucket: "my-events", Credentials: s3JSON, Project: "default"})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Existed || res.Connector.ProjectID != projectA {
			t.Errorf("result = %+v", res)
		}
		c := calls(t, dir)
		if len(c) != 2 || strings.Join(c[1], " ") != "get data-connector events-bucket --project=default --output=json" {
			t.Errorf("calls = %q", c)
		}
	})
	t.Run("different bucket", func(t *testing.T) {
		f := newFakeEnv(t)
		standInCLI{createErr: exists, createRC: 1, getOut: get}.install(t, f)
		res, err := Register(testContext(t), Options{ConfigDir: t.TempDir(), Env: f.env()}, ModeCLI, CreateRequest{Name: "events-bucket", Bucket: "elsewhere", Credentials: s3JSON})
		e := asError(t, err, KindAlreadyExists)
		mustContain(t, "detail", e.Detail, `points at bucket "my-events", not "elsewhere"`)
		if !res.Existed {
			t.Errorf("Existed = false")
		}
	})
}

func TestRegisterViaCLIUnexpectedOutput(t *testing.T) {
	f := newFakeEnv(t)
	standInCLI{createOut: " Data Connector   Type   Location Name\n events   AWS S3   my-events\n"}.install(t, f)
	_, err := Register(testContext(t), Options{ConfigDir: t.TempDir(), Env: f.env()}, ModeCLI, CreateRequest{Name: "events-bucket", Bucket: "b", Credentials: s3JSON})
	e := asError(t, err, KindCLIFailed)
	mustContain(t, "detail", e.Detail, "unexpected output", "Data Connector")
}

func TestAutoModeRouting(t *testing.T) {
	req := CreateRequest{Name: "events-bucket", Bucket: "my-events", CredentialsFile: "/tmp/wiz/s3.json", Project: "default"}

	t.Run("no token, strm on PATH: the CLI", func(t *testing.T) {
		f := newFakeEnv(t)
		// print-access-token fails (the stand-in knows no "auth"), create works.
		dir := standInCLI{createOut: cliCreated}.install(t, f)
		route, err := ChooseRoute(context.Background(), Options{ConfigDir: t.TempDir(), Env: f.env()}, ModeAuto)
		if err != nil || route.Mode != ModeCLI || route.CLIPath != filepath.Join(dir, "strm") {
			t.Fatalf("route = %+v, %v; want the CLI", route, err)
		}
		mustContain(t, "search", route.Search.String(), "STRM_ACCESS_TOKEN (unset)", "print-access-token")
	})

	t.Run("no token, no CLI: manual", func(t *testing.T) {
		f := newFakeEnv(t)
		res, err := Register(context.Background(), Options{ConfigDir: t.TempDir(), Env: f.env()}, ModeAuto, req)
		e := asError(t, err, KindManual)
		want := "strm create data-connector s3 events-bucket my-events --credentials-file=/tmp/wiz/s3.json --project default"
		if e.Command != want {
			t.Errorf("command = %q\nwant      %q", e.Command, want)
		}
		if e.Search == nil || !strings.Contains(e.Search.String(), "strm CLI (not on PATH)") || len(res.Search.Attempts) != 3 {
			t.Errorf("search = %v / %+v", e.Search, res.Search)
		}
		mustContain(t, "error", err.Error(), want)
	})

	t.Run("explicit cli, no CLI: manual", func(t *testing.T) {
		f := newFakeEnv(t)
		f.vars[TokenEnvVar] = "a-token"
		_, err := Register(context.Background(), Options{ConfigDir: t.TempDir(), Env: f.env()}, ModeCLI, req)
		asError(t, err, KindManual)
	})

	t.Run("explicit api, no token: the token error", func(t *testing.T) {
		f := newFakeEnv(t)
		standInCLI{createOut: cliCreated}.install(t, f)
		_, err := Register(context.Background(), Options{ConfigDir: t.TempDir(), Env: f.env()}, ModeAPI, req)
		e := asError(t, err, KindNoToken)
		if e.Search == nil || len(e.Search.Attempts) != 3 {
			t.Errorf("search = %+v", e.Search)
		}
	})

	t.Run("token: the API", func(t *testing.T) {
		f := newFakeEnv(t)
		f.vars[TokenEnvVar] = "a-token"
		route, err := ChooseRoute(context.Background(), Options{ConfigDir: t.TempDir(), Env: f.env()}, ModeAuto)
		if err != nil || route.Mode != ModeAPI || route.Token.AccessToken != "a-token" {
			t.Errorf("route = %+v, %v; want the API", route, err)
		}
	})
}

func TestManualCommand(t *testing.T) {
	cases := []struct {
		req  CreateRequest
		want string
	}{
		{CreateRequest{Name: "events", Bucket: "my-events", CredentialsFile: "s3.json"},
			"strm create data-connector s3 events my-events --credentials-file=s3.json"},
		{CreateRequest{Name: "events", Bucket: "my-events"},
			"strm create data-connector s3 events my-events --credentials-file=s3.json"},
		{CreateRequest{Name: "my events", Bucket: "b", CredentialsFile: "/home/o'neil/s3 key.json", Project: "Team X", AssumeRoleARN: "arn:aws:iam::1:role/r"},
			`strm create data-connector s3 'my events' b --credentials-file='/home/o'\''neil/s3 key.json' --assume-role-arn=arn:aws:iam::1:role/r --project 'Team X'`},
	}
	for _, tc := range cases {
		if got := ManualCommand(tc.req); got != tc.want {
			t.Errorf("ManualCommand(%+v)\n got %s\nwant %s", tc.req, got, tc.want)
		}
	}
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"": ModeAuto, "auto": ModeAuto, "API": ModeAPI, " cli ": ModeCLI} {
		if got, err := ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseMode("manual"); err == nil {
		t.Error("ParseMode(manual) accepted; manual is an outcome, not a choice")
	}
}
