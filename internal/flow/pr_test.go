package flow

import (
	"errors"
	"fmt"
	"regexp"
	"testing"
)

// TestPRWeekly: the simple board (UTC, working days, W = 4) with PR filters: dependabot[bot]
// excluded, base branch main only. 2025 weeks Jan 6, 13, 20, 27, Feb 3 (current: now Wed Feb 5).
func TestPRWeekly(t *testing.T) {
	t.Parallel()
	b := simpleBoard(t, func(c *BoardConfig) {
		c.PRExcludeAuthors = []string{"dependabot[bot]"}
		c.PRBaseBranches = []string{"main"}
	})
	now := at(t, "2025-02-05T12:00:00Z")
	pr := func(n int, author, base, created, closed, merged string, add, del int) PullRequest {
		p := PullRequest{Repo: "acme/api", Number: n, Author: author, Base: base, CreatedAt: at(t, created),
			Additions: add, Deletions: del}
		if closed != "" {
			p.ClosedAt = at(t, closed)
		}
		if merged != "" {
			p.MergedAt = at(t, merged)
		}
		return p
	}
	prs := []PullRequest{
		// Mon Jan 6 09:00 -> Wed Jan 8 09:00: lead 2.
		pr(1, "ann", "main", "2025-01-06T09:00:00Z", "2025-01-08T09:00:00Z", "2025-01-08T09:00:00Z", 10, 5),
		pr(2, "dependabot[bot]", "main", "2025-01-07T09:00:00Z", "2025-01-07T10:00:00Z", "2025-01-07T10:00:00Z", 1, 1),
		pr(3, "dee", "release/1", "2025-01-07T09:00:00Z", "2025-01-09T10:00:00Z", "2025-01-09T10:00:00Z", 2, 2),
		// Fri 23:50 -> Sat 00:00: 10 minutes, noise: counts as merged, not in lead-time lines.
		pr(4, "bob", "main", "2025-01-10T23:50:00Z", "2025-01-11T00:00:00Z", "2025-01-11T00:00:00Z", 3, 0),
		// Closed without merge: rejected volume in week Jan 13, not throughput.
		pr(5, "cy", "main", "2025-01-13T09:00:00Z", "2025-01-14T09:00:00Z", "", 20, 30),
		// Merged without closed_at (an API gap): it closes when merged. Mon 13 -> Thu 16 = 3.
		pr(6, "ann", "main", "2025-01-13T09:00:00Z", "", "2025-01-16T09:00:00Z", 7, 1),
		// Still open: no volume, no throughput.
		pr(7, "bob", "main", "2025-01-20T09:00:00Z", "", "", 400, 100),
	}
	if lt := b.PRLeadTime(&prs[0]); !lt.OK || !near(lt.V, 2) {
		t.Errorf("PR 1 lead time %v, want 2", lt)
	}
	if lt := b.PRLeadTime(&prs[4]); lt.OK {
		t.Errorf("an unmerged PR has no lead time, got %v", lt.V)
	}
	if b.KeepPR(&prs[1]) || b.KeepPR(&prs[2]) || !b.KeepPR(&prs[0]) {
		t.Error("author/base filters")
	}
	got, err := b.PRWeekly(prs, PRQuery{From: Date{2025, 1, 6}, To: Date{2025, 2, 5}}, now)
	if err != nil {
		t.Fatal(err)
	}
	// Merged: Jan 6: #1, #4 = 2; Jan 13: #6 = 1; then 0, 0, 0 (current).
	// Volume merged: Jan 6: 15 + 3 = 18; Jan 13: 8. Rejected: Jan 13: 50.
	// Jan 27 (4 weeks since the first PR, Jan 6): counts [2,1,0,0] -> 50% = 2nd = 1, 80/90% =
	// 0; mean 0.75, variance (1.5625+0.0625+0.5625+0.5625)/4 = 0.6875, variation 1.1055.
	// Leads #1 2, #6 3 (#4 is noise): 2.5, 2.8, 2.9.
	want := []string{
		"2025-01-06 false 2 18 0 1 [] none []",
		"2025-01-13 false 1 8 50 2 [] none []",
		"2025-01-20 false 0 0 0 3 [] none []",
		"2025-01-27 false 0 0 0 4 [1 0 0] 1.1055 [2.5000 2.8000 2.9000]",
		"2025-02-03 true 0 0 0 - [] none []",
	}
	if len(got.Weeks) != len(want) {
		t.Fatalf("got %d weeks, want %d", len(got.Weeks), len(want))
	}
	for i, w := range got.Weeks {
		var like []int
		for _, l := range w.Likelihood {
			like = append(like, l.Count)
		}
		var lead []string
		for _, l := range w.LeadTime {
			lead = append(lead, fmt.Sprintf("%.4f", l.Value))
		}
		ww, vr := "-", "none"
		if w.WindowWeeks.OK {
			ww = fmt.Sprint(w.WindowWeeks.V)
		}
		if w.Variation.OK {
			vr = fmt.Sprintf("%.4f", w.Variation.V)
		}
		line := fmt.Sprintf("%s %v %d %d %d %s %v %s %v", w.Monday, w.Partial, w.Merged, w.VolumeMerged,
			w.VolumeRejected, ww, like, vr, lead)
		if line != want[i] {
			t.Errorf("week %d:\n got %s\nwant %s", i, line, want[i])
		}
	}
	// Complete weeks [2,1,0,0]: the flat lines agree with Jan 27's window.
	if fmt.Sprint(got.Flat) != "[{50 1} {80 0} {90 0}]" || got.FlatWeeks != 4 {
		t.Errorf("flat %v over %d weeks", got.Flat, got.FlatWeeks)
	}
	if _, err := b.PRWeekly(prs, PRQuery{From: Date{2025, 2, 1}, To: Date{2025, 1, 1}}, now); !errors.Is(err, ErrRange) {
		t.Errorf("to before from: %v", err)
	}
	if _, err := b.PRWeekly(prs, PRQuery{Window: 2}, now); !errors.Is(err, ErrWindowTooShort) {
		t.Errorf("short window: %v", err)
	}
	// Without PRs every statistic is a gap.
	empty, _ := b.PRWeekly(nil, PRQuery{}, now)
	if len(empty.Weeks) != 27 || empty.Weeks[0].WindowWeeks != Some(0) || empty.Flat != nil {
		t.Errorf("no PRs: %d weeks, first window %v, flat %v", len(empty.Weeks), empty.Weeks[0].WindowWeeks, empty.Flat)
	}
}

