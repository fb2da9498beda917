package strm

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/strmprivacy/s3-connector-wizard/internal/atomicfile"
)

// refreshMargin: a stored token expiring sooner than this is refreshed first.
const refreshMargin = time.Minute

// Token sources, as named in TokenAttempt.Source.
const (
	SourceEnv         = "env"
	SourceStoredLogin = "stored login"
	SourceCLI         = "strm CLI"
)

// Token is an access token for the STRM API. It prints masked.
type Token struct {
	AccessToken string
	// Email is the logged-in user, from the stored login or the token's
	// claims; "" when neither says.
	Email string
	// Source is where it came from (SourceEnv, SourceStoredLogin, SourceCLI).
	Source string
	// Refreshed is true when a stored login was refreshed (and saved).
	Refreshed bool
}

func (t Token) String() string {
	if t.AccessToken == "" {
		return "Token(none)"
	}
	return fmt.Sprintf("Token(%s, %s, ****)", t.Source, t.Email)
}

// GoString keeps %#v from printing the secret.
func (t Token) GoString() string { return t.String() }

// TokenAttempt is one place an access token was looked for.
type TokenAttempt struct {
	// Source is SourceEnv, SourceStoredLogin or SourceCLI.
	Source string
	// Where is the variable name, file path or program path looked at.
	Where string
	// Found is true when the token came from here.
	Found bool
	// Outcome says what happened: "unset", "not found", "not on PATH",
	// "expired at ...; refresh failed: ...", "used", "refreshed", ...
	Outcome string
	// expired: a login was there but had expired and could not be renewed.
	expired bool
}

// TokenSearch is the list of places an access token was looked for, in order.
type TokenSearch struct {
	Attempts []TokenAttempt
}

