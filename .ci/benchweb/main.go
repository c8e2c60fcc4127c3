// Command benchweb is `make bench-web`: a load generator on loopback
// against a real `vger serve` process on the benchmark database built by
// `make bench-data`. It reports client and server (/metrics) latencies,
// pages per second, errors, the server's memory (VmRSS/VmHWM) idle and
// under load, a 100,000-row CSV export, and the facts rebuild of the
// biggest board. See docs/performance.md for the definitions.
//
//	go run ./.ci/benchweb [-dir .bench] [-clients 16] [-duration 60s] [-conns 100]
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/vger-dev/vger/internal/benchdata"
	vsync "github.com/vger-dev/vger/internal/sync"
)

type options struct {
	dir, bin    string
	clients     int
	conns       int
	duration    time.Duration
	latency     time.Duration
	maxConns    int
	skipCold    bool
	skipRebuild bool
	only        string
	cpuprofile  string
	mix         string
}

func main() {
	var o options
	flag.StringVar(&o.dir, "dir", ".bench", "data directory of the benchmark cluster (BENCH_DATABASE_URL: another database)")
	flag.StringVar(&o.bin, "bin", "bin/vger", "the vger binary")
	flag.IntVar(&o.clients, "clients", 16, "concurrent clients of the throughput phase")
	flag.IntVar(&o.conns, "conns", 100, "concurrent connections of the connections phase")
	flag.DurationVar(&o.duration, "duration", 60*time.Second, "length of the throughput phase")
	flag.DurationVar(&o.latency, "latency", 30*time.Second, "length of the single-client latency phase")
	flag.IntVar(&o.maxConns, "db-max-conns", 10, "VGER_DB_MAX_CONNS of the server")
	flag.BoolVar(&o.skipCold, "skip-cold", false, "skip the cold phase (which restarts PostgreSQL)")
	flag.BoolVar(&o.skipRebuild, "skip-rebuild", false, "skip the facts rebuild")
	flag.StringVar(&o.only, "only", "", "run only this phase: cold, latency, throughput, conns, csv, rebuild, explain, serve (explain and serve run only when named; serve keeps a server up until interrupted)")
	flag.StringVar(&o.cpuprofile, "rebuild-cpuprofile", "", "write a CPU profile of the facts rebuild (this process) to this file")
	flag.StringVar(&o.mix, "mix", "", "the throughput phase's URLs: every class (empty) or the classes starting with one of these comma-separated prefixes (the issue's load: quadrant,prs,quarterly,cfd)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := benchmark(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench-web:", err)
		os.Exit(1)
	}
}

func say(format string, args ...any) { fmt.Printf(format+"\n", args...) }

// loadAverage is the machine's 1, 5 and 15 minute load averages.
func loadAverage() string {
	up, _ := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(up)); len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}

