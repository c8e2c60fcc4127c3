package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vger-dev/vger/internal/pgtest"
)

// The container health check: 0 when /readyz says 200 (or the database is
// ready with --db), 1 otherwise, 2 for bad usage.
func TestHealthCheck(t *testing.T) {
	t.Parallel()
	var ready atomic.Bool
	ready.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" || !ready.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("database unreachable\n"))
			return
		}
		w.Write([]byte("ready\n"))
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	if out, code := vger(t, []string{"VGER_ADDR=" + addr}, "healthcheck"); code != 0 || !strings.Contains(out, "ready") {
		t.Fatalf("ready: exit %d %s", code, out)
	}
	ready.Store(false)
	if out, code := vger(t, nil, "healthcheck", "--url", srv.URL+"/readyz"); code != exitFailure || !strings.Contains(out, "503") {
		t.Fatalf("not ready: exit %d %s", code, out)
	}
	if out, code := vger(t, nil, "healthcheck", "--db", "--url", srv.URL); code != exitUsage {
		t.Fatalf("both: exit %d %s", code, out)
	}
	if out, code := vger(t, []string{"DATABASE_URL=" + pgtest.DSN(t)}, "healthcheck", "--db"); code != 0 {
		t.Fatalf("--db: exit %d %s", code, out)
	}
	if out, code := vger(t, []string{"DATABASE_URL=postgres://vger:pw-canary-91@127.0.0.1:1/vger"}, "healthcheck", "--db"); code != exitFailure || strings.Contains(out, "pw-canary-91") {
		t.Fatalf("--db, no database: exit %d %s", code, out)
	}
}
