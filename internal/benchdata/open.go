package benchdata

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vger-dev/vger/internal/pglocal"
	"github.com/vger-dev/vger/internal/store"
)

// DB is the benchmark database: BENCH_DATABASE_URL when set, otherwise
// the private cluster under a data directory (.bench by default), which
// stays on disk between runs and is started by whoever opens it.
type DB struct {
	Store   *store.Store
	DSN     string
	cluster *pglocal.Handle
}

// Open connects to the benchmark database and migrates it.
func Open(ctx context.Context, dataDir string) (*DB, error) {
	db := &DB{DSN: os.Getenv("BENCH_DATABASE_URL")}
	if db.DSN == "" {
		dataDir, err := filepath.Abs(dataDir) // initdb runs elsewhere
		if err != nil {
			return nil, err
		}
		h, err := pglocal.Open(ctx, dataDir, nil)
		if err != nil {
			return nil, fmt.Errorf("benchmark cluster in %s: %w", dataDir, err)
		}
		db.cluster, db.DSN = h, h.DSN
	}
	st, err := store.Open(ctx, db.DSN, store.Options{MaxConns: 8, AppName: "vger-bench"})
	if err != nil {
		db.Close()
		return nil, err
	}
	db.Store = st
	if _, err := st.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close releases the database (stopping the private cluster when this
// was its last user).
func (db *DB) Close() error {
	if db.Store != nil {
		db.Store.Close()
	}
	if db.cluster != nil {
		return db.cluster.Close()
	}
	return nil
}

// Remove stops the private cluster under dataDir and deletes it.
func Remove(ctx context.Context, dataDir string) error {
	dataDir, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(dataDir); os.IsNotExist(err) {
		return nil
	}
	h, err := pglocal.Open(ctx, dataDir, nil)
	if err != nil {
		return err
	}
	dir := h.Cluster.Dir
	if err := h.Close(); err != nil { // the last user stops it
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.RemoveAll(dataDir)
}

// ClusterDir is the private cluster's data directory ("" with
// BENCH_DATABASE_URL): where its postmaster.pid is.
func (db *DB) ClusterDir() string {
	if db.cluster == nil {
		return ""
	}
	return db.cluster.Cluster.Dir
}
