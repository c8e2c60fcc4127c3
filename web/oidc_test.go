package web_test

import (
	"encoding/base64"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/config"
	"github.com/vger-dev/vger/internal/oidctest"
	"github.com/vger-dev/vger/web"
)

// oidcEnv is Vger on a real HTTP server (TLS when asked) with OIDC sign-in
// at a test provider, and a browser: a client with a cookie jar that
// records every answer it gets.
type oidcEnv struct {
	*env
	p       *oidctest.Provider
	clock   *oidctest.Clock
	url     string // Vger's origin
	browser *http.Client
	seen    *recorder
}

type oidcOpts struct {
	tls          bool
	editors      []string
	editorGroups []string
	groupsClaim  string
	public       bool // a client without a secret
}

func newOIDCEnv(t *testing.T, o oidcOpts) *oidcEnv {
	t.Helper()
	e := newEnv(t, envOpts{})
	clock := oidctest.NewClock(time.Now().Truncate(time.Second))
	p := oidctest.New(t, clock.Now)
	if o.public {
		p.Secret = ""
	}
	srv := httptest.NewUnstartedServer(nil)
	scheme := "http://"
	if o.tls {
		scheme = "https://"
	}
	origin := scheme + srv.Listener.Addr().String()
	if o.groupsClaim == "" {
		o.groupsClaim = "groups"
	}
	auth, err := web.NewOIDC(web.OIDCOptions{Issuer: p.Issuer(), ClientID: p.ClientID, ClientSecret: p.Secret,
		RedirectURL: origin + "/auth/callback", Scopes: []string{"openid", "email", "profile"}, GroupsClaim: o.groupsClaim,
		EditorGroups: o.editorGroups, SessionTTL: 12 * time.Hour, Key: []byte("test-session-key-0123456789abcdef"), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	e.s.Access = web.Access{Auth: auth, Editors: o.editors, EditorGroups: o.editorGroups}
	e.h = e.s.Routes()
	srv.Config.Handler = e.h
	if o.tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	rec := &recorder{next: srv.Client().Transport}
	return &oidcEnv{env: e, p: p, clock: clock, url: origin, seen: rec,
		browser: &http.Client{Jar: jar, Transport: rec, Timeout: 20 * time.Second}}
}

// recorder keeps every response a client received (redirects included).
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	res  []*http.Response
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := r.next.RoundTrip(req)
	if err == nil {
		r.mu.Lock()
		r.res = append(r.res, res)
		r.mu.Unlock()
	}
	return res, err
}

// last is the latest response for a path.
func (r *recorder) last(path string) *http.Response {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.res) - 1; i >= 0; i-- {
		if r.res[i].Request.URL.Path == path {
			return r.res[i]
		}
	}
	return nil
}

// get follows redirects like a browser and answers the last page.
func (o *oidcEnv) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	res, err := o.browser.Get(o.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	return res, readAll(res)
}

