package retry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock records sleeps instead of waiting.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}

func newTransport(c *fakeClock) *Transport {
	t := New(nil)
	t.Now, t.Sleep = c.Now, c.Sleep
	t.Rand = func() float64 { return 0.5 }
	return t
}

// script serves the given responses in order, then 200 "ok".
func script(t *testing.T, steps ...func(w http.ResponseWriter, r *http.Request)) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i < len(steps) {
			steps[i](w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "ok %s", body)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func status(code int, headers ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(code)
		io.WriteString(w, `{"errorMessages":["no"]}`)
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	truncated := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		io.WriteString(w, `{"issues":[`)
	}
	cases := []struct {
		name      string
		steps     []func(http.ResponseWriter, *http.Request)
		wantCalls int32
		wantSleep []time.Duration
	}{
		// Retry-After in seconds is honoured exactly.
		{"429 retry-after", []func(http.ResponseWriter, *http.Request){status(429, "Retry-After", "7")}, 2, []time.Duration{7 * time.Second}},
		// JIRA's X-RateLimit-Reset (minute precision) without Retry-After: wait until then.
		{"429 reset header", []func(http.ResponseWriter, *http.Request){status(429, "X-RateLimit-Reset", "2026-03-02T10:03Z")}, 2, []time.Duration{3 * time.Minute}},
		// 503 with Retry-After.
		{"503 retry-after", []func(http.ResponseWriter, *http.Request){status(503, "Retry-After", "2")}, 2, []time.Duration{2 * time.Second}},
		// Two 500s: backoff 500ms then 1s, each half fixed + half × jitter(0.5) = 0.75 × nominal.
		{"500 backoff", []func(http.ResponseWriter, *http.Request){status(500), status(502)}, 3, []time.Duration{375 * time.Millisecond, 750 * time.Millisecond}},
		// A body shorter than its Content-Length is retried like a 5xx.
		{"truncated body", []func(http.ResponseWriter, *http.Request){truncated}, 2, []time.Duration{375 * time.Millisecond}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := &fakeClock{now: start}
			srv, calls := script(t, tc.steps...)
			client := &http.Client{Transport: newTransport(clk)}
			res, err := client.Post(srv.URL+"/rest/api/3/search/jql", "application/json", strings.NewReader(`{"jql":"x"}`))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			if string(body) != `ok {"jql":"x"}` {
				t.Fatalf("body %q (request body must be replayed on retry)", body)
			}
			if calls.Load() != tc.wantCalls {
				t.Fatalf("calls %d, want %d", calls.Load(), tc.wantCalls)
			}
			if fmt.Sprint(clk.sleeps) != fmt.Sprint(tc.wantSleep) {
				t.Fatalf("sleeps %v, want %v", clk.sleeps, tc.wantSleep)
			}
		})
	}
}

func TestGivesUpWithCleanError(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{now: time.Unix(0, 0)}
	srv, calls := script(t, status(500), status(500), status(500), status(500))
	tr := newTransport(clk)
	tr.MaxAttempts = 3
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/rest/api/3/myself?token=canary-123", nil)
	req.Header.Set("Authorization", "Bearer canary-123")
	_, err := (&http.Client{Transport: tr}).Do(req)
	err = Redact(err)
	var re *Error
	if !errors.As(err, &re) || re.Status != 500 || re.Attempts != 3 || calls.Load() != 3 {
		t.Fatalf("err %v (calls %d)", err, calls.Load())
	}
	if strings.Contains(err.Error(), "canary-123") {
		t.Fatalf("credential in error: %v", err)
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{}
	srv, calls := script(t, status(401), status(200))
	res, err := (&http.Client{Transport: newTransport(clk)}).Get(srv.URL)
	if err != nil || res.StatusCode != 401 || calls.Load() != 1 {
		t.Fatalf("res %v err %v calls %d", res, err, calls.Load())
	}
}

func TestRateLimitLongerThanMaxWaitFails(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{}
	srv, _ := script(t, status(429, "Retry-After", "3600"))
	tr := newTransport(clk)
	tr.MaxWait = time.Minute
	_, err := (&http.Client{Transport: tr}).Get(srv.URL)
	if !errors.Is(err, ErrRateLimited) {
		t.Fatalf("err %v", err)
	}
}

func TestClassifyHookForGitHub403(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	srv, _ := script(t, status(403, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "1700000060"))
	tr := newTransport(clk)
	tr.Classify = func(res *http.Response, body []byte, now time.Time) (bool, time.Duration) {
		if res.StatusCode == 403 && res.Header.Get("X-RateLimit-Remaining") == "0" {
			return true, ResetWait(res.Header, now)
		}
		return false, 0
	}
	res, err := (&http.Client{Transport: tr}).Get(srv.URL)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("%v %v", res, err)
	}
	if len(clk.sleeps) != 1 || clk.sleeps[0] != 61*time.Second {
		t.Fatalf("sleeps %v, want [61s]", clk.sleeps)
	}
}

type countingLimiter struct{ n atomic.Int32 }

func (l *countingLimiter) Wait(ctx context.Context) error { l.n.Add(1); return nil }

func TestLimiterPacesEveryAttempt(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{}
	srv, _ := script(t, status(500))
	tr := newTransport(clk)
	lim := &countingLimiter{}
	tr.Limiter = lim
	if _, err := (&http.Client{Transport: tr}).Get(srv.URL); err != nil {
		t.Fatal(err)
	}
	if lim.n.Load() != 2 {
		t.Fatalf("limiter asked %d times, want 2", lim.n.Load())
	}
}

func TestCancelStops(t *testing.T) {
	t.Parallel()
	srv, _ := script(t, status(500), status(500))
	tr := New(nil) // real sleep: cancellation must cut it short
	tr.BaseDelay = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	_, err := (&http.Client{Transport: tr}).Do(req)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
}
