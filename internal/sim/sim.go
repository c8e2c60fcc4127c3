package sim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // team and user time zones must resolve on machines without zoneinfo
)

// Options configures a simulation. Zero values take the defaults documented per field.
type Options struct {
	Seed   int64
	Issues int    // JIRA issues existing at the clock's start (default 5000)
	PRs    int    // GitHub pull requests across all repositories at the clock's start (default 1000)
	Teams  int    // teams, each with a project and a board (default 5: the hand-built workflows)
	Mode   string // "cloud" (default) or "datacenter"
	// Faults is a fault schedule such as "429:0.05,500:0.02,slow:0.01:2s,truncate:0.005,dup:0.01"
	// (kinds: 429, 500, 502, 503, slow:P:DUR, timeout:P[:DUR], truncate, dup).
	Faults string
	Rate   float64 // requests per second before a rate-limit answer (JIRA: 429; GitHub: secondary-limit 403); 0 = unlimited
	UserTZ string  // the API user's time zone (default America/Los_Angeles)

	Email       string // JIRA Basic user (default demo@example.com)
	APIToken    string // JIRA Basic password / API token (default sim-jira-token)
	PAT         string // JIRA Data Center personal access token (default sim-jira-pat)
	GitHubToken string // default sim-github-token
	// GitHub's hourly primary budgets: REST requests and GraphQL points (default 5000 each;
	// tests set them low to exhaust them cheaply). The window starts with the first request and
	// resets an hour later on the Wall clock.
	GitHubRESTLimit    int
	GitHubGraphQLLimit int

	// Now gives the simulated clock's start (default 2026-11-02T09:00:00Z). It is read once:
	// afterwards the simulated clock moves only through Advance.
	Now func() time.Time
	// Sleep is how slow and timeout faults wait (default: a real sleep that ends early when the
	// request is cancelled). Tests inject a recorder so nothing waits in real time.
	Sleep func(time.Duration)
	// Wall is real time for the rate limiter and its reset headers (default time.Now).
	Wall func() time.Time
	// Hostile puts the payloads of hostile.txt (Payloads) into every name the product shows:
	// issue summaries (so PR titles), status, issue type, project, board and column names,
	// user display names (so GitHub logins), repository descriptions and nightly tag names.
	// Keys, ids and slugs stay clean. Off, the simulation is unchanged.
	Hostile bool
}

// DefaultStart is the simulated clock's start when Options.Now is nil: fixed, so that runs repeat.
var DefaultStart = time.Date(2026, time.November, 2, 9, 0, 0, 0, time.UTC)

// Mode values.
const (
	ModeCloud      = "cloud"
	ModeDataCenter = "datacenter"
)

func (o *Options) defaults() error {
	if o.Issues <= 0 {
		o.Issues = 5000
	}
	if o.PRs <= 0 {
		o.PRs = 1000
	}
	if o.Teams <= 0 {
		o.Teams = len(templates)
	}
	if o.Mode == "" {
		o.Mode = ModeCloud
	}
	if o.Mode != ModeCloud && o.Mode != ModeDataCenter {
		return fmt.Errorf("mode %q: want %q or %q", o.Mode, ModeCloud, ModeDataCenter)
	}
	if o.UserTZ == "" {
		o.UserTZ = "America/Los_Angeles"
	}
	if o.Email == "" {
		o.Email = "demo@example.com"
	}
	if o.APIToken == "" {
		o.APIToken = "sim-jira-token"
	}
	if o.PAT == "" {
		o.PAT = "sim-jira-pat"
	}
	if o.GitHubToken == "" {
		o.GitHubToken = "sim-github-token"
	}
	if o.GitHubRESTLimit <= 0 {
		o.GitHubRESTLimit = 5000
	}
	if o.GitHubGraphQLLimit <= 0 {
		o.GitHubGraphQLLimit = 5000
	}
	if o.Rate < 0 {
		return errors.New("rate must not be negative")
	}
	if o.Wall == nil {
		o.Wall = time.Now
	}
	return nil
}

