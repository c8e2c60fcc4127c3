package web

import (
	"errors"
	"fmt"
	"io/fs"
	"mime"
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
	r.Use(s.trackActivity)
	r.Use(s.requestID)
	r.Use(s.recoverer)
	r.Use(s.logRequests)
	r.Use(s.securityHeaders)
	r.Use(s.timeout)
	// Cross-site POSTs are refused (Sec-Fetch-Site / Origin checks).
	r.Use(http.NewCrossOriginProtection().Handler)
	r.Use(s.limitQuery)
	r.Use(s.limitBody)

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

	// Signing in and out (VGER_AUTH=oidc): no session needed, since this
	// is how one starts and ends.
	if s.oidc() != nil {
		r.Get("/auth/login", s.handle("auth_login", s.authLogin))
		r.Get("/auth/callback", s.handle("auth_callback", s.authCallback))
		r.Post("/auth/logout", s.handle("auth_logout", s.authLogout))
	}

	// Pages: every one needs a signed-in user; anything but GET an editor.
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole)

		r.Get("/", s.handle("home", s.home))
		r.Get("/audit", s.handle("audit", s.allAudit))
		r.Get("/teams/new", s.handle("team_new", s.teamNew))
		r.Post("/teams", s.handle("team_create", s.teamCreate))

		r.Route("/teams/{team}", func(r chi.Router) {
			r.Get("/", s.handle("team", s.teamPage))
			r.Get("/settings", s.handle("team_settings", s.teamSettings))
			r.Post("/settings", s.handle("team_rename", s.teamRename))
			r.Get("/delete", s.handle("team_delete_confirm", s.teamDeleteConfirm))
			r.Post("/delete", s.handle("team_delete", s.teamDelete))
			r.Get("/audit", s.handle("team_audit", s.teamAudit))
			r.Get("/boards/new", s.handle("board_new", s.boardNew))
			r.Post("/boards", s.handle("board_create", s.boardCreate))

			r.Route("/boards/{board}", func(r chi.Router) {
				// The board's views. Every view is a GET URL whose query
				// string holds its whole state (README "URL scheme").
				r.Get("/", s.handle("quadrant", s.quadrant))
				r.Get("/throughput.csv", s.handle("quadrant_csv", s.throughputCSV))
				r.Get("/leadtime.csv", s.handle("leadtime_csv", s.leadTimeCSV))
				r.Get("/chart/{chart}", s.handle("quadrant_svg", s.chartSVG))
				r.Get("/prs", s.handle("prs", s.pullRequests))
				r.Get("/prs/prs.csv", s.handle("prs_csv", s.prCSV))
				r.Get("/prs/throughput.csv", s.handle("prs_throughput_csv", s.prThroughputCSV))
				r.Get("/prs/chart/{chart}", s.handle("prs_svg", s.prChartSVG))
				r.Get("/prs/quarterly", s.handle("prs_quarterly", s.prQuarterlyPage))
				r.Get("/prs/quarterly.csv", s.handle("prs_quarterly_csv", s.prQuarterlyCSV))
				r.Get("/prs/quarterly-leadtime.csv", s.handle("prs_quarterly_leadtime_csv", s.prQuarterlyLeadCSV))
				r.With(middleware.Compress(5, "application/json")).Get("/prs/quarterly-points.json", s.handle("prs_quarterly_points", s.prQuarterlyPointsJSON))
				r.Get("/prs/chart/quarterly-throughput.svg", s.handle("prs_quarterly_svg", s.prQuarterlySVG("throughput")))
				r.Get("/prs/chart/quarterly-leadtime.svg", s.handle("prs_quarterly_svg", s.prQuarterlySVG("leadtime")))
				r.Get("/quarterly", s.handle("quarterly", s.quarterlyPage))
				r.Get("/quarterly.csv", s.handle("quarterly_csv", s.quarterlyCSV))
				r.Get("/quarterly-leadtime.csv", s.handle("quarterly_leadtime_csv", s.quarterlyLeadCSV))
				r.With(middleware.Compress(5, "application/json")).Get("/quarterly-points.json", s.handle("quarterly_points", s.quarterlyPointsJSON))
				r.Get("/chart/quarterly-throughput.svg", s.handle("quarterly_svg", s.quarterlySVG("throughput")))
				r.Get("/chart/quarterly-leadtime.svg", s.handle("quarterly_svg", s.quarterlySVG("leadtime")))
				r.Get("/flow", s.handle("flow", s.flowPage))
				r.Get("/flow.csv", s.handle("flow_csv", s.flowCSV))
				r.Get("/flow/chart/{chart}", s.handle("flow_svg", s.flowSVG))
				r.Get("/aging", s.handle("aging", s.agingPage))
				r.Get("/aging.csv", s.handle("aging_csv", s.agingCSV))
				r.Get("/aging/chart/{chart}", s.handle("aging_svg", s.agingSVG))
				r.Get("/blocked", s.handle("blocked", s.blockedPage))
				r.Get("/blocked.csv", s.handle("blocked_csv", s.blockedCSV))
				r.Get("/blocked/chart/{chart}", s.handle("blocked_svg", s.blockedSVG))
				r.Get("/forecast", s.handle("forecast", s.forecastPage))
				r.Get("/forecast.csv", s.handle("forecast_csv", s.forecastCSV))
				r.Get("/forecast/chart/{chart}", s.handle("forecast_svg", s.forecastSVG))
				r.Get("/quality", s.handle("quality", s.qualityPage))
				r.Get("/quality.csv", s.handle("quality_csv", s.qualityCSV))
				r.Get("/compare", s.handle("compare", s.compare))
				r.Get("/compare.csv", s.handle("compare_csv", s.compareCSV))

				// "Refresh now", and the board's settings.
				r.Post("/refresh", s.handle("refresh", s.boardRefresh))
				r.Get("/settings", s.handle("board_settings", s.boardSettings))
				r.Post("/settings", s.handle("board_save", s.boardSave))
				r.Get("/settings.json", s.handle("board_export", s.boardExport))
				r.Post("/settings/import", s.handle("board_import", s.boardImport))
				r.Get("/annotations", s.handle("annotations", s.annotationsPage))
				r.Post("/annotations", s.handle("annotation_create", s.annotationCreate))
				r.Post("/annotations/{note}/delete", s.handle("annotation_delete", s.annotationDelete))
				r.Post("/repos", s.handle("repo_link", s.linkRepo))
				r.Post("/repos/{repo}/unlink", s.handle("repo_unlink", s.unlinkRepo))
				r.Get("/delete", s.handle("board_delete_confirm", s.boardDeleteConfirm))
				r.Post("/delete", s.handle("board_delete", s.boardDelete))
			})
		})
	})

	r.NotFound(s.handle("not_found", func(w http.ResponseWriter, r *http.Request) error {
		return NotFound("There is no page at this address.")
	}))
	r.MethodNotAllowed(s.handle("method_not_allowed", func(w http.ResponseWriter, r *http.Request) error {
		return &Error{Status: http.StatusMethodNotAllowed, Heading: "Method not allowed", Message: r.Method + " is not accepted here."}
	}))
	return r
}

