package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

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
