package flow

import (
	"fmt"
	"testing"
	"time"
)

func o(v float64) Opt[float64] { return Some(v) }

var no Opt[float64]

type wantFacts struct {
	pos                       int
	started, done             string // "" = no value
	delivered, abandoned, cnd bool
	lead, cal, eff, age       Opt[float64]
	blocked, share            Opt[float64]
	tis                       []float64 // Dev, Review, outside; nil = no value
	noise                     bool
	moved                     int
	mismatch                  bool
}

// TestFactsHandBuilt: hand-built histories on the simple board (UTC, working days; columns
// To Do | Dev | Review (waiting) | Done; lead time from Dev to Done; unmapped: Blocked
// (indeterminate), Triage (new), Closed (done)). March 2025: Mon 3, Tue 4, Wed 5, Thu 6, Fri 7,
// Sat 8, Sun 9, Mon 10. Status ids: 1 To Do, 2 In Progress, 3 Review, 4 Done, 90 Blocked,
// 91 Triage, 92 Closed. now = Fri 14 Mar 12:00.
func TestFactsHandBuilt(t *testing.T) {
	t.Parallel()
	now := at(t, "2025-03-14T12:00:00Z")
	const c = "2025-03-03T08:00:00Z" // created Mon 08:00
	tests := []struct {
		name  string
		issue Issue
		edit  func(*Issue)
		want  wantFacts
	}{
		{
			// Dev Mon 12:00 -> Review Wed 12:00 -> Done Thu 18:00. Dev = Mon 12/24 + Tue 1 +
			// Wed 12/24 = 2; Review = Wed 12/24 + Thu 18/24 = 1.25; lead 3.25; calendar 3 d 6 h;
			// Review waits, so efficiency = 2 / 3.25.
			name: "straight through",
			issue: hist(t, "A", c, "2025-03-03T12:00:00Z", "1", "2", "2025-03-05T12:00:00Z", "2", "3",
				"2025-03-06T18:00:00Z", "3", "4"),
			want: wantFacts{pos: 3, started: "2025-03-03T12:00:00Z", done: "2025-03-06T18:00:00Z", delivered: true,
				lead: o(3.25), cal: o(3.25), eff: o(2 / 3.25), blocked: o(0), share: o(0), tis: []float64{2, 1.25, 0}},
		},
		{
			// Done Tue 09:00, reopened into Dev Wed 09:00, Done again Thu 09:00: it counts once, at
			// Thu; the day in Done (Tue 09:00 -> Wed 09:00) is outside the window. Dev 1 + 1 = 2,
			// lead 3, efficiency 2/3.
			name: "reopen from done into progress",
			issue: hist(t, "B", c, "2025-03-03T09:00:00Z", "1", "2", "2025-03-04T09:00:00Z", "2", "4",
				"2025-03-05T09:00:00Z", "4", "2", "2025-03-06T09:00:00Z", "2", "4"),
			want: wantFacts{pos: 3, started: "2025-03-03T09:00:00Z", done: "2025-03-06T09:00:00Z", delivered: true,
				lead: o(3), cal: o(3), eff: o(2.0 / 3), blocked: o(0), share: o(0), tis: []float64{2, 0, 1}},
		},
		{
			// Reopened into Review and not back: not done; in progress since Mon 09:00, so its
			// age at Fri 14 Mar 12:00 = Mon 15/24 + Tue..Fri 4 + Mon..Thu 4 + Fri 12/24 = 9.125.
			name: "reopened and not done again",
			issue: hist(t, "C", c, "2025-03-03T09:00:00Z", "1", "2", "2025-03-04T09:00:00Z", "2", "4",
				"2025-03-05T09:00:00Z", "4", "3"),
			want: wantFacts{pos: 2, started: "2025-03-03T09:00:00Z", age: o(9.125), blocked: o(0)},
		},
		{
			// Reopened back to To Do: started, but neither done nor in progress (no age).
			name: "reopened below the start",
			issue: hist(t, "D", c, "2025-03-03T09:00:00Z", "1", "2", "2025-03-04T09:00:00Z", "2", "4",
				"2025-03-05T09:00:00Z", "4", "1"),
			want: wantFacts{pos: 0, started: "2025-03-03T09:00:00Z", blocked: o(0)},
		},
		{
			// Dev Mon 09:00, back to To Do Tue 09:00, Dev Wed 09:00, Done Thu 09:00: the day in To
			// Do is outside the window; lead 3 = Dev 2 + outside 1.
			name: "backward below the start and back",
			issue: hist(t, "E", c, "2025-03-03T09:00:00Z", "1", "2", "2025-03-04T09:00:00Z", "2", "1",
				"2025-03-05T09:00:00Z", "1", "2", "2025-03-06T09:00:00Z", "2", "4"),
			want: wantFacts{pos: 3, started: "2025-03-03T09:00:00Z", done: "2025-03-06T09:00:00Z", delivered: true,
				lead: o(3), cal: o(3), eff: o(2.0 / 3), blocked: o(0), share: o(0), tis: []float64{2, 0, 1}},
		},
		{
			// Straight into Review (skipping Dev) Mon 09:00, back to Dev Tue 09:00, Done Wed 09:00:
			// started on entering Review; Review 1, Dev 1; efficiency 1/2.
			name: "skip forward then backward within progress",
			issue: hist(t, "F", c, "2025-03-03T09:00:00Z", "1", "3", "2025-03-04T09:00:00Z", "3", "2",
				"2025-03-05T09:00:00Z", "2", "4"),
			want: wantFacts{pos: 3, started: "2025-03-03T09:00:00Z", done: "2025-03-05T09:00:00Z", delivered: true,
				lead: o(2), cal: o(2), eff: o(0.5), blocked: o(0), share: o(0), tis: []float64{1, 1, 0}},
		},
		{
			// To Do -> Done: never in progress, so closed, not delivered; no lead time.
			name:  "straight to done",
			issue: hist(t, "G", c, "2025-03-04T09:00:00Z", "1", "4"),
			edit:  func(is *Issue) { is.Resolution = "Done" },
			want:  wantFacts{pos: 3, done: "2025-03-04T09:00:00Z", cnd: true},
		},
		{
			// Worked on, then closed as Won't Fix: abandoned (closed, not delivered); the time it
			// took is still a lead time (2 days), but no view counts it as delivered.
			name:  "won't fix after work",
			issue: hist(t, "H", c, "2025-03-03T09:00:00Z", "1", "2", "2025-03-05T09:00:00Z", "2", "4"),
			edit:  func(is *Issue) { is.Resolution = "won't fix" },
			want: wantFacts{pos: 3, started: "2025-03-03T09:00:00Z", done: "2025-03-05T09:00:00Z", abandoned: true, cnd: true,
				lead: o(2), cal: o(2), eff: o(1), blocked: o(0), share: o(0), tis: []float64{2, 0, 0}},
		},
		{
			name:  "duplicate straight to done",
			issue: hist(t, "I", c, "2025-03-04T09:00:00Z", "1", "4"),
			edit:  func(is *Issue) { is.Resolution = "Duplicate" },
			want:  wantFacts{pos: 3, done: "2025-03-04T09:00:00Z", abandoned: true, cnd: true},
		},
		{
			// An invalid resolution on an issue that is not done does not make it abandoned.
			name:  "invalid resolution while in progress",
			issue: hist(t, "J", c, "2025-03-03T09:00:00Z", "1", "2"),
			edit:  func(is *Issue) { is.Resolution = "Won't Do" },
			want:  wantFacts{pos: 1, started: "2025-03-03T09:00:00Z", age: o(9.125), blocked: o(0)},
		},
		{
			// No changes and the status field says In Progress: created in progress, started at
			// creation (Mon 08:00): age = Mon 16/24 + 8 + Fri 12/24 = 9.1667.
			name:  "created in progress",
			issue: hist(t, "K", c),
			edit:  func(is *Issue) { is.Status = "2" },
			want:  wantFacts{pos: 1, started: c, age: o(9 + 4.0/24), blocked: o(0)},
		},
		{
			// Created directly in Done: done at creation, never started.
			name:  "created in done",
			issue: hist(t, "L", c),
			edit:  func(is *Issue) { is.Status = "4"; is.Resolution = "Done" },
			want:  wantFacts{pos: 3, done: c, cnd: true},
		},
		{
			// Blocked is unmapped (indeterminate): entering it keeps the Dev position, so its
			// time counts toward Dev. Dev Mon 09:00 -> Blocked Tue 09:00 -> Review Wed 09:00 ->
			// Done Thu 09:00: Dev 2, Review 1.
			name: "unmapped status keeps the position",
			issue: hist(t, "M", c, "2025-03-03T09:00:00Z", "1", "2", "2025-03-04T09:00:00Z", "2", "90",
				"2025-03-05T09:00:00Z", "90", "3", "2025-03-06T09:00:00Z", "3", "4"),
			want: wantFacts{pos: 3, started: "2025-03-03T09:00:00Z", done: "2025-03-06T09:00:00Z", delivered: true,
				lead: o(3), cal: o(3), eff: o(2.0 / 3), blocked: o(0), share: o(0), tis: []float64{2, 1, 0}},
		},
		{
			// Closed is unmapped but in the done category: it counts as the last column, so the
			// issue is done (delivered) rather than in progress forever.
			name:  "unmapped done status closes",
			issue: hist(t, "N", c, "2025-03-03T09:00:00Z", "1", "2", "2025-03-04T09:00:00Z", "2", "92"),
			edit:  func(is *Issue) { is.Resolution = "Fixed" },
			want: wantFacts{pos: 3, started: "2025-03-03T09:00:00Z", done: "2025-03-04T09:00:00Z", delivered: true,
				lead: o(1), cal: o(1), eff: o(1), blocked: o(0), share: o(0), tis: []float64{1, 0, 0}},
		},
		{
			// Created in Triage (unmapped, new): before the board; moving to Blocked (unmapped)
			// keeps it there.
			name:  "unmapped initial status",
			issue: hist(t, "O", c, "2025-03-03T10:00:00Z", "91", "90"),
			want:  wantFacts{pos: BeforeBoard},
		},
		{
			// Triage -> Dev Tue 09:00 -> Done Wed 09:00: starts on entering Dev.
			name:  "unmapped initial status then the board",
			issue: hist(t, "P", c, "2025-03-04T09:00:00Z", "91", "2", "2025-03-05T09:00:00Z", "2", "4"),
			want: wantFacts{pos: 3, started: "2025-03-04T09:00:00Z", done: "2025-03-05T09:00:00Z", delivered: true,
				lead: o(1), cal: o(1), eff: o(1), blocked: o(0), share: o(0), tis: []float64{1, 0, 0}},
		},
		{
			// Created in Closed (unmapped, done): in the last column from creation, closed, not
			// delivered.
			name:  "unmapped done initial status",
			issue: hist(t, "Q", c),
			edit:  func(is *Issue) { is.Status = "92" },
			want:  wantFacts{pos: 3, done: c, cnd: true},
		},
		{
			// A status id the board has never heard of behaves like an unmapped, not-done one.
			name:  "unknown status id",
			issue: hist(t, "R", c, "2025-03-03T09:00:00Z", "1", "2", "2025-03-04T09:00:00Z", "2", "999"),
			want:  wantFacts{pos: 1, started: "2025-03-03T09:00:00Z", age: o(9.125), blocked: o(0)},
		},
		{
			// Start and done at one instant: delivered with lead time 0; noise for statistics; no
			// flow efficiency or blocked share (lead time 0).
			name:  "same instant start and done",
			issue: hist(t, "S", c, "2025-03-04T09:00:00Z", "1", "2", "2025-03-04T09:00:00Z", "2", "4"),
			want: wantFacts{pos: 3, started: "2025-03-04T09:00:00Z", done: "2025-03-04T09:00:00Z", delivered: true,
				lead: o(0), cal: o(0), blocked: o(0), tis: []float64{0, 0, 0}, noise: true},
		},
		{
			// 14 minutes (< 0.01 day = 14.4 min): noise, though delivered.
			name:  "noise",
			issue: hist(t, "S2", c, "2025-03-04T09:00:00Z", "1", "2", "2025-03-04T09:14:00Z", "2", "4"),
			want: wantFacts{pos: 3, started: "2025-03-04T09:00:00Z", done: "2025-03-04T09:14:00Z", delivered: true,
				lead: o(14.0 / 1440), cal: o(14.0 / 1440), eff: o(1), blocked: o(0), share: o(0),
				tis: []float64{14.0 / 1440, 0, 0}, noise: true},
		},
		{
			// 15 minutes: not noise.
			name:  "just above noise",
			issue: hist(t, "S3", c, "2025-03-04T09:00:00Z", "1", "2", "2025-03-04T09:15:00Z", "2", "4"),
			want: wantFacts{pos: 3, started: "2025-03-04T09:00:00Z", done: "2025-03-04T09:15:00Z", delivered: true,
				lead: o(15.0 / 1440), cal: o(15.0 / 1440), eff: o(1), blocked: o(0), share: o(0),
				tis: []float64{15.0 / 1440, 0, 0}},
		},
		{
			// Created Tue 10:00, but the move to Dev is dated 09:00: it moves to creation, so
			// started = 10:00; Done 16:00: 6/24.
			name:  "change before creation",
			issue: hist(t, "T", "2025-03-04T10:00:00Z", "2025-03-04T09:00:00Z", "1", "2", "2025-03-04T16:00:00Z", "2", "4"),
			want: wantFacts{pos: 3, started: "2025-03-04T10:00:00Z", done: "2025-03-04T16:00:00Z", delivered: true,
				lead: o(0.25), cal: o(0.25), eff: o(1), blocked: o(0), share: o(0), tis: []float64{0.25, 0, 0}, moved: 1},
		},
		{
			// The status field says Done, the history ends in Dev: the history wins.
			name:  "status field disagrees with history",
			issue: hist(t, "U", c, "2025-03-03T09:00:00Z", "1", "2"),
			edit:  func(is *Issue) { is.Status = "4" },
			want:  wantFacts{pos: 1, started: "2025-03-03T09:00:00Z", age: o(9.125), blocked: o(0), mismatch: true},
		},
		{
			// Changes handed over out of order are replayed by time: Dev Mon, Done Thu = 3.
			name: "unsorted history",
			issue: Issue{Key: "V", Created: at(t, c), Status: "4", Changes: []StatusChange{
				{at(t, "2025-03-06T09:00:00Z"), "2", "4"}, {at(t, "2025-03-03T09:00:00Z"), "1", "2"}}},
			want: wantFacts{pos: 3, started: "2025-03-03T09:00:00Z", done: "2025-03-06T09:00:00Z", delivered: true,
				lead: o(3), cal: o(3), eff: o(1), blocked: o(0), share: o(0), tis: []float64{3, 0, 0}, mismatch: false},
		},
		{
			// Flagged before creation (moves to creation Mon 08:00), cleared Tue 09:00; started Mon
			// 09:00, so 1 day counts. Flagged again Wed 21:00 (a second "set" at 22:00 changes
			// nothing) until done Thu 09:00: 3/24 + 9/24 = 0.5. Blocked 1.5 of lead 3 = 0.5.
			name:  "flags",
			issue: hist(t, "W", c, "2025-03-03T09:00:00Z", "1", "2", "2025-03-06T09:00:00Z", "2", "4"),
			edit: func(is *Issue) {
				is.Flags = []FlagChange{{at(t, "2025-03-01T00:00:00Z"), true}, {at(t, "2025-03-04T09:00:00Z"), false},
					{at(t, "2025-03-05T21:00:00Z"), true}, {at(t, "2025-03-05T22:00:00Z"), true}}
			},
			want: wantFacts{pos: 3, started: "2025-03-03T09:00:00Z", done: "2025-03-06T09:00:00Z", delivered: true,
				lead: o(3), cal: o(3), eff: o(1), blocked: o(1.5), share: o(0.5), tis: []float64{3, 0, 0}},
		},
		{
			// Still flagged and in progress: blocked until now. Dev Mon 09:00, flagged Thu 13 Mar
			// 00:00 (out of order in the list) -> now Fri 14 Mar 12:00 = 1.5; no share (not done).
			name:  "flagged work in progress",
			issue: hist(t, "X", c, "2025-03-03T09:00:00Z", "1", "2"),
			edit: func(is *Issue) {
				is.Flags = []FlagChange{{at(t, "2025-03-13T00:00:00Z"), true}, {at(t, "2025-03-12T00:00:00Z"), false}}
			},
			want: wantFacts{pos: 1, started: "2025-03-03T09:00:00Z", age: o(9.125), blocked: o(1.5)},
		},
	}
	b := simpleBoard(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := tt.issue
			if tt.edit != nil {
				tt.edit(&is)
			}
			checkFacts(t, b.Facts(is, now), tt.want)
		})
	}
}

