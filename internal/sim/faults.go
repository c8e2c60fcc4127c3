package sim

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultKind is one kind of misbehaviour the simulator can inject.
type FaultKind string

// Fault kinds accepted in a fault spec.
const (
	Fault429      FaultKind = "429"      // rate limited, with Retry-After
	Fault500      FaultKind = "500"      // internal error (vendor's JSON body)
	Fault502      FaultKind = "502"      // bad gateway (proxy's HTML body)
	Fault503      FaultKind = "503"      // unavailable, with Retry-After
	FaultSlow     FaultKind = "slow"     // answers normally after a delay
	FaultTimeout  FaultKind = "timeout"  // hangs for a delay, then 504
	FaultTruncate FaultKind = "truncate" // announces the full length, sends half, drops the connection
	FaultDup      FaultKind = "dup"      // a page repeats items from the previous page
)

// FaultRule is one entry of a fault spec: kind, probability per attempt, delay (slow/timeout).
type FaultRule struct {
	Kind  FaultKind
	P     float64
	Delay time.Duration
}

// maxFaultyAttempts: from this attempt of the same request on, no fault is injected, so a client
// that retries a handful of times always gets through and fault tests cannot loop forever.
const maxFaultyAttempts = 4

// ParseFaults reads a spec such as "429:0.05,500:0.02,slow:0.01:2s,truncate:0.005,dup:0.01".
func ParseFaults(spec string) ([]FaultRule, error) {
	var rules []FaultRule
	total := 0.0
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		f := strings.Split(part, ":")
		if len(f) < 2 || len(f) > 3 {
			return nil, fmt.Errorf("fault %q: want KIND:PROBABILITY[:DURATION]", part)
		}
		r := FaultRule{Kind: FaultKind(strings.ToLower(f[0]))}
		switch r.Kind {
		case Fault429, Fault500, Fault502, Fault503, FaultTruncate, FaultDup:
			if len(f) == 3 {
				return nil, fmt.Errorf("fault %q: %s takes no duration", part, r.Kind)
			}
		case FaultSlow:
			r.Delay = 2 * time.Second
		case FaultTimeout:
			r.Delay = 30 * time.Second
		default:
			return nil, fmt.Errorf("fault %q: unknown kind %q (want 429, 500, 502, 503, slow, timeout, truncate or dup)", part, f[0])
		}
		p, err := strconv.ParseFloat(f[1], 64)
		if err != nil || p < 0 || p > 1 {
			return nil, fmt.Errorf("fault %q: probability must be a number between 0 and 1", part)
		}
		r.P = p
		if len(f) == 3 {
			d, err := time.ParseDuration(f[2])
			if err != nil || d <= 0 {
				return nil, fmt.Errorf("fault %q: bad duration %q", part, f[2])
			}
			r.Delay = d
		}
		total += p
		rules = append(rules, r)
	}
	if total > 1 {
		return nil, fmt.Errorf("fault probabilities add up to %.3g, more than 1", total)
	}
	return rules, nil
}

// faults decides, per request, whether to misbehave. The decision is a hash of (seed, request,
// attempt): the same run always fails the same way, and a retry (the next attempt of the same
// request) rolls again, so it can succeed.
type faults struct {
	seed  int64
	rules []FaultRule

	mu       sync.Mutex
	attempts map[uint64]uint32
}

func newFaults(seed int64, rules []FaultRule) *faults {
	return &faults{seed: seed, rules: rules, attempts: map[uint64]uint32{}}
}

// requestKey identifies "the same request" across retries: method, path, sorted query, body.
func requestKey(r *http.Request, body []byte) uint64 {
	h := fnv.New64a()
	io.WriteString(h, r.Method)
	io.WriteString(h, " ")
	io.WriteString(h, r.URL.Path)
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		io.WriteString(h, "&"+k+"="+strings.Join(q[k], ","))
	}
	h.Write(body)
	return h.Sum64()
}

// decide returns the fault for this request (Kind "" = none) and the attempt number (0-based).
func (f *faults) decide(r *http.Request) (FaultRule, uint32) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	key := requestKey(r, body)
	f.mu.Lock()
	attempt := f.attempts[key]
	f.attempts[key] = attempt + 1
	f.mu.Unlock()
	if attempt >= maxFaultyAttempts {
		return FaultRule{}, attempt
	}
	u := unit(hash3(f.seed, streamFault, key^uint64(attempt)*0x9e3779b97f4a7c15))
	for _, rule := range f.rules {
		if u < rule.P {
			return rule, attempt
		}
		u -= rule.P
	}
	return FaultRule{}, attempt
}

