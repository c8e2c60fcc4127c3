package flow

import (
	"cmp"
	"iter"
	"slices"
	"time"
)

// quarterIndex numbers quarters so that quarter 0 starts in the fiscal start month of year 0.
func (b *Board) quarterIndex(d Date) int64 {
	return floorDiv(int64(d.Year)*12+int64(d.Month-1)-int64(b.fiscal-1), 3)
}

func (b *Board) quarterStart(q int64) Date {
	m := q*3 + int64(b.fiscal-1)
	return Date{int(floorDiv(m, 12)), time.Month(floorMod(m, 12) + 1), 1}
}

// QuarterOf is the first day of the (fiscal) quarter holding d.
func (b *Board) QuarterOf(d Date) Date { return b.quarterStart(b.quarterIndex(d)) }

// QuarterlyQuery selects a quarterly view.
type QuarterlyQuery struct {
	// From and To are widened to whole quarters. Zero From = the quarter of the board's first
	// issue; zero To (or one past now) = the current quarter.
	From, To  Date
	WorkTypes []string
	Percents  []int // scatterplot lines per quarter; nil = 50/80/90 (85 and 95 are optional)
}

// Quarter is one quarter of the quarterly view.
type Quarter struct {
	Start, End Date // first and last day
	Partial    bool // the current quarter
	Throughput int  // delivered issues by done-at (merged PRs by merged_at), each counted once
	LeadTime   []Level
	LeadItems  int // items (PRs) in the lead-time lines: noise left out
}

// QuarterlySeries is the quarterly view: throughput per quarter with flat likelihood lines and
// the per-quarter lead-time percentile lines of the scatterplot.
type QuarterlySeries struct {
	Percents     []int
	Quarters     []Quarter
	Flat         []CountLevel // count rule over the complete quarters shown; nil = none
	FlatQuarters int
}

// Quarterly computes the quarterly view from stored facts: QuarterlyFrom with the board's first
// issue found among them.
func (b *Board) Quarterly(facts []IssueFacts, q QuarterlyQuery, now time.Time) (QuarterlySeries, error) {
	return b.QuarterlyFrom(b.firstCreated(facts), facts, q, now)
}

// QuarterlyFrom computes the quarterly view from the creation of the board's first in-scope issue
// (whatever the work types) and the facts of the items delivered within QuarterlySpan (more facts
// may be given: only delivered ones in the quarters shown count). Given every fact it equals
// Quarterly.
func (b *Board) QuarterlyFrom(first Opt[time.Time], facts []IssueFacts, q QuarterlyQuery, now time.Time) (QuarterlySeries, error) {
	tf, err := b.filter(q.WorkTypes)
	if err != nil {
		return QuarterlySeries{}, err
	}
	delivered := func(yield func(completion) bool) {
		for i := range facts {
			f := &facts[i]
			if !f.InScope || !f.Delivered || !tf.keep(f.Type) {
				continue
			}
			c := completion{i: i, at: f.Done.V}
			if f.countsForLeadTime() {
				c.lead = f.LeadTime
			}
			if !yield(c) {
				return
			}
		}
	}
	out, _, err := b.quarterly(first, q.From, q.To, q.Percents, now, delivered, false)
	return out, err
}

// QuarterlySpan is when the items a quarterly query counts were done: the quarters shown, given
// the creation of the board's first in-scope issue (from == to: none).
func (b *Board) QuarterlySpan(first Opt[time.Time], q QuarterlyQuery, now time.Time) (from, to time.Time) {
	q0, q1 := b.quarterRange(first, q.From, q.To, now)
	if q1 < q0 {
		return time.Time{}, time.Time{}
	}
	loc := b.Location()
	return b.quarterStart(q0).Start(loc), b.quarterStart(q1 + 1).Start(loc)
}

// quarterRange is the quarters a view shows, q0..q1 (none when q1 < q0).
func (b *Board) quarterRange(first Opt[time.Time], from, to Date, now time.Time) (q0, q1 int64) {
	cur := b.quarterIndex(b.Today(now))
	q0, q1 = cur, cur
	if first.OK {
		q0 = b.quarterIndex(dateOfDay(b.localDay(first.V)))
	}
	if !from.IsZero() {
		q0 = b.quarterIndex(from)
	}
	if !to.IsZero() {
		q1 = min(b.quarterIndex(to), cur)
	}
	return q0, q1
}

// completion is one completed item of a quarterly view (a delivered issue, a merged pull
// request): its index in the view's input, when it was completed and its lead time when it
// counts for the lead-time lines (no value: noise, or no lead time).
type completion struct {
	i    int
	at   time.Time
	lead Opt[float64]
}

