package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/flow"
)

// throughputCSV streams the weekly throughput: week, count, likelihood
// lines, and the keys of the items counted (same filters as the page).
func (s *Server) throughputCSV(w http.ResponseWriter, r *http.Request) error {
	b, p, d, series, err := s.quadrantSeries(r)
	if err != nil {
		return err
	}
	keys := weekKeys(d, series, p.Types)
	c := newCSV(w, fmt.Sprintf("%s-throughput-%s.csv", b.Slug, series.To))
	head := []string{"week", "partial", "delivered"}
	for _, p := range series.Percents {
		head = append(head, fmt.Sprintf("likely_%d", p))
	}
	head = append(head, "keys")
	if err := c.Write(head...); err != nil {
		return err
	}
	for _, wk := range series.Weeks {
		row := []string{wk.Monday.String(), strconv.FormatBool(wk.Partial), strconv.Itoa(wk.Throughput)}
		for _, p := range series.Percents {
			v := countAt(wk.Likelihood, p)
			if v == "–" {
				v = ""
			}
			row = append(row, v)
		}
		row = append(row, strings.Join(keys[wk.Monday], " "))
		if err := c.Write(row...); err != nil {
			return err
		}
	}
	return c.Close()
}

// weekKeys lists, per week, the keys of the items delivered in it.
func weekKeys(d *boardData, series flow.WeeklySeries, types []string) map[flow.Date][]string {
	out := map[flow.Date][]string{}
	for _, f := range d.deliveredIn(series, types) {
		wk := d.Flow.WeekOf(f.Done.V)
		out[wk] = append(out[wk], f.Key)
	}
	for _, ks := range out {
		slices.SortFunc(ks, compareKeys)
	}
	return out
}

// deliveredIn lists the delivered, in-scope items of the view's work types
// done within the series' weeks, by done time.
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
	b, p, d, series, err := s.quadrantSeries(r)
	if err != nil {
		return err
	}
	c := newCSV(w, fmt.Sprintf("%s-lead-time-%s.csv", b.Slug, series.To))
	if err := s.writeLeadTime(c, d, series.States, d.deliveredIn(series, p.Types)); err != nil {
		return err
	}
	return c.Close()
}

// writeLeadTime writes the lead-time CSV's header and one row per item:
// key, summary, type, started, done, lead time, time per state, blocked
// time and the JIRA link.
func (s *Server) writeLeadTime(c *csvWriter, d *boardData, states []string, items []*flow.IssueFacts) error {
	head := []string{"key", "summary", "type", "started", "done", "lead_time_days", "calendar_days", "noise"}
	for _, st := range states {
		head = append(head, "days_in "+st)
	}
	head = append(head, "days_outside_window", "blocked_days", "url")
	if err := c.Write(head...); err != nil {
		return err
	}
	loc := d.Flow.Location()
	for _, f := range items {
		summary := ""
		if row := d.Byid[f.ID]; row != nil {
			summary = row.Summary
		}
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
		cells = append(cells, outside, num(f.Blocked), s.issueURL(f.Key))
		if err := c.Write(cells...); err != nil {
			return err
		}
	}
	return nil
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
