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

func sameSnapshot(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(want) < 10 || !strings.HasPrefix(want["teams"], "1 rows") || !strings.HasPrefix(want["boards"], "1 rows") {
		t.Fatalf("the source snapshot looks wrong: %v", want)
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

// TestBackupRestorePrivateCluster backs up one private database and
// restores it into a fresh data directory: the data are equal; a second
// restore over it is refused without --force and replaces it with it.
func TestBackupRestorePrivateCluster(t *testing.T) {
	t.Parallel()
	if _, err := pglocal.FindBinaries(0); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
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
	// The target is migrated (pgtest), so not empty.
	out, code = vger(t, []string{"DATABASE_URL=" + withPW(dst)}, "restore", file)
	if code != exitFailure || !strings.Contains(out, "not empty") || strings.Contains(out, canary) {
		t.Fatalf("restore over a migrated database: exit %d %s", code, out)
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
