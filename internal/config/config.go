// Package config holds Vger's one configuration struct, read from environment
// variables, validated at start, and printable with secrets masked.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Config is every setting of Vger. The zero value is not useful: use Load.
type Config struct {
	DatabaseURL        string // empty: run the private cluster under DataDir
	DatabaseReplicaURL string // optional read replica for pages
	DataDir            string
	Addr               string
	LogFormat          string // auto, text, json
	LogLevel           string // debug, info, warn, error
	DBMaxConns         int32
	RequestTimeout     time.Duration
	ShutdownTimeout    time.Duration
	PprofAddr          string // loopback address of net/http/pprof; empty: off

	JiraURL      string
	JiraEmail    string
	JiraAPIToken string
	JiraPAT      string

	GitHubToken      string
	GitHubAPIURL     string
	GitHubGraphQLURL string

	SyncInterval      time.Duration
	SyncHistoryDays   int
	WorkerConcurrency int
	JiraRate          float64
	GitHubRate        float64

	Auth                string // none, proxy, oidc
	AllowAnonymous      bool   // VGER_AUTH=none on a non-loopback address
	AuthProxyHeader     string // the email header
	AuthProxyUserHeader string // the user-name header
	TrustedProxies      []netip.Prefix
	Editors             []string // emails, @domain suffixes, or "*"

	OIDCIssuer       string   // the provider's issuer URL (discovery at /.well-known/openid-configuration)
	OIDCClientID     string   // Vger's client id at the provider
	OIDCClientSecret string   // empty: a public client (PKCE only)
	OIDCRedirectURL  string   // https://vger.example.com/auth/callback, as registered at the provider
	OIDCScopes       []string // always includes openid
	OIDCGroupsClaim  string   // the ID token claim listing the user's groups (dots reach into objects)
	EditorGroups     []string // members of any of these groups are editors
	SessionTTL       time.Duration
	SessionKey       string // empty: derived from the client secret
}

// Setting describes one environment variable.
type Setting struct {
	Name    string
	Default string
	Help    string
	Form    string // the accepted form, quoted in errors
	Secret  bool
	set     func(c *Config, v string) error
	get     func(c *Config) string
}

