package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/vger-dev/vger/internal/config"
	vsync "github.com/vger-dev/vger/internal/sync"
)

// Worker runs River sync workers until ctx is cancelled, then lets jobs
// in flight finish (or, after the shutdown timeout, cancels them so River
// retries them elsewhere).
func Worker(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	db, err := OpenDatabase(ctx, cfg, log, "vger-worker")
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.RequireCurrentSchema(ctx); err != nil {
		return err
	}
	return RunWorker(ctx, db, cfg, log)
}

// RunWorker runs the workers on an open database (the demo uses it).
func RunWorker(ctx context.Context, db *Database, cfg *config.Config, log *slog.Logger) error {
	syncer, err := NewSyncer(cfg, db.Store, log)
	if err != nil {
		return err
	}
	// River reports routine activity at INFO every few seconds; keep
	// its warnings and errors only.
	riverLog := slog.New(levelFloor{log.Handler(), slog.LevelWarn})
	client, err := vsync.NewClient(db.Store, syncer, vsync.ClientOptions{
		Concurrency: cfg.WorkerConcurrency, Interval: cfg.SyncInterval, Log: riverLog, JobLog: log})
	if err != nil {
		return err
	}
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	log.Info("worker started", "concurrency", cfg.WorkerConcurrency, "sync_interval", cfg.SyncInterval.String())
	<-ctx.Done()
	log.Info("worker stopping: finishing jobs in flight", "timeout", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := client.Stop(sctx); err != nil {
		hctx, hcancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer hcancel()
		return client.StopAndCancel(hctx)
	}
	return nil
}

// levelFloor drops records below a level.
type levelFloor struct {
	slog.Handler
	min slog.Level
}

func (l levelFloor) Enabled(ctx context.Context, lv slog.Level) bool {
	return lv >= l.min && l.Handler.Enabled(ctx, lv)
}

func (l levelFloor) WithAttrs(attrs []slog.Attr) slog.Handler {
	return levelFloor{l.Handler.WithAttrs(attrs), l.min}
}

func (l levelFloor) WithGroup(name string) slog.Handler {
	return levelFloor{l.Handler.WithGroup(name), l.min}
}