// Sim is a running simulation. It is safe for concurrent use.
type Sim struct {
	opts    Options
	world   *World
	gen     *generator
	cloud   bool
	start   int64
	faults  *faults
	limiter *rateLimiter
	handler http.Handler

	clockMu sync.Mutex
	now     int64

	snapMu sync.Mutex
	snap   *snapshot

	catalogs sync.Map // base URL + version -> *catalog

	// The GitHub half.
	gh         *ghWorld
	prs        *prGenerator
	sched      schedule
	shaKey     uint64
	ghLimiter  *rateLimiter
	restBudget *ghBudget
	gqlBudget  *ghBudget
	ghReqs     atomic.Uint64

	ghMu   sync.Mutex
	ghSnap *ghSnapshot
}

// New builds a simulation: the world and the per-issue headers (histories stay lazy).
func New(opts Options) (*Sim, error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	start := DefaultStart
	if opts.Now != nil {
		start = opts.Now()
	}
	var hp []string
	if opts.Hostile {
		hp = Payloads()
	}
	w, err := newWorld(opts.Seed, opts.Teams, opts.Email, opts.UserTZ, hp)
	if err != nil {
		return nil, err
	}
	s := &Sim{opts: opts, world: w, cloud: opts.Mode == ModeCloud, start: start.UnixMilli(), now: start.UnixMilli()}
	if opts.Faults != "" {
		rules, err := ParseFaults(opts.Faults)
		if err != nil {
			return nil, err
		}
		s.faults = newFaults(opts.Seed, rules)
	}
	if opts.Rate > 0 {
		s.limiter = newRateLimiter(opts.Rate, opts.Wall())
		s.ghLimiter = newRateLimiter(opts.Rate, opts.Wall())
	}
	s.gen = newGenerator(opts.Seed, w, s.start, opts.Issues)
	s.gh = newGHWorld(opts.Seed, w, s.start)
	s.shaKey = hash3(opts.Seed, streamSHA, 0)
	s.restBudget = &ghBudget{limit: opts.GitHubRESTLimit, resource: "core"}
	s.gqlBudget = &ghBudget{limit: opts.GitHubGraphQLLimit, resource: "graphql"}
	s.prs = newPRGenerator(opts.Seed, w, s.gh, s.start, opts.PRs)
	s.handler = s.routes()
	return s, nil
}

// Handler serves /jira/... (the JIRA site), /_sim/... (admin) and /github/... (GitHub REST and
// GraphQL).
func (s *Sim) Handler() http.Handler { return s.handler }

// World exposes the teams, projects and boards (read-only).
func (s *Sim) World() *World { return s.world }

// Options returns the effective options (defaults filled in).
func (s *Sim) Options() Options { return s.opts }

// Now is the simulated time.
func (s *Sim) Now() time.Time {
	s.clockMu.Lock()
	defer s.clockMu.Unlock()
	return time.UnixMilli(s.now).UTC()
}

// Advance moves the simulated clock forward: new issues appear, move, close, reopen, get flagged,
// moved or deleted exactly as their plans say. Negative durations are ignored.
func (s *Sim) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	s.clockMu.Lock()
	s.now += d.Milliseconds()
	s.clockMu.Unlock()
}

func (s *Sim) nowMs() int64 {
	s.clockMu.Lock()
	defer s.clockMu.Unlock()
	return s.now
}

// current returns the snapshot for the current simulated time, building it on first use.
func (s *Sim) current() *snapshot {
	now := s.nowMs()
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	if s.snap == nil || s.snap.now != now {
		s.snap = s.gen.snapshot(now)
	}
	return s.snap
}

// sleep waits for a fault's delay through the injected Sleep, or really (cancellable).
func (s *Sim) sleep(ctx context.Context, d time.Duration) {
	if s.opts.Sleep != nil {
		s.opts.Sleep(d)
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
