package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/vger-dev/vger/internal/config"
	"github.com/vger-dev/vger/internal/github"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
	"github.com/vger-dev/vger/web"
)

// Serve runs the web server until ctx is cancelled, then drains requests in
// flight and releases the database.
func Serve(ctx context.Context, cfg *config.Config, log *slog.Logger, version string) (err error) {
	if os.Getenv("GOMEMLIMIT") == "" {
		// A soft limit makes the garbage collector run before the heap
		// doubles under a burst of big pages, keeping the server within
		// the memory a small container gives it (GOMEMLIMIT overrides).
		debug.SetMemoryLimit(ServeMemoryLimit)
	}
	if cfg.PprofAddr == "" {
		// Nobody can read a heap profile: do not sample for one (its
		// buckets hold some 9 MB of an idle server's memory).
		runtime.MemProfileRate = 0
	}
	// Refuse an open door before starting anything (ServeListener checks
	// the address actually bound again).
	if addr, err := net.ResolveTCPAddr("tcp", cfg.Addr); err == nil {
		if _, _, _, err := web.AccessFromConfig(cfg, addr); err != nil {
			return err
		}
	}
	db, err := OpenDatabase(ctx, cfg, log, "vger-serve")
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	if err := db.RequireCurrentSchema(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on VGER_ADDR=%s: %w", cfg.Addr, err)
	}
	return ServeListener(ctx, ln, db, cfg, log, version)
}

// ServeMemoryLimit is the server's default soft memory limit (GOMEMLIMIT).
const ServeMemoryLimit = 140 << 20

// ServeListener serves on an open listener (the demo and tests use it).
func ServeListener(ctx context.Context, ln net.Listener, db *Database, cfg *config.Config, log *slog.Logger, version string) error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s := web.New(db.Store, log, reg)
	if cfg.DatabaseReplicaURL != "" {
		// Board views read from the replica; everything else (forms,
		// refreshes, sessions) stays on the primary.
		replica, err := store.Open(ctx, cfg.DatabaseReplicaURL, store.Options{MaxConns: cfg.DBMaxConns, AppName: "vger-serve-replica"})
		if err != nil {
			return fmt.Errorf("read replica (DATABASE_REPLICA_URL): %w", errors.New(config.Mask(err.Error(), cfg.Secrets()...)))
		}
		defer replica.Close()
		s.Replica = replica
	}
	s.Version = version
	s.RequestTimeout = cfg.RequestTimeout
	s.Secrets = cfg.Secrets()
	s.JiraURL = cfg.JiraURL
	access, how, warn, err := web.AccessFromConfig(cfg, ln.Addr())
	if err != nil {
		ln.Close()
		return err
	}
	s.Access = access
	if warn {
		log.Warn("access: "+how, "auth", cfg.Auth)
	} else {
		log.Info("access: "+how, "auth", cfg.Auth)
	}
	s.GitHubURL = github.WebURL(cfg.GitHubAPIURL)
	sources, err := NewSyncer(cfg, db.Store, log)
	if err != nil {
		return err
	}
	// The server only looks things up: short timeouts, no pacing waits.
	sources.Budget = 0
	s.Sources = sources
	jobs, err := vsync.NewClient(db.Store, sources, vsync.ClientOptions{Log: slog.New(levelFloor{log.Handler(), slog.LevelWarn})})
	if err != nil {
		return err
	}
	s.Jobs = jobs
	srv := &http.Server{
		Handler:           s.Routes(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      cfg.RequestTimeout + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if cfg.PprofAddr != "" {
		stop, err := servePprof(cfg.PprofAddr, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	idleCtx, stopIdle := context.WithCancel(ctx)
	defer stopIdle()
	go s.ReleaseIdleMemory(idleCtx, 10*time.Second)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("serving", "url", "http://"+ln.Addr().String()+"/", "version", version)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests", "timeout", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// servePprof exposes net/http/pprof on its own loopback listener (config
// refuses any other address), never on the public one.
func servePprof(addr string, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on VGER_PPROF_ADDR=%s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	log.Info("profiles", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	return func() { srv.Close() }, nil
}
