package app_test

// The canary-token tests: every secret Vger is configured with is set to a
// distinctive value, the server, the worker and `vger sync` run for real
// (against the simulator over HTTP and a real Postgres), and the canaries
// must then appear in no HTTP response (body or header) of any GET route,
// no log line, no CSV/JSON/SVG download, no error, and no database row
// (River's job args and errors, sync runs and state, the audit log: every
// table, rendered as text).

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vger-dev/vger/internal/app"
	"github.com/vger-dev/vger/internal/config"
	"github.com/vger-dev/vger/internal/github"
	"github.com/vger-dev/vger/internal/jira"
	"github.com/vger-dev/vger/internal/logbuf"
	"github.com/vger-dev/vger/internal/pgtest"
	"github.com/vger-dev/vger/internal/sim"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
	"github.com/vger-dev/vger/web"
)

// The canaries: URL-safe, so an escaped copy looks the same, each with a
// random-looking tail that is searched for on its own (a truncated or
// partly masked secret is a leak too).
const (
	canaryJira  = "canary-jira-7c41e9d2b8"
	canaryPAT   = "canary-jpat-5f0a3b6c91"
	canaryGH    = "canary-ghub-e83d92a1f4"
	canaryDB    = "canary-pgpw-4b17c0e6a5"
	canaryOIDC  = "canary-oidc-2a9e7f03d1"
	canaryKey   = "canary-skey-6c58b1e0f7-0123456789abcdef"
	canaryEmail = "demo@example.com"
)

// leakCheck searches text for every form a secret could leak in.
type leakCheck struct {
	needles map[string]string // needle -> what it is
}

func newLeakCheck(secrets ...string) *leakCheck {
	l := &leakCheck{needles: map[string]string{}}
	for _, s := range secrets {
		l.needles[s] = s
		l.needles[s[strings.LastIndexByte(s, '-')+1:]] = "the tail of " + s
		// Basic auth and a base64-wrapped token.
		l.needles[base64.StdEncoding.EncodeToString([]byte(canaryEmail+":"+s))] = "Basic credentials with " + s
		l.needles[strings.TrimRight(base64.StdEncoding.EncodeToString([]byte(s)), "=")] = "base64 of " + s
	}
	return l
}

// check reports every needle found in text, naming where it was.
func (l *leakCheck) check(t *testing.T, where, text string) {
	t.Helper()
	for needle, what := range l.needles {
		if i := strings.Index(text, needle); i >= 0 {
			lo, hi := max(0, i-160), min(len(text), i+len(needle)+80)
			t.Errorf("LEAK: %s in %s: ...%s...", what, where, text[lo:hi])
		}
	}
}

