package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// An error page's header names the signed-in user as every other page's
// does, whether the request failed inside a page (a bad parameter, a board
// that is not there, a viewer's change) or before any page was chosen (an
// address no route matches, a method no route takes, an oversized query).
// A request that does not identify anyone shows nobody.
func TestErrorPagesShowTheSignedInUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	seedBoard(t, e)
	e.s.Access = proxyAccess("boss@example.com")
	h := e.s.Routes()
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for _, tc := range []struct {
		name, method, target string
		hdr                  http.Header
		status               int
		user                 string // "" = nobody shown
	}{
		{"no such page", http.MethodGet, "/no/such/page", as("ann@example.com"), 404, "ann viewer"},
		{"no such page, editor", http.MethodGet, "/no/such/page", as("boss@example.com"), 404, "boss editor"},
		{"no such board", http.MethodGet, "/teams/payments/boards/nosuch", as("ann@example.com"), 404, "ann viewer"},
		{"bad parameter", http.MethodGet, "/teams/payments/boards/payments/flow?weeks=x", as("ann@example.com"), 400, "ann viewer"},
		{"viewer's change", http.MethodPost, "/teams/payments/boards/payments/refresh", merge(as("ann@example.com"), form), 403, "ann viewer"},
		{"method not allowed", http.MethodDelete, "/teams/payments", as("boss@example.com"), 405, "boss editor"},
		{"query too long", http.MethodGet, "/?x=" + strings.Repeat("a", 9000), as("ann@example.com"), 414, "ann viewer"},
		{"not signed in", http.MethodGet, "/no/such/page", nil, 404, ""},
		{"not signed in, a page", http.MethodGet, "/teams/payments", nil, 403, ""},
		{"not signed in, query too long", http.MethodGet, "/?x=" + strings.Repeat("a", 9000), nil, 414, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := serve(h, newRequest(tc.method, tc.target, tc.hdr))
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, errorText(body))
			}
			d := doc(t, body)
			if d.Find(`[data-testid="error-status"]`).Length() != 1 {
				t.Fatalf("not the error page: %s", body)
			}
			if got := text(d.Find(`header.site [data-testid="user"]`)); got != tc.user {
				t.Fatalf("header names %q, want %q", got, tc.user)
			}
		})
	}
}

// merge is the headers of both.
func merge(a, b http.Header) http.Header {
	out := http.Header{}
	for _, h := range []http.Header{a, b} {
		for k, vs := range h {
			out[k] = append(out[k], vs...)
		}
	}
	return out
}
