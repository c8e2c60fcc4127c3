package web_test

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/vger-dev/vger/internal/config"
	"github.com/vger-dev/vger/web"
)

var proxyNet = netip.MustParsePrefix("192.0.2.0/24") // httptest requests come from 192.0.2.1

func proxyAccess(editors ...string) web.Access {
	return web.Access{Auth: web.Proxy{Trusted: []netip.Prefix{proxyNet}, UserHeader: "X-Forwarded-User", EmailHeader: "X-Forwarded-Email"}, Editors: editors}
}

func as(email string) http.Header {
	return http.Header{"X-Forwarded-Email": {email}, "X-Forwarded-User": {strings.Split(email, "@")[0]}}
}

// fill puts real names into a route pattern, so a route that forgot its
// role check would reach a real handler and change something.
func fill(pattern string) string {
	return strings.NewReplacer("{team}", "payments", "{board}", "payments", "{repo}", "1", "{note}", "1", "{chart}", "throughput.svg", "/*", "/css/vger.css").Replace(pattern)
}

// Every route that changes something (any method but GET and HEAD)
// answers 403 to a viewer, and refuses a cross-origin POST even from an
// editor; viewers read every page.
func TestEveryChangeNeedsAnEditorAndTheSameOrigin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	seedBoard(t, e)
	e.s.Access = proxyAccess("boss@example.com")
	h := e.s.Routes()
	var changing, reading []string
	err := chi.Walk(h.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		switch method {
		case http.MethodGet, http.MethodHead:
			if !strings.Contains(route, "/static/") && route != "/favicon.ico" {
				reading = append(reading, route)
			}
		default:
			changing = append(changing, method+" "+route)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(changing) < 10 {
		t.Fatalf("only %d changing routes found: %v", len(changing), changing)
	}
	before := e.board()
	for _, mr := range changing {
		method, route, _ := strings.Cut(mr, " ")
		target := fill(route)
		form := strings.NewReader(url.Values{"name": {"Hacked"}, "confirm": {"Payments"}, "repo": {"a/b"}, "board": {"3"}}.Encode())
		hdr := as("viewer@example.com")
		hdr.Set("Content-Type", "application/x-www-form-urlencoded")
		if res := e.do(method, target, form, hdr); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s as a viewer: %d, want 403", method, target, res.StatusCode)
		}
		hdr = as("boss@example.com")
		hdr.Set("Sec-Fetch-Site", "cross-site")
		hdr.Set("Origin", "https://evil.example")
		if res := e.do(method, target, strings.NewReader("name=Hacked"), hdr); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s cross-origin as an editor: %d, want 403", method, target, res.StatusCode)
		}
	}
	if after := e.board(); !after.UpdatedAt.Equal(before.UpdatedAt) || after.Name != "Payments" {
		t.Fatal("a refused request changed the board")
	}
	if teams, _ := e.st.ListTeams(context.Background()); len(teams) != 1 || teams[0].Name != "Payments" {
		t.Fatalf("a refused request changed the teams: %+v", teams)
	}
	for _, route := range reading {
		target := fill(route)
		res := e.do(http.MethodGet, target, nil, as("viewer@example.com"))
		if res.StatusCode == http.StatusForbidden || res.StatusCode >= 500 {
			t.Errorf("GET %s as a viewer: %d", target, res.StatusCode)
		}
		// Every board view names the viewer in its header and offers no
		// "refresh now" (it would be refused).
		if res.StatusCode == http.StatusOK && strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			d := doc(t, readAll(res))
			if d.Find(`[data-testid="freshness"]`).Length() == 1 {
				if got := text(d.Find(`[data-testid="user"]`)); got != "viewer viewer" {
					t.Errorf("GET %s as a viewer: header shows %q", target, got)
				}
				if d.Find(`[data-testid="refresh"]`).Length() != 0 {
					t.Errorf("GET %s as a viewer: offers Refresh now", target)
				}
			}
		}
	}
	// The 403 page says who you are and what to ask for.
	res := e.do(http.MethodPost, "/teams", strings.NewReader("name=X"), as("viewer@example.com"))
	body := readAll(res)
	if got := text(doc(t, body).Find(`[data-testid="error-message"]`)); !strings.Contains(got, "signed in as viewer <viewer@example.com>, a viewer") || !strings.Contains(got, "VGER_EDITORS") {
		t.Fatalf("403 page says %q", got)
	}
	// A viewer sees no buttons that would only be refused.
	_, body = e.withHeader(as("viewer@example.com")).get("/teams/payments")
	d := doc(t, body)
	if d.Find(`[data-testid="add-board"], [data-testid="refresh"], [data-testid="team-settings"]`).Length() != 0 {
		t.Fatal("a viewer is offered editing")
	}
	if got := text(d.Find(`[data-testid="user"]`)); got != "viewer viewer" {
		t.Fatalf("header shows %q", got)
	}
	// An editor may.
	hdr := as("boss@example.com")
	hdr.Set("Content-Type", "application/x-www-form-urlencoded")
	if res := e.do(http.MethodPost, "/teams", strings.NewReader("name=Apps"), hdr); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("editor POST: %d", res.StatusCode)
	}
	log, _ := e.st.AuditLog(context.Background(), 0, 0, 1)
	if len(log) != 1 || log[0].Actor != "boss <boss@example.com>" {
		t.Fatalf("audit actor %+v", log)
	}
}

func TestProxySignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	e.s.Access = proxyAccess("@example.com")
	h := e.s.Routes()
	tests := []struct {
		name   string
		remote string
		hdr    http.Header
		status int
		msg    string
	}{
		{"through the proxy", "192.0.2.7:5555", as("ann@example.com"), 200, ""},
		{"headers set by someone else", "203.0.113.9:5555", as("ann@example.com"), 403, "did not come through it"},
		{"proxy without a user", "192.0.2.7:5555", http.Header{}, 403, "did not say who you are"},
		{"two emails", "192.0.2.7:5555", http.Header{"X-Forwarded-Email": {"a@example.com", "b@example.com"}}, 403, "did not say who you are"},
		{"control characters", "192.0.2.7:5555", http.Header{"X-Forwarded-Email": {"a@example.com\x00"}}, 403, "did not say who you are"},
		{"name only", "192.0.2.7:5555", http.Header{"X-Forwarded-User": {"ann"}}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := newRequest(http.MethodGet, "/", tt.hdr)
			req.RemoteAddr = tt.remote
			res, body := serve(h, req)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d", res.StatusCode)
			}
			if tt.msg != "" && !strings.Contains(text(doc(t, body).Find(`[data-testid="error-message"]`)), tt.msg) {
				t.Fatalf("page says %q", text(doc(t, body).Find(`[data-testid="error-message"]`)))
			}
		})
	}
	// Health checks need no sign-in.
	req := newRequest(http.MethodGet, "/healthz", nil)
	req.RemoteAddr = "203.0.113.9:1"
	if res, _ := serve(h, req); res.StatusCode != 200 {
		t.Fatalf("healthz: %d", res.StatusCode)
	}
}

func TestRoles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		editors []string
		id      web.Identity
		want    web.Role
	}{
		{nil, web.Identity{Email: "a@example.com"}, web.RoleViewer},
		{nil, web.Identity{Anonymous: true}, web.RoleEditor},
		{[]string{"*"}, web.Identity{Email: "a@example.com"}, web.RoleEditor},
		{[]string{"*"}, web.Identity{Name: "a"}, web.RoleEditor},
		{[]string{"a@example.com"}, web.Identity{Email: "A@Example.com"}, web.RoleEditor},
		{[]string{"a@example.com"}, web.Identity{Email: "b@example.com"}, web.RoleViewer},
		{[]string{"@example.com"}, web.Identity{Email: "b@example.com"}, web.RoleEditor},
		{[]string{"@example.com"}, web.Identity{Email: "b@notexample.com"}, web.RoleViewer},
		{[]string{"@example.com"}, web.Identity{Email: "b@evil.com.example.org"}, web.RoleViewer},
		{[]string{"@example.com"}, web.Identity{Name: "b"}, web.RoleViewer},
	}
	for _, tt := range tests {
		if got := (web.Access{Editors: tt.editors}).RoleOf(tt.id); got != tt.want {
			t.Errorf("editors %q, %+v: %v, want %v", tt.editors, tt.id, got, tt.want)
		}
	}
}

// VGER_AUTH=none serves only loopback unless anonymous access is allowed
// explicitly; the server says how people get in.
func TestAccessFromConfig(t *testing.T) {
	t.Parallel()
	loop := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}
	open := &net.TCPAddr{IP: net.IPv4zero, Port: 8080}
	tests := []struct {
		name    string
		env     map[string]string
		addr    net.Addr
		err     string
		how     string
		warn    bool
		editors int
	}{
		{"none on loopback", nil, loop, "", "sign-in is off (VGER_AUTH=none)", false, 0},
		{"none on every address", nil, open, "allowed only on a loopback address", "", false, 0},
		{"none allowed anyway", map[string]string{"VGER_ALLOW_ANONYMOUS": "true"}, open, "", "VGER_ALLOW_ANONYMOUS=true lets in anyone who can reach 0.0.0.0:8080", true, 0},
		{"proxy", map[string]string{"VGER_AUTH": "proxy", "VGER_TRUSTED_PROXIES": "10.0.0.5", "VGER_EDITORS": "*"}, open, "",
			"sign-in by proxy (VGER_AUTH=proxy): X-Forwarded-User and X-Forwarded-Email from 10.0.0.5/32; every signed-in user can view; editors: *", false, 1},
		{"proxy, nobody edits", map[string]string{"VGER_AUTH": "proxy", "VGER_TRUSTED_PROXIES": "10.0.0.5"}, open, "", "nobody can change anything (VGER_EDITORS is empty)", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Load(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
			if err != nil {
				t.Fatal(err)
			}
			a, how, warn, err := web.AccessFromConfig(cfg, tt.addr)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "VGER_AUTH") {
					t.Fatalf("error %v", err)
				}
				return
			}
			if err != nil || !strings.Contains(how, tt.how) || warn != tt.warn || len(a.Editors) != tt.editors || a.Auth == nil {
				t.Fatalf("%v %q warn=%v %+v", err, how, warn, a)
			}
		})
	}
}
