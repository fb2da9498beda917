package strm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindTokenFromEnvironmentVariable(t *testing.T) {
	f := newFakeEnv(t)
	jwt := makeJWT(t, map[string]any{"email": "env@example.com"})
	f.vars[TokenEnvVar] = "  " + jwt + "\n"
	tok, search, err := FindToken(context.Background(), Options{ConfigDir: t.TempDir(), Env: f.env()})
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != jwt || tok.Source != SourceEnv || tok.Email != "env@example.com" {
		t.Errorf("token = %+v (%q), want the trimmed env token with its e-mail", tok, tok.AccessToken)
	}
	if len(search.Attempts) != 1 || !search.Attempts[0].Found {
		t.Errorf("search = %+v, want one successful attempt", search)
	}
}

func TestFindTokenValidStoredLogin(t *testing.T) {
	f := newFakeEnv(t)
	// The default config dir under the (fake) home, and the default auth host.
	path := filepath.Join(f.home, ".config", "strmprivacy", "strm-creds-accounts.strmprivacy.io.json")
	writeFile(t, path, mustJSON(t, map[string]any{
		"accessToken": "stored-token", "refreshToken": "r", "expiresAt": testNow().Unix() + 3600, "email": "me@example.com",
	}), 0o600)
	tok, search, err := FindToken(context.Background(), Options{Env: f.env()})
	if err != nil {
		t.Fatalf("FindToken: %v (%s)", err, search)
	}
	if tok.AccessToken != "stored-token" || tok.Email != "me@example.com" || tok.Source != SourceStoredLogin || tok.Refreshed {
		t.Errorf("token = %+v, want the stored one, unrefreshed", tok)
	}
	if got := search.Attempts[1].Where; got != path {
		t.Errorf("looked at %q, want %q", got, path)
	}
}

func TestFindTokenHonoursSTRMConfigPath(t *testing.T) {
	f := newFakeEnv(t)
	dir := t.TempDir()
	f.vars[ConfigPathEnvVar] = dir
	writeFile(t, filepath.Join(dir, "strm-creds-accounts.strmprivacy.io.json"),
		mustJSON(t, map[string]any{"accessToken": "from-config-path", "expiresAt": testNow().Unix() + 3600}), 0o600)
	tok, _, err := FindToken(context.Background(), Options{Env: f.env()})
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "from-config-path" {
		t.Errorf("token = %q, want the one under $STRM_CONFIG_PATH", tok.AccessToken)
	}
}