func checkFacts(t *testing.T, f IssueFacts, w wantFacts) {
	t.Helper()
	tm := func(s string) Opt[time.Time] {
		if s == "" {
			return Opt[time.Time]{}
		}
		return Some(at(t, s))
	}
	eqT := func(name string, got, want Opt[time.Time]) {
		if got.OK != want.OK || (got.OK && !got.V.Equal(want.V)) {
			t.Errorf("%s: got %s, want %s", name, optStr(got), optStr(want))
		}
	}
	eqF := func(name string, got, want Opt[float64]) {
		if got.OK != want.OK || (got.OK && !near(got.V, want.V)) {
			t.Errorf("%s: got %s, want %s", name, optStr(got), optStr(want))
		}
	}
	if f.Position != w.pos {
		t.Errorf("position: got %d, want %d", f.Position, w.pos)
	}
	eqT("started", f.Started, tm(w.started))
	eqT("done", f.Done, tm(w.done))
	if f.Delivered != w.delivered || f.Abandoned != w.abandoned || f.ClosedNotDelivered != w.cnd {
		t.Errorf("delivered/abandoned/closed-not-delivered: got %v/%v/%v, want %v/%v/%v",
			f.Delivered, f.Abandoned, f.ClosedNotDelivered, w.delivered, w.abandoned, w.cnd)
	}
	eqF("lead time", f.LeadTime, w.lead)
	eqF("calendar days", f.CalendarDays, w.cal)
	eqF("flow efficiency", f.FlowEfficiency, w.eff)
	eqF("age", f.Age, w.age)
	eqF("blocked", f.Blocked, w.blocked)
	eqF("blocked share", f.BlockedShare, w.share)
	if f.Noise() != w.noise {
		t.Errorf("noise: got %v, want %v", f.Noise(), w.noise)
	}
	if f.MovedChanges != w.moved || f.StatusMismatch != w.mismatch {
		t.Errorf("repairs: moved %d mismatch %v, want %d %v", f.MovedChanges, f.StatusMismatch, w.moved, w.mismatch)
	}
	if w.tis == nil {
		if f.TimeInState.OK {
			t.Errorf("time in state: got %v, want none", f.TimeInState.V)
		}
		return
	}
	got := append(append([]float64(nil), f.TimeInState.V.InState...), f.TimeInState.V.Outside)
	if !f.TimeInState.OK || fmt.Sprintf("%.9f", got) != fmt.Sprintf("%.9f", w.tis) {
		t.Errorf("time in state (Dev, Review, outside): got %v, want %v", got, w.tis)
	}
	// The split adds up to the lead time.
	sum := 0.0
	for _, v := range got {
		sum += v
	}
	if !near(sum, f.LeadTime.V) {
		t.Errorf("time in state sums to %v, lead time %v", sum, f.LeadTime.V)
	}
}