// vendor writes one service's own response shapes for what the fault machinery produces. The
// JIRA modes implement it here; the GitHub half adds its own.
type vendor interface {
	// rateLimited answers 429 (or the vendor's equivalent) asking the client to wait.
	rateLimited(w http.ResponseWriter, retryAfter time.Duration, info rateInfo)
	// serverError answers 500/502/503/504 with the body the vendor (or its proxy) sends.
	serverError(w http.ResponseWriter, status int)
	// rateHeaders adds the rate-limit headers the vendor sends on every response, if any.
	rateHeaders(h http.Header, info rateInfo)
}

type dupKey struct{}

// dupFault reports whether the request was chosen to get a page with repeated items.
func dupFault(ctx context.Context) bool { v, _ := ctx.Value(dupKey{}).(bool); return v }

// guard wraps a vendor's handler with its rate limiter (nil = none) and the fault schedule.
func (s *Sim) guard(v vendor, lim *rateLimiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if lim != nil {
			now := s.opts.Wall()
			info := lim.take(now)
			v.rateHeaders(w.Header(), info)
			if !info.ok {
				v.rateLimited(w, info.retryAfter, info)
				return
			}
		}
		if s.faults == nil {
			next.ServeHTTP(w, r)
			return
		}
		rule, attempt := s.faults.decide(r)
		switch rule.Kind {
		case Fault429:
			retry := time.Duration(1+attempt+uint32(hash3(s.opts.Seed, streamFault, uint64(attempt))%3)) * time.Second
			v.rateLimited(w, retry, rateInfo{limit: 100, reset: s.opts.Wall().Add(retry), fault: true})
		case Fault500, Fault502, Fault503:
			code, _ := strconv.Atoi(string(rule.Kind))
			v.serverError(w, code)
		case FaultSlow:
			s.sleep(r.Context(), rule.Delay)
			next.ServeHTTP(w, r)
		case FaultTimeout:
			s.sleep(r.Context(), rule.Delay)
			v.serverError(w, http.StatusGatewayTimeout)
		case FaultTruncate:
			tw := &truncWriter{header: http.Header{}, status: http.StatusOK}
			next.ServeHTTP(tw, r)
			tw.send(w)
		case FaultDup:
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), dupKey{}, true)))
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// truncWriter captures a response so that only half of it is sent.
type truncWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (t *truncWriter) Header() http.Header         { return t.header }
func (t *truncWriter) WriteHeader(code int)        { t.status = code }
func (t *truncWriter) Write(b []byte) (int, error) { return t.body.Write(b) }

// send writes the headers with the full Content-Length, half the body, then aborts the
// connection: the client sees an unexpected EOF, as with a proxy dropping a response.
func (t *truncWriter) send(w http.ResponseWriter) {
	for k, v := range t.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(t.body.Len()))
	w.WriteHeader(t.status)
	w.Write(t.body.Bytes()[:t.body.Len()/2])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	panic(http.ErrAbortHandler)
}

// rateInfo is the limiter's state for one request.
type rateInfo struct {
	ok         bool
	fault      bool // a 429 fault, not the token bucket
	limit      int
	remaining  int
	fillRate   float64
	retryAfter time.Duration
	reset      time.Time
}

// rateLimiter is a token bucket of `rate` requests per second with a burst of one second's worth.
type rateLimiter struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newRateLimiter(rate float64, now time.Time) *rateLimiter {
	b := max(1, rate)
	return &rateLimiter{rate: rate, burst: b, tokens: b, last: now}
}

func (l *rateLimiter) take(now time.Time) rateInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el := now.Sub(l.last).Seconds(); el > 0 {
		l.tokens = min(l.burst, l.tokens+el*l.rate)
		l.last = now
	}
	info := rateInfo{limit: int(l.burst), fillRate: l.rate}
	if l.tokens >= 1 {
		l.tokens--
		info.ok = true
		info.remaining = int(l.tokens)
		info.reset = now
		return info
	}
	wait := time.Duration((1 - l.tokens) / l.rate * float64(time.Second))
	// Retry-After is whole seconds; round up so a client that honours it gets through.
	secs := (wait + time.Second - 1) / time.Second
	info.retryAfter = max(secs, 1) * time.Second
	info.reset = now.Add(info.retryAfter)
	return info
}
