package synctest

import (
	"net/http/httptest"
	"testing"

	"github.com/vger-dev/vger/internal/sim"
)

// ServeSim starts the simulator on loopback for the test and returns it
// with its base URL (add "/jira/" or "/github/"); the server stops when
// the test ends.
func ServeSim(t testing.TB, opts sim.Options) (*sim.Sim, string) {
	t.Helper()
	s, err := sim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return s, srv.URL
}
