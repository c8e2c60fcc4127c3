package flow

import (
	"slices"
	"strings"
	"time"
)

// WeeklyQuery selects a quadrant view.
type WeeklyQuery struct {
	// From and To are inclusive local dates, widened to whole Monday-to-Sunday weeks; a range
	// reaching past the current week stops at it. Zero dates = the default: the last 26 complete
	// weeks plus the current, partial one.
	From, To  Date
	WorkTypes []string // work type names; nil = all
	Absolute  bool     // backlog lines count since the first record instead of from the range start
	Percents  []int    // likelihood and lead-time lines; nil = 50/80/90
	Window    int      // rolling window W in weeks; 0 = the board's
}

// Backlog holds the three cumulative backlog-growth lines at the end of a week. Created -
// Delivered - ClosedNotDelivered = still open (for the absolute variant).
type Backlog struct {
	Created, Delivered, ClosedNotDelivered int
}

// Week is one row of the quadrant view, labelled by its Monday.
type Week struct {
	Monday  Date
	Partial bool // the current, unfinished week: counts only, no statistics

	Throughput int // delivered issues with done-at in the week (net flow's departures)
	Started    int // issues with started-at in the week (net flow's arrivals)
	Backlog    Backlog

	// WindowWeeks is how many complete weeks the rolling window used (fewer than W on a young
	// board); no value for the partial week. Below 4 every statistic is a gap.
	WindowWeeks Opt[int]
	Likelihood  []CountLevel // count rule over the window's weekly throughput; nil = gap
	Variation   Opt[float64] // population std dev / mean of the window's weekly throughput
	LeadTime    []Level      // type 7 lines of the window's delivered lead times; nil = gap
	LeadItems   int          // how many lead times the lines are based on
	ByState     Opt[StateTimes]
	// Blocked is the mean blocked (Flagged) time of the same items, in the day mode: shown
	// beside the time per state. No value when none of them has a blocked time.
	Blocked Opt[float64]
}

// WeeklySeries is a quadrant view.
type WeeklySeries struct {
	From, To    Date     // the widened range: first Monday, last Sunday shown
	Window      int      // W
	Percents    []int    // the lines computed
	States      []string // names of ByState.InState
	Weeks       []Week
	Flat        []CountLevel // count rule over the range's complete weeks; nil = gap
	FlatWeeks   int          // how many weeks the flat lines are based on
	CurrentWeek Date
}

// Weekly computes the quadrant view (throughput, likelihood, variation, backlog growth, rolling
// lead time and its per-state breakdown, net flow) from stored facts. Out-of-scope facts are
// ignored; weeks before the board's first in-scope issue do not count in any statistic.
func (b *Board) Weekly(facts []IssueFacts, q WeeklyQuery, now time.Time) (WeeklySeries, error) {
	var c Counter
	for i := range facts {
		c.Add(b, &facts[i])
	}
	return b.WeeklyFrom(c.Counts(), facts, q, now)
}

// WeekCount is one cell of a board's weekly counts: in-scope issues of one issue type created,
// started, delivered and closed without being delivered in the week starting Monday Week (the
// board's local weeks). A board's counts are stored with its facts after every rebuild, so a
// quadrant view reads a few hundred counts instead of every fact.
type WeekCount struct {
	Week                                            Date
	Type                                            string
	Created, Started, Delivered, ClosedNotDelivered int
}

// Counter aggregates facts into WeekCounts, one fact at a time (a rebuild streams them).
type Counter struct {
	cells map[countKey]*WeekCount
}

type countKey struct {
	week int64
	typ  string
}

func (c *Counter) cell(b *Board, t time.Time, typ string) *WeekCount {
	if c.cells == nil {
		c.cells = map[countKey]*WeekCount{}
	}
	w := weekOf(b.localDay(t))
	k := countKey{w, typ}
	wc := c.cells[k]
	if wc == nil {
		wc = &WeekCount{Week: dateOfDay(mondayOf(w)), Type: typ}
		c.cells[k] = wc
	}
	return wc
}

// Add counts one issue's facts (out-of-scope ones count nowhere).
func (c *Counter) Add(b *Board, f *IssueFacts) {
	if !f.InScope {
		return
	}
	c.cell(b, f.Created, f.Type).Created++
	if f.Started.OK {
		c.cell(b, f.Started.V, f.Type).Started++
	}
	if !f.Done.OK {
		return
	}
	switch {
	case f.Delivered:
		c.cell(b, f.Done.V, f.Type).Delivered++
	case f.ClosedNotDelivered:
		c.cell(b, f.Done.V, f.Type).ClosedNotDelivered++
	}
}