// quarterly counts completions per quarter of their local date, each once, and computes the
// per-quarter lead-time lines and the flat lines over the complete quarters from the quarter
// of `first` (the board's first issue or first pull request). With members, it also returns
// the indexes of each quarter's completions, in the order given.
func (b *Board) quarterly(first Opt[time.Time], from, to Date, percents []int, now time.Time, items iter.Seq[completion], members bool) (QuarterlySeries, [][]int, error) {
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return QuarterlySeries{}, nil, ErrRange
	}
	if percents == nil {
		percents = defaultPercents
	}
	cur := b.quarterIndex(b.Today(now))
	firstQ := cur
	if first.OK {
		firstQ = b.quarterIndex(dateOfDay(b.localDay(first.V)))
	}
	q0, q1 := firstQ, cur
	if !from.IsZero() {
		q0 = b.quarterIndex(from)
	}
	if !to.IsZero() {
		q1 = min(b.quarterIndex(to), cur)
	}
	out := QuarterlySeries{Percents: percents}
	if q1 < q0 {
		return out, nil, nil
	}
	n := int(q1 - q0 + 1)
	counts := make([]int, n)
	leads := make([][]float64, n)
	var idx [][]int
	if members {
		idx = make([][]int, n)
	}
	for c := range items {
		k := b.quarterIndex(dateOfDay(b.localDay(c.at))) - q0
		if k < 0 || k >= int64(n) {
			continue
		}
		counts[k]++
		if c.lead.OK {
			leads[k] = append(leads[k], c.lead.V)
		}
		if members {
			idx[k] = append(idx[k], c.i)
		}
	}
	var complete []int
	for k := 0; k < n; k++ {
		qi := q0 + int64(k)
		slices.Sort(leads[k])
		row := Quarter{Start: b.quarterStart(qi), End: b.quarterStart(qi + 1).AddDays(-1),
			Partial: qi == cur, Throughput: counts[k], LeadTime: percentilesSorted(leads[k], percents),
			LeadItems: len(leads[k])}
		if !row.Partial && qi >= firstQ {
			complete = append(complete, row.Throughput)
		}
		out.Quarters = append(out.Quarters, row)
	}
	out.Flat, out.FlatQuarters = CountLevels(complete, percents), len(complete)
	return out, idx, nil
}

// firstCreated is the creation time of the board's earliest in-scope issue.
func (b *Board) firstCreated(facts []IssueFacts) Opt[time.Time] {
	var first Opt[time.Time]
	for i := range facts {
		f := &facts[i]
		if f.InScope && (!first.OK || f.Created.Before(first.V)) {
			first = Some(f.Created)
		}
	}
	return first
}

// ScatterPoint is one delivered item on the lead-time scatterplot (noise items are drawn too).
type ScatterPoint struct {
	ID, Key  string // link: <JIRA_URL>/browse/<Key>
	Type     string // current issue type (colour by WorkTypesOf)
	Done     time.Time
	LeadTime float64
	Noise    bool         // left out of the percentile lines
	Blocked  Opt[float64] // flagged time between started and done, in the day mode
}

// Scatter lists the delivered items done in [from, to] (local dates, inclusive; zero = open),
// oldest first.
func (b *Board) Scatter(facts []IssueFacts, workTypes []string, from, to Date) ([]ScatterPoint, error) {
	tf, err := b.filter(workTypes)
	if err != nil {
		return nil, err
	}
	keys := make([]timeKey, 0, len(facts))
	for i := range facts {
		f := &facts[i]
		if !f.InScope || !f.Delivered || !f.LeadTime.OK || !tf.keep(f.Type) || !b.inDates(f.Done.V, from, to) {
			continue
		}
		keys = append(keys, timeKey{f.Done.V.UnixNano(), int32(i)})
	}
	sortTimeKeys(keys)
	out := make([]ScatterPoint, len(keys))
	for k, ky := range keys {
		f := &facts[ky.i]
		out[k] = ScatterPoint{ID: f.ID, Key: f.Key, Type: f.Type, Done: f.Done.V, LeadTime: f.LeadTime.V, Noise: f.Noise(), Blocked: f.Blocked}
	}
	return out, nil
}

// inDates reports whether t's local date is in [from, to] (inclusive; a zero bound is open).
func (b *Board) inDates(t time.Time, from, to Date) bool {
	d := dateOfDay(b.localDay(t))
	return (from.IsZero() || !d.Before(from)) && (to.IsZero() || !d.After(to))
}

// timeKey orders scatterplot points: (time, input index) pairs are sorted instead of the
// points, since a pattern-defeating sort of small keys is several times faster than a stable
// sort moving whole points, with the same order.
type timeKey struct {
	at int64 // Unix nanoseconds
	i  int32
}

func sortTimeKeys(keys []timeKey) {
	slices.SortFunc(keys, func(a, b timeKey) int {
		if a.at != b.at {
			return cmp.Compare(a.at, b.at)
		}
		return cmp.Compare(a.i, b.i)
	})
}

// NextQuarter is the quarter after the one holding now: its first day and the number of
// Monday-to-Sunday weeks that overlap it (13 or 14), the horizon of its Monte Carlo forecast.
func (b *Board) NextQuarter(now time.Time) (start Date, weeks int) {
	qi := b.quarterIndex(b.Today(now)) + 1
	start = b.quarterStart(qi)
	last := b.quarterStart(qi + 1).AddDays(-1)
	return start, int(weekOf(last.day()) - weekOf(start.day()) + 1)
}
