package flow

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// prQuarterlyFixture: the simple board (UTC, working days, W = 4, calendar quarters unless
// fiscal is set) with dependabot[bot] excluded and base branch main only; now Wed 19 Feb 2025
// 12:00 (current week Mon Feb 17, current quarter Q1 2025). Pull requests, opened -> merged,
// lead time in working days:
//
//	Q3 2024  api#1 ann      Mon Jul 8 09:00 -> Wed Jul 10 09:00       2     (the first PR)
//	         api#2 ann      Fri Aug 2 09:00 -> Mon Aug 5 09:00        1     (Fri 15/24 + Mon 9/24; the weekend counts 0)
//	         api#3 dependabot[bot] Tue Sep 3 09:00 -> 10:00           left out: excluded author
//	         api#4 cy       Mon Sep 9 09:00, closed Sep 10 unmerged    rejected: never counted
//	         api#5 dee      into release/1, merged Wed Sep 11          left out: base branch not selected
//	Q4 2024  web#1 bob      Mon Sep 23 09:00 (Q3) -> Mon Oct 7 09:00  10    (two weeks; opened in Q3, counted in Q4)
//	         api#6 ann      Mon Nov 4 09:00 -> 09:05                  noise: counted and drawn, not in the lines
//	Q1 2025  api#7  Mon Jan 20 09:00 -> Tue Jan 21 09:00              1     (week of Jan 20)
//	         api#8  Mon Jan 27 09:00 -> Thu Jan 30 09:00              3     (week of Jan 27)
//	         web#2  Mon Feb 3 09:00 -> Wed Feb 5 09:00                2     (week of Feb 3)
//	         api#9  Mon Feb 10 09:00 -> Fri Feb 14 09:00              4     (week of Feb 10)
//	         api#10 Mon Feb 17 09:00 -> Tue Feb 18 09:00              1     (the current week)
//	         api#11 Tue Feb 18 09:00, still open                      never counted
func prQuarterlyFixture(t *testing.T, fiscal time.Month) (*Board, []PullRequest, time.Time) {
	t.Helper()
	b := simpleBoard(t, func(c *BoardConfig) {
		c.PRExcludeAuthors = []string{"dependabot[bot]"}
		c.PRBaseBranches = []string{"main"}
		c.FiscalYearStart = fiscal
	})
	pr := func(repo string, n int, author, base, created, closed, merged string) PullRequest {
		p := PullRequest{Repo: repo, Number: n, Author: author, Base: base, CreatedAt: at(t, created)}
		if closed != "" {
			p.ClosedAt = at(t, closed)
		}
		if merged != "" {
			p.MergedAt, p.ClosedAt = at(t, merged), at(t, merged)
		}
		return p
	}
	// Not in time order, so the results' order is the code's, not the input's.
	prs := []PullRequest{
		pr("acme/api", 9, "ann", "main", "2025-02-10T09:00:00Z", "", "2025-02-14T09:00:00Z"),
		pr("acme/api", 1, "ann", "main", "2024-07-08T09:00:00Z", "", "2024-07-10T09:00:00Z"),
		pr("acme/api", 2, "ann", "main", "2024-08-02T09:00:00Z", "", "2024-08-05T09:00:00Z"),
		pr("acme/api", 3, "dependabot[bot]", "main", "2024-09-03T09:00:00Z", "", "2024-09-03T10:00:00Z"),
		pr("acme/api", 4, "cy", "main", "2024-09-09T09:00:00Z", "2024-09-10T09:00:00Z", ""),
		pr("acme/api", 5, "dee", "release/1", "2024-09-09T09:00:00Z", "", "2024-09-11T09:00:00Z"),
		pr("acme/web", 1, "bob", "main", "2024-09-23T09:00:00Z", "", "2024-10-07T09:00:00Z"),
		pr("acme/api", 6, "ann", "main", "2024-11-04T09:00:00Z", "", "2024-11-04T09:05:00Z"),
		pr("acme/api", 7, "ann", "main", "2025-01-20T09:00:00Z", "", "2025-01-21T09:00:00Z"),
		pr("acme/web", 2, "bob", "main", "2025-02-03T09:00:00Z", "", "2025-02-05T09:00:00Z"),
		pr("acme/api", 8, "cy", "main", "2025-01-27T09:00:00Z", "", "2025-01-30T09:00:00Z"),
		pr("acme/api", 10, "ann", "main", "2025-02-17T09:00:00Z", "", "2025-02-18T09:00:00Z"),
		pr("acme/api", 11, "bob", "main", "2025-02-18T09:00:00Z", "", ""),
	}
	return b, prs, at(t, "2025-02-19T12:00:00Z")
}

