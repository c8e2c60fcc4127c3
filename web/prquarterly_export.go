package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/web/chart"
)

// prQuarterlyCSV streams merged pull requests per quarter with the PRs
// counted (owner/name#N), for the view's quarters, filters and fiscal year.
func (s *Server) prQuarterlyCSV(w http.ResponseWriter, r *http.Request) error {
	q, err := s.loadPRQuarterly(r)
	if err != nil {
		return err
	}
	c := newCSV(w, fmt.Sprintf("%s-pr-quarterly-%s.csv", q.b.Slug, q.to))
	err = q.writeQuarterRows(c, "merged", "prs", func(k int, _ flow.Quarter) []string {
		refs := make([]string, len(q.merged[k]))
		for j, i := range q.merged[k] {
			refs[j] = ref(q.d.PRs[i].Repo, q.d.PRs[i].Number)
		}
		return refs
	})
	if err != nil {
		return err
	}
	return c.Close()
}

// prQuarterlyLeadCSV streams the pull requests on the scatterplot (the
// quarters shown, inside the zoom, oldest merge first) as the PR CSV.
func (s *Server) prQuarterlyLeadCSV(w http.ResponseWriter, r *http.Request) error {
	q, err := s.loadPRQuarterly(r)
	if err != nil {
		return err
	}
	idx := make([]int, len(q.points))
	for k, pt := range q.points {
		idx[k] = pt.PR
	}
	c := newCSV(w, fmt.Sprintf("%s-pr-quarterly-lead-time-%s.csv", q.b.Slug, q.to))
	if err := s.writePRs(c, q.d, idx); err != nil {
		return err
	}
	return c.Close()
}

// prQuarterlySVG serves one of the view's charts as a standalone .svg file.
func (s *Server) prQuarterlySVG(name string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q, err := s.loadPRQuarterly(r)
		if err != nil {
			return err
		}
		var c *chart.Chart
		if name == "throughput" {
			c = q.mergedChart()
		} else {
			c = q.scatterChart(s.prURL)
		}
		return writeSVG(w, c, fmt.Sprintf(`attachment; filename="%s-pr-quarterly-%s-%s.svg"`, q.b.Slug, name, q.to))
	}
}

// prQuarterlyJSONOut is the PR quarterly view's ?format=json shape (README).
type prQuarterlyJSONOut struct {
	quarterlyJSONHead
	Repos    []string        `json:"repos"`
	Bases    []string        `json:"base_branches"`    // empty = every base branch
	Exclude  []string        `json:"excluded_authors"` // empty = nobody
	Percents []int           `json:"lead_time_percents"`
	Quarters []prQuarterJSON `json:"quarters"`
	quarterlyJSONLines
	Zoom       *prZoomJSON   `json:"zoom"`
	PRsInRange int           `json:"prs_in_range"`
	Points     []prPointJSON `json:"points"`
}

type prQuarterJSON struct {
	quarterJSONHead
	Merged int      `json:"merged"`
	PRs    []string `json:"prs"`
	quarterJSONLead
}

type prZoomJSON struct {
	MergedFrom string   `json:"merged_from,omitempty"`
	MergedTo   string   `json:"merged_to,omitempty"`
	LeadMin    *float64 `json:"lead_time_min,omitempty"`
	LeadMax    *float64 `json:"lead_time_max,omitempty"`
}

type prPointJSON struct {
	Repo     string  `json:"repo"`
	Number   int     `json:"number"`
	Title    string  `json:"title"`
	Author   string  `json:"author"`
	Merged   string  `json:"merged"`
	LeadTime float64 `json:"lead_time"`
	Noise    bool    `json:"noise"`
	URL      string  `json:"url,omitempty"`
}

func (s *Server) prQuarterlyJSON(q *prQuarterly) prQuarterlyJSONOut {
	d := q.d
	out := prQuarterlyJSONOut{quarterlyJSONHead: q.jsonHead(q.b, d.Status.TeamName, d.Board.DayMode),
		Repos: q.p.Repos, Bases: q.p.bases(q.b), Exclude: q.p.exclude(q.b), Percents: q.qp.percents(),
		PRsInRange: q.inRange, Quarters: []prQuarterJSON{}, Points: []prPointJSON{}}
	if len(out.Repos) == 0 {
		for _, r := range d.Repos {
			out.Repos = append(out.Repos, r.FullName())
		}
	}
	for _, v := range []*[]string{&out.Repos, &out.Bases, &out.Exclude} {
		if *v == nil {
			*v = []string{}
		}
	}
	for k, qq := range q.series.Quarters {
		h, l := q.quarterJSONOf(qq)
		refs := []string{}
		for _, i := range q.merged[k] {
			refs = append(refs, ref(d.PRs[i].Repo, d.PRs[i].Number))
		}
		out.Quarters = append(out.Quarters, prQuarterJSON{quarterJSONHead: h, Merged: qq.Throughput, PRs: refs, quarterJSONLead: l})
	}
	out.quarterlyJSONLines = q.jsonLines()
	if z := q.qp.Zoom; z.Zoomed() {
		from, to := z.dates()
		out.Zoom = &prZoomJSON{MergedFrom: from, MergedTo: to, LeadMin: z.Min.Ptr(), LeadMax: z.Max.Ptr()}
	}
	loc := d.Flow.Location()
	for _, pt := range q.points {
		row := d.Rows[pt.PR]
		out.Points = append(out.Points, prPointJSON{Repo: pt.Repo, Number: pt.Number, Title: row.Title, Author: d.PRs[pt.PR].Author,
			Merged: pt.Merged.In(loc).Format(time.RFC3339), LeadTime: round4(pt.LeadTime), Noise: pt.Noise, URL: s.prURL(pt.Repo, pt.Number)})
	}
	return out
}