// getNoFollow answers the first response, cookies sent.
func (o *oidcEnv) getNoFollow(t *testing.T, path string) *http.Response {
	t.Helper()
	c := *o.browser
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Get(o.url + path)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

func (o *oidcEnv) post(t *testing.T, path string, form url.Values, follow bool) (*http.Response, string) {
	t.Helper()
	c := *o.browser
	if !follow {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	res, err := c.PostForm(o.url+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	return res, readAll(res)
}

// signIn opens a page as someone not signed in and lands on it signed in.
func (o *oidcEnv) signIn(t *testing.T, path string) string {
	t.Helper()
	res, body := o.get(t, path)
	if res.StatusCode != http.StatusOK || res.Request.URL.Host != strings.TrimPrefix(strings.TrimPrefix(o.url, "https://"), "http://") {
		t.Fatalf("sign-in landed on %s with %d: %s", res.Request.URL, res.StatusCode, errorText(body))
	}
	return body
}

func isProviderRedirect(o *oidcEnv, res *http.Response) bool {
	return res.StatusCode == http.StatusFound && strings.HasPrefix(res.Header.Get("Location"), o.p.Issuer()+"/authorize?")
}

func cookieNamed(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// The whole round trip: a page sends the browser to the provider with
// state, nonce and an S256 code challenge; the callback sets the session
// cookie and returns to the page, which then greets the user.
func TestOIDCSignInRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tls := range []bool{false, true} {
		name := "http"
		if tls {
			name = "https"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			o := newOIDCEnv(t, oidcOpts{tls: tls})
			seedBoard(t, o.env)
			prefix := ""
			if tls {
				prefix = "__Host-"
			}
			// The first answer is the challenge.
			first := o.getNoFollow(t, "/teams/payments?from=x")
			if !isProviderRedirect(o, first) || first.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("challenge: %d %q", first.StatusCode, first.Header.Get("Location"))
			}
			lc := cookieNamed(first, prefix+"vger_login")
			if lc == nil || !lc.HttpOnly || lc.Secure != tls || lc.SameSite != http.SameSiteLaxMode || lc.Path != "/" || lc.MaxAge != 600 {
				t.Fatalf("login cookie %+v", lc)
			}
			body := o.signIn(t, "/teams/payments")
			d := doc(t, body)
			if got := text(d.Find(`[data-testid="user"]`)); got != "Ann Example viewer" {
				t.Fatalf("header shows %q", got)
			}
			if d.Find(`form[action="/auth/logout"][method="post"] [data-testid="sign-out"]`).Length() != 1 {
				t.Fatal("no sign-out button")
			}
			q := o.p.Authorized[len(o.p.Authorized)-1]
			if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || len(q.Get("state")) < 32 ||
				len(q.Get("nonce")) < 32 || q.Get("state") == q.Get("nonce") || q.Get("scope") != "openid email profile" ||
				q.Get("redirect_uri") != o.url+"/auth/callback" || q.Get("client_id") != "vger" {
				t.Fatalf("authorization request %v", q)
			}
			// Every challenge is fresh.
			if prev := mustQuery(t, first.Header.Get("Location")); prev.Get("state") == q.Get("state") || prev.Get("nonce") == q.Get("nonce") || prev.Get("code_challenge") == q.Get("code_challenge") {
				t.Fatal("state, nonce or challenge reused")
			}
			cb := o.seen.last("/auth/callback")
			if cb.StatusCode != http.StatusSeeOther || cb.Header.Get("Location") != "/teams/payments" {
				t.Fatalf("callback %d to %q", cb.StatusCode, cb.Header.Get("Location"))
			}
			sc := cookieNamed(cb, prefix+"vger_session")
			if sc == nil || !sc.HttpOnly || sc.Secure != tls || sc.SameSite != http.SameSiteLaxMode || sc.Path != "/" || sc.Domain != "" ||
				sc.MaxAge != int((12*time.Hour).Seconds()) || !sc.Expires.Equal(o.clock.Now().Add(12*time.Hour)) {
				t.Fatalf("session cookie %+v", sc)
			}
			if strings.Contains(sc.Value, "ann@example.com") || strings.Contains(sc.Value, "Ann") {
				t.Fatal("the session cookie is readable")
			}
			if c := cookieNamed(cb, prefix+"vger_login"); c == nil || c.MaxAge >= 0 {
				t.Fatalf("the login cookie outlives its callback: %+v", c)
			}
			// Signed in: pages answer at once; the header says who.
			if res := o.getNoFollow(t, "/"); res.StatusCode != http.StatusOK {
				t.Fatalf("signed-in page: %d", res.StatusCode)
			}
			// A replayed callback (the code is spent, the login cookie gone) is refused.
			replay, _ := o.get(t, cb.Request.URL.RequestURI())
			if replay.StatusCode != http.StatusBadRequest {
				t.Fatalf("replayed callback: %d", replay.StatusCode)
			}
		})
	}
}

// A public client (no secret) signs in with PKCE alone, sending its id in
// the token request.
func TestOIDCPublicClient(t *testing.T) {
	t.Parallel()
	o := newOIDCEnv(t, oidcOpts{public: true})
	d := doc(t, o.signIn(t, "/"))
	if got := text(d.Find(`[data-testid="user"]`)); got != "Ann Example viewer" {
		t.Fatalf("header shows %q", got)
	}
	o.p.Set(func(p *oidctest.Provider) {
		if len(p.TokenErrors) != 0 {
			t.Fatalf("token requests refused: %q", p.TokenErrors)
		}
	})
}

// Every way a callback can be wrong is refused with a page that says why,
// and leaves nobody signed in.
func TestOIDCRefusedSignIns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		setup  func(p *oidctest.Provider)
		status int
		msg    string
	}{
		{"bad state", func(p *oidctest.Provider) { p.BadState = true }, 400, "its state differs"},
		{"nonce mismatch", func(p *oidctest.Provider) { p.Tweak = func(c map[string]any) { c["nonce"] = "another-sign-in" } }, 403, "its nonce differs"},
		{"no nonce", func(p *oidctest.Provider) { p.Tweak = func(c map[string]any) { delete(c, "nonce") } }, 403, "its nonce differs"},
		{"wrong audience", func(p *oidctest.Provider) { p.Tweak = func(c map[string]any) { c["aud"] = "another-app" } }, 403, "expected audience"},
		{"wrong issuer", func(p *oidctest.Provider) { p.Tweak = func(c map[string]any) { c["iss"] = "https://evil.example" } }, 403, "different provider"},
		{"expired ID token", func(p *oidctest.Provider) {
			p.Tweak = func(c map[string]any) {
				c["exp"] = p.Now().Add(-time.Minute).Unix()
				c["iat"] = p.Now().Add(-time.Hour).Unix()
			}
		}, 403, "expired"},
		{"wrong PKCE verifier", func(p *oidctest.Provider) { p.WrongChallenge = true }, 502, "invalid_grant (PKCE verification failed)"},
		{"wrong client secret", func(p *oidctest.Provider) { p.Secret = "rotated-at-the-provider" }, 502, "invalid_client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := newOIDCEnv(t, oidcOpts{})
			o.p.Set(tt.setup)
			res, body := o.get(t, "/")
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tt.status, errorText(body))
			}
			d := doc(t, body)
			if got := text(d.Find(`[data-testid="error-message"]`)); !strings.Contains(got, tt.msg) {
				t.Fatalf("page says %q, want %q", got, tt.msg)
			}
			if d.Find(`a[data-testid="sign-in"][href="/auth/login"]`).Length() != 1 {
				t.Fatal("no way to sign in again")
			}
			if strings.Contains(body, o.p.Secret) || strings.Contains(body, "provider-client-secret") {
				t.Fatal("the page shows the client secret")
			}
			if c := cookieNamed(o.seen.last("/auth/callback"), "vger_session"); c != nil {
				t.Fatalf("a refused sign-in set a session: %+v", c)
			}
			if res := o.getNoFollow(t, "/"); !isProviderRedirect(o, res) {
				t.Fatalf("after a refused sign-in: %d", res.StatusCode)
			}
		})
	}
	t.Run("wrong PKCE verifier is the provider's refusal", func(t *testing.T) {
		t.Parallel()
		o := newOIDCEnv(t, oidcOpts{})
		o.p.Set(func(p *oidctest.Provider) { p.WrongChallenge = true })
		o.get(t, "/")
		o.p.Set(func(p *oidctest.Provider) {
			if len(p.TokenErrors) != 1 || p.TokenErrors[0] != "PKCE verification failed" {
				t.Fatalf("provider refused for %q", p.TokenErrors)
			}
		})
	})
	t.Run("callback without its login cookie", func(t *testing.T) {
		t.Parallel()
		o := newOIDCEnv(t, oidcOpts{})
		res, body := o.get(t, "/auth/callback?code=abc&state=def")
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(errorMessage(t, body), "not started here") {
			t.Fatalf("%d %q", res.StatusCode, errorMessage(t, body))
		}
	})
	t.Run("the provider says no", func(t *testing.T) {
		t.Parallel()
		o := newOIDCEnv(t, oidcOpts{})
		res, body := o.get(t, "/auth/callback?error=access_denied&error_description=%3Cscript%3Ealert(1)%3C/script%3E&state=x")
		if res.StatusCode != http.StatusForbidden || !strings.Contains(errorMessage(t, body), "access_denied (<script>alert(1)</script>)") ||
			strings.Contains(body, "<script>alert") {
			t.Fatalf("%d %q", res.StatusCode, errorMessage(t, body))
		}
	})
	t.Run("provider unreachable", func(t *testing.T) {
		t.Parallel()
		o := newOIDCEnv(t, oidcOpts{})
		o.p.Server.Close()
		res, body := o.get(t, "/")
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(errorMessage(t, body), "could not reach the identity provider") {
			t.Fatalf("%d %q", res.StatusCode, errorMessage(t, body))
		}
	})
}