// refs names PRs by index as repo-short#number (api#7).
func refs(prs []PullRequest, idx []int) string {
	var out []string
	for _, i := range idx {
		out = append(out, fmt.Sprintf("%s#%d", strings.TrimPrefix(prs[i].Repo, "acme/"), prs[i].Number))
	}
	return strings.Join(out, " ")
}

func TestPRQuarterly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		fiscal time.Month
		q      PRQuarterlyQuery
		rows   []string // start partial merged [lines] lead-PRs | PRs counted
		flat   string
		count  int
	}{
		{
			// From the first PR's quarter (Q3 2024) to the current one.
			// Q3: api#1 (2), api#2 (1) = 2; lines over {1 2}: 1.5, 1.8, 1.9.
			// Q4: web#1 (10) and the noise PR api#6 = 2; lines over {10} alone.
			// Q1 2025 (so far): api#7 (1), api#8 (3), web#2 (2), api#9 (4), api#10 (1) = 5;
			// lines over {1 1 2 3 4}: p50 h=2 -> 2; p80 h=3.2 -> 3+.2x1 = 3.2; p90 h=3.6 -> 3.6.
			// Flat over the complete quarters [2 2]: 2 at every level.
			name: "calendar quarters",
			rows: []string{"2024-07-01 false 2 [1.5000 1.8000 1.9000] 2 | api#1 api#2",
				"2024-10-01 false 2 [10.0000 10.0000 10.0000] 1 | api#6 web#1",
				"2025-01-01 true 5 [2.0000 3.2000 3.6000] 5 | api#7 api#8 api#9 api#10 web#2"},
			flat: "[{50 2} {80 2} {90 2}]", count: 2,
		},
		{
			// Fiscal year from February: Feb-Apr, May-Jul, Aug-Oct, Nov-Jan.
			// May-Jul 2024: api#1 (2) = 1. Aug-Oct: api#2 (1), web#1 (10) = 2; {1 10}: p50 5.5,
			// p80 1+.8x9 = 8.2, p90 1+.9x9 = 9.1. Nov-Jan: api#6 (noise), api#7 (1), api#8 (3) = 3;
			// {1 3}: 2, 2.6, 2.8. Feb-Apr 2025 (so far): web#2 (2), api#9 (4), api#10 (1) = 3;
			// {1 2 4}: p50 2; p80 h=1.6 -> 2+.6x2 = 3.2; p90 h=1.8 -> 3.6.
			// Flat over [1 2 3], descending 3 2 1: 50% needs 1.5 quarters -> the 2nd = 2;
			// 80% needs 2.4 -> the 3rd = 1; 90% -> 1.
			name: "fiscal year from February", fiscal: 2,
			rows: []string{"2024-05-01 false 1 [2.0000 2.0000 2.0000] 1 | api#1",
				"2024-08-01 false 2 [5.5000 8.2000 9.1000] 2 | api#2 web#1",
				"2024-11-01 false 3 [2.0000 2.6000 2.8000] 2 | api#6 api#7 api#8",
				"2025-02-01 true 3 [2.0000 3.2000 3.6000] 3 | api#9 api#10 web#2"},
			flat: "[{50 2} {80 1} {90 1}]", count: 3,
		},
		{
			// A range from before the first PR shows the empty quarter, but the flat lines skip
			// it; 85/95 lines: Q3 {1 2}: 1.85, 1.95.
			name: "before the first PR, other lines",
			q:    PRQuarterlyQuery{From: Date{2024, 5, 20}, To: Date{2024, 9, 30}, Percents: []int{85, 95}},
			rows: []string{"2024-04-01 false 0 [] 0 | ", "2024-07-01 false 2 [1.8500 1.9500] 2 | api#1 api#2"},
			flat: "[{85 2} {95 2}]", count: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, prs, now := prQuarterlyFixture(t, tt.fiscal)
			got, err := b.PRQuarterly(prs, tt.q, now)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.PRs) != len(got.Quarters) {
				t.Fatalf("%d PR lists for %d quarters", len(got.PRs), len(got.Quarters))
			}
			var rows []string
			for i, q := range got.Quarters {
				var lines []string
				for _, l := range q.LeadTime {
					lines = append(lines, fmt.Sprintf("%.4f", l.Value))
				}
				rows = append(rows, fmt.Sprintf("%s %v %d %v %d | %s", q.Start, q.Partial, q.Throughput, lines, q.LeadItems, refs(prs, got.PRs[i])))
				if len(got.PRs[i]) != q.Throughput {
					t.Errorf("%s: %d PRs listed, %d counted", q.Start, len(got.PRs[i]), q.Throughput)
				}
			}
			if !slices.Equal(rows, tt.rows) {
				t.Errorf("quarters:\n got %q\nwant %q", rows, tt.rows)
			}
			if fmt.Sprint(got.Flat) != tt.flat || got.FlatQuarters != tt.count {
				t.Errorf("flat %v over %d, want %s over %d", got.Flat, got.FlatQuarters, tt.flat, tt.count)
			}
		})
	}
	b, prs, now := prQuarterlyFixture(t, 0)
	if _, err := b.PRQuarterly(prs, PRQuarterlyQuery{From: Date{2025, 1, 1}, To: Date{2024, 1, 1}}, now); !errors.Is(err, ErrRange) {
		t.Errorf("to before from: %v", err)
	}
	// Without PRs: only the current quarter, empty, with no flat lines.
	if got, _ := b.PRQuarterly(nil, PRQuarterlyQuery{}, now); len(got.Quarters) != 1 || got.Flat != nil || got.Quarters[0].Throughput != 0 {
		t.Errorf("no PRs: %+v", got)
	}
	// Without the board's filters the bot's PR and the one into release/1 count in Q3: 4.
	open := simpleBoard(t, nil)
	if got, _ := open.PRQuarterly(prs, PRQuarterlyQuery{To: Date{2024, 9, 30}}, now); got.Quarters[0].Throughput != 4 || refs(prs, got.PRs[0]) != "api#1 api#2 api#3 api#5" {
		t.Errorf("no filters: Q3 %d: %s", got.Quarters[0].Throughput, refs(prs, got.PRs[0]))
	}
}

