package flow

import (
	"slices"
	"time"
)

// Track is what the CFD needs of an issue: its replayed position segments (store them beside
// the facts) and what filters it.
type Track struct {
	ID, Type string
	InScope  bool
	Segments []Segment // from Board.AppendSegments; Segments[0].From is the creation time
}

// Track replays an issue into a Track.
func (b *Board) Track(is Issue) Track {
	return Track{ID: is.ID, Type: is.Type, InScope: is.InScope(), Segments: b.AppendSegments(nil, is)}
}

// CFDQuery selects a CFD: inclusive local dates (zero From = 26 weeks before today, zero To or
// one past today = today) and work types.
type CFDQuery struct {
	From, To  Date
	WorkTypes []string
}

// CFDDay is one day of the CFD: the issues at each position at the end of the day.
type CFDDay struct {
	Date  Date
	Bands []int // Bands[0] = unmapped (before the board), Bands[1+i] = column i
	WIP   int   // issues in progress (columns Start..End-1) at the end of the day
}

// CFD is the cumulative flow diagram: stacked bands whose top edges are the cumulative arrivals.
type CFD struct {
	Bands []string // "unmapped", then the column names
	Days  []CFDDay
}

// CFD counts, for each day (end of day in the board's zone), the in-scope issues at each
// position. Positions at the end of the day handle backward moves; a change at exactly midnight
// belongs to the new day. The bands of a day sum to the issues created by then. It is CFDFrom
// over the CFD counts of every track.
func (b *Board) CFD(tracks []Track, q CFDQuery, now time.Time) (CFD, error) {
	var c CFDCounter
	for i := range tracks {
		c.Add(b, &tracks[i])
	}
	return b.CFDFrom(c.Counts(), q, now)
}

// CFDCount is one issue type's CFD bands at the end of a day on which they changed: the in-scope
// issues of that type at each position (Bands[0] = unmapped, Bands[1+i] = column i). Between two
// counts of a type its bands stay as the earlier one says; before its first count they are all 0.
// A board's CFD counts are stored with its facts after every rebuild, so a CFD reads the counts of
// the days it shows (and the last one before them) instead of every fact's segments.
type CFDCount struct {
	Day   Date
	Type  string
	Bands []int
}

// CFDCounter aggregates tracks into CFDCounts, one track at a time (a rebuild streams them).
type CFDCounter struct {
	n     int                        // bands
	diffs map[string]map[int64][]int // type -> local day -> change of each band at the end of that day
}

// Add counts one issue's segments (out-of-scope tracks count nowhere).
func (c *CFDCounter) Add(b *Board, tr *Track) {
	if !tr.InScope {
		return
	}
	if c.diffs == nil {
		c.n, c.diffs = b.n+1, map[string]map[int64][]int{}
	}
	byDay := c.diffs[tr.Type]
	if byDay == nil {
		byDay = map[int64][]int{}
		c.diffs[tr.Type] = byDay
	}
	bump := func(day int64, band, v int) {
		d := byDay[day]
		if d == nil {
			d = make([]int, c.n)
			byDay[day] = d
		}
		d[band] += v
	}
	segs := tr.Segments
	for k := range segs {
		// Segment k is the end-of-day position for local days [ds, de); the last one for ever.
		ds := b.localDay(segs[k].From)
		band := int(segs[k].Pos) + 1
		if k+1 < len(segs) {
			de := b.localDay(segs[k+1].From)
			if de <= ds {
				continue
			}
			bump(de, band, -1)
		}
		bump(ds, band, +1)
	}
}

// Counts lists, per type (in name order) and day, the bands on each day they changed.
func (c *CFDCounter) Counts() []CFDCount {
	types := make([]string, 0, len(c.diffs))
	for t := range c.diffs {
		types = append(types, t)
	}
	slices.Sort(types)
	var out []CFDCount
	for _, t := range types {
		byDay := c.diffs[t]
		days := make([]int64, 0, len(byDay))
		for d := range byDay {
			days = append(days, d)
		}
		slices.Sort(days)
		run := make([]int, c.n)
		for _, d := range days {
			changed := false
			for k, v := range byDay[d] {
				run[k] += v
				changed = changed || v != 0
			}
			if changed {
				out = append(out, CFDCount{Day: dateOfDay(d), Type: t, Bands: slices.Clone(run)})
			}
		}
	}
	return out
}

// CFDSpan is the local days a CFD query shows, inclusive (to < from: none). CFDFrom needs the
// counts of those days and, per type, the last count before them; others are ignored.
func (b *Board) CFDSpan(q CFDQuery, now time.Time) (from, to Date, err error) {
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return Date{}, Date{}, ErrRange
	}
	d0, d1 := b.cfdDays(q, now)
	return dateOfDay(d0), dateOfDay(d1), nil
}

func (b *Board) cfdDays(q CFDQuery, now time.Time) (d0, d1 int64) {
	today := b.localDay(now)
	d0, d1 = today-182, today
	if !q.From.IsZero() {
		d0 = q.From.day()
	}
	if !q.To.IsZero() {
		d1 = min(q.To.day(), today)
	}
	return d0, d1
}

