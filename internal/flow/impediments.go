package flow

import (
	"slices"
	"time"
)

// BlockTrack is what the impediments chart needs of an issue: its Flagged history and the
// interval in which flagged time counts as blocked time (Started until Done, or until now while
// the issue is not done), as METRICS.md defines blocked time.
type BlockTrack struct {
	ID, Key, Type string
	InScope       bool
	Created       time.Time
	Started, Done Opt[time.Time]
	Flags         []FlagChange
}

// BlockTrackOf pairs an issue's facts with its Flagged history.
func BlockTrackOf(f *IssueFacts, flags []FlagChange) BlockTrack {
	return BlockTrack{ID: f.ID, Key: f.Key, Type: f.Type, InScope: f.InScope, Created: f.Created,
		Started: f.Started, Done: f.Done, Flags: flags}
}

// ImpedimentWeek is one week of the impediments chart.
type ImpedimentWeek struct {
	Monday  Date
	Partial bool    // the current week, counted up to now
	Items   int     // issues blocked for some time in the week
	Days    float64 // blocked time within the week, summed over issues, in the day mode
}

// BlockedItem is an issue blocked at `now`.
type BlockedItem struct {
	ID, Key, Type string
	Since         time.Time // flagged since
	Days          float64   // blocked time since started, in the day mode
}

// Impediments is the impediments view: blocked items and blocked days per week, and the items
// blocked now (longest blocked first).
type Impediments struct {
	From, To Date // the widened range: first Monday, last Sunday shown
	Weeks    []ImpedimentWeek
	Now      []BlockedItem
}

// blockedIntervals lists the instants [from, to) during which the issue was blocked: flagged
// (unflagged at creation, flag changes before creation moved to creation), clipped to
// [Started, Done or now]. Nil for an issue never started.
func (b *Board) blockedIntervals(t *BlockTrack, now time.Time) [][2]int64 {
	if !t.Started.OK || len(t.Flags) == 0 {
		return nil
	}
	lo, hi := instant(t.Started.V), instant(now)
	if t.Done.OK {
		hi = instant(t.Done.V)
	}
	cns := instant(t.Created)
	var out [][2]int64
	add := func(x, y int64) {
		x, y = max(x, lo), min(y, hi)
		if y > x {
			out = append(out, [2]int64{x, y})
		}
	}
	flagged, since := false, int64(0)
	for _, fc := range orderedFlags(t.Flags) {
		at := max(instant(fc.At), cns)
		switch {
		case fc.Flagged && !flagged:
			flagged, since = true, at
		case !fc.Flagged && flagged:
			add(since, at)
			flagged = false
		}
	}
	if flagged {
		add(since, hi)
	}
	return out
}

// BlockedDays is an issue's blocked time at now (Started until Done, or now) in the day mode,
// and whether it is blocked at now: flagged, started and not done.
func (b *Board) BlockedDays(t BlockTrack, now time.Time) (days float64, blockedNow bool, since time.Time) {
	iv := b.blockedIntervals(&t, now)
	for _, x := range iv {
		days += b.span(x[0], x[1])
	}
	if n := len(iv); n > 0 && !t.Done.OK && iv[n-1][1] == instant(now) && flaggedAt(t.Flags, t.Created, now) {
		return days, true, fromInstant(iv[n-1][0])
	}
	return days, false, time.Time{}
}

// flaggedAt reports whether the Flagged field is set at t.
func flaggedAt(flags []FlagChange, created, t time.Time) bool {
	on := false
	for _, fc := range orderedFlags(flags) {
		at := fc.At
		if at.Before(created) {
			at = created
		}
		if at.After(t) {
			break
		}
		on = fc.Flagged
	}
	return on
}

// ImpedimentsSpan is the instants [from, to) of the weeks Impediments(q, now) counts. An issue
// with no flag change, never started, done before from, or started at or after to and done, adds
// nothing to Impediments: given only the other issues it equals Impediments of every issue.
func (b *Board) ImpedimentsSpan(q WeeklyQuery, now time.Time) (from, to time.Time, err error) {
	w0, w1, _, err := b.weekRange(q.From, q.To, now)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	return fromInstant(b.zone.dayStart(mondayOf(w0))), fromInstant(b.zone.dayStart(mondayOf(w1 + 1))), nil
}

// Impediments counts, for each week of the range (the WeeklyQuery's From, To and WorkTypes), the
// in-scope issues that were blocked for some time in the week and the blocked time within it,
// and lists the issues blocked now. A blocked stretch that spans weeks counts in each, split at
// Monday 00:00 of the board's zone; the current week counts up to now.
func (b *Board) Impediments(tracks []BlockTrack, q WeeklyQuery, now time.Time) (Impediments, error) {
	tf, err := b.filter(q.WorkTypes)
	if err != nil {
		return Impediments{}, err
	}
	w0, w1, cur, err := b.weekRange(q.From, q.To, now)
	if err != nil {
		return Impediments{}, err
	}
	out := Impediments{From: dateOfDay(mondayOf(w0)), To: dateOfDay(mondayOf(w1) + 6)}
	rows := max(int(w1-w0+1), 0)
	out.Weeks = make([]ImpedimentWeek, rows)
	for k := range out.Weeks {
		w := w0 + int64(k)
		out.Weeks[k] = ImpedimentWeek{Monday: dateOfDay(mondayOf(w)), Partial: w == cur}
	}
	for i := range tracks {
		t := &tracks[i]
		if !t.InScope || !tf.keep(t.Type) {
			continue
		}
		last := int64(-1) // the last week row this issue was counted in
		for _, iv := range b.blockedIntervals(t, now) {
			wa, wb := weekOf(b.zone.localDay(iv[0])), weekOf(b.zone.localDay(iv[1]-1))
			for w := max(wa, w0); w <= min(wb, w1); w++ {
				ws := b.zone.dayStart(mondayOf(w))
				we := b.zone.dayStart(mondayOf(w + 1))
				x, y := max(iv[0], ws), min(iv[1], we)
				if y <= x {
					continue
				}
				k := int(w - w0)
				out.Weeks[k].Days += b.span(x, y)
				if int64(k) != last {
					out.Weeks[k].Items++
					last = int64(k)
				}
			}
		}
		if days, now, since := b.BlockedDays(*t, now); now {
			out.Now = append(out.Now, BlockedItem{ID: t.ID, Key: t.Key, Type: t.Type, Since: since, Days: days})
		}
	}
	slices.SortStableFunc(out.Now, func(a, c BlockedItem) int {
		if a.Since.Equal(c.Since) {
			return 0
		}
		if a.Since.Before(c.Since) {
			return -1
		}
		return 1
	})
	return out, nil
}