// Request size limits. A settings import has its own, smaller, limit
// (settings.MaxSize plus the multipart framing).
const (
	MaxBodyBytes  = 1 << 20 // any request body: forms, uploads
	MaxQueryBytes = 8 << 10 // the query string of any URL
)

// limitQuery answers 414 to a query string longer than MaxQueryBytes:
// every view keeps its whole state in the URL, but never that much.
func (s *Server) limitQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := len(r.URL.RawQuery); n > MaxQueryBytes {
			s.writeError(w, r, &Error{Status: http.StatusRequestURITooLong, Heading: "Address too long",
				Message: fmt.Sprintf("The address's query string has %d bytes; Vger accepts at most %d (8 KiB). Remove some parameters and try again.", n, MaxQueryBytes)})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody bounds what a request may send: a body announced or found
// larger than MaxBodyBytes gets the 413 page naming the limit. Forms are
// parsed here, so no handler sees a form cut short.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || safeMethod(r.Method) {
			next.ServeHTTP(w, r)
			return
		}
		tooLarge := func() {
			w.Header().Set("Connection", "close")
			s.writeError(w, r, &Error{Status: http.StatusRequestEntityTooLarge, Heading: "Request too large",
				Message: fmt.Sprintf("Vger accepts at most %d bytes (1 MiB) in one request.", MaxBodyBytes)})
		}
		if r.ContentLength > MaxBodyBytes {
			tooLarge()
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" {
			if err := r.ParseForm(); err != nil {
				if errors.As(err, new(*http.MaxBytesError)) {
					tooLarge()
					return
				}
				s.writeError(w, r, &Error{Status: http.StatusBadRequest, Heading: "Bad request", Message: "The form could not be read: send it again."})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.gatherer, promhttp.HandlerOpts{})
}

var _ prometheus.Gatherer = (*prometheus.Registry)(nil)

// GETRoutes lists the route patterns of a handler made by Routes that
// answer GET, in the route table's order (e.g. /teams/{team}/boards/{board}/flow),
// so that tests sweep every page, including ones added later.
func GETRoutes(h http.Handler) ([]string, error) {
	rs, ok := h.(chi.Routes)
	if !ok {
		return nil, fmt.Errorf("GETRoutes: %T is not a chi router", h)
	}
	var out []string
	err := chi.Walk(rs, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method == http.MethodGet {
			out = append(out, route)
		}
		return nil
	})
	return out, err
}
