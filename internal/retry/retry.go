// Package retry is the HTTP transport every source client (JIRA, GitHub)
// sends through: it paces requests with a shared budget, waits out rate
// limits (Retry-After, reset headers), retries server errors, timeouts and
// truncated bodies with exponential backoff and jitter, and never puts a
// credential in an error. Time and sleep are injected so tests never wait.
package retry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limiter paces requests; one per credential, shared by every worker (the
// sync layer backs it with Postgres). Wait blocks until a request may go.
type Limiter interface {
	Wait(ctx context.Context) error
}

// Observer hears about each attempt (for metrics and progress).
type Observer interface {
	Attempt(host string, status int, wait time.Duration, err error)
}

// Transport wraps a base RoundTripper. The zero value is not usable: set
// fields, or use New.
type Transport struct {
	Base        http.RoundTripper
	Limiter     Limiter // nil: unpaced
	MaxAttempts int     // per request, including the first
	MaxWait     time.Duration
	BaseDelay   time.Duration
	MaxDelay    time.Duration
	// Concurrency bounds requests in flight through this transport (0: no bound).
	Concurrency int
	// AttemptTimeout bounds one attempt, body included (0: none).
	AttemptTimeout time.Duration
	Now            func() time.Time
	Sleep          func(ctx context.Context, d time.Duration) error
	Rand           func() float64 // [0,1) for jitter
	Observer       Observer
	// Classify may mark extra responses as rate limits, with the wait they
	// ask for (GitHub's 403 with x-ratelimit-remaining: 0, say).
	Classify func(res *http.Response, body []byte, now time.Time) (limited bool, wait time.Duration)

	once sync.Once
	sem  chan struct{}
}

// New returns a transport with production defaults.
func New(base http.RoundTripper) *Transport {
	if base == nil {
		base = http.DefaultTransport
	}
	return &Transport{
		Base:           base,
		MaxAttempts:    8,
		MaxWait:        15 * time.Minute,
		BaseDelay:      500 * time.Millisecond,
		MaxDelay:       60 * time.Second,
		Concurrency:    4,
		AttemptTimeout: 2 * time.Minute,
	}
}

// SleepContext sleeps for d or until ctx ends.
func SleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (t *Transport) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func (t *Transport) sleep(ctx context.Context, d time.Duration) error {
	if t.Sleep != nil {
		return t.Sleep(ctx, d)
	}
	return SleepContext(ctx, d)
}

func (t *Transport) jitter() float64 {
	if t.Rand != nil {
		return t.Rand()
	}
	return rand.Float64()
}

// Error is a request that failed for good. It names the method, host and
// path, never the query string's secrets or a header.
type Error struct {
	Method, Host, Path string
	Status             int
	Attempts           int
	Body               string // the start of the last response body
	Err                error
	// Wait is how long the service asked to wait, when it refused for a
	// rate limit longer than MaxWait (the caller may come back then).
	Wait time.Duration
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s%s", e.Method, e.Host, e.Path)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// ErrRateLimited is wrapped when the limit's wait exceeds MaxWait.
var ErrRateLimited = errors.New("rate limited for longer than the allowed wait")

// RoundTrip sends req, retrying as described on the package. The response
// body it returns is fully read and buffered, so a truncated body is
// retried here rather than found later by a JSON decoder.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.once.Do(func() {
		if t.Concurrency > 0 {
			t.sem = make(chan struct{}, t.Concurrency)
		}
	})
	ctx := req.Context()
	maxAttempts := t.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = 1
	}
	start := t.now()
	var lastStatus int
	var lastBody []byte
	var lastErr error
	for attempt := 1; ; attempt++ {
		if t.Limiter != nil {
			if err := t.Limiter.Wait(ctx); err != nil {
				return nil, t.fail(req, 0, attempt, nil, err)
			}
		}
		res, body, err := t.once1(req, attempt)
		var wait time.Duration
		retry := false
		switch {
		case err != nil:
			if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
				err = fmt.Errorf("attempt timed out after %s: %w", t.AttemptTimeout, errTimeout)
			}
			if ctx.Err() != nil {
				return nil, t.fail(req, 0, attempt, nil, ctx.Err())
			}
			retry, wait = retryableNetErr(err), 0
			lastStatus, lastBody, lastErr = 0, nil, err
		default:
			lastStatus, lastBody, lastErr = res.StatusCode, body, nil
			limited, w := t.rateLimited(res, body)
			switch {
			case limited:
				retry, wait = true, w
			case res.StatusCode >= 500 || res.StatusCode == http.StatusRequestTimeout:
				retry, wait = true, retryAfter(res.Header, t.now())
			default:
				if t.Observer != nil {
					t.Observer.Attempt(req.URL.Host, res.StatusCode, 0, nil)
				}
				return res, nil
			}
		}
		if !retry || attempt >= maxAttempts {
			return nil, t.fail(req, lastStatus, attempt, lastBody, lastErr)
		}
		if wait <= 0 {
			wait = t.backoff(attempt)
		}
		if t.MaxWait > 0 && t.now().Add(wait).Sub(start) > t.MaxWait {
			err := t.fail(req, lastStatus, attempt, lastBody, fmt.Errorf("%w (%s asked)", ErrRateLimited, wait.Round(time.Second)))
			err.(*Error).Wait = wait
			return nil, err
		}
		if t.Observer != nil {
			t.Observer.Attempt(req.URL.Host, lastStatus, wait, lastErr)
		}
		if err := t.sleep(ctx, wait); err != nil {
			return nil, t.fail(req, lastStatus, attempt, lastBody, err)
		}
		if req.Body != nil && req.GetBody != nil {
			nb, err := req.GetBody()
			if err != nil {
				return nil, t.fail(req, 0, attempt, nil, err)
			}
			req = req.Clone(ctx)
			req.Body = nb
		}
	}
}

