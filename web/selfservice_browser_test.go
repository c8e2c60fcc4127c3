package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/riverqueue/river"

	"github.com/vger-dev/vger/internal/browsertest"
	vsync "github.com/vger-dev/vger/internal/sync"
)

// worker starts River workers on the env's database (real jobs: syncs
// against the simulator, facts rebuilds) and returns a function that waits
// for the next finished job of a kind, without sleeping.
func (e *env) worker(t *testing.T) func(kind string, failed bool) {
	t.Helper()
	events, cancel := e.jobs.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	ctx, stop := context.WithCancel(context.Background())
	if err := e.jobs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		sctx, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		e.jobs.Stop(sctx)
		stop()
	})
	return func(kind string, failed bool) {
		t.Helper()
		deadline := time.After(40 * time.Second)
		for {
			select {
			case ev := <-events:
				if ev.Job.Kind != kind {
					continue
				}
				if ev.Kind == river.EventKindJobFailed && !failed {
					t.Fatalf("%s job failed: %v", kind, ev.Job.Errors)
				}
				if (ev.Kind == river.EventKindJobFailed) == failed {
					return
				}
			case <-deadline:
				t.Fatalf("no %s job finished", kind)
			}
		}
	}
}

// tab runs browser actions, failing the test on error.
type tab struct {
	t   *testing.T
	ctx context.Context
	url string
}

func (p tab) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatal(err)
	}
}

func (p tab) text(sel string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Text(q(sel)))
	if err != nil {
		p.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

func (p tab) open(path string, wait string) {
	p.t.Helper()
	p.do(chromedp.Navigate(p.url+path), chromedp.WaitVisible(q(wait)))
}

// snap keeps a full-page screenshot of the current page in
// $VGER_SCREENSHOT_DIR (for people to look at; nothing is compared).
func (p tab) snap(name string) {
	p.t.Helper()
	dir := os.Getenv("VGER_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "selfservice-"+name+".png"), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

func testid(id string) string { return `[data-testid="` + id + `"]` }

func q(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// TestBrowserSelfService is a team setting itself up in Chromium, with
// River workers running real jobs against the simulated JIRA: create a
// team, add a board from the list, let it sync, map an unmapped status,
// change the lead-time window and the work types, see a refused save
// explained, save, and see the facts rebuild finish.
func TestBrowserSelfService(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{sim: true, issues: 300, worker: true, now: func() time.Time { return time.Now().UTC().Truncate(time.Second) }})
	finished := e.worker(t)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	p := tab{t: t, ctx: browsertest.Tab(t), url: srv.URL}

	// Create a team, from the keyboard: type the name and press Enter.
	p.open("/", testid("empty-state"))
	p.snap("home-empty")
	p.do(chromedp.Click(q(testid("new-team"))), chromedp.WaitVisible(q(testid("team-form"))))
	p.do(chromedp.Click(q(testid("submit"))), chromedp.WaitVisible(q(testid("error-name"))))
	if got := p.text(testid("error-name")); got != "Give the team a name." {
		t.Fatalf("empty name: %q", got)
	}
	p.snap("team-new-error")
	p.do(chromedp.SendKeys(q(testid("input-name")), "Payments\r"), chromedp.WaitVisible(q(testid("no-boards"))))
	if got := p.text(testid("page-title")); got != "Payments" {
		t.Fatalf("team page title %q", got)
	}
	p.snap("team-empty")

	// Add a board: search the list, choose, add.
	p.do(chromedp.Click(q(testid("add-board"))), chromedp.WaitVisible(q(testid("board-list"))))
	p.snap("board-list")
	p.do(chromedp.SendKeys(q(testid("input-q")), "pay\r"), chromedp.WaitVisible(q(`[data-testid="input-q"][value="pay"]`)))
	if n, _ := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="jira-board"]').length`)); n != 1 {
		t.Fatalf("search pay: %d boards", n)
	}
	p.do(chromedp.Click(q(`[data-jira-board="3"] `+testid("choose-board"))), chromedp.WaitVisible(q(testid("estimate"))))
	if got := p.text(testid("estimate")); !strings.HasPrefix(got, "First sync: JIRA counts about") {
		t.Fatalf("estimate %q", got)
	}
	p.snap("board-chosen")
	p.do(chromedp.Click(q(testid("add-board-submit"))), chromedp.WaitVisible(q(testid("flash"))))
	p.snap("team-syncing")
	finished(vsync.SyncBoardArgs{}.Kind(), false)
	p.open("/teams/payments", testid("board-row"))
	if got := p.text(testid("board-sync")); got != "✓ up to date" && got != "up to date" {
		t.Fatalf("after the first sync: %q", got)
	}
	p.snap("team")

	// Settings: the unmapped statuses are listed with their counts.
	p.do(chromedp.Click(q(testid("board-settings"))), chromedp.WaitVisible(q(testid("settings-form"))))
	p.snap("settings")
	if got := p.text(`[data-status="10009"]`); !strings.Contains(got, "Blocked") || !strings.Contains(strings.ToLower(got), "unmapped") {
		t.Fatalf("Blocked row: %q", got)
	}
	// A refused save says why, beside the field.
	p.do(chromedp.SetValue(q(testid("lead-start")), "4"), chromedp.Click(q(testid("save"))),
		chromedp.WaitVisible(q(testid("error-window"))))
	if got := p.text(testid("error-window")); !strings.Contains(got, "Lead time must start in a column before the one where it ends") {
		t.Fatalf("window error %q", got)
	}
	p.snap("settings-error")
	// Map Blocked to Review, move the window to In Progress..Review, and
	// group Bug and Incident as "Failures".
	p.do(
		chromedp.SetValue(q(testid("map-10009")), "3"),
		chromedp.SetValue(q(testid("lead-start")), "2"),
		chromedp.SetValue(q(testid("lead-end")), "3"),
		chromedp.SendKeys(q(testid("wt-name-new")), "Failures"),
		chromedp.Click(q(testid("wt-type-new-10004"))),
		chromedp.Click(q(testid("wt-type-new-10005"))),
	)
	for _, name := range []string{"Bug", "Incident"} {
		key, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](fmt.Sprintf(
			`[...document.querySelectorAll('[data-testid="work-type-row"]')].find(r => r.querySelector('input[type=text]').value === %q).dataset.key`, name)))
		if err != nil {
			t.Fatal(err)
		}
		p.do(chromedp.Click(q(testid("wt-remove-" + key))))
	}
	p.do(chromedp.Click(q(testid("save"))), chromedp.WaitVisible(q(testid("flash"))))
	if got := p.text(testid("flash")); !strings.HasPrefix(got, "Settings saved. The board's facts are being rebuilt") {
		t.Fatalf("flash %q", got)
	}
	p.snap("settings-saved")
	finished(vsync.RebuildFactsArgs{}.Kind(), false)
	p.do(chromedp.Reload(), chromedp.WaitVisible(q(`[data-testid="rebuild-status"][data-state="done"]`)))
	if got := p.text(`[data-testid="rebuild-status"][data-state="done"]`); !strings.HasPrefix(got, "Facts rebuilt with these settings") {
		t.Fatalf("rebuild status %q", got)
	}
	p.snap("settings-rebuilt")

	b := e.board2("payments-board")
	if b.LeadStart != 2 || b.LeadEnd != 3 || !strings.Contains(strings.Join(b.States[3].StatusIDs, ","), "10009") {
		t.Fatalf("saved board: window %d..%d, Review maps %v", b.LeadStart, b.LeadEnd, b.States[3].StatusIDs)
	}
	var wts []string
	for _, wt := range b.WorkTypes {
		wts = append(wts, wt.Name+"="+strings.Join(wt.IssueTypeIDs, "+"))
	}
	if strings.Join(wts, " ") != "Failures=10004+10005 Story=10001 Task=10002" {
		t.Fatalf("work types %q", wts)
	}
	// The rebuilt facts follow the new window: one in-progress column.
	var facts, wrong int
	e.st.Pool.QueryRow(context.Background(), `SELECT count(*), count(*) FILTER (WHERE time_in_state IS NOT NULL AND cardinality(time_in_state) <> 1)
		FROM board_issue_facts WHERE board_id = $1`, b.ID).Scan(&facts, &wrong)
	if facts == 0 || wrong != 0 {
		t.Fatalf("%d facts, %d with the old window", facts, wrong)
	}

	// Repositories: GitHub is not configured here, and the form says so.
	if got := p.text(testid("repo-off")); !strings.HasPrefix(got, "GitHub is not configured on this server") {
		t.Fatalf("repo form: %q", got)
	}
	// The audit log tells the story.
	p.open("/teams/payments/audit", testid("audit"))
	if got := p.text(testid("audit-action")); got != "Changed board settings" {
		t.Fatalf("latest audit entry %q", got)
	}
	p.snap("audit")
	p.open("/teams/payments/delete", testid("delete-form"))
	p.snap("team-delete")
	p.open("/", testid("team"))
	p.snap("home")
	p.open("/teams/payments/boards/payments-board", testid("tab-settings"))
	p.snap("quadrant")
	p.open("/teams/nope", testid("error-status"))
	p.snap("not-found")
}