// The quarters hold exactly the PRs the weekly view counts: PRQuarterly and PRWeekly agree on
// every merged PR, whatever the quarter boundaries.
func TestPRQuarterlySumsWeeklyMerges(t *testing.T) {
	t.Parallel()
	for _, fiscal := range []time.Month{1, 2, 4, 11} {
		b, prs, now := prQuarterlyFixture(t, fiscal)
		q, err := b.PRQuarterly(prs, PRQuarterlyQuery{}, now)
		if err != nil {
			t.Fatal(err)
		}
		w, err := b.PRWeekly(prs, PRQuery{From: q.Quarters[0].Start, To: Date{2025, 2, 19}}, now)
		if err != nil {
			t.Fatal(err)
		}
		quarterly, weekly := 0, 0
		for _, qq := range q.Quarters {
			quarterly += qq.Throughput
		}
		for _, wk := range w.Weeks {
			weekly += wk.Merged
		}
		// 2 + 2 + 5: api#1, 2, 6, 7, 8, 9, 10, web#1, 2.
		if quarterly != 9 || weekly != 9 {
			t.Errorf("fiscal %d: %d merged by quarter, %d by week, want 9", fiscal, quarterly, weekly)
		}
	}
}

func TestPRScatter(t *testing.T) {
	t.Parallel()
	b, prs, _ := prQuarterlyFixture(t, 0)
	// Q3 and Q4 2024, oldest merge first: the bot's, the rejected and the release/1 PRs are
	// not there; web#1 is drawn at its merge (Oct 7), the noise PR (5 minutes = 5/1440 of a
	// working day) is drawn and flagged.
	var got []string
	for _, p := range b.PRScatter(prs, Date{2024, 7, 1}, Date{2024, 12, 31}) {
		got = append(got, fmt.Sprintf("%s#%d %s %.4f %v", p.Repo, p.Number, p.Merged.Format("01-02"), p.LeadTime, p.Noise))
		if pr := prs[p.PR]; pr.Repo != p.Repo || pr.Number != p.Number {
			t.Errorf("point %s#%d points at PR %s#%d", p.Repo, p.Number, pr.Repo, pr.Number)
		}
	}
	want := []string{"acme/api#1 07-10 2.0000 false", "acme/api#2 08-05 1.0000 false", "acme/web#1 10-07 10.0000 false", "acme/api#6 11-04 0.0035 true"}
	if !slices.Equal(got, want) {
		t.Errorf("scatter:\n got %q\nwant %q", got, want)
	}
	// Open bounds: every merged PR after the filters, api#10 last.
	all := b.PRScatter(prs, Date{}, Date{})
	if len(all) != 9 || all[8].Number != 10 {
		t.Errorf("no bounds: %d points, last #%d", len(all), all[len(all)-1].Number)
	}
	// Bounds are inclusive local dates: merged Feb 14 and Feb 18 are in [Feb 14, Feb 18].
	if pts := b.PRScatter(prs, Date{2025, 2, 14}, Date{2025, 2, 18}); len(pts) != 2 || pts[0].Number != 9 || pts[1].Number != 10 {
		t.Errorf("Feb 14..18: %+v", pts)
	}
}

