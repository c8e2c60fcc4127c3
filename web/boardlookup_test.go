package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A board view whose board cannot be looked up says why: a board that is
// not there is a 404, a request out of time a 503 ("Too slow"), a database
// that fails a 500; never "There is no such board" for the last two.
func TestBoardLookupFailureIsNotANotFound(t *testing.T) {
	t.Parallel()
	s, st := newServer(t)
	flowBoard(t, st, "lookup", "lookup")
	path := "/teams/lookup/boards/lookup"
	status := func(target string, ctx context.Context) int {
		t.Helper()
		rec := httptest.NewRecorder()
		s.Routes().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil).WithContext(ctx))
		return rec.Code
	}
	if got := status(path, context.Background()); got != http.StatusOK {
		t.Fatalf("the board itself: %d", got)
	}
	if got := status("/teams/lookup/boards/nope", context.Background()); got != http.StatusNotFound {
		t.Errorf("a board that is not there: %d, want 404", got)
	}
	late, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	for _, view := range []string{"", "/quarterly", "/flow", "/blocked", "/prs"} {
		if got := status(path+view, late); got != http.StatusServiceUnavailable {
			t.Errorf("%s out of time: %d, want 503", view, got)
		}
	}
	st.Close() // the database goes away
	for _, view := range []string{"", "/quarterly", "/flow"} {
		if got := status(path+view, context.Background()); got == http.StatusNotFound || got < 500 {
			t.Errorf("%s without a database: %d, want a 5xx", view, got)
		}
	}
}
