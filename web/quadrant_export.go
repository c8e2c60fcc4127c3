package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/flowmap"
	"github.com/vger-dev/vger/internal/store"
)

// throughputCSV streams the weekly throughput: week, count, likelihood
// lines, and the keys of the items counted (same filters as the page).
func (s *Server) throughputCSV(w http.ResponseWriter, r *http.Request) error {
	b, p, d, series, err := s.quadrantSeriesWith(r, false)
	if err != nil {
		return err
	}
	keys, err := s.weekKeys(r.Context(), d, series, p.Types)
	if err != nil {
		return err
	}
	c := newCSV(w, fmt.Sprintf("%s-throughput-%s.csv", b.Slug, series.To))
	err = issueRolling(series).writeThroughputCSV(c, issueCounts, []string{"keys"}, func(i int) []string {
		return []string{strings.Join(keys[series.Weeks[i].Monday], " ")}
	})
	if err != nil {
		return err
	}
	return c.Close()
}

// weekKeys lists, per week, the keys of the items delivered in it.
func (s *Server) weekKeys(ctx context.Context, d *boardData, series flow.WeeklySeries, types []string) (map[flow.Date][]string, error) {
	out := map[flow.Date][]string{}
	err := s.eachDelivered(ctx, d, series, types, func(f *flow.IssueFacts, _ string) error {
		wk := d.Flow.WeekOf(f.Done.V)
		out[wk] = append(out[wk], f.Key)
		return nil
	})
	for _, ks := range out {
		slices.SortFunc(ks, compareKeys)
	}
	return out, err
}

