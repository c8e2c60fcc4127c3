package web

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Requests that load every fact of a board share FactsInFlight: one
// holding the whole budget makes the next wait until it has answered (its
// context ends), and a wait cut short by the request's deadline fails as
// a timeout (a 503 page). Small reads never wait.
func TestAdmitFactsBoundsFactsInFlight(t *testing.T) {
	t.Parallel()
	s := New(nil, nil, nil)
	first, done := context.WithCancel(context.Background())
	if err := s.admitFacts(first, FactsInFlight*3); err != nil { // bigger than the budget: runs alone
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := s.admitFacts(short, smallRead); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second request admitted while the budget is used: %v", err)
	}
	// A small read goes ahead at once, budget or not.
	if err := s.admitFacts(short, smallRead-1); err != nil {
		t.Fatalf("small read waited: %v", err)
	}
	done() // the first request answered
	next, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	if err := s.admitFacts(next, smallRead); err != nil {
		t.Fatalf("budget not released: %v", err)
	}
}