// TestFactsDoneStatesBeyondEnd: with columns To Do | Dev | Done | Released and e = Done, moving
// on from Done to Released (or back) stays done: only entering >= e from below is a completion.
func TestFactsDoneStatesBeyondEnd(t *testing.T) {
	t.Parallel()
	b := simpleBoard(t, func(c *BoardConfig) {
		c.States = []WorkState{{"To Do", []string{"1"}, true}, {"Dev", []string{"2"}, true},
			{"Done", []string{"4"}, true}, {"Released", []string{"5"}, true}}
		c.Statuses = append(c.Statuses, Status{"5", "Released", CategoryDone})
		c.Start, c.End = 1, 2
	})
	now := at(t, "2025-03-14T12:00:00Z")
	// Dev Mon 09:00, Done Tue 09:00, Released Wed 09:00, back to Done Thu 09:00: done at Tue.
	is := hist(t, "A", "2025-03-03T08:00:00Z", "2025-03-03T09:00:00Z", "1", "2", "2025-03-04T09:00:00Z", "2", "4",
		"2025-03-05T09:00:00Z", "4", "5", "2025-03-06T09:00:00Z", "5", "4")
	is.Resolution = "Done"
	f := b.Facts(is, now)
	if !f.Done.OK || !f.Done.V.Equal(at(t, "2025-03-04T09:00:00Z")) || !near(f.LeadTime.V, 1) || !f.Delivered {
		t.Errorf("done %v lead %v delivered %v; want Tue 09:00, 1, true", optStr(f.Done), optStr(f.LeadTime), f.Delivered)
	}
}

