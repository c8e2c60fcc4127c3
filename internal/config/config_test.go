package config

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.SyncInterval != 15*time.Minute || c.DBMaxConns != 10 || c.Auth != "none" {
		t.Fatalf("defaults: %+v", c)
	}
	if !filepath.IsAbs(c.DataDir) || filepath.Base(c.DataDir) != ".vger" {
		t.Fatalf("data dir %q", c.DataDir)
	}
}

func TestPprofOnlyOnLoopback(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"127.0.0.1:6060", "[::1]:6060", "localhost:0"} {
		c, err := Load(env(map[string]string{"VGER_PPROF_ADDR": v}))
		if err != nil || c.PprofAddr != v {
			t.Errorf("%s: %v, %+v", v, err, c)
		}
	}
}

func TestInvalidValuesNameTheVariable(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, value, form string }{
		{"VGER_ADDR", "notanaddress", "host:port"},
		{"VGER_ADDR", "127.0.0.1:99999", "host:port"},
		{"VGER_SYNC_INTERVAL", "5", "duration"},
		{"VGER_SYNC_INTERVAL", "10s", "at least 1m"},
		{"VGER_LOG_FORMAT", "xml", "auto, text or json"},
		{"VGER_DB_MAX_CONNS", "zero", "whole number"},
		{"JIRA_URL", "ftp://x", "http(s) URL"},
		{"GITHUB_API_URL", "::", "http(s) URL"},
		{"DATABASE_URL", "mysql://x", "postgres://"},
		{"VGER_AUTH", "ldap", "none"},
		{"VGER_EDITORS", "alice", "emails"},
		{"VGER_PPROF_ADDR", "0.0.0.0:6060", "loopback"},
		{"VGER_PPROF_ADDR", ":6060", "loopback"},
		{"VGER_EDITORS", "a*@example.com", "emails"},
		{"VGER_ALLOW_ANONYMOUS", "maybe", "true or false"},
		{"VGER_TRUSTED_PROXIES", "10.0.0.0/33", "IP addresses or CIDRs"},
		{"VGER_TRUSTED_PROXIES", "proxy.internal", "IP addresses or CIDRs"},
		{"VGER_AUTH_PROXY_USER_HEADER", "X User", "header name"},
		{"VGER_OIDC_ISSUER", "login.example.com", "https URL"},
		{"VGER_OIDC_ISSUER", "http://login.example.com", "https URL"},
		{"VGER_OIDC_ISSUER", "https://login.example.com/?tenant=1", "https URL"},
		{"VGER_OIDC_ISSUER", "https://user:pw@login.example.com", "https URL"},
		{"VGER_OIDC_CLIENT_ID", "vger\x00", "client id"},
		{"VGER_OIDC_REDIRECT_URL", "https://vger.example.com/callback", "/auth/callback"},
		{"VGER_OIDC_REDIRECT_URL", "https://vger.example.com/auth/callback?x=1", "/auth/callback"},
		{"VGER_OIDC_REDIRECT_URL", "http://vger.example.com/auth/callback", "https URL"},
		{"VGER_OIDC_REDIRECT_URL", "ftp://vger.example.com/auth/callback", "https URL"},
		{"VGER_OIDC_SCOPES", "email profile", "including openid"},
		{"VGER_OIDC_SCOPES", "openid \"x", "including openid"},
		{"VGER_OIDC_GROUPS_CLAIM", "realm access", "claim name"},
		{"VGER_OIDC_GROUPS_CLAIM", "realm_access.", "claim name"},
		{"VGER_EDITOR_GROUPS", "ops,\x01bad", "group names"},
		{"VGER_SESSION_TTL", "forever", "from 5m to 720h"},
		{"VGER_SESSION_TTL", "1m", "from 5m to 720h"},
		{"VGER_SESSION_TTL", "1000h", "from 5m to 720h"},
		{"VGER_SESSION_KEY", "short", "at least 32 characters"},
	}
	for _, tc := range cases {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			t.Parallel()
			_, err := Load(env(map[string]string{tc.name: tc.value}))
			var ce *Error
			if !errors.As(err, &ce) || ce.Var != tc.name {
				t.Fatalf("want *Error for %s, got %v", tc.name, err)
			}
			if msg := err.Error(); !strings.Contains(msg, tc.name) || !strings.Contains(msg, tc.form) || strings.Contains(msg, "\n") {
				t.Fatalf("message %q should name %s and %q on one line", msg, tc.name, tc.form)
			}
		})
	}
}

