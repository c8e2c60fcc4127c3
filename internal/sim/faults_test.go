package sim

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseFaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		spec    string
		want    []FaultRule
		wantErr string
	}{
		{spec: "", want: nil},
		{spec: "429:0.05,500:0.02,slow:0.01:2s,truncate:0.005,dup:0.01", want: []FaultRule{
			{Fault429, 0.05, 0}, {Fault500, 0.02, 0}, {FaultSlow, 0.01, 2 * time.Second}, {FaultTruncate, 0.005, 0}, {FaultDup, 0.01, 0}}},
		{spec: "timeout:0.1", want: []FaultRule{{FaultTimeout, 0.1, 30 * time.Second}}},
		{spec: " 502:0.5 , 503:0.5 ", want: []FaultRule{{Fault502, 0.5, 0}, {Fault503, 0.5, 0}}},
		{spec: "418:0.1", wantErr: "unknown kind"},
		{spec: "500", wantErr: "KIND:PROBABILITY"},
		{spec: "500:1.5", wantErr: "between 0 and 1"},
		{spec: "500:x", wantErr: "between 0 and 1"},
		{spec: "slow:0.1:soon", wantErr: "bad duration"},
		{spec: "500:0.1:2s", wantErr: "takes no duration"},
		{spec: "500:0.6,503:0.6", wantErr: "more than 1"},
	} {
		got, err := ParseFaults(tc.spec)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: error %v, want %q", tc.spec, err, tc.wantErr)
			}
			continue
		}
		if err != nil || len(got) != len(tc.want) {
			t.Errorf("%q: %v %v", tc.spec, got, err)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%q rule %d: %+v want %+v", tc.spec, i, got[i], tc.want[i])
			}
		}
	}
}

// codes sends the same request repeatedly and returns the status codes.
func codes(t *testing.T, s *Sim, target string, n int) []int {
	var out []int
	for range n {
		out = append(out, call(t, s.Handler(), "GET", target, "", basicAuth).Code)
	}
	return out
}

// TestRetriedRequestSucceeds: faults are rolled per attempt, so a retry can succeed; the same
// seed fails the same way every run; from the fifth attempt on a request always succeeds.
func TestRetriedRequestSucceeds(t *testing.T) {
	t.Parallel()
	always, _ := New(Options{Seed: 1, Issues: 50, Faults: "500:1"})
	got := codes(t, always, "/jira/rest/api/3/myself", 6)
	if want := []int{500, 500, 500, 500, 200, 200}; !slicesEqual(got, want) {
		t.Fatalf("codes %v, want %v", got, want)
	}
	run := func() []int {
		s, _ := New(Options{Seed: 4, Issues: 50, Faults: "429:0.2,500:0.2,503:0.2"})
		var all []int
		for k := range 20 {
			target := "/jira/rest/api/3/search/jql?jql=project%3DPLAT&maxResults=" + strconv.Itoa(k+1)
			cs := codes(t, s, target, maxFaultyAttempts+1)
			if cs[len(cs)-1] != 200 {
				t.Fatalf("%s never succeeded: %v", target, cs)
			}
			all = append(all, cs...)
		}
		return all
	}
	a, b := run(), run()
	if !slicesEqual(a, b) {
		t.Fatalf("fault schedule differs between runs:\n%v\n%v", a, b)
	}
	failedThenOK := 0
	for i := 0; i+1 < len(a); i++ {
		if a[i] != 200 && a[i+1] == 200 {
			failedThenOK++
		}
	}
	if failedThenOK == 0 {
		t.Fatalf("no failure followed by a successful retry: %v", a)
	}
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFaultShapes(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var slept []time.Duration
	sleep := func(d time.Duration) { mu.Lock(); slept = append(slept, d); mu.Unlock() }
	for _, tc := range []struct {
		spec, mode string
		code       int
		check      func(t *testing.T, h http.Header, body string)
		sleep      time.Duration
	}{
		{spec: "429:1", code: 429, check: func(t *testing.T, h http.Header, body string) {
			if _, err := time.Parse("2006-01-02T15:04Z", h.Get("X-RateLimit-Reset")); err != nil || h.Get("Retry-After") == "" {
				t.Errorf("429 headers %v", h)
			}
		}},
		{spec: "500:1", code: 500, check: func(t *testing.T, h http.Header, body string) {
			if !strings.Contains(body, `"errorMessages"`) {
				t.Errorf("500 body %s", body)
			}
		}},
		{spec: "502:1", code: 502, check: func(t *testing.T, h http.Header, body string) {
			if !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
				t.Errorf("502 is the proxy's HTML, got %v", h)
			}
		}},
		{spec: "503:1", code: 503, check: func(t *testing.T, h http.Header, body string) {
			if h.Get("Retry-After") == "" {
				t.Errorf("503 without Retry-After")
			}
		}},
		{spec: "slow:1:3s", code: 200, sleep: 3 * time.Second},
		{spec: "timeout:1:45s", code: 504, sleep: 45 * time.Second},
		{spec: "429:1", mode: ModeDataCenter, code: 429, check: func(t *testing.T, h http.Header, body string) {
			if h.Get("X-RateLimit-FillRate") == "" || h.Get("X-RateLimit-Interval-Seconds") == "" || h.Get("Retry-After") == "" {
				t.Errorf("DC 429 headers %v", h)
			}
		}},
	} {
		mu.Lock()
		slept = nil
		mu.Unlock()
		s, _ := New(Options{Seed: 1, Issues: 50, Faults: tc.spec, Mode: tc.mode, Sleep: sleep})
		w := call(t, s.Handler(), "GET", "/jira/rest/api/2/myself", "", basicAuth)
		if w.Code != tc.code {
			t.Errorf("%s: code %d want %d", tc.spec, w.Code, tc.code)
		}
		if tc.check != nil {
			tc.check(t, w.Header(), w.Body.String())
		}
		mu.Lock()
		if tc.sleep > 0 && (len(slept) != 1 || slept[0] != tc.sleep) {
			t.Errorf("%s: slept %v, want %v", tc.spec, slept, tc.sleep)
		}
		mu.Unlock()
	}
}