// TestFactsLongHistory: more position changes than the replay's stack buffer (32). Dev Mon
// 00:00, then 40 hourly changes alternating Review (odd hours) and Dev (even hours), Done Wed
// 00:00: Dev = 20 one-hour stays + Tue 16:00..24:00 = 28 h; Review 20 h; both working days.
func TestFactsLongHistory(t *testing.T) {
	t.Parallel()
	b := simpleBoard(t, nil)
	mon := at(t, "2025-03-03T00:00:00Z")
	is := Issue{Key: "LONG", Created: mon.Add(-time.Hour), Status: "4",
		Changes: []StatusChange{{mon, "1", "2"}}}
	cur := "2"
	for h := 1; h <= 40; h++ {
		next := "2"
		if h%2 == 1 {
			next = "3"
		}
		is.Changes = append(is.Changes, StatusChange{mon.Add(time.Duration(h) * time.Hour), cur, next})
		cur = next
	}
	is.Changes = append(is.Changes, StatusChange{mon.Add(48 * time.Hour), cur, "4"})
	f := b.Facts(is, mon.Add(100*time.Hour))
	if !near(f.LeadTime.V, 2) || !near(f.TimeInState.V.InState[0], 28.0/24) || !near(f.TimeInState.V.InState[1], 20.0/24) {
		t.Errorf("lead %v, Dev %v, Review %v; want 2, 28/24, 20/24", f.LeadTime.V, f.TimeInState.V.InState[0], f.TimeInState.V.InState[1])
	}
	// Same-instant changes collapse in the segments; 42 changes give 42 position changes here.
	if segs := b.AppendSegments(nil, is); len(segs) != 43 {
		t.Errorf("segments: %d, want 43 (creation + 42 moves)", len(segs))
	}
}