func TestSecretsMasked(t *testing.T) {
	t.Parallel()
	const canary = "canary-s3cr3t-token"
	c, err := Load(env(map[string]string{
		"DATABASE_URL":   "postgres://vger:" + canary + "@db:5432/vger",
		"JIRA_EMAIL":     "a@example.com",
		"JIRA_API_TOKEN": canary,
		"GITHUB_TOKEN":   canary,
	}))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, r := range c.Rows() {
		all.WriteString(r.Name + "=" + r.Value + "\n")
	}
	if strings.Contains(all.String(), canary) {
		t.Fatalf("secret printed:\n%s", all.String())
	}
	if !strings.Contains(all.String(), "postgres://vger:xxxxx@db:5432/vger") {
		t.Fatalf("database URL should keep its non-secret parts:\n%s", all.String())
	}
	if got := Mask("dial "+canary+" failed", c.Secrets()...); strings.Contains(got, canary) {
		t.Fatalf("Mask left the secret: %q", got)
	}
	// A malformed secret value must not echo in the error.
	_, err = Load(env(map[string]string{"DATABASE_URL": "mysql://u:" + canary + "@h/x"}))
	if err == nil || strings.Contains(err.Error(), canary) {
		t.Fatalf("error leaks secret or is nil: %v", err)
	}
}

func TestSecretFromFile(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "tok")
	if err := os.WriteFile(p, []byte("from-file-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{"GITHUB_TOKEN_FILE": p}))
	if err != nil {
		t.Fatal(err)
	}
	if c.GitHubToken != "from-file-token" {
		t.Fatalf("token %q", c.GitHubToken)
	}
	_, err = Load(env(map[string]string{"GITHUB_TOKEN_FILE": p, "GITHUB_TOKEN": "x"}))
	if err == nil {
		t.Fatal("both set should be refused")
	}
}

var update = flag.Bool("update", false, "rewrite docs/configuration.md")

func TestConfigurationDocIsCurrent(t *testing.T) {
	t.Parallel()
	path := filepath.Join("..", "..", "docs", "configuration.md")
	want := Markdown()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatal("docs/configuration.md is out of date: run go test ./internal/config -update")
	}
}