// TestTruncatedBody: the client is promised the full length and gets half, then EOF.
func TestTruncatedBody(t *testing.T) {
	t.Parallel()
	_, base := serve(t, Options{Seed: 1, Issues: 200, Faults: "truncate:1"})
	req, _ := http.NewRequest("GET", base+"rest/api/3/search/jql?jql=project%3DPLAT&fields=*all", nil)
	req.SetBasicAuth("demo@example.com", "sim-jira-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, err = io.ReadAll(resp.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("want unexpected EOF, got %v (length %d)", err, resp.ContentLength)
	}
}

// TestDuplicatePage: a "dup" fault makes a page repeat items of the previous one.
func TestDuplicatePage(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{Seed: 1, Issues: 400, Faults: "dup:1"})
	type page struct {
		Issues []struct {
			ID string `json:"id"`
		} `json:"issues"`
		NextPageToken string `json:"nextPageToken"`
	}
	read := func(target string) page {
		var p page
		w := call(t, s.Handler(), "GET", target, "", basicAuth)
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	first := read("/jira/rest/api/3/search/jql?jql=project%3DPLAT&maxResults=10")
	second := read("/jira/rest/api/3/search/jql?jql=project%3DPLAT&maxResults=10&nextPageToken=" + first.NextPageToken)
	seen := map[string]bool{}
	for _, is := range first.Issues {
		seen[is.ID] = true
	}
	if len(second.Issues) == 0 || !seen[second.Issues[0].ID] {
		t.Fatalf("second page does not repeat the first page's tail: %v / %v", first.Issues, second.Issues)
	}
}

// TestRateLimit: --rate N answers 429 with Retry-After and X-RateLimit-Reset beyond N requests
// per second, and a client that honours Retry-After gets everything through at that rate.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	wall := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return wall }
	s, _ := New(Options{Seed: 1, Issues: 50, Rate: 5, Wall: clock})
	h := s.Handler()
	var got []int
	for range 7 {
		got = append(got, call(t, h, "GET", "/jira/rest/api/3/myself", "", basicAuth).Code)
	}
	if want := []int{200, 200, 200, 200, 200, 429, 429}; !slicesEqual(got, want) {
		t.Fatalf("codes %v, want %v", got, want)
	}
	w := call(t, h, "GET", "/jira/rest/api/3/myself", "", basicAuth)
	if w.Header().Get("Retry-After") != "1" || w.Header().Get("X-RateLimit-Reset") != "2026-01-05T10:00Z" || w.Header().Get("RateLimit-Reason") == "" {
		t.Fatalf("429 headers %v", w.Header())
	}
	// A well-behaved client: on 429 it waits Retry-After (the injected wall clock moves).
	start := clock()
	for range 100 {
		for {
			w := call(t, h, "GET", "/jira/rest/api/3/serverInfo", "", basicAuth)
			if w.Code == 200 {
				break
			}
			secs, _ := strconv.Atoi(w.Header().Get("Retry-After"))
			mu.Lock()
			wall = wall.Add(time.Duration(secs) * time.Second)
			mu.Unlock()
		}
	}
	elapsed := clock().Sub(start)
	rate := 100 / elapsed.Seconds()
	t.Logf("100 requests in %s of simulated wall time: %.1f req/s", elapsed, rate)
	if rate > 5*1.25 || rate < 5*0.5 {
		t.Fatalf("effective rate %.2f req/s, want about 5", rate)
	}
}

// TestRateHeadersDataCenter: with rate limiting on, Data Center reports its bucket on every response.
func TestRateHeadersDataCenter(t *testing.T) {
	t.Parallel()
	wall := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	s, _ := New(Options{Seed: 1, Issues: 50, Rate: 10, Mode: ModeDataCenter, Wall: func() time.Time { return wall }})
	w := call(t, s.Handler(), "GET", "/jira/rest/api/2/myself", "", basicAuth)
	if w.Code != 200 || w.Header().Get("X-RateLimit-Limit") != "10" || w.Header().Get("X-RateLimit-Remaining") != "9" || w.Header().Get("X-RateLimit-FillRate") != "10" {
		t.Fatalf("%d %v", w.Code, w.Header())
	}
}