// once1 sends one attempt and reads the whole body.
func (t *Transport) once1(req *http.Request, attempt int) (*http.Response, []byte, error) {
	if t.sem != nil {
		select {
		case t.sem <- struct{}{}:
		case <-req.Context().Done():
			return nil, nil, req.Context().Err()
		}
		defer func() { <-t.sem }()
	}
	r := req
	if attempt > 1 && req.Body != nil && req.GetBody == nil {
		return nil, nil, errors.New("request body cannot be replayed")
	}
	if t.AttemptTimeout > 0 {
		ctx, cancel := context.WithTimeout(req.Context(), t.AttemptTimeout)
		defer cancel()
		r = req.WithContext(ctx)
	}
	res, err := t.Base.RoundTrip(r)
	if err != nil {
		return nil, nil, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, nil, fmt.Errorf("read body: %w", err)
	}
	if res.ContentLength > 0 && int64(len(body)) != res.ContentLength {
		return nil, nil, fmt.Errorf("read body: %w", io.ErrUnexpectedEOF)
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	return res, body, nil
}

func (t *Transport) rateLimited(res *http.Response, body []byte) (bool, time.Duration) {
	now := t.now()
	if t.Classify != nil {
		if limited, w := t.Classify(res, body, now); limited {
			return true, w
		}
	}
	if res.StatusCode == http.StatusTooManyRequests {
		w := retryAfter(res.Header, now)
		if w <= 0 {
			w = resetWait(res.Header, now)
		}
		return true, w
	}
	return false, 0
}

// backoff is exponential with full jitter, capped: attempt 1 waits up to
// BaseDelay, attempt 2 up to 2×BaseDelay, ...
func (t *Transport) backoff(attempt int) time.Duration {
	base := t.BaseDelay
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	maxd := t.MaxDelay
	if maxd <= 0 {
		maxd = time.Minute
	}
	d := float64(base) * math.Pow(2, float64(attempt-1))
	if d > float64(maxd) {
		d = float64(maxd)
	}
	// Half fixed, half random: never zero, never synchronised.
	return time.Duration(d/2 + d/2*t.jitter())
}

func (t *Transport) fail(req *http.Request, status, attempts int, body []byte, err error) error {
	e := &Error{Method: req.Method, Host: req.URL.Host, Path: req.URL.Path, Status: status, Attempts: attempts, Err: err}
	if len(body) > 0 {
		s := string(body)
		if len(s) > 300 {
			s = s[:300] + "..."
		}
		e.Body = s
	}
	if t.Observer != nil {
		t.Observer.Attempt(req.URL.Host, status, 0, e)
	}
	return e
}

// MaxHeaderWait bounds the wait a server's headers can ask for. A longer
// one (or a number that overflows a Duration, which would turn negative)
// is not believed: a worker's job snoozed for it would stop the board's
// syncs for as long.
const MaxHeaderWait = 24 * time.Hour

// clampWait keeps a wait within [0, MaxHeaderWait]; 0 means "use the backoff".
func clampWait(d time.Duration) time.Duration { return min(max(d, 0), MaxHeaderWait) }

// retryAfter reads Retry-After (seconds or an HTTP date).
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n >= 0 {
		if n >= MaxHeaderWait.Seconds() {
			return MaxHeaderWait
		}
		return time.Duration(n * float64(time.Second))
	}
	if at, err := http.ParseTime(v); err == nil {
		return clampWait(at.Sub(now))
	}
	return 0
}

// resetWait reads JIRA's X-RateLimit-Reset (2006-01-02T15:04Z) or GitHub's
// x-ratelimit-reset (Unix seconds).
func resetWait(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("X-RateLimit-Reset"))
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		d := time.Unix(n, 0).Sub(now) // saturates: adding to it could overflow
		if d >= MaxHeaderWait {
			return MaxHeaderWait
		}
		return clampWait(d + time.Second)
	}
	for _, layout := range []string{"2006-01-02T15:04Z", time.RFC3339, "2006-01-02T15:04:05Z"} {
		if at, err := time.Parse(layout, v); err == nil {
			return clampWait(at.Sub(now))
		}
	}
	return 0
}

// ResetWait is resetWait for callers that classify their own limits.
func ResetWait(h http.Header, now time.Time) time.Duration { return resetWait(h, now) }

// RetryAfter is retryAfter for callers that classify their own limits.
func RetryAfter(h http.Header, now time.Time) time.Duration { return retryAfter(h, now) }

var errTimeout = errors.New("timeout")

func retryableNetErr(err error) bool {
	if errors.Is(err, errTimeout) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return true // refused, reset: the service or network may come back
	}
	s := err.Error()
	return strings.Contains(s, "connection reset") || strings.Contains(s, "broken pipe") || strings.Contains(s, "read body")
}

// Redact removes the query string from the URL that net/http's client puts
// in its errors (a query may carry a token); other errors pass unchanged.
func Redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if inner := (*Error)(nil); errors.As(ue.Err, &inner) {
			return inner // already names method, host and path
		}
		u, perr := url.Parse(ue.URL)
		if perr != nil {
			return ue.Err
		}
		u.RawQuery, u.User = "", nil
		return &url.Error{Op: ue.Op, URL: u.String(), Err: ue.Err}
	}
	return err
}