// TestSegments: the CFD's position segments: zero-length stays are dropped (the later position
// of an instant wins), unmapped moves that keep the position add no segment.
func TestSegments(t *testing.T) {
	t.Parallel()
	b := simpleBoard(t, nil)
	is := hist(t, "A", "2025-03-03T08:00:00Z",
		"2025-03-03T09:00:00Z", "1", "2", // Dev
		"2025-03-03T09:00:00Z", "2", "3", // Review, same instant: Dev lasted 0
		"2025-03-04T09:00:00Z", "3", "90", // Blocked: unmapped, stays Review
		"2025-03-05T09:00:00Z", "90", "1", // back to To Do
		"2025-03-05T09:00:00Z", "1", "2", // and Dev at once
		"2025-03-05T09:00:00Z", "2", "1", // and To Do again: To Do already, no new segment
	)
	segs := b.AppendSegments([]Segment{{Pos: 99}}, is) // appends after what is there
	want := []struct {
		at  string
		pos int16
	}{{"2025-03-03T08:00:00Z", 0}, {"2025-03-03T09:00:00Z", 2}, {"2025-03-05T09:00:00Z", 0}}
	if len(segs) != 1+len(want) || segs[0].Pos != 99 {
		t.Fatalf("segments %v", segs)
	}
	for i, w := range want {
		if s := segs[1+i]; !s.From.Equal(at(t, w.at)) || s.Pos != w.pos {
			t.Errorf("segment %d: got %v %d, want %s %d", i, s.From, s.Pos, w.at, w.pos)
		}
	}
	for instant, want := range map[string]int{"2025-03-03T07:00:00Z": BeforeBoard, "2025-03-03T08:00:00Z": 0,
		"2025-03-04T12:00:00Z": 2, "2025-03-05T09:00:00Z": 0} {
		if got := PositionAt(segs[1:], at(t, instant)); got != want {
			t.Errorf("PositionAt(%s) = %d, want %d", instant, got, want)
		}
	}
	tr := b.Track(is)
	if tr.ID != is.ID || len(tr.Segments) != 3 || !tr.InScope {
		t.Errorf("Track = %+v", tr)
	}
}

