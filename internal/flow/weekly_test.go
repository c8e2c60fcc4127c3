package flow

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// weeklyFixture: the simple board (UTC, W = 4) with work types Features = Story and Failures =
// Bug, and issues whose weeks are worked out below. 2025 weeks: Jan 6, 13, 20, 27, Feb 3, 10,
// 17 (current: now = Wed 19 Feb 12:00).
//
//	A Story  created Jan 6  Dev Mon Jan 6 09:00 -> Done Tue Jan 7 09:00    lead 1, week Jan 6
//	B Story  created Jan 6  Dev Mon Jan 13 09:00 -> Done Wed Jan 15 09:00  lead 2, week Jan 13
//	C Story  created Jan 6  Dev Mon Jan 13 09:00 -> Done Thu Jan 16 09:00  lead 3, week Jan 13
//	H Story  created Jan 6  Dev Mon Jan 20 09:00 -> Done Wed Jan 22, Won't Fix: closed, not delivered
//	D Story  created Jan 6  Dev Tue Jan 28 09:00 -> Done 09:05: noise (throughput only), week Jan 27
//	E Bug    created Jan 27 Dev Mon Feb 3 09:00 -> Done Fri Feb 7 09:00    lead 4, week Feb 3
//	F Story  created Jan 6  Dev Mon Feb 17 09:00 -> Done Tue Feb 18 09:00 (current week)
//	G Story  deleted, done in week Jan 20: left out of everything
//
// Throughput by week: 1, 2, 0, 1, 1, 0, (1 partial).
func weeklyFixture(t *testing.T) (*Board, []IssueFacts, time.Time) {
	t.Helper()
	b := simpleBoard(t, func(c *BoardConfig) {
		c.WorkTypes = []WorkType{{"Features", []string{"Story"}}, {"Failures", []string{"Bug"}}}
	})
	now := at(t, "2025-02-19T12:00:00Z")
	mk := func(key, typ, created, start, done, resolution string) Issue {
		is := hist(t, key, created, start, "1", "2", done, "2", "4")
		is.Type, is.Resolution = typ, resolution
		return is
	}
	const jan6 = "2025-01-06T08:00:00Z"
	issues := []Issue{
		mk("A", "Story", jan6, "2025-01-06T09:00:00Z", "2025-01-07T09:00:00Z", "Done"),
		mk("B", "Story", jan6, "2025-01-13T09:00:00Z", "2025-01-15T09:00:00Z", "Done"),
		mk("C", "Story", jan6, "2025-01-13T09:00:00Z", "2025-01-16T09:00:00Z", "Done"),
		mk("H", "Story", jan6, "2025-01-20T09:00:00Z", "2025-01-22T09:00:00Z", "Won't Fix"),
		mk("D", "Story", jan6, "2025-01-28T09:00:00Z", "2025-01-28T09:05:00Z", "Done"),
		mk("E", "Bug", "2025-01-27T08:00:00Z", "2025-02-03T09:00:00Z", "2025-02-07T09:00:00Z", "Done"),
		mk("F", "Story", jan6, "2025-02-17T09:00:00Z", "2025-02-18T09:00:00Z", "Done"),
		mk("G", "Story", "2025-01-01T08:00:00Z", "2025-01-20T09:00:00Z", "2025-01-21T09:00:00Z", "Done"),
	}
	issues[7].Deleted = true
	facts := make([]IssueFacts, len(issues))
	for i := range issues {
		facts[i] = b.Facts(issues[i], now)
	}
	return b, facts, now
}

// weekRow is a compact expectation: nil slices / none = a gap.
type weekRow struct {
	week       string
	partial    bool
	throughput int
	started    int
	backlog    Backlog
	window     Opt[int]
	likelihood []int // at 50/80/90
	variation  Opt[float64]
	lead       []float64 // at 50/80/90
	leadItems  int
	byState    []float64 // Dev, Review, outside
}

