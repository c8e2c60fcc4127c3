package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/store"
)

// prQuarterly is everything the pull-request quarterly view shows,
// computed once per request from the board's pull requests
// (internal/flow does the counting).
type prQuarterly struct {
	quarters
	b      store.Board
	p      PRQuarterlyParams
	d      *prData
	merged [][]int        // per quarter shown, the PRs counted (indexes into d.PRs)
	points []flow.PRPoint // merged PRs in the quarters shown, inside the zoom
}

// prWords: the PR quarterly view counts merged pull requests.
var prWords = quarterWords{one: "pull request", many: "pull requests", unit: "PRs", done: "merged", at: "merged", finished: "merged",
	hasHistory: "these pull requests have",
	zeroNote:   "No pull request was merged in those weeks with these filters, so the forecast is 0. Use a longer history or check the filters."}

// loadPRQuarterly parses the URL, loads the board's pull requests and
// computes the view.
func (s *Server) loadPRQuarterly(r *http.Request) (*prQuarterly, error) {
	return s.loadPRQuarterlyWith(r, computePRQuarterly)
}

// loadPRQuarterlyPoints is loadPRQuarterly without the forecast.
func (s *Server) loadPRQuarterlyPoints(r *http.Request) (*prQuarterly, error) {
	return s.loadPRQuarterlyWith(r, prQuarterlyPoints)
}

func (s *Server) loadPRQuarterlyWith(r *http.Request, compute func(store.Board, PRQuarterlyParams, *prData, time.Time) (*prQuarterly, error)) (*prQuarterly, error) {
	b, err := s.boardFromURL(r)
	if err != nil {
		return nil, err
	}
	repos, err := s.Store.BoardRepos(r.Context(), b.ID)
	if err != nil {
		return nil, err
	}
	p, err := ParsePRQuarterlyParams(r.URL.Query(), b, repos)
	if err != nil {
		return nil, err
	}
	eff := b
	eff.FiscalYearStartMonth = p.fiscalOf(b)
	d, err := s.loadPRData(r.Context(), eff, p.PRParams)
	if err != nil {
		return nil, err
	}
	return compute(b, p, d, s.now())
}

// computePRQuarterly computes the view from loaded pull requests.
func computePRQuarterly(b store.Board, p PRQuarterlyParams, d *prData, now time.Time) (*prQuarterly, error) {
	q, err := prQuarterlyPoints(b, p, d, now)
	if err != nil {
		return nil, err
	}
	q.setForecast(d.Flow.PRSamples(d.PRs, now), d.Flow.FirstPR(d.PRs))
	return q, nil
}

// prQuarterlyPoints computes the quarters and the scatterplot's points
// (all of the view but the forecast).
func prQuarterlyPoints(b store.Board, p PRQuarterlyParams, d *prData, now time.Time) (*prQuarterly, error) {
	q := &prQuarterly{b: b, p: p, d: d}
	var tags []flow.Tag
	if p.Tags {
		tags = d.Tags
	}
	var notes []store.Annotation
	if p.Notes {
		notes = d.Notes
	}
	q.quarters = newQuarters(d.Flow, b, p.QuarterParams, d.Board.DayMode, tags, notes, prWords, now)
	series, err := d.Flow.PRQuarterly(d.PRs, flow.PRQuarterlyQuery{From: p.QFrom, To: p.QTo, Percents: q.linePercents()}, now)
	if err := q.setSeries(series.QuarterlySeries, err); err != nil {
		return nil, err
	}
	q.merged = series.PRs
	if len(q.series.Quarters) > 0 {
		all := d.Flow.PRScatter(d.PRs, q.from, q.to)
		q.inRange = len(all)
		q.points = zoomed(all, p.Zoom, d.Flow.Location(), func(pt *flow.PRPoint) (time.Time, float64) { return pt.Merged, pt.LeadTime })
		q.shown = len(q.points)
	}
	return q, nil
}

// prQuarterlyPage is the view.
func (s *Server) prQuarterlyPage(w http.ResponseWriter, r *http.Request) error {
	q, err := s.loadPRQuarterly(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Has("apply") {
		http.Redirect(w, r, q.url(q.canonical()), http.StatusSeeOther)
		return nil
	}
	if q.p.Format == "json" {
		return writeJSON(w, s.prQuarterlyJSON(q))
	}
	return render(w, r, http.StatusOK, prQuarterlyPageComponent(s, r, q))
}

// canonical is the view's query with defaults left out.
func (q *prQuarterly) canonical() url.Values {
	return q.p.Canonical(q.b, q.d.Repos, q.d.Bases)
}

func (q *prQuarterly) path() string { return boardPath(q.b) + "/prs/quarterly" }

// url is the view with the query.
func (q *prQuarterly) url(query url.Values) string {
	return withQuery(q.path(), encodeIn(prQuarterlyParamOrder, query))
}

// ref names a pull request: owner/name#N.
func ref(repo string, number int) string { return repo + "#" + strconv.Itoa(number) }
