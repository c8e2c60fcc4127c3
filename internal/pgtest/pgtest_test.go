package pgtest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// Two tests write the same natural key: each has its own database, so
// neither sees the other's row.
func TestDatabasesAreIsolated(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"a", "b"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := pgtest.Store(t)
			ctx := context.Background()
			if _, err := s.CreateTeam(ctx, "Team", "same-slug"); err != nil {
				t.Fatal(err)
			}
			teams, err := s.ListTeams(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(teams) != 1 {
				t.Fatalf("want 1 team in a fresh database, got %d", len(teams))
			}
		})
	}
}

func TestTemplateIsMigrated(t *testing.T) {
	t.Parallel()
	s := pgtest.Store(t)
	st, err := s.CheckSchema(context.Background())
	if err != nil {
		t.Fatalf("fresh test database not current: %+v %v", st, err)
	}
	if st.AppTarget < 1 || st.RiverTarget < 1 {
		t.Fatalf("targets: %+v", st)
	}
}

// TestPanickingBinaryLeavesNoPostgres re-runs this test binary with a test
// that starts a database and panics: its cluster must die with it.
func TestPanickingBinaryLeavesNoPostgres(t *testing.T) {
	t.Parallel()
	if os.Getenv("VGER_PGTEST_VICTIM") == "1" {
		victim(t)
		return
	}
	pgtest.Pool(t) // the harness works here (or the test fails/skips as DSN says)
	cmd := exec.Command(os.Args[0], "-test.run=^TestPanickingBinaryLeavesNoPostgres$", "-test.v")
	cmd.Env = append(os.Environ(), "VGER_PGTEST_VICTIM=1", "VGER_TEST_DATABASE_URL=")
	out, _ := cmd.CombinedOutput()
	m := regexp.MustCompile(`postmaster=(\d+)`).FindSubmatch(out)
	if m == nil || !strings.Contains(string(out), "panic: victim") {
		t.Fatalf("victim did not report and panic:\n%s", out)
	}
	pid, _ := strconv.Atoi(string(m[1]))
	deadline := time.Now().Add(20 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("postgres %d outlived its panicking test binary", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// victim starts a database, reports its postmaster's pid, and panics.
func victim(t *testing.T) {
	pool := pgtest.Pool(t)
	var dir string
	if err := pool.QueryRow(context.Background(), "SHOW data_directory").Scan(&dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("postmaster=%s\n", strings.SplitN(string(b), "\n", 2)[0])
	panic("victim")
}

func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(b), ')')
	return !(i > 0 && i+2 < len(b) && b[i+2] == 'Z')
}
