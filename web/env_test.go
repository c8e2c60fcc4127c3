package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/vger-dev/vger/internal/github"
	"github.com/vger-dev/vger/internal/jira"
	"github.com/vger-dev/vger/internal/pgtest"
	"github.com/vger-dev/vger/internal/retry"
	"github.com/vger-dev/vger/internal/sim"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
	"github.com/vger-dev/vger/internal/synctest"
	"github.com/vger-dev/vger/web"
)

// env is a web server on its own database, with (optionally) the
// simulated JIRA behind its sources, wired as the sync e2e tests do: sim
// -> HTTP -> jira client -> Syncer.
type env struct {
	t      *testing.T
	s      *web.Server
	st     *store.Store
	h      http.Handler
	sim    *sim.Sim
	syncer *vsync.Syncer
	jobs   *river.Client[pgx.Tx]
}

type envOpts struct {
	sim     bool
	issues  int
	github  bool             // the simulated GitHub behind the sources too
	worker  bool             // run River workers (browser tests)
	now     func() time.Time // the simulated clock's start (default sim.DefaultStart)
	hostile bool             // the simulator puts XSS payloads into every name (sim.Options.Hostile)
}

func newEnv(t *testing.T, o envOpts) *env {
	t.Helper()
	st := pgtest.Store(t)
	s := web.New(st, slog.New(slog.DiscardHandler), nil)
	e := &env{t: t, s: s, st: st}
	if o.sim {
		if o.issues == 0 {
			o.issues = 200
		}
		sm, simURL := synctest.ServeSim(t, sim.Options{Seed: 7, Issues: o.issues, PRs: 120, Now: o.now, Hostile: o.hostile})
		tr := retry.New(nil)
		tr.Sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
		c, err := jira.New(jira.Config{BaseURL: simURL + "/jira/", Email: "demo@example.com", APIToken: "sim-jira-token", Transport: tr, PageSize: 50})
		if err != nil {
			t.Fatal(err)
		}
		e.sim = sm
		e.syncer = &vsync.Syncer{Store: st, Tracker: vsync.NewJiraTracker(c), Now: sm.Now, History: 3 * 365 * 24 * time.Hour,
			Secrets: []string{"sim-jira-token"}}
		if o.github {
			gh, err := github.New(github.Config{APIURL: simURL + "/github/", Token: "sim-github-token", Transport: tr,
				Sleep: tr.Sleep, PreferREST: true})
			if err != nil {
				t.Fatal(err)
			}
			e.syncer.CodeHost = vsync.GitHubHost{Client: gh}
		}
		s.Sources = e.syncer
		s.Now = sm.Now
		s.Secrets = []string{"sim-jira-token"}
	} else {
		s.Now = func() time.Time { return sim.DefaultStart }
	}
	opts := vsync.ClientOptions{}
	if o.worker {
		opts.Concurrency = 2
	}
	jobs, err := vsync.NewClient(st, e.syncer, opts)
	if err != nil {
		t.Fatal(err)
	}
	e.jobs = jobs
	s.Jobs = jobs
	e.h = s.Routes()
	return e
}

// do sends a request as a browser on the same site would (cookies given).
func (e *env) do(method, target string, body io.Reader, hdr http.Header) *http.Response {
	e.t.Helper()
	req := httptest.NewRequest(method, target, body)
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec.Result()
}

func (e *env) get(target string) (*http.Response, string) {
	e.t.Helper()
	res := e.do(http.MethodGet, target, nil, nil)
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// post submits a form; the answer's body is read.
func (e *env) post(target string, form url.Values) (*http.Response, string) {
	e.t.Helper()
	res := e.do(http.MethodPost, target, strings.NewReader(form.Encode()), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// postOK submits a form that must succeed (303), and returns the page
// the browser lands on, with the one-time notice.
func (e *env) postOK(target string, form url.Values) (string, string) {
	e.t.Helper()
	res, body := e.post(target, form)
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("POST %s: status %d, want 303\n%s", target, res.StatusCode, errorText(body))
	}
	loc := res.Header.Get("Location")
	hdr := http.Header{}
	for _, c := range res.Cookies() {
		hdr.Add("Cookie", c.Name+"="+c.Value)
	}
	path, _, _ := strings.Cut(loc, "#") // browsers keep the fragment to themselves
	next := e.do(http.MethodGet, path, nil, hdr)
	b, _ := io.ReadAll(next.Body)
	if next.StatusCode != http.StatusOK {
		e.t.Fatalf("GET %s after POST: status %d", loc, next.StatusCode)
	}
	return loc, string(b)
}

// errorText is what a failed page says, for test failures.
func errorText(body string) string {
	d, err := goqueryDoc(body)
	if err != nil {
		return body
	}
	var parts []string
	for _, sel := range []string{`[data-testid="error-summary"]`, `[data-testid="form-error"]`, `[data-testid="error"]`, `[data-testid="import-errors"]`, `[data-testid="lookup-error"]`} {
		if t := strings.TrimSpace(d.Find(sel).Text()); t != "" {
			parts = append(parts, strings.Join(strings.Fields(t), " "))
		}
	}
	if len(parts) == 0 {
		return "(no error shown)"
	}
	return strings.Join(parts, "\n")
}

// team creates a team through the store.
func (e *env) team(name, slug string) store.Team {
	e.t.Helper()
	t, err := e.st.CreateTeam(context.Background(), name, slug)
	if err != nil {
		e.t.Fatal(err)
	}
	return t
}

// jobs lists the queued jobs' kinds and args.
func (e *env) queued() []store.Job {
	e.t.Helper()
	jobs, err := e.st.LatestJobs(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return jobs
}

func (e *env) hasJob(kind string, boardID, repoID int64) bool {
	for _, j := range e.queued() {
		if j.Kind == kind && j.BoardID == boardID && j.RepoID == repoID && j.Active() {
			return true
		}
	}
	return false
}

// with is the env for a subtest sharing its parent's database (forms
// that are refused change nothing, so they can share one).
func (e *env) with(t *testing.T) *env {
	c := *e
	c.t = t
	return &c
}

func readAll(res *http.Response) string {
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

func newRequest(method, target string, hdr http.Header) *http.Request {
	req := httptest.NewRequest(method, target, nil)
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	return req
}

func serve(h http.Handler, req *http.Request) (*http.Response, string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	return res, readAll(res)
}

// withHeader is the env whose GETs carry hdr (a signed-in user).
func (e *env) withHeader(hdr http.Header) *headerEnv { return &headerEnv{e, hdr} }

type headerEnv struct {
	e   *env
	hdr http.Header
}

func (h *headerEnv) get(target string) (*http.Response, string) {
	res := h.e.do(http.MethodGet, target, nil, h.hdr)
	return res, readAll(res)
}
