package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vger-dev/vger/internal/pgtest"
	"github.com/vger-dev/vger/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestMigrateIsIdempotentAndCheckSchemaTracksIt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := store.Open(ctx, pgtest.EmptyDSN(t), store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaOutdated) {
		t.Fatalf("empty database: want ErrSchemaOutdated, got %v", err)
	}
	first, err := s.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.AppApplied) == 0 || len(first.RiverApplied) == 0 {
		t.Fatalf("first migrate applied nothing: %+v", first)
	}
	second, err := s.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(second.AppApplied) != 0 || len(second.RiverApplied) != 0 {
		t.Fatalf("second migrate applied again: %+v", second)
	}
	st, err := s.CheckSchema(ctx)
	if err != nil || !st.Current() {
		t.Fatalf("after migrate: %+v %v", st, err)
	}
	// A database migrated by a newer binary is refused too.
	if _, err := s.Pool.Exec(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, true)`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaNewer) {
		t.Fatalf("want ErrSchemaNewer, got %v", err)
	}
}

func TestTeamsRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := pgtest.Store(t)
	b, err := s.CreateTeam(ctx, "Payments", "payments")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateTeam(ctx, "Apps", "apps"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateTeam(ctx, "Payments again", "payments"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate slug: want ErrConflict, got %v", err)
	}
	teams, err := s.ListTeams(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(teams) != 2 || teams[0].Slug != "apps" || teams[1].Name != "Payments" || teams[1].ID != b.ID {
		t.Fatalf("teams: %+v", teams)
	}
	got, err := s.TeamBySlug(ctx, "payments")
	if err != nil || got.ID != b.ID {
		t.Fatalf("by slug: %+v %v", got, err)
	}
	if _, err := s.TeamBySlug(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing: want ErrNotFound, got %v", err)
	}
}

// The schema's constraints keep data honest; each statement must be refused
// with the given SQLSTATE.
func TestSchemaConstraints(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := pgtest.Store(t)
	setup := []string{
		`INSERT INTO teams (name, slug) VALUES ('T', 't')`,
		`INSERT INTO boards (team_id, name, slug, jira_board_id, lead_start_seq, lead_end_seq) SELECT id, 'B', 'b', 7, 1, 3 FROM teams`,
		`INSERT INTO board_states (board_id, seq, name) SELECT id, s, 'S' || s FROM boards, generate_series(0, 3) s`,
		`INSERT INTO board_status_map (board_id, status_id, seq) SELECT id, '10001', 1 FROM boards`,
		`INSERT INTO repos (owner, name) VALUES ('acme', 'api')`,
		`INSERT INTO jira_issues (id, key, project, type_id, status_id, created_at, updated_at) VALUES (1, 'A-1', 'A', '1', '10001', now(), now())`,
	}
	for _, q := range setup {
		if _, err := s.Pool.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	refused := []struct{ name, sql, code string }{
		{"status mapped by two columns", `INSERT INTO board_status_map (board_id, status_id, seq) SELECT id, '10001', 2 FROM boards`, "23505"},
		{"mapping to a missing column", `INSERT INTO board_status_map (board_id, status_id, seq) SELECT id, '10002', 9 FROM boards`, "23503"},
		{"start not before end", `UPDATE boards SET lead_start_seq = 3, lead_end_seq = 3`, "23514"},
		{"unknown day mode", `UPDATE boards SET day_mode = 'lunar'`, "23514"},
		{"empty work type", `INSERT INTO work_types (board_id, name, issue_type_ids) SELECT id, 'Empty', '{}' FROM boards`, "23514"},
		{"bad team slug", `INSERT INTO teams (name, slug) VALUES ('X', 'Not A Slug')`, "23514"},
		{"repo names case-insensitively unique", `INSERT INTO repos (owner, name) VALUES ('ACME', 'API')`, "23505"},
		{"merged but not closed", `INSERT INTO pull_requests (repo_id, number, state, created_at, updated_at, merged_at) SELECT id, 1, 'open', now(), now(), now() FROM repos`, "23514"},
		{"closed without closed_at", `INSERT INTO pull_requests (repo_id, number, state, created_at, updated_at) SELECT id, 2, 'closed', now(), now() FROM repos`, "23514"},
		{"status change for a missing issue", `INSERT INTO jira_status_changes (issue_id, history_id, item_seq, at, to_status_id) VALUES (2, 1, 0, now(), '1')`, "23503"},
		{"unknown status category", `INSERT INTO jira_statuses (id, name, category) VALUES ('1', 'X', 'finished')`, "23514"},
		{"sync state of a board without a board", `INSERT INTO sync_state (kind) VALUES ('board')`, "23514"},
	}
	for _, tc := range refused {
		_, err := s.Pool.Exec(ctx, tc.sql)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != tc.code {
			t.Errorf("%s: want SQLSTATE %s, got %v", tc.name, tc.code, err)
		}
	}
	// Deleting a team removes its boards and their settings, not repos.
	if _, err := s.Pool.Exec(ctx, `DELETE FROM teams`); err != nil {
		t.Fatal(err)
	}
	var boards, maps, repos int
	s.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM boards), (SELECT count(*) FROM board_status_map), (SELECT count(*) FROM repos)`).Scan(&boards, &maps, &repos)
	if boards != 0 || maps != 0 || repos != 1 {
		t.Fatalf("after team delete: boards=%d maps=%d repos=%d", boards, maps, repos)
	}
}

func TestOpenFailsFastWithoutEchoingPassword(t *testing.T) {
	t.Parallel()
	_, err := store.Open(context.Background(), "postgres://u:canary-pass@127.0.0.1:1/x?connect_timeout=2", store.Options{})
	if err == nil {
		t.Fatal("connected to nothing")
	}
	if msg := err.Error(); !containsAll(msg, "127.0.0.1", "not reachable") || contains(msg, "canary-pass") {
		t.Fatalf("message: %s", msg)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !contains(s, x) {
			return false
		}
	}
	return true
}

// Vger's connections run without JIT compilation (see jitOff) unless the
// connection string sets jit itself.
func TestConnectionsRunWithoutJIT(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	for _, c := range []struct{ extra, want string }{
		{" options='-c jit=on'", "off"}, // the server's default for the connection, turned off
		{" jit=on", "on"},               // the connection string's own choice
	} {
		s, err := store.Open(ctx, dsn+c.extra, store.Options{MaxConns: 1})
		if err != nil {
			t.Fatal(err)
		}
		var got string
		err = s.Pool.QueryRow(ctx, "SHOW jit").Scan(&got)
		s.Close()
		if err != nil || got != c.want {
			t.Errorf("DSN%s: jit %q (%v), want %q", c.extra, got, err, c.want)
		}
	}
}
