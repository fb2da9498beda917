package strm

import (
	"net/url"
	"path/filepath"
	"strings"
)

const (
	// DefaultAPIHost is the STRM Privacy API endpoint (gRPC over TLS).
	DefaultAPIHost = "api.strmprivacy.io:443"
	// DefaultAuthURL is the STRM Privacy identity provider.
	DefaultAuthURL = "https://accounts.strmprivacy.io"
	// TokenEnvVar, when set, is the access token used before any stored login.
	TokenEnvVar = "STRM_ACCESS_TOKEN"
	// ConfigPathEnvVar overrides the strm CLI's config directory.
	ConfigPathEnvVar = "STRM_CONFIG_PATH"
	// VersionHeader is the gRPC metadata key the strm CLI sends its version in.
	VersionHeader = "strm-cli-version"

	apiHostEnvVar = "STRM_API_HOST"
	authURLEnvVar = "STRM_API_AUTH_URL"
	clientName    = "s3-connector-wizard"
)

// Options say where STRM is and how to reach the outside world. The zero
// value talks to the production API with the real environment.
type Options struct {
	// APIHost is host:port of the gRPC API; "" means $STRM_API_HOST, else
	// DefaultAPIHost. Loopback hosts are dialled in plaintext, others with TLS.
	APIHost string
	// AuthURL is the identity provider; "" means $STRM_API_AUTH_URL, else
	// DefaultAuthURL. Its host names the stored login file, and
	// AuthURL+"/auth/token" refreshes it.
	AuthURL string
	// ConfigDir is the strm CLI's config directory; "" means
	// $STRM_CONFIG_PATH, else ~/.config/strmprivacy.
	ConfigDir string
	// Version is this program's version, sent as
	// "strm-cli-version: s3-connector-wizard/<Version>".
	Version string
	// Env is the outside world; nil fields are the real process's.
	Env Environment
}

func (o Options) env() Environment { return o.Env.withDefaults() }

func (o Options) apiHost() string {
	if o.APIHost != "" {
		return o.APIHost
	}
	if h := strings.TrimSpace(o.env().Getenv(apiHostEnvVar)); h != "" {
		return h
	}
	return DefaultAPIHost
}

func (o Options) authURL() string {
	u := o.AuthURL
	if u == "" {
		u = strings.TrimSpace(o.env().Getenv(authURLEnvVar))
	}
	if u == "" {
		u = DefaultAuthURL
	}
	return strings.TrimRight(u, "/")
}

// configDir returns the config directory, or an explanation of why there is
// none.
func (o Options) configDir() (string, error) {
	if o.ConfigDir != "" {
		return o.ConfigDir, nil
	}
	env := o.env()
	if d := env.Getenv(ConfigPathEnvVar); d != "" {
		return d, nil
	}
	home, err := env.HomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".config", "strmprivacy"), nil
}

// credsFileName is the strm CLI's stored-login file name for an auth URL.
func credsFileName(authURL string) string {
	host := authURL
	if u, err := url.Parse(authURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return "strm-creds-" + host + ".json"
}

// clientVersion is the value of the VersionHeader metadata.
func (o Options) clientVersion() string {
	v := o.Version
	if v == "" {
		v = "dev"
	}
	return clientName + "/" + v
}

// cliGlobalFlags passes explicitly configured endpoints on to the strm CLI
// (which reads the same environment variables itself).
func (o Options) cliGlobalFlags() []string {
	var flags []string
	if o.APIHost != "" {
		flags = append(flags, "--api-host="+o.APIHost)
	}
	if o.AuthURL != "" {
		flags = append(flags, "--api-auth-url="+o.AuthURL)
	}
	return flags
}
