package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

// A panicking handler becomes the 500 page and a log line with the stack,
// and secrets in the error never reach the log.
func TestPanicBecomes500PageAndLogLine(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	s := New(nil, slog.New(slog.NewTextHandler(&logs, nil)), nil)
	s.Secrets = []string{"canary-secret-123"}
	h := s.recoverer(s.logRequests(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("boom")
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x", nil))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), `data-testid="error-status">500`) {
		t.Fatalf("status %d body %q", rec.Code, rec.Body.String())
	}
	if !strings.Contains(logs.String(), "panic serving request") || !strings.Contains(logs.String(), "boom") {
		t.Fatalf("log: %s", logs.String())
	}

	logs.Reset()
	h = s.logRequests(s.handle("leaky", func(w http.ResponseWriter, r *http.Request) error {
		return errString("dial https://canary-secret-123@jira/: refused")
	}))
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/y", nil))
	if rec.Code != 500 || strings.Contains(logs.String(), "canary-secret-123") || strings.Contains(rec.Body.String(), "canary-secret-123") {
		t.Fatalf("secret leaked: status %d log %s", rec.Code, logs.String())
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// The 500 page of a panic names the signed-in user in its header, though
// the panic unwound past the sign-in check that found them.
func TestPanicPageNamesTheUser(t *testing.T) {
	t.Parallel()
	s := New(nil, slog.New(slog.DiscardHandler), nil)
	s.Access = Access{Auth: Proxy{Trusted: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, EmailHeader: "X-Forwarded-Email"}}
	h := s.recoverer(s.requireRole(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("boom")
	})))
	for _, tc := range []struct{ email, want string }{{"ann@example.com", "ann@example.com"}, {"", ""}} {
		req := httptest.NewRequest(http.MethodGet, "/x", nil) // from 192.0.2.1
		if tc.email != "" {
			req.Header.Set("X-Forwarded-Email", tc.email)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if tc.email == "" {
			// Nobody signed in: refused before the handler, no user.
			if rec.Code != http.StatusForbidden || strings.Contains(rec.Body.String(), `data-testid="user"`) {
				t.Fatalf("anonymous: status %d body %q", rec.Code, rec.Body.String())
			}
			continue
		}
		body := rec.Body.String()
		if rec.Code != 500 || !strings.Contains(body, `data-testid="user"`) || !strings.Contains(body, tc.want) {
			t.Fatalf("status %d, header without %q: %s", rec.Code, tc.want, body)
		}
	}
}
