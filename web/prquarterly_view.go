package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/a-h/templ"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/web/chart"
	"github.com/vger-dev/vger/web/views"
)

func prQuarterlyPageComponent(s *Server, r *http.Request, q *prQuarterly) templ.Component {
	m := s.prQuarterlyView(q)
	s.forUser(r, &m.Page, &m.Board)
	return views.QuarterlyPage(m)
}

// prQuarterlyView fills the page's view model: the quarterly page, counting
// merged pull requests.
func (s *Server) prQuarterlyView(q *prQuarterly) views.Quarterly {
	b, p, d := q.b, q.p, q.d
	canonQ := q.canonical()
	canon := encodeIn(prQuarterlyParamOrder, canonQ)
	base := boardPath(b)
	links := quarterLinks{path: q.path(), order: prQuarterlyParamOrder, canon: canonQ}
	m := views.Quarterly{
		Page:         views.Page{Title: b.Name + " · Pull requests by quarter", Version: s.Version},
		Board:        s.prQuarterlyHeader(q, canonQ),
		Kind:         "quarterly-prs",
		Form:         views.PRQuarterlyForm(prQuarterlyControls(q)),
		CSVURL:       withQuery(q.path()+".csv", canon),
		CSVLabel:     "Quarterly merges CSV",
		LeadCSVURL:   withQuery(q.path()+"-leadtime.csv", canon),
		LeadCSVLabel: "PR lead-time CSV (range and zoom shown)",
		ShownLabel:   "CSV of the pull requests shown",
	}
	q.fillPage(&m, links, base, "No pull request was merged in these quarters with these filters: widen the range or check the repositories, base branches and authors.")
	if n := len(q.series.Quarters); n > 0 {
		m.Permalink = links.url(p.Permalink(b, d.Repos, q.series.Quarters[0].Start, q.series.Quarters[n-1].Start))
	}
	switch {
	case len(d.Repos) == 0:
		m.Empty = "No GitHub repositories are linked to this board. Link one in the board's settings (or `vger repo add OWNER/NAME --board ID`)."
	case len(d.PRs) == 0:
		m.Empty = "The linked repositories have no pull requests yet, or they have not been synced."
	}
	m.Throughput = views.ChartBlock{ID: "prquarterly",
		Explain: "Bars: pull requests merged per quarter, each counted once, in the quarter it was merged (a pull request closed without merging is not counted). The current quarter is hatched: it is not over. Flat lines: in 50/80/90% of the complete quarters shown, at least that many pull requests were merged.",
		Chart:   q.mergedChart().Component(), SVGURL: withQuery(base+"/prs/chart/quarterly-throughput.svg", canon), Table: q.quarterTable("Pull requests merged per quarter")}
	explain := "Each dot is a merged pull request, coloured by repository: when it was merged and how long it was open, from opened to merged. Hover for details; click to open it on GitHub. " +
		"Lines: per quarter, that share of its pull requests was merged within that many days (pull requests merged within 15 minutes are drawn but left out). Drag across the chart to zoom."
	if s.GitHubURL == "" {
		explain = strings.Replace(explain, " click to open it on GitHub.", " (links to GitHub need the GitHub URL in the server's settings).", 1)
	}
	m.Scatter = views.ChartBlock{ID: "prleadtime", Explain: explain,
		Chart: q.scatterChart(s.prURL).Component(), SVGURL: withQuery(base+"/prs/chart/quarterly-leadtime.svg", canon), Table: q.leadTable()}
	return m
}

// prQuarterlyHeader is the board strip with the quarterly tab active: the
// board's tabs keep the day mode, window and tags, the pull-request tab
// the filters too; refreshing comes back here.
func (s *Server) prQuarterlyHeader(q *prQuarterly, canon url.Values) views.BoardHeader {
	shared := keepValues(canon, "days", "window", "tags", "notes")
	h := s.boardHeader(q.b, &boardData{Board: q.b, Status: q.d.Status}, "quarterly", Encode(shared))
	for i, t := range h.Tabs {
		if t.ID == "prs" {
			h.Tabs[i].URL = withQuery(boardPath(q.b)+"/prs", Encode(keepValues(canon, "repo", "base", "exclude", "days", "window", "tags", "notes")))
		}
	}
	if h.RefreshURL != "" {
		h.Back = q.url(canon)
	}
	return h
}

