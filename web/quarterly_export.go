package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

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

// writeQuarterRows writes one row per quarter shown: the quarter, its days,
// its fiscal quarter, whether it is the current one, the count (column
// count) and what was counted (column items, space-separated).
func (q *quarters) writeQuarterRows(c *csvWriter, count, items string, of func(k int, qq flow.Quarter) []string) error {
	if err := c.Write("quarter", "start", "end", "fiscal_quarter", "partial", count, items); err != nil {
		return err
	}
	for k, qq := range q.series.Quarters {
		if err := c.Write(quarterParam(qq.Start), qq.Start.String(), qq.End.String(), strconv.Itoa(fiscalQuarter(qq.Start, q.fiscal)),
			strconv.FormatBool(qq.Partial), strconv.Itoa(qq.Throughput), strings.Join(of(k, qq), " ")); err != nil {
			return err
		}
	}
	return nil
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
		c.Class = ""
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-quarterly-%s-%s.svg"`, q.b.Slug, name, q.to))
		return c.Standalone(w)
	}
}

// quarterlyJSONOut is the quarterly view's ?format=json shape (README).
type quarterlyJSONOut struct {
	Board        string          `json:"board"`
	Team         string          `json:"team"`
	Fiscal       int             `json:"fiscal_year_start_month"`
	From         string          `json:"from"`
	To           string          `json:"to"`
	DayMode      string          `json:"day_mode"`
	Start        string          `json:"start_state"`
	End          string          `json:"end_state"`
	Percents     []int           `json:"lead_time_percents"`
	Quarters     []quarterJSON   `json:"quarters"`
	Flat         map[string]int  `json:"flat_likelihood"`
	FlatQuarters int             `json:"flat_quarters"`
	NextQuarter  nextQuarterJSON `json:"next_quarter"`
	Zoom         *zoomJSON       `json:"zoom"`
	ItemsInRange int             `json:"items_in_range"`
	Points       []pointJSON     `json:"points"`
}

type quarterJSON struct {
	quarterJSONHead
	Delivered int `json:"delivered"`
	quarterJSONLead
}

// quarterJSONHead and quarterJSONLead are what both quarterly views'
// quarters have, before and after their count.
type quarterJSONHead struct {
	Quarter string `json:"quarter"`
	Label   string `json:"label"`
	Start   string `json:"start"`
	End     string `json:"end"`
	Fiscal  int    `json:"fiscal_quarter"`
	Partial bool   `json:"partial"`
}

type quarterJSONLead struct {
	LeadTime  map[string]float64 `json:"lead_time,omitempty"`
	LeadItems int                `json:"lead_items"`
}

// quarterJSONOf is a quarter's head and lead-time lines (the view's).
func (q *quarters) quarterJSONOf(qq flow.Quarter) (quarterJSONHead, quarterJSONLead) {
	h := quarterJSONHead{Quarter: quarterParam(qq.Start), Label: quarterLabel(qq.Start), Start: qq.Start.String(), End: qq.End.String(),
		Fiscal: fiscalQuarter(qq.Start, q.fiscal), Partial: qq.Partial}
	l := quarterJSONLead{LeadItems: qq.LeadItems}
	for _, lv := range qq.LeadTime {
		if slices.Contains(q.qp.percents(), lv.Percent) {
			if l.LeadTime == nil {
				l.LeadTime = map[string]float64{}
			}
			l.LeadTime[strconv.Itoa(lv.Percent)] = round4(lv.Value)
		}
	}
	return h, l
}

// flatJSON is the flat lines by percent; nil = none.
func (q *quarters) flatJSON() map[string]int {
	if q.flat == nil {
		return nil
	}
	out := map[string]int{}
	for _, l := range q.flat {
		out[strconv.Itoa(l.Percent)] = l.Count
	}
	return out
}

// nextQuarterJSONOf is the forecast.
func (q *quarters) nextQuarterJSONOf() nextQuarterJSON {
	fc := q.forecast
	out := nextQuarterJSON{Start: fc.Start.String(), Weeks: fc.Weeks, History: q.samples, Seed: q.qp.Seed, Trials: flow.DefaultTrials}
	if fc.Likelihood != nil {
		out.Likelihood = map[string]int{}
		for _, l := range fc.Likelihood {
			out.Likelihood[strconv.Itoa(l.Percent)] = l.Count
		}
	}
	return out
}

type nextQuarterJSON struct {
	Start      string         `json:"start"`
	Weeks      int            `json:"weeks"`
	History    []int          `json:"history"` // weekly throughput sampled, oldest first; null = cannot forecast
	Seed       uint64         `json:"seed"`
	Trials     int            `json:"trials"`
	Likelihood map[string]int `json:"likelihood"` // null = cannot forecast
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
	out := quarterlyJSONOut{Board: q.b.Name, Team: d.Status.TeamName, Fiscal: q.fiscal, DayMode: d.Board.DayMode,
		Start: d.Board.States[d.Board.LeadStart].Name, End: d.Board.States[d.Board.LeadEnd].Name, Percents: q.p.percents(),
		FlatQuarters: q.series.FlatQuarters, ItemsInRange: q.inRange, Quarters: []quarterJSON{}, Points: []pointJSON{}}
	if len(q.series.Quarters) > 0 {
		out.From, out.To = q.from.String(), q.to.String()
	}
	for _, qq := range q.series.Quarters {
		h, l := q.quarterJSONOf(qq)
		out.Quarters = append(out.Quarters, quarterJSON{quarterJSONHead: h, Delivered: qq.Throughput, quarterJSONLead: l})
	}
	out.Flat = q.flatJSON()
	out.NextQuarter = q.nextQuarterJSONOf()
	if z := q.p.Zoom; z.Zoomed() {
		out.Zoom = &zoomJSON{LeadMin: z.Min.Ptr(), LeadMax: z.Max.Ptr()}
		if !z.From.IsZero() {
			out.Zoom.DoneFrom = z.From.String()
		}
		if !z.To.IsZero() {
			out.Zoom.DoneTo = z.To.String()
		}
	}
	loc := d.Flow.Location()
	for _, pt := range q.points {
		out.Points = append(out.Points, pointJSON{Key: pt.Key, Type: pt.Type, Done: pt.Done.In(loc).Format("2006-01-02T15:04:05Z07:00"),
			LeadTime: round4(pt.LeadTime), Noise: pt.Noise, URL: s.issueURL(pt.Key)})
	}
	return out
}
