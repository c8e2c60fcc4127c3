// Package web is Vger's HTTP front end: the route table, handlers that
// return errors to one adapter, and templ views. It reads the store and
// never syncs.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"golang.org/x/sync/semaphore"

	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
)

// Server holds what handlers need. It has no mutable state of its own, so
// any number of servers can run behind a load balancer.
type Server struct {
	Store *store.Store
	// Replica, when set, serves the board views' reads (DATABASE_REPLICA_URL):
	// pages may lag the primary by the replica's delay. Board lookups by
	// URL, forms and refreshes use Store.
	Replica        *store.Store
	Log            *slog.Logger
	Now            func() time.Time
	Version        string
	RequestTimeout time.Duration
	// Secrets are scrubbed from every error message before it is logged or shown.
	Secrets []string
	// Jobs enqueues work for the workers ("refresh now"); nil: no workers.
	Jobs Enqueuer
	// Sources makes short, read-only look-ups in JIRA and GitHub (the
	// board picker, a repo check) and registers boards; nil: not configured.
	Sources *vsync.Syncer
	// JiraURL is the JIRA site's base URL, for links to issues.
	JiraURL string
	// Access says who is signed in and who may change things
	// (zero value: VGER_AUTH=none, everyone an editor).
	Access Access
	// LookupTimeout bounds each look-up in JIRA or GitHub a page makes.
	LookupTimeout time.Duration
	// GitHubURL is the web address of the GitHub host (https://github.com),
	// for links to pull requests.
	GitHubURL string

	// heavy bounds the facts (weighed in issues) that requests loading
	// every fact of a board hold at once (see admitFacts).
	heavy *semaphore.Weighted
	// activity tells ReleaseIdleMemory when the server is idle.
	activity activity

	metrics *httpMetrics
}

// FactsInFlight: about 60 MB of facts in memory at once (some 600 bytes
// per issue); a bigger board than that is loaded alone.
const FactsInFlight = 100_000

// Enqueuer inserts River jobs (the web server's client is insert-only).
type Enqueuer interface {
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// New returns a server with defaults filled in and its Prometheus collectors
// registered on reg (nil: a private registry).
func New(st *store.Store, log *slog.Logger, reg *prometheus.Registry) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	s := &Server{
		Store:          st,
		Log:            log,
		Now:            time.Now,
		Version:        "dev",
		RequestTimeout: 30 * time.Second,
		LookupTimeout:  5 * time.Second,
		heavy:          semaphore.NewWeighted(FactsInFlight),
		metrics:        newHTTPMetrics(reg),
	}
	reg.MustRegister(newStaleness(s))
	return s
}

// Ready reports whether the server can answer pages: the database answers
// and its schema is current.
func (s *Server) Ready(ctx context.Context) error {
	if err := s.Store.Ping(ctx); err != nil {
		return err
	}
	_, err := s.Store.CheckSchema(ctx)
	return err
}

// pages is the store the board views read from.
func (s *Server) pages() *store.Store {
	if s.Replica != nil {
		return s.Replica
	}
	return s.Store
}

func (s *Server) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

var _ http.Handler = (*Server)(nil)

// ServeHTTP serves the route table.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.Routes().ServeHTTP(w, r)
}
