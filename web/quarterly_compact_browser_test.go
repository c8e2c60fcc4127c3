package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"

	"github.com/vger-dev/vger/internal/browsertest"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
)

// manySlow is the one slow item of the "many" board: started Mon 6 Jan
// 2025 10:00, done Fri 7 Mar 10:00 (60 calendar days), flagged Mon 3 Feb
// 10:00 - Wed 5 Feb 10:00 (2 days blocked, 3% of its lead time). Its
// summary is hostile markup.
const (
	manySlowKey     = "MANY-1201"
	manySlowSummary = `<img src=x data-evil="1"> Slow "checkout" & more`
)

// loadManyFixture stores the board "many" (UTC, calendar days, the
// quarterly fixture's columns): 1,200 items done Jul 2024 - Apr 2025 with
// lead times of 1 to 10 days, and manySlow, so the quarterly scatterplot
// draws its 1,201 points in the compact form.
func loadManyFixture(t *testing.T) (*httptest.Server, *store.Store) {
	t.Helper()
	s, st := newServer(t)
	s.Now = func() time.Time { return qtrNow }
	ctx := context.Background()
	if _, err := st.UpsertJiraStatuses(ctx, []store.JiraStatus{{ID: "1", Name: "To Do", Category: "new"},
		{ID: "3", Name: "In Progress", Category: "indeterminate"}, {ID: "4", Name: "Review", Category: "indeterminate"}, {ID: "5", Name: "Done", Category: "done"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertJiraIssueTypes(ctx, []store.JiraIssueType{{ID: "10", Name: "Story"}, {ID: "11", Name: "Bug"}}); err != nil {
		t.Fatal(err)
	}
	team, err := st.CreateTeam(ctx, "Payments", "payments")
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.CreateBoard(ctx, store.Board{TeamID: team.ID, Name: "Board many", Slug: "many", JiraBoardID: 900, TimeZone: "UTC",
		DayMode: "calendar", LeadStart: 1, LeadEnd: 3, RollingWeeks: 4, FiscalYearStartMonth: 4,
		States: []store.BoardState{{Seq: 0, Name: "To Do", StatusIDs: []string{"1"}, Active: true}, {Seq: 1, Name: "In Progress", StatusIDs: []string{"3"}, Active: true},
			{Seq: 2, Name: "Review", StatusIDs: []string{"4"}}, {Seq: 3, Name: "Done", StatusIDs: []string{"5"}, Active: true}},
		WorkTypes: []store.WorkType{{Name: "Story", IssueTypeIDs: []string{"10"}}, {Name: "Bug", IssueTypeIDs: []string{"11"}}}})
	if err != nil {
		t.Fatal(err)
	}
	var rows []store.JiraIssue
	hid := int64(0)
	add := func(id int64, typ, summary string, start, done time.Time, flags ...store.JiraFlagChange) {
		hid += 2
		rows = append(rows, store.JiraIssue{ID: id, Key: "MANY-" + strconv.FormatInt(id, 10), Project: "MANY", TypeID: typ, StatusID: "5",
			Summary: summary, Created: start.Add(-time.Hour), Updated: done,
			StatusChanges: []store.JiraStatusChange{{HistoryID: hid - 1, At: start, From: "1", To: "3"}, {HistoryID: hid, At: done, From: "3", To: "5"}},
			FlagChanges:   flags})
	}
	first := ts(2024, 7, 1, 10, 0)
	for i := range int64(1200) {
		start := first.Add(time.Duration(i) * 6 * time.Hour)
		typ := "10"
		if i%4 == 3 {
			typ = "11"
		}
		add(i+1, typ, fmt.Sprintf("Item %d", i+1), start, start.Add(time.Duration(1+i%10)*24*time.Hour))
	}
	add(1201, "10", manySlowSummary, ts(2025, 1, 6, 10, 0), ts(2025, 3, 7, 10, 0),
		store.JiraFlagChange{HistoryID: 90001, At: ts(2025, 2, 3, 10, 0), Flagged: true},
		store.JiraFlagChange{HistoryID: 90002, At: ts(2025, 2, 5, 10, 0), Flagged: false})
	if err := pgx.BeginFunc(ctx, st.Pool, func(tx pgx.Tx) error {
		_, err := store.WriteJiraIssues(ctx, tx, b.ID, rows)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := (&vsync.Syncer{Store: st, Now: s.Now}).RebuildFacts(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordSyncResult(ctx, store.Scope{Kind: "board", BoardID: b.ID}, qtrNow.Add(-time.Hour), "", nil); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Routes())
	t.Cleanup(srv.Close)
	s.JiraURL = srv.URL + "/jira"
	return srv, st
}

const manyURL = "/teams/payments/boards/many/quarterly"

// TestQuarterlyCompactHoverInBrowser: over 1,000 points the scatterplot is
// drawn compactly (no per-point titles); hovering a point still shows its
// summary and blocked time, fetched once from quarterly-points.json with
// the view's query, and the hostile summary stays text.
func TestQuarterlyCompactHoverInBrowser(t *testing.T) {
	t.Parallel()
	srv, _ := loadManyFixture(t)
	ctx := browsertest.Tab(t)
	eval := func(js string, opts ...chromedp.EvaluateOption) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, opts...))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	// Count the requests for the details (the page's own fetches).
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+manyURL), chromedp.WaitVisible(chromedp.CSS(`[data-testid="chart-leadtime"]`))); err != nil {
		t.Fatal(err)
	}
	if n := eval(`String(document.querySelectorAll('[data-testid="chart-leadtime"] path.chart-pts').length)`); n == "0" {
		t.Fatal("the scatterplot is not compact")
	}
	if n := eval(`String(document.querySelectorAll('[data-testid="chart-leadtime"] circle[data-label]').length)`); n != "0" {
		t.Fatalf("%s detailed points", n)
	}
	if d := eval(`document.querySelector('[data-testid="chart-leadtime"] path.chart-pts').getAttribute("data-details")`); d != "/teams/payments/boards/many/quarterly-points.json" {
		t.Errorf("data-details %q", d)
	}

	// The viewport position of a point by key: its path coordinates (as
	// chart.js reads them) through the SVG's screen matrix.
	locate := func(key string) (float64, float64) {
		t.Helper()
		// Scroll first and let the scroll event pass: it hides the tooltip.
		eval(`new Promise(function (done) {
			document.querySelector('[data-testid="chart-leadtime"]').scrollIntoView({block: "center"});
			requestAnimationFrame(function () { requestAnimationFrame(function () { done(""); }); });
		})`, chromedp.EvalAwaitPromise)
		p, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(function (key) {
			var paths = document.querySelectorAll('[data-testid="chart-leadtime"] path.chart-pts');
			for (var k = 0; k < paths.length; k++) {
				var path = paths[k], data = JSON.parse(path.getAttribute("data-points"));
				var pre = path.getAttribute("data-label-prefix") || "";
				var i = data.k.findIndex(function (l) { return pre + l === key; });
				if (i < 0) continue;
				var nums = path.getAttribute("d").match(/-?(?:\d+\.?\d*|\.\d+)/g).map(Number), x = 0, y = 0;
				for (var j = 0; j <= i; j++) {
					if (j === 0) { x = nums[0]; y = nums[1]; } else { x += nums[3 * j]; y += nums[3 * j + 1]; }
				}
				var svg = path.ownerSVGElement;
				var pt = svg.createSVGPoint();
				pt.x = x; pt.y = y;
				var s = pt.matrixTransform(svg.getScreenCTM());
				return [s.x, s.y];
			}
			return [];
		})(`+strconv.Quote(key)+`)`))
		if err != nil || len(p) != 2 {
			t.Fatalf("point %s: %v %v", key, p, err)
		}
		return p[0], p[1]
	}
	// tipAfter resolves with the tooltip's text once it contains want (the
	// details arrive asynchronously), or with what it shows after 5 s.
	tipAfter := func(want string) string {
		t.Helper()
		return eval(`new Promise(function (done) {
			var want = `+strconv.Quote(want)+`;
			function text() { var t = document.querySelector('[data-testid="chart-tip"]'); return t && !t.hidden ? t.textContent : ""; }
			if (text().indexOf(want) >= 0) return done(text());
			var obs = new MutationObserver(function () { if (text().indexOf(want) >= 0) { obs.disconnect(); done(text()); } });
			obs.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
			setTimeout(function () { obs.disconnect(); done(text()); }, 5000);
		})`, chromedp.EvalAwaitPromise)
	}

	x, y := locate(manySlowKey)
	if err := chromedp.Do(ctx, chromedp.MouseEvent(chromedp.MouseMoved, x, y, func(p *input.DispatchMouseEventParams) {})); err != nil {
		t.Fatal(err)
	}
	tip := tipAfter("Blocked")
	lines := strings.Split(tip, "\n")
	if len(lines) != 4 || lines[0] != manySlowKey+" · "+manySlowSummary || lines[1] != "60 calendar days" ||
		lines[3] != "Blocked: 2.0 calendar days (3% of the lead time)" {
		t.Errorf("tooltip %q", tip)
	}
	if n := eval(`String(document.querySelectorAll('[data-evil], .chart-tip img').length)`); n != "0" {
		t.Errorf("the summary became markup: %s elements", n)
	}
	screenshot := func(name string) {
		if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
			saveScreenshot(t, name, png)
		}
	}
	screenshot("quarterly-compact-hover.png")

	// Another point: its summary comes from the same, already fetched details.
	x, y = locate("MANY-3")
	if err := chromedp.Do(ctx, chromedp.MouseEvent(chromedp.MouseMoved, x, y, func(p *input.DispatchMouseEventParams) {})); err != nil {
		t.Fatal(err)
	}
	if tip := tipAfter("Item "); !strings.Contains(tip, " · Item ") || !strings.Contains(tip, "Blocked: 0.0 calendar days") {
		t.Errorf("second tooltip %q", tip)
	}
	if n := eval(`String(performance.getEntriesByType("resource").filter(function (e) { return e.name.indexOf("/quarterly-points.json") >= 0; }).length)`); n != "1" {
		t.Errorf("details fetched %s times, want once", n)
	}
}

// saveScreenshot writes a PNG to the temporary directory and to
// $VGER_SCREENSHOT_DIR when set.
func saveScreenshot(t *testing.T, name string, png []byte) {
	t.Helper()
	dirs := []string{os.TempDir()}
	if d := os.Getenv("VGER_SCREENSHOT_DIR"); d != "" {
		dirs = append(dirs, d)
	}
	for _, dir := range dirs {
		if err := os.WriteFile(filepath.Join(dir, "vger-"+name), png, 0o644); err != nil {
			t.Errorf("screenshot: %v", err)
		}
	}
}
