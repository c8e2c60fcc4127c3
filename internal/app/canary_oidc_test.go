package app_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/app"
	"github.com/vger-dev/vger/internal/logbuf"
	"github.com/vger-dev/vger/internal/oidctest"
	"github.com/vger-dev/vger/internal/sim"
	vsync "github.com/vger-dev/vger/internal/sync"
)

// exchanges records every response a client receives, redirects included,
// as text (status, headers, body), with the request's method and URL.
type exchanges struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen []string
}

func (x *exchanges) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := x.next.RoundTrip(req)
	if err != nil {
		return res, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n%s\n", req.Method, req.URL, res.Status)
	res.Header.Write(&b)
	b.Write(body)
	x.mu.Lock()
	x.seen = append(x.seen, b.String())
	x.mu.Unlock()
	return res, nil
}

// TestCanarySecretsNeverLeakSignedIn is the canary test with VGER_AUTH=oidc
// and someone actually signed in: the OIDC client secret (read from a
// file) and the session key are canaries, Ann signs in through the
// in-process provider (which refuses any other client secret), and with
// her session cookie every GET route and linked page is fetched, a
// refresh is posted, and she signs out. The canaries must be in no
// response (sign-in redirects and callback included), no cookie's value
// (sealed, and decoded from base64 too), no log line and no database row.
func TestCanarySecretsNeverLeakSignedIn(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	start := time.Now().UTC().Truncate(time.Second)
	s, err := sim.New(sim.Options{Seed: 13, Issues: 80, PRs: 20, Teams: 1, Email: canaryEmail, APIToken: canaryJira,
		GitHubToken: canaryGH, Now: func() time.Time { return start }})
	if err != nil {
		t.Fatal(err)
	}
	simSrv := httptest.NewServer(s.Handler())
	defer simSrv.Close()
	provider := oidctest.New(t, nil)
	provider.Secret = canaryOIDC

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	dsn, dbSecret := canaryDSN(t)
	secretFile := filepath.Join(t.TempDir(), "oidc-client-secret")
	if err := os.WriteFile(secretFile, []byte(canaryOIDC+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := loadConfig(t, maps(canaryEnv(t, dsn, simSrv.URL), map[string]string{
		"VGER_AUTH":                    "oidc",
		"VGER_OIDC_ISSUER":             provider.Issuer(),
		"VGER_OIDC_CLIENT_ID":          provider.ClientID,
		"VGER_OIDC_CLIENT_SECRET":      "",
		"VGER_OIDC_CLIENT_SECRET_FILE": secretFile,
		"VGER_OIDC_REDIRECT_URL":       base + "/auth/callback",
		"VGER_EDITORS":                 "ann@example.com",
	}))
	for _, want := range []string{canaryOIDC, canaryKey} {
		if !slices.Contains(cfg.Secrets(), want) {
			t.Fatalf("config.Secrets() lacks a configured secret (%d secrets)", len(cfg.Secrets()))
		}
	}
	leaks := newLeakCheck(canaryJira, canaryGH, dbSecret, canaryOIDC, canaryKey)
	// The client's Basic credentials at the token endpoint.
	leaks.needles[base64.StdEncoding.EncodeToString([]byte(provider.ClientID+":"+canaryOIDC))] = "Basic client credentials with " + canaryOIDC

	var logs logbuf.Buffer
	log := app.NewLogger(cfg, &logs)
	var cli bytes.Buffer
	if err := app.Migrate(ctx, cfg, log, &cli); err != nil {
		t.Fatal(err)
	}
	tb := s.Boards()[0]
	if err := app.BoardAdd(ctx, cfg, log, &cli, vsync.NewBoard{JiraBoardID: int64(tb.ID), TeamName: tb.Team}); err != nil {
		t.Fatalf("board add: %v", err)
	}
	if err := app.Sync(ctx, cfg, log, &cli, app.SyncOptions{All: true}); err != nil {
		t.Fatalf("sync --all: %v\n%s", err, cli.String())
	}
	r := startServerAndWorkerOn(t, ln, cfg, log)
	waitJobs(t, r.pool, "the periodic sync", func(c map[string]int) bool { return c["sync_board:completed"] >= 1 })

	// Sign in: the browser follows Vger's redirect to the provider and back.
	jar, _ := cookiejar.New(nil)
	rec := &exchanges{next: http.DefaultTransport}
	browser := &http.Client{Jar: jar, Transport: rec, Timeout: 30 * time.Second}
	res, err := browser.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	home, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.String() != base+"/" || !strings.Contains(string(home), "Ann Example") {
		t.Fatalf("sign-in landed on %s with %d:\n%.2000s", res.Request.URL, res.StatusCode, home)
	}
	provider.Set(func(p *oidctest.Provider) {
		if len(p.Authorized) != 1 || len(p.TokenErrors) != 0 {
			t.Fatalf("provider: %d authorizations, token errors %q", len(p.Authorized), p.TokenErrors)
		}
	})
	baseURL, _ := url.Parse(base)
	session := ""
	for _, c := range jar.Cookies(baseURL) {
		if c.Name == "vger_session" {
			session = c.Value
		}
	}
	if session == "" {
		t.Fatal("no session cookie after signing in")
	}

	// Every page, with the session.
	all, err := r.db.Store.Boards(ctx)
	if err != nil || len(all) == 0 {
		t.Fatalf("boards %v: %v", all, err)
	}
	b := all[0]
	page := "/teams/" + b.TeamSlug + "/boards/" + b.Slug
	responses := crawlWith(t, browser, base, append(routeTargets(t, b.TeamSlug, b.Slug), page+"?from=not-a-date", "/no/such/page"), 250)
	signedIn := 0
	for target, text := range responses {
		if strings.Contains(text, `data-testid="user"`) && strings.Contains(text, "Ann Example") {
			signedIn++
		}
		if strings.Contains(text, "Location: "+provider.Issuer()) && !strings.HasPrefix(target, "/auth/") {
			t.Errorf("GET %s sent the signed-in browser to the provider", target)
		}
	}
	if signedIn < 20 {
		t.Errorf("only %d crawled pages show the signed-in user", signedIn)
	}
	// An editor's change, and signing out (which names the client to the provider).
	refresh := post(t, base, page+"/refresh", url.Values{"back": {page}}) // without the session: refused
	if !strings.HasPrefix(refresh, "401") {
		t.Errorf("refresh without a session: %.300s", refresh)
	}
	for _, target := range []string{page + "/refresh", "/auth/logout"} {
		req, _ := http.NewRequest(http.MethodPost, base+target, strings.NewReader(url.Values{"back": {page}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		c := *browser
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("POST %s: %d", target, res.StatusCode)
		}
	}
	waitJobs(t, r.pool, "the refresh", func(c map[string]int) bool { return c["sync_board:completed"] >= 2 })
	for _, e := range r.shutdown() {
		t.Errorf("server or worker: %s", e)
		leaks.check(t, "server or worker error", e)
	}

	checkAll(t, leaks, "GET", responses)
	// Every response the browser got: sign-in redirects, the callback
	// setting the session cookie, the provider's answers, the sign-out.
	rec.mu.Lock()
	for i, text := range rec.seen {
		leaks.check(t, fmt.Sprintf("response %d", i), text)
	}
	rec.mu.Unlock()
	// The cookies' values, as they are and decoded.
	cookies := map[string]string{"session cookie": session}
	for _, c := range jar.Cookies(baseURL) {
		cookies["cookie "+c.Name] = c.Value
	}
	for name, v := range cookies {
		leaks.check(t, name, v)
		if raw, err := base64.RawURLEncoding.DecodeString(v); err == nil {
			leaks.check(t, name+" (decoded)", string(raw))
		}
	}
	leaks.check(t, "log", logs.String())
	leaks.check(t, "command output", cli.String())
	tables := dumpDatabase(t, pgxPool(t, dsn))
	checkAll(t, leaks, "table", tables)
	// The searches saw the signed-in work: the sign-in is logged and the
	// refresh audited as Ann's.
	if !strings.Contains(logs.String(), `"msg":"signed in"`) {
		t.Errorf("the log has no sign-in: %.2000s", logs.String())
	}
	audited := false
	for name, rows := range tables {
		audited = audited || (strings.HasSuffix(name, `."audit_log"`) && strings.Contains(rows, "ann@example.com"))
	}
	if !audited {
		t.Error("no audit row names the signed-in editor")
	}
	t.Logf("searched %d crawled pages (%d signed in), %d responses to the browser, %d cookies, %d tables",
		len(responses), signedIn, len(rec.seen), len(cookies), len(tables))
}
