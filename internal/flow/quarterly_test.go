package flow

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestQuarters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fiscal time.Month
		day    Date
		want   Date
	}{
		{1, Date{2025, 5, 20}, Date{2025, 4, 1}},
		{1, Date{2025, 3, 31}, Date{2025, 1, 1}},
		{4, Date{2025, 3, 31}, Date{2025, 1, 1}}, // Apr-Jun, Jul-Sep, Oct-Dec, Jan-Mar
		{4, Date{2025, 4, 1}, Date{2025, 4, 1}},
		{11, Date{2025, 1, 15}, Date{2024, 11, 1}}, // Nov-Jan crosses the year
		{11, Date{2024, 12, 31}, Date{2024, 11, 1}},
		{11, Date{2025, 2, 1}, Date{2025, 2, 1}},
		{3, Date{2025, 2, 28}, Date{2024, 12, 1}}, // Dec-Feb
	}
	for _, tt := range tests {
		b := simpleBoard(t, func(c *BoardConfig) { c.FiscalYearStart = tt.fiscal })
		if got := b.QuarterOf(tt.day); got != tt.want {
			t.Errorf("fiscal %d: QuarterOf(%s) = %s, want %s", tt.fiscal, tt.day, got, tt.want)
		}
	}
	// The next quarter's Monday-to-Sunday weeks: Q2 2024 = Mon 1 Apr .. Sun 30 Jun = 13; Q3
	// 2025 = Tue 1 Jul .. Tue 30 Sep overlaps the weeks of Mon 30 Jun .. Mon 29 Sep = 14.
	b := simpleBoard(t, nil)
	for now, want := range map[string]string{"2024-03-13T12:00:00Z": "2024-04-01 13", "2025-05-20T12:00:00Z": "2025-07-01 14",
		"2025-12-31T23:00:00Z": "2026-01-01 14"} {
		start, weeks := b.NextQuarter(at(t, now))
		if got := fmt.Sprintf("%s %d", start, weeks); got != want {
			t.Errorf("NextQuarter(%s) = %s, want %s", now, got, want)
		}
	}
}

// quarterlyFixture: simple board (UTC, working days, calendar quarters), now Wed 19 Feb 2025.
// Delivered (Dev -> Done, working-day leads):
//
//	Q1 2024: Mon Jan 8 -> Tue Jan 9 (1); Mon Feb 5 -> Thu Feb 8 (3)
//	Q2 2024: nothing
//	Q3 2024: Mon Jul 8 -> Wed Jul 10 (2); Mon Aug 5 -> Fri Aug 9 (4); Mon Sep 2 -> Tue Sep 10 (6:
//	         Mon 15/24 + 4 + 1 + Tue 9/24); Tue Sep 3 09:00 -> 09:05 (noise, a Bug)
//	Q4 2024: Mon Nov 4 -> Mon Nov 11 (5)
//	Q1 2025: Mon Jan 6 -> Wed Jan 8 (2) (current quarter)
func quarterlyFixture(t *testing.T) (*Board, []IssueFacts, time.Time) {
	t.Helper()
	b := simpleBoard(t, func(c *BoardConfig) {
		c.WorkTypes = []WorkType{{"Features", []string{"Story"}}, {"Failures", []string{"Bug"}}}
	})
	now := at(t, "2025-02-19T12:00:00Z")
	spans := [][2]string{{"2024-01-08", "2024-01-09"}, {"2024-02-05", "2024-02-08"}, {"2024-07-08", "2024-07-10"},
		{"2024-08-05", "2024-08-09"}, {"2024-09-02", "2024-09-10"}, {"2024-11-04", "2024-11-11"}, {"2025-01-06", "2025-01-08"}}
	var facts []IssueFacts
	for i, s := range spans {
		is := hist(t, fmt.Sprint("Q-", i), "2024-01-02T08:00:00Z", s[0]+"T09:00:00Z", "1", "2", s[1]+"T09:00:00Z", "2", "4")
		facts = append(facts, b.Facts(is, now))
	}
	noise := hist(t, "Q-N", "2024-01-02T08:00:00Z", "2024-09-03T09:00:00Z", "1", "2", "2024-09-03T09:05:00Z", "2", "4")
	noise.Type = "Bug"
	facts = append(facts, b.Facts(noise, now))
	return b, facts, now
}