// TestBrowserLinkRepository links repositories with the simulated GitHub
// behind the sources and River workers syncing them: the form refuses a
// malformed name beside the field; a real repository is linked and its
// pull requests and tags arrive; one GitHub does not have is linked too,
// and the background check's failure shows with what to do.
func TestBrowserLinkRepository(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{sim: true, github: true, worker: true})
	seedBoard(t, e)
	finished := e.worker(t)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	p := tab{t: t, ctx: browsertest.Tab(t), url: srv.URL}
	real := e.sim.BoardRepos(3)[0].FullName

	p.open(settingsURL+"#repos", testid("repo-form"))
	p.do(chromedp.SendKeys(q(testid("input-repo")), "acme\r"), chromedp.WaitVisible(q(testid("error-repo"))))
	if got := p.text(testid("error-repo")); !strings.HasPrefix(got, `"acme" is not owner/name`) {
		t.Fatalf("error %q", got)
	}
	p.do(chromedp.Clear(q(testid("input-repo"))), chromedp.SendKeys(q(testid("input-repo")), real+"\r"),
		chromedp.WaitVisible(q(`[data-testid="linked-repo"][data-repo="`+real+`"]`)))
	finished(vsync.SyncRepoArgs{}.Kind(), false)
	p.do(chromedp.SendKeys(q(testid("input-repo")), "acme/no-such-repo\r"), chromedp.WaitVisible(q(`[data-repo="acme/no-such-repo"]`)))
	finished(vsync.SyncRepoArgs{}.Kind(), true)
	p.do(chromedp.Reload(), chromedp.WaitVisible(q(`[data-repo="acme/no-such-repo"] .sync-error`)))
	if got := p.text(`[data-repo="acme/no-such-repo"]`); !strings.Contains(got, "GitHub has no such repository") {
		t.Fatalf("missing repository: %q", got)
	}
	if got := p.text(`[data-repo="` + real + `"]`); !strings.Contains(got, "pull requests") || !strings.Contains(got, "data as of") {
		t.Fatalf("synced repository: %q", got)
	}
	p.snap("settings-repos")
	p.open("/teams/payments", testid("repo-row"))
	p.snap("team-repos")
}
