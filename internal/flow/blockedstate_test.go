package flow

import (
	"fmt"
	"math"
	"testing"
	"testing/quick"
	"time"
)

// TestBlockedInState: blocked time split by the state the issue was in while flagged. Board:
// simpleBoard (To Do | Dev | Review | Done, lead time Dev..Done, UTC), dates in March 2025
// (Mon 3, Tue 4, Wed 5, Thu 6, Fri 7, Sat 8, Sun 9, Mon 10, Tue 11). Expected values are
// [Dev, Review, outside the window], in the board's day mode.
func TestBlockedInState(t *testing.T) {
	t.Parallel()
	type flag struct {
		at string
		on bool
	}
	cases := []struct {
		name      string
		mode      DayMode
		created   string
		changes   []string // (at, from, to) triples
		flags     []flag
		inState   [3]float64 // Dev, Review, outside: the time per state, for reference
		blocked   [3]float64
		wantTotal float64
	}{
		{
			// Dev Mon 09:00, Review Wed 09:00, Done Fri 09:00: Dev 2.0, Review 2.0, lead 4.0.
			// Flag 1: Mon 08:30 (before the start) to Mon 12:00, clipped to Mon 09:00-12:00 =
			// 3/24 = 0.125 in Dev. Flag 2: Tue 09:00 to Thu 09:00 crosses into Review at Wed
			// 09:00: Dev Tue 09:00-Wed 09:00 = 1.0, Review Wed 09:00-Thu 09:00 = 1.0. Flag 3:
			// Thu 12:00-18:00 = 6/24 = 0.25 in Review.
			// Dev 0.125 + 1.0 = 1.125; Review 1.0 + 0.25 = 1.25; total 2.375.
			name: "across a state change, flag before the start", mode: Working, created: "2025-03-03T08:00:00Z",
			changes: []string{"2025-03-03T09:00:00Z", "1", "2", "2025-03-05T09:00:00Z", "2", "3", "2025-03-07T09:00:00Z", "3", "4"},
			flags: []flag{{"2025-03-03T08:30:00Z", true}, {"2025-03-03T12:00:00Z", false},
				{"2025-03-04T09:00:00Z", true}, {"2025-03-06T09:00:00Z", false},
				{"2025-03-06T12:00:00Z", true}, {"2025-03-06T18:00:00Z", false}},
			inState: [3]float64{2, 2, 0}, blocked: [3]float64{1.125, 1.25, 0}, wantTotal: 2.375,
		},
		{
			// Dev Thu 12:00, back to To Do Fri 12:00, Dev again Mon 12:00, Done Tue 12:00.
			// Working days: Dev Thu 12-Fri 12 = 1.0 + Mon 12-Tue 12 = 1.0 = 2.0; outside Fri
			// 12:00-Mon 12:00 = 0.5 (Fri) + 0 + 0 + 0.5 (Mon) = 1.0; lead 3.0.
			// Flagged Fri 06:00 to Mon 18:00: in the first Dev stay Fri 06:00-12:00 = 0.25;
			// outside Fri 12:00-Mon 12:00 = 1.0; in the second Dev stay Mon 12:00-18:00 = 0.25.
			// Dev 0.5, outside 1.0; total 1.5 (= Fri 18/24 + Mon 18/24, the flag's working time).
			name: "moved back while flagged, weekend, working days", mode: Working, created: "2025-03-06T08:00:00Z",
			changes: []string{"2025-03-06T12:00:00Z", "1", "2", "2025-03-07T12:00:00Z", "2", "1",
				"2025-03-10T12:00:00Z", "1", "2", "2025-03-11T12:00:00Z", "2", "4"},
			flags:   []flag{{"2025-03-07T06:00:00Z", true}, {"2025-03-10T18:00:00Z", false}},
			inState: [3]float64{2, 0, 1}, blocked: [3]float64{0.5, 0, 1}, wantTotal: 1.5,
		},
		{
			// The same issue in calendar days: Dev 1 + 1 = 2, outside Fri 12:00-Mon 12:00 = 3,
			// lead 5. Blocked: Dev 0.25 + 0.25 = 0.5, outside 3.0; total 3.5 (Fri 06:00 to Mon
			// 18:00 = 3.5 days).
			name: "moved back while flagged, weekend, calendar days", mode: Calendar, created: "2025-03-06T08:00:00Z",
			changes: []string{"2025-03-06T12:00:00Z", "1", "2", "2025-03-07T12:00:00Z", "2", "1",
				"2025-03-10T12:00:00Z", "1", "2", "2025-03-11T12:00:00Z", "2", "4"},
			flags:   []flag{{"2025-03-07T06:00:00Z", true}, {"2025-03-10T18:00:00Z", false}},
			inState: [3]float64{2, 0, 3}, blocked: [3]float64{0.5, 0, 3}, wantTotal: 3.5,
		},
		{
			// Flagged Sun 2 Mar 09:00, before the issue was created (Mon 10:00): the flag counts
			// from creation; never unflagged, and a second "flagged" changes nothing. Dev Mon
			// 12:00, Review Tue 12:00, Done Wed 12:00: blocked from the start to done, Dev 1.0,
			// Review 1.0, total 2.0 = the lead time.
			name: "flagged before creation, never unflagged", mode: Working, created: "2025-03-03T10:00:00Z",
			changes: []string{"2025-03-03T12:00:00Z", "1", "2", "2025-03-04T12:00:00Z", "2", "3", "2025-03-05T12:00:00Z", "3", "4"},
			flags:   []flag{{"2025-03-02T09:00:00Z", true}, {"2025-03-04T15:00:00Z", true}},
			inState: [3]float64{1, 1, 0}, blocked: [3]float64{1, 1, 0}, wantTotal: 2,
		},
		{
			// Flagged only after done (Wed 13:00-14:00) and unflagged before the start: nothing.
			name: "flags outside the lead-time window", mode: Working, created: "2025-03-03T08:00:00Z",
			changes: []string{"2025-03-03T12:00:00Z", "1", "2", "2025-03-05T12:00:00Z", "2", "4"},
			flags: []flag{{"2025-03-03T08:00:00Z", true}, {"2025-03-03T11:00:00Z", false},
				{"2025-03-05T13:00:00Z", true}, {"2025-03-05T14:00:00Z", false}},
			inState: [3]float64{2, 0, 0}, blocked: [3]float64{0, 0, 0}, wantTotal: 0,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b := simpleBoard(t, func(cfg *BoardConfig) { cfg.DayMode = c.mode })
			is := hist(t, "X", c.created, c.changes...)
			for _, f := range c.flags {
				is.Flags = append(is.Flags, FlagChange{At: at(t, f.at), Flagged: f.on})
			}
			f := b.Facts(is, at(t, "2025-03-20T12:00:00Z"))
			ts, ok := f.TimeInState.Get()
			if !ok || !f.Blocked.OK {
				t.Fatalf("no time in state or blocked time: %+v", f)
			}
			gotIn := [3]float64{ts.InState[0], ts.InState[1], ts.Outside}
			gotBl := [3]float64{ts.Blocked[0], ts.Blocked[1], ts.BlockedOutside}
			for i := range 3 {
				if !near(gotIn[i], c.inState[i]) || !near(gotBl[i], c.blocked[i]) {
					t.Errorf("time per state %v, blocked per state %v; want %v, %v", gotIn, gotBl, c.inState, c.blocked)
					break
				}
			}
			if !near(f.Blocked.V, c.wantTotal) || !near(ts.BlockedTotal(), c.wantTotal) {
				t.Errorf("blocked %v, per-state sum %v; want %v", f.Blocked.V, ts.BlockedTotal(), c.wantTotal)
			}
		})
	}
}

