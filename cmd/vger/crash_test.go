package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/jira"
	"github.com/vger-dev/vger/internal/pgtest"
	"github.com/vger-dev/vger/internal/sim"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
	"github.com/vger-dev/vger/internal/synctest"
)

// TestWorkerSurvivesSIGKILL runs the real `vger worker` binary against the
// simulator and kills it with SIGKILL at seeded points, including inside
// write transactions, restarting it each time (and doing what River's
// rescuer does for a dead worker's job). When it finally settles, Postgres
// must equal the simulator's ground truth.
func TestWorkerSurvivesSIGKILL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	st, err := store.Open(ctx, dsn, store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := sim.New(sim.Options{Seed: 5, Issues: 900})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	jc, err := jira.New(jira.Config{BaseURL: srv.URL + "/jira/", Email: "demo@example.com", APIToken: "sim-jira-token"})
	if err != nil {
		t.Fatal(err)
	}
	setup := &vsync.Syncer{Store: st, Tracker: vsync.NewJiraTracker(jc), Now: s.Now}
	boards := map[int]int64{}
	for _, tb := range s.Boards() {
		b, err := setup.AddBoard(ctx, vsync.NewBoard{JiraBoardID: int64(tb.ID), TeamName: tb.Team})
		if err != nil {
			t.Fatal(err)
		}
		boards[tb.ID] = b.ID
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "DATABASE_URL=" + dsn, "JIRA_URL=" + srv.URL + "/jira/",
		"JIRA_EMAIL=demo@example.com", "JIRA_API_TOKEN=sim-jira-token", "VGER_JIRA_RATE=0",
		"VGER_SYNC_HISTORY_DAYS=36500", "VGER_SYNC_INTERVAL=1h", "VGER_LOG_FORMAT=json", "VGER_SHUTDOWN_TIMEOUT=5s"}

	// Seeded crash points: the order keeps each point reachable (the sweep
	// runs on a board's first sync), the hit counts vary with the seed.
	rng := rand.New(rand.NewPCG(20261127, 1))
	points := []string{
		"run-started:1",
		fmt.Sprintf("swept:%d", 1+rng.IntN(3)),
		fmt.Sprintf("page-written:%d", 1+rng.IntN(4)),
		fmt.Sprintf("facts-written:%d", 1+rng.IntN(2)),
		fmt.Sprintf("page-committed:%d", 1+rng.IntN(4)),
		fmt.Sprintf("page-written:%d", 2+rng.IntN(6)),
	}
	for _, p := range points {
		var out bytes.Buffer
		cmd := exec.Command(binary, "worker")
		cmd.Env = append(append([]string{}, env...), "VGER_CRASHPOINT="+p)
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("crash point %s: worker ended with %v, not SIGKILL:\n%s", p, err, out.String())
			}
		case <-time.After(90 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("crash point %s never reached:\n%s", p, out.String())
		}
		// River's rescuer would hand the dead worker's jobs on after
		// RescueAfter; do it now.
		if _, err := st.Pool.Exec(ctx, `UPDATE river_job SET state = 'available', scheduled_at = now()
			WHERE state IN ('running', 'retryable')`); err != nil {
			t.Fatal(err)
		}
	}

	// A last worker runs until every board has synced completely.
	cmd := exec.Command(binary, "worker")
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(120 * time.Second)
	for {
		var pending, synced int
		st.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind IN ('sync_board', 'sync_all')
			AND state IN ('available', 'running', 'retryable', 'scheduled', 'pending')`).Scan(&pending)
		st.Pool.QueryRow(ctx, `SELECT count(*) FROM sync_state WHERE last_ok_at IS NOT NULL AND last_ok_at >= coalesce(last_error_at, last_ok_at)`).Scan(&synced)
		if pending == 0 && synced == len(boards) {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("worker did not settle (%d jobs pending, %d of %d boards synced):\n%s", pending, synced, len(boards), out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("worker did not stop cleanly on SIGTERM: %v\n%s", err, out.String())
	}
	synctest.CheckAgainstTruth(t, st, s, boards)
}