// The forecast's history: merges per week of the last W = 4 complete weeks before the current
// week (Jan 20, 27, Feb 3, Feb 10: one each; api#10 is in the current week), so every trial
// of the next quarter draws 14 ones. The next quarter (Q2 2025, Tue Apr 1 .. Mon Jun 30)
// overlaps the 14 weeks of Mon Mar 31 .. Mon Jun 30: 14 x 1 = 14 at every likelihood.
func TestPRSamplesAndForecast(t *testing.T) {
	t.Parallel()
	b, prs, now := prQuarterlyFixture(t, 0)
	samples := b.PRSamples(prs, now)
	if !slices.Equal(samples, []int{1, 1, 1, 1}) {
		t.Fatalf("samples %v, want [1 1 1 1]", samples)
	}
	fc := b.ForecastNextQuarter(samples, now, 1000, NewRand(7), nil)
	if fc.Start != (Date{2025, 4, 1}) || fc.Weeks != 14 || fmt.Sprint(fc.Likelihood) != "[{50 14} {80 14} {90 14}]" {
		t.Errorf("forecast %+v", fc)
	}
	// Weeks before the first PR do not count: three weeks after it there is no forecast yet
	// (Jul 8, 15, 22 complete on Wed Jul 31); four weeks later there is.
	if s := b.PRSamples(prs, at(t, "2024-07-31T12:00:00Z")); s != nil {
		t.Errorf("three weeks of history: %v", s)
	}
	if s := b.PRSamples(prs, at(t, "2024-08-07T12:00:00Z")); !slices.Equal(s, []int{1, 0, 0, 0}) {
		t.Errorf("four weeks of history: %v, want [1 0 0 0]", s)
	}
	if s := b.PRSamples(nil, now); s != nil {
		t.Errorf("no PRs: %v", s)
	}
	if f := b.FirstPR(prs); !f.OK || !f.V.Equal(at(t, "2024-07-08T09:00:00Z")) {
		t.Errorf("first PR %v", f)
	}
}
