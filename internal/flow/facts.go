package flow

import "time"

// StateTimes splits a lead time by state: InState[i] is the time spent in in-progress column
// Start+i; Outside is the time in the interval spent outside [Start, End) (moved back below the
// start, or in a done state before a reopen). They sum to the lead time.
//
// Blocked splits the item's blocked time the same way: Blocked[i] is the part of InState[i]
// during which the issue was flagged, BlockedOutside the flagged part of Outside. Flag intervals
// are clipped to [started, done] and cut where the issue changed position; each piece is
// measured in the day mode like the stays themselves, so Blocked[i] <= InState[i] and the
// parts sum to the item's blocked time. Nil Blocked = not known (facts stored before per-state
// blocked time was kept).
type StateTimes struct {
	InState []float64
	Outside float64

	Blocked        []float64
	BlockedOutside float64
}

// BlockedTotal is the sum of the per-state blocked times and the blocked time outside the
// window: the item's blocked time.
func (ts *StateTimes) BlockedTotal() float64 {
	sum := ts.BlockedOutside
	for _, v := range ts.Blocked {
		sum += v
	}
	return sum
}

// IssueFacts are the per-issue results the views aggregate. Compute them with Board.Facts after
// each sync and store them; Age and, for issues not done, Blocked are as of the `now` given.
type IssueFacts struct {
	ID, Key, Type string
	Created       time.Time
	InScope       bool

	Position int       // current column, or BeforeBoard
	Since    time.Time // when the issue entered its current position

	Started Opt[time.Time] // first moment in [Start, End)
	Done    Opt[time.Time] // last entry into >= End, when the issue is (still) there

	Delivered          bool // done, started, resolution valid
	Abandoned          bool // done with an invalid resolution
	ClosedNotDelivered bool // done but not delivered: abandoned or straight to done

	LeadTime       Opt[float64] // Done - Started in the day mode (whenever both exist)
	CalendarDays   Opt[float64] // Done - Started in elapsed days
	TimeInState    Opt[StateTimes]
	FlowEfficiency Opt[float64] // time in active states / lead time; none when lead time is 0
	Blocked        Opt[float64] // flagged time between Started and Done (or now)
	BlockedShare   Opt[float64] // Blocked / LeadTime, done issues only
	Age            Opt[float64] // now - Started, while in progress

	// Data quality: status changes dated before creation (moved to creation), and a current
	// status field that disagrees with the history's last change (the history wins).
	MovedChanges   int
	StatusMismatch bool
}

// noiseLimit: items shorter than 0.01 calendar day are data noise for lead-time statistics.
const noiseLimit = 864 * time.Second

// Noise reports whether the item's unrounded calendar lead time is below 0.01 day: it still
// counts in throughput and on the scatterplot, but not in lead-time statistics.
func (f *IssueFacts) Noise() bool {
	return f.Started.OK && f.Done.OK && f.Done.V.Sub(f.Started.V) < noiseLimit
}

// countsForLeadTime: delivered, with a lead time, not noise.
func (f *IssueFacts) countsForLeadTime() bool {
	return f.Delivered && f.LeadTime.OK && !f.Noise()
}