func TestQuarterly(t *testing.T) {
	t.Parallel()
	b, facts, now := quarterlyFixture(t)
	tests := []struct {
		name  string
		q     QuarterlyQuery
		rows  []string // start partial throughput [lines] items
		flat  string
		count int
	}{
		{
			// From the first issue's quarter (Q1 2024) to the current one. Flat over the complete
			// quarters [2,0,4,1], descending 4,2,1,0: 50% = 2nd = 2; 80% = ceil(3.2) = 4th = 0.
			// Lines: Q1 {1,3}: 2, 2.6, 2.8; Q3 {2,4,6} (noise left out): 4, 5.2, 5.6.
			name: "default range",
			rows: []string{"2024-01-01 false 2 [2.0000 2.6000 2.8000] 2", "2024-04-01 false 0 [] 0",
				"2024-07-01 false 4 [4.0000 5.2000 5.6000] 3", "2024-10-01 false 1 [5.0000 5.0000 5.0000] 1",
				"2025-01-01 true 1 [2.0000 2.0000 2.0000] 1"},
			flat: "[{50 2} {80 0} {90 0}]", count: 4,
		},
		{
			// A range starting before the first issue shows the empty quarter, but flat lines skip
			// it; a `to` in the future stops at the current quarter.
			name: "before the first issue",
			q:    QuarterlyQuery{From: Date{2023, 10, 15}, To: Date{2026, 1, 1}},
			rows: []string{"2023-10-01 false 0 [] 0", "2024-01-01 false 2 [2.0000 2.6000 2.8000] 2", "2024-04-01 false 0 [] 0",
				"2024-07-01 false 4 [4.0000 5.2000 5.6000] 3", "2024-10-01 false 1 [5.0000 5.0000 5.0000] 1",
				"2025-01-01 true 1 [2.0000 2.0000 2.0000] 1"},
			flat: "[{50 2} {80 0} {90 0}]", count: 4,
		},
		{
			// Widened to whole quarters; all complete: flat over [2,0,4], descending 4,2,0: 50% =
			// ceil(1.5) = 2nd = 2; 80% = ceil(2.4) = 3rd = 0. Optional 85/95 lines: Q3 h = 1.7 ->
			// 4 + 0.7 x 2 = 5.4; h 1.9 -> 5.8.
			name: "closed range with other lines",
			q:    QuarterlyQuery{From: Date{2024, 2, 10}, To: Date{2024, 8, 1}, Percents: []int{85, 95}},
			rows: []string{"2024-01-01 false 2 [2.7000 2.9000] 2", "2024-04-01 false 0 [] 0",
				"2024-07-01 false 4 [5.4000 5.8000] 3"},
			flat: "[{85 0} {95 0}]", count: 3,
		},
		{
			// Failures: only the noise item, which counts in throughput but draws no lines.
			name: "work type",
			q:    QuarterlyQuery{From: Date{2024, 7, 1}, To: Date{2024, 9, 30}, WorkTypes: []string{"Failures"}},
			rows: []string{"2024-07-01 false 1 [] 0"},
			flat: "[{50 1} {80 1} {90 1}]", count: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := b.Quarterly(facts, tt.q, now)
			if err != nil {
				t.Fatal(err)
			}
			var rows []string
			for _, q := range got.Quarters {
				var lines []string
				for _, l := range q.LeadTime {
					lines = append(lines, fmt.Sprintf("%.4f", l.Value))
				}
				rows = append(rows, fmt.Sprintf("%s %v %d %v %d", q.Start, q.Partial, q.Throughput, lines, q.LeadItems))
				if q.End != b.quarterStart(b.quarterIndex(q.Start)+1).AddDays(-1) || q.End.Day < 28 {
					t.Errorf("quarter %s ends %s", q.Start, q.End)
				}
			}
			if fmt.Sprintf("%q", rows) != fmt.Sprintf("%q", tt.rows) {
				t.Errorf("quarters:\n got %q\nwant %q", rows, tt.rows)
			}
			if fmt.Sprint(got.Flat) != tt.flat || got.FlatQuarters != tt.count {
				t.Errorf("flat %v over %d, want %s over %d", got.Flat, got.FlatQuarters, tt.flat, tt.count)
			}
		})
	}
	if _, err := b.Quarterly(facts, QuarterlyQuery{From: Date{2025, 1, 1}, To: Date{2024, 1, 1}}, now); !errors.Is(err, ErrRange) {
		t.Errorf("to before from: %v", err)
	}
	if _, err := b.Quarterly(facts, QuarterlyQuery{WorkTypes: []string{"Nope"}}, now); !errors.Is(err, ErrUnknownWorkType) {
		t.Errorf("unknown work type: %v", err)
	}
	// A range wholly in the future is empty; so is a board without issues (only the current
	// quarter, with nothing in it and no flat lines).
	if got, _ := b.Quarterly(facts, QuarterlyQuery{From: Date{2026, 1, 1}}, now); len(got.Quarters) != 0 {
		t.Errorf("future range: %v", got.Quarters)
	}
	if got, _ := b.Quarterly(nil, QuarterlyQuery{}, now); len(got.Quarters) != 1 || got.Flat != nil {
		t.Errorf("no issues: %+v", got)
	}
}

func TestScatter(t *testing.T) {
	t.Parallel()
	b, facts, _ := quarterlyFixture(t)
	pts, err := b.Scatter(facts, nil, Date{2024, 7, 1}, Date{2024, 9, 30})
	if err != nil {
		t.Fatal(err)
	}
	// Q3 2024, oldest first; the noise item is drawn (flagged).
	var got []string
	for _, p := range pts {
		got = append(got, fmt.Sprintf("%s %.2f %v %s", p.Done.Format("01-02"), p.LeadTime, p.Noise, p.Type))
	}
	want := "[07-10 2.00 false Story 08-09 4.00 false Story 09-03 0.00 true Bug 09-10 6.00 false Story]"
	if fmt.Sprint(got) != want {
		t.Errorf("scatter %v, want %s", got, want)
	}
	if all, _ := b.Scatter(facts, []string{"Features"}, Date{}, Date{}); len(all) != 7 {
		t.Errorf("Features, no bounds: %d points, want 7", len(all))
	}
	if _, err := b.Scatter(facts, []string{"Nope"}, Date{}, Date{}); err == nil {
		t.Error("unknown work type accepted")
	}
}
