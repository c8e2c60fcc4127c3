package sync_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/jira"
	"github.com/vger-dev/vger/internal/pgtest"
	"github.com/vger-dev/vger/internal/sim"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
	"github.com/vger-dev/vger/internal/synctest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type env struct {
	*simEnv
	boards map[int]int64 // JIRA board id -> Vger board id
}

func setup(t *testing.T, opts sim.Options) *env {
	t.Helper()
	e := &env{simEnv: newSimEnv(t, opts, nil), boards: map[int]int64{}}
	cfg := jira.Config{BaseURL: e.url + "/jira/", Transport: e.tr, PageSize: 50}
	if opts.Mode == sim.ModeDataCenter {
		cfg.PAT = "sim-jira-pat"
	} else {
		cfg.Email, cfg.APIToken = "demo@example.com", "sim-jira-token"
	}
	c, err := jira.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.syncer.Tracker = vsync.NewJiraTracker(c)
	ctx := context.Background()
	for _, tb := range e.sim.Boards() {
		b, err := e.syncer.AddBoard(ctx, vsync.NewBoard{JiraBoardID: int64(tb.ID), TeamName: tb.Team})
		if err != nil {
			t.Fatal(err)
		}
		e.boards[tb.ID] = b.ID
	}
	return e
}

func (e *env) syncAll(t *testing.T, full bool) vsync.Result {
	t.Helper()
	var total vsync.Result
	for _, id := range e.boards {
		res, err := e.syncer.SyncBoard(context.Background(), id, full)
		if err != nil {
			t.Fatalf("sync board %d: %v", id, err)
		}
		total.Requests += res.Requests
		total.Written.Add(res.Written)
		total.Facts += res.Facts
	}
	return total
}

func (e *env) checkAgainstTruth(t *testing.T) {
	t.Helper()
	synctest.CheckAgainstTruth(t, e.store, e.sim, e.boards)
}

func tableWrites(t *testing.T, st *store.Store) map[string]int64 {
	t.Helper()
	return synctest.TableWrites(t, st)
}

func TestSyncMatchesTruth(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{sim.ModeCloud, sim.ModeDataCenter} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			e := setup(t, sim.Options{Seed: 7, Issues: 600, Mode: mode})
			first := e.syncAll(t, false)
			if first.Written.Issues == 0 || first.Facts == 0 {
				t.Fatalf("first sync wrote nothing: %+v", first)
			}
			e.checkAgainstTruth(t)

			// A second full sync changes nothing in source or facts tables.
			before := tableWrites(t, e.store)
			if before["jira_issues"] < first.Written.Issues || before["board_issue_facts"] == 0 {
				t.Fatalf("statistics do not show the first sync's writes: %v", before) // the check below would prove nothing
			}
			again := e.syncAll(t, true)
			if again.Written != (store.WriteCounts{}) || again.Facts != 0 {
				t.Fatalf("second sync wrote %+v, facts %d", again.Written, again.Facts)
			}
			after := tableWrites(t, e.store)
			for table, n := range after {
				if n != before[table] {
					t.Errorf("%s: %d tuple writes during a sync that should change nothing", table, n-before[table])
				}
			}

			// The world moves on: new, changed, moved and deleted issues.
			e.sim.Advance(72 * time.Hour)
			inc := e.syncAll(t, false)
			if inc.Written.Issues == 0 {
				t.Fatalf("incremental sync found nothing after 72h: %+v", inc)
			}
			e.checkAgainstTruth(t)
		})
	}
}

// TestSyncUnderFaults: whatever the API does wrong (throttles, errors,
// slow or truncated answers, items repeated between pages), retries absorb
// it and the stored data equals the truth, before and after the world moves.
func TestSyncUnderFaults(t *testing.T) {
	t.Parallel()
	specs := map[string]string{
		"429":      "429:0.15",
		"5xx":      "500:0.08,502:0.05,503:0.05",
		"slow":     "slow:0.1:5ms",
		"timeout":  "timeout:0.2:5ms",
		"truncate": "truncate:0.1",
		"dup":      "dup:0.3",
		"all":      "429:0.05,500:0.03,502:0.02,503:0.02,slow:0.02:5ms,timeout:0.02:5ms,truncate:0.03,dup:0.1",
	}
	for name, spec := range specs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			mode := sim.ModeCloud
			if name == "dup" || name == "5xx" {
				mode = sim.ModeDataCenter // startAt paging is where shifted items bite
			}
			var simSleeps atomic.Int64
			e := setup(t, sim.Options{Seed: 11, Issues: 300, Mode: mode, Faults: spec, Sleep: func(time.Duration) { simSleeps.Add(1) }})
			e.syncAll(t, false)
			e.checkAgainstTruth(t)
			e.sim.Advance(48 * time.Hour)
			e.syncAll(t, false)
			e.checkAgainstTruth(t)
			// The faults must have happened, or this test proved nothing.
			switch name {
			case "slow":
				if simSleeps.Load() == 0 {
					t.Fatal("no slow answer was injected")
				}
			case "dup": // repeated items are answered with 200s; seen only in the data
			default:
				if e.retries.n.Load() == 0 {
					t.Fatal("no request was retried")
				}
			}
		})
	}
}
