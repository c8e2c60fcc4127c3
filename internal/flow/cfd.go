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
// belongs to the new day. The bands of a day sum to the issues created by then.
func (b *Board) CFD(tracks []Track, q CFDQuery, now time.Time) (CFD, error) {
	tf, err := b.filter(q.WorkTypes)
	if err != nil {
		return CFD{}, err
	}
	today := b.localDay(now)
	d0, d1 := today-182, today
	if !q.From.IsZero() {
		d0 = q.From.day()
	}
	if !q.To.IsZero() {
		d1 = min(q.To.day(), today)
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return CFD{}, ErrRange
	}
	out := CFD{Bands: append([]string{"unmapped"}, b.names...)}
	if d1 < d0 {
		return out, nil
	}
	days := int(d1 - d0 + 1)
	nb := b.n + 1
	// diff[d*nb+band]: +1 on the first day a segment is the end-of-day position, -1 after the
	// last; a prefix sum over days gives the bands. O(segments + days x bands).
	diff := make([]int, (days+1)*nb)
	for i := range tracks {
		tr := &tracks[i]
		if !tr.InScope || !tf.keep(tr.Type) {
			continue
		}
		segs := tr.Segments
		for k := range segs {
			// Segment k is the end-of-day position for local days [ds, de).
			ds := b.localDay(segs[k].From)
			de := d1 + 1
			if k+1 < len(segs) {
				de = min(b.localDay(segs[k+1].From), de)
			}
			ds = max(ds, d0)
			if de <= ds {
				continue
			}
			band := int(segs[k].Pos) + 1
			diff[int(ds-d0)*nb+band]++
			diff[int(de-d0)*nb+band]--
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
// stored facts, so it stays current between syncs).
func (b *Board) AgingWIP(facts []IssueFacts, workTypes []string, now time.Time) (AgingWIP, error) {
	tf, err := b.filter(workTypes)
	if err != nil {
		return AgingWIP{}, err
	}
	var out AgingWIP
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
	series, err := b.Weekly(facts, WeeklyQuery{From: last, To: last.AddDays(6), WorkTypes: workTypes}, now)
	if err != nil {
		return AgingWIP{}, err
	}
	out.LinesWeek = last
	if len(series.Weeks) == 1 {
		out.Lines = series.Weeks[0].LeadTime
	}
	return out, nil
}