// Error names the variable whose value was refused and the accepted form.
type Error struct {
	Var  string
	Form string
	Err  error
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("configuration: %s: %v", e.Var, e.Err)
	if e.Form != "" {
		msg += fmt.Sprintf(" (accepted: %s)", e.Form)
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Settings lists every environment variable Vger reads, in documentation order.
func Settings() []Setting { return settings }

var settings = slices.Concat(coreSettings, oidcSettings)

var coreSettings = []Setting{
	{Name: "DATABASE_URL", Help: "PostgreSQL connection URL. Empty: Vger runs its own private PostgreSQL cluster under VGER_DATA_DIR from the machine's PostgreSQL server binaries.",
		Form: "postgres://user:password@host:5432/dbname", Secret: true,
		set: func(c *Config, v string) error { c.DatabaseURL = v; return checkPostgresURL(v) },
		get: func(c *Config) string { return c.DatabaseURL }},
	{Name: "DATABASE_REPLICA_URL", Help: "Optional read replica used by the web server for pages.",
		Form: "postgres://user:password@host:5432/dbname", Secret: true,
		set: func(c *Config, v string) error { c.DatabaseReplicaURL = v; return checkPostgresURL(v) },
		get: func(c *Config) string { return c.DatabaseReplicaURL }},
	{Name: "VGER_DATA_DIR", Default: ".vger", Help: "Directory for the private PostgreSQL cluster's location and lock files (used when DATABASE_URL is empty).",
		Form: "a directory path",
		set: func(c *Config, v string) error {
			if strings.TrimSpace(v) == "" {
				return errors.New("must not be empty")
			}
			abs, err := filepath.Abs(v)
			if err != nil {
				return err
			}
			c.DataDir = abs
			return nil
		},
		get: func(c *Config) string { return c.DataDir }},
	{Name: "VGER_ADDR", Default: "127.0.0.1:8080", Help: "Address the web server listens on.",
		Form: "host:port, e.g. 127.0.0.1:8080 or :8080",
		set: func(c *Config, v string) error {
			if _, err := hostPort(v); err != nil {
				return err
			}
			c.Addr = v
			return nil
		},
		get: func(c *Config) string { return c.Addr }},
	{Name: "VGER_LOG_FORMAT", Default: "auto", Help: "Log format: text on a terminal and JSON otherwise (auto), or forced.",
		Form: "auto, text or json",
		set:  oneOf(func(c *Config) *string { return &c.LogFormat }, "auto", "text", "json"),
		get:  func(c *Config) string { return c.LogFormat }},
	{Name: "VGER_LOG_LEVEL", Default: "info", Help: "Least severe log level written.",
		Form: "debug, info, warn or error",
		set:  oneOf(func(c *Config) *string { return &c.LogLevel }, "debug", "info", "warn", "error"),
		get:  func(c *Config) string { return c.LogLevel }},
	{Name: "VGER_DB_MAX_CONNS", Default: "10", Help: "Most database connections one process opens.",
		Form: "a whole number from 2 to 1000",
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 2 || n > 1000 {
				return fmt.Errorf("%q is not a whole number from 2 to 1000", v)
			}
			c.DBMaxConns = int32(n)
			return nil
		},
		get: func(c *Config) string { return strconv.Itoa(int(c.DBMaxConns)) }},
	{Name: "VGER_REQUEST_TIMEOUT", Default: "30s", Help: "Longest time one web request may take before it is answered with an error.",
		Form: "a Go duration such as 30s or 1m",
		set:  duration(func(c *Config) *time.Duration { return &c.RequestTimeout }, time.Second),
		get:  func(c *Config) string { return c.RequestTimeout.String() }},
	{Name: "VGER_SHUTDOWN_TIMEOUT", Default: "20s", Help: "How long a stopping server waits for requests in flight.",
		Form: "a Go duration such as 20s",
		set:  duration(func(c *Config) *time.Duration { return &c.ShutdownTimeout }, time.Second),
		get:  func(c *Config) string { return c.ShutdownTimeout.String() }},
	{Name: "VGER_PPROF_ADDR", Help: "Loopback address (e.g. 127.0.0.1:6060) where `vger serve` exposes Go's net/http/pprof profiles; empty: off. Only loopback addresses are accepted.",
		Form: "a loopback host:port such as 127.0.0.1:6060",
		set: func(c *Config, v string) error {
			host, err := hostPort(v)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
				return fmt.Errorf("%q is not a loopback address: profiles must not be reachable from the network", v)
			}
			c.PprofAddr = v
			return nil
		},
		get: func(c *Config) string { return c.PprofAddr }},
	{Name: "JIRA_URL", Help: "Base URL of the JIRA site (Cloud or Data Center), e.g. https://example.atlassian.net.",
		Form: "an http(s) URL",
		set:  httpURL(func(c *Config) *string { return &c.JiraURL }),
		get:  func(c *Config) string { return c.JiraURL }},
	{Name: "JIRA_EMAIL", Help: "JIRA Cloud: the account's email, used with JIRA_API_TOKEN (Basic auth). Data Center: the user name, used with a password in JIRA_API_TOKEN.",
		set: func(c *Config, v string) error { c.JiraEmail = v; return nil },
		get: func(c *Config) string { return c.JiraEmail }},
	{Name: "JIRA_API_TOKEN", Help: "JIRA Cloud API token (or Data Center password). Also read from the file named by JIRA_API_TOKEN_FILE.", Secret: true,
		set: func(c *Config, v string) error { c.JiraAPIToken = v; return nil },
		get: func(c *Config) string { return c.JiraAPIToken }},
	{Name: "JIRA_PAT", Help: "JIRA Data Center personal access token (Bearer auth). Also read from JIRA_PAT_FILE.", Secret: true,
		set: func(c *Config, v string) error { c.JiraPAT = v; return nil },
		get: func(c *Config) string { return c.JiraPAT }},
	{Name: "GITHUB_TOKEN", Help: "GitHub token with read access to the linked repositories. Also read from GITHUB_TOKEN_FILE.", Secret: true,
		set: func(c *Config, v string) error { c.GitHubToken = v; return nil },
		get: func(c *Config) string { return c.GitHubToken }},
	{Name: "GITHUB_API_URL", Default: "https://api.github.com/", Help: "GitHub REST base URL (Enterprise: https://HOST/api/v3/).",
		Form: "an http(s) URL",
		set:  httpURL(func(c *Config) *string { return &c.GitHubAPIURL }),
		get:  func(c *Config) string { return c.GitHubAPIURL }},
	{Name: "GITHUB_GRAPHQL_URL", Help: "GitHub GraphQL URL. Empty: derived from GITHUB_API_URL (https://api.github.com/graphql, or https://HOST/api/graphql for Enterprise).",
		Form: "an http(s) URL",
		set:  httpURL(func(c *Config) *string { return &c.GitHubGraphQLURL }),
		get:  func(c *Config) string { return c.GitHubGraphQLURL }},
	{Name: "VGER_SYNC_INTERVAL", Default: "15m", Help: "How often workers sync every board and repository.",
		Form: "a Go duration of at least 1m, e.g. 15m or 1h",
		set:  duration(func(c *Config) *time.Duration { return &c.SyncInterval }, time.Minute),
		get:  func(c *Config) string { return c.SyncInterval.String() }},
	{Name: "VGER_SYNC_HISTORY_DAYS", Default: "1095", Help: "How far back a board's first sync reads (issues updated in the last N days), unless the board sets its own.",
		Form: "a whole number of days from 1 to 36500",
		set:  intRange(func(c *Config) *int { return &c.SyncHistoryDays }, 1, 36500),
		get:  func(c *Config) string { return strconv.Itoa(c.SyncHistoryDays) }},
	{Name: "VGER_WORKER_CONCURRENCY", Default: "4", Help: "Sync jobs one worker process runs at once.",
		Form: "a whole number from 1 to 64",
		set:  intRange(func(c *Config) *int { return &c.WorkerConcurrency }, 1, 64),
		get:  func(c *Config) string { return strconv.Itoa(c.WorkerConcurrency) }},
	{Name: "VGER_JIRA_RATE", Default: "10", Help: "Most JIRA requests per second per credential, shared by every worker (0: no pacing; 429s are still honoured).",
		Form: "a number of requests per second, 0 to 1000",
		set:  floatRange(func(c *Config) *float64 { return &c.JiraRate }, 0, 1000),
		get:  func(c *Config) string { return strconv.FormatFloat(c.JiraRate, 'f', -1, 64) }},
	{Name: "VGER_GITHUB_RATE", Default: "1.3", Help: "Most GitHub requests per second per token, shared by every worker (GitHub allows 5,000 an hour).",
		Form: "a number of requests per second, 0 to 1000",
		set:  floatRange(func(c *Config) *float64 { return &c.GitHubRate }, 0, 1000),
		get:  func(c *Config) string { return strconv.FormatFloat(c.GitHubRate, 'f', -1, 64) }},
	{Name: "VGER_AUTH", Default: "none", Help: "Sign-in: none (no sign-in: everyone who can reach the server is an editor; allowed on a loopback address, or with VGER_ALLOW_ANONYMOUS=true), proxy (an authenticating reverse proxy such as oauth2-proxy sets the user's name and email headers; trusted only from VGER_TRUSTED_PROXIES), or oidc (OpenID Connect: people sign in at an identity provider such as Keycloak, Okta, Entra ID or Google; see VGER_OIDC_*).",
		Form: "none, proxy or oidc",
		set:  oneOf(func(c *Config) *string { return &c.Auth }, "none", "proxy", "oidc"),
		get:  func(c *Config) string { return c.Auth }},
	{Name: "VGER_ALLOW_ANONYMOUS", Default: "false", Help: "With VGER_AUTH=none: serve on a non-loopback address anyway, every visitor an editor (for a network you trust entirely, or a published port bound to 127.0.0.1).",
		Form: "true or false",
		set: func(c *Config, v string) error {
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf("%q is not true or false", v)
			}
			c.AllowAnonymous = b
			return nil
		},
		get: func(c *Config) string { return strconv.FormatBool(c.AllowAnonymous) }},
	{Name: "VGER_TRUSTED_PROXIES", Help: "With VGER_AUTH=proxy: the addresses (IPs or CIDRs) of the authenticating proxy; sign-in headers from any other address are ignored and the request refused. Required with VGER_AUTH=proxy.",
		Form: "comma-separated IP addresses or CIDRs, e.g. 10.0.0.5,10.1.0.0/16",
		set: func(c *Config, v string) (err error) {
			c.TrustedProxies, err = commaList(v, ParsePrefix)
			return err
		},
		get: func(c *Config) string {
			parts := make([]string, len(c.TrustedProxies))
			for i, p := range c.TrustedProxies {
				parts[i] = p.String()
			}
			return strings.Join(parts, ",")
		}},
	{Name: "VGER_AUTH_PROXY_HEADER", Default: "X-Forwarded-Email", Help: "With VGER_AUTH=proxy: the request header holding the signed-in user's email.",
		Form: "an HTTP header name",
		set:  headerName(func(c *Config) *string { return &c.AuthProxyHeader }),
		get:  func(c *Config) string { return c.AuthProxyHeader }},
	{Name: "VGER_AUTH_PROXY_USER_HEADER", Default: "X-Forwarded-User", Help: "With VGER_AUTH=proxy: the request header holding the signed-in user's name (shown in pages and the audit log; the email when absent).",
		Form: "an HTTP header name",
		set:  headerName(func(c *Config) *string { return &c.AuthProxyUserHeader }),
		get:  func(c *Config) string { return c.AuthProxyUserHeader }},
	{Name: "VGER_EDITORS", Help: "With VGER_AUTH=proxy or oidc: who may change teams, boards and settings and trigger refreshes; every other signed-in user can view. Empty: nobody edits. (With VGER_AUTH=none everyone is an editor.)",
		Form: "comma-separated emails, @domain suffixes, or * for every signed-in user",
		set: func(c *Config, v string) (err error) {
			c.Editors, err = commaList(v, func(e string) (string, error) {
				if e != "*" && (!strings.Contains(e, "@") || strings.ContainsAny(e, " \t*")) {
					return "", fmt.Errorf("%q is not an email, @domain or *", e)
				}
				return strings.ToLower(e), nil
			})
			return err
		},
		get: func(c *Config) string { return strings.Join(c.Editors, ",") }},
}