func checkWeeks(t *testing.T, got []Week, want []weekRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d weeks, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		what := w.week
		if g.Monday.String() != w.week || g.Partial != w.partial || g.Throughput != w.throughput || g.Started != w.started {
			t.Errorf("%s: got week %s partial %v throughput %d started %d; want %s %v %d %d",
				what, g.Monday, g.Partial, g.Throughput, g.Started, w.week, w.partial, w.throughput, w.started)
		}
		if g.Backlog != w.backlog {
			t.Errorf("%s backlog: got %+v, want %+v", what, g.Backlog, w.backlog)
		}
		if g.WindowWeeks != w.window {
			t.Errorf("%s window weeks: got %v, want %v", what, g.WindowWeeks, w.window)
		}
		var gl []int
		for _, l := range g.Likelihood {
			gl = append(gl, l.Count)
		}
		if fmt.Sprint(gl) != fmt.Sprint(w.likelihood) {
			t.Errorf("%s likelihood: got %v, want %v", what, gl, w.likelihood)
		}
		if g.Variation.OK != w.variation.OK || (g.Variation.OK && !near4(g.Variation.V, w.variation.V)) {
			t.Errorf("%s variation: got %v, want %v", what, g.Variation, w.variation)
		}
		var glt []float64
		for _, l := range g.LeadTime {
			glt = append(glt, l.Value)
		}
		if fmt.Sprintf("%.4f", glt) != fmt.Sprintf("%.4f", w.lead) || g.LeadItems != w.leadItems {
			t.Errorf("%s lead time: got %v (%d items), want %v (%d)", what, glt, g.LeadItems, w.lead, w.leadItems)
		}
		var bs []float64
		if g.ByState.OK {
			bs = append(append(bs, g.ByState.V.InState...), g.ByState.V.Outside)
		}
		if fmt.Sprintf("%.4f", bs) != fmt.Sprintf("%.4f", w.byState) {
			t.Errorf("%s by state: got %v, want %v", what, bs, w.byState)
		}
	}
}

func near4(a, b float64) bool { return a-b < 0.00005 && b-a < 0.00005 }