func benchmark(ctx context.Context, o options) error {
	say("bench-web: %d CPUs, load average %s, %s", runtime.NumCPU(), loadAverage(), time.Now().UTC().Format(time.RFC3339))
	db, err := benchdata.Open(ctx, o.dir)
	if err != nil {
		return err
	}
	defer func() { db.Close() }()
	boards, err := loadBoards(ctx, db.Store)
	if err != nil {
		return err
	}
	if len(boards) == 0 {
		return errors.New("the benchmark database is empty: run `make bench-data` first")
	}
	var end time.Time
	if err := db.Store.Pool.QueryRow(ctx, `SELECT max(done_at) FROM board_issue_facts`).Scan(&end); err != nil {
		return fmt.Errorf("data end: %w", err)
	}
	slices.SortFunc(boards, func(a, b board) int { return int(b.size - a.size) })
	biggest := boards[0]
	// The rebuild target names a 100,000-issue board: the smallest with as many.
	hundredK := biggest
	for _, b := range boards {
		if b.size >= 100_000 && b.size < hundredK.size {
			hundredK = b
		}
	}
	say("data: %d boards, the biggest %s with %d issues; data ends %s", len(boards), biggest.path, biggest.size, end.Format("2006-01-02"))

	if o.only == "explain" {
		return explain(ctx, db, boards[len(boards)/2], biggest, end)
	}
	srv, err := startServer(ctx, o, db.DSN)
	if err != nil {
		return err
	}
	defer func() { srv.stop() }()
	if o.only == "serve" {
		// A server on the benchmark database to look at by hand (pprof with
		// VGER_PPROF_ADDR, a browser): until interrupted.
		say("serving %s (the biggest board: %s%s); Ctrl-C stops it", srv.base, srv.base, biggest.path)
		<-ctx.Done()
		return nil
	}
	vs := available(srv.base, boards[len(boards)/2])
	var names []string
	for _, v := range vs {
		names = append(names, v.name)
	}
	all := targets(boards, vs, end)
	say("views: %s; %d distinct URLs", strings.Join(names, ", "), len(all))
	time.Sleep(2 * time.Second)
	idle, _ := readMemory(srv.pid)
	say("server idle after start: VmRSS %s (anonymous %s, binary and files %s)", mib(idle.rss), mib(idle.anon), mib(idle.fileRSS))
	phase := func(name string) bool { return o.only == "" || o.only == name }

	oneYear := shuffle(only(all, "quadrant-1y"), 1)
	if phase("cold") && !o.skipCold {
		// Cold: a new server process (no cache of its own, new connections)
		// on a PostgreSQL just restarted (empty shared buffers), after
		// dropping the kernel's page cache where allowed; then the first
		// request of each board, one at a time.
		srv.stop()
		if err := db.Close(); err != nil {
			return err
		}
		dropped := dropCaches()
		if db, err = benchdata.Open(ctx, o.dir); err != nil {
			return err
		}
		if srv, err = startServer(ctx, o, db.DSN); err != nil {
			return err
		}
		var cold []target
		seen := map[string]bool{}
		for _, t := range oneYear {
			b := t.path[:strings.Index(t.path+"?", "?")]
			if !seen[b] && strings.Contains(t.path, "weeks=52") && !strings.Contains(t.path, "type=") && !strings.Contains(t.path, "&") {
				seen[b] = true
				cold = append(cold, t)
			}
		}
		before, _ := scrape(srv.base)
		rs, wall := run(ctx, srv.base, cold, 1, 0)
		after, _ := scrape(srv.base)
		say("cold: first quadrant (weeks=52) of each of %d boards, 1 client, after restarting the server and PostgreSQL (page cache dropped: %v), %s", len(cold), dropped, wall.Round(time.Millisecond))
		say("    client %s", summarise(rs))
		after.sub(before).report(os.Stdout, []string{"quadrant"})
	}

	if phase("latency") {
		run(ctx, srv.base, oneYear, 2, 0) // every one-year quadrant once: warm
		before, _ := scrape(srv.base)
		rs, wall := run(ctx, srv.base, shuffle(oneYear, 2), 1, o.latency)
		after, _ := scrape(srv.base)
		say("warm latency: quadrant of one board over one year (%d distinct URLs), 1 client, %s", len(oneYear), wall.Round(time.Second))
		say("    client %s", summarise(rs))
		after.sub(before).report(os.Stdout, []string{"quadrant"})
	}

	if phase("throughput") {
		pool := all
		if o.mix != "" {
			pool = nil
			for _, t := range all {
				for _, prefix := range strings.Split(o.mix, ",") {
					if strings.HasPrefix(t.class, prefix) {
						pool = append(pool, t)
						break
					}
				}
			}
		}
		mixed := shuffle(pool, 3)
		smp := sampleRSS(srv.pid, 50*time.Millisecond)
		rs, wall := run(ctx, srv.base, mixed, o.clients, 0)
		say("first pass: each of the %d URLs once, %d clients: %.1f pages/s, %s", len(mixed), o.clients, float64(len(rs))/wall.Seconds(), summarise(rs))
		var repeat []target
		for len(repeat) < 200000 {
			repeat = append(repeat, shuffle(pool, uint64(len(repeat)))...)
		}
		before, _ := scrape(srv.base)
		srvCPU, pgCPU := cpuSeconds(srv.pid), postgresCPU(db.ClusterDir())
		rs, wall = run(ctx, srv.base, repeat, o.clients, o.duration)
		srvCPU, pgCPU = cpuSeconds(srv.pid)-srvCPU, postgresCPU(db.ClusterDir())-pgCPU
		after, _ := scrape(srv.base)
		peak := smp.Stop()
		s := summarise(rs)
		if n := float64(s.n); n > 0 {
			say("cpu per page: server %.1f ms, PostgreSQL %.1f ms (%.0f pages/s if both had the 2 cores to themselves)",
				srvCPU*1000/n, pgCPU*1000/n, float64(runtime.NumCPU())*n/(srvCPU+pgCPU))
		}
		say("throughput: %d clients for %s over %d URLs (mix %q): %.1f pages/s, %d errors; server peak VmRSS %s; load average %s", o.clients, wall.Round(time.Second), len(pool), o.mix,
			float64(s.n-s.errors)/wall.Seconds(), s.errors, mib(peak), loadAverage())
		names, m := byClass(rs)
		for _, n := range names {
			say("    %-20s %s", n, summarise(m[n]))
		}
		after.sub(before).report(os.Stdout, []string{"quadrant", "prs", "quarterly", "flow", "blocked", "aging", "forecast", "quadrant_svg"})
	}

	if phase("conns") {
		var ts []target
		for len(ts) < o.conns*5 {
			ts = append(ts, shuffle(oneYear, uint64(len(ts)))...)
		}
		smp := sampleRSS(srv.pid, 20*time.Millisecond)
		rs, wall := run(ctx, srv.base, ts[:o.conns*5], o.conns, 0)
		peak := smp.Stop()
		s := summarise(rs)
		say("connections: %d concurrent connections, %d quadrant requests in %s: %d errors, %s; server peak VmRSS %s",
			o.conns, s.n, wall.Round(time.Millisecond), s.errors, s, mib(peak))
	}

	if phase("csv") {
		if err := csvExport(ctx, srv, biggest); err != nil {
			return err
		}
	}
	m, _ := readMemory(srv.pid)
	say("server after the load: VmRSS %s, VmHWM %s", mib(m.rss), mib(m.hwm))
	time.Sleep(20 * time.Second) // the server returns idle memory 10–12 s after its last request ends
	m, _ = readMemory(srv.pid)
	say("server idle 20 s later: VmRSS %s (anonymous %s, binary and files %s; %s)", mib(m.rss), mib(m.anon), mib(m.fileRSS), goMemory(srv.base))

	if phase("rebuild") && !o.skipRebuild {
		if err := rebuild(ctx, db, hundredK, o.cpuprofile); err != nil {
			return err
		}
	}
	return nil
}

