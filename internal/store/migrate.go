package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/vger-dev/vger/migrations"
)

// ErrSchemaOutdated means the database needs `vger migrate`.
var ErrSchemaOutdated = errors.New("the database schema is out of date: run `vger migrate` first")

// ErrSchemaNewer means the database was migrated by a newer vger.
var ErrSchemaNewer = errors.New("the database schema is newer than this vger binary: upgrade vger")

func gooseProvider(pool *pgxpool.Pool, locked bool) (*goose.Provider, *sql.DB, error) {
	db := stdlib.OpenDBFromPool(pool)
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if locked {
		// Several processes may run `vger migrate` at once (e.g. compose
		// restarts): a session advisory lock serialises them.
		l, err := lock.NewPostgresSessionLocker()
		if err != nil {
			db.Close()
			return nil, nil, err
		}
		opts = append(opts, goose.WithSessionLocker(l))
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, opts...)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return p, db, nil
}

// MigrationResult says what Migrate applied.
type MigrationResult struct {
	AppApplied   []string
	RiverApplied []int
}

// Migrate applies Vger's and River's pending migrations. It is idempotent.
func (s *Store) Migrate(ctx context.Context) (MigrationResult, error) {
	return Migrate(ctx, s.Pool)
}

// Migrate applies every pending migration on pool.
func Migrate(ctx context.Context, pool *pgxpool.Pool) (MigrationResult, error) {
	var res MigrationResult
	p, db, err := gooseProvider(pool, true)
	if err != nil {
		return res, fmt.Errorf("migrate: %w", err)
	}
	defer db.Close()
	applied, err := p.Up(ctx)
	if err != nil {
		return res, fmt.Errorf("migrate: %w", err)
	}
	for _, r := range applied {
		res.AppApplied = append(res.AppApplied, r.Source.Path)
	}
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return res, fmt.Errorf("migrate river: %w", err)
	}
	rr, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return res, fmt.Errorf("migrate river: %w", err)
	}
	for _, v := range rr.Versions {
		res.RiverApplied = append(res.RiverApplied, v.Version)
	}
	return res, nil
}

// SchemaStatus describes how the database's schema compares with this binary.
type SchemaStatus struct {
	AppCurrent, AppTarget     int64
	RiverCurrent, RiverTarget int
}

// Current reports whether no migration is pending.
func (st SchemaStatus) Current() bool {
	return st.AppCurrent == st.AppTarget && st.RiverCurrent == st.RiverTarget
}

// CheckSchema returns ErrSchemaOutdated (or ErrSchemaNewer) unless every
// migration of this binary, and no later one, is applied. It takes no lock.
func (s *Store) CheckSchema(ctx context.Context) (SchemaStatus, error) {
	var st SchemaStatus
	var exists bool
	if err := s.Pool.QueryRow(ctx, `SELECT to_regclass('goose_db_version') IS NOT NULL`).Scan(&exists); err != nil {
		return st, fmt.Errorf("check schema: %w", err)
	}
	p, db, err := gooseProvider(s.Pool, false)
	if err != nil {
		return st, fmt.Errorf("check schema: %w", err)
	}
	defer db.Close()
	srcs := p.ListSources()
	if len(srcs) > 0 {
		st.AppTarget = srcs[len(srcs)-1].Version
	}
	if exists {
		if st.AppCurrent, err = p.GetDBVersion(ctx); err != nil {
			return st, fmt.Errorf("check schema: %w", err)
		}
	}
	m, err := rivermigrate.New(riverpgxv5.New(s.Pool), nil)
	if err != nil {
		return st, err
	}
	all := m.AllVersions()
	st.RiverTarget = all[len(all)-1].Version
	var riverExists bool
	if err := s.Pool.QueryRow(ctx, `SELECT to_regclass('river_migration') IS NOT NULL`).Scan(&riverExists); err != nil {
		return st, err
	}
	if riverExists {
		have, err := m.ExistingVersions(ctx)
		if err != nil {
			return st, fmt.Errorf("check river schema: %w", err)
		}
		if len(have) > 0 {
			st.RiverCurrent = have[len(have)-1].Version
		}
	}
	switch {
	case st.AppCurrent > st.AppTarget || st.RiverCurrent > st.RiverTarget:
		return st, ErrSchemaNewer
	case !st.Current():
		return st, ErrSchemaOutdated
	}
	return st, nil
}