// eachDelivered calls fn for the delivered, in-scope items of the view's
// work types done within the series' weeks, by done time (then key), with
// their summaries. Without Facts in memory (the quadrant's fast path) the
// stored facts stream from one database cursor, so an export of 100,000
// rows holds one row at a time.
func (s *Server) eachDelivered(ctx context.Context, d *boardData, series flow.WeeklySeries, types []string, fn func(f *flow.IssueFacts, summary string) error) error {
	if d.Facts != nil || !d.Stored {
		for _, f := range d.deliveredIn(series, types) {
			summary := ""
			if row := d.Byid[f.ID]; row != nil {
				summary = row.Summary
			}
			if err := fn(f, summary); err != nil {
				return err
			}
		}
		return nil
	}
	loc := d.Flow.Location()
	from, to := series.From.Start(loc), series.To.AddDays(1).Start(loc)
	keep, err := d.Flow.TypeFilter(types)
	if err != nil {
		return nil // the types were validated with the URL
	}
	// Rows come by done time; items done at the same instant are put in
	// key order, as deliveredIn sorts them.
	var group []flow.IssueFacts
	var summaries []string
	flush := func() error {
		idx := make([]int, len(group))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, b int) int { return compareKeys(group[a].Key, group[b].Key) })
		for _, i := range idx {
			if err := fn(&group[i], summaries[i]); err != nil {
				return err
			}
		}
		group, summaries = group[:0], summaries[:0]
		return nil
	}
	err = s.pages().DeliveredFacts(ctx, d.Board.ID, from, to, func(row *store.Fact) error {
		f := flowmap.FromFact(*row)
		if !f.InScope || !f.Done.OK || !keep(f.Type) {
			return nil
		}
		if len(group) > 0 && !group[0].Done.V.Equal(f.Done.V) {
			if err := flush(); err != nil {
				return err
			}
		}
		group = append(group, f)
		summaries = append(summaries, row.Summary)
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// deliveredIn lists the delivered, in-scope items of the view's work types
// done within the series' weeks, by done time, from the facts in memory.
func (d *boardData) deliveredIn(series flow.WeeklySeries, types []string) []*flow.IssueFacts {
	loc := d.Flow.Location()
	from, to := series.From.Start(loc), series.To.AddDays(1).Start(loc)
	keep, err := d.Flow.TypeFilter(types)
	if err != nil {
		return nil // the types were validated with the URL
	}
	var out []*flow.IssueFacts
	for i := range d.Facts {
		f := &d.Facts[i]
		if !f.InScope || !f.Delivered || !f.Done.OK || f.Done.V.Before(from) || !f.Done.V.Before(to) || !keep(f.Type) {
			continue
		}
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b *flow.IssueFacts) int {
		if c := a.Done.V.Compare(b.Done.V); c != 0 {
			return c
		}
		return compareKeys(a.Key, b.Key)
	})
	return out
}

// compareKeys orders issue keys naturally (PAY-9 before PAY-10).
func compareKeys(a, b string) int {
	pa, na, _ := strings.Cut(a, "-")
	pb, nb, _ := strings.Cut(b, "-")
	if pa != pb {
		return strings.Compare(pa, pb)
	}
	ia, ea := strconv.Atoi(na)
	ib, eb := strconv.Atoi(nb)
	if ea == nil && eb == nil && ia != ib {
		return ia - ib
	}
	return strings.Compare(a, b)
}

// leadTimeCSV streams one row per delivered item in the view: key,
// summary, type, started, done, lead time, time per state, blocked time.
func (s *Server) leadTimeCSV(w http.ResponseWriter, r *http.Request) error {
	b, p, d, series, err := s.quadrantSeriesWith(r, false)
	if err != nil {
		return err
	}
	c := newCSV(w, fmt.Sprintf("%s-lead-time-%s.csv", b.Slug, series.To))
	if err := leadTimeHead(c, series.States); err != nil {
		return err
	}
	loc := d.Flow.Location()
	err = s.eachDelivered(r.Context(), d, series, p.Types, func(f *flow.IssueFacts, summary string) error {
		return s.leadTimeRow(c, loc, series.States, f, summary)
	})
	if err != nil {
		return err
	}
	return c.Close()
}

// writeLeadTime writes the lead-time CSV's header and one row per item:
// key, summary, type, started, done, lead time, time per state, blocked
// time and the JIRA link.
func (s *Server) writeLeadTime(c *csvWriter, d *boardData, states []string, items []*flow.IssueFacts) error {
	if err := leadTimeHead(c, states); err != nil {
		return err
	}
	loc := d.Flow.Location()
	for _, f := range items {
		summary := ""
		if row := d.Byid[f.ID]; row != nil {
			summary = row.Summary
		}
		if err := s.leadTimeRow(c, loc, states, f, summary); err != nil {
			return err
		}
	}
	return nil
}

func leadTimeHead(c *csvWriter, states []string) error {
	head := []string{"key", "summary", "type", "started", "done", "lead_time_days", "calendar_days", "noise"}
	for _, st := range states {
		head = append(head, "days_in "+st)
	}
	head = append(head, "days_outside_window", "blocked_days")
	for _, st := range states {
		head = append(head, "blocked_days_in "+st)
	}
	head = append(head, "blocked_days_outside_window", "url")
	return c.Write(head...)
}

func (s *Server) leadTimeRow(c *csvWriter, loc *time.Location, states []string, f *flow.IssueFacts, summary string) error {
	cells := []string{f.Key, summary, f.Type, stamp(f.Started, loc), stamp(f.Done, loc), num(f.LeadTime), num(f.CalendarDays), strconv.FormatBool(f.Noise())}
	ts, ok := f.TimeInState.Get()
	for i := range states {
		if ok && i < len(ts.InState) {
			cells = append(cells, fnum(ts.InState[i]))
		} else {
			cells = append(cells, "")
		}
	}
	outside := ""
	if ok {
		outside = fnum(ts.Outside)
	}
	cells = append(cells, outside, num(f.Blocked))
	// Blocked time per state: empty for facts stored before it was kept.
	known := ok && len(ts.Blocked) == len(ts.InState)
	for i := range states {
		if known && i < len(ts.Blocked) {
			cells = append(cells, fnum(ts.Blocked[i]))
		} else {
			cells = append(cells, "")
		}
	}
	blockedOutside := ""
	if known {
		blockedOutside = fnum(ts.BlockedOutside)
	}
	cells = append(cells, blockedOutside, s.issueURL(f.Key))
	return c.Write(cells...)
}

func (s *Server) issueURL(key string) string {
	if s.JiraURL == "" {
		return ""
	}
	return strings.TrimSuffix(s.JiraURL, "/") + "/browse/" + key
}

func stamp(o flow.Opt[time.Time], loc *time.Location) string {
	if t, ok := o.Get(); ok {
		return t.In(loc).Format(time.RFC3339)
	}
	return ""
}

func num(o flow.Opt[float64]) string {
	if v, ok := o.Get(); ok {
		return fnum(v)
	}
	return ""
}

func fnum(v float64) string { return strconv.FormatFloat(round4(v), 'f', -1, 64) }
