package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/store"
)

// quarterly is everything the quarterly view shows, computed once per
// request from the board's facts (internal/flow does the counting).
type quarterly struct {
	b      store.Board
	p      QuarterlyParams
	d      *boardData
	now    time.Time
	fiscal int
	series flow.QuarterlySeries // lead-time lines at the view's percents and 50/80/90
	flat   []flow.CountLevel    // 50/80/90 over the complete quarters shown
	// from and to are the first and last day of the quarters shown.
	from, to flow.Date
	inRange  int                 // delivered items in the quarters shown
	points   []flow.ScatterPoint // of those, the ones inside the zoom
	samples  []int               // the forecast's weeks of history; nil = cannot forecast
	history  int                 // complete weeks since the board's first issue
	forecast flow.NextQuarterForecast
}

// loadQuarterly parses the URL, loads the board and computes the view.
func (s *Server) loadQuarterly(r *http.Request) (*quarterly, error) {
	b, err := s.boardFromURL(r)
	if err != nil {
		return nil, err
	}
	p, err := ParseQuarterlyParams(r.URL.Query(), b)
	if err != nil {
		return nil, err
	}
	eff := b
	eff.FiscalYearStartMonth = p.fiscalOf(b)
	d, err := s.loadBoardData(r.Context(), eff, p.ViewParams)
	if err != nil {
		return nil, err
	}
	return computeQuarterly(b, p, d, s.now())
}

// computeQuarterly computes the view from loaded board data (no database:
// the benchmark calls it directly).
func computeQuarterly(b store.Board, p QuarterlyParams, d *boardData, now time.Time) (*quarterly, error) {
	q := &quarterly{b: b, p: p, d: d, now: now, fiscal: p.fiscalOf(b)}
	percents := slices.Clone(p.percents())
	for _, pc := range flow.DefaultPercents() {
		if !slices.Contains(percents, pc) {
			percents = append(percents, pc)
		}
	}
	slices.Sort(percents)
	var err error
	q.series, err = d.Flow.Quarterly(d.Facts, flow.QuarterlyQuery{From: p.QFrom, To: p.QTo, WorkTypes: p.Types, Percents: percents}, now)
	if errors.Is(err, flow.ErrRange) {
		return nil, InvalidParam("qto", err.Error(), "a quarter on or after qfrom")
	}
	if err != nil {
		return nil, err
	}
	for _, l := range q.series.Flat {
		if slices.Contains(flow.DefaultPercents(), l.Percent) {
			q.flat = append(q.flat, l)
		}
	}
	if n := len(q.series.Quarters); n > 0 {
		q.from, q.to = q.series.Quarters[0].Start, q.series.Quarters[n-1].End
		all, err := d.Flow.Scatter(d.Facts, p.Types, q.from, q.to)
		if err != nil {
			return nil, err
		}
		q.inRange = len(all)
		q.points = zoomPoints(all, p.Zoom, d.Flow.Location())
	}
	if q.samples, err = d.Flow.Samples(d.Facts, p.Types, now); err != nil {
		return nil, err
	}
	q.history = historyWeeks(d, now)
	q.forecast = d.Flow.ForecastNextQuarter(q.samples, now, flow.DefaultTrials, flow.NewRand(p.Seed), nil)
	return q, nil
}

// zoomPoints keeps the points inside the zoom (done dates inclusive, lead
// times inclusive), in place.
func zoomPoints(pts []flow.ScatterPoint, z ZoomBox, loc *time.Location) []flow.ScatterPoint {
	if !z.Zoomed() {
		return pts
	}
	out := pts[:0]
	for _, pt := range pts {
		day := flow.DateOf(pt.Done, loc)
		if (!z.From.IsZero() && day.Before(z.From)) || (!z.To.IsZero() && day.After(z.To)) ||
			(z.Min.OK && pt.LeadTime < z.Min.V) || (z.Max.OK && pt.LeadTime > z.Max.V) {
			continue
		}
		out = append(out, pt)
	}
	return out
}

// historyWeeks counts the complete weeks since the week of the board's
// first issue (whatever the work types), for "cannot forecast yet".
func historyWeeks(d *boardData, now time.Time) int {
	var first time.Time
	for i := range d.Facts {
		f := &d.Facts[i]
		if f.InScope && (first.IsZero() || f.Created.Before(first)) {
			first = f.Created
		}
	}
	if first.IsZero() {
		return 0
	}
	loc := d.Flow.Location()
	a, b := d.Flow.WeekOf(first).Start(loc), d.Flow.WeekOf(now).Start(loc)
	return max(int(math.Round(b.Sub(a).Hours()/24/7)), 0)
}

// completeDelivered sums the throughput of the complete quarters shown.
func (q *quarterly) completeDelivered() int {
	n := 0
	for _, qq := range q.series.Quarters {
		if !qq.Partial {
			n += qq.Throughput
		}
	}
	return n
}

// quarterlyPage is the view.
func (s *Server) quarterlyPage(w http.ResponseWriter, r *http.Request) error {
	q, err := s.loadQuarterly(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Has("apply") {
		http.Redirect(w, r, withQuery(boardPath(q.b)+"/quarterly", encodeQuarterly(q.p.Canonical(q.b))), http.StatusSeeOther)
		return nil
	}
	if q.p.Format == "json" {
		return writeJSON(w, s.quarterlyJSON(q))
	}
	return render(w, r, http.StatusOK, quarterlyPageComponent(s, r, q))
}

// quarterLabel names a quarter for people: Q2 2025 for calendar quarters,
// the months otherwise (Feb–Apr 2025).
func quarterLabel(start flow.Date) string {
	if (start.Month-1)%3 == 0 {
		return fmt.Sprintf("Q%d %d", (start.Month-1)/3+1, start.Year)
	}
	end := start.Start(time.UTC).AddDate(0, 2, 0)
	if end.Year() != start.Year {
		return fmt.Sprintf("%s %d–%s %d", start.Month.String()[:3], start.Year, end.Month().String()[:3], end.Year())
	}
	return fmt.Sprintf("%s–%s %d", start.Month.String()[:3], end.Month().String()[:3], start.Year)
}

// fiscalQuarter numbers a quarter within its fiscal year (1..4).
func fiscalQuarter(start flow.Date, fiscal int) int {
	return (int(start.Month)-fiscal+12)%12/3 + 1
}

// dayText is a date for people: 13 May 2025.
func dayText(d flow.Date) string { return d.Start(time.UTC).Format("2 Jan 2006") }