func prQuarterlyControls(q *prQuarterly) views.PRQuarterlyControls {
	b, p := q.b, q.p
	pc := prControls(b, p.PRParams, q.d)
	return views.PRQuarterlyControls{QuarterControls: q.controls(cmpOrInt(p.Window, b.RollingWeeks), p.Tags, p.Notes), PRFilters: pc.PRFilters}
}

// mergedChart: merged pull requests per quarter (the current one hatched)
// and the flat 50/80/90% lines over the complete quarters.
func (q *prQuarterly) mergedChart() *chart.Chart {
	return q.barsChart(barsSpec{id: "prquarterly", title: "Pull requests merged per quarter", yLabel: "Pull requests merged",
		layer: "merged", name: "Merged", style: chart.MergedStyle})
}

// scatterChart: one point per merged pull request (x = merged, y = lead
// time), coloured by repository, linked to GitHub; quarter bands,
// per-quarter percentile lines, release tags; drag-to-zoom.
func (q *prQuarterly) scatterChart(prURL func(string, int) string) *chart.Chart {
	return q.quarters.scatterChart(scatterSpec{id: "prleadtime", title: "Lead time of each merged pull request", yFrom: "from opened to merged",
		points: q.scatterLayers(prURL),
		maxLead: func() float64 {
			return maxOf(q.points, func(p *flow.PRPoint) float64 { return p.LeadTime })
		}})
}

// scatterLayers: one Scatter per repository shown, in the board's
// repository order so colours do not change with the filter.
func (q *prQuarterly) scatterLayers(prURL func(string, int) string) []chart.Layer {
	var names []string
	for _, r := range q.d.Repos {
		names = append(names, r.FullName())
	}
	detailed := len(q.points) <= maxDetailed
	data := make([][]chart.Datum, len(names))
	for _, pt := range q.points {
		dt := chart.Datum{X: chart.T(pt.Merged), Y: pt.LeadTime, Label: ref(pt.Repo, pt.Number), Href: prURL(pt.Repo, pt.Number)}
		if detailed {
			dt.Title = q.prTitle(pt)
		}
		if i := slices.Index(names, pt.Repo); i >= 0 { // the board's PRs are those of its repositories
			data[i] = append(data[i], dt)
		}
	}
	var out []chart.Layer
	for i, n := range names {
		if len(q.p.Repos) == 0 || slices.Contains(q.p.Repos, n) {
			out = append(out, scatterLayer("repo-"+stateID(n), n, i, data[i], detailed, q.detailsURL()))
		}
	}
	return out
}

// pointDetails are the hover texts a compact scatterplot fetches (see
// chart.Scatter.Details): per repo#number, the pull request's title.
func (q *prQuarterly) pointDetails() []byte {
	var pd pointsJSON
	pd.b = make([]byte, 0, 70*len(q.points))
	for _, pt := range q.points {
		pd.add(ref(pt.Repo, pt.Number), q.d.Rows[pt.PR].Title)
	}
	return pd.done()
}

// detailsURL is where the compact scatterplot fetches its hover texts: the
// view's query, so the same points.
func (q *prQuarterly) detailsURL() string {
	return withQuery(q.path()+"-points.json", encodeIn(prQuarterlyParamOrder, q.canonical()))
}

// prTitle is a point's hover text: repo#number · title, lead time, merge date.
func (q *prQuarterly) prTitle(pt flow.PRPoint) string {
	what := ref(pt.Repo, pt.Number)
	if t := q.d.Rows[pt.PR].Title; t != "" {
		what += " · " + t
	}
	return q.pointTitle(what, pt.LeadTime, pt.Merged, pt.Noise)
}
