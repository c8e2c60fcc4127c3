package web_test

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/vger-dev/vger/internal/store"
)

// The CFD, quarterly, aging, impediments and forecast views, quadrants in another day mode, their JSON, SVGs and CSVs read the
// board's stored aggregates (CFD counts of the days shown, weekly counts,
// the first issue's creation), the delivered facts of their span and the
// work in progress when the board has them, and every fact otherwise. On simulated boards (the
// benchmark loader at a small size) both give byte-identical answers over
// many ranges, work types, fiscal years, windows and zooms.
func TestViewsFromAggregatesEqualFromEveryFact(t *testing.T) {
	t.Parallel()
	s, st, boards := benchServer(t, 5)
	ctx := context.Background()
	var urls []string
	for _, b := range boards[:2] {
		path := "/teams/" + b.TeamSlug + "/boards/" + b.Slug
		for _, q := range []string{"", "?weeks=52", "?weeks=156", "?weeks=13&type=Bug", "?from=2025-01-01&to=2025-06-30",
			"?weeks=104&type=Story&type=Task", "?from=2023-01-01&to=2024-03-01", "?from=2019-01-01&to=2020-01-01",
			"?from=2026-11-20&to=2027-01-01", "?weeks=52&tags=off&notes=off"} {
			urls = append(urls, path+"/flow"+q, withParam(path+"/flow"+q, "format=json"), path+"/flow.csv"+q,
				path+"/flow/chart/cfd.svg"+q, path+"/flow/chart/wip.svg"+q, path+"/flow/chart/arrivals.svg"+q)
		}
		for _, q := range []string{"", "?qfrom=2025-Q4&qto=2026-Q3", "?qfrom=2024-Q1&qto=2026-Q4", "?type=Bug", "?fiscal=4",
			"?qfrom=2025-Q1&qto=2025-Q2&type=Story&type=Task&pct=50&pct=85&pct=95", "?window=26&seed=7",
			"?qfrom=2025-Q1&qto=2026-Q4&zx0=2025-03-01&zx1=2025-11-30&zy0=1&zy1=20", "?qfrom=2018-Q1&qto=2018-Q4", "?fiscal=11&qfrom=2026-Q1"} {
			urls = append(urls, path+"/quarterly"+q, withParam(path+"/quarterly"+q, "format=json"), path+"/quarterly.csv"+q, path+"/quarterly-points.json"+q,
				path+"/quarterly-leadtime.csv"+q, path+"/chart/quarterly-throughput.svg"+q, path+"/chart/quarterly-leadtime.svg"+q)
		}
		// A quadrant that changes the day mode or the start column replays
		// only the items of its lead-time window.
		full, err := st.Board(ctx, b.ID)
		if err != nil || len(full.States) < 4 {
			t.Fatalf("board states %v: %v", full.States, err)
		}
		states := full.States
		for _, q := range []string{"?weeks=52&days=calendar", "?weeks=104&days=calendar&type=Bug&window=26",
			"?from=2025-01-01&to=2025-06-30&days=calendar&backlog=absolute",
			"?weeks=52&start=" + url.QueryEscape(states[2].Name), "?weeks=26&start=" + url.QueryEscape(states[0].Name) + "&days=calendar&type=Bug",
			"?weeks=156&start=" + url.QueryEscape(states[1].Name) + "&backlog=absolute"} {
			urls = append(urls, path+q, path+q+"&format=json", path+"/chart/states.svg"+q, path+"/chart/leadtime.svg"+q)
		}
		for _, q := range []string{"", "?type=Bug", "?window=26&items=40&seed=3", "?asof=2025-06-30&trials=2000",
			"?asof=2019-01-07", "?type=Story&type=Task&by=2027-03-31"} {
			urls = append(urls, path+"/forecast"+q, withParam(path+"/forecast"+q, "format=json"), path+"/forecast.csv"+q)
		}
		for _, q := range []string{"", "?type=Bug", "?type=Story&type=Task", "?window=4"} {
			urls = append(urls, path+"/aging"+q, withParam(path+"/aging"+q, "format=json"), path+"/aging.csv"+q, path+"/aging/chart/aging.svg"+q)
		}
	}
	// The impediments view reads the flagged issues that can add to its
	// weeks (started, in progress or done in them, delivered or not).
	var blocked []string
	for _, b := range boards[:2] {
		path := "/teams/" + b.TeamSlug + "/boards/" + b.Slug
		for _, q := range []string{"", "?weeks=52", "?weeks=156", "?weeks=13&type=Bug", "?from=2025-01-01&to=2025-06-30",
			"?from=2019-01-01&to=2020-01-01", "?from=2026-11-20&to=2027-01-01", "?weeks=26&tags=off&notes=off"} {
			blocked = append(blocked, path+"/blocked"+q, withParam(path+"/blocked"+q, "format=json"), path+"/blocked.csv"+q,
				path+"/blocked/chart/blockeditems.svg"+q, path+"/blocked/chart/blockeddays.svg"+q)
		}
	}
	fast := bodies(t, s, blocked)
	if !strings.Contains(fast[blocked[1]], `"items_blocked":`) || strings.Count(fast[blocked[6]], `"items_blocked":0`) == strings.Count(fast[blocked[6]], `"items_blocked":`) {
		t.Fatalf("no impediment in the default view or the last year's: the comparison shows little\n%s", fast[blocked[6]])
	}
	maps.Copy(fast, bodies(t, s, urls))
	var n int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM board_cfd_counts`).Scan(&n); err != nil || n == 0 {
		t.Fatalf("no CFD counts stored (%d, %v)", n, err)
	}
	// The aggregates' paths read no segment and no fact that is neither
	// delivered nor in progress: without them the answers stay the same.
	if _, err := st.Pool.Exec(ctx, `CREATE TABLE facts_copy AS SELECT * FROM board_issue_facts;
		DELETE FROM board_issue_facts WHERE NOT delivered AND NOT (in_scope AND started_at IS NOT NULL AND done_at IS NULL); UPDATE board_issue_facts SET segments = ''::bytea`); err != nil {
		t.Fatal(err)
	}
	if c := changed(t, s, fast, urls); len(c) > 0 {
		t.Fatalf("%s: the answer from the aggregates reads more than delivered facts", c[0])
	}
	if _, err := st.Pool.Exec(ctx, `DELETE FROM board_issue_facts; INSERT INTO board_issue_facts SELECT * FROM facts_copy;
		DELETE FROM board_aggregates`); err != nil {
		t.Fatal(err)
	}
	for _, u := range changed(t, s, fast, append(urls, blocked...)) {
		t.Errorf("%s: the answer from the aggregates differs from the one from every fact", u)
	}
}

// TestAggregatesHandWorked: what a rebuild stores besides the facts, on
// the flow fixture's board (UTC; columns To Do | In Progress | Review |
// Done, lead time from In Progress to Done; Triage unmapped).
//
//	X1 Story created Mon Mar 3 09:00 in To Do, In Progress Mar 4, Review Mar 5, Done Mar 6
//	X2 Story created Mar 3 09:00 in To Do, Done Mar 5 (straight to done)
//	X3 Bug created Tue Mar 11 09:00 in Triage, no change since
//
// CFD counts (bands unmapped, To Do, In Progress, Review, Done), per type
// on each day they change: Story Mar 3 both in To Do [0 2 0 0 0]; Mar 4
// X1 moves on [0 1 1 0 0]; Mar 5 X1 in Review, X2 done [0 0 0 1 1]; Mar 6
// X1 done [0 0 0 0 2]. Bug Mar 11 [1 0 0 0 0].
//
// Weekly counts per other start column (week of Mar 3 Story; week of Mar
// 10 Bug: created 1, nothing else, whatever the start):
//   - start To Do: both start at creation and are delivered: created 2,
//     started 2, delivered 2, closed not delivered 0;
//   - start Review: X1 starts Mar 5 and is delivered; X2 never was in
//     [Review, Done): created 2, started 1, delivered 1, closed 1.
//
// The board's own start (In Progress) is the weekly counts: X1 started and
// delivered, X2 closed without delivery. First issue: Mar 3 09:00.
func TestAggregatesHandWorked(t *testing.T) {
	t.Parallel()
	_, st := newServer(t)
	ctx := context.Background()
	b := flowBoard(t, st, "agg", "agg")
	ib := &issueBuilder{project: "AGG"}
	storeIssues(t, st, b, []store.JiraIssue{
		ib.issue(1, "10", "5", day(3, 3, 9), "1", "3", day(3, 4, 10), "3", "4", day(3, 5, 10), "4", "5", day(3, 6, 10)),
		ib.issue(2, "10", "5", day(3, 3, 9), "1", "5", day(3, 5, 10)),
		ib.issue(3, "11", "6", day(3, 11, 9)),
	})
	rows := func(sql string) []string {
		t.Helper()
		r, err := st.Pool.Query(ctx, sql, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(r, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	check := func(what string, got, want []string) {
		t.Helper()
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
			t.Errorf("%s:\n got %q\nwant %q", what, got, want)
		}
	}
	check("CFD counts", rows(`SELECT type_name || ' ' || day || ' ' || bands::text FROM board_cfd_counts WHERE board_id = $1 ORDER BY type_name, day`),
		[]string{"Bug 2025-03-11 {1,0,0,0,0}", "Story 2025-03-03 {0,2,0,0,0}", "Story 2025-03-04 {0,1,1,0,0}",
			"Story 2025-03-05 {0,0,0,1,1}", "Story 2025-03-06 {0,0,0,0,2}"})
	check("start counts", rows(`SELECT start_seq || ' ' || week || ' ' || type_name || ' ' || concat_ws(',', created, started, delivered, closed_not_delivered)
		FROM board_start_counts WHERE board_id = $1 ORDER BY start_seq, week, type_name`),
		[]string{"0 2025-03-03 Story 2,2,2,0", "0 2025-03-10 Bug 1,0,0,0", "2 2025-03-03 Story 2,1,1,1", "2 2025-03-10 Bug 1,0,0,0"})
	check("weekly counts", rows(`SELECT week || ' ' || type_name || ' ' || concat_ws(',', created, started, delivered, closed_not_delivered)
		FROM board_weekly_counts WHERE board_id = $1 ORDER BY week, type_name`),
		[]string{"2025-03-03 Story 2,1,1,1", "2025-03-10 Bug 1,0,0,0"})
	check("first issue", rows(`SELECT to_char(first_created AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM board_aggregates WHERE board_id = $1`),
		[]string{"2025-03-03 09:00"})
}
