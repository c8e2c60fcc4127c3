package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// histograms holds the server's vger_http_request_duration_seconds
// buckets per route (codes and methods summed): cumulative counts by upper
// bound.
type histograms map[string]map[float64]float64

func scrape(base string) (histograms, error) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return parseHistograms(resp.Body)
}

func parseHistograms(r io.Reader) (histograms, error) {
	h := histograms{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	const name = "vger_http_request_duration_seconds_bucket{"
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name) {
			continue
		}
		labels, value, ok := strings.Cut(line[len(name):], "} ")
		if !ok {
			continue
		}
		var route, le string
		for _, kv := range strings.Split(labels, ",") {
			k, v, _ := strings.Cut(kv, "=")
			v = strings.Trim(v, `"`)
			switch k {
			case "route":
				route = v
			case "le":
				le = v
			}
		}
		bound := math.Inf(1)
		if le != "+Inf" {
			b, err := strconv.ParseFloat(le, 64)
			if err != nil {
				return nil, err
			}
			bound = b
		}
		n, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return nil, err
		}
		if h[route] == nil {
			h[route] = map[float64]float64{}
		}
		h[route][bound] += n
	}
	return h, sc.Err()
}

// sub is what happened between two scrapes.
func (h histograms) sub(before histograms) histograms {
	out := histograms{}
	for route, bs := range h {
		out[route] = map[float64]float64{}
		for b, n := range bs {
			out[route][b] = n - before[route][b]
		}
	}
	return out
}

// quantile interpolates within buckets, as Prometheus' histogram_quantile.
func (h histograms) quantile(route string, q float64) (time.Duration, float64) {
	bs := h[route]
	var bounds []float64
	for b := range bs {
		bounds = append(bounds, b)
	}
	slices.Sort(bounds)
	if len(bounds) == 0 || bs[math.Inf(1)] == 0 {
		return 0, 0
	}
	total := bs[math.Inf(1)]
	rank := q * total
	prevB, prevN := 0.0, 0.0
	for _, b := range bounds {
		n := bs[b]
		if n >= rank {
			if math.IsInf(b, 1) {
				return time.Duration(prevB * float64(time.Second)), total
			}
			v := prevB + (b-prevB)*(rank-prevN)/math.Max(n-prevN, 1e-9)
			return time.Duration(v * float64(time.Second)), total
		}
		prevB, prevN = b, n
	}
	return 0, total
}

func (h histograms) report(w io.Writer, routes []string) {
	for _, r := range routes {
		p50, n := h.quantile(r, 0.5)
		p95, _ := h.quantile(r, 0.95)
		if n > 0 {
			fmt.Fprintf(w, "    server /metrics %-14s n=%.0f p50=%s p95=%s\n", r, n, ms(p50), ms(p95))
		}
	}
}

// memory is a process's resident set size and its peak, from /proc.
type memory struct {
	rss, hwm      int64 // KiB
	anon, fileRSS int64 // KiB: RssAnon (the Go heap, stacks, runtime) and RssFile (the binary's pages)
}

func readMemory(pid int) (memory, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, err
	}
	var m memory
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		n, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			m.rss = n
		case "VmHWM:":
			m.hwm = n
		case "RssAnon:":
			m.anon = n
		case "RssFile:":
			m.fileRSS = n
		}
	}
	return m, nil
}

func mib(kib int64) string { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }

// sampler records a process's largest RSS while it runs.
type sampler struct {
	stop chan struct{}
	done chan int64
}

func sampleRSS(pid int, every time.Duration) *sampler {
	s := &sampler{stop: make(chan struct{}), done: make(chan int64, 1)}
	go func() {
		var peak int64
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if m, err := readMemory(pid); err == nil && m.rss > peak {
				peak = m.rss
			}
			select {
			case <-s.stop:
				s.done <- peak
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// Stop returns the peak RSS seen, KiB.
func (s *sampler) Stop() int64 {
	close(s.stop)
	return <-s.done
}

// cpuSeconds is the CPU time (user + system) a process has used.
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:]) // after "pid (comm) "
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	k, _ := strconv.ParseFloat(f[12], 64)
	return (u + k) / 100 // USER_HZ
}

// postgresCPU is the CPU time of a PostgreSQL cluster: its postmaster
// (from postmaster.pid in dir) and every live child process. Backends
// that exited are not counted; the server's pool keeps its own.
func postgresCPU(dir string) float64 {
	b, err := os.ReadFile(dir + "/postmaster.pid")
	if err != nil {
		return 0
	}
	pm, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		return 0
	}
	total := cpuSeconds(pm)
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			continue
		}
		if strings.Contains(string(st), fmt.Sprintf("\nPPid:\t%d\n", pm)) {
			total += cpuSeconds(pid)
		}
	}
	return total
}

// goMemory is the server's Go runtime memory from its /metrics: heap in
// use and goroutine stacks, in MiB text.
func goMemory(base string) string {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return "?"
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	v := map[string]float64{}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && (f[0] == "go_memstats_heap_inuse_bytes" || f[0] == "go_memstats_stack_inuse_bytes" || f[0] == "go_memstats_sys_bytes") {
			v[f[0]], _ = strconv.ParseFloat(f[1], 64)
		}
	}
	return fmt.Sprintf("Go heap in use %.1f MiB, stacks %.1f MiB, runtime total %.1f MiB", v["go_memstats_heap_inuse_bytes"]/(1<<20),
		v["go_memstats_stack_inuse_bytes"]/(1<<20), v["go_memstats_sys_bytes"]/(1<<20))
}
