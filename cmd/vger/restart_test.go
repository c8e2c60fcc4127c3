package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/logbuf"
	"github.com/vger-dev/vger/internal/pglocal"
	"github.com/vger-dev/vger/internal/sim"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
	"github.com/vger-dev/vger/internal/synctest"
)

// poll calls cond until it holds or the deadline passes.
func poll(t *testing.T, within time.Duration, what string, cond func() bool, context func() string) time.Duration {
	t.Helper()
	start := time.Now()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Since(start) > within {
			t.Fatalf("%s: not within %s\n%s", what, within, context())
		}
		<-tick.C
	}
	return time.Since(start)
}

func httpGet(url string) (int, string) {
	c := http.Client{Timeout: 5 * time.Second}
	res, err := c.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestPostgresRestartUnderServerAndWorker runs `vger serve` and `vger worker`
// on the private cluster, stops PostgreSQL while a sync is running and starts
// it again: neither process exits, /readyz says 503 while the database is
// away and 200 again within 30 s, pages render, and the interrupted sync
// completes (River retries the job) with data equal to the simulator's truth.
func TestPostgresRestartUnderServerAndWorker(t *testing.T) {
	t.Parallel()
	needPostgresBinaries(t)
	ctx := context.Background()
	dataDir := filepath.Join(t.TempDir(), "data")
	t.Cleanup(func() { removeCluster(dataDir) })
	if out, code := vger(t, []string{"VGER_DATA_DIR=" + dataDir}, "migrate"); code != 0 {
		t.Fatalf("migrate: exit %d %s", code, out)
	}
	// The test holds the cluster too, so it outlives the processes under test.
	h, err := pglocal.Open(ctx, dataDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	st, err := store.Open(ctx, h.DSN, store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { st.Close() }()

	s, simURL, boards := addSimBoards(t, st, sim.Options{Seed: 11, Issues: 1500})

	// A paced JIRA keeps the first sync running long enough to be cut.
	addr := freePort(t)
	env := []string{"PATH=" + os.Getenv("PATH"), "VGER_DATA_DIR=" + dataDir, "JIRA_URL=" + simURL + "/jira/",
		"JIRA_EMAIL=demo@example.com", "JIRA_API_TOKEN=sim-jira-token", "VGER_JIRA_RATE=40",
		"VGER_SYNC_HISTORY_DAYS=36500", "VGER_SYNC_INTERVAL=1h", "VGER_LOG_FORMAT=json", "VGER_SHUTDOWN_TIMEOUT=5s"}
	start := func(args ...string) (*exec.Cmd, *logbuf.Buffer, <-chan error) {
		cmd := exec.Command(binary, args...)
		cmd.Env = env
		out := &logbuf.Buffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		t.Cleanup(func() { cmd.Process.Kill() })
		return cmd, out, done
	}
	server, serverOut, serverDone := start("serve", "--addr", addr)
	worker, workerOut, workerDone := start("worker")
	logs := func() string { return "serve:\n" + serverOut.String() + "\nworker:\n" + workerOut.String() }
	alive := func() {
		t.Helper()
		select {
		case err := <-serverDone:
			t.Fatalf("serve exited: %v\n%s", err, logs())
		case err := <-workerDone:
			t.Fatalf("worker exited: %v\n%s", err, logs())
		default:
		}
	}
	base := "http://" + addr
	poll(t, 60*time.Second, "server ready", func() bool { c, _ := httpGet(base + "/readyz"); return c == 200 }, logs)

	// Wait until a board sync is part-way: some pages committed, not finished.
	poll(t, 60*time.Second, "a sync in progress", func() bool {
		var n int
		st.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'sync_board' AND state = 'running'`).Scan(&n)
		var issues int
		st.Pool.QueryRow(ctx, `SELECT count(*) FROM jira_issues`).Scan(&issues)
		return n > 0 && issues > 0
	}, logs)
	var before int
	st.Pool.QueryRow(ctx, `SELECT count(*) FROM jira_issues`).Scan(&before)

	// PostgreSQL goes away under both processes: a clean fast shutdown
	// (clients disconnected), then a crash-like immediate one.
	var restarted time.Time
	for _, mode := range []string{"fast", "immediate"} {
		if err := h.Cluster.Stop(ctx, mode); err != nil {
			t.Fatal(err)
		}
		stopped := time.Now()
		poll(t, 10*time.Second, mode+": /readyz 503 while the database is down", func() bool {
			c, body := httpGet(base + "/readyz")
			return c == http.StatusServiceUnavailable && strings.Contains(body, "database")
		}, logs)
		if c, _ := httpGet(base + "/healthz"); c != 200 {
			t.Fatalf("%s: /healthz %d while the database is down", mode, c)
		}
		if c, body := httpGet(base + "/"); c != http.StatusServiceUnavailable && c != http.StatusInternalServerError {
			t.Fatalf("%s: home page while the database is down: %d %.200s", mode, c, body)
		}
		alive()
		// Hold the outage past the pool's and River's first retries.
		poll(t, 10*time.Second, "outage of 2 s", func() bool { return time.Since(stopped) > 2*time.Second }, logs)
		alive()

		restarted = time.Now()
		if err := h.Cluster.Start(ctx); err != nil {
			t.Fatal(err)
		}
		took := poll(t, 30*time.Second, mode+": /readyz 200 after the restart", func() bool { c, _ := httpGet(base + "/readyz"); return c == 200 }, logs)
		t.Logf("%s: ready again %s after PostgreSQL started", mode, took.Round(time.Millisecond))
		poll(t, 30*time.Second, mode+": home page renders after the restart", func() bool {
			c, body := httpGet(base + "/")
			return c == 200 && strings.Contains(body, `data-testid="page-title"`)
		}, logs)
		alive()
	}
	t.Logf("%d issues were stored when PostgreSQL first stopped", before)

	// The test's own pool reconnects as well; then the worker finishes.
	poll(t, 180*time.Second, "every board synced after the restart", func() bool {
		var pending, synced int
		// A job still "running" from before the last restart had its
		// completion lost with the database (River's completer gives up
		// after a few seconds of errors; its rescuer retries such a job
		// after RescueAfter): its work is judged by sync_state below.
		if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind IN ('sync_board', 'sync_all')
			AND (state IN ('available', 'retryable', 'scheduled', 'pending') OR (state = 'running' AND attempted_at > $1))`,
			restarted).Scan(&pending); err != nil {
			return false
		}
		st.Pool.QueryRow(ctx, `SELECT count(*) FROM sync_state WHERE board_id IS NOT NULL AND last_ok_at IS NOT NULL
			AND last_ok_at >= coalesce(last_error_at, last_ok_at)`).Scan(&synced)
		return pending == 0 && synced == len(boards)
	}, logs)
	alive()
	var retried int
	st.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'sync_board' AND attempt > 1`).Scan(&retried)
	t.Logf("%d board sync jobs took more than one attempt", retried)
	var orphaned int
	st.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state = 'running' AND attempted_at <= $1`, restarted).Scan(&orphaned)
	t.Logf("%d jobs left running by a completion lost in the outage (River rescues them after %s)", orphaned, vsync.RescueAfter)

	for _, p := range []*exec.Cmd{server, worker} {
		p.Process.Signal(syscall.SIGTERM)
	}
	for name, done := range map[string]<-chan error{"serve": serverDone, "worker": workerDone} {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("%s did not stop cleanly: %v\n%s", name, err, logs())
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("%s did not stop on SIGTERM\n%s", name, logs())
		}
	}
	synctest.CheckAgainstTruth(t, st, s, boards)
}
