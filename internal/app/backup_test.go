package app

import (
	"slices"
	"strings"
	"testing"

	"github.com/vger-dev/vger/internal/config"
	"github.com/vger-dev/vger/internal/pgtest"
)

func TestWithoutPassword(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"postgres://vger:s3cret-pw@db:5432/vger?sslmode=disable":      "postgres://vger@db:5432/vger?sslmode=disable",
		"postgresql://db/vger?password=s3cret-pw&sslmode=require":     "postgresql://db/vger?sslmode=require",
		"host=db user=vger password=s3cret-pw dbname=vger":            "host=db user=vger dbname=vger",
		"host=db password='s3cret-pw with \\' quote' dbname=vger":     "host=db dbname=vger",
		"password=s3cret-pw host=db":                                  "host=db",
		"host=/tmp/s port=5432 user=vger dbname=vger sslmode=disable": "host=/tmp/s port=5432 user=vger dbname=vger sslmode=disable",
	} {
		got := withoutPassword(in)
		if strings.Contains(got, "s3cret") || strings.Join(strings.Fields(got), " ") != want {
			t.Errorf("withoutPassword(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadyURL(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"0.0.0.0:8080":   "http://127.0.0.1:8080/readyz",
		":9000":          "http://127.0.0.1:9000/readyz",
		"[::]:8080":      "http://[::1]:8080/readyz",
		"10.1.2.3:8080":  "http://10.1.2.3:8080/readyz",
		"127.0.0.1:8080": "http://127.0.0.1:8080/readyz",
	} {
		if got := ReadyURL(&config.Config{Addr: addr}); got != want {
			t.Errorf("ReadyURL(%q) = %q, want %q", addr, got, want)
		}
	}
}

// A database as `vger migrate` leaves it holds Vger's schema and nothing
// else: a restore may replace it. Any row in a Vger table (a team, a job),
// or a table that is not Vger's, is data. The list of Vger's tables comes
// from the migrations, so this fails when a migration or River adds a
// table the inspection does not recognise.
func TestInspectContents(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := pgtest.Pool(t)
	c, err := inspectContents(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if c.relations < 20 || len(c.data) != 0 || len(c.tables) < 15 || !slices.Contains(c.tables, "teams") || !slices.Contains(c.tables, "river_job") ||
		slices.Contains(c.tables, "goose_db_version") {
		t.Fatalf("a migrated database: %+v", c)
	}
	// Bookkeeping rows are not data.
	if _, err := pool.Exec(ctx, `INSERT INTO rate_buckets (key, tokens, updated_at) VALUES ('k', 1, now())`); err != nil {
		t.Fatal(err)
	}
	if c, err := inspectContents(ctx, pool); err != nil || len(c.data) != 0 {
		t.Fatalf("with a rate bucket: %+v %v", c, err)
	}
	for _, step := range []struct{ sql, want string }{
		{`INSERT INTO teams (name, slug) VALUES ('A', 'a'), ('B', 'b')`, "teams (2 rows)"},
		{`INSERT INTO river_job (kind, args, max_attempts, queue, state) VALUES ('x', '{}', 1, 'default', 'available')`, "river_job (1 row)"},
		{`CREATE TABLE notes (x int)`, "notes (not Vger's)"},
		{`CREATE SCHEMA other; CREATE TABLE other.t (x int)`, "other.t (not Vger's)"},
	} {
		if _, err := pool.Exec(ctx, step.sql); err != nil {
			t.Fatal(err)
		}
		c, err := inspectContents(ctx, pool)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(c.data, step.want) {
			t.Errorf("after %s: %q, want %q among them", step.sql, c.data, step.want)
		}
	}
	if got := describeData([]string{"a", "b", "c", "d", "e", "f", "g", "h"}); got != "a, b, c, d, e, f and 2 more" {
		t.Errorf("describeData: %q", got)
	}
}