// canaryDSN is the test database as a postgres:// URL whose password is
// the canary. The test cluster trusts local connections, so any password
// connects; a server that needs its own password (VGER_TEST_DATABASE_URL)
// keeps it, and its password is the secret searched for instead.
func canaryDSN(t *testing.T) (dsn, secret string) {
	t.Helper()
	pc, err := pgx.ParseConfig(pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	secret = canaryDB
	if pc.Password != "" {
		secret = pc.Password
	}
	u := url.URL{Scheme: "postgres", User: url.UserPassword(pc.User, secret), Path: "/" + pc.Database}
	q := url.Values{}
	if strings.HasPrefix(pc.Host, "/") {
		q.Set("host", pc.Host)
		u.Host = ""
	} else {
		u.Host = net.JoinHostPort(pc.Host, fmt.Sprint(pc.Port))
	}
	q.Set("port", fmt.Sprint(pc.Port))
	if pc.TLSConfig == nil {
		q.Set("sslmode", "disable")
	}
	u.RawQuery = q.Encode()
	return u.String(), secret
}

// canaryEnv is a complete configuration pointing at the simulator (or
// wherever base says), with every secret a canary; the JIRA token comes
// from a file, as production deployments do.
func canaryEnv(t *testing.T, dsn, base string) map[string]string {
	t.Helper()
	tokenFile := filepath.Join(t.TempDir(), "jira-token")
	if err := os.WriteFile(tokenFile, []byte(canaryJira+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"DATABASE_URL":            dsn,
		"JIRA_URL":                base + "/jira/",
		"JIRA_EMAIL":              canaryEmail,
		"JIRA_API_TOKEN_FILE":     tokenFile,
		"GITHUB_TOKEN":            canaryGH,
		"GITHUB_API_URL":          base + "/github/",
		"VGER_JIRA_RATE":          "0",
		"VGER_GITHUB_RATE":        "0",
		"VGER_SYNC_HISTORY_DAYS":  "36500",
		"VGER_SYNC_INTERVAL":      "1h",
		"VGER_LOG_LEVEL":          "debug",
		"VGER_LOG_FORMAT":         "json",
		"VGER_SHUTDOWN_TIMEOUT":   "10s",
		"VGER_WORKER_CONCURRENCY": "2",
		"VGER_DB_MAX_CONNS":       "6",
		// Read even while sign-in is off: they must not leak either.
		"VGER_OIDC_CLIENT_SECRET": canaryOIDC,
		"VGER_SESSION_KEY":        canaryKey,
	}
}

func loadConfig(t *testing.T, env map[string]string) *config.Config {
	t.Helper()
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// running is a worker and a server on one open database.
type running struct {
	t     *testing.T
	db    *app.Database
	base  string
	stop  context.CancelFunc
	errc  chan error
	pool  *pgxpool.Pool
	descr string
}

func startServerAndWorker(t *testing.T, cfg *config.Config, log *slog.Logger) *running {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return startServerAndWorkerOn(t, ln, cfg, log)
}

// startServerAndWorkerOn serves on ln (whose address the configuration
// may need to know, as VGER_OIDC_REDIRECT_URL does).
func startServerAndWorkerOn(t *testing.T, ln net.Listener, cfg *config.Config, log *slog.Logger) *running {
	t.Helper()
	db, err := app.OpenDatabase(t.Context(), cfg, log, "vger-canary")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(t.Context())
	r := &running{t: t, db: db, base: "http://" + ln.Addr().String(), stop: stop, errc: make(chan error, 2), pool: db.Store.Pool}
	go func() { r.errc <- app.RunWorker(ctx, db, cfg, log) }()
	go func() { r.errc <- app.ServeListener(ctx, ln, db, cfg, log, "canary") }()
	return r
}

// shutdown stops both and returns their errors (which are checked too).
func (r *running) shutdown() []string {
	r.stop()
	var out []string
	for range 2 {
		if err := <-r.errc; err != nil {
			out = append(out, err.Error())
		}
	}
	r.db.Close()
	return out
}

// waitJobs polls River's table until cond holds on the counts of jobs per
// kind and state (River has no completion signal for another process's
// client; the poll ends as soon as the condition holds).
func waitJobs(t *testing.T, pool *pgxpool.Pool, what string, cond func(counts map[string]int) bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		counts := map[string]int{}
		rows, err := pool.Query(t.Context(), `SELECT kind || ':' || state::text, count(*) FROM river_job GROUP BY 1
			UNION ALL SELECT kind || ':errored', count(*) FROM river_job WHERE errors IS NOT NULL GROUP BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				t.Fatal(err)
			}
			counts[k] += n
		}
		rows.Close()
		if cond(counts) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: jobs %v", what, counts)
		}
		<-tick.C
	}
}

// dumpDatabase renders every row of every table (River's included) as text.
func dumpDatabase(t *testing.T, pool *pgxpool.Pool) map[string]string {
	t.Helper()
	ctx := t.Context()
	rows, err := pool.Query(ctx, `SELECT table_schema, table_name FROM information_schema.tables
		WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`)
	if err != nil {
		t.Fatal(err)
	}
	var tables [][2]string
	for rows.Next() {
		var s, n string
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, [2]string{s, n})
	}
	rows.Close()
	out := map[string]string{}
	for _, tb := range tables {
		name := pgx.Identifier{tb[0], tb[1]}.Sanitize()
		rows, err := pool.Query(ctx, "SELECT t::text FROM "+name+" t")
		if err != nil {
			t.Fatalf("dump %s: %v", name, err)
		}
		var b strings.Builder
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			b.WriteString(s)
			b.WriteByte('\n')
		}
		rows.Close()
		out[name] = b.String()
	}
	for _, must := range []string{"river_job", "sync_runs"} {
		found := false
		for name := range out {
			found = found || strings.HasSuffix(name, `."`+must+`"`)
		}
		if !found {
			t.Fatalf("no table %s among %v", must, out)
		}
	}
	return out
}

// routeTargets fills the route table's GET patterns with the names of a
// real team and board (charts get a name the pages link to, or one that
// does not exist: a 404 page is a response too).
func routeTargets(t *testing.T, team, board string) []string {
	t.Helper()
	h := web.New(nil, slog.New(slog.DiscardHandler), nil).Routes()
	var out []string
	err := chi.Walk(h.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method != http.MethodGet {
			return nil
		}
		out = append(out, strings.NewReplacer("{team}", team, "{board}", board, "{repo}", "1", "{note}", "1",
			"{chart}", "throughput.svg", "/*", "/css/vger.css").Replace(route))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 30 {
		t.Fatalf("only %d GET routes: %v", len(out), out)
	}
	return out
}

var linkRE = regexp.MustCompile(`(?:href|src|action|data-href)="(/[^"]*)"`)

// crawl fetches every seed and every same-site link found in the pages,
// up to limit URLs, returning each response as text (status, headers, body).
func crawl(t *testing.T, base string, seeds []string, limit int) map[string]string {
	t.Helper()
	return crawlWith(t, &http.Client{}, base, seeds, limit)
}

// crawlWith is crawl with a client of the caller's (a cookie jar holding a
// session): redirects are recorded, not followed.
func crawlWith(t *testing.T, c *http.Client, base string, seeds []string, limit int) map[string]string {
	t.Helper()
	client := *c
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	seen := map[string]bool{}
	queue := slices.Clone(seeds)
	out := map[string]string{}
	statuses := map[int]int{}
	for len(queue) > 0 && len(out) < limit {
		target := queue[0]
		queue = queue[1:]
		if seen[target] {
			continue
		}
		seen[target] = true
		res, err := client.Get(base + target)
		if err != nil {
			t.Fatalf("GET %s: %v", target, err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatalf("GET %s: %v", target, err)
		}
		statuses[res.StatusCode]++
		if res.StatusCode >= 500 {
			t.Errorf("GET %s: %d", target, res.StatusCode)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s\n", res.Status)
		res.Header.Write(&b)
		b.Write(body)
		out[target] = b.String()
		if loc := res.Header.Get("Location"); strings.HasPrefix(loc, "/") {
			queue = append(queue, loc)
		}
		if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			for _, m := range linkRE.FindAllStringSubmatch(string(body), -1) {
				link := html.UnescapeString(m[1])
				if !strings.HasPrefix(link, "//") && !seen[link] {
					queue = append(queue, link)
				}
			}
		}
	}
	t.Logf("crawled %d URLs (%d left unvisited); statuses %v", len(out), len(queue), statuses)
	return out
}

func post(t *testing.T, base, target string, form url.Values) string {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(base+target, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", res.Status)
	res.Header.Write(&b)
	b.Write(body)
	return b.String()
}

func checkAll(t *testing.T, l *leakCheck, kind string, texts map[string]string) {
	t.Helper()
	keys := make([]string, 0, len(texts))
	for k := range texts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		l.check(t, kind+" "+k, texts[k])
	}
}

// TestCanarySecretsNeverLeak is the happy path: the simulator accepts the
// canary credentials, `vger board add`, `repo add`, `sync --all` and
// `status` run, then a worker syncs everything again through River while
// the server answers every GET route and every link its pages show, and
// a "refresh now" goes from the server through River to the worker.
func TestCanarySecretsNeverLeak(t *testing.T) {
	start0 := time.Now()
	t.Parallel()
	ctx := t.Context()
	start := time.Now().UTC().Truncate(time.Second)
	s, err := sim.New(sim.Options{Seed: 11, Issues: 200, PRs: 60, Teams: 2, Faults: "500:0.02,502:0.01", Email: canaryEmail, APIToken: canaryJira,
		GitHubToken: canaryGH, Now: func() time.Time { return start }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	dsn, dbSecret := canaryDSN(t)
	cfg := loadConfig(t, canaryEnv(t, dsn, srv.URL))
	leaks := newLeakCheck(canaryJira, canaryGH, dbSecret, canaryOIDC, canaryKey)
	for _, want := range []string{canaryJira, canaryGH, dbSecret, canaryOIDC, canaryKey} {
		if !slices.Contains(cfg.Secrets(), want) {
			t.Fatalf("config.Secrets() lacks a configured secret (%d secrets)", len(cfg.Secrets()))
		}
	}

	var logs logbuf.Buffer
	log := app.NewLogger(cfg, &logs)
	var cli bytes.Buffer // what the commands print

	if err := app.Migrate(ctx, cfg, log, &cli); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dsn, store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	boards := 0
	repos := 0
	for _, tb := range s.Boards() {
		if err := app.BoardAdd(ctx, cfg, log, &cli, vsync.NewBoard{JiraBoardID: int64(tb.ID), TeamName: tb.Team}); err != nil {
			t.Fatalf("board add: %v", err)
		}
		boards++
		all, err := st.Boards(ctx)
		if err != nil {
			t.Fatal(err)
		}
		id := all[slices.IndexFunc(all, func(b store.Board) bool { return b.JiraBoardID == int64(tb.ID) })].ID
		for _, r := range s.BoardRepos(tb.ID) {
			if err := app.RepoAdd(ctx, cfg, log, &cli, r.Owner, r.Name, id); err != nil {
				t.Fatalf("repo add: %v", err)
			}
			repos++
		}
	}
	if boards == 0 || repos == 0 {
		t.Fatalf("%d boards and %d repos: the test needs both", boards, repos)
	}
	t.Logf("phase: sync --all at %s", time.Since(start0).Round(time.Millisecond))
	if err := app.Sync(ctx, cfg, log, &cli, app.SyncOptions{All: true}); err != nil {
		t.Fatalf("sync --all: %v\n%s", err, cli.String())
	}
	t.Logf("phase: worker at %s", time.Since(start0).Round(time.Millisecond))
	if err := app.Status(ctx, cfg, log, &cli, true); err != nil {
		t.Fatal(err)
	}
	if err := app.Status(ctx, cfg, log, &cli, false); err != nil {
		t.Fatal(err)
	}

	r := startServerAndWorker(t, cfg, log)
	// The worker's first periodic run syncs every board and repo again.
	waitJobs(t, r.pool, "the periodic sync", func(c map[string]int) bool {
		return c["sync_board:completed"] == boards && c["sync_repo:completed"] == repos
	})
	all, err := st.Boards(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b := all[0]
	// "Refresh now": server -> River -> worker.
	page := "/teams/" + b.TeamSlug + "/boards/" + b.Slug
	t.Logf("phase: refresh at %s", time.Since(start0).Round(time.Millisecond))
	refreshed := post(t, r.base, page+"/refresh", url.Values{"back": {page}})
	if !strings.HasPrefix(refreshed, "303") {
		t.Fatalf("refresh: %s", refreshed)
	}
	waitJobs(t, r.pool, "the refresh", func(c map[string]int) bool { return c["sync_board:completed"] == boards+1 })

	t.Logf("phase: crawl at %s", time.Since(start0).Round(time.Millisecond))
	responses := crawl(t, r.base, append(routeTargets(t, b.TeamSlug, b.Slug),
		page+"?from=not-a-date", page+"/chart/nonexistent.svg", "/no/such/page"), 300)
	responses["POST refresh"] = refreshed
	downloads := 0
	for target, text := range responses {
		for _, ct := range []string{"text/csv", "image/svg+xml", "application/json"} {
			if strings.Contains(text, "Content-Type: "+ct) {
				downloads++
				_ = target
			}
		}
	}
	if downloads < 10 {
		t.Errorf("only %d CSV/SVG/JSON downloads crawled", downloads)
	}
	t.Logf("phase: shutdown at %s", time.Since(start0).Round(time.Millisecond))
	for _, e := range r.shutdown() {
		t.Errorf("server or worker: %s", e)
		leaks.check(t, "server or worker error", e)
	}
	checkAll(t, leaks, "GET", responses)
	leaks.check(t, "log", logs.String())
	leaks.check(t, "command output", cli.String())
	checkAll(t, leaks, "table", dumpDatabase(t, pgxPool(t, dsn)))
	if !strings.Contains(logs.String(), `"msg":"serving"`) {
		t.Errorf("the log capture missed the server: %.2000s", logs.String())
	}
}

func pgxPool(t *testing.T, dsn string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// TestCanarySecretsNeverLeakOnErrors: the canaries are the credentials
// and the simulator rejects them (401), so every error path runs: board
// and repo registration from the command line and the web, `vger sync`
// (Basic and Data Center PAT credentials, and an unreachable host), worker
// jobs that fail and are retried, and pages showing the last sync error.
func TestCanarySecretsNeverLeakOnErrors(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	start := time.Now().UTC().Truncate(time.Second)
	// The simulator expects its default credentials, not the canaries.
	s, err := sim.New(sim.Options{Seed: 12, Issues: 150, PRs: 40, Teams: 1, Now: func() time.Time { return start }, Faults: "500:0.02"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	dsn, dbSecret := canaryDSN(t)
	leaks := newLeakCheck(canaryJira, canaryGH, canaryPAT, dbSecret, canaryOIDC, canaryKey)

	// Set up a board and a repo with the right credentials first.
	st, err := store.Open(ctx, dsn, store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	jc, err := jira.New(jira.Config{BaseURL: srv.URL + "/jira/", Email: canaryEmail, APIToken: "sim-jira-token"})
	if err != nil {
		t.Fatal(err)
	}
	gc, err := github.New(github.Config{APIURL: srv.URL + "/github/", Token: "sim-github-token"})
	if err != nil {
		t.Fatal(err)
	}
	good := &vsync.Syncer{Store: st, Tracker: vsync.NewJiraTracker(jc), CodeHost: vsync.GitHubHost{Client: gc}, Now: time.Now}
	tb := s.Boards()[0]
	b, err := good.AddBoard(ctx, vsync.NewBoard{JiraBoardID: int64(tb.ID), TeamName: tb.Team})
	if err != nil {
		t.Fatal(err)
	}
	repo := s.BoardRepos(tb.ID)[0]
	if _, err := good.AddRepo(ctx, repo.Owner, repo.Name, b.ID); err != nil {
		t.Fatal(err)
	}
	all, err := st.Boards(ctx)
	if err != nil || len(all) != 1 {
		t.Fatalf("boards %v: %v", all, err)
	}
	b = all[0]
	st.Close()

	env := canaryEnv(t, dsn, srv.URL)
	env["VGER_LOG_LEVEL"] = "debug"
	cfg := loadConfig(t, env)
	patEnv := maps(env, map[string]string{"JIRA_API_TOKEN_FILE": "", "JIRA_PAT": canaryPAT})
	cfgPAT := loadConfig(t, patEnv)
	// Nothing listens on a port just closed.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := "http://" + ln.Addr().String()
	ln.Close()
	cfgGone := loadConfig(t, maps(env, map[string]string{"JIRA_URL": closed + "/jira/", "GITHUB_API_URL": closed + "/github/"}))

	var logs logbuf.Buffer
	var cli bytes.Buffer
	var errs []string
	expectErr := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: succeeded with rejected credentials", what)
			return
		}
		errs = append(errs, what+": "+err.Error())
	}
	log := app.NewLogger(cfg, &logs)
	expectErr("board add", app.BoardAdd(ctx, cfg, log, &cli, vsync.NewBoard{JiraBoardID: int64(tb.ID), TeamName: "Other"}))
	expectErr("repo add", app.RepoAdd(ctx, cfg, log, &cli, repo.Owner, repo.Name+"-x", b.ID))
	expectErr("sync --all", app.Sync(ctx, cfg, log, &cli, app.SyncOptions{All: true}))
	expectErr("sync --board (PAT)", app.Sync(ctx, cfgPAT, app.NewLogger(cfgPAT, &logs), &cli, app.SyncOptions{BoardID: b.ID}))
	// An unreachable host is retried with backoff; two seconds show the error.
	gctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	expectErr("sync --all (unreachable)", app.Sync(gctx, cfgGone, app.NewLogger(cfgGone, &logs), &cli, app.SyncOptions{All: true}))
	cancel()
	t.Logf("errors:\n%s", strings.Join(errs, "\n"))
	if !strings.Contains(strings.Join(errs, "\n")+cli.String(), "credentials") {
		t.Errorf("the errors do not say the credentials were refused:\n%s\n%s", strings.Join(errs, "\n"), cli.String())
	}

	r := startServerAndWorker(t, cfg, log)
	waitJobs(t, r.pool, "failed syncs", func(c map[string]int) bool {
		return c["sync_board:errored"] >= 1 && c["sync_repo:errored"] >= 1
	})
	page := "/teams/" + b.TeamSlug + "/boards/" + b.Slug
	responses := crawl(t, r.base, append(routeTargets(t, b.TeamSlug, b.Slug), page+"?from=bogus"), 250)
	// Editor actions that ask JIRA or GitHub (everyone is an editor with
	// VGER_AUTH=none on loopback).
	responses["POST board create"] = post(t, r.base, "/teams/"+b.TeamSlug+"/boards", url.Values{"board": {fmt.Sprint(tb.ID)}, "name": {"Again"}})
	responses["POST board create with JQL"] = post(t, r.base, "/teams/"+b.TeamSlug+"/boards", url.Values{"board": {fmt.Sprint(tb.ID)}, "extra_jql": {"project = X"}})
	responses["POST repo link"] = post(t, r.base, page+"/repos", url.Values{"repo": {repo.Owner + "/" + repo.Name + "-other"}})
	responses["POST refresh"] = post(t, r.base, page+"/refresh", url.Values{"back": {page}})
	for _, e := range r.shutdown() {
		leaks.check(t, "server or worker error", e)
	}
	if !strings.Contains(responses["POST repo link"]+responses["POST board create"], "credentials") &&
		!strings.Contains(responses["POST repo link"]+responses["POST board create"], "401") {
		t.Errorf("the web forms do not show the refusal:\n%.3000s", responses["POST board create"])
	}
	checkAll(t, leaks, "", responses)
	for _, e := range errs {
		leaks.check(t, "error", e)
	}
	leaks.check(t, "log", logs.String())
	leaks.check(t, "command output", cli.String())
	tables := dumpDatabase(t, pgxPool(t, dsn))
	checkAll(t, leaks, "table", tables)
	var jobErrors string
	for name, rows := range tables {
		if strings.HasSuffix(name, `."river_job"`) {
			jobErrors = rows
		}
	}
	if !strings.Contains(jobErrors, "credentials") {
		t.Errorf("river_job rows hold no refused-credentials error:\n%.3000s", jobErrors)
	}
}

func maps(base, over map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		if v == "" {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

// TestCanaryBadConfigAndUnreachableDatabase: an invalid setting next to a
// secret, a secret file that cannot be read, and a database that cannot
// be reached give errors (and logs) without the secret.
func TestCanaryBadConfigAndUnreachableDatabase(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	leaks := newLeakCheck(canaryJira, canaryGH, canaryPAT, canaryDB, canaryOIDC, canaryKey)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().String()
	ln.Close()
	good := map[string]string{
		"DATABASE_URL":   "postgres://vger:" + canaryDB + "@" + closed + "/vger?connect_timeout=2",
		"JIRA_URL":       "http://" + closed + "/jira/",
		"JIRA_EMAIL":     canaryEmail,
		"JIRA_API_TOKEN": canaryJira,
		"GITHUB_TOKEN":   canaryGH,
		"VGER_ADDR":      "127.0.0.1:0",
	}
	for name, over := range map[string]map[string]string{
		"database scheme":     {"DATABASE_URL": "mysql://vger:" + canaryDB + "@db/vger"},
		"database URL":        {"DATABASE_URL": "postgres://vger:" + canaryDB + "@"},
		"replica scheme":      {"DATABASE_REPLICA_URL": "mysql://vger:" + canaryDB + "@db/vger"},
		"PAT and token":       {"JIRA_PAT": canaryPAT},
		"token and file":      {"JIRA_API_TOKEN_FILE": "/nonexistent/" + canaryJira},
		"PAT file unreadable": {"JIRA_API_TOKEN": "", "JIRA_PAT_FILE": filepath.Join(t.TempDir(), "nothing")},
		"token without email": {"JIRA_EMAIL": ""},
		// A token pasted into the wrong variable is not echoed either.
		"token as GitHub URL": {"GITHUB_API_URL": "ftp://" + canaryGH + "@x/"},
		"token as JIRA URL":   {"JIRA_URL": canaryJira},
		"short session key":   {"VGER_SESSION_KEY": canaryOIDC},
		"OIDC without issuer": {"VGER_AUTH": "oidc", "VGER_OIDC_CLIENT_SECRET": canaryOIDC, "VGER_OIDC_CLIENT_ID": canaryOIDC},
	} {
		_, err := config.Load(func(k string) (string, bool) { v, ok := maps(good, over)[k]; return v, ok })
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		var ce *config.Error
		if !errors.As(err, &ce) {
			t.Errorf("%s: %T %v, want a *config.Error", name, err, err)
		}
		leaks.check(t, "config error ("+name+")", err.Error())
	}

	cfg := loadConfig(t, good)
	var logs logbuf.Buffer
	log := app.NewLogger(cfg, &logs)
	var cli bytes.Buffer
	for name, run := range map[string]func() error{
		"serve":   func() error { return app.Serve(ctx, cfg, log, "canary") },
		"worker":  func() error { return app.Worker(ctx, cfg, log) },
		"sync":    func() error { return app.Sync(ctx, cfg, log, &cli, app.SyncOptions{All: true}) },
		"status":  func() error { return app.Status(ctx, cfg, log, &cli, false) },
		"migrate": func() error { return app.Migrate(ctx, cfg, log, &cli) },
		"board":   func() error { return app.BoardAdd(ctx, cfg, log, &cli, vsync.NewBoard{JiraBoardID: 1, TeamName: "x"}) },
	} {
		err := run()
		if err == nil {
			t.Errorf("%s: succeeded without a database", name)
			continue
		}
		leaks.check(t, name+" error", err.Error())
	}
	leaks.check(t, "log", logs.String())
	leaks.check(t, "command output", cli.String())
}
