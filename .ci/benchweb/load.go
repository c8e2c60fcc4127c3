package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// target is one URL of the load and its class (the report groups by class).
type target struct {
	class string
	path  string
}

// result is one request as the client saw it.
type result struct {
	class  string
	status int
	bytes  int64
	d      time.Duration
	err    error
}

// stats summarises results.
type stats struct {
	n, errors  int
	p50, p95   time.Duration
	p99, max   time.Duration
	bytes      int64
	firstError string
}

func summarise(rs []result) stats {
	var s stats
	var ds []time.Duration
	for _, r := range rs {
		s.n++
		s.bytes += r.bytes
		if r.err != nil || r.status != http.StatusOK {
			s.errors++
			if s.firstError == "" {
				if r.err != nil {
					s.firstError = r.err.Error()
				} else {
					s.firstError = fmt.Sprintf("HTTP %d", r.status)
				}
			}
			continue
		}
		ds = append(ds, r.d)
	}
	if len(ds) == 0 {
		return s
	}
	slices.Sort(ds)
	q := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	s.p50, s.p95, s.p99, s.max = q(0.50), q(0.95), q(0.99), ds[len(ds)-1]
	return s
}

func (s stats) String() string {
	out := fmt.Sprintf("n=%d p50=%s p95=%s p99=%s max=%s errors=%d", s.n, ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max), s.errors)
	if s.firstError != "" {
		out += " (first: " + s.firstError + ")"
	}
	return out
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0fms", float64(d.Microseconds())/1000) }

// byClass groups results by class, in a stable order.
func byClass(rs []result) ([]string, map[string][]result) {
	m := map[string][]result{}
	for _, r := range rs {
		m[r.class] = append(m[r.class], r)
	}
	var names []string
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names, m
}

// newClient makes an HTTP client with room for conns keep-alive
// connections to the server, each dialled once.
func newClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 2 * time.Minute,
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			MaxConnsPerHost:     conns,
			DisableCompression:  true,
		},
	}
}

func fetch(ctx context.Context, c *http.Client, base string, t target) result {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+t.path, nil)
	if err != nil {
		return result{class: t.class, err: err}
	}
	resp, err := c.Do(req)
	if err != nil {
		return result{class: t.class, err: err, d: time.Since(start)}
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	r := result{class: t.class, status: resp.StatusCode, bytes: n, d: time.Since(start), err: err}
	if r.status != http.StatusOK && r.err == nil {
		r.err = fmt.Errorf("HTTP %d for %s", r.status, shorten(t.path))
	}
	return r
}

func shorten(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}

// run sends the targets, in order, from `clients` concurrent clients (each
// its own keep-alive connection), until every target was sent once or
// the duration passed (0: no limit). It returns the results and the wall
// time.
func run(ctx context.Context, base string, targets []target, clients int, d time.Duration) ([]result, time.Duration) {
	c := newClient(clients)
	defer c.CloseIdleConnections()
	if d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	var next atomic.Int64
	var mu sync.Mutex
	var out []result
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []result
			for {
				i := next.Add(1) - 1
				if int(i) >= len(targets) || ctx.Err() != nil {
					break
				}
				r := fetch(ctx, c, base, targets[i])
				if ctx.Err() != nil && r.err != nil && strings.Contains(r.err.Error(), "context deadline") {
					break // the phase ended mid-request: not a server error
				}
				mine = append(mine, r)
			}
			mu.Lock()
			out = append(out, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out, time.Since(start)
}