// TestBlockedInStateProperties: on random histories with several flag intervals (flags before
// creation, before the start, after done, overlapping reopens), in both day modes and a zone
// with DST: the per-state blocked times are >= 0, each within its state's time, and they sum to
// the item's blocked time.
func TestBlockedInStateProperties(t *testing.T) {
	t.Parallel()
	for _, mode := range []DayMode{Working, Calendar} {
		b := genBoard(t, mode)
		prop := func(seed uint64) bool {
			rng := NewRand(seed)
			for _, is := range genIssues(rng, 150, 14, propStart, propSpan) {
				// Several flag changes around the issue's life, unordered on purpose.
				is.Flags = nil
				for k := rng.IntN(7); k > 0; k-- {
					at := is.Created.Add(time.Duration(rng.Int64N(int64(60*24*time.Hour))) - 5*24*time.Hour)
					is.Flags = append(is.Flags, FlagChange{At: at, Flagged: rng.IntN(2) == 0})
				}
				f := b.Facts(is, propNow())
				if msg := blockedStateViolation(&f); msg != "" {
					t.Logf("%s (mode %s): %s; flags %v; facts %+v", is.Key, mode, msg, is.Flags, f)
					return false
				}
			}
			return true
		}
		if err := quick.Check(prop, &quick.Config{MaxCount: 40}); err != nil {
			t.Error(err)
		}
	}
}

