package flow

import (
	"errors"
	"fmt"
	"testing"
)

// TestCFDHandBuilt: the simple board (UTC; bands unmapped | To Do | Dev | Review | Done), now
// Fri 7 Mar 2025 15:00.
//
//	A created Mon 3 Mar 10:00; Dev Tue 4 10:00; Done Wed 5 23:59; reopened into Review at
//	  exactly Thu 6 00:00 (midnight belongs to the new day); Done Fri 7 12:00
//	B created at exactly Tue 4 00:00 in Triage (unmapped): not on the board at the end of Mon 3;
//	  To Do Thu 6 12:00
//	C deleted: never counted
//	D a Bug created Sun 2 Mar in Dev, still there
func TestCFDHandBuilt(t *testing.T) {
	t.Parallel()
	b := simpleBoard(t, func(c *BoardConfig) {
		c.WorkTypes = []WorkType{{"Features", []string{"Story"}}, {"Failures", []string{"Bug"}}}
	})
	now := at(t, "2025-03-07T15:00:00Z")
	a := hist(t, "A", "2025-03-03T10:00:00Z", "2025-03-04T10:00:00Z", "1", "2", "2025-03-05T23:59:00Z", "2", "4",
		"2025-03-06T00:00:00Z", "4", "3", "2025-03-07T12:00:00Z", "3", "4")
	bb := hist(t, "B", "2025-03-04T00:00:00Z", "2025-03-06T12:00:00Z", "91", "1")
	c := hist(t, "C", "2025-03-03T10:00:00Z", "2025-03-04T10:00:00Z", "1", "2")
	c.Deleted = true
	d := hist(t, "D", "2025-03-02T10:00:00Z")
	d.Status, d.Type = "2", "Bug"
	var tracks []Track
	for _, is := range []Issue{a, bb, c, d} {
		tracks = append(tracks, b.Track(is))
	}
	tests := []struct {
		name string
		q    CFDQuery
		want []string // date bands wip
	}{
		{
			// End of Mon 3: A To Do, D Dev (B is created at midnight, the next day). Tue 4: A Dev,
			// B unmapped, D Dev. Wed 5: A Done (23:59). Thu 6: A Review (from 00:00), B To Do.
			// Fri 7 (today, up to now): A Done.
			name: "all",
			q:    CFDQuery{From: Date{2025, 3, 3}, To: Date{2025, 3, 31}},
			want: []string{"2025-03-03 [0 1 1 0 0] 1", "2025-03-04 [1 0 2 0 0] 2", "2025-03-05 [1 0 1 0 1] 1",
				"2025-03-06 [0 1 1 1 0] 2", "2025-03-07 [0 1 1 0 1] 1"},
		},
		{
			name: "failures only",
			q:    CFDQuery{From: Date{2025, 3, 1}, To: Date{2025, 3, 3}, WorkTypes: []string{"Failures"}},
			want: []string{"2025-03-01 [0 0 0 0 0] 0", "2025-03-02 [0 0 1 0 0] 1", "2025-03-03 [0 0 1 0 0] 1"},
		},
		{
			name: "future range",
			q:    CFDQuery{From: Date{2025, 4, 1}},
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := b.CFD(tracks, tt.q, now)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got.Bands) != "[unmapped To Do Dev Review Done]" {
				t.Errorf("bands %v", got.Bands)
			}
			var rows []string
			for _, d := range got.Days {
				rows = append(rows, fmt.Sprintf("%s %v %d", d.Date, d.Bands, d.WIP))
			}
			if fmt.Sprintf("%q", rows) != fmt.Sprintf("%q", tt.want) {
				t.Errorf("days:\n got %q\nwant %q", rows, tt.want)
			}
		})
	}
	def, err := b.CFD(tracks, CFDQuery{}, now)
	if err != nil || len(def.Days) != 183 || def.Days[182].Date != (Date{2025, 3, 7}) {
		t.Errorf("default range: %d days, %v", len(def.Days), err)
	}
	if _, err := b.CFD(tracks, CFDQuery{From: Date{2025, 3, 5}, To: Date{2025, 3, 4}}, now); !errors.Is(err, ErrRange) {
		t.Errorf("to before from: %v", err)
	}
	if _, err := b.CFD(tracks, CFDQuery{WorkTypes: []string{"Nope"}}, now); !errors.Is(err, ErrUnknownWorkType) {
		t.Errorf("unknown work type: %v", err)
	}
}

// TestAgingWIP adds work in progress to the weekly fixture (now Wed 19 Feb 2025 12:00; its
// last complete week, Feb 10, has lead-time lines 4/4/4 from E alone).
func TestAgingWIP(t *testing.T) {
	t.Parallel()
	b, facts, now := weeklyFixture(t)
	const c = "2025-01-06T08:00:00Z"
	wip := []Issue{
		// Review since Mon Feb 17 09:00: 15/24 + 1 + 12/24 = 2.125.
		hist(t, "Q", c, "2025-02-17T09:00:00Z", "1", "3"),
		// Started on a Sunday and on a Saturday: both age from Monday, 2 + 12/24 = 2.5; the one
		// that started first is listed first.
		hist(t, "T", c, "2025-02-16T10:00:00Z", "1", "2"),
		hist(t, "S", c, "2025-02-15T10:00:00Z", "1", "2"),
		// Dev since Mon Feb 3 09:00: 15/24 + 4 + 5 + 2 + 12/24 = 12.125.
		hist(t, "P", c, "2025-02-03T09:00:00Z", "1", "2"),
		// Started, then back to To Do: not work in progress.
		hist(t, "R", c, "2025-02-10T09:00:00Z", "1", "2", "2025-02-11T09:00:00Z", "2", "1"),
	}
	for _, is := range wip {
		facts = append(facts, b.Facts(is, now))
	}
	got, err := b.AgingWIP(facts, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	var items []string
	for _, it := range got.Items {
		items = append(items, fmt.Sprintf("%s %s %.4f", it.Key, it.State, it.Age))
	}
	want := "[P Dev 12.1250 S Dev 2.5000 T Dev 2.5000 Q Review 2.1250]"
	if fmt.Sprint(items) != want {
		t.Errorf("items %v, want %s", items, want)
	}
	if fmt.Sprint(got.Lines) != "[{50 4} {80 4} {90 4}]" || got.LinesWeek != (Date{2025, 2, 10}) {
		t.Errorf("lines %v from %s", got.Lines, got.LinesWeek)
	}
	// Ages are recomputed at the given now, not taken from the stored facts.
	later, _ := b.AgingWIP(facts, nil, at(t, "2025-02-20T12:00:00Z"))
	if !near(later.Items[0].Age, 13.125) {
		t.Errorf("a day later P is %v days old, want 13.125", later.Items[0].Age)
	}
	if _, err := b.AgingWIP(facts, []string{"Nope"}, now); !errors.Is(err, ErrUnknownWorkType) {
		t.Errorf("unknown work type: %v", err)
	}
	// A young board: no complete week with statistics, so no lines (a gap).
	young, _ := b.AgingWIP(facts, nil, at(t, "2025-01-08T12:00:00Z"))
	if young.Lines != nil {
		t.Errorf("young board lines %v", young.Lines)
	}
}