func errorMessage(t *testing.T, body string) string {
	return text(doc(t, body).Find(`[data-testid="error-message"]`))
}

// A session ends after its lifetime: the next page goes to the provider
// again, and a change is refused (401) rather than redirected.
func TestOIDCSessionExpiry(t *testing.T) {
	t.Parallel()
	o := newOIDCEnv(t, oidcOpts{editors: []string{"ann@example.com"}})
	o.signIn(t, "/")
	o.clock.Add(12*time.Hour - time.Second)
	if res := o.getNoFollow(t, "/"); res.StatusCode != http.StatusOK {
		t.Fatalf("just before expiry: %d", res.StatusCode)
	}
	o.clock.Add(time.Second)
	if res := o.getNoFollow(t, "/audit"); !isProviderRedirect(o, res) {
		t.Fatalf("expired session: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, body := o.post(t, "/teams", url.Values{"name": {"Apps"}}, false)
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(errorMessage(t, body), "Your sign-in has expired. Nothing was changed") ||
		doc(t, body).Find(`[data-testid="sign-in"]`).Length() != 1 {
		t.Fatalf("POST with an expired session: %d %q", res.StatusCode, errorMessage(t, body))
	}
	// Signing in again works, and lands where the person was going.
	res, _ = o.get(t, "/audit")
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/audit" {
		t.Fatalf("after signing in again: %d at %s", res.StatusCode, res.Request.URL)
	}
}

// Not signed in at all: pages redirect, changes are refused with 401.
func TestOIDCUnauthenticatedChanges(t *testing.T) {
	t.Parallel()
	o := newOIDCEnv(t, oidcOpts{editors: []string{"*"}})
	seedBoard(t, o.env)
	for _, path := range []string{"/teams", "/teams/payments/boards/payments/refresh", "/teams/payments/delete"} {
		res, body := o.post(t, path, url.Values{"name": {"X"}, "confirm": {"Payments"}}, false)
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(errorMessage(t, body), "You are not signed in") {
			t.Errorf("POST %s: %d %q", path, res.StatusCode, errorMessage(t, body))
		}
	}
	// A forged session cookie is no session.
	u, _ := url.Parse(o.url)
	o.browser.Jar.SetCookies(u, []*http.Cookie{{Name: "vger_session", Value: base64.RawURLEncoding.EncodeToString([]byte(`{"s":"x","n":"Eve","e":"boss@example.com","x":9999999999}`))}})
	if res := o.getNoFollow(t, "/"); !isProviderRedirect(o, res) {
		t.Fatalf("forged session: %d", res.StatusCode)
	}
	// A login cookie does not pass for a session either.
	first := o.getNoFollow(t, "/")
	o.browser.Jar.SetCookies(u, []*http.Cookie{{Name: "vger_session", Value: cookieNamed(first, "vger_login").Value}})
	if res := o.getNoFollow(t, "/"); !isProviderRedirect(o, res) {
		t.Fatalf("login cookie as a session: %d", res.StatusCode)
	}
}

// Signing out clears the session and ends the provider's session too.
func TestOIDCLogout(t *testing.T) {
	t.Parallel()
	for _, endSession := range []bool{true, false} {
		t.Run(map[bool]string{true: "provider ends its session", false: "provider without end_session"}[endSession], func(t *testing.T) {
			t.Parallel()
			o := newOIDCEnv(t, oidcOpts{})
			o.p.Set(func(p *oidctest.Provider) { p.NoEndSession = !endSession })
			o.signIn(t, "/")
			// Browsers apply form-action to the redirect after "Sign out":
			// the provider's origin is allowed, nothing else is.
			if csp := o.getNoFollow(t, "/").Header.Get("Content-Security-Policy"); !strings.Contains(csp, "; form-action 'self' "+o.p.Issuer()+"; ") {
				t.Fatalf("CSP %q", csp)
			}
			res, body := o.post(t, "/auth/logout", nil, false)
			if c := cookieNamed(res, "vger_session"); c == nil || c.MaxAge >= 0 || !c.HttpOnly {
				t.Fatalf("session cookie not cleared: %+v", c)
			}
			if endSession {
				loc, _ := url.Parse(res.Header.Get("Location"))
				if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc.String(), o.p.Issuer()+"/end_session?") ||
					loc.Query().Get("client_id") != "vger" || loc.Query().Get("post_logout_redirect_uri") != o.url+"/" {
					t.Fatalf("logout: %d to %q", res.StatusCode, loc)
				}
			} else if res.StatusCode != http.StatusOK || doc(t, body).Find(`[data-testid="signed-out"] a[href="/auth/login"]`).Length() != 1 {
				t.Fatalf("logout: %d %s", res.StatusCode, body)
			}
			if res := o.getNoFollow(t, "/"); !isProviderRedirect(o, res) {
				t.Fatalf("after logout: %d", res.StatusCode)
			}
			// Signing out is a POST only (a link or image cannot sign anyone out) ...
			if res := o.getNoFollow(t, "/auth/logout"); res.StatusCode != http.StatusMethodNotAllowed {
				t.Fatalf("GET /auth/logout: %d", res.StatusCode)
			}
			// ... and from this site only.
			req, _ := http.NewRequest(http.MethodPost, o.url+"/auth/logout", nil)
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			req.Header.Set("Origin", "https://evil.example")
			if res, err := o.browser.Do(req); err != nil || res.StatusCode != http.StatusForbidden {
				t.Fatalf("cross-site logout: %v %v", res.StatusCode, err)
			}
		})
	}
}

