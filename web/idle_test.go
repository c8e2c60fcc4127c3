package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// After a request, once the server has been idle, its free memory is
// returned to the system once (and again only after new requests).
func TestReleaseIdleMemoryAfterRequests(t *testing.T) {
	t.Parallel()
	s := New(nil, nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.ReleaseIdleMemory(ctx, 20*time.Millisecond)
	h := s.trackActivity(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if s.activity.released.Load() {
		t.Fatal("released while a request just ran")
	}
	deadline := time.Now().Add(5 * time.Second)
	for !s.activity.released.Load() {
		if time.Now().After(deadline) {
			t.Fatal("memory never released after the server went idle")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
