package app

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vger-dev/vger/internal/config"
	"github.com/vger-dev/vger/internal/pglocal"
	"github.com/vger-dev/vger/internal/store"
)

// dumpTarget is the database a backup reads or a restore writes: the
// private cluster's, or DATABASE_URL's. The PostgreSQL programs get the
// connection string without its password (PGPASSWORD carries it), so the
// password never shows in a process listing.
type dumpTarget struct {
	dsn      string   // for pgx: complete
	conninfo string   // for pg_dump, pg_restore, psql: no password
	env      []string // extra environment for those programs
	toolDir  string   // where the programs are ("" : PATH or the server binaries)
	what     string   // for messages: never holds a secret
	cluster  *pglocal.Handle
}

func (t *dumpTarget) close() {
	if t.cluster != nil {
		t.cluster.Close()
	}
}

func openDumpTarget(ctx context.Context, cfg *config.Config, log *slog.Logger) (*dumpTarget, error) {
	if cfg.DatabaseURL == "" {
		h, err := pglocal.Open(ctx, cfg.DataDir, log)
		if err != nil {
			return nil, fmt.Errorf("private database (DATABASE_URL is not set): %w", err)
		}
		return &dumpTarget{dsn: h.DSN, conninfo: h.DSN, toolDir: h.Cluster.Bin.Dir, cluster: h,
			what: "the private database in " + cfg.DataDir}, nil
	}
	pc, err := pgconn.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		return nil, errors.New("DATABASE_URL cannot be parsed")
	}
	t := &dumpTarget{dsn: cfg.DatabaseURL, conninfo: withoutPassword(cfg.DatabaseURL),
		what: fmt.Sprintf("database %s on %s:%d", pc.Database, pc.Host, pc.Port)}
	if pc.Password != "" {
		t.env = append(t.env, "PGPASSWORD="+pc.Password)
	}
	return t, nil
}

var passwordKV = regexp.MustCompile(`(?i)(^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S*)`)

// withoutPassword removes the password from a postgres:// URL or a
// key=value connection string.
func withoutPassword(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return dsn
		}
		if u.User != nil {
			u.User = url.User(u.User.Username())
		}
		q := u.Query()
		if q.Has("password") {
			q.Del("password")
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	return strings.TrimSpace(passwordKV.ReplaceAllString(dsn, "$1"))
}

