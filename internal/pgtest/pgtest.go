// Package pgtest gives each test its own real, migrated PostgreSQL database.
//
// One throwaway cluster is started per test binary (or VGER_TEST_DATABASE_URL
// names an existing server), a template database is migrated once, and every
// test gets a fresh clone of it, so tests run in parallel and never share
// rows. Use it from TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
package pgtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vger-dev/vger/internal/pglocal"
	"github.com/vger-dev/vger/internal/store"
)

type harness struct {
	eph      *pglocal.Ephemeral // nil with an external server
	admin    *pgxpool.Pool      // maintenance connection for CREATE/DROP DATABASE
	dsnFor   func(db string) string
	prefix   string
	template string
	external bool
	n        atomic.Int64
	mu       sync.Mutex // CREATE DATABASE ... TEMPLATE wants the template idle
	created  []string
}

var (
	once    sync.Once
	h       *harness
	initErr error
)

// Runner is what Main runs: a *testing.M, or a wrapper that closes other
// harnesses (a browser) before the database goes.
type Runner interface{ Run() int }

// Main runs the tests, then stops the cluster and removes its files (or
// drops the databases made on an external server).
func Main(m Runner) {
	code := m.Run()
	shutdown()
	os.Exit(code)
}

func shutdown() {
	if h == nil {
		return
	}
	ctx := context.Background()
	if h.external {
		for _, db := range append(h.created, h.template) {
			h.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{db}.Sanitize()+" WITH (FORCE)")
		}
	}
	h.admin.Close()
	if h.eph != nil {
		h.eph.Stop()
	}
}

func setup() (*harness, error) {
	ctx := context.Background()
	hs := &harness{prefix: fmt.Sprintf("vgert_%d_%d", os.Getpid(), rand.IntN(1_000_000))}
	if url := os.Getenv("VGER_TEST_DATABASE_URL"); url != "" {
		cfg, err := pgx.ParseConfig(url)
		if err != nil {
			return nil, fmt.Errorf("VGER_TEST_DATABASE_URL cannot be parsed")
		}
		hs.external = true
		hs.dsnFor = func(db string) string {
			c := cfg.Copy()
			c.Database = db
			return connString(c)
		}
		hs.admin, err = pgxpool.New(ctx, url)
		if err != nil {
			return nil, err
		}
	} else {
		e, err := pglocal.StartEphemeral(ctx)
		if err != nil {
			return nil, err
		}
		hs.eph = e
		hs.dsnFor = e.DSN
		if hs.admin, err = pgxpool.New(ctx, e.DSN("postgres")); err != nil {
			e.Stop()
			return nil, err
		}
	}
	hs.template = hs.prefix + "_tmpl"
	if _, err := hs.admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{hs.template}.Sanitize()); err != nil {
		hs.close()
		return nil, fmt.Errorf("create template database: %w", err)
	}
	pool, err := pgxpool.New(ctx, hs.dsnFor(hs.template))
	if err != nil {
		hs.close()
		return nil, err
	}
	_, err = store.Migrate(ctx, pool)
	pool.Close()
	if err != nil {
		hs.close()
		return nil, fmt.Errorf("migrate template database: %w", err)
	}
	return hs, nil
}

func (hs *harness) close() {
	if hs.admin != nil {
		hs.admin.Close()
	}
	if hs.eph != nil {
		hs.eph.Stop()
	}
}

func connString(c *pgx.ConnConfig) string {
	parts := []string{
		"host=" + quote(c.Host),
		fmt.Sprintf("port=%d", c.Port),
		"user=" + quote(c.User),
		"dbname=" + quote(c.Database),
	}
	if c.Password != "" {
		parts = append(parts, "password="+quote(c.Password))
	}
	if c.TLSConfig == nil {
		parts = append(parts, "sslmode=disable")
	}
	return strings.Join(parts, " ")
}

func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// Available reports whether a database can be had, and why not.
func Available() error {
	once.Do(func() { h, initErr = setup() })
	return initErr
}

// DSN returns the connection string of a new, migrated database for this
// test alone. Without a server it fails the test under CI=true (CI installs
// PostgreSQL, so a missing server is a broken CI, not a reason to skip) and
// skips it elsewhere.
func DSN(t testing.TB) string {
	t.Helper()
	return newDB(t, h0template)
}

// EmptyDSN is DSN for a database with no migrations applied, for testing
// migrations themselves.
func EmptyDSN(t testing.TB) string {
	t.Helper()
	return newDB(t, "template0")
}

const h0template = ""

func newDB(t testing.TB, template string) string {
	t.Helper()
	if err := Available(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pgtest: no PostgreSQL for tests: %v", err)
		}
		t.Skipf("pgtest: no PostgreSQL for tests (set VGER_TEST_DATABASE_URL or install the server package): %v", err)
	}
	if template == h0template {
		template = h.template
	}
	name := fmt.Sprintf("%s_%d", h.prefix, h.n.Add(1))
	h.mu.Lock()
	_, err := h.admin.Exec(context.Background(),
		"CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+pgx.Identifier{template}.Sanitize()+" STRATEGY FILE_COPY")
	if err == nil {
		h.created = append(h.created, name)
	}
	h.mu.Unlock()
	if err != nil {
		t.Fatalf("pgtest: clone template: %v", err)
	}
	return h.dsnFor(name)
}

// Pool returns a pool on a new database for this test, closed at cleanup.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// Store returns a store on a new database for this test, closed at cleanup.
func Store(t testing.TB) *store.Store {
	t.Helper()
	return &store.Store{Pool: Pool(t)}
}
