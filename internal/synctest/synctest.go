// Package synctest holds checks shared by sync tests in several packages:
// stored data against the simulator's ground truth, table write
// statistics, and the simulator served on loopback. Only tests import it.
package synctest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vger-dev/vger/internal/sim"
	"github.com/vger-dev/vger/internal/store"
)

// CheckAgainstTruth compares what Postgres holds with the simulator's
// ground truth, field by field, through SQL.
func CheckAgainstTruth(t testing.TB, st *store.Store, s *sim.Sim, boards map[int]int64) {
	t.Helper()
	ctx := context.Background()
	truth := map[int64]sim.TruthIssue{}
	for ti := range s.TruthIssues() {
		id, _ := strconv.ParseInt(ti.ID, 10, 64)
		truth[id] = ti
	}
	type row struct {
		ID                                                  int64
		Key, Project, TypeID, StatusID, Resolution, Summary string
		Parent                                              int64
		Created, Updated                                    time.Time
		Resolved, Deleted                                   *time.Time
	}
	rows, err := st.Pool.Query(ctx, `SELECT id, key, project, type_id, status_id, resolution, summary, coalesce(parent_id, 0),
		created_at, updated_at, resolved_at, deleted_at FROM jira_issues ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) == 0 {
		t.Fatal("nothing stored")
	}
	changes := map[int64][]string{}
	rows, _ = st.Pool.Query(ctx, `SELECT issue_id, history_id, at, from_status_id, to_status_id FROM jira_status_changes ORDER BY issue_id, at, history_id, item_seq`)
	for rows.Next() {
		var id, hid int64
		var at time.Time
		var from, to string
		rows.Scan(&id, &hid, &at, &from, &to)
		changes[id] = append(changes[id], fmt.Sprintf("%d %s %s>%s", hid, at.UTC().Format(time.RFC3339Nano), from, to))
	}
	flags := map[int64][]string{}
	rows, _ = st.Pool.Query(ctx, `SELECT issue_id, at, flagged FROM jira_flag_changes ORDER BY issue_id, at, history_id, item_seq`)
	for rows.Next() {
		var id int64
		var at time.Time
		var f bool
		rows.Scan(&id, &at, &f)
		flags[id] = append(flags[id], fmt.Sprintf("%s %v", at.UTC().Format(time.RFC3339Nano), f))
	}
	for _, r := range stored {
		ti, ok := truth[r.ID]
		if !ok {
			t.Fatalf("stored issue %d does not exist in the simulator", r.ID)
		}
		if ti.Deleted {
			if r.Deleted == nil {
				t.Errorf("issue %s deleted in JIRA but not marked deleted", ti.Key)
			}
			continue
		}
		parent, _ := strconv.ParseInt(ti.ParentID, 10, 64)
		var resolved *time.Time
		if !ti.ResolvedAt.IsZero() {
			resolved = &ti.ResolvedAt
		}
		if r.Key != ti.Key || r.Project != ti.Project || r.TypeID != ti.TypeID || r.StatusID != ti.Status ||
			r.Resolution != ti.Resolution || r.Summary != ti.Summary || r.Parent != parent || !r.Created.Equal(ti.Created) ||
			!r.Updated.Equal(ti.Updated) || (r.Resolved == nil) != (resolved == nil) || (resolved != nil && !r.Resolved.Equal(*resolved)) ||
			r.Deleted != nil {
			t.Errorf("issue %d differs:\n stored %+v\n truth  %+v", r.ID, r, ti)
			continue
		}
		var want []string
		for _, c := range ti.StatusChanges {
			want = append(want, fmt.Sprintf("%s %s %s>%s", c.HistoryID, c.At.UTC().Format(time.RFC3339Nano), c.From, c.To))
		}
		if !slices.Equal(changes[r.ID], want) {
			t.Errorf("issue %s status history:\n stored %v\n truth  %v", ti.Key, changes[r.ID], want)
		}
		var wantFlags []string
		for _, f := range ti.FlagChanges {
			wantFlags = append(wantFlags, fmt.Sprintf("%s %v", f.At.UTC().Format(time.RFC3339Nano), f.Flagged))
		}
		if !slices.Equal(flags[r.ID], wantFlags) {
			t.Errorf("issue %s flags:\n stored %v\n truth  %v", ti.Key, flags[r.ID], wantFlags)
		}
	}
	// Every live issue on a board's filter is stored and in that board.
	for _, tb := range s.Boards() {
		var n int
		st.Pool.QueryRow(ctx, `SELECT count(*) FROM board_issues bi JOIN jira_issues i ON i.id = bi.issue_id
			WHERE bi.board_id = $1 AND bi.in_filter AND i.deleted_at IS NULL`, boards[tb.ID]).Scan(&n)
		want := 0
		for _, ti := range truth {
			if !ti.Deleted && ti.Project == tb.Project && (len(tb.IssueTypes) == 0 || slices.Contains(tb.IssueTypes, ti.Type)) {
				want++
			}
		}
		if n != want {
			t.Errorf("board %d (%s): %d live in-filter issues stored, truth %d", tb.ID, tb.Name, n, want)
		}
	}
}

// TableWrites sums inserted, updated and deleted tuples of the source and
// facts tables.
func TableWrites(t testing.TB, st *store.Store) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	// Backends flush table statistics lazily, but always when they exit:
	// close the pool's connections and wait until they are gone.
	st.Pool.Reset()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var others int
		if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&others); err != nil {
			t.Fatal(err)
		}
		if others == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still open", others)
		}
		st.Pool.Reset() // this check's own connection, too, next round
		time.Sleep(10 * time.Millisecond)
	}
	conn, err := st.Pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	rows, err := conn.Query(ctx, `SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables
		WHERE schemaname = 'public' AND relname IN ('jira_issues','jira_status_changes','jira_flag_changes','jira_issue_keys',
		'board_issues','jira_statuses','jira_issue_types','board_issue_facts','board_config_snapshots','pull_requests','tags','repos','board_repos')`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var n int64
		rows.Scan(&name, &n)
		out[name] = n
	}
	return out
}