func TestAuthModes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		wantVar string // "" = accepted
		wantMsg string
	}{
		{"none by default", nil, "", ""},
		{"proxy needs its addresses", map[string]string{"VGER_AUTH": "proxy"}, "VGER_TRUSTED_PROXIES", "set them"},
		{"proxy with addresses", map[string]string{"VGER_AUTH": "proxy", "VGER_TRUSTED_PROXIES": "10.0.0.5, 192.168.0.0/16,::1"}, "", ""},
		{"oidc needs an issuer", map[string]string{"VGER_AUTH": "oidc"}, "VGER_OIDC_ISSUER", "issuer URL"},
		{"oidc needs a client id", oidcEnv("VGER_OIDC_CLIENT_ID", ""), "VGER_OIDC_CLIENT_ID", "client id"},
		{"oidc needs a redirect URL", oidcEnv("VGER_OIDC_REDIRECT_URL", ""), "VGER_OIDC_REDIRECT_URL", "callback address"},
		{"oidc needs a key or a secret", oidcEnv("VGER_OIDC_CLIENT_SECRET", ""), "VGER_SESSION_KEY", "shared by every web server"},
		{"oidc needs a key or a long secret", oidcEnv("VGER_OIDC_CLIENT_SECRET", "short"), "VGER_SESSION_KEY", "at least 16 characters"},
		{"oidc public client with a key", oidcEnv("VGER_OIDC_CLIENT_SECRET", "", "VGER_SESSION_KEY", strings.Repeat("k", 32)), "", ""},
		{"oidc", oidcEnv(), "", ""},
		{"oidc on a loopback provider", oidcEnv("VGER_OIDC_ISSUER", "http://127.0.0.1:5556/dex", "VGER_OIDC_REDIRECT_URL", "http://localhost:8080/auth/callback"), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Load(env(tt.env))
			if tt.wantVar == "" {
				if err != nil {
					t.Fatal(err)
				}
				if tt.env["VGER_AUTH"] == "oidc" && (c.OIDCIssuer != tt.env["VGER_OIDC_ISSUER"] || c.OIDCClientID != "vger" ||
					strings.Join(c.OIDCScopes, " ") != "openid email profile" || c.OIDCGroupsClaim != "groups" || c.SessionTTL != 12*time.Hour) {
					t.Fatalf("oidc settings %+v", c)
				}
				if tt.env["VGER_AUTH"] == "proxy" && (len(c.TrustedProxies) != 3 || c.TrustedProxies[0].String() != "10.0.0.5/32" || c.TrustedProxies[2].String() != "::1/128") {
					t.Fatalf("trusted proxies %v", c.TrustedProxies)
				}
				return
			}
			var ce *Error
			if !errors.As(err, &ce) || ce.Var != tt.wantVar || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("want an error on %s mentioning %q, got %v", tt.wantVar, tt.wantMsg, err)
			}
		})
	}
	c, err := Load(env(map[string]string{"VGER_EDITORS": "*, Alice@Example.com,@corp.example", "VGER_ALLOW_ANONYMOUS": "true"}))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.Editors, " ") != "* alice@example.com @corp.example" || !c.AllowAnonymous {
		t.Fatalf("editors %q anonymous %v", c.Editors, c.AllowAnonymous)
	}
}

// The password of a key=value connection string, or of a URL's query, is
// a secret on its own; a connection string without one hides nothing.
func TestSecretsOfConnectionStrings(t *testing.T) {
	t.Parallel()
	const canary = "canary-kv-9d0c1b"
	for dsn, want := range map[string][]string{
		"host=/tmp port=5432 user=vger password=" + canary + " dbname=vger": {canary},
		"host=/tmp user=vger password='" + canary + "' dbname=vger":         {canary},
		"host=db password='" + canary + ` with \' quote' dbname=vger`:       {canary + ` with ' quote`},
		"password = " + canary + " host=db":                                 {canary},
		"postgres://vger@db/vger?password=" + canary:                        {canary},
		"postgres://vger:" + canary + "@db/vger":                            {canary},
		"postgres://vger@db/vger":                                           nil,
		"host=/tmp user=vger dbname=vger":                                   nil,
	} {
		c, err := Load(env(map[string]string{"DATABASE_URL": dsn}))
		if err != nil {
			t.Fatalf("%s: %v", dsn, err)
		}
		if got := c.Secrets(); !slices.Equal(got, want) {
			t.Errorf("%s: Secrets() = %q, want %q", dsn, got, want)
		}
	}
}