// csvExport downloads the biggest board's lead-time CSV over ten years
// (every delivered item) and watches the server's memory meanwhile.
func csvExport(ctx context.Context, srv *server, b board) error {
	before, _ := readMemory(srv.pid)
	smp := sampleRSS(srv.pid, 5*time.Millisecond)
	start := time.Now()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.base+b.path+"/leadtime.csv?weeks=520", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	var first time.Duration
	rows, bytes := 0, int64(0)
	br := bufio.NewReaderSize(resp.Body, 64<<10)
	for {
		line, err := br.ReadSlice('\n')
		if first == 0 && len(line) > 0 {
			first = time.Since(start)
		}
		bytes += int64(len(line))
		if len(line) > 0 && line[len(line)-1] == '\n' {
			rows++
		}
		if err == io.EOF {
			break
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			resp.Body.Close()
			return err
		}
	}
	resp.Body.Close()
	d := time.Since(start)
	peak := smp.Stop()
	say("csv: %s/leadtime.csv?weeks=520: HTTP %d, %d rows (header included), %.1f MB in %s (first byte %s); server VmRSS %s before, peak %s",
		b.path, resp.StatusCode, rows, float64(bytes)/1e6, d.Round(time.Millisecond), first.Round(time.Millisecond), mib(before.rss), mib(peak))
	return nil
}

// rebuild times the facts rebuild of the biggest board twice: as after a
// sync that changed nothing, and from no facts at all (every row written).
func rebuild(ctx context.Context, db *benchdata.DB, b board, profile string) error {
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var id int64
	team, slug := strings.Split(b.path, "/")[2], strings.Split(b.path, "/")[4]
	if err := db.Store.Pool.QueryRow(ctx, `SELECT b.id FROM boards b JOIN teams t ON t.id = b.team_id WHERE t.slug = $1 AND b.slug = $2`, team, slug).Scan(&id); err != nil {
		return err
	}
	s := &vsync.Syncer{Store: db.Store, Now: time.Now}
	var ms runtime.MemStats
	for _, fresh := range []bool{false, true} {
		if fresh {
			if _, err := db.Store.Pool.Exec(ctx, `DELETE FROM board_issue_facts WHERE board_id = $1`, id); err != nil {
				return err
			}
		}
		runtime.GC()
		start := time.Now()
		n, err := s.RebuildFacts(ctx, id)
		if err != nil {
			return err
		}
		d := time.Since(start)
		runtime.ReadMemStats(&ms)
		what := "unchanged"
		if fresh {
			what = "from empty"
		}
		say("facts rebuild of %s (%d issues), %s: %s, %d rows written; Go heap in use after %s", b.path, b.size, what, d.Round(time.Millisecond), n, mib(int64(ms.HeapInuse/1024)))
	}
	return nil
}

// dropCaches asks the kernel to drop its page cache (root only; refused
// in most containers). It reports whether it worked.
func dropCaches() bool {
	syscall.Sync()
	return os.WriteFile("/proc/sys/vm/drop_caches", []byte("3\n"), 0o200) == nil
}

// server is a running `vger serve`.
type server struct {
	cmd  *exec.Cmd
	pid  int
	base string
}

func startServer(ctx context.Context, o options, dsn string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	bin, _ := filepath.Abs(o.bin)
	cmd := exec.CommandContext(ctx, bin, "serve")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "DATABASE_URL=" + dsn, "VGER_ADDR=" + addr,
		"VGER_LOG_LEVEL=warn", "VGER_LOG_FORMAT=json", fmt.Sprintf("VGER_DB_MAX_CONNS=%d", o.maxConns)}
	for _, kv := range os.Environ() { // VGER_* settings and GOMEMLIMIT/GOGC pass through (VGER_PPROF_ADDR, VGER_REQUEST_TIMEOUT ...)
		if strings.HasPrefix(kv, "GOMEMLIMIT=") || strings.HasPrefix(kv, "GOGC=") {
			cmd.Env = append(cmd.Env, kv)
		} else if strings.HasPrefix(kv, "VGER_") && !strings.HasPrefix(kv, "VGER_ADDR=") && !strings.HasPrefix(kv, "VGER_DB_MAX_CONNS=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	logf, err := os.Create(filepath.Join(os.TempDir(), "vger-bench-web-server.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, pid: cmd.Process.Pid, base: "http://" + addr}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.stop()
	b, _ := os.ReadFile(logf.Name())
	return nil, fmt.Errorf("vger serve did not become ready: %s", b)
}

func (s *server) stop() {
	if s == nil || s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()
}