// Facts replays one issue and computes its facts at `now`. It allocates only the TimeInState
// slice of issues with a lead time (histories longer than 31 position changes also allocate).
func (b *Board) Facts(is Issue, now time.Time) IssueFacts {
	var buf [32]step
	steps, moved, mismatch := b.replay(&is, buf[:0])
	f := IssueFacts{ID: is.ID, Key: is.Key, Type: is.Type, Created: is.Created, InScope: is.InScope(),
		MovedChanges: moved, StatusMismatch: mismatch}
	last := steps[len(steps)-1]
	f.Position, f.Since = int(last.pos), last.at

	s, e := int16(b.start), int16(b.end)
	startIdx, doneIdx := -1, -1
	for i, st := range steps {
		if startIdx < 0 && st.pos >= s && st.pos < e {
			startIdx = i
		}
		if st.pos >= e && (i == 0 || steps[i-1].pos < e) {
			doneIdx = i
		}
	}
	if last.pos < e {
		doneIdx = -1 // reopened and not back: not done
	}
	if startIdx >= 0 {
		f.Started = Some(steps[startIdx].at)
	}
	if doneIdx >= 0 {
		f.Done = Some(steps[doneIdx].at)
		f.Abandoned = b.invalidResolution(is.Resolution)
		// Started at or before done at always holds when both exist: entering [s, e) comes
		// before the final entry into >= e.
		f.Delivered = startIdx >= 0 && startIdx <= doneIdx && !f.Abandoned
		f.ClosedNotDelivered = !f.Delivered
	}

	if startIdx >= 0 && doneIdx >= 0 {
		a, c := steps[startIdx].ns, steps[doneIdx].ns
		lead := b.span(a, c)
		f.LeadTime = Some(lead)
		f.CalendarDays = Some(steps[doneIdx].at.Sub(steps[startIdx].at).Hours() / 24)
		n := b.end - b.start
		both := make([]float64, 2*n) // one allocation for InState and Blocked
		ts := StateTimes{InState: both[:n:n], Blocked: both[n:]}
		var fbuf [8][2]int64
		flags := b.flagIntervals(&is, a, c, fbuf[:0])
		k := 0 // the first flag interval that may overlap the current stay
		active := 0.0
		for i := startIdx; i < doneIdx; i++ {
			x, y := steps[i].ns, steps[i+1].ns
			d := b.span(x, y)
			// Flagged time within the stay [x, y): the flag intervals are sorted and disjoint.
			bl := 0.0
			for k < len(flags) && flags[k][1] <= x {
				k++
			}
			for j := k; j < len(flags) && flags[j][0] < y; j++ {
				bl += b.span(max(flags[j][0], x), min(flags[j][1], y))
			}
			if p := steps[i].pos; p >= s && p < e {
				ts.InState[p-s] += d
				ts.Blocked[p-s] += bl
				if b.active[p] {
					active += d
				}
			} else {
				ts.Outside += d
				ts.BlockedOutside += bl
			}
		}
		f.TimeInState = Some(ts)
		if lead > 0 {
			f.FlowEfficiency = Some(active / lead)
		}
	}

	if startIdx >= 0 {
		end := now
		if doneIdx >= 0 {
			end = steps[doneIdx].at
		}
		blocked := b.blocked(&is, steps[startIdx].ns, instant(end))
		f.Blocked = Some(blocked)
		if doneIdx >= 0 && f.LeadTime.V > 0 {
			f.BlockedShare = Some(blocked / f.LeadTime.V)
		}
	}
	if startIdx >= 0 && b.InProgress(f.Position) {
		f.Age = Some(b.span(steps[startIdx].ns, instant(now)))
	}
	return f
}

// flagIntervals appends the instants [x, y) during which the issue was flagged, clipped to
// [from, to] (empty pieces left out), in order: an issue is unflagged at creation; flag changes
// before creation move to creation.
func (b *Board) flagIntervals(is *Issue, from, to int64, dst [][2]int64) [][2]int64 {
	if to <= from || len(is.Flags) == 0 {
		return dst
	}
	cns := instant(is.Created)
	add := func(x, y int64) {
		x, y = max(x, from), min(y, to)
		if y > x {
			dst = append(dst, [2]int64{x, y})
		}
	}
	flagged, since := false, int64(0)
	for _, fc := range orderedFlags(is.Flags) {
		t := max(instant(fc.At), cns)
		switch {
		case fc.Flagged && !flagged:
			flagged, since = true, t
		case !fc.Flagged && flagged:
			add(since, t)
			flagged = false
		}
	}
	if flagged {
		add(since, to)
	}
	return dst
}

// blocked is the flagged time within [from, to], in the day mode. An issue is unflagged at
// creation; flag changes before creation move to creation.
func (b *Board) blocked(is *Issue, from, to int64) float64 {
	if to <= from || len(is.Flags) == 0 {
		return 0
	}
	cns := instant(is.Created)
	total := 0.0
	flagged, since := false, int64(0)
	add := func(x, y int64) {
		x, y = max(x, from), min(y, to)
		total += b.span(x, y)
	}
	for _, fc := range orderedFlags(is.Flags) {
		t := max(instant(fc.At), cns)
		switch {
		case fc.Flagged && !flagged:
			flagged, since = true, t
		case !fc.Flagged && flagged:
			add(since, t)
			flagged = false
		}
	}
	if flagged {
		add(since, to)
	}
	return total
}