// Editors are named by email (VGER_EDITORS) or by a group in the groups
// claim (VGER_EDITOR_GROUPS); everyone else views, and is refused changes.
func TestOIDCEditors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   oidcOpts
		claims map[string]any
		role   string
	}{
		{"nobody named", oidcOpts{}, nil, "viewer"},
		{"email in VGER_EDITORS", oidcOpts{editors: []string{"ann@example.com"}}, nil, "editor"},
		{"email domain", oidcOpts{editors: []string{"@example.com"}}, map[string]any{"email": "Ann@Example.com"}, "editor"},
		{"unverified email", oidcOpts{editors: []string{"ann@example.com"}}, map[string]any{"email_verified": false}, "viewer"},
		{"group", oidcOpts{editorGroups: []string{"vger-editors"}}, map[string]any{"groups": []any{"staff", "vger-editors"}}, "editor"},
		{"other groups", oidcOpts{editorGroups: []string{"vger-editors"}}, map[string]any{"groups": []any{"staff", "Vger-Editors"}}, "viewer"},
		{"single group string", oidcOpts{editorGroups: []string{"vger-editors"}}, map[string]any{"groups": "vger-editors"}, "editor"},
		{"nested roles claim", oidcOpts{editorGroups: []string{"editor"}, groupsClaim: "realm_access.roles"},
			map[string]any{"realm_access": map[string]any{"roles": []any{"editor"}}}, "editor"},
		{"groups in another claim", oidcOpts{editorGroups: []string{"vger-editors"}, groupsClaim: "roles"},
			map[string]any{"groups": []any{"vger-editors"}}, "viewer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := newOIDCEnv(t, tt.opts)
			seedBoard(t, o.env)
			o.p.Set(func(p *oidctest.Provider) {
				for k, v := range tt.claims {
					p.User[k] = v
				}
			})
			d := doc(t, o.signIn(t, "/teams/payments"))
			if got := text(d.Find(`[data-testid="user-role"]`)); got != tt.role {
				t.Fatalf("role %q, want %q", got, tt.role)
			}
			res, body := o.post(t, "/teams/payments/settings", url.Values{"name": {"Renamed"}}, false)
			if tt.role == "viewer" {
				if res.StatusCode != http.StatusForbidden || !strings.Contains(errorMessage(t, body), "a viewer") {
					t.Fatalf("viewer's POST: %d %q", res.StatusCode, errorMessage(t, body))
				}
				if o.board().Name != "Payments" {
					t.Fatal("a viewer renamed the team")
				}
			} else if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("editor's POST: %d %s", res.StatusCode, errorText(body))
			}
		})
	}
}