func TestDataQuality(t *testing.T) {
	t.Parallel()
	b := simpleBoard(t, nil)
	issues := []Issue{
		// Triage (initial) and Blocked: both unmapped; a change before creation; the status
		// field disagrees with the history.
		hist(t, "A", "2025-03-03T08:00:00Z", "2025-03-03T07:00:00Z", "91", "90", "2025-03-04T09:00:00Z", "90", "2"),
		// Blocked twice counts once for this issue; Closed is unmapped though done.
		hist(t, "B", "2025-03-03T08:00:00Z", "2025-03-03T09:00:00Z", "1", "90", "2025-03-03T10:00:00Z", "90", "2",
			"2025-03-03T11:00:00Z", "2", "90", "2025-03-03T12:00:00Z", "90", "92"),
		hist(t, "C", "2025-03-03T08:00:00Z"), // no history
		{Key: "D", Deleted: true, Status: "91"},
		{Key: "E", OutOfFilter: true, Status: "91"},
	}
	issues[0].Status = "4"
	q := b.DataQuality(issues)
	if fmt.Sprint(q.UnmappedStatuses) != "map[90:2 91:1 92:1]" {
		t.Errorf("unmapped statuses %v", q.UnmappedStatuses)
	}
	if q.NoHistory != 1 || q.MovedChanges != 1 || q.StatusMismatch != 1 || q.Deleted != 1 || q.OutOfFilter != 1 {
		t.Errorf("data quality %+v", q)
	}
}