// CFDFrom computes the CFD from a board's CFD counts (CFDCounter over every track; counts of each
// type in day order). Given the counts of the days in CFDSpan and the last one before them of each
// type, it equals CFDFrom over all of them.
func (b *Board) CFDFrom(counts []CFDCount, q CFDQuery, now time.Time) (CFD, error) {
	tf, err := b.filter(q.WorkTypes)
	if err != nil {
		return CFD{}, err
	}
	d0, d1 := b.cfdDays(q, now)
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return CFD{}, ErrRange
	}
	out := CFD{Bands: append([]string{"unmapped"}, b.names...)}
	if d1 < d0 {
		return out, nil
	}
	days := int(d1 - d0 + 1)
	nb := b.n + 1
	// diff[d*nb+band]: each type's change of its bands since its previous count, on the day of the
	// count (counts before the range on its first day); a prefix sum over days gives the bands.
	// O(counts x bands + days x bands).
	diff := make([]int, (days+1)*nb)
	prev := make([]int, nb)
	for i := range counts {
		c := &counts[i]
		if i == 0 || c.Type != counts[i-1].Type {
			clear(prev)
		}
		day := c.Day.day()
		if !tf.keep(c.Type) || day > d1 {
			continue
		}
		k := int(max(day, d0)-d0) * nb
		for band := 0; band < nb && band < len(c.Bands); band++ {
			diff[k+band] += c.Bands[band] - prev[band]
			prev[band] = c.Bands[band]
		}
	}
	run := make([]int, nb)
	out.Days = make([]CFDDay, days)
	for d := 0; d < days; d++ {
		day := CFDDay{Date: dateOfDay(d0 + int64(d)), Bands: make([]int, nb)}
		for k := 0; k < nb; k++ {
			run[k] += diff[d*nb+k]
			day.Bands[k] = run[k]
		}
		for p := b.start; p < b.end; p++ {
			day.WIP += run[p+1]
		}
		out.Days[d] = day
	}
	return out, nil
}

// AgingItem is one in-progress issue on the aging-WIP chart.
type AgingItem struct {
	ID, Key, Type string
	Position      int
	State         string
	Started       time.Time
	Since         time.Time // entered its current state
	Age           float64   // now - Started in the day mode
}

// AgingWIP is the aging-WIP chart: in-progress issues, oldest first, against the rolling
// lead-time lines of the last complete week (nil when that week has no statistics).
type AgingWIP struct {
	Items     []AgingItem
	Lines     []Level
	LinesWeek Date // the week the lines come from
}

// AgingWIP lists the in-progress issues with their age at now (recomputed, not taken from the
// stored facts, so it stays current between syncs). It is AgingWIPFrom with every fact as the work
// in progress and the lead-time items, and their weekly counts.
func (b *Board) AgingWIP(facts []IssueFacts, workTypes []string, now time.Time) (AgingWIP, error) {
	var c Counter
	for i := range facts {
		c.Add(b, &facts[i])
	}
	return b.AgingWIPFrom(facts, c.Counts(), facts, workTypes, now)
}

// AgingSpan is when the delivered items whose lead times the aging lines use were done (LeadSpan
// of the last complete week).
func (b *Board) AgingSpan(now time.Time) (from, to time.Time, err error) {
	last := b.WeekOf(now).AddDays(-7)
	return b.LeadSpan(WeeklyQuery{From: last, To: last.AddDays(6)}, now)
}

// AgingWIPFrom computes AgingWIP from the facts of the work in progress (more may be given: only
// in-scope, started issues in progress count, in the order given), the board's weekly counts and
// the facts of the items delivered within AgingSpan (WeeklyFrom's inputs). Given every fact for
// both it equals AgingWIP.
func (b *Board) AgingWIPFrom(wip []IssueFacts, counts []WeekCount, lead []IssueFacts, workTypes []string, now time.Time) (AgingWIP, error) {
	tf, err := b.filter(workTypes)
	if err != nil {
		return AgingWIP{}, err
	}
	var out AgingWIP
	facts := wip
	for i := range facts {
		f := &facts[i]
		if !f.InScope || !b.InProgress(f.Position) || !f.Started.OK || !tf.keep(f.Type) {
			continue
		}
		out.Items = append(out.Items, AgingItem{ID: f.ID, Key: f.Key, Type: f.Type, Position: f.Position,
			State: b.names[f.Position], Started: f.Started.V, Since: f.Since, Age: b.Days(f.Started.V, now)})
	}
	slices.SortStableFunc(out.Items, func(a, b AgingItem) int {
		if a.Age != b.Age {
			if a.Age > b.Age {
				return -1
			}
			return 1
		}
		return a.Started.Compare(b.Started)
	})
	last := b.WeekOf(now).AddDays(-7)
	series, err := b.WeeklyFrom(counts, lead, WeeklyQuery{From: last, To: last.AddDays(6), WorkTypes: workTypes}, now)
	if err != nil {
		return AgingWIP{}, err
	}
	out.LinesWeek = last
	if len(series.Weeks) == 1 {
		out.Lines = series.Weeks[0].LeadTime
	}
	return out, nil
}