// Counts lists the cells by week, then type.
func (c *Counter) Counts() []WeekCount {
	out := make([]WeekCount, 0, len(c.cells))
	for _, wc := range c.cells {
		out = append(out, *wc)
	}
	slices.SortFunc(out, func(a, b WeekCount) int {
		if x := a.Week.Compare(b.Week); x != 0 {
			return x
		}
		return strings.Compare(a.Type, b.Type)
	})
	return out
}

// LeadSpan is when the delivered items whose lead times a Weekly query uses were done: the
// rolling window before the first week shown, through the last. WeeklyFrom needs the facts of
// those items only (in their stored order); others are ignored.
func (b *Board) LeadSpan(q WeeklyQuery, now time.Time) (from, to time.Time, err error) {
	w0, w1, _, err := b.weekRange(q.From, q.To, now)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	window, err := b.windowOr(q.Window)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	loc := b.Location()
	return dateOfDay(mondayOf(w0 - int64(window) + 1)).Start(loc), dateOfDay(mondayOf(w1 + 1)).Start(loc), nil
}

// WeeklyFrom computes Weekly from a board's weekly counts (Counter over every fact) and the facts
// of the items delivered within LeadSpan (more facts may be given: only delivered ones count,
// for their lead times). Given the counts and facts of the same rebuild it equals Weekly.
func (b *Board) WeeklyFrom(counts []WeekCount, lead []IssueFacts, q WeeklyQuery, now time.Time) (WeeklySeries, error) {
	tf, err := b.filter(q.WorkTypes)
	if err != nil {
		return WeeklySeries{}, err
	}
	w0, w1, cur, err := b.weekRange(q.From, q.To, now)
	if err != nil {
		return WeeklySeries{}, err
	}
	window, err := b.windowOr(q.Window)
	if err != nil {
		return WeeklySeries{}, err
	}
	percents := q.Percents
	if percents == nil {
		percents = defaultPercents
	}
	out := WeeklySeries{Window: window, Percents: percents, States: b.InProgressStates(),
		From: dateOfDay(mondayOf(w0)), To: dateOfDay(mondayOf(w1) + 6), CurrentWeek: dateOfDay(mondayOf(cur))}
	first := int64(noWeek)
	for i := range counts {
		if counts[i].Created > 0 {
			first = min(first, weekOf(counts[i].Week.day()))
		}
	}
	r := newRolling(window, first, w0-int64(window)+1, w1, b.end-b.start, percents)

	rows := max(int(w1-w0+1), 0)
	started := make([]int, rows)
	var created, delivered, cnd []int = make([]int, rows), make([]int, rows), make([]int, rows)
	var before Backlog // events before the range, for the absolute lines
	for i := range counts {
		c := &counts[i]
		if !tf.keep(c.Type) {
			continue
		}
		w := weekOf(c.Week.day())
		r.addCompleted(w, c.Delivered)
		switch {
		case w < w0:
			before.Created += c.Created
			before.Delivered += c.Delivered
			before.ClosedNotDelivered += c.ClosedNotDelivered
		case w <= w1:
			k := w - w0
			created[k] += c.Created
			started[k] += c.Started
			delivered[k] += c.Delivered
			cnd[k] += c.ClosedNotDelivered
		}
	}
	for i := range lead {
		f := &lead[i]
		if !f.InScope || !tf.keep(f.Type) || !f.Done.OK || !f.countsForLeadTime() {
			continue
		}
		var ts *StateTimes
		if f.TimeInState.OK {
			ts = &f.TimeInState.V
		}
		r.lead(weekOf(b.localDay(f.Done.V)), f.LeadTime.V, ts, f.Blocked)
	}

	acc := Backlog{}
	if q.Absolute {
		acc = before
	}
	out.Weeks = make([]Week, 0, rows)
	for k := 0; k < rows; k++ {
		w := w0 + int64(k)
		acc.Created += created[k]
		acc.Delivered += delivered[k]
		acc.ClosedNotDelivered += cnd[k]
		row := Week{Monday: dateOfDay(mondayOf(w)), Partial: w == cur, Throughput: r.count(w),
			Started: started[k], Backlog: acc}
		if !row.Partial {
			st := r.stats(w)
			row.WindowWeeks = Some(st.weeks)
			row.Likelihood, row.Variation = st.likelihood, st.variation
			row.LeadTime, row.LeadItems, row.ByState, row.Blocked = st.leadTime, st.leadItems, st.byState, st.blocked
		}
		out.Weeks = append(out.Weeks, row)
	}
	out.Flat, out.FlatWeeks = r.flat(w0, min(w1, cur-1))
	return out, nil
}
