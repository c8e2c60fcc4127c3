package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
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
