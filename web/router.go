package web

import (
	"io/fs"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vger-dev/vger/static"
)

// Routes is the whole route table, top to bottom.
func (s *Server) Routes() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID)
	r.Use(s.recoverer)
	r.Use(s.logRequests)
	r.Use(securityHeaders)
	r.Use(s.timeout)
	// Cross-site POSTs are refused (Sec-Fetch-Site / Origin checks).
	r.Use(http.NewCrossOriginProtection().Handler)
	r.Use(limitBody)

	// Operations: no sign-in (load balancers and Prometheus call them).
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Method(http.MethodGet, "/metrics", s.metricsHandler())

	// Static files, embedded in the binary.
	sub, _ := fs.Sub(static.FS, ".")
	r.Method(http.MethodGet, "/static/*", http.StripPrefix("/static/", staticFiles(sub)))
	r.Method(http.MethodHead, "/static/*", http.StripPrefix("/static/", staticFiles(sub)))
	r.Get("/favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/static/favicon.svg", http.StatusMovedPermanently)
	})

	// Pages: every one needs a signed-in user; anything but GET an editor.
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole)

		r.Get("/", s.handle("home", s.home))
		r.Get("/audit", s.handle("audit", s.allAudit))

		r.Get("/teams/new", s.handle("team_new", s.teamNew))
		r.Post("/teams", s.handle("team_create", s.teamCreate))
		r.Get("/teams/{team}", s.handle("team", s.teamPage))
		r.Get("/teams/{team}/settings", s.handle("team_settings", s.teamSettings))
		r.Post("/teams/{team}/settings", s.handle("team_rename", s.teamRename))
		r.Get("/teams/{team}/delete", s.handle("team_delete_confirm", s.teamDeleteConfirm))
		r.Post("/teams/{team}/delete", s.handle("team_delete", s.teamDelete))
		r.Get("/teams/{team}/audit", s.handle("team_audit", s.teamAudit))

		r.Get("/teams/{team}/boards/new", s.handle("board_new", s.boardNew))
		r.Post("/teams/{team}/boards", s.handle("board_create", s.boardCreate))
		r.Get("/teams/{team}/boards/{board}/settings", s.handle("board_settings", s.boardSettings))
		r.Post("/teams/{team}/boards/{board}/settings", s.handle("board_save", s.boardSave))
		r.Get("/teams/{team}/boards/{board}/settings.json", s.handle("board_export", s.boardExport))
		r.Post("/teams/{team}/boards/{board}/settings/import", s.handle("board_import", s.boardImport))
		r.Post("/teams/{team}/boards/{board}/refresh", s.handle("board_refresh", s.boardRefresh))
		r.Post("/teams/{team}/boards/{board}/repos", s.handle("repo_link", s.linkRepo))
		r.Post("/teams/{team}/boards/{board}/repos/{repo}/unlink", s.handle("repo_unlink", s.unlinkRepo))
		r.Get("/teams/{team}/boards/{board}/delete", s.handle("board_delete_confirm", s.boardDeleteConfirm))
		r.Post("/teams/{team}/boards/{board}/delete", s.handle("board_delete", s.boardDelete))
	})

	r.NotFound(s.handle("not_found", func(w http.ResponseWriter, r *http.Request) error {
		return NotFound("There is no page at this address.")
	}))
	r.MethodNotAllowed(s.handle("method_not_allowed", func(w http.ResponseWriter, r *http.Request) error {
		return &Error{Status: http.StatusMethodNotAllowed, Heading: "Method not allowed", Message: r.Method + " is not accepted here."}
	}))
	return r
}

// limitBody bounds what a form may send (an imported settings file is the
// largest); the import handler sets its own, larger, limit.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && !safeMethod(r.Method) {
			r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.gatherer, promhttp.HandlerOpts{})
}

var _ prometheus.Gatherer = (*prometheus.Registry)(nil)