// oidcSettings are the settings of VGER_AUTH=oidc, documented after the
// editors list.
var oidcSettings = []Setting{
	{Name: "VGER_OIDC_ISSUER", Help: "With VGER_AUTH=oidc: the identity provider's issuer URL; Vger reads ISSUER/.well-known/openid-configuration. Required with VGER_AUTH=oidc.",
		Form: "an https URL (http only for a provider on a loopback address), e.g. https://login.example.com/realms/main",
		set: func(c *Config, v string) error {
			u, err := secureURL(v)
			if err != nil {
				return err
			}
			if u.RawQuery != "" || u.Fragment != "" {
				return fmt.Errorf("%q has a query or fragment; an issuer has neither", v)
			}
			c.OIDCIssuer = strings.TrimSpace(v)
			return nil
		},
		get: func(c *Config) string { return c.OIDCIssuer }},
	{Name: "VGER_OIDC_CLIENT_ID", Help: "With VGER_AUTH=oidc: Vger's client id, as registered at the identity provider. Required with VGER_AUTH=oidc.",
		Form: "the client id given by the identity provider",
		set: func(c *Config, v string) error {
			v = strings.TrimSpace(v)
			if len(v) > 256 || strings.IndexFunc(v, unicode.IsControl) >= 0 {
				return fmt.Errorf("%q is not a client id", v)
			}
			c.OIDCClientID = v
			return nil
		},
		get: func(c *Config) string { return c.OIDCClientID }},
	{Name: "VGER_OIDC_CLIENT_SECRET", Help: "With VGER_AUTH=oidc: Vger's client secret at the identity provider (a confidential client). Empty: a public client, protected by PKCE alone; VGER_SESSION_KEY is then required. Also read from VGER_OIDC_CLIENT_SECRET_FILE.",
		Secret: true,
		set:    func(c *Config, v string) error { c.OIDCClientSecret = v; return nil },
		get:    func(c *Config) string { return c.OIDCClientSecret }},
	{Name: "VGER_OIDC_REDIRECT_URL", Help: "With VGER_AUTH=oidc: the address of Vger's sign-in callback as people's browsers reach it, registered at the identity provider as the redirect URI. Its path is /auth/callback. Session cookies are marked Secure when it is https. Required with VGER_AUTH=oidc.",
		Form: "an https URL ending in /auth/callback (http only on a loopback address), e.g. https://vger.example.com/auth/callback",
		set: func(c *Config, v string) error {
			u, err := secureURL(v)
			if err != nil {
				return err
			}
			if u.Path != "/auth/callback" || u.RawQuery != "" || u.Fragment != "" {
				return fmt.Errorf("%q does not end in /auth/callback", v)
			}
			c.OIDCRedirectURL = strings.TrimSpace(v)
			return nil
		},
		get: func(c *Config) string { return c.OIDCRedirectURL }},
	{Name: "VGER_OIDC_SCOPES", Default: "openid email profile", Help: "With VGER_AUTH=oidc: the scopes Vger asks for. Add the one that puts groups in the ID token if your provider needs it (e.g. groups).",
		Form: "space- or comma-separated scopes including openid",
		set: func(c *Config, v string) error {
			c.OIDCScopes = nil
			for _, sc := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
				if strings.ContainsAny(sc, "\"") || strings.IndexFunc(sc, unicode.IsControl) >= 0 {
					return fmt.Errorf("%q is not a scope", sc)
				}
				if !slices.Contains(c.OIDCScopes, sc) {
					c.OIDCScopes = append(c.OIDCScopes, sc)
				}
			}
			if !slices.Contains(c.OIDCScopes, "openid") {
				return fmt.Errorf("%q lacks openid", v)
			}
			return nil
		},
		get: func(c *Config) string { return strings.Join(c.OIDCScopes, " ") }},
	{Name: "VGER_OIDC_GROUPS_CLAIM", Default: "groups", Help: "With VGER_AUTH=oidc: the ID token claim that lists the user's groups (or roles), matched against VGER_EDITOR_GROUPS; a dotted name reaches into an object (e.g. realm_access.roles).",
		Form: "a claim name, e.g. groups, roles or realm_access.roles",
		set: func(c *Config, v string) error {
			v = strings.TrimSpace(v)
			if v == "" { // blank is no claim: editors by group would silently stop (found by FuzzLoad)
				return errors.New("white space is not a claim name")
			}
			if strings.HasPrefix(v, ".") || strings.HasSuffix(v, ".") || strings.Contains(v, "..") || strings.IndexFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
				return fmt.Errorf("%q is not a claim name", v)
			}
			c.OIDCGroupsClaim = v
			return nil
		},
		get: func(c *Config) string { return c.OIDCGroupsClaim }},
	{Name: "VGER_EDITOR_GROUPS", Help: "With VGER_AUTH=oidc: members of any of these groups (read from VGER_OIDC_GROUPS_CLAIM, compared exactly) are editors, as well as the people in VGER_EDITORS.",
		Form: "comma-separated group names",
		set: func(c *Config, v string) (err error) {
			c.EditorGroups, err = commaList(v, func(g string) (string, error) {
				if len(g) > 256 || strings.IndexFunc(g, unicode.IsControl) >= 0 {
					return "", fmt.Errorf("%q is not a group name", g)
				}
				return g, nil
			})
			return err
		},
		get: func(c *Config) string { return strings.Join(c.EditorGroups, ",") }},
	{Name: "VGER_SESSION_TTL", Default: "12h", Help: "With VGER_AUTH=oidc: how long a sign-in lasts; then the next page sends the person to the identity provider again.",
		Form: "a Go duration from 5m to 720h, e.g. 12h",
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(strings.TrimSpace(v))
			if err != nil || d < 5*time.Minute || d > 720*time.Hour {
				return fmt.Errorf("%q is not a duration from 5m to 720h", v)
			}
			c.SessionTTL = d
			return nil
		},
		get: func(c *Config) string { return c.SessionTTL.String() }},
	{Name: "VGER_SESSION_KEY", Help: "With VGER_AUTH=oidc: the key that signs and encrypts session cookies, the same on every web server (e.g. openssl rand -base64 32). Empty: derived from VGER_OIDC_CLIENT_SECRET, so servers sharing the client secret share sessions and rotating the secret signs everyone out. Also read from VGER_SESSION_KEY_FILE.",
		Form: "at least 32 characters", Secret: true,
		set: func(c *Config, v string) error {
			if len(v) < 32 {
				return fmt.Errorf("the key has %d characters, fewer than 32", len(v))
			}
			c.SessionKey = v
			return nil
		},
		get: func(c *Config) string { return c.SessionKey }},
}

