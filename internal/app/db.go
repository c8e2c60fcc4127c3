package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/vger-dev/vger/internal/config"
	"github.com/vger-dev/vger/internal/pglocal"
	"github.com/vger-dev/vger/internal/store"
)

// Database is an open store and, in the embedded default, this process's
// hold on the private cluster.
type Database struct {
	Store   *store.Store
	cluster *pglocal.Handle
}

// OpenDatabase connects to DATABASE_URL, or starts (or joins) the private
// cluster under VGER_DATA_DIR when it is empty.
func OpenDatabase(ctx context.Context, cfg *config.Config, log *slog.Logger, appName string) (*Database, error) {
	dsn := cfg.DatabaseURL
	db := &Database{}
	if dsn == "" {
		h, err := pglocal.Open(ctx, cfg.DataDir, log)
		if err != nil {
			return nil, fmt.Errorf("private database (DATABASE_URL is not set): %w", err)
		}
		db.cluster = h
		dsn = h.DSN
	}
	st, err := store.Open(ctx, dsn, store.Options{MaxConns: cfg.DBMaxConns, AppName: appName})
	if err != nil {
		db.Close()
		return nil, errors.New(config.Mask(err.Error(), cfg.Secrets()...))
	}
	db.Store = st
	return db, nil
}

// RequireCurrentSchema refuses to run on a database that needs migrating.
func (db *Database) RequireCurrentSchema(ctx context.Context) error {
	_, err := db.Store.CheckSchema(ctx)
	return err
}

// Close closes the pool and releases the private cluster (stopping it if
// this was its last user).
func (db *Database) Close() error {
	if db.Store != nil {
		db.Store.Close()
	}
	if db.cluster != nil {
		return db.cluster.Close()
	}
	return nil
}
