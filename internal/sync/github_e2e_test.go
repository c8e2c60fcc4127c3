package sync_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/github"
	"github.com/vger-dev/vger/internal/sim"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
	"github.com/vger-dev/vger/internal/synctest"
)

type ghEnv struct {
	*simEnv
	repos map[string]int64
}

func setupGitHub(t *testing.T, opts sim.Options, rest bool) *ghEnv {
	t.Helper()
	return setupGitHubSleep(t, opts, rest, nil, time.Now)
}

// setupGitHubSleep: the clients wait with sleep (nil: never) by the clock now.
func setupGitHubSleep(t *testing.T, opts sim.Options, rest bool, sleep func(ctx context.Context, d time.Duration) error, now func() time.Time) *ghEnv {
	t.Helper()
	e := &ghEnv{simEnv: newSimEnv(t, opts, sleep), repos: map[string]int64{}}
	e.tr.Now = now
	e.tr.MaxWait = 2 * time.Hour // GitHub's primary limit resets within the hour
	c, err := github.New(github.Config{APIURL: e.url + "/github/", Token: "sim-github-token", Transport: e.tr, Sleep: e.tr.Sleep, Now: now, PreferREST: rest})
	if err != nil {
		t.Fatal(err)
	}
	e.syncer.CodeHost = vsync.GitHubHost{Client: c}
	ctx := context.Background()
	team, err := e.store.CreateTeam(ctx, "Team", "team")
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.store.CreateBoard(ctx, store.Board{TeamID: team.ID, Name: "B", Slug: "b", JiraBoardID: 1, TimeZone: "UTC", DayMode: "working",
		LeadStart: 0, LeadEnd: 1, RollingWeeks: 12, FiscalYearStartMonth: 1,
		States: []store.BoardState{{Seq: 0, Name: "Doing", StatusIDs: []string{"3"}}, {Seq: 1, Name: "Done", StatusIDs: []string{"5"}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range e.sim.Repos() {
		repo, err := e.syncer.AddRepo(ctx, r.Owner, r.Name, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		e.repos[r.FullName] = repo.ID
	}
	return e
}

func (e *ghEnv) syncAll(t *testing.T, full bool) store.WriteCounts {
	t.Helper()
	var wc store.WriteCounts
	for name, id := range e.repos {
		res, err := e.syncer.SyncRepo(context.Background(), id, full)
		if err != nil {
			t.Fatalf("sync %s: %v", name, err)
		}
		wc.Add(res.Written)
	}
	return wc
}

func (e *ghEnv) names() []string {
	var out []string
	for n := range e.repos {
		out = append(out, n)
	}
	return out
}

// TestGitHubSyncMatchesTruth: pull requests with sizes and tags with dates
// equal the simulator's truth, through GraphQL and through REST; a second
// sync writes nothing; after the world moves on, the truth again.
func TestGitHubSyncMatchesTruth(t *testing.T) {
	t.Parallel()
	for _, rest := range []bool{false, true} {
		name := "graphql"
		if rest {
			name = "rest"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := setupGitHub(t, sim.Options{Seed: 4, Issues: 200, PRs: 150}, rest)
			first := e.syncAll(t, false)
			if first.PullRequests == 0 || first.Tags == 0 {
				t.Fatalf("first sync wrote %+v", first)
			}
			synctest.CheckReposAgainstTruth(t, e.store, e.sim, e.names())
			before304 := e.retries.notModified.Load()
			before := synctest.TableWrites(t, e.store)
			if before["pull_requests"] == 0 || before["tags"] == 0 {
				t.Fatalf("statistics do not show the first sync: %v", before)
			}
			if again := e.syncAll(t, true); again.PullRequests != 0 || again.Tags != 0 {
				t.Fatalf("second sync wrote %+v", again)
			}
			for table, n := range synctest.TableWrites(t, e.store) {
				if n != before[table] {
					t.Errorf("%s: %d tuple writes during a sync that should change nothing", table, n-before[table])
				}
			}
			// REST re-reads unchanged resources with If-None-Match: GitHub
			// answers 304, which costs no rate limit.
			if rest && e.retries.notModified.Load()-before304 == 0 {
				t.Fatal("the second REST sync got no 304: ETags are not used")
			}
			e.sim.Advance(96 * time.Hour)
			if inc := e.syncAll(t, false); inc.PullRequests == 0 {
				t.Fatalf("incremental sync after 96h found nothing: %+v", inc)
			}
			synctest.CheckReposAgainstTruth(t, e.store, e.sim, e.names())
		})
	}
}

func TestGitHubSyncUnderFaults(t *testing.T) {
	t.Parallel()
	var sleeps atomic.Int64
	e := setupGitHub(t, sim.Options{Seed: 6, Issues: 200, PRs: 120,
		Faults: "429:0.05,500:0.05,502:0.03,503:0.03,truncate:0.05,dup:0.1,timeout:0.03:5ms", Sleep: func(time.Duration) { sleeps.Add(1) }}, false)
	e.syncAll(t, false)
	synctest.CheckReposAgainstTruth(t, e.store, e.sim, e.names())
	e.sim.Advance(72 * time.Hour)
	e.syncAll(t, false)
	synctest.CheckReposAgainstTruth(t, e.store, e.sim, e.names())
	if e.retries.n.Load() == 0 {
		t.Fatal("no request was retried: the faults did not happen")
	}
}

// fakeWall is real time as the simulator's rate limiter sees it: waiting
// (the clients' injected sleep) moves it on, so hourly budgets reset
// without anyone waiting an hour.
type fakeWall struct {
	mu     sync.Mutex
	now    time.Time
	waited time.Duration
}

func (f *fakeWall) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }
func (f *fakeWall) Sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	f.waited += d
	return ctx.Err()
}

// TestGitHubPrimaryLimitIsAWait: with tiny hourly budgets the sync runs
// out again and again (403 with x-ratelimit-remaining: 0 on REST, 200 with
// RATE_LIMITED on GraphQL), waits for each reset, and still stores exactly
// the truth.
func TestGitHubPrimaryLimitIsAWait(t *testing.T) {
	t.Parallel()
	for _, rest := range []bool{false, true} {
		t.Run(map[bool]string{false: "graphql", true: "rest"}[rest], func(t *testing.T) {
			t.Parallel()
			wall := &fakeWall{now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
			e := setupGitHubSleep(t, sim.Options{Seed: 8, Issues: 100, PRs: 60, GitHubRESTLimit: 15, GitHubGraphQLLimit: 3, Wall: wall.Now}, rest, wall.Sleep, wall.Now)
			e.syncAll(t, false)
			synctest.CheckReposAgainstTruth(t, e.store, e.sim, e.names())
			if wall.waited < time.Minute {
				t.Fatalf("waited %s: the limits were never hit", wall.waited)
			}
		})
	}
}