func TestWeeklyHandBuilt(t *testing.T) {
	t.Parallel()
	b, facts, now := weeklyFixture(t)
	none := Opt[int]{}
	tests := []struct {
		name  string
		q     WeeklyQuery
		want  []weekRow
		flat  []int
		fweek int
	}{
		{
			// Jan 6, 13, 20 have 1, 2, 3 weeks of history (< 4: gaps).
			// Jan 27: counts [1,2,0,1], descending 2,1,1,0: 50% = 2nd = 1, 80% = ceil(3.2) = 4th
			// = 0, 90% = 0; mean 1, population variance (0+1+1+0)/4 = 0.5, variation 0.7071.
			// Leads A 1, B 2, C 3 (D is noise): type 7 h = 2p: 2, 2.6, 2.8; all Dev.
			// Feb 3: counts [2,0,1,1] -> 1/0/0, variation 0.7071; leads B 2, C 3, E 4 -> 3, 3.6, 3.8.
			// Feb 10: counts [0,1,1,0] -> 50% = 2nd = 1, then 0, 0; mean 0.5, std 0.5, variation 1;
			// a single lead time (E 4) is every line.
			// Feb 17 is the current week: counts only.
			// Backlog from Jan 6: created 6 (all but E and the deleted G), 7 from Jan 27;
			// delivered 1, 3, 3, 4, 5, 5, 6; H closed-not-delivered from Jan 20.
			// Started: A; B, C; H; D; E; -; F.
			name: "whole history",
			q:    WeeklyQuery{From: Date{2025, 1, 6}, To: Date{2025, 2, 19}},
			want: []weekRow{
				{"2025-01-06", false, 1, 1, Backlog{6, 1, 0}, Some(1), nil, no, nil, 0, nil},
				{"2025-01-13", false, 2, 2, Backlog{6, 3, 0}, Some(2), nil, no, nil, 0, nil},
				{"2025-01-20", false, 0, 1, Backlog{6, 3, 1}, Some(3), nil, no, nil, 0, nil},
				{"2025-01-27", false, 1, 1, Backlog{7, 4, 1}, Some(4), []int{1, 0, 0}, o(0.7071), []float64{2, 2.6, 2.8}, 3, []float64{2, 0, 0}},
				{"2025-02-03", false, 1, 1, Backlog{7, 5, 1}, Some(4), []int{1, 0, 0}, o(0.7071), []float64{3, 3.6, 3.8}, 3, []float64{3, 0, 0}},
				{"2025-02-10", false, 0, 0, Backlog{7, 5, 1}, Some(4), []int{1, 0, 0}, o(1), []float64{4, 4, 4}, 1, []float64{4, 0, 0}},
				{"2025-02-17", true, 1, 1, Backlog{7, 6, 1}, none, nil, no, nil, 0, nil},
			},
			// Complete weeks [1,2,0,1,1,0], descending 2,1,1,1,0,0: 50% = 3rd = 1; 80% =
			// ceil(4.8) = 5th = 0; 90% = 6th = 0.
			flat: []int{1, 0, 0}, fweek: 6,
		},
		{
			// The window reaches back before `from`: Feb 3's statistics are the same as above.
			// Relative backlog starts at Feb 3: nothing created since, E delivered.
			name: "window before the range",
			q:    WeeklyQuery{From: Date{2025, 2, 5}, To: Date{2025, 2, 12}},
			want: []weekRow{
				{"2025-02-03", false, 1, 1, Backlog{0, 1, 0}, Some(4), []int{1, 0, 0}, o(0.7071), []float64{3, 3.6, 3.8}, 3, []float64{3, 0, 0}},
				{"2025-02-10", false, 0, 0, Backlog{0, 1, 0}, Some(4), []int{1, 0, 0}, o(1), []float64{4, 4, 4}, 1, []float64{4, 0, 0}},
			},
			// Flat lines use only the range's weeks [1, 0]: 50% = 1st = 1; 80% = ceil(1.6) = 2nd = 0.
			flat: []int{1, 0, 0}, fweek: 2,
		},
		{
			// Absolute backlog counts since the first record.
			name: "absolute backlog",
			q:    WeeklyQuery{From: Date{2025, 2, 5}, To: Date{2025, 2, 12}, Absolute: true},
			want: []weekRow{
				{"2025-02-03", false, 1, 1, Backlog{7, 5, 1}, Some(4), []int{1, 0, 0}, o(0.7071), []float64{3, 3.6, 3.8}, 3, []float64{3, 0, 0}},
				{"2025-02-10", false, 0, 0, Backlog{7, 5, 1}, Some(4), []int{1, 0, 0}, o(1), []float64{4, 4, 4}, 1, []float64{4, 0, 0}},
			},
			flat: []int{1, 0, 0}, fweek: 2,
		},
		{
			// Failures only: E. Weeks still count from the board's first issue (Jan 6), not from
			// E's creation (Jan 27), so Feb 3 has a 4-week window: counts [0,0,0,1] -> 50% = 2nd
			// = 0; mean 0.25, std 0.4330, variation 1.7321.
			name: "work type filter",
			q:    WeeklyQuery{From: Date{2025, 2, 3}, To: Date{2025, 2, 9}, WorkTypes: []string{"Failures"}},
			want: []weekRow{
				{"2025-02-03", false, 1, 1, Backlog{0, 1, 0}, Some(4), []int{0, 0, 0}, o(1.7321), []float64{4, 4, 4}, 1, []float64{4, 0, 0}},
			},
			flat: []int{1, 1, 1}, fweek: 1,
		},
		{
			// A range past now stops at the current week, shown as partial.
			name: "range reaching past now",
			q:    WeeklyQuery{From: Date{2025, 2, 17}, To: Date{2025, 12, 31}},
			want: []weekRow{{"2025-02-17", true, 1, 1, Backlog{0, 1, 0}, none, nil, no, nil, 0, nil}},
			flat: nil, fweek: 0,
		},
		{
			// Weeks before the board's first issue: shown, window 0, gaps; flat lines skip them.
			name: "before the first issue",
			q:    WeeklyQuery{From: Date{2024, 12, 23}, To: Date{2025, 1, 5}},
			want: []weekRow{
				{"2024-12-23", false, 0, 0, Backlog{}, Some(0), nil, no, nil, 0, nil},
				{"2024-12-30", false, 0, 0, Backlog{}, Some(0), nil, no, nil, 0, nil},
			},
			flat: nil, fweek: 0,
		},
		{
			// Other lines and a longer window: W = 5 at Feb 10 uses Jan 13..Feb 10 = [2,0,1,1,0];
			// descending 2,1,1,0,0: 85% = ceil(4.25) = 5th = 0; 95% = 0; 20% = 1st = 2.
			// Leads B 2, C 3, E 4: 20% h = 0.4 -> 2.4; 85% h 1.7 -> 3.7; 95% h 1.9 -> 3.9.
			// Mean 0.8; squared deviations 1.44+0.64+0.04+0.04+0.64 = 2.8, / 5 = 0.56; std
			// 0.7483; variation 0.9354.
			name: "percents and window",
			q:    WeeklyQuery{From: Date{2025, 2, 10}, To: Date{2025, 2, 16}, Window: 5, Percents: []int{20, 85, 95}},
			want: []weekRow{
				{"2025-02-10", false, 0, 0, Backlog{}, Some(5), []int{2, 0, 0}, o(0.9354), []float64{2.4, 3.7, 3.9}, 3, []float64{3, 0, 0}},
			},
			flat: []int{0, 0, 0}, fweek: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := b.Weekly(facts, tt.q, now)
			if err != nil {
				t.Fatal(err)
			}
			checkWeeks(t, got.Weeks, tt.want)
			var flat []int
			for _, l := range got.Flat {
				flat = append(flat, l.Count)
			}
			if fmt.Sprint(flat) != fmt.Sprint(tt.flat) || got.FlatWeeks != tt.fweek {
				t.Errorf("flat: got %v over %d weeks, want %v over %d", flat, got.FlatWeeks, tt.flat, tt.fweek)
			}
		})
	}
}

