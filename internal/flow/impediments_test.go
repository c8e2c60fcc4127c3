package flow

import (
	"fmt"
	"testing"
)

// TestImpedimentsHandBuilt: the simple board (UTC; Dev..Done is in progress), now Wed 19 Mar
// 2025 12:00, so the current week starts Mon 17 Mar.
//
//	A Story: Dev Mon 3 10:00, Done Fri 14 10:00. Flagged Wed 5 10:00 - Thu 6 10:00 (1 day, week
//	  of 3 Mar), and Fri 7 12:00 - Tue 11 12:00 (calendar: 2.5 days before Mon 10 00:00, 1.5
//	  after; working: Fri 0.5 | Mon 1 + Tue 0.5).
//	B Story: created Mon 3 09:00, flagged 09:30 (before it started), Dev Tue 4 09:00, unflagged
//	  Tue 4 21:00: 0.5 day counts (from the start). Flagged again Mon 17 12:00 and still
//	  flagged: 2 days up to now, blocked now.
//	C Story: flagged but never started: never blocked time.
//	D Bug: created Mon 10 08:00 with a flag dated the day before (moved to creation), Dev
//	  09:00, unflagged Wed 12 09:00: 2 days from the start; Done Thu 13.
//	E Story: deleted, flagged: left out.
func TestImpedimentsHandBuilt(t *testing.T) {
	t.Parallel()
	now := at(t, "2025-03-19T12:00:00Z")
	flag := func(is *Issue, on bool, when string) {
		is.Flags = append(is.Flags, FlagChange{At: at(t, when), Flagged: on})
	}
	a := hist(t, "A", "2025-03-03T09:00:00Z", "2025-03-03T10:00:00Z", "1", "2", "2025-03-14T10:00:00Z", "2", "4")
	flag(&a, true, "2025-03-05T10:00:00Z")
	flag(&a, false, "2025-03-06T10:00:00Z")
	flag(&a, true, "2025-03-07T12:00:00Z")
	flag(&a, false, "2025-03-11T12:00:00Z")
	bb := hist(t, "B", "2025-03-03T09:00:00Z", "2025-03-04T09:00:00Z", "1", "2")
	flag(&bb, true, "2025-03-03T09:30:00Z")
	flag(&bb, false, "2025-03-04T21:00:00Z")
	flag(&bb, true, "2025-03-17T12:00:00Z")
	c := hist(t, "C", "2025-03-03T09:00:00Z")
	flag(&c, true, "2025-03-10T09:00:00Z")
	d := hist(t, "D", "2025-03-10T08:00:00Z", "2025-03-10T09:00:00Z", "1", "2", "2025-03-13T09:00:00Z", "2", "4")
	d.Type = "Bug"
	flag(&d, true, "2025-03-09T09:00:00Z")
	flag(&d, false, "2025-03-12T09:00:00Z")
	e := hist(t, "E", "2025-03-03T09:00:00Z", "2025-03-04T09:00:00Z", "1", "2")
	e.Deleted = true
	flag(&e, true, "2025-03-05T09:00:00Z")
	issues := []Issue{a, bb, c, d, e}

	tests := []struct {
		name  string
		mode  DayMode
		types []string
		want  string // per week: monday items days; then the items blocked now
	}{
		// Week of 3 Mar: A (1 + 2.5) and B 0.5 -> 2 items, 4 days. Week of 10 Mar: A 1.5, D 2 ->
		// 2 items, 3.5 days. Week of 17 Mar (so far): B from Mon 12:00 to Wed 12:00 = 2 days.
		{"calendar", Calendar, nil, "[2025-03-03 2 4.00 2025-03-10 2 3.50 2025-03-17* 1 2.00] now [B 2025-03-17T12:00:00Z 2.50]"},
		// Working days: A's second stretch is Fri 0.5 | Mon 1 + Tue 0.5, so week of 3 Mar = A 1 +
		// 0.5, B 0.5 = 2; week of 10 Mar = A 1.5 + D 2 = 3.5.
		{"working", Working, nil, "[2025-03-03 2 2.00 2025-03-10 2 3.50 2025-03-17* 1 2.00] now [B 2025-03-17T12:00:00Z 2.50]"},
		{"bugs", Calendar, []string{"Failures"}, "[2025-03-03 0 0.00 2025-03-10 1 2.00 2025-03-17* 0 0.00] now []"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := simpleBoard(t, func(c *BoardConfig) {
				c.DayMode = tt.mode
				c.WorkTypes = []WorkType{{"Features", []string{"Story"}}, {"Failures", []string{"Bug"}}}
			})
			var tracks []BlockTrack
			total := map[string]float64{}
			for _, is := range issues {
				f := b.Facts(is, now)
				tracks = append(tracks, BlockTrackOf(&f, is.Flags))
				if f.InScope {
					total[f.Key] = f.Blocked.V
				}
			}
			got, err := b.Impediments(tracks, WeeklyQuery{From: Date{2025, 3, 3}, To: Date{2025, 3, 30}, WorkTypes: tt.types}, now)
			if err != nil {
				t.Fatal(err)
			}
			var weeks []string
			for _, w := range got.Weeks {
				p := ""
				if w.Partial {
					p = "*"
				}
				weeks = append(weeks, fmt.Sprintf("%s%s %d %.2f", w.Monday, p, w.Items, w.Days))
			}
			var blocked []string
			for _, x := range got.Now {
				blocked = append(blocked, fmt.Sprintf("%s %s %.2f", x.Key, x.Since.UTC().Format("2006-01-02T15:04:05Z"), x.Days))
			}
			if s := fmt.Sprintf("%v now %v", weeks, blocked); s != tt.want {
				t.Errorf("\n got %s\nwant %s", s, tt.want)
			}
			if got.From != (Date{2025, 3, 3}) || got.To != (Date{2025, 3, 23}) {
				t.Errorf("range %s..%s", got.From, got.To)
			}
			// Every issue's blocked time per BlockedDays equals the facts' (the same definition).
			for i, tr := range tracks {
				if days, _, _ := b.BlockedDays(tr, now); tr.InScope && !near(days, total[tr.Key]) {
					t.Errorf("%s: BlockedDays %v, facts %v", issues[i].Key, days, total[tr.Key])
				}
			}
		})
	}
}

func TestImpedimentsErrors(t *testing.T) {
	t.Parallel()
	b := simpleBoard(t, nil)
	now := at(t, "2025-03-19T12:00:00Z")
	if _, err := b.Impediments(nil, WeeklyQuery{WorkTypes: []string{"Nope"}}, now); err == nil {
		t.Error("unknown work type accepted")
	}
	if _, err := b.Impediments(nil, WeeklyQuery{From: Date{2025, 3, 10}, To: Date{2025, 3, 3}}, now); err == nil {
		t.Error("backwards range accepted")
	}
	got, err := b.Impediments(nil, WeeklyQuery{}, now)
	if err != nil || len(got.Weeks) != 27 || !got.Weeks[26].Partial {
		t.Errorf("default range: %d weeks, %v", len(got.Weeks), err)
	}
}