// The return path saved at a challenge, or given to /auth/login, is only
// ever a path on this site.
func TestOIDCReturnPathIsLocal(t *testing.T) {
	t.Parallel()
	o := newOIDCEnv(t, oidcOpts{})
	o.signIn(t, "/")
	for _, ret := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
		"http:/evil.example", "/\r\nSet-Cookie:x=y", "/\tx", "evil.example", ""} {
		res, _ := o.get(t, "/auth/login?return="+url.QueryEscape(ret))
		if res.StatusCode != http.StatusOK || res.Request.URL.Host != strings.TrimPrefix(o.url, "http://") || res.Request.URL.Path != "/" {
			t.Errorf("return %q landed on %s", ret, res.Request.URL)
		}
		if loc := o.seen.last("/auth/callback").Header.Get("Location"); loc != "/" {
			t.Errorf("return %q: callback redirects to %q", ret, loc)
		}
	}
	res, _ := o.get(t, "/auth/login?return="+url.QueryEscape("/audit?page=2"))
	if res.Request.URL.RequestURI() != "/audit?page=2" {
		t.Fatalf("a local return path was not kept: %s", res.Request.URL)
	}
}

// AccessFromConfig builds OIDC sign-in from the configuration and says
// how people get in.
func TestAccessFromConfigOIDC(t *testing.T) {
	t.Parallel()
	env := map[string]string{"VGER_AUTH": "oidc", "VGER_OIDC_ISSUER": "https://login.example.com", "VGER_OIDC_CLIENT_ID": "vger",
		"VGER_OIDC_CLIENT_SECRET": "0123456789abcdef0123", "VGER_OIDC_REDIRECT_URL": "https://vger.example.com/auth/callback"}
	load := func(extra map[string]string) (web.Access, string, bool) {
		t.Helper()
		m := map[string]string{}
		for k, v := range env {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		cfg, err := loadConfig(m)
		if err != nil {
			t.Fatal(err)
		}
		a, how, warn, err := web.AccessFromConfig(cfg, &net.TCPAddr{IP: net.IPv4zero, Port: 8080})
		if err != nil {
			t.Fatal(err)
		}
		return a, how, warn
	}
	a, how, warn := load(nil)
	if _, ok := a.Auth.(*web.OIDC); !ok || !warn || !strings.Contains(how, "nobody can change anything") ||
		!strings.Contains(how, "sign-in by OpenID Connect (VGER_AUTH=oidc) at https://login.example.com as client vger") ||
		!strings.Contains(how, "keyed by VGER_OIDC_CLIENT_SECRET") || strings.Contains(how, "0123456789abcdef0123") {
		t.Fatalf("%T %q %v", a.Auth, how, warn)
	}
	a, how, warn = load(map[string]string{"VGER_EDITORS": "@example.com", "VGER_EDITOR_GROUPS": "vger-editors",
		"VGER_SESSION_KEY": "a-session-key-of-at-least-32-characters"})
	if warn || len(a.EditorGroups) != 1 || len(a.Editors) != 1 || !strings.Contains(how, "members of vger-editors (claim groups)") ||
		!strings.Contains(how, "keyed by VGER_SESSION_KEY") {
		t.Fatalf("%q %v %+v", how, warn, a)
	}
}

func loadConfig(m map[string]string) (*config.Config, error) {
	return config.Load(func(k string) (string, bool) { v, ok := m[k]; return v, ok })
}

func mustQuery(t *testing.T, u string) url.Values {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return p.Query()
}
