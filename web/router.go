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

	// Operations.
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Handle("/metrics", s.metricsHandler())

	// Static files, embedded in the binary.
	sub, _ := fs.Sub(static.FS, ".")
	r.Handle("/static/*", http.StripPrefix("/static/", staticFiles(sub)))
	r.Get("/favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/static/favicon.svg", http.StatusMovedPermanently)
	})

	// Pages.
	r.Get("/", s.handle("home", s.home))

	// A board's views. Every view is a GET URL whose query string holds its
	// whole state (README "URL scheme").
	r.Route("/teams/{team}/boards/{board}", func(r chi.Router) {
		r.Get("/", s.handle("quadrant", s.quadrant))
		r.Get("/throughput.csv", s.handle("quadrant_csv", s.throughputCSV))
		r.Get("/leadtime.csv", s.handle("leadtime_csv", s.leadTimeCSV))
		r.Get("/chart/{chart}", s.handle("quadrant_svg", s.chartSVG))
		r.Post("/refresh", s.handle("refresh", s.refresh))
		r.Get("/prs", s.handle("prs", s.pullRequests))
		r.Get("/prs/prs.csv", s.handle("prs_csv", s.prCSV))
		r.Get("/prs/throughput.csv", s.handle("prs_throughput_csv", s.prThroughputCSV))
		r.Get("/prs/chart/{chart}", s.handle("prs_svg", s.prChartSVG))
		r.Get("/prs/quarterly", s.handle("prs_quarterly", s.prQuarterlyPage))
		r.Get("/prs/quarterly.csv", s.handle("prs_quarterly_csv", s.prQuarterlyCSV))
		r.Get("/prs/quarterly-leadtime.csv", s.handle("prs_quarterly_leadtime_csv", s.prQuarterlyLeadCSV))
		r.Get("/prs/chart/quarterly-throughput.svg", s.handle("prs_quarterly_svg", s.prQuarterlySVG("throughput")))
		r.Get("/prs/chart/quarterly-leadtime.svg", s.handle("prs_quarterly_svg", s.prQuarterlySVG("leadtime")))
		r.Get("/quarterly", s.handle("quarterly", s.quarterlyPage))
		r.Get("/quarterly.csv", s.handle("quarterly_csv", s.quarterlyCSV))
		r.Get("/quarterly-leadtime.csv", s.handle("quarterly_leadtime_csv", s.quarterlyLeadCSV))
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
	})

	r.NotFound(s.handle("not_found", func(w http.ResponseWriter, r *http.Request) error {
		return NotFound("There is no page at this address.")
	}))
	r.MethodNotAllowed(s.handle("method_not_allowed", func(w http.ResponseWriter, r *http.Request) error {
		return &Error{Status: http.StatusMethodNotAllowed, Heading: "Method not allowed", Message: r.Method + " is not accepted here."}
	}))
	return r
}

func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.gatherer, promhttp.HandlerOpts{})
}

var _ prometheus.Gatherer = (*prometheus.Registry)(nil)