func blockedStateViolation(f *IssueFacts) string {
	ts, ok := f.TimeInState.Get()
	if !ok {
		return ""
	}
	if len(ts.Blocked) != len(ts.InState) {
		return fmt.Sprintf("%d per-state blocked values for %d states", len(ts.Blocked), len(ts.InState))
	}
	tol := 1e-9 * math.Max(1, f.LeadTime.V)
	for i, v := range ts.Blocked {
		if v < 0 || v > ts.InState[i]+tol {
			return fmt.Sprintf("state %d: blocked %v of %v", i, v, ts.InState[i])
		}
	}
	if ts.BlockedOutside < 0 || ts.BlockedOutside > ts.Outside+tol {
		return fmt.Sprintf("outside: blocked %v of %v", ts.BlockedOutside, ts.Outside)
	}
	if !f.Blocked.OK || math.Abs(ts.BlockedTotal()-f.Blocked.V) > tol {
		return fmt.Sprintf("per-state blocked sums to %v, blocked time %v", ts.BlockedTotal(), f.Blocked)
	}
	return ""
}

// TestWeeklyMeanBlockedByState: the detailed view's mean blocked time per state, over the same
// items as the mean time per state. Working days, UTC, W = 4; now Wed 5 Feb 2025.
//
//	P  Dev Mon Jan 6 09:00, Review Wed Jan 8 09:00, Done Fri Jan 10 09:00;
//	   flagged Tue 7 09:00 - Thu 9 09:00: Dev 1.0, Review 1.0
//	Q  Dev Mon Jan 13 09:00, Done Wed Jan 15 09:00 (no Review); flagged Mon 09:00-21:00: Dev 0.5
//	R  Dev Mon Jan 20 09:00, Done Tue Jan 21 09:00; never flagged
//
// The window ending with the week of Jan 27 holds P, Q, R: Dev (1.0 + 0.5 + 0) / 3 = 0.5,
// Review (1.0 + 0 + 0) / 3 = 1/3, outside 0; they add up to the mean blocked time
// (2.0 + 0.5 + 0) / 3 = 5/6.
func TestWeeklyMeanBlockedByState(t *testing.T) {
	t.Parallel()
	b := simpleBoard(t, nil)
	now := at(t, "2025-02-05T12:00:00Z")
	p := hist(t, "P", "2025-01-06T08:00:00Z", "2025-01-06T09:00:00Z", "1", "2", "2025-01-08T09:00:00Z", "2", "3", "2025-01-10T09:00:00Z", "3", "4")
	p.Flags = []FlagChange{{at(t, "2025-01-07T09:00:00Z"), true}, {at(t, "2025-01-09T09:00:00Z"), false}}
	q := hist(t, "Q", "2025-01-06T08:00:00Z", "2025-01-13T09:00:00Z", "1", "2", "2025-01-15T09:00:00Z", "2", "4")
	q.Flags = []FlagChange{{at(t, "2025-01-13T09:00:00Z"), true}, {at(t, "2025-01-13T21:00:00Z"), false}}
	r := hist(t, "R", "2025-01-06T08:00:00Z", "2025-01-20T09:00:00Z", "1", "2", "2025-01-21T09:00:00Z", "2", "4")
	facts := []IssueFacts{b.Facts(p, now), b.Facts(q, now), b.Facts(r, now)}
	s, err := b.Weekly(facts, WeeklyQuery{From: Date{2025, 1, 27}, To: Date{2025, 2, 2}}, now)
	if err != nil {
		t.Fatal(err)
	}
	w := s.Weeks[0]
	st, ok := w.ByState.Get()
	if !ok || len(st.Blocked) != 2 {
		t.Fatalf("week %s: by state %v", w.Monday, w.ByState)
	}
	if !near(st.Blocked[0], 0.5) || !near(st.Blocked[1], 1.0/3) || !near(st.BlockedOutside, 0) {
		t.Errorf("blocked by state %v, outside %v; want [0.5 0.333], 0", st.Blocked, st.BlockedOutside)
	}
	if !w.Blocked.OK || !near(w.Blocked.V, 5.0/6) || !near(st.BlockedTotal(), w.Blocked.V) {
		t.Errorf("mean blocked %v, per-state sum %v; want 5/6 both", w.Blocked, st.BlockedTotal())
	}

	// Facts stored before per-state blocked time was kept (Blocked nil): no per-state mean
	// rather than a mean of some of the items.
	facts[1].TimeInState.V.Blocked = nil
	s, err = b.Weekly(facts, WeeklyQuery{From: Date{2025, 1, 27}, To: Date{2025, 2, 2}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if st := s.Weeks[0].ByState.V; st.Blocked != nil || !near(st.InState[0], (2+2+1)/3.0) {
		t.Errorf("with an old fact: blocked by state %v (want none), Dev %v (want 5/3)", st.Blocked, st.InState[0])
	}
}
