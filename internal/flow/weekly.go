package flow

import "time"

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
	first := b.firstWeek(facts)
	r := newRolling(window, first, w0-int64(window)+1, w1, b.end-b.start, percents)

	rows := max(int(w1-w0+1), 0)
	started := make([]int, rows)
	var created, delivered, cnd []int = make([]int, rows), make([]int, rows), make([]int, rows)
	var before Backlog // events before the range, for the absolute lines
	bucket := func(w int64) int {
		switch {
		case w < w0:
			return -1
		case w > w1:
			return -2
		}
		return int(w - w0)
	}
	for i := range facts {
		f := &facts[i]
		if !f.InScope || !tf.keep(f.Type) {
			continue
		}
		switch k := bucket(weekOf(b.localDay(f.Created))); {
		case k >= 0:
			created[k]++
		case k == -1:
			before.Created++
		}
		if f.Started.OK {
			if k := bucket(weekOf(b.localDay(f.Started.V))); k >= 0 {
				started[k]++
			}
		}
		if !f.Done.OK {
			continue
		}
		dw := weekOf(b.localDay(f.Done.V))
		k := bucket(dw)
		switch {
		case f.Delivered:
			r.complete(dw)
			if f.countsForLeadTime() {
				var ts *StateTimes
				if f.TimeInState.OK {
					ts = &f.TimeInState.V
				}
				r.lead(dw, f.LeadTime.V, ts, f.Blocked)
			}
			if k >= 0 {
				delivered[k]++
			} else if k == -1 {
				before.Delivered++
			}
		case f.ClosedNotDelivered:
			if k >= 0 {
				cnd[k]++
			} else if k == -1 {
				before.ClosedNotDelivered++
			}
		}
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