func TestTagMarkers(t *testing.T) {
	t.Parallel()
	tags := []Tag{
		{"acme/api", "v1.1", at(t, "2025-01-20T10:00:00Z")},
		{"acme/api", "v1.0", at(t, "2025-01-08T10:00:00Z")},
		{"acme/api", "v1.1-rc1", at(t, "2025-01-10T10:00:00Z")},
		{"acme/api", "nightly", at(t, "2025-01-09T10:00:00Z")},
		{"acme/api", "v0.9", at(t, "2024-12-20T10:00:00Z")}, // before the range
		{"acme/api", "v2.0", at(t, "2025-02-01T00:00:00Z")}, // at `to`: half-open, left out
		{"acme/web", "v3.0", at(t, "2025-01-01T00:00:00Z")}, // at `from`: kept
	}
	from, to := at(t, "2025-01-01T00:00:00Z"), at(t, "2025-02-01T00:00:00Z")
	names := func(ts []Tag) string {
		var s []string
		for _, x := range ts {
			s = append(s, x.Name)
		}
		return fmt.Sprint(s)
	}
	if got := names(TagMarkers(tags, regexp.MustCompile(`^v\d+\.\d+$`), from, to)); got != "[v3.0 v1.0 v1.1]" {
		t.Errorf("releases: %s", got)
	}
	if got := names(TagMarkers(tags, nil, from, to)); got != "[v3.0 v1.0 nightly v1.1-rc1 v1.1]" {
		t.Errorf("all tags: %s", got)
	}
	// The board's pattern does the same.
	b := simpleBoard(t, func(c *BoardConfig) { c.TagPattern = `^v\d+\.\d+$` })
	if got := names(b.Tags(tags, from, to)); got != "[v3.0 v1.0 v1.1]" {
		t.Errorf("board tags: %s", got)
	}
}
