package pglocal

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func needBinaries(t *testing.T) {
	t.Helper()
	if _, err := FindBinaries(0); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must have PostgreSQL server binaries: %v", err)
		}
		t.Skip(err)
	}
}

func TestParseMajor(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{
		"postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n": 15,
		"postgres (PostgreSQL) 16.4":                             16,
		"postgres (PostgreSQL) 9.6.24":                           96,
		"postgres (PostgreSQL) 17beta1":                          17,
	} {
		if got, err := parseMajor(in); err != nil || got != want {
			t.Errorf("parseMajor(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := parseMajor("nonsense"); err == nil {
		t.Error("nonsense parsed")
	}
}

func TestSocketDirStaysShort(t *testing.T) {
	t.Parallel()
	long := "/" + strings.Repeat("very-long-directory-name/", 8) + "postgres"
	if d := socketDirFor(long, 5432); len(d)+len("/.s.PGSQL.5432") > 107 {
		t.Fatalf("socket path too long: %s", d)
	}
	if d := socketDirFor("/tmp/x", 5432); d != "/tmp/x" {
		t.Fatalf("short dir moved: %s", d)
	}
}

func pingDSN(t *testing.T, dsn string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var one int
	if err := conn.QueryRow(context.Background(), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("select 1: %v", err)
	}
}

func TestEphemeralStartsAndCleansUp(t *testing.T) {
	t.Parallel()
	needBinaries(t)
	e, err := StartEphemeral(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	pingDSN(t, e.DSN("postgres"))
	pid := e.cmd.Process.Pid
	e.Stop()
	if !gone(pid) {
		t.Fatalf("postgres %d still running after Stop", pid)
	}
	if _, err := os.Stat(e.root); !os.IsNotExist(err) {
		t.Fatalf("%s not removed: %v", e.root, err)
	}
}

// TestSharedClusterLastCloserStops opens one data directory twice, as serve
// and worker would: the cluster survives the first Close and stops on the last.
func TestSharedClusterLastCloserStops(t *testing.T) {
	t.Parallel()
	needBinaries(t)
	// A 0700 temp dir, as t.TempDir gives: as root the cluster must move out.
	dataDir := filepath.Join(t.TempDir(), "data")
	ctx := context.Background()
	a, err := Open(ctx, dataDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(a.Cluster.Dir); os.RemoveAll(a.Cluster.SocketDir) })
	b, err := Open(ctx, dataDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.DSN != b.DSN {
		t.Fatalf("two handles, two clusters: %s vs %s", a.DSN, b.DSN)
	}
	pingDSN(t, a.DSN)
	pid, _ := postmasterPID(a.Cluster.Dir)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if !processAlive(pid) {
		t.Fatal("cluster stopped while another handle uses it")
	}
	pingDSN(t, b.DSN)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if !gone(pid) {
		t.Fatal("cluster still running after the last Close")
	}
	// A second run reuses the same cluster (recorded location) and data.
	c, err := Open(ctx, dataDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Cluster.Dir != a.Cluster.Dir {
		t.Fatalf("new cluster dir %s, want %s", c.Cluster.Dir, a.Cluster.Dir)
	}
	c.Close()
}

func TestVersionMismatchExplainsUpgrade(t *testing.T) {
	t.Parallel()
	err := versionMismatch("/x", 14, 15)
	for _, want := range []string{"PostgreSQL 14", "PostgreSQL 15", "pg_dumpall", "DATABASE_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q: %v", want, err)
		}
	}
}

// gone waits (bounded) for a process that was told to stop to disappear:
// postgres removes its pid file a moment before the process ends.
func gone(pid int) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if !processAlive(pid) {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}
