package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/vger-dev/vger/internal/browsertest"
	"github.com/vger-dev/vger/internal/pgtest"
	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/static"
	"github.com/vger-dev/vger/web"
)

func TestMain(m *testing.M) {
	// Both harnesses: the browser closes before the database cluster stops.
	pgtest.Main(&browserClosing{m})
}

type browserClosing struct{ m *testing.M }

func (b *browserClosing) Run() int {
	code := b.m.Run()
	browsertest.Close()
	return code
}

func newServer(t *testing.T) (*web.Server, *store.Store) {
	t.Helper()
	st := pgtest.Store(t)
	s := web.New(st, slog.New(slog.DiscardHandler), nil)
	return s, st
}

func get(t *testing.T, h http.Handler, target string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func doc(t *testing.T, body string) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestHomeEmptyStateExplainsHowToAddATeam(t *testing.T) {
	t.Parallel()
	s, _ := newServer(t)
	res, body := get(t, s.Routes(), "/")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	d := doc(t, body)
	empty := d.Find(`[data-testid="empty-state"]`)
	if empty.Length() != 1 || !strings.Contains(empty.Text(), "make demo") || !strings.Contains(empty.Text(), "vger board add") {
		t.Fatalf("empty state missing or unhelpful: %q", empty.Text())
	}
}

func TestHomeListsTeamsEscaped(t *testing.T) {
	t.Parallel()
	s, st := newServer(t)
	ctx := context.Background()
	if _, err := st.CreateTeam(ctx, `<script>alert(1)</script> Payments`, "payments"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateTeam(ctx, "Apps", "apps"); err != nil {
		t.Fatal(err)
	}
	_, body := get(t, s.Routes(), "/")
	if strings.Contains(body, "<script>alert(1)") {
		t.Fatal("team name rendered unescaped")
	}
	teams := doc(t, body).Find(`[data-testid="team"]`)
	if teams.Length() != 2 {
		t.Fatalf("want 2 teams, got %d", teams.Length())
	}
	if first := strings.TrimSpace(teams.First().Find("h2").Text()); first != "<script>alert(1)</script> Payments" {
		// sorted by lower(name): "<" sorts before "a"
		t.Fatalf("first team %q", first)
	}
}

// A board shows its freshness: never synced; synced, with "data as of";
// and a failed sync after a good one shows the error and what to do,
// while the data stays.
func TestHomeShowsBoardFreshness(t *testing.T) {
	t.Parallel()
	s, st := newServer(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	team, err := st.CreateTeam(ctx, "Payments", "payments")
	if err != nil {
		t.Fatal(err)
	}
	mk := func(name string, jiraID int64) int64 {
		b, err := st.CreateBoard(ctx, store.Board{TeamID: team.ID, Name: name, Slug: strings.ToLower(name), JiraBoardID: jiraID,
			TimeZone: "UTC", DayMode: "working", LeadStart: 1, LeadEnd: 2, RollingWeeks: 12, FiscalYearStartMonth: 1,
			States: []store.BoardState{{Seq: 0, Name: "To Do", StatusIDs: []string{"1"}}, {Seq: 1, Name: "Doing", StatusIDs: []string{"3"}}, {Seq: 2, Name: "Done", StatusIDs: []string{"5"}}}})
		if err != nil {
			t.Fatal(err)
		}
		return b.ID
	}
	fresh, failing := mk("Fresh", 1), mk("Failing", 2)
	mk("New", 3)
	okAt := now.Add(-90 * time.Minute)
	sc := func(id int64) store.Scope { return store.Scope{Kind: "board", BoardID: id} }
	if err := st.RecordSyncResult(ctx, sc(fresh), okAt, "", nil); err != nil {
		t.Fatal(err)
	}
	st.RecordSyncResult(ctx, sc(failing), okAt, "", nil)
	st.RecordSyncResult(ctx, sc(failing), now.Add(-time.Minute), "JIRA refused the credentials (check JIRA_EMAIL + JIRA_API_TOKEN, or JIRA_PAT) (HTTP 401)", nil)

	_, body := get(t, s.Routes(), "/")
	d := doc(t, body)
	row := func(id int64) *goquery.Selection { return d.Find(fmt.Sprintf(`[data-board="%d"]`, id)) }
	if got := row(fresh).Find(`[data-testid="board-as-of"]`).Text(); !strings.Contains(got, "1 h ago (2026-11-27 10:30 UTC)") {
		t.Errorf("fresh board as of %q", got)
	}
	if row(fresh).Find(`[data-testid="board-error"]`).Length() != 0 {
		t.Error("fresh board shows an error")
	}
	errText := row(failing).Find(`[data-testid="board-error"]`).Text()
	if !strings.Contains(errText, "refused the credentials") || !strings.Contains(errText, "Check JIRA_EMAIL") {
		t.Errorf("failing board error %q", errText)
	}
	if got := row(failing).Find(`[data-testid="board-as-of"]`).Text(); !strings.Contains(got, "10:30") {
		t.Errorf("failing board lost its data-as-of: %q", got)
	}
	if got := d.Find(`[data-testid="board-row"]`).Last().Find(`[data-testid="board-as-of"]`).Text(); !strings.Contains(got, "not synced yet") {
		t.Errorf("new board: %q", got)
	}
}

func TestUnknownParameterIs400NamingIt(t *testing.T) {
	t.Parallel()
	s, _ := newServer(t)
	res, body := get(t, s.Routes(), "/?zoom=2&from=x")
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d", res.StatusCode)
	}
	if p := doc(t, body).Find(`[data-testid="error-param"]`).Text(); p != "from" {
		t.Fatalf("named parameter %q, want from", p)
	}
}

func TestNotFoundPage(t *testing.T) {
	t.Parallel()
	s, _ := newServer(t)
	res, body := get(t, s.Routes(), "/no/such/page")
	if res.StatusCode != 404 || doc(t, body).Find(`[data-testid="error-status"]`).Text() != "404" {
		t.Fatalf("status %d", res.StatusCode)
	}
}

func TestHealthReadyMetricsStatic(t *testing.T) {
	t.Parallel()
	s, _ := newServer(t)
	h := s.Routes()
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready"} {
		res, body := get(t, h, path)
		if res.StatusCode != 200 || strings.TrimSpace(body) != want {
			t.Errorf("%s: %d %q", path, res.StatusCode, body)
		}
	}
	get(t, h, "/")
	res, body := get(t, h, "/metrics")
	if res.StatusCode != 200 || !strings.Contains(body, `vger_http_request_duration_seconds_count{code="200",method="GET",route="home"}`) {
		t.Errorf("metrics: %d\n%s", res.StatusCode, body)
	}
	res, body = get(t, h, "/static/css/vger.css")
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "text/css") || !strings.Contains(body, "--accent") {
		t.Errorf("css: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res, _ := get(t, h, "/static/"); res.StatusCode != 404 {
		t.Errorf("directory listing: %d", res.StatusCode)
	}
	// Pages link the stylesheet by its content's version, which browsers
	// may keep for good; any other address of it only for an hour.
	_, home := get(t, h, "/")
	css := static.URL("css/vger.css")
	if !strings.Contains(css, "?v=") || !strings.Contains(home, `href="`+css+`"`) {
		t.Errorf("home does not link %s", css)
	}
	for url, want := range map[string]string{
		css:                           "public, max-age=31536000, immutable",
		"/static/css/vger.css":        "public, max-age=3600",
		"/static/css/vger.css?v=0000": "public, max-age=3600",
	} {
		if res, _ := get(t, h, url); res.StatusCode != 200 || res.Header.Get("Cache-Control") != want {
			t.Errorf("%s: %d, Cache-Control %q, want %q", url, res.StatusCode, res.Header.Get("Cache-Control"), want)
		}
	}
}

func TestReadyzRefusesOutdatedSchema(t *testing.T) {
	t.Parallel()
	st, err := store.Open(context.Background(), pgtest.EmptyDSN(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := web.New(st, nil, nil)
	res, body := get(t, s.Routes(), "/readyz")
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "vger migrate") {
		t.Fatalf("%d %q", res.StatusCode, body)
	}
}

func TestSecurityHeadersAndCrossOriginPost(t *testing.T) {
	t.Parallel()
	s, _ := newServer(t)
	h := s.Routes()
	res, _ := get(t, h, "/")
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("headers: %v", res.Header)
	}
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("x=1"))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d", rec.Code)
	}
}

func goqueryDoc(body string) (*goquery.Document, error) {
	return goquery.NewDocumentFromReader(strings.NewReader(body))
}