// tool finds a PostgreSQL client program: beside the private cluster's
// server, else among the newest server binaries, else on PATH.
func (t *dumpTarget) tool(name string) (string, error) {
	if t.toolDir != "" {
		if p := filepath.Join(t.toolDir, name); isExecutable(p) {
			return p, nil
		}
	}
	if b, err := pglocal.FindBinaries(0); err == nil && isExecutable(b.Path(name)) {
		return b.Path(name), nil
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s not found: install PostgreSQL's client programs (Debian/Ubuntu: apt-get install postgresql-client; macOS: brew install libpq)", name)
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// command prepares a PostgreSQL program with the target's environment.
func (t *dumpTarget) command(ctx context.Context, name string, args ...string) (*exec.Cmd, error) {
	path, err := t.tool(name)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = append(os.Environ(), t.env...)
	return cmd, nil
}

// run runs a prepared program; its error output, masked, becomes the error.
func run(cmd *exec.Cmd, secrets []string) error {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("%s: %s", filepath.Base(cmd.Path), config.Mask(msg, secrets...))
	}
	return nil
}

// BackupOptions say where a backup goes.
type BackupOptions struct {
	File  string
	Force bool // overwrite an existing file
}

// Backup writes the whole database with pg_dump's custom format (compressed,
// restorable with `vger restore` or pg_restore). The file appears only
// when the dump is complete.
func Backup(ctx context.Context, cfg *config.Config, log *slog.Logger, out io.Writer, opts BackupOptions) error {
	if _, err := os.Stat(opts.File); err == nil && !opts.Force {
		return fmt.Errorf("%s exists: choose another name, or add --force to replace it", opts.File)
	}
	t, err := openDumpTarget(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer t.close()
	version := ""
	if st, err := store.Open(ctx, t.dsn, store.Options{MaxConns: 2, AppName: "vger-backup"}); err != nil {
		return errors.New(config.Mask(err.Error(), cfg.Secrets()...))
	} else {
		s, err := st.CheckSchema(ctx)
		st.Close()
		if err != nil && !errors.Is(err, store.ErrSchemaOutdated) && !errors.Is(err, store.ErrSchemaNewer) {
			return errors.New(config.Mask(err.Error(), cfg.Secrets()...))
		}
		version = fmt.Sprintf("schema %d, job queue %d", s.AppCurrent, s.RiverCurrent)
	}
	tmp, err := os.CreateTemp(filepath.Dir(opts.File), "."+filepath.Base(opts.File)+".partial-*")
	if err != nil {
		return fmt.Errorf("create the backup file: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	cmd, err := t.command(ctx, "pg_dump", "--format=custom", "--no-password", "--file="+tmp.Name(), "--dbname="+t.conninfo)
	if err != nil {
		return err
	}
	if err := run(cmd, cfg.Secrets()); err != nil {
		return fmt.Errorf("back up %s: %w", t.what, err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), opts.File); err != nil {
		return fmt.Errorf("write %s: %w", opts.File, err)
	}
	fi, _ := os.Stat(opts.File)
	size := int64(0)
	if fi != nil {
		size = fi.Size()
	}
	fmt.Fprintf(out, "backed up %s (%s) to %s (%d bytes)\n", t.what, version, opts.File, size)
	return nil
}

// RestoreOptions say what to restore and whether a database that holds
// data may be replaced.
type RestoreOptions struct {
	File  string
	Force bool
}

// ErrNotEmpty refuses to restore over data.
var ErrNotEmpty = errors.New("the database is not empty")

// Restore loads a backup made by Backup (or pg_dump --format=custom) into an
// empty database, or with Force replaces the contents of one that is not
// empty. It runs in one transaction: a restore that fails changes nothing.
// Running servers and workers must be stopped first.
func Restore(ctx context.Context, cfg *config.Config, log *slog.Logger, out io.Writer, opts RestoreOptions) error {
	if _, err := os.Stat(opts.File); err != nil {
		return fmt.Errorf("read the backup: %w", err)
	}
	t, err := openDumpTarget(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer t.close()
	secrets := cfg.Secrets()

	// What the file holds, before anything is touched.
	dumpVersion, err := t.dumpSchemaVersion(ctx, opts.File, secrets)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, t.dsn, store.Options{MaxConns: 2, AppName: "vger-restore"})
	if err != nil {
		return errors.New(config.Mask(err.Error(), secrets...))
	}
	defer func() { st.Close() }()
	status, _ := st.CheckSchema(ctx)
	if dumpVersion > status.AppTarget {
		return fmt.Errorf("the backup has schema version %d, newer than this vger knows (%d): restore it with a newer vger", dumpVersion, status.AppTarget)
	}
	var others []string
	rows, err := st.Pool.Query(ctx, `SELECT DISTINCT application_name FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'vger-%'
		AND application_name <> 'vger-restore' ORDER BY 1`)
	if err == nil {
		others, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil {
		return fmt.Errorf("list connections: %w", err)
	}
	if len(others) > 0 {
		return fmt.Errorf("vger processes are connected to %s (%s): stop every vger serve and vger worker first", t.what, strings.Join(others, ", "))
	}
	var relations int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
		AND n.nspname NOT LIKE 'pg\_temp%' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')`).Scan(&relations); err != nil {
		return fmt.Errorf("inspect %s: %w", t.what, err)
	}
	if relations > 0 && !opts.Force {
		return fmt.Errorf("%w: %s holds %d tables and sequences; restore into an empty database, or add --force to replace its contents", ErrNotEmpty, t.what, relations)
	}
	st.Close()

	// pg_restore writes SQL that psql runs in a single transaction, after
	// emptying the schema when forced: all or nothing.
	restore, err := t.command(ctx, "pg_restore", "--no-owner", "--no-privileges", "--file=-", opts.File)
	if err != nil {
		return err
	}
	pre := "SELECT 1"
	if relations > 0 {
		pre = "DROP SCHEMA public CASCADE; CREATE SCHEMA public"
	}
	psql, err := t.command(ctx, "psql", "--no-psqlrc", "--quiet", "--no-password", "--single-transaction",
		"--set=ON_ERROR_STOP=1", "--output=/dev/null", "--command="+pre, "--file=-", "--dbname="+t.conninfo)
	if err != nil {
		return err
	}
	pipe, err := restore.StdoutPipe()
	if err != nil {
		return err
	}
	psql.Stdin = pipe
	var restoreErr bytes.Buffer
	restore.Stderr = &restoreErr
	if err := restore.Start(); err != nil {
		return err
	}
	psqlErr := run(psql, secrets)
	if psqlErr != nil {
		restore.Process.Kill()
	}
	waitErr := restore.Wait()
	if psqlErr != nil {
		return fmt.Errorf("restore into %s (nothing was changed): %w", t.what, psqlErr)
	}
	if waitErr != nil {
		return fmt.Errorf("restore into %s (nothing was changed): pg_restore: %s", t.what, config.Mask(strings.TrimSpace(restoreErr.String()), secrets...))
	}

	// The restored schema against this binary's migrations.
	st, err = store.Open(ctx, t.dsn, store.Options{MaxConns: 2, AppName: "vger-restore"})
	if err != nil {
		return errors.New(config.Mask(err.Error(), secrets...))
	}
	status, err = st.CheckSchema(ctx)
	switch {
	case errors.Is(err, store.ErrSchemaOutdated):
		fmt.Fprintf(out, "restored %s into %s; its schema (version %d) is older than this vger's (%d): run `vger migrate` before starting vger\n",
			opts.File, t.what, status.AppCurrent, status.AppTarget)
		return nil
	case err != nil:
		return fmt.Errorf("restored %s into %s, but: %w", opts.File, t.what, err)
	}
	fmt.Fprintf(out, "restored %s into %s (schema %d, job queue %d: current)\n", opts.File, t.what, status.AppCurrent, status.RiverCurrent)
	return nil
}

// dumpSchemaVersion reads the highest applied migration from the backup's
// goose_db_version rows; a file without them is not a Vger backup.
func (t *dumpTarget) dumpSchemaVersion(ctx context.Context, file string, secrets []string) (int64, error) {
	cmd, err := t.command(ctx, "pg_restore", "--data-only", "--table=goose_db_version", "--file=-", file)
	if err != nil {
		return 0, err
	}
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := run(cmd, secrets); err != nil {
		return 0, fmt.Errorf("%s is not a backup vger can read (make one with vger backup or pg_dump --format=custom): %w", file, err)
	}
	var version int64
	found, inCopy := false, false
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "COPY ") && strings.Contains(line, "goose_db_version"):
			inCopy, found = true, true
		case inCopy && line == `\.`:
			inCopy = false
		case inCopy:
			f := strings.Split(line, "\t")
			if len(f) >= 3 && f[2] == "t" {
				if v, err := strconv.ParseInt(f[1], 10, 64); err == nil && v > version {
					version = v
				}
			}
		}
	}
	if !found {
		return 0, fmt.Errorf("%s holds no Vger schema (no goose_db_version table): is it a Vger backup?", file)
	}
	return version, nil
}