// A secret pasted into the wrong variable is not echoed by the error that
// variable's check gives.
func TestLoadErrorsMaskMisplacedSecrets(t *testing.T) {
	t.Parallel()
	const canary = "canary-misplaced-55e1"
	for name, e := range map[string]map[string]string{
		"token as JIRA_URL":       {"JIRA_URL": canary, "JIRA_EMAIL": "a@example.com", "JIRA_API_TOKEN": canary},
		"token in GITHUB_API_URL": {"GITHUB_API_URL": "ftp://" + canary + "@x/", "GITHUB_TOKEN": canary},
		"password as VGER_ADDR":   {"VGER_ADDR": canary, "DATABASE_URL": "postgres://u:" + canary + "@db/x"},
	} {
		_, err := Load(env(e))
		var ce *Error
		if !errors.As(err, &ce) || ce.Var == "" {
			t.Errorf("%s: %v, want a *config.Error naming a variable", name, err)
			continue
		}
		if strings.Contains(err.Error(), canary) {
			t.Errorf("%s: error echoes the secret: %v", name, err)
		}
	}
}

// oidcEnv is a complete VGER_AUTH=oidc configuration, with the given
// variables replaced (name, value pairs).
func oidcEnv(kv ...string) map[string]string {
	m := map[string]string{
		"VGER_AUTH":               "oidc",
		"VGER_OIDC_ISSUER":        "https://login.example.com/realms/main",
		"VGER_OIDC_CLIENT_ID":     "vger",
		"VGER_OIDC_CLIENT_SECRET": "client-secret-0123456789",
		"VGER_OIDC_REDIRECT_URL":  "https://vger.example.com/auth/callback",
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestOIDCSettings(t *testing.T) {
	t.Parallel()
	c, err := Load(env(oidcEnv("VGER_OIDC_SCOPES", "openid, email groups openid", "VGER_OIDC_GROUPS_CLAIM", "realm_access.roles",
		"VGER_EDITOR_GROUPS", " vger-editors, Platform Team ,", "VGER_SESSION_TTL", "8h")))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.OIDCScopes, "|") != "openid|email|groups" || c.OIDCGroupsClaim != "realm_access.roles" ||
		strings.Join(c.EditorGroups, "|") != "vger-editors|Platform Team" || c.SessionTTL != 8*time.Hour {
		t.Fatalf("settings %+v", c)
	}
	// The client secret and the session key are secrets: from files too,
	// masked when printed, scrubbed from logs.
	dir := t.TempDir()
	const secret, key = "canary-client-secret-1234", "canary-session-key-0123456789abcdef"
	for name, v := range map[string]string{"secret": secret, "key": key} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(v+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	e := oidcEnv("VGER_OIDC_CLIENT_SECRET", "", "VGER_OIDC_CLIENT_SECRET_FILE", filepath.Join(dir, "secret"), "VGER_SESSION_KEY_FILE", filepath.Join(dir, "key"))
	c, err = Load(env(e))
	if err != nil {
		t.Fatal(err)
	}
	if c.OIDCClientSecret != secret || c.SessionKey != key {
		t.Fatalf("from files: %q %q", c.OIDCClientSecret, c.SessionKey)
	}
	var all strings.Builder
	for _, r := range c.Rows() {
		all.WriteString(r.Name + "=" + r.Value + "\n")
	}
	if strings.Contains(all.String(), secret) || strings.Contains(all.String(), key) || !strings.Contains(all.String(), "VGER_OIDC_CLIENT_SECRET=********") {
		t.Fatalf("secrets printed:\n%s", all.String())
	}
	if got := Mask("token exchange with "+secret+" and "+key, c.Secrets()...); strings.Contains(got, secret) || strings.Contains(got, key) {
		t.Fatalf("Mask left a secret: %q", got)
	}
	e["VGER_OIDC_CLIENT_SECRET"] = secret
	if _, err := Load(env(e)); err == nil || !strings.Contains(err.Error(), "VGER_OIDC_CLIENT_SECRET") {
		t.Fatalf("both the secret and its file: %v", err)
	}
	// A refused session key is not echoed.
	_, err = Load(env(oidcEnv("VGER_SESSION_KEY", "canary-short")))
	if err == nil || strings.Contains(err.Error(), "canary-short") {
		t.Fatalf("error leaks the key or is nil: %v", err)
	}
}