func TestWeeklyDefaultsAndErrors(t *testing.T) {
	t.Parallel()
	b, facts, now := weeklyFixture(t)
	got, err := b.Weekly(facts, WeeklyQuery{}, now)
	if err != nil {
		t.Fatal(err)
	}
	// The default: 26 complete weeks and the current one: 19 Aug 2024 .. 17 Feb 2025.
	if len(got.Weeks) != 27 || got.Weeks[0].Monday != (Date{2024, 8, 19}) || !got.Weeks[26].Partial ||
		got.From != (Date{2024, 8, 19}) || got.To != (Date{2025, 2, 23}) || got.CurrentWeek != (Date{2025, 2, 17}) {
		t.Errorf("default range: %d weeks from %s to %s", len(got.Weeks), got.From, got.To)
	}
	if got.Window != 4 || fmt.Sprint(got.Percents) != "[50 80 90]" || fmt.Sprint(got.States) != "[Dev Review]" {
		t.Errorf("series metadata: W %d, percents %v, states %v", got.Window, got.Percents, got.States)
	}
	// A range entirely after now has no rows.
	if got, _ := b.Weekly(facts, WeeklyQuery{From: Date{2025, 6, 2}}, now); len(got.Weeks) != 0 {
		t.Errorf("future range: %d weeks", len(got.Weeks))
	}
	for name, tt := range map[string]struct {
		q    WeeklyQuery
		want error
	}{
		"to before from":    {WeeklyQuery{From: Date{2025, 2, 1}, To: Date{2025, 1, 1}}, ErrRange},
		"unknown work type": {WeeklyQuery{WorkTypes: []string{"Chores"}}, ErrUnknownWorkType},
		"short window":      {WeeklyQuery{Window: 3}, ErrWindowTooShort},
	} {
		if _, err := b.Weekly(facts, tt.q, now); !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", name, err, tt.want)
		}
	}
}

// TestWeeklyStaleFacts: facts computed under an older mapping (a different number of
// in-progress states) still count in throughput and lead-time lines, but not in the per-state
// breakdown, whose stack must add up to the mean lead time of the items it uses.
func TestWeeklyStaleFacts(t *testing.T) {
	t.Parallel()
	b, facts, now := weeklyFixture(t)
	for i := range facts {
		if facts[i].Key == "B" {
			facts[i].TimeInState.V.InState = []float64{20} // one in-progress state (and a wrong value)
		}
	}
	got, err := b.Weekly(facts, WeeklyQuery{From: Date{2025, 1, 27}, To: Date{2025, 2, 2}}, now)
	if err != nil {
		t.Fatal(err)
	}
	// Leads still 1, 2, 3; the breakdown averages A (1) and C (3) only: Dev 2 (with B's stale
	// 20 it would be 8).
	w := got.Weeks[0]
	if w.LeadItems != 3 || !w.ByState.OK || !near(w.ByState.V.InState[0], 2) {
		t.Errorf("lead items %d, by state %v", w.LeadItems, w.ByState)
	}
}

