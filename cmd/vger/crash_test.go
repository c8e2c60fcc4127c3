package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
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
	e := newWorkerEnv(t, sim.Options{Seed: 5, Issues: 900})
	st, boards := e.st, e.boards

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
		cmd, out := e.start(t, "VGER_CRASHPOINT="+p)
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
	cmd, out := e.start(t)
	if pending, synced, ok := e.settle(ctx, `SELECT count(*) FROM river_job WHERE kind IN ('sync_board', 'sync_all')
		AND state IN ('available', 'running', 'retryable', 'scheduled', 'pending')`,
		`SELECT count(*) FROM sync_state WHERE last_ok_at IS NOT NULL AND last_ok_at >= coalesce(last_error_at, last_ok_at)`); !ok {
		cmd.Process.Kill()
		t.Fatalf("worker did not settle (%d jobs pending, %d of %d boards synced):\n%s", pending, synced, len(boards), out.String())
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("worker did not stop cleanly on SIGTERM: %v\n%s", err, out.String())
	}
	synctest.CheckAgainstTruth(t, st, e.sim, boards)
}

// TestWorkersShareWork runs two `vger worker` processes on one database:
// every board is synced, and no two syncs of one board ever overlap (the
// per-board lock), while River hands each job to one worker.
func TestWorkersShareWork(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newWorkerEnv(t, sim.Options{Seed: 9, Issues: 600})
	st, boards := e.st, e.boards
	var workers []*exec.Cmd
	var outs []*bytes.Buffer
	for i := 0; i < 2; i++ {
		cmd, out := e.start(t)
		workers, outs = append(workers, cmd), append(outs, out)
	}
	// Ask for a refresh of every board a few times while they work, as
	// people pressing "refresh now" would.
	client, err := vsync.NewClient(st, nil, vsync.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 3; round++ {
		for _, id := range boards {
			if _, err := client.Insert(ctx, vsync.SyncBoardArgs{BoardID: id}, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	if pending, synced, ok := e.settle(ctx, `SELECT count(*) FROM river_job WHERE state IN ('available', 'running', 'retryable', 'scheduled', 'pending')`,
		`SELECT count(*) FROM sync_state WHERE last_ok_at IS NOT NULL`); !ok {
		t.Fatalf("workers did not settle: %d pending, %d synced\n%s\n%s", pending, synced, outs[0], outs[1])
	}
	for i, w := range workers {
		w.Process.Signal(syscall.SIGTERM)
		if err := w.Wait(); err != nil {
			t.Fatalf("worker %d: %v\n%s", i, err, outs[i])
		}
	}
	var overlaps int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM sync_runs a JOIN sync_runs b ON a.board_id = b.board_id AND a.id < b.id
		AND tstzrange(a.started_at, a.finished_at) && tstzrange(b.started_at, b.finished_at)`).Scan(&overlaps); err != nil {
		t.Fatal(err)
	}
	if overlaps != 0 {
		t.Fatalf("%d pairs of syncs of one board overlapped", overlaps)
	}
	var clients int
	st.Pool.QueryRow(ctx, `SELECT count(DISTINCT c) FROM river_job, unnest(attempted_by) c WHERE kind = 'sync_board'`).Scan(&clients)
	t.Logf("sync jobs were run by %d worker processes", clients)
	synctest.CheckAgainstTruth(t, st, e.sim, boards)
}

// workerEnv is a database with the simulator's boards added, and the
// environment a `vger worker` process syncs them from the simulator with.
type workerEnv struct {
	st     *store.Store
	sim    *sim.Sim
	boards map[int]int64 // JIRA board id -> Vger board id
	env    []string
}

func newWorkerEnv(t *testing.T, opts sim.Options) *workerEnv {
	t.Helper()
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	st, err := store.Open(ctx, dsn, store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	s, url, boards := addSimBoards(t, st, opts)
	w := &workerEnv{st: st, sim: s, boards: boards}
	w.env = []string{"PATH=" + os.Getenv("PATH"), "DATABASE_URL=" + dsn, "JIRA_URL=" + url + "/jira/",
		"JIRA_EMAIL=demo@example.com", "JIRA_API_TOKEN=sim-jira-token", "VGER_JIRA_RATE=0",
		"VGER_SYNC_HISTORY_DAYS=36500", "VGER_SYNC_INTERVAL=1h", "VGER_LOG_FORMAT=json", "VGER_SHUTDOWN_TIMEOUT=5s"}
	return w
}

// addSimBoards serves the simulator for the test and adds its JIRA boards
// to the store; boards maps their JIRA ids to Vger's.
func addSimBoards(t *testing.T, st *store.Store, opts sim.Options) (s *sim.Sim, url string, boards map[int]int64) {
	t.Helper()
	s, url = synctest.ServeSim(t, opts)
	jc, err := jira.New(jira.Config{BaseURL: url + "/jira/", Email: "demo@example.com", APIToken: "sim-jira-token"})
	if err != nil {
		t.Fatal(err)
	}
	setup := &vsync.Syncer{Store: st, Tracker: vsync.NewJiraTracker(jc), Now: s.Now}
	boards = map[int]int64{}
	for _, tb := range s.Boards() {
		b, err := setup.AddBoard(context.Background(), vsync.NewBoard{JiraBoardID: int64(tb.ID), TeamName: tb.Team})
		if err != nil {
			t.Fatal(err)
		}
		boards[tb.ID] = b.ID
	}
	return s, url, boards
}

// start runs a `vger worker` process with the environment and extra
// variables; out collects what it prints.
func (w *workerEnv) start(t *testing.T, extra ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(binary, "worker")
	cmd.Env = append(append([]string{}, w.env...), extra...)
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, out
}

// settle polls the two counts until no job is pending and every board
// has synced, for up to two minutes; ok is false if they never did.
func (w *workerEnv) settle(ctx context.Context, pendingQuery, syncedQuery string) (pending, synced int, ok bool) {
	deadline := time.Now().Add(120 * time.Second)
	for {
		w.st.Pool.QueryRow(ctx, pendingQuery).Scan(&pending)
		w.st.Pool.QueryRow(ctx, syncedQuery).Scan(&synced)
		if pending == 0 && synced == len(w.boards) {
			return pending, synced, true
		}
		if time.Now().After(deadline) {
			return pending, synced, false
		}
		time.Sleep(100 * time.Millisecond)
	}
}
