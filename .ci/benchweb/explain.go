package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/benchdata"
	"github.com/vger-dev/vger/internal/store"
)

// explain prints EXPLAIN (ANALYZE, BUFFERS) of the queries a quadrant page
// and a facts rebuild run, on a typical board and the biggest one, for
// docs/operations.md. The SQL is the store's (internal/store/facts.go,
// status.go, boards.go), repeated here with real parameters.
// quadrantSQL is store.QuadrantFacts' window read.
const quadrantSQL = `SELECT type_name, in_scope, started_at, done_at, lead_time, time_in_state, outside, blocked, blocked_in_state, blocked_outside
	FROM board_issue_facts WHERE board_id = $1 AND done_at >= $2 AND done_at < $3 AND delivered AND in_scope ORDER BY issue_id`

func explain(ctx context.Context, db *benchdata.DB, typical, big board, end time.Time) error {
	var tid, bid int64
	for _, x := range []struct {
		b  board
		id *int64
	}{{typical, &tid}, {big, &bid}} {
		parts := strings.Split(x.b.path, "/")
		if err := db.Store.Pool.QueryRow(ctx, `SELECT b.id FROM boards b JOIN teams t ON t.id = b.team_id WHERE t.slug = $1 AND b.slug = $2`,
			parts[2], parts[4]).Scan(x.id); err != nil {
			return err
		}
	}
	lo, hi := end.AddDate(-1, 0, -7*12), end.AddDate(0, 0, 7)
	queries := []struct {
		name, sql string
		args      []any
	}{
		{"quadrant: weekly counts (typical board)", `SELECT week, type_name, created, started, delivered, closed_not_delivered
			FROM board_weekly_counts WHERE board_id = $1 ORDER BY week, type_name`, []any{tid}},
		{"quadrant: lead-time window facts, one year + 12 weeks (typical board)", quadrantSQL, []any{tid, lo, hi}},
		{"quadrant: lead-time window facts (biggest board)", quadrantSQL, []any{bid, lo, hi}},
		{"quarterly: the default view's delivered facts, from the first quarter (biggest board)", `SELECT issue_id, key, '', type_name, in_scope, started_at, done_at, lead_time, blocked
			FROM board_issue_facts WHERE board_id = $1 AND done_at >= $2 AND done_at < $3 AND delivered AND in_scope ORDER BY done_at, issue_id`, []any{bid, end.AddDate(-10, 0, 0), hi}},
		{"impediments: flagged issues in progress or done in the 26 weeks shown (biggest board)", `SELECT issue_id, key, summary, type_name, in_scope, created_at, started_at, done_at FROM board_issue_facts x
			WHERE board_id = $1 AND in_scope AND started_at IS NOT NULL AND done_at IS NULL AND EXISTS (SELECT 1 FROM jira_flag_changes f WHERE f.issue_id = x.issue_id)
			UNION ALL SELECT issue_id, key, summary, type_name, in_scope, created_at, started_at, done_at FROM board_issue_facts x
			WHERE board_id = $1 AND done_at >= $2 AND started_at < $3 AND in_scope AND EXISTS (SELECT 1 FROM jira_flag_changes f WHERE f.issue_id = x.issue_id)
			ORDER BY issue_id`, []any{bid, end.AddDate(0, 0, -7*26), hi}},
		{"board status with the stored issue count (biggest board)", `SELECT b.id, coalesce((SELECT a.issues FROM board_aggregates a WHERE a.board_id = b.id AND a.version = $2),
			(SELECT count(*) FROM board_issues bi JOIN jira_issues i ON i.id = bi.issue_id WHERE bi.board_id = b.id AND bi.in_filter AND i.deleted_at IS NULL)),
			ss.last_ok_at FROM boards b LEFT JOIN sync_state ss ON ss.board_id = b.id WHERE b.id = $1`, []any{bid, store.WeeklyCountsVersion}},
		{"before: the live issue count each page ran (biggest board)", `SELECT count(*) FROM board_issues bi JOIN jira_issues i ON i.id = bi.issue_id
			WHERE bi.board_id = $1 AND bi.in_filter AND i.deleted_at IS NULL`, []any{bid}},
		{"before: every fact of the board (typical board)", `SELECT issue_id, key, summary, type_name, created_at, in_scope, position, position_since,
			started_at, done_at, delivered, abandoned, closed_not_delivered, lead_time, calendar_days, time_in_state,
			outside, flow_efficiency, blocked, blocked_share, moved_changes, status_mismatch FROM board_issue_facts WHERE board_id = $1 ORDER BY issue_id`, []any{tid}},
		{"lead-time CSV cursor, ten years (biggest board)", `SELECT issue_id, key, summary, type_name, done_at FROM board_issue_facts
			WHERE board_id = $1 AND done_at >= $2 AND done_at < $3 AND delivered ORDER BY done_at, issue_id`, []any{bid, end.AddDate(-10, 0, 0), hi}},
		{"release tags of the board's repositories (typical board)", `SELECT r.owner || '/' || r.name, t.name, t.at FROM tags t
			JOIN board_repos br ON br.repo_id = t.repo_id JOIN repos r ON r.id = t.repo_id
			WHERE br.board_id = $1 AND t.at IS NOT NULL ORDER BY t.at, t.name`, []any{tid}},
		{"facts rebuild: one chunk of 5,000 issues (biggest board)", `SELECT i.id, i.key, bi.in_filter FROM board_issues bi JOIN jira_issues i ON i.id = bi.issue_id
			WHERE bi.board_id = $1 AND bi.issue_id > 500000 AND i.id > 500000 ORDER BY bi.issue_id LIMIT 5000`, []any{bid}},
		{"facts rebuild: that chunk's status histories by id", `SELECT c.issue_id, c.history_id, c.item_seq, c.at, c.from_status_id, c.to_status_id
			FROM jira_status_changes c WHERE c.issue_id = ANY(ARRAY(SELECT issue_id FROM board_issues WHERE board_id = $1 AND issue_id > 500000 ORDER BY issue_id LIMIT 5000))
			ORDER BY c.issue_id, c.at, c.history_id, c.item_seq`, []any{bid}},
	}
	for _, q := range queries {
		rows, err := db.Store.Pool.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+q.sql, q.args...)
		if err != nil {
			return fmt.Errorf("%s: %w", q.name, err)
		}
		say("-- %s", q.name)
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				return err
			}
			say("    %s", line)
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
