package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/pgtest"
	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web"
)

var generatedID = regexp.MustCompile(`^[0-9a-f]{16}$`)

func send(h http.Handler, req *http.Request) (*http.Response, string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// Every request has an id: a well-formed incoming X-Request-Id is kept,
// anything else replaced; it is sent back, is in every log line of the
// request and on the 500 page.
func TestRequestIDs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.DSN(t), store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	s := web.New(st, slog.New(slog.NewJSONHandler(&logs, nil)), nil)
	h := s.Routes()

	withID := func(id string) *http.Request {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if id != "" {
			req.Header.Set(web.RequestIDHeader, id)
		}
		return req
	}
	for _, id := range []string{"lb-1234abcd", "0f8fad5b-d9cb-469f-a165-70867728950e", "host.example/abc-000042"} {
		res, _ := send(h, withID(id))
		if res.StatusCode != 200 || res.Header.Get(web.RequestIDHeader) != id {
			t.Errorf("incoming %q: status %d, id %q", id, res.StatusCode, res.Header.Get(web.RequestIDHeader))
		}
	}
	seen := map[string]bool{}
	for _, id := range []string{"", "has space", strings.Repeat("a", 65), "<script>alert(1)</script>", "ü", "a\x00b", "a;b"} {
		res, _ := send(h, withID(id))
		got := res.Header.Get(web.RequestIDHeader)
		if !generatedID.MatchString(got) || seen[got] {
			t.Errorf("incoming %q: id %q (want a new 16-hex id)", id, got)
		}
		seen[got] = true
	}

	// The database goes away: the 500 page and every log line carry the id.
	st.Close()
	logs.Reset()
	res, body := send(h, withID("trace-500"))
	if res.StatusCode != 500 || res.Header.Get(web.RequestIDHeader) != "trace-500" {
		t.Fatalf("status %d id %q", res.StatusCode, res.Header.Get(web.RequestIDHeader))
	}
	if !strings.Contains(body, "quote this request id") || !strings.Contains(doc(t, body).Find(`[data-testid="error-request-id"] code`).Text(), "trace-500") {
		t.Fatalf("500 page lacks the id:\n%s", errorText(body))
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) < 2 {
		t.Fatalf("want the error and the request lines, got:\n%s", logs.String())
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		if m["request_id"] != "trace-500" {
			t.Errorf("log line without the request id: %s", l)
		}
		if strings.Count(l, `"request_id"`) != 1 {
			t.Errorf("request id twice: %s", l)
		}
	}
	// A 404 shows its id too, without the plea.
	req := httptest.NewRequest(http.MethodGet, "/no/such/page", nil)
	req.Header.Set(web.RequestIDHeader, "trace-404")
	res, body = send(h, req)
	if res.StatusCode != 404 || !strings.Contains(body, "trace-404") || strings.Contains(body, "quote this") {
		t.Fatalf("404: %d %s", res.StatusCode, errorText(body))
	}
}

// Query strings over 8 KiB get a 414 page naming the limit; bodies over
// 1 MiB a 413, announced or not.
func TestRequestSizeLimits(t *testing.T) {
	t.Parallel()
	s, _ := newServer(t)
	h := s.Routes()

	res, body := send(h, httptest.NewRequest(http.MethodGet, "/?q="+strings.Repeat("a", web.MaxQueryBytes), nil))
	if res.StatusCode != http.StatusRequestURITooLong || !strings.Contains(body, "8 KiB") || !strings.Contains(body, "8192") {
		t.Fatalf("long query: %d %s", res.StatusCode, errorText(body))
	}
	res, _ = send(h, httptest.NewRequest(http.MethodGet, "/?q="+strings.Repeat("a", web.MaxQueryBytes-2), nil))
	if res.StatusCode == http.StatusRequestURITooLong {
		t.Fatal("a query string at the limit was refused")
	}

	big := url.Values{"name": {strings.Repeat("x", web.MaxBodyBytes)}}.Encode()
	form := func(body string, chunked bool) *http.Request {
		req := httptest.NewRequest(http.MethodPost, "/teams", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if chunked {
			req.ContentLength = -1
		}
		return req
	}
	for _, chunked := range []bool{false, true} {
		res, body := send(h, form(big, chunked))
		if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "1 MiB") {
			t.Errorf("large form (chunked %v): %d %s", chunked, res.StatusCode, errorText(body))
		}
	}
	res, body = send(h, form(url.Values{"name": {"Small team"}, "slug": {"small"}}.Encode(), true))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("small form: %d %s", res.StatusCode, errorText(body))
	}
}

// /metrics exports each board's data age at scrape time, by the injected
// clock: since its last good sync, or since it was added.
func TestMetricsBoardStaleness(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, st := newServer(t)
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	team, err := st.CreateTeam(ctx, "Payments", "payments")
	if err != nil {
		t.Fatal(err)
	}
	synced, err := st.CreateBoard(ctx, store.Board{TeamID: team.ID, Name: "Checkout", Slug: "checkout", JiraBoardID: 1, LeadEnd: 1, RollingWeeks: 12, FiscalYearStartMonth: 1, DayMode: "working"})
	if err != nil {
		t.Fatal(err)
	}
	never, err := st.CreateBoard(ctx, store.Board{TeamID: team.ID, Name: "Refunds", Slug: "refunds", JiraBoardID: 2, LeadEnd: 1, RollingWeeks: 12, FiscalYearStartMonth: 1, DayMode: "working"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE sync_state SET last_ok_at = $2, last_error = 'boom', last_error_at = $3 WHERE board_id = $1`,
		synced.ID, now.Add(-90*time.Minute), now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE boards SET created_at = $2 WHERE id = $1`, never.ID, now.Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	res, body := get(t, s.Routes(), "/metrics")
	if res.StatusCode != 200 {
		t.Fatalf("/metrics: %d", res.StatusCode)
	}
	for _, want := range []string{
		fmt.Sprintf(`vger_board_data_age_seconds{board="payments/checkout",board_id="%d"} 5400`, synced.ID),
		fmt.Sprintf(`vger_board_data_age_seconds{board="payments/refunds",board_id="%d"} 7200`, never.ID),
		fmt.Sprintf(`vger_board_sync_failing{board="payments/checkout",board_id="%d"} 1`, synced.ID),
		fmt.Sprintf(`vger_board_sync_failing{board="payments/refunds",board_id="%d"} 0`, never.ID),
		fmt.Sprintf(`vger_board_last_sync_success_timestamp_seconds{board="payments/checkout",board_id="%d"} %g`, synced.ID, float64(now.Add(-90*time.Minute).Unix())),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, `vger_board_last_sync_success_timestamp_seconds{board="payments/refunds"`) {
		t.Error("a board that never synced has a last-success time")
	}
	// The database away: the scrape still answers, without board series.
	st.Close()
	res, body = get(t, s.Routes(), "/metrics")
	if res.StatusCode != 200 || strings.Contains(body, "vger_board_data_age_seconds{") || !strings.Contains(body, "vger_http_request_duration_seconds") {
		t.Fatalf("/metrics without a database: %d", res.StatusCode)
	}
}