// secureURL accepts an https URL, or an http one whose host is a loopback
// address (a provider or Vger on the same machine, and tests): tokens and
// cookies must not cross a network in clear text.
func secureURL(v string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(v))
	if err != nil || u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("%q is not an https URL", v)
	}
	switch u.Scheme {
	case "https":
		return u, nil
	case "http":
		h := u.Hostname()
		if ip, err := netip.ParseAddr(h); (err == nil && ip.IsLoopback()) || h == "localhost" {
			return u, nil
		}
		return nil, fmt.Errorf("%q is plain http to another machine", v)
	}
	return nil, fmt.Errorf("%q is not an https URL", v)
}

// Load reads every setting from getenv, applying defaults, and returns the
// first invalid value as an *Error naming its variable. The error never
// holds a secret, even one pasted into the wrong variable.
func Load(getenv func(string) (string, bool)) (*Config, error) {
	c, err := load(getenv)
	if err != nil {
		return nil, maskError(err, secretEnv(getenv))
	}
	return c, nil
}

// secretEnv lists the values of every secret variable set (not the files':
// an error cannot hold what was never read), with a URL's password alone.
func secretEnv(getenv func(string) (string, bool)) []string {
	var out []string
	for _, s := range settings {
		if v, ok := getenv(s.Name); ok && s.Secret && strings.TrimSpace(v) != "" {
			out = append(out, v, strings.TrimSpace(v))
			if p := dsnPassword(v); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// maskError masks secrets in a configuration error's message, keeping its
// variable and form (and the cause when nothing needed masking).
func maskError(err error, secrets []string) error {
	var ce *Error
	if !errors.As(err, &ce) {
		if m := Mask(err.Error(), secrets...); m != err.Error() {
			return errors.New(m)
		}
		return err
	}
	out := *ce
	if out.Err != nil {
		if m := Mask(out.Err.Error(), secrets...); m != out.Err.Error() {
			out.Err = errors.New(m)
		}
	}
	out.Form = Mask(out.Form, secrets...)
	return &out
}

func load(getenv func(string) (string, bool)) (*Config, error) {
	c := &Config{}
	for _, s := range settings {
		v, ok := getenv(s.Name)
		if s.Secret {
			if fv, fok := getenv(s.Name + "_FILE"); fok && fv != "" {
				if ok && v != "" {
					return nil, &Error{Var: s.Name, Err: fmt.Errorf("set both %s and %s_FILE; set one", s.Name, s.Name)}
				}
				b, err := os.ReadFile(fv)
				if err != nil {
					// The path is not secret, but the error must not echo file content; it cannot.
					return nil, &Error{Var: s.Name + "_FILE", Form: "a readable file", Err: err}
				}
				v, ok = strings.TrimSpace(string(b)), true
			}
		}
		if !ok || v == "" {
			v = s.Default
			if v == "" {
				continue
			}
		}
		if err := s.set(c, v); err != nil {
			if s.Secret {
				err = errors.New(Mask(err.Error(), v))
			}
			return nil, &Error{Var: s.Name, Form: s.Form, Err: err}
		}
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// FromEnv loads the configuration from the process environment.
func FromEnv() (*Config, error) { return Load(os.LookupEnv) }

func (c *Config) validate() error {
	if c.JiraPAT != "" && c.JiraAPIToken != "" {
		return &Error{Var: "JIRA_PAT", Err: errors.New("set JIRA_PAT (Data Center) or JIRA_EMAIL+JIRA_API_TOKEN (Basic), not both")}
	}
	if c.JiraAPIToken != "" && c.JiraEmail == "" {
		return &Error{Var: "JIRA_EMAIL", Err: errors.New("JIRA_API_TOKEN is set but JIRA_EMAIL is empty")}
	}
	switch c.Auth {
	case "oidc":
		if c.OIDCIssuer == "" {
			return &Error{Var: "VGER_OIDC_ISSUER", Form: "an https URL", Err: errors.New("VGER_AUTH=oidc needs the identity provider's issuer URL")}
		}
		if c.OIDCClientID == "" {
			return &Error{Var: "VGER_OIDC_CLIENT_ID", Form: "the client id given by the identity provider", Err: errors.New("VGER_AUTH=oidc needs Vger's client id at the identity provider")}
		}
		if c.OIDCRedirectURL == "" {
			return &Error{Var: "VGER_OIDC_REDIRECT_URL", Form: "an https URL ending in /auth/callback",
				Err: errors.New("VGER_AUTH=oidc needs the callback address registered at the identity provider")}
		}
		if c.SessionKey == "" && len(c.OIDCClientSecret) < 16 {
			return &Error{Var: "VGER_SESSION_KEY", Form: "at least 32 characters",
				Err: errors.New("without a client secret of at least 16 characters to derive it from, VGER_AUTH=oidc needs a session key shared by every web server")}
		}
	case "proxy":
		if len(c.TrustedProxies) == 0 {
			return &Error{Var: "VGER_TRUSTED_PROXIES", Form: "comma-separated IP addresses or CIDRs",
				Err: errors.New("VGER_AUTH=proxy trusts sign-in headers only from the proxy's addresses: set them")}
		}
	}
	return nil
}

// ParsePrefix reads an IP address (a single-address prefix) or a CIDR.
func ParsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// hostPort checks a listen address (host:port, the host may be empty) and
// returns its host.
func hostPort(v string) (string, error) {
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return "", fmt.Errorf("%q is not host:port", v)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", fmt.Errorf("%q has no valid port", v)
	}
	return host, nil
}

// commaList parses a comma-separated list setting: each entry is trimmed of
// white space, empty entries are skipped and the rest go through parse, whose
// first error is the setting's. No entries is a nil list.
func commaList[T any](v string, parse func(string) (T, error)) ([]T, error) {
	var list []T
	for _, e := range strings.Split(v, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		x, err := parse(e)
		if err != nil {
			return nil, err
		}
		list = append(list, x)
	}
	return list, nil
}

func headerName(field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		if v == "" || strings.ContainsAny(v, " :\t\r\n") {
			return fmt.Errorf("%q is not a header name", v)
		}
		*field(c) = v
		return nil
	}
}

// Row is one printed setting: its current value with secrets masked.
type Row struct {
	Name, Value, Default, Help string
	Secret                     bool
}

// Rows lists every setting with its effective value, secrets masked.
func (c *Config) Rows() []Row {
	rows := make([]Row, 0, len(settings))
	for _, s := range settings {
		v := s.get(c)
		if s.Secret && v != "" {
			v = maskValue(s.Name, v)
		}
		rows = append(rows, Row{Name: s.Name, Value: v, Default: s.Default, Help: s.Help, Secret: s.Secret})
	}
	return rows
}

// Secrets returns the secret values in effect, for log and error scrubbing.
func (c *Config) Secrets() []string {
	var out []string
	for _, s := range settings {
		if !s.Secret {
			continue
		}
		v := s.get(c)
		if v == "" {
			continue
		}
		if strings.HasPrefix(s.Name, "DATABASE") {
			// A connection string is secret for its password alone.
			if p := dsnPassword(v); p != "" {
				out = append(out, p)
			}
			continue
		}
		out = append(out, v)
	}
	return out
}

// dsnPassword is the password in a postgres:// URL (user:password@ or
// ?password=) or a key=value connection string, or "".
func dsnPassword(v string) string {
	if u, err := url.Parse(v); err == nil && u.Scheme != "" {
		if p, ok := u.User.Password(); ok && p != "" {
			return p
		}
		return u.Query().Get("password")
	}
	if !strings.Contains(v, "=") {
		return ""
	}
	// key=value pairs; a value may be 'quoted', with \' and \\ inside.
	for rest := strings.TrimSpace(v); rest != ""; rest = strings.TrimLeft(rest, " \t\n\r") {
		key, after, ok := strings.Cut(rest, "=")
		if !ok {
			return ""
		}
		key, after = strings.TrimSpace(key), strings.TrimLeft(after, " \t")
		var val strings.Builder
		if strings.HasPrefix(after, "'") {
			i := 1
			for ; i < len(after) && after[i] != '\''; i++ {
				if after[i] == '\\' && i+1 < len(after) {
					i++
				}
				val.WriteByte(after[i])
			}
			rest = after[min(i+1, len(after)):]
		} else {
			end := strings.IndexAny(after, " \t\n\r")
			if end < 0 {
				end = len(after)
			}
			val.WriteString(after[:end])
			rest = after[end:]
		}
		if key == "password" {
			return val.String()
		}
	}
	return ""
}

func maskValue(name, v string) string {
	if strings.HasPrefix(name, "DATABASE") {
		return RedactURL(v)
	}
	return "********"
}

// RedactURL replaces the password of a URL (or key=value DSN) with xxxxx.
func RedactURL(v string) string {
	if u, err := url.Parse(v); err == nil && u.Scheme != "" {
		if u.User != nil {
			if _, ok := u.User.Password(); ok {
				u.User = url.UserPassword(u.User.Username(), "xxxxx")
			}
		}
		q := u.Query()
		if q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	fields := strings.Fields(v)
	for i, f := range fields {
		if strings.HasPrefix(f, "password=") {
			fields[i] = "password=xxxxx"
		}
	}
	return strings.Join(fields, " ")
}

// Mask replaces every occurrence of each secret in s.
func Mask(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "********")
		}
	}
	return s
}

func checkPostgresURL(v string) error {
	if strings.HasPrefix(v, "postgres://") || strings.HasPrefix(v, "postgresql://") {
		u, err := url.Parse(v)
		if err != nil {
			return errors.New("not a valid URL")
		}
		if u.Host == "" && u.Query().Get("host") == "" {
			return errors.New("the URL names no host")
		}
		return nil
	}
	if strings.Contains(v, "=") { // key=value connection string
		return nil
	}
	return errors.New("not a postgres:// URL or key=value connection string")
}

func oneOf(field func(*Config) *string, allowed ...string) func(*Config, string) error {
	return func(c *Config, v string) error {
		v = strings.ToLower(strings.TrimSpace(v))
		for _, a := range allowed {
			if v == a {
				*field(c) = v
				return nil
			}
		}
		return fmt.Errorf("%q is not allowed", v)
	}
}

func duration(field func(*Config) *time.Duration, least time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%q is not a duration", v)
		}
		if d < least {
			return fmt.Errorf("%s is shorter than %s", d, least)
		}
		*field(c) = d
		return nil
	}
}

func httpURL(field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		u, err := url.Parse(strings.TrimSpace(v))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%q is not an http(s) URL", v)
		}
		*field(c) = strings.TrimSpace(v)
		return nil
	}
}

func intRange(field func(*Config) *int, lo, hi int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("%q is not a whole number from %d to %d", v, lo, hi)
		}
		*field(c) = n
		return nil
	}
}

func floatRange(field func(*Config) *float64, lo, hi float64) func(*Config, string) error {
	return func(c *Config, v string) error {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f < lo || f > hi {
			return fmt.Errorf("%q is not a number from %g to %g", v, lo, hi)
		}
		*field(c) = f
		return nil
	}
}
