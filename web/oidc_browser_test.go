package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/vger-dev/vger/internal/browsertest"
	"github.com/vger-dev/vger/internal/oidctest"
)

// browserCookies are the cookies Chromium keeps for a URL, HttpOnly ones
// included (the DevTools protocol sees them; the page's script must not).
func browserCookies(p browserPage, u string) map[string]*network.Cookie {
	p.t.Helper()
	res, err := chromedp.Call(p.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{u}})
	if err != nil {
		p.t.Fatal(err)
	}
	out := map[string]*network.Cookie{}
	for _, c := range res.Cookies {
		out[c.Name] = c
	}
	return out
}

// TestBrowserOIDCSignInAndOut signs in with OpenID Connect in Chromium: a
// page sends the browser to the in-process provider, which approves at
// once; the callback lands back on the page, signed in, the header naming
// the user; the session cookie is HttpOnly (the page's script cannot read
// it). "Sign out" then clears it, ending the provider's session too when
// the provider has an end_session_endpoint, and the next page goes back to
// the provider for a new sign-in.
func TestBrowserOIDCSignInAndOut(t *testing.T) {
	t.Parallel()
	for _, endSession := range []bool{true, false} {
		t.Run(map[bool]string{true: "provider ends its session", false: "provider without end_session"}[endSession], func(t *testing.T) {
			t.Parallel()
			o := newOIDCEnv(t, oidcOpts{})
			seedBoard(t, o.env)
			o.p.Set(func(p *oidctest.Provider) { p.NoEndSession = !endSession })
			// A tab with cookies of its own: other tests' tabs share 127.0.0.1.
			p := browserPage{t: t, ctx: browsertest.PrivateTab(t)}

			p.run(chromedp.Navigate(o.url+"/teams/payments?from=2026-01-05"), chromedp.WaitVisible(chromedp.CSS(testid("user"))))
			if loc := p.location(); loc.String() != o.url+"/teams/payments?from=2026-01-05" {
				t.Fatalf("landed on %s", loc)
			}
			if got := p.eval(`document.querySelector('[data-testid="user"]').textContent.trim().split(/\s+/).join(" ")`); got != "Ann Example viewer" {
				t.Fatalf("header shows %q", got)
			}
			var authorized []url.Values
			o.p.Set(func(p *oidctest.Provider) { authorized = append(authorized, p.Authorized...) })
			if len(authorized) != 1 || authorized[0].Get("code_challenge_method") != "S256" || authorized[0].Get("redirect_uri") != o.url+"/auth/callback" {
				t.Fatalf("authorization requests %v", authorized)
			}

			// The session cookie is in the browser, HttpOnly and SameSite=Lax;
			// the login cookie is gone.
			jar := browserCookies(p, o.url+"/")
			sc := jar["vger_session"]
			if sc == nil || !sc.HTTPOnly || sc.SameSite != network.CookieSameSiteLax || sc.Path != "/" || sc.Session {
				t.Fatalf("session cookie in the browser: %+v (all: %v)", sc, jar)
			}
			if c := jar["vger_login"]; c != nil {
				t.Fatalf("the login cookie outlived the sign-in: %+v", c)
			}
			// The page's script sees cookies (a probe it sets itself), but not the session.
			visible := p.eval(`document.cookie = "probe=1; path=/"; document.cookie`)
			if !strings.Contains(visible, "probe=1") {
				t.Fatalf("document.cookie does not work here: %q", visible)
			}
			if strings.Contains(visible, "vger_session") || strings.Contains(visible, sc.Value) || strings.Contains(visible, "vger_login") {
				t.Fatalf("script reads the session cookie: %q", visible)
			}

			// Signed in, other pages answer at once.
			p.follow(`a[href="/"]`, testid("user"))
			if loc := p.location(); loc.Host != strings.TrimPrefix(o.url, "http://") || loc.Path != "/" {
				t.Fatalf("home link landed on %s", loc)
			}

			// Sign out.
			if endSession {
				p.follow(testid("sign-out"), "#provider-signed-out")
				var ended []url.Values
				o.p.Set(func(p *oidctest.Provider) { ended = append(ended, p.Ended...) })
				if len(ended) != 1 || ended[0].Get("client_id") != "vger" || ended[0].Get("post_logout_redirect_uri") != o.url+"/" {
					t.Fatalf("sign-out requests at the provider: %v", ended)
				}
			} else {
				p.follow(testid("sign-out"), testid("signed-out"))
				if loc := p.location(); loc.String() != o.url+"/auth/logout" {
					t.Fatalf("signed out at %s", loc)
				}
				if n := p.eval(`String(document.querySelectorAll('[data-testid="user"]').length)`); n != "0" {
					t.Fatal("the signed-out page still names the user")
				}
				// From Vger's own origin: a page now redirects (to the provider).
				if got := p.evalAsync(`fetch("/", {redirect: "manual"}).then(r => r.type)`); got != "opaqueredirect" {
					t.Fatalf("a page after signing out answers %q, want a redirect", got)
				}
			}
			if c := browserCookies(p, o.url+"/")["vger_session"]; c != nil {
				t.Fatalf("the session cookie outlived signing out: %+v", c)
			}

			// The next page is a new sign-in at the provider.
			p.run(chromedp.Navigate(o.url+"/audit"), chromedp.WaitVisible(chromedp.CSS(testid("user"))))
			o.p.Set(func(p *oidctest.Provider) { authorized = append(authorized[:0], p.Authorized...) })
			if len(authorized) != 2 || authorized[1].Get("state") == authorized[0].Get("state") {
				t.Fatalf("after signing out, authorization requests %v", authorized)
			}
			if loc := p.location(); loc.Path != "/audit" {
				t.Fatalf("signed in again at %s", loc)
			}
		})
	}
}

// evalAsync is eval of a script that answers a promise.
func (p browserPage) evalAsync(js string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("%s: %v", js, err)
	}
	return v
}
