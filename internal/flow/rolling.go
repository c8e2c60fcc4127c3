package flow

import (
	"slices"
)

// rolling computes the statistics over a rolling window of complete weeks, shared by the JIRA
// and PR weekly views and by aging WIP.
type rolling struct {
	window   int
	first    int64 // weeks before it do not count
	lo       int64 // week of counts[0]
	counts   []int // completions per week lo..
	items    []rollItem
	sorted   bool
	states   int // length of StateTimes.InState; 0 = no per-state breakdown
	percents []int

	scratchC []int
	scratchL []float64
	scratchM []float64
	// After sorting: start[k] is the first item of week lo+k, and vals the
	// items' lead times sorted within each week (windows merge them).
	start []int
	vals  []float64
}

type rollItem struct {
	week    int64
	lead    float64
	ts      *StateTimes
	blocked Opt[float64]
}

func newRolling(window int, first, lo, hi int64, states int, percents []int) *rolling {
	r := &rolling{window: window, first: first, lo: lo, states: states, percents: percents}
	if hi >= lo {
		r.counts = make([]int, hi-lo+1)
	}
	return r
}

// complete records one completion in week w.
func (r *rolling) complete(w int64) {
	if i := w - r.lo; i >= 0 && i < int64(len(r.counts)) {
		r.counts[i]++
	}
}

// addCompleted records n completions in week w.
func (r *rolling) addCompleted(w int64, n int) {
	if i := w - r.lo; i >= 0 && i < int64(len(r.counts)) {
		r.counts[i] += n
	}
}

func (r *rolling) count(w int64) int {
	if i := w - r.lo; i >= 0 && i < int64(len(r.counts)) {
		return r.counts[i]
	}
	return 0
}

// lead records a lead time (already filtered: delivered, not noise) completed in week w, with
// the item's time per state and blocked time when known.
func (r *rolling) lead(w int64, v float64, ts *StateTimes, blocked Opt[float64]) {
	if w < r.lo || w >= r.lo+int64(len(r.counts)) {
		return
	}
	r.items = append(r.items, rollItem{w, v, ts, blocked})
	r.sorted = false
}

// windowStats are the statistics of the window ending with a complete week.
type windowStats struct {
	weeks      int
	likelihood []CountLevel
	variation  Opt[float64]
	leadTime   []Level
	leadItems  int
	byState    Opt[StateTimes]
	blocked    Opt[float64]
}

// minWeeks: with fewer weeks of history than this a rolling statistic is a gap.
const minWeeks = 4

// windowWeeks is the number of weeks the window ending with week w can use.
func (r *rolling) windowWeeks(w int64) int {
	if w < r.first {
		return 0
	}
	from := max(w-int64(r.window)+1, r.first)
	return int(w - from + 1)
}

func (r *rolling) stats(w int64) windowStats {
	st := windowStats{weeks: r.windowWeeks(w)}
	if st.weeks < minWeeks {
		return st
	}
	from := w - int64(st.weeks) + 1
	r.scratchC = r.scratchC[:0]
	for x := from; x <= w; x++ {
		r.scratchC = append(r.scratchC, r.count(x))
	}
	st.likelihood = CountLevels(r.scratchC, r.percents)
	st.variation = Some(must(Variation(r.scratchC)))

	if !r.sorted {
		r.sortByWeek()
	}
	i, j := r.start[from-r.lo], r.start[w-r.lo+1]
	win := r.items[i:j]
	if len(win) == 0 {
		return st
	}
	st.leadTime = percentilesSorted(r.windowSorted(from, w), r.percents)
	st.leadItems = len(win)
	sum, nb := 0.0, 0
	for _, it := range win {
		if v, ok := it.blocked.Get(); ok {
			sum += v
			nb++
		}
	}
	if nb > 0 {
		st.blocked = Some(sum / float64(nb))
	}
	if r.states > 0 {
		mean := StateTimes{InState: make([]float64, r.states), Blocked: make([]float64, r.states)}
		n, nb := 0, 0
		for _, it := range win {
			if it.ts == nil || len(it.ts.InState) != r.states {
				continue // facts from an older mapping: leave them out of the breakdown
			}
			for k, v := range it.ts.InState {
				mean.InState[k] += v
			}
			mean.Outside += it.ts.Outside
			n++
			if len(it.ts.Blocked) == r.states {
				for k, v := range it.ts.Blocked {
					mean.Blocked[k] += v
				}
				mean.BlockedOutside += it.ts.BlockedOutside
				nb++
			}
		}
		if n > 0 {
			for k := range mean.InState {
				mean.InState[k] /= float64(n)
				mean.Blocked[k] /= float64(n)
			}
			mean.Outside /= float64(n)
			mean.BlockedOutside /= float64(n)
			if nb != n {
				// Some facts predate per-state blocked time (stored before it was kept): a
				// mean of the others would mislead, so there is none until the next rebuild.
				mean.Blocked, mean.BlockedOutside = nil, 0
			}
			st.byState = Some(mean)
		}
	}
	return st
}

// flat applies the count rule over the complete weeks w0..w1 that are not before the first
// issue (flat lines skip those weeks); nil without any such week.
func (r *rolling) flat(w0, w1 int64) ([]CountLevel, int) {
	var cs []int
	for w := max(w0, r.first); w <= w1; w++ {
		cs = append(cs, r.count(w))
	}
	return CountLevels(cs, r.percents), len(cs)
}

// sortByWeek orders the items by week, keeping their order within a week
// (a counting sort: weeks are the buckets lo..), and sorts each week's
// lead times once for windowSorted.
func (r *rolling) sortByWeek() {
	n := len(r.counts)
	r.start = make([]int, n+1)
	for _, it := range r.items {
		r.start[it.week-r.lo+1]++
	}
	for k := 1; k <= n; k++ {
		r.start[k] += r.start[k-1]
	}
	next := slices.Clone(r.start[:n])
	sorted := make([]rollItem, len(r.items))
	for _, it := range r.items {
		k := it.week - r.lo
		sorted[next[k]] = it
		next[k]++
	}
	r.items = sorted
	r.vals = make([]float64, len(sorted))
	for k, it := range sorted {
		r.vals[k] = it.lead
	}
	for k := range n {
		slices.Sort(r.vals[r.start[k]:r.start[k+1]])
	}
	r.sorted = true
}

// windowSorted is the lead times of weeks from..w in order: the weeks'
// sorted runs merged pairwise (the same values a sort of the window gives).
func (r *rolling) windowSorted(from, w int64) []float64 {
	a := append(r.scratchL[:0], r.vals[r.start[from-r.lo]:r.start[from-r.lo+1]]...)
	for x := from + 1; x <= w; x++ {
		b := r.vals[r.start[x-r.lo]:r.start[x-r.lo+1]]
		if len(b) == 0 {
			continue
		}
		m := r.scratchM[:0]
		i, j := 0, 0
		for i < len(a) && j < len(b) {
			if b[j] < a[i] {
				m = append(m, b[j])
				j++
			} else {
				m = append(m, a[i])
				i++
			}
		}
		m = append(append(m, a[i:]...), b[j:]...)
		a, r.scratchM = m, a[:0]
	}
	r.scratchL = a
	return a
}

func must[T any](v T, _ bool) T { return v }
