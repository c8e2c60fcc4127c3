package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vger-dev/vger/internal/pglocal"
	"github.com/vger-dev/vger/internal/pgtest"
	"github.com/vger-dev/vger/internal/store"
)

// addSampleData writes a team (audited), a board and an annotation.
func addSampleData(t *testing.T, dsn string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	team, err := st.CreateTeamAudited(ctx, "Payments ünïcode 'team'", "payments", store.AuditEntry{Actor: "ops@example.com", Action: "team.create", Summary: "created"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.CreateBoard(ctx, store.Board{TeamID: team.ID, Name: "Checkout", Slug: "checkout", JiraBoardID: 42,
		FilterJQL: `project = PAY AND summary ~ "tab\there"`, TimeZone: "Europe/Berlin", DayMode: "calendar",
		LeadStart: 1, LeadEnd: 3, RollingWeeks: 12, FiscalYearStartMonth: 4,
		Holidays: []time.Time{time.Date(2026, 12, 25, 0, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateAnnotation(ctx, b, store.Annotation{StartsOn: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Label: "Re-org\nnew line"},
		store.AuditEntry{Actor: "ops@example.com", Action: "annotation.create"}); err != nil {
		t.Fatal(err)
	}
}

// snapshot is every table's row count and a hash of its sorted rows, and
// every sequence's position.
func snapshot(t *testing.T, dsn string) map[string]string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, _ := conn.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, tb := range tables {
		var n int
		var sum string
		if err := conn.QueryRow(ctx, `SELECT count(*), coalesce(md5(string_agg(t::text, E'\n' ORDER BY t::text)), '') FROM public.`+
			pgx.Identifier{tb}.Sanitize()+` t`).Scan(&n, &sum); err != nil {
			t.Fatal(err)
		}
		out[tb] = fmt.Sprintf("%d rows %s", n, sum)
	}
	rows, _ = conn.Query(ctx, `SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = 'public'`)
	for rows.Next() {
		var name string
		var v int64
		rows.Scan(&name, &v)
		out["sequence "+name] = fmt.Sprint(v)
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	return out
}

// sameSnapshot compares a snapshot with one of addSampleData's database.
func sameSnapshot(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(want) < 10 || !strings.HasPrefix(want["teams"], "1 rows") || !strings.HasPrefix(want["boards"], "1 rows") {
		t.Fatalf("the source snapshot looks wrong: %v", want)
	}
	equalSnapshot(t, what, got, want)
}

// TestBackupRestorePrivateCluster backs up one private database and
// restores it into a fresh data directory: the data are equal; a second
// restore over it is refused without --force and replaces it with it.
func TestBackupRestorePrivateCluster(t *testing.T) {
	t.Parallel()
	needPostgresBinaries(t)
	ctx := context.Background()
	dir := t.TempDir()
	dataA, dataB := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	t.Cleanup(func() { removeCluster(dataA); removeCluster(dataB) })
	envA, envB := []string{"VGER_DATA_DIR=" + dataA}, []string{"VGER_DATA_DIR=" + dataB}
	if out, code := vger(t, envA, "migrate"); code != 0 {
		t.Fatalf("migrate: exit %d %s", code, out)
	}
	h, err := pglocal.Open(ctx, dataA, nil)
	if err != nil {
		t.Fatal(err)
	}
	addSampleData(t, h.DSN)
	want := snapshot(t, h.DSN)
	h.Close()

	file := filepath.Join(dir, "vger.dump")
	for _, args := range [][]string{{"backup"}, {"backup", "a", "b"}, {"restore"}, {"backup", "--bogus", file}} {
		if out, code := vger(t, envA, args...); code != exitUsage {
			t.Errorf("%v: exit %d (want 2): %s", args, code, out)
		}
	}
	out, code := vger(t, envA, "backup", file)
	if code != 0 || !strings.Contains(out, "backed up") || !strings.Contains(out, file) {
		t.Fatalf("backup: exit %d %s", code, out)
	}
	if fi, err := os.Stat(file); err != nil || fi.Size() == 0 || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", fi, err)
	}
	if out, code := vger(t, envA, "backup", file); code != exitFailure || !strings.Contains(out, "--force") {
		t.Fatalf("backup over an existing file: exit %d %s", code, out)
	}
	if out, code := vger(t, envA, "backup", file, "--force"); code != 0 {
		t.Fatalf("backup --force after the file: exit %d %s", code, out)
	}

	out, code = vger(t, envB, "restore", file)
	if code != 0 || !strings.Contains(out, "current") {
		t.Fatalf("restore into a new data directory: exit %d %s", code, out)
	}
	hb, err := pglocal.Open(ctx, dataB, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer hb.Close()
	sameSnapshot(t, "restored", snapshot(t, hb.DSN), want)
	// serve's check: the restored schema is current.
	st, err := store.Open(ctx, hb.DSN, store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	// A change after the restore, then a restore over it: refused, then forced.
	if _, err := st.CreateTeam(ctx, "Later", "later"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if out, code := vger(t, envB, "restore", file); code != exitFailure || !strings.Contains(out, "not empty") || !strings.Contains(out, "--force") {
		t.Fatalf("restore over data: exit %d %s", code, out)
	}
	if out, code := vger(t, envB, "restore", "--force", file); code != 0 {
		t.Fatalf("restore --force: exit %d %s", code, out)
	}
	sameSnapshot(t, "restored with --force", snapshot(t, hb.DSN), want)

	junk := filepath.Join(dir, "junk.dump")
	os.WriteFile(junk, []byte("not a dump"), 0o600)
	if out, code := vger(t, envB, "restore", "--force", junk); code != exitFailure || !strings.Contains(out, "not a backup") {
		t.Fatalf("restore of a junk file: exit %d %s", code, out)
	}
	sameSnapshot(t, "after a refused restore", snapshot(t, hb.DSN), want)
}

// TestBackupRestoreDatabaseURL does the same against DATABASE_URL: the
// password never shows, and a restore refuses while vger processes are
// connected.
func TestBackupRestoreDatabaseURL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src, dst := pgtest.DSN(t), pgtest.DSN(t)
	addSampleData(t, src)
	want := snapshot(t, src)
	// The test cluster trusts local connections, so any password works:
	// it must appear in no output.
	const canary = "canary-pw-5e1d0c"
	withPW := func(dsn string) string { return dsn + " password=" + canary }
	file := filepath.Join(t.TempDir(), "vger.dump")
	out, code := vger(t, []string{"DATABASE_URL=" + withPW(src)}, "backup", file)
	if code != 0 || strings.Contains(out, canary) {
		t.Fatalf("backup: exit %d %s", code, out)
	}
	// The target is migrated (pgtest) and empty, as compose's migrate
	// service leaves it: restored without --force.
	out, code = vger(t, []string{"DATABASE_URL=" + withPW(dst)}, "restore", file)
	if code != 0 || !strings.Contains(out, "replaced the empty Vger schema") || strings.Contains(out, canary) {
		t.Fatalf("restore over a migrated, empty database: exit %d %s", code, out)
	}
	sameSnapshot(t, "restored over the empty schema", snapshot(t, dst), want)
	// Now it holds data: refused without --force, naming what it holds.
	out, code = vger(t, []string{"DATABASE_URL=" + withPW(dst)}, "restore", file)
	if code != exitFailure || !strings.Contains(out, "not empty") || !strings.Contains(out, "teams (1 row)") || !strings.Contains(out, "--force") {
		t.Fatalf("restore over data: exit %d %s", code, out)
	}
	// A running vger holds a connection: refused even with --force.
	busy, err := store.Open(ctx, dst, store.Options{MaxConns: 1, AppName: "vger-serve"})
	if err != nil {
		t.Fatal(err)
	}
	out, code = vger(t, []string{"DATABASE_URL=" + withPW(dst)}, "restore", "--force", file)
	busy.Close()
	if code != exitFailure || !strings.Contains(out, "vger-serve") {
		t.Fatalf("restore while vger-serve is connected: exit %d %s", code, out)
	}
	out, code = vger(t, []string{"DATABASE_URL=" + withPW(dst)}, "restore", "--force", file)
	if code != 0 || strings.Contains(out, canary) {
		t.Fatalf("restore --force: exit %d %s", code, out)
	}
	sameSnapshot(t, "restored", snapshot(t, dst), want)
}

// equalSnapshot compares two snapshots whatever they hold.
func equalSnapshot(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(want) < 10 {
		t.Fatalf("the snapshot looks wrong: %v", want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s is %q, want %q", what, k, got[k], v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: %s should not exist", what, k)
		}
	}
}

// TestRestoreEmptySchemaOrData: a database holding only Vger's migrated,
// empty schema is replaced without --force, but one row in any Vger table
// (a job counts) needs --force; and a restore that fails part way, after
// the schema was dropped, changes nothing, forced or not.
func TestRestoreEmptySchemaOrData(t *testing.T) {
	t.Parallel()
	src := pgtest.DSN(t)
	addSampleData(t, src)
	want := snapshot(t, src)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.dump")
	if out, code := vger(t, []string{"DATABASE_URL=" + src}, "backup", good); code != 0 {
		t.Fatalf("backup: exit %d %s", code, out)
	}
	// A backup that fails late: it creates a schema "extra", which the
	// targets below already have (empty, so they still count as empty).
	execSQL(t, src, `CREATE SCHEMA extra; CREATE TABLE extra.t (x int); INSERT INTO extra.t VALUES (1)`)
	bad := filepath.Join(dir, "bad.dump")
	if out, code := vger(t, []string{"DATABASE_URL=" + src}, "backup", bad); code != 0 {
		t.Fatalf("backup: exit %d %s", code, out)
	}

	t.Run("empty schema", func(t *testing.T) {
		t.Parallel()
		dst := pgtest.DSN(t)
		execSQL(t, dst, `CREATE SCHEMA extra; INSERT INTO rate_buckets (key, tokens, updated_at) VALUES ('k', 1, now())`)
		empty := snapshot(t, dst)
		out, code := vger(t, []string{"DATABASE_URL=" + dst}, "restore", bad)
		if code != exitFailure || !strings.Contains(out, "nothing was changed") || !strings.Contains(out, "extra") {
			t.Fatalf("a restore failing part way: exit %d %s", code, out)
		}
		equalSnapshot(t, "after a failed restore", snapshot(t, dst), empty)
		// A backup cut short fails while psql runs it: COMMIT is its last
		// line, so nothing is changed (before, psql committed what it had).
		b, _ := os.ReadFile(good)
		cut := filepath.Join(dir, "cut.dump")
		os.WriteFile(cut, b[:len(b)-16], 0o600)
		if out, code := vger(t, []string{"DATABASE_URL=" + dst}, "restore", cut); code != exitFailure {
			t.Fatalf("restore of a truncated backup: exit %d %s", code, out)
		} else {
			t.Logf("truncated: %s", out)
		}
		equalSnapshot(t, "after a truncated restore", snapshot(t, dst), empty)
		out, code = vger(t, []string{"DATABASE_URL=" + dst}, "restore", good)
		if code != 0 || !strings.Contains(out, "replaced the empty Vger schema") {
			t.Fatalf("restore into the empty schema: exit %d %s", code, out)
		}
		sameSnapshot(t, "restored", snapshot(t, dst), want)
	})
	t.Run("a job is data", func(t *testing.T) {
		t.Parallel()
		dst := pgtest.DSN(t)
		execSQL(t, dst, `CREATE SCHEMA extra; INSERT INTO river_job (kind, args, max_attempts, queue, state) VALUES ('sync_board', '{}', 1, 'default', 'available')`)
		before := snapshot(t, dst)
		out, code := vger(t, []string{"DATABASE_URL=" + dst}, "restore", good)
		if code != exitFailure || !strings.Contains(out, "river_job (1 row)") || !strings.Contains(out, "--force") {
			t.Fatalf("restore over a job: exit %d %s", code, out)
		}
		equalSnapshot(t, "after a refused restore", snapshot(t, dst), before)
		out, code = vger(t, []string{"DATABASE_URL=" + dst}, "restore", "--force", bad)
		if code != exitFailure || !strings.Contains(out, "nothing was changed") {
			t.Fatalf("a forced restore failing part way: exit %d %s", code, out)
		}
		equalSnapshot(t, "after a failed forced restore", snapshot(t, dst), before)
		if out, code := vger(t, []string{"DATABASE_URL=" + dst}, "restore", "--force", good); code != 0 {
			t.Fatalf("restore --force: exit %d %s", code, out)
		}
		sameSnapshot(t, "restored with --force", snapshot(t, dst), want)
	})
}

func execSQL(t *testing.T, dsn, sql string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatal(err)
	}
}
