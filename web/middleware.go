package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vger-dev/vger/internal/logctx"
)

// RequestIDHeader carries a request's id in and out.
const RequestIDHeader = "X-Request-Id"

// wellFormedRequestID accepts what proxies and load balancers send (UUIDs,
// hex, base64url, "host/seq" ids): 1 to 64 of letters, digits and ._:/+=-.
func wellFormedRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("._:/+=-", c) >= 0:
		default:
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// requestID gives every request an id: the incoming X-Request-Id when it is
// well formed, a new one otherwise. It is sent back in the response header,
// joins every line logged with the request's context, and is shown on
// error pages.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !wellFormedRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		ctx := context.WithValue(r.Context(), middleware.RequestIDKey, id)
		ctx = logctx.With(ctx, slog.String("request_id", id))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// log is the server's logger, adding the request's id from the context.
func (s *Server) log() *slog.Logger { return logctx.Logger(s.Log) }

type routeNameKey struct{}

// routeName is filled in by handle so metrics and logs use the route's
// name, never the raw path (which would explode label cardinality).
type routeName struct{ name string }

func setRouteName(r *http.Request, name string) {
	if rn, ok := r.Context().Value(routeNameKey{}).(*routeName); ok {
		rn.name = name
	}
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rn := &routeName{name: "other"}
		r = r.WithContext(context.WithValue(r.Context(), routeNameKey{}, rn))
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		d := time.Since(start)
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		switch r.URL.Path {
		case "/healthz", "/readyz", "/metrics":
			rn.name = r.URL.Path[1:]
		default:
			if len(r.URL.Path) > 8 && r.URL.Path[:8] == "/static/" {
				rn.name = "static"
			}
		}
		s.metrics.observe(rn.name, r.Method, status, d)
		if rn.name == "healthz" || rn.name == "readyz" || rn.name == "metrics" || rn.name == "static" {
			return
		}
		s.log().InfoContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path, "route", rn.name, "status", status,
			"bytes", ww.BytesWritten(), "duration_ms", float64(d.Microseconds())/1000)
	})
}

// recoverer turns a panic into the 500 page and a log line with the stack.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log().ErrorContext(r.Context(), "panic serving request", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				s.writeError(w, r, &Error{Status: http.StatusInternalServerError, Heading: "Something went wrong",
					Message: "The server could not show this page. The error has been logged."})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// timeout bounds how long a handler may work: its context is cancelled.
func (s *Server) timeout(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.RequestTimeout <= 0 {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), s.RequestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// securityHeaders applies to every response. No inline script is ever
// emitted, so the policy forbids it. Forms post to this site only; with
// VGER_AUTH=oidc the identity provider's origins are allowed too, because
// browsers apply form-action to the redirects that follow a form: "Sign
// out" posts here and is redirected to the provider's end_session_endpoint.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		formAction := "'self'"
		if o := s.oidc(); o != nil {
			for _, origin := range o.formActionOrigins() {
				formAction += " " + origin
			}
		}
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action "+formAction+"; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

type httpMetrics struct {
	gatherer prometheus.Gatherer
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg *prometheus.Registry) *httpMetrics {
	m := &httpMetrics{
		gatherer: reg,
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vger_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route name, method and status code.",
			Buckets: []float64{.005, .01, .025, .05, .1, .15, .25, .5, 1, 1.5, 2.5, 5, 10},
		}, []string{"route", "method", "code"}),
	}
	reg.MustRegister(m.duration)
	return m
}

func (m *httpMetrics) observe(route, method string, status int, d time.Duration) {
	m.duration.WithLabelValues(route, method, strconv.Itoa(status)).Observe(d.Seconds())
}