// tokenEndpoint is an httptest OAuth2 token endpoint; it checks the refresh
// grant and answers with body (status code code).
func tokenEndpoint(t *testing.T, wantRefresh string, code int, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/auth/token" {
			http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusTeapot)
			return
		}
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusTeapot)
			return
		}
		if r.PostForm.Get("grant_type") != "refresh_token" || r.PostForm.Get("refresh_token") != wantRefresh || r.PostForm.Get("client_id") != "cli" {
			http.Error(w, "unexpected form "+r.PostForm.Encode(), http.StatusTeapot)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestFindTokenRefreshesExpiredStoredLogin(t *testing.T) {
	newJWT := makeJWT(t, map[string]any{"email": "me@example.com", "exp": testNow().Unix() + 300})
	cases := []struct {
		name, response string
		storedExpiry   int64
		wantExpiry     int64
		wantRefresh    string
	}{
		{
			name:         "expired, OAuth2 field names",
			response:     mustJSON(t, map[string]any{"access_token": newJWT, "refresh_token": "refresh-2", "expires_in": 3600, "token_type": "Bearer"}),
			storedExpiry: testNow().Unix() - 10,
			wantExpiry:   testNow().Unix() + 3600,
			wantRefresh:  "refresh-2",
		},
		{
			name:         "expiring within a minute, strm-creds field names",
			response:     mustJSON(t, map[string]any{"accessToken": newJWT, "refreshToken": "refresh-3", "expiresAt": testNow().Unix() + 7200}),
			storedExpiry: testNow().Unix() + 30,
			wantExpiry:   testNow().Unix() + 7200,
			wantRefresh:  "refresh-3",
		},
		{
			name:         "no new refresh token or expiry: keep the old one, use the JWT exp",
			response:     mustJSON(t, map[string]any{"access_token": newJWT}),
			storedExpiry: testNow().Unix() - 10,
			wantExpiry:   testNow().Unix() + 300,
			wantRefresh:  "refresh-1",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := tokenEndpoint(t, "refresh-1", http.StatusOK, tc.response)
			f := newFakeEnv(t)
			dir := t.TempDir()
			path := filepath.Join(dir, "strm-creds-127.0.0.1.json")
			writeFile(t, path, mustJSON(t, map[string]any{
				"accessToken": "old", "refreshToken": "refresh-1", "expiresAt": tc.storedExpiry, "email": "me@example.com",
			}), 0o644)

			tok, search, err := FindToken(context.Background(), Options{AuthURL: srv.URL, ConfigDir: dir, Env: f.env()})
			if err != nil {
				t.Fatalf("FindToken: %v", err)
			}
			if tok.AccessToken != newJWT || !tok.Refreshed || tok.Email != "me@example.com" {
				t.Errorf("token = %+v, want the refreshed one", tok)
			}
			if got := search.Attempts[1].Outcome; got != "refreshed" {
				t.Errorf("outcome = %q, want refreshed", got)
			}

			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if perm := info.Mode().Perm(); perm != 0o600 {
				t.Errorf("saved login mode = %o, want 600", perm)
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var saved map[string]any
			if err := json.Unmarshal(raw, &saved); err != nil {
				t.Fatalf("saved login is not JSON: %v: %s", err, raw)
			}
			want := map[string]any{
				"accessToken": newJWT, "refreshToken": tc.wantRefresh, "expiresAt": float64(tc.wantExpiry), "email": "me@example.com",
			}
			if fmt.Sprint(saved) != fmt.Sprint(want) {
				t.Errorf("saved login = %v\nwant %v", saved, want)
			}
			leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
			if len(leftovers) != 0 {
				t.Errorf("temporary files left behind: %v", leftovers)
			}
		})
	}
}

func TestFindTokenRefreshFailureListsWhereItLooked(t *testing.T) {
	srv := tokenEndpoint(t, "refresh-1", http.StatusBadRequest, `{"error":"invalid_grant","error_description":"Token is not active"}`)
	f := newFakeEnv(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "strm-creds-127.0.0.1.json")
	original := mustJSON(t, map[string]any{"accessToken": "old", "refreshToken": "refresh-1", "expiresAt": testNow().Unix() - 10})
	writeFile(t, path, original, 0o600)

	_, search, err := FindToken(context.Background(), Options{AuthURL: srv.URL, ConfigDir: dir, Env: f.env()})
	e := asError(t, err, KindUnauthenticated)
	if e.Search == nil || len(e.Search.Attempts) != 3 {
		t.Fatalf("error search = %+v, want 3 attempts", e.Search)
	}
	if len(search.Attempts) != 3 {
		t.Fatalf("returned search = %+v, want 3 attempts", search)
	}
	mustContain(t, "stored-login outcome", search.Attempts[1].Outcome, "expired at", "refresh failed", "HTTP 400", "invalid_grant", "Token is not active")
	mustContain(t, "search", search.String(),
		"looked for STRM_ACCESS_TOKEN (unset), "+path+" (expired at",
		"strm CLI (not on PATH)")
	mustContain(t, "error", err.Error(), "strm auth login", path)
	if raw, _ := os.ReadFile(path); string(raw) != original {
		t.Errorf("login file changed after a failed refresh: %s", raw)
	}
}

func TestFindTokenNothingFound(t *testing.T) {
	f := newFakeEnv(t)
	dir := t.TempDir()
	_, search, err := FindToken(context.Background(), Options{ConfigDir: dir, Env: f.env()})
	e := asError(t, err, KindNoToken)
	want := "looked for STRM_ACCESS_TOKEN (unset), " + filepath.Join(dir, "strm-creds-accounts.strmprivacy.io.json") + " (not found), strm CLI (not on PATH)"
	if got := search.String(); got != want {
		t.Errorf("search = %q\nwant     %q", got, want)
	}
	if e.Search == nil || e.Search.String() != want {
		t.Errorf("error's search = %v, want %q", e.Search, want)
	}
}

func TestFindTokenFromStrmCLI(t *testing.T) {
	jwt := makeJWT(t, map[string]any{"email": "cli@example.com"})
	dir := t.TempDir()
	script := filepath.Join(dir, "strm")
	writeFile(t, script, "#!/bin/sh\necho \"$@\" > \""+dir+"/args\"\necho "+jwt+"\necho 'Expiry: soon' >&2\n", 0o755)
	f := newFakeEnv(t)
	f.programs["strm"] = script

	tok, search, err := FindToken(context.Background(), Options{ConfigDir: t.TempDir(), Env: f.env()})
	if err != nil {
		t.Fatalf("FindToken: %v", err)
	}
	if tok.AccessToken != jwt || tok.Source != SourceCLI || tok.Email != "cli@example.com" {
		t.Errorf("token = %+v, want the CLI's", tok)
	}
	args, _ := os.ReadFile(filepath.Join(dir, "args"))
	if strings.TrimSpace(string(args)) != "auth print-access-token" {
		t.Errorf("strm ran with %q, want auth print-access-token", args)
	}
	if got := search.Attempts[2]; !got.Found || got.Where != script {
		t.Errorf("CLI attempt = %+v", got)
	}
}

func TestFindTokenStrmCLIFailure(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "strm")
	writeFile(t, script, "#!/bin/sh\necho 'No login information found. Use: `strm auth login` first.' >&2\nexit 1\n", 0o755)
	f := newFakeEnv(t)
	f.programs["strm"] = script
	_, search, err := FindToken(context.Background(), Options{ConfigDir: t.TempDir(), Env: f.env()})
	asError(t, err, KindNoToken)
	mustContain(t, "CLI outcome", search.Attempts[2].Outcome, "print-access-token", "No login information found")
}

func TestTokenPrintsMasked(t *testing.T) {
	tok := Token{AccessToken: "very-secret-token", Source: SourceEnv, Email: "a@b.c"}
	for _, s := range []string{fmt.Sprint(tok), fmt.Sprintf("%v %+v %#v %s", tok, tok, tok, tok)} {
		if strings.Contains(s, "very-secret-token") {
			t.Errorf("token printed as %q", s)
		}
	}
}

func TestJWTClaims(t *testing.T) {
	c := jwtClaims(makeJWT(t, map[string]any{"email": "x@y.z", "exp": 1700000000}))
	if c.Email != "x@y.z" || c.Exp != 1700000000 {
		t.Errorf("claims = %+v", c)
	}
	if c := jwtClaims("not-a-jwt"); c != (claims{}) {
		t.Errorf("claims of garbage = %+v, want zero", c)
	}
}
