package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/store"
)

// quarterly is everything the quarterly view shows, computed once per
// request from the board's facts (internal/flow does the counting).
type quarterly struct {
	quarters
	b      store.Board
	p      QuarterlyParams
	d      *boardData
	points []flow.ScatterPoint // delivered items in the quarters shown, inside the zoom
}

// issueWords: the JIRA quarterly view counts delivered items.
var issueWords = quarterWords{one: "item", many: "items", unit: "items", done: "delivered", at: "done", finished: "finished",
	hasHistory: "the board has",
	zeroNote:   "Nothing of these work types was delivered in those weeks, so the forecast is 0. Use a longer history or check the work types."}

// quarterlyNeeds says what a quarterly request uses besides the view.
type quarterlyNeeds struct {
	// full: every column of the facts (the lead-time CSV's).
	full bool
	// facts: the facts themselves after computing (the CSVs); otherwise
	// they are let go before the page is drawn.
	facts bool
	// summaries: every point's summary (the compact scatterplot's hover
	// details); otherwise only a detailed scatterplot's points have theirs.
	summaries bool
}

// loadQuarterly parses the URL, loads the board and computes the view.
func (s *Server) loadQuarterly(r *http.Request, needs quarterlyNeeds) (*quarterly, error) {
	return s.loadQuarterlyWith(r, computeQuarterly, needs)
}

// loadQuarterlyPoints is loadQuarterly without the forecast: the quarters
// and the scatterplot's points, with every point's summary.
func (s *Server) loadQuarterlyPoints(r *http.Request) (*quarterly, error) {
	return s.loadQuarterlyWith(r, quarterlyPoints, quarterlyNeeds{summaries: true})
}

// loadQuarterlyWith loads the view with compute.
func (s *Server) loadQuarterlyWith(r *http.Request, compute func(store.Board, QuarterlyParams, *boardData, time.Time) (*quarterly, error), needs quarterlyNeeds) (*quarterly, error) {
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
	var q *quarterly
	if !p.Overrides(b) {
		q, err = s.quarterlyFromAggregates(r, b, eff, p, compute, needs)
	}
	if p.Overrides(b) || errors.Is(err, store.ErrNoCounts) {
		var d *boardData
		if d, err = s.loadBoardData(r.Context(), eff, p.ViewParams); err != nil {
			return nil, err
		}
		q, err = compute(b, p, d, s.now())
	}
	if err != nil {
		return nil, err
	}
	if !needs.facts {
		q.d.Facts = nil // the biggest boards' views hold 100,000s of them
	}
	if err := s.detailedSummaries(r.Context(), q); err != nil {
		return nil, err
	}
	return q, nil
}

// detailedSummaries reads the summaries of a detailed scatterplot's points
// (each point's hover text has it) when the facts were read without.
func (s *Server) detailedSummaries(ctx context.Context, q *quarterly) error {
	if len(q.points) > maxDetailed {
		return nil
	}
	var ids []int64
	for _, pt := range q.points {
		if q.d.Byid[pt.ID] == nil {
			id, err := strconv.ParseInt(pt.ID, 10, 64)
			if err != nil {
				return fmt.Errorf("issue id %q: %w", pt.ID, err)
			}
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	sums, err := s.pages().Summaries(ctx, q.b.ID, ids)
	if err != nil {
		return err
	}
	if q.d.Byid == nil {
		q.d.Byid = make(map[string]*factRow, len(ids))
	}
	for id, sum := range sums {
		q.d.Byid[strconv.FormatInt(id, 10)] = &factRow{IssueID: id, Summary: sum}
	}
	return nil
}

// quarterlyFromAggregates loads the view from the board's stored
// aggregates (its first issue's creation, the weekly counts for the items
// on the board) and the delivered facts of the quarters shown and of the
// forecast's weeks only: what flow.QuarterlyFrom and SamplesFrom read, so
// the view equals the one computed from every fact. store.ErrNoCounts: the
// board's aggregates predate this binary.
func (s *Server) quarterlyFromAggregates(r *http.Request, b, eff store.Board, p QuarterlyParams,
	compute func(store.Board, QuarterlyParams, *boardData, time.Time) (*quarterly, error), needs quarterlyNeeds) (*quarterly, error) {
	ctx := r.Context()
	d, err := s.loadBoardMeta(ctx, eff, p.ViewParams)
	if err != nil {
		return nil, err
	}
	// The default range holds every delivered item: its facts, and the
	// page's point for each, share the memory budget of full loads.
	if err := s.admitFacts(ctx, d.Status.Issues); err != nil {
		return nil, err
	}
	now := s.now()
	qq := flow.QuarterlyQuery{From: p.QFrom, To: p.QTo}
	if err := s.readDelivered(ctx, b.ID, d, needs.full, needs.summaries, func(first *time.Time) (time.Time, time.Time) {
		lo, hi := d.Flow.SamplesSpan(now)
		if qlo, qhi := d.Flow.QuarterlySpan(flow.OptOf(first), qq, now); qlo.Before(qhi) {
			lo, hi = minTime(lo, qlo), maxTime(hi, qhi)
		}
		return lo, hi
	}); err != nil {
		return nil, err
	}
	return compute(b, p, d, now)
}

// quarterlyPoints computes the quarters and the scatterplot's points (all
// of the view but the forecast).
func quarterlyPoints(b store.Board, p QuarterlyParams, d *boardData, now time.Time) (*quarterly, error) {
	q := &quarterly{b: b, p: p, d: d}
	var tags []flow.Tag
	if p.Tags {
		tags = d.Tags
	}
	var notes []store.Annotation
	if p.Notes {
		notes = d.Notes
	}
	q.quarters = newQuarters(d.Flow, b, p.QuarterParams, d.Board.DayMode, tags, notes, issueWords, now)
	series, err := d.Flow.QuarterlyFrom(d.First, d.Facts, flow.QuarterlyQuery{From: p.QFrom, To: p.QTo, WorkTypes: p.Types, Percents: q.linePercents()}, now)
	if err := q.setSeries(series, err); err != nil {
		return nil, err
	}
	if len(q.series.Quarters) > 0 {
		all, err := d.Flow.Scatter(d.Facts, p.Types, q.from, q.to)
		if err != nil {
			return nil, err
		}
		q.inRange = len(all)
		q.points = zoomed(all, p.Zoom, d.Flow.Location(), func(pt *flow.ScatterPoint) (time.Time, float64) { return pt.Done, pt.LeadTime })
		q.shown = len(q.points)
	}
	return q, nil
}

// computeQuarterly computes the view from loaded board data (no database:
// the benchmark calls it directly).
func computeQuarterly(b store.Board, p QuarterlyParams, d *boardData, now time.Time) (*quarterly, error) {
	q, err := quarterlyPoints(b, p, d, now)
	if err != nil {
		return nil, err
	}
	samples, err := d.Flow.SamplesFrom(d.First, d.Facts, p.Types, now)
	if err != nil {
		return nil, err
	}
	q.setForecast(samples, d.First)
	return q, nil
}

// firstCreated is the creation of the board's first in-scope issue,
// whatever the work types.
func firstCreated(facts []flow.IssueFacts) flow.Opt[time.Time] {
	var first flow.Opt[time.Time]
	for i := range facts {
		f := &facts[i]
		if f.InScope && (!first.OK || f.Created.Before(first.V)) {
			first = flow.Some(f.Created)
		}
	}
	return first
}

// quarterlyPage is the view.
func (s *Server) quarterlyPage(w http.ResponseWriter, r *http.Request) error {
	q, err := s.loadQuarterly(r, quarterlyNeeds{})
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
