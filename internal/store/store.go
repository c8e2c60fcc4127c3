// Package store holds every SQL statement of Vger: the connection pool,
// migrations, and typed queries. It knows SQL, never HTTP.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store is the database handle shared by the web server and the workers.
type Store struct {
	Pool *pgxpool.Pool
}

// Options tune the pool.
type Options struct {
	MaxConns int32
	AppName  string
}

// Open connects to dsn and checks the server answers, failing fast with a
// message that names the problem without echoing credentials.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, errors.New("database: the connection string cannot be parsed (check DATABASE_URL)")
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	cfg.MaxConnIdleTime = 5 * time.Minute
	if opts.AppName != "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = opts.AppName
	}
	cfg.ConnConfig.ConnectTimeout = 10 * time.Second
	if _, set := cfg.ConnConfig.RuntimeParams["jit"]; !set {
		cfg.AfterConnect = jitOff
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("database: %w", describeConnError(err))
	}
	pingCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database at %s:%d is not reachable: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, describeConnError(err))
	}
	return &Store{Pool: pool}, nil
}

// jitOff turns PostgreSQL's JIT compilation off for the connection (unless
// the connection string sets jit): Vger's biggest queries read 10,000s of
// rows, where compiling costs more than it saves (the impediments read of
// the benchmark's biggest board: 100 ms with JIT, 52 ms without). A server
// without the setting (before PostgreSQL 11) is left as it is.
func jitOff(ctx context.Context, c *pgx.Conn) error {
	_, err := c.Exec(ctx, "SET jit = off")
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42704" { // undefined_object: no such setting
		return nil
	}
	return err
}

// Close releases every connection.
func (s *Store) Close() { s.Pool.Close() }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.Pool.Ping(ctx) }

// describeConnError keeps the cause of a connection failure but drops pgx's
// rendering of the connection string.
func describeConnError(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return fmt.Errorf("%s (SQLSTATE %s)", pgErr.Message, pgErr.Code)
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		if u := errors.Unwrap(ce); u != nil {
			err = u
		}
	}
	// pgconn joins one error per address tried, a line each; the first says enough.
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return errors.New(msg)
}

// Sentinel errors for handlers to map onto HTTP status codes.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// notFoundFK maps a foreign-key violation (the row referred to is gone)
// onto ErrNotFound.
func notFoundFK(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		return ErrNotFound
	}
	return err
}
