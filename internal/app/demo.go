package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/vger-dev/vger/internal/config"
	"github.com/vger-dev/vger/internal/sim"
	vsync "github.com/vger-dev/vger/internal/sync"
)

// DemoOptions size the demo's simulated world.
type DemoOptions struct {
	Seed   int64
	Issues int
	PRs    int
}

// demoState pins the simulated world across demo runs: the same seed,
// size and clock origin give the same issues, so a restarted demo finds
// its database consistent with the simulator.
type demoState struct {
	Seed   int64     `json:"seed"`
	Issues int       `json:"issues"`
	PRs    int       `json:"prs"`
	Origin time.Time `json:"origin"`
}

// Demo runs the whole product on a simulated JIRA: the database (private
// by default), the simulator on a loopback port, a worker and the server.
// The simulated clock follows the wall clock, so the world keeps moving.
func Demo(ctx context.Context, cfg *config.Config, log *slog.Logger, version string, opts DemoOptions) error {
	st, err := loadDemoState(cfg.DataDir, opts)
	if err != nil {
		return err
	}
	now := time.Now()
	simulator, err := sim.New(sim.Options{Seed: st.Seed, Issues: st.Issues, PRs: st.PRs, Now: func() time.Time { return st.Origin }})
	if err != nil {
		return err
	}
	simulator.Advance(now.Sub(st.Origin))
	simLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	simSrv := &http.Server{Handler: simulator.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go simSrv.Serve(simLn)
	defer simSrv.Close()
	base := "http://" + simLn.Addr().String()
	log.Info("simulated JIRA and GitHub running", "jira", base+"/jira/", "github", base+"/github/", "issues", st.Issues, "prs", st.PRs, "seed", st.Seed)

	demoCfg := *cfg
	demoCfg.JiraURL = base + "/jira/"
	demoCfg.JiraEmail, demoCfg.JiraAPIToken, demoCfg.JiraPAT = "demo@example.com", "sim-jira-token", ""
	demoCfg.JiraRate = 0
	demoCfg.GitHubAPIURL, demoCfg.GitHubGraphQLURL, demoCfg.GitHubToken = base+"/github/", "", "sim-github-token"
	demoCfg.GitHubRate = 0
	if demoCfg.SyncInterval > time.Minute {
		demoCfg.SyncInterval = time.Minute // the simulated world moves every minute
	}

	db, err := OpenDatabase(ctx, &demoCfg, log, "vger-demo")
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Store.Migrate(ctx); err != nil {
		return err
	}
	if err := ensureDemoBoards(ctx, &demoCfg, db, log, simulator); err != nil {
		return err
	}

	// The simulated clock follows real time.
	go func() {
		t := time.NewTicker(30 * time.Second)
		defer t.Stop()
		last := time.Now()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				simulator.Advance(now.Sub(last))
				last = now
			}
		}
	}()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on VGER_ADDR=%s: %w", cfg.Addr, err)
	}
	errc := make(chan error, 2)
	go func() { errc <- RunWorker(ctx, db, &demoCfg, log) }()
	go func() { errc <- ServeListener(ctx, ln, db, &demoCfg, log, version) }()
	fmt.Fprintf(os.Stderr, "\n  Vger demo: open http://%s/  (Ctrl-C stops everything)\n\n", ln.Addr())
	var first error
	for i := 0; i < 2; i++ {
		if err := <-errc; err != nil && first == nil {
			first = err
		}
	}
	return first
}

func ensureDemoBoards(ctx context.Context, cfg *config.Config, db *Database, log *slog.Logger, s *sim.Sim) error {
	existing, err := db.Store.Boards(ctx)
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		return nil
	}
	syncer, err := NewSyncer(cfg, db.Store, log)
	if err != nil {
		return err
	}
	for _, tb := range s.Boards() {
		b, err := syncer.AddBoard(ctx, vsync.NewBoard{JiraBoardID: int64(tb.ID), TeamName: "Demo: " + tb.Team})
		if err != nil {
			return fmt.Errorf("demo board %s: %w", tb.Name, err)
		}
		log.Info("demo board added", "board", b.Name, "team", tb.Team)
		for _, r := range s.BoardRepos(tb.ID) {
			if _, err := syncer.AddRepo(ctx, r.Owner, r.Name, b.ID); err != nil {
				return fmt.Errorf("demo repo %s: %w", r.FullName, err)
			}
		}
	}
	return nil
}

func loadDemoState(dataDir string, opts DemoOptions) (demoState, error) {
	path := filepath.Join(dataDir, "demo.json")
	var st demoState
	b, err := os.ReadFile(path)
	if err == nil {
		if err := json.Unmarshal(b, &st); err != nil {
			return st, fmt.Errorf("%s is damaged: remove it (and the data directory) to start a new demo", path)
		}
		if (opts.Seed != 0 && opts.Seed != st.Seed) || (opts.Issues != 0 && opts.Issues != st.Issues) {
			return st, fmt.Errorf("this data directory holds a demo with seed %d and %d issues; remove %s to start another", st.Seed, st.Issues, dataDir)
		}
		return st, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return st, err
	}
	st = demoState{Seed: opts.Seed, Issues: opts.Issues, PRs: opts.PRs, Origin: time.Now().UTC().Truncate(time.Second)}
	if st.Seed == 0 {
		st.Seed = 1
	}
	if st.Issues == 0 {
		st.Issues = 5000
	}
	if st.PRs == 0 {
		st.PRs = 1000
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return st, err
	}
	out, _ := json.MarshalIndent(st, "", "  ")
	return st, os.WriteFile(path, append(out, '\n'), 0o644)
}