func TestTypeFilterMatchesSeries(t *testing.T) {
	t.Parallel()
	b, err := NewBoard(BoardConfig{
		States: []WorkState{{Name: "To Do", StatusIDs: []string{"1"}}, {Name: "Doing", StatusIDs: []string{"2"}}, {Name: "Done", StatusIDs: []string{"3"}}},
		Start:  1, End: 2,
		WorkTypes: []WorkType{{Name: "Failures", IssueTypes: []string{"Bug", "Incident"}}, {Name: "Stories", IssueTypes: []string{"Story"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := b.TypeFilter(nil)
	failures, _ := b.TypeFilter([]string{"Failures"})
	// No selection = every work type of the board: an Epic is in none of them.
	for typ, want := range map[string][2]bool{"Bug": {true, true}, "Incident": {true, true}, "Story": {true, false}, "Epic": {false, false}} {
		if all(typ) != want[0] || failures(typ) != want[1] {
			t.Errorf("%s: all=%v failures=%v, want %v", typ, all(typ), failures(typ), want)
		}
	}
	if _, err := b.TypeFilter([]string{"Nope"}); !errors.Is(err, ErrUnknownWorkType) {
		t.Errorf("unknown work type: %v", err)
	}
}

// Blocked time beside the per-state view: the mean blocked time of the
// window's lead-time items that have one. Working days, UTC, W = 4; weeks
// of Jan 6, 13, 20, 27 2025 (now Wed Feb 5, so Jan 27 is the last complete).
//
//	P  Dev Mon Jan 6 09:00 -> Done Fri Jan 10 09:00; flagged Tue 09:00 - Wed 09:00: blocked 1.0
//	Q  Dev Mon Jan 13 09:00 -> Done Wed Jan 15 09:00; flagged Mon 09:00 - Mon 21:00: blocked 0.5
//	R  Dev Mon Jan 20 09:00 -> Done Tue Jan 21 09:00; never flagged: blocked 0
//
// Window ending Jan 27 holds P, Q, R: mean blocked (1.0 + 0.5 + 0) / 3 = 0.5;
// the window ending Jan 13 (P, Q): 0.75.
func TestWeeklyMeanBlocked(t *testing.T) {
	t.Parallel()
	b := simpleBoard(t, nil)
	now := at(t, "2025-02-05T12:00:00Z")
	p := hist(t, "P", "2025-01-06T08:00:00Z", "2025-01-06T09:00:00Z", "1", "2", "2025-01-10T09:00:00Z", "2", "4")
	p.Flags = []FlagChange{{at(t, "2025-01-07T09:00:00Z"), true}, {at(t, "2025-01-08T09:00:00Z"), false}}
	q := hist(t, "Q", "2025-01-06T08:00:00Z", "2025-01-13T09:00:00Z", "1", "2", "2025-01-15T09:00:00Z", "2", "4")
	q.Flags = []FlagChange{{at(t, "2025-01-13T09:00:00Z"), true}, {at(t, "2025-01-13T21:00:00Z"), false}}
	r := hist(t, "R", "2025-01-06T08:00:00Z", "2025-01-20T09:00:00Z", "1", "2", "2025-01-21T09:00:00Z", "2", "4")
	facts := []IssueFacts{b.Facts(p, now), b.Facts(q, now), b.Facts(r, now)}
	s, err := b.Weekly(facts, WeeklyQuery{From: Date{2025, 1, 6}, To: Date{2025, 2, 2}}, now)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Opt[float64]{"2025-01-06": {}, "2025-01-13": {}, "2025-01-20": {}, "2025-01-27": Some(0.5)}
	// Weeks before 4 of history are gaps; give the window enough history
	// by asking for the mean directly from the rolling window too.
	for _, w := range s.Weeks {
		if exp := want[w.Monday.String()]; w.Blocked.OK != exp.OK || (exp.OK && !near4(w.Blocked.V, exp.V)) {
			t.Errorf("week %s blocked %v, want %v", w.Monday, w.Blocked, exp)
		}
	}
	r2 := newRolling(4, 0, 0, 10, 0, defaultPercents)
	r2.lead(5, 4, nil, facts[0].Blocked)
	r2.lead(6, 2, nil, facts[1].Blocked)
	if st := r2.stats(6); !st.blocked.OK || !near4(st.blocked.V, 0.75) {
		t.Errorf("window of P and Q: blocked %v, want 0.75", st.blocked)
	}
}
