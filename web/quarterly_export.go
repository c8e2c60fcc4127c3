package web

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/web/chart"
)

// quarterlyCSV streams throughput per quarter with the keys of the items
// counted (the view's range, work types and fiscal year).
func (s *Server) quarterlyCSV(w http.ResponseWriter, r *http.Request) error {
	q, err := s.loadQuarterly(r, quarterlyNeeds{facts: true})
	if err != nil {
		return err
	}
	keys := q.quarterKeys()
	c := newCSV(w, fmt.Sprintf("%s-quarterly-%s.csv", q.b.Slug, q.to))
	if err := q.writeQuarterRows(c, "delivered", "keys", func(_ int, qq flow.Quarter) []string { return keys[qq.Start] }); err != nil {
		return err
	}
	return c.Close()
}

// quarterKeys lists, per quarter start, the keys of the delivered items
// counted in it.
func (q *quarterly) quarterKeys() map[flow.Date][]string {
	out := map[flow.Date][]string{}
	keep, err := q.d.Flow.TypeFilter(q.p.Types)
	if err != nil || len(q.series.Quarters) == 0 {
		return out
	}
	loc := q.d.Flow.Location()
	for i := range q.d.Facts {
		f := &q.d.Facts[i]
		if !f.InScope || !f.Delivered || !f.Done.OK || !keep(f.Type) {
			continue
		}
		day := flow.DateOf(f.Done.V, loc)
		if day.Before(q.from) || day.After(q.to) {
			continue
		}
		qs := q.d.Flow.QuarterOf(day)
		out[qs] = append(out[qs], f.Key)
	}
	for _, ks := range out {
		slices.SortFunc(ks, compareKeys)
	}
	return out
}

// quarterlyLeadCSV streams the items on the scatterplot: the quarters
// shown, inside the zoom, oldest first.
func (s *Server) quarterlyLeadCSV(w http.ResponseWriter, r *http.Request) error {
	q, err := s.loadQuarterlyWith(r, computeQuarterly, quarterlyNeeds{full: true, facts: true})
	if err != nil {
		return err
	}
	c := newCSV(w, fmt.Sprintf("%s-quarterly-lead-time-%s.csv", q.b.Slug, q.to))
	if err := s.writeLeadTime(c, q.d, q.d.Flow.InProgressStates(), q.pointFacts()); err != nil {
		return err
	}
	return c.Close()
}

// pointFacts are the facts of the points shown, in the points' order.
func (q *quarterly) pointFacts() []*flow.IssueFacts {
	byID := make(map[string]*flow.IssueFacts, len(q.points))
	for _, pt := range q.points {
		byID[pt.ID] = nil
	}
	for i := range q.d.Facts {
		if _, ok := byID[q.d.Facts[i].ID]; ok {
			byID[q.d.Facts[i].ID] = &q.d.Facts[i]
		}
	}
	out := make([]*flow.IssueFacts, 0, len(q.points))
	for _, pt := range q.points {
		if f := byID[pt.ID]; f != nil {
			out = append(out, f)
		}
	}
	return out
}

// quarterlySVG serves one of the view's charts as a standalone .svg file.
func (s *Server) quarterlySVG(name string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q, err := s.loadQuarterly(r, quarterlyNeeds{})
		if err != nil {
			return err
		}
		var c *chart.Chart
		if name == "throughput" {
			c = q.throughputChart()
		} else {
			c = q.scatterChart(s.issueURL)
		}
		return writeSVG(w, c, fmt.Sprintf(`attachment; filename="%s-quarterly-%s-%s.svg"`, q.b.Slug, name, q.to))
	}
}

// quarterlyJSONOut is the quarterly view's ?format=json shape (README).
type quarterlyJSONOut struct {
	quarterlyJSONHead
	Start    string        `json:"start_state"`
	End      string        `json:"end_state"`
	Percents []int         `json:"lead_time_percents"`
	Quarters []quarterJSON `json:"quarters"`
	quarterlyJSONLines
	Zoom         *zoomJSON   `json:"zoom"`
	ItemsInRange int         `json:"items_in_range"`
	Points       []pointJSON `json:"points"`
}

type quarterJSON struct {
	quarterJSONHead
	Delivered int `json:"delivered"`
	quarterJSONLead
}

type zoomJSON struct {
	DoneFrom string   `json:"done_from,omitempty"`
	DoneTo   string   `json:"done_to,omitempty"`
	LeadMin  *float64 `json:"lead_time_min,omitempty"`
	LeadMax  *float64 `json:"lead_time_max,omitempty"`
}

type pointJSON struct {
	Key      string  `json:"key"`
	Type     string  `json:"type"`
	Done     string  `json:"done"`
	LeadTime float64 `json:"lead_time"`
	Noise    bool    `json:"noise"`
	URL      string  `json:"url,omitempty"`
}

func (s *Server) quarterlyJSON(q *quarterly) quarterlyJSONOut {
	d := q.d
	out := quarterlyJSONOut{quarterlyJSONHead: q.jsonHead(q.b, d.Status.TeamName, d.Board.DayMode),
		Start: d.Board.States[d.Board.LeadStart].Name, End: d.Board.States[d.Board.LeadEnd].Name, Percents: q.p.percents(),
		ItemsInRange: q.inRange, Quarters: []quarterJSON{}, Points: []pointJSON{}}
	for _, qq := range q.series.Quarters {
		h, l := q.quarterJSONOf(qq)
		out.Quarters = append(out.Quarters, quarterJSON{quarterJSONHead: h, Delivered: qq.Throughput, quarterJSONLead: l})
	}
	out.quarterlyJSONLines = q.jsonLines()
	if z := q.p.Zoom; z.Zoomed() {
		from, to := z.dates()
		out.Zoom = &zoomJSON{DoneFrom: from, DoneTo: to, LeadMin: z.Min.Ptr(), LeadMax: z.Max.Ptr()}
	}
	loc := d.Flow.Location()
	for _, pt := range q.points {
		out.Points = append(out.Points, pointJSON{Key: pt.Key, Type: pt.Type, Done: pt.Done.In(loc).Format("2006-01-02T15:04:05Z07:00"),
			LeadTime: round4(pt.LeadTime), Noise: pt.Noise, URL: s.issueURL(pt.Key)})
	}
	return out
}
