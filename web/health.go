package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/vger-dev/vger/internal/store"
)

// healthz says the process is alive; it touches nothing else.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
}

// readyz says the server can answer pages: database reachable, schema current.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.Store.Ping(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unreachable\n"))
		return
	}
	if _, err := s.Store.CheckSchema(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		switch {
		case errors.Is(err, store.ErrSchemaOutdated), errors.Is(err, store.ErrSchemaNewer):
			w.Write([]byte(err.Error() + "\n"))
		default:
			w.Write([]byte("schema check failed\n"))
		}
		return
	}
	w.Write([]byte("ready\n"))
}