// String reads like "looked for STRM_ACCESS_TOKEN (unset),
// /home/u/.config/strmprivacy/strm-creds-accounts.strmprivacy.io.json (not
// found), strm CLI (not on PATH)".
func (s TokenSearch) String() string {
	parts := make([]string, 0, len(s.Attempts))
	for _, a := range s.Attempts {
		where := a.Where
		if a.Source == SourceCLI {
			where = SourceCLI
			if a.Where != "" && a.Where != "strm" {
				where += " " + a.Where
			}
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", where, a.Outcome))
	}
	return "looked for " + strings.Join(parts, ", ")
}

func (s *TokenSearch) add(a TokenAttempt) { s.Attempts = append(s.Attempts, a) }

// storedLogin is the strm CLI's strm-creds-<auth host>.json.
type storedLogin struct {
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
	ExpiresAt    int64  `json:"expiresAt"`
	Email        string `json:"email"`
}

// FindToken looks for an access token in order: $STRM_ACCESS_TOKEN; the
// strm CLI's stored login (refreshed and saved back when it expires within a
// minute); `strm auth print-access-token`. The TokenSearch says where it
// looked either way. Without a token the error is KindNoToken, or
// KindUnauthenticated when a login was found but had expired and could not
// be refreshed; its Search is set.
func FindToken(ctx context.Context, opts Options) (Token, TokenSearch, error) {
	env := opts.env()
	var search TokenSearch

	if v := strings.TrimSpace(env.Getenv(TokenEnvVar)); v != "" {
		search.add(TokenAttempt{Source: SourceEnv, Where: TokenEnvVar, Found: true, Outcome: "used"})
		return Token{AccessToken: v, Email: jwtClaims(v).Email, Source: SourceEnv}, search, nil
	}
	search.add(TokenAttempt{Source: SourceEnv, Where: TokenEnvVar, Outcome: "unset"})

	tok, attempt := storedToken(ctx, opts)
	search.add(attempt)
	if attempt.Found {
		return tok, search, nil
	}

	tok, attempt = cliToken(ctx, opts)
	search.add(attempt)
	if attempt.Found {
		return tok, search, nil
	}

	kind, detail := KindNoToken, "no STRM login found; run `strm auth login` or set "+TokenEnvVar
	for _, a := range search.Attempts {
		if a.expired {
			kind, detail = KindUnauthenticated, "the stored STRM login has expired and could not be refreshed; run `strm auth login`"
		}
	}
	s := search
	return Token{}, search, &Error{Kind: kind, Op: "find STRM access token", Detail: detail + " (" + search.String() + ")", Search: &s}
}

// storedToken reads (and if needed refreshes) the strm CLI's stored login.
func storedToken(ctx context.Context, opts Options) (Token, TokenAttempt) {
	a := TokenAttempt{Source: SourceStoredLogin}
	dir, err := opts.configDir()
	if err != nil {
		a.Where = filepath.Join("~", ".config", "strmprivacy", credsFileName(opts.authURL()))
		a.Outcome = "no home directory: " + err.Error()
		return Token{}, a
	}
	path := filepath.Join(dir, credsFileName(opts.authURL()))
	a.Where = path

	raw, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		a.Outcome = "not found"
		return Token{}, a
	case err != nil:
		a.Outcome = "unreadable: " + err.Error()
		return Token{}, a
	case len(bytes.TrimSpace(raw)) == 0:
		a.Outcome = "empty"
		return Token{}, a
	}
	var login storedLogin
	if err := json.Unmarshal(raw, &login); err != nil {
		a.Outcome = "not valid JSON: " + err.Error()
		return Token{}, a
	}
	if login.AccessToken == "" && login.RefreshToken == "" {
		a.Outcome = "holds no token"
		return Token{}, a
	}

	now := opts.env().Now()
	expiresAt := login.ExpiresAt
	if expiresAt == 0 {
		expiresAt = jwtClaims(login.AccessToken).Exp
	}
	fresh := login.AccessToken != "" && (expiresAt == 0 || now.Add(refreshMargin).Before(time.Unix(expiresAt, 0)))
	if fresh {
		a.Found, a.Outcome = true, "used"
		return Token{AccessToken: login.AccessToken, Email: emailOf(login), Source: SourceStoredLogin}, a
	}

	expired := "expired"
	if expiresAt != 0 {
		expired = "expired at " + time.Unix(expiresAt, 0).UTC().Format(time.RFC3339)
		if now.Before(time.Unix(expiresAt, 0)) {
			expired = "expires at " + time.Unix(expiresAt, 0).UTC().Format(time.RFC3339)
		}
	}
	if login.RefreshToken == "" {
		a.Outcome, a.expired = expired+"; no refresh token", true
		return Token{}, a
	}
	renewed, err := refreshLogin(ctx, opts, login)
	if err != nil {
		a.Outcome, a.expired = expired+"; refresh failed: "+err.Error(), true
		return Token{}, a
	}
	a.Found, a.Outcome = true, "refreshed"
	if err := saveLogin(path, raw, renewed); err != nil {
		a.Outcome = "refreshed, but not saved: " + err.Error()
	}
	return Token{AccessToken: renewed.AccessToken, Email: emailOf(renewed), Source: SourceStoredLogin, Refreshed: true}, a
}

func emailOf(l storedLogin) string {
	if l.Email != "" {
		return l.Email
	}
	return jwtClaims(l.AccessToken).Email
}

// tokenResponse accepts both the OAuth2 field names and the strm-creds ones.
type tokenResponse struct {
	AccessToken      string      `json:"access_token"`
	RefreshToken     string      `json:"refresh_token"`
	ExpiresIn        json.Number `json:"expires_in"`
	AccessTokenAlt   string      `json:"accessToken"`
	RefreshTokenAlt  string      `json:"refreshToken"`
	ExpiresAt        json.Number `json:"expiresAt"`
	Email            string      `json:"email"`
	Error            string      `json:"error"`
	ErrorDescription string      `json:"error_description"`
}

