package web

import (
	"context"
	"net/http"
	"runtime/debug"
	"sync/atomic"
	"time"
)

// activity tracks requests for ReleaseIdleMemory.
type activity struct {
	inFlight atomic.Int64
	last     atomic.Int64 // unix nanoseconds of the last request's end
	released atomic.Bool
}

func (s *Server) trackActivity(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.activity.inFlight.Add(1)
		s.activity.released.Store(false)
		defer func() {
			s.activity.last.Store(time.Now().UnixNano())
			s.activity.inFlight.Add(-1)
		}()
		next.ServeHTTP(w, r)
	})
}

// ReleaseIdleMemory returns the heap's free memory to the operating system
// once no request has run for `idle`, until ctx ends. The Go runtime would
// do it on its own only minutes later (its forced GC runs every two
// minutes, then the scavenger returns pages slowly), so an idle server
// would keep the memory of its last burst of pages.
func (s *Server) ReleaseIdleMemory(ctx context.Context, idle time.Duration) {
	t := time.NewTicker(idle / 5)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		a := &s.activity
		if a.inFlight.Load() == 0 && !a.released.Load() && time.Since(time.Unix(0, a.last.Load())) >= idle {
			debug.FreeOSMemory()
			a.released.Store(true)
		}
	}
}