// refreshLogin runs the OAuth2 refresh-token grant against AuthURL/auth/token.
func refreshLogin(ctx context.Context, opts Options, old storedLogin) (storedLogin, error) {
	env := opts.env()
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {old.RefreshToken},
		"client_id":     {"cli"},
	}
	endpoint := opts.authURL() + "/auth/token"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return storedLogin{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := env.HTTP.Do(req)
	if err != nil {
		return storedLogin{}, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return storedLogin{}, err
	}
	var tr tokenResponse
	jsonErr := json.Unmarshal(body, &tr)
	if resp.StatusCode/100 != 2 {
		msg := strings.TrimSpace(tr.Error + ": " + tr.ErrorDescription)
		if jsonErr != nil || tr.Error == "" {
			msg = strings.TrimSpace(string(body))
			if len(msg) > 200 {
				msg = msg[:200] + "..."
			}
		}
		return storedLogin{}, fmt.Errorf("%s answered HTTP %d: %s", endpoint, resp.StatusCode, strings.TrimSuffix(msg, ": "))
	}
	if jsonErr != nil {
		return storedLogin{}, fmt.Errorf("%s answered with something other than JSON: %v", endpoint, jsonErr)
	}

	renewed := storedLogin{
		AccessToken:  firstNonEmpty(tr.AccessToken, tr.AccessTokenAlt),
		RefreshToken: firstNonEmpty(tr.RefreshToken, tr.RefreshTokenAlt, old.RefreshToken),
		Email:        firstNonEmpty(tr.Email, old.Email),
	}
	if renewed.AccessToken == "" {
		return storedLogin{}, fmt.Errorf("%s returned no access token", endpoint)
	}
	if n, err := tr.ExpiresAt.Int64(); err == nil && n > 0 {
		renewed.ExpiresAt = n
	} else if n, err := tr.ExpiresIn.Int64(); err == nil && n > 0 {
		renewed.ExpiresAt = env.Now().Add(time.Duration(n) * time.Second).Unix()
	} else {
		renewed.ExpiresAt = jwtClaims(renewed.AccessToken).Exp
	}
	if renewed.Email == "" {
		renewed.Email = jwtClaims(renewed.AccessToken).Email
	}
	return renewed, nil
}

// saveLogin writes the renewed login over path atomically with mode 0600,
// keeping any fields of the old file this package does not know.
func saveLogin(path string, oldRaw []byte, l storedLogin) error {
	fields := map[string]json.RawMessage{}
	_ = json.Unmarshal(oldRaw, &fields) // unknown old content: start afresh
	set := func(k string, v any) {
		b, _ := json.Marshal(v)
		fields[k] = b
	}
	set("accessToken", l.AccessToken)
	set("refreshToken", l.RefreshToken)
	set("expiresAt", l.ExpiresAt)
	set("email", l.Email)
	data, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o600)
}

// cliToken asks the strm CLI for its access token.
func cliToken(ctx context.Context, opts Options) (Token, TokenAttempt) {
	env := opts.env()
	a := TokenAttempt{Source: SourceCLI, Where: "strm"}
	path, err := env.LookPath("strm")
	if err != nil {
		a.Outcome = "not on PATH"
		return Token{}, a
	}
	a.Where = path
	args := append(opts.cliGlobalFlags(), "auth", "print-access-token")
	stdout, stderr, err := env.Run(ctx, path, args...)
	if err != nil {
		a.Outcome = "`strm auth print-access-token` failed: " + oneLine(string(stderr), err.Error())
		return Token{}, a
	}
	tok := strings.TrimSpace(string(stdout))
	if tok == "" {
		a.Outcome = "`strm auth print-access-token` printed nothing"
		return Token{}, a
	}
	a.Found, a.Outcome = true, "used"
	return Token{AccessToken: tok, Email: jwtClaims(tok).Email, Source: SourceCLI}, a
}

// claims are the JWT claims this package reads.
type claims struct {
	Email string
	Exp   int64
}

// jwtClaims decodes a JWT's payload without verifying it (the API verifies);
// it is used only to find the e-mail and expiry. Zero claims when tok is not
// a JWT.
func jwtClaims(tok string) claims {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return claims{}
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return claims{}
	}
	var c struct {
		Email string      `json:"email"`
		Exp   json.Number `json:"exp"`
	}
	if json.Unmarshal(payload, &c) != nil {
		return claims{}
	}
	out := claims{Email: c.Email}
	if f, err := strconv.ParseFloat(c.Exp.String(), 64); err == nil {
		out.Exp = int64(f)
	}
	return out
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// oneLine joins the non-blank lines of s with "; ", or returns fallback when
// s is blank.
func oneLine(s, fallback string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return fallback
	}
	return strings.Join(lines, "; ")
}
