package app

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/vger-dev/vger/internal/config"
	"github.com/vger-dev/vger/internal/pglocal"
	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/migrations"
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
// empty. A database holding only Vger's schema with no rows (as `vger
// migrate` leaves it, e.g. docker-compose's migrate service) counts as
// empty: its schema is replaced. It runs in one transaction: a restore that
// fails changes nothing. Running servers and workers must be stopped first.
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
	c, err := inspectContents(ctx, st.Pool)
	if err != nil {
		return fmt.Errorf("inspect %s: %w", t.what, err)
	}
	if len(c.data) > 0 && !opts.Force {
		return fmt.Errorf("%w: %s holds %s; restore into an empty database (one `vger migrate` created is fine), or add --force to replace its contents",
			ErrNotEmpty, t.what, describeData(c.data))
	}
	st.Close()

	// pg_restore writes SQL wrapped in BEGIN ... COMMIT (--single-transaction),
	// which psql runs after emptying the schema: all or nothing. COMMIT
	// comes last, so a backup that cannot be read to its end ends psql's
	// input inside the transaction, and the server rolls it back.
	restore, err := t.command(ctx, "pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--file=-", opts.File)
	if err != nil {
		return err
	}
	pre := "BEGIN"
	switch {
	case len(c.data) > 0: // --force
		pre += "; DROP SCHEMA public CASCADE; CREATE SCHEMA public"
	case c.relations > 0:
		// Only Vger's empty schema: replaced, once its tables are locked and
		// still empty (nothing may have written since they were checked).
		pre += "; " + c.replaceEmptySchema()
	}
	psql, err := t.command(ctx, "psql", "--no-psqlrc", "--quiet", "--no-password",
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
	if c.relations > 0 && len(c.data) == 0 {
		fmt.Fprintf(out, "replaced the empty Vger schema of %s\n", t.what)
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

// bookkeeping are the tables whose rows are not data: schema versions,
// River's leader, queues, clients and notification outbox, and the shared
// rate budgets (keyed by a hash). A database with rows only there is empty.
var bookkeeping = []string{"goose_db_version", "river_migration", "river_leader", "river_queue",
	"river_client", "river_client_queue", "river_notification", "rate_buckets"}

var createTable = regexp.MustCompile(`(?i)\bCREATE\s+(?:UNLOGGED\s+)?(?:TABLE|MATERIALIZED\s+VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:/\*[^*]*\*/\s*)?(?:public\.)?"?([a-z_][a-z0-9_]*)"?`)

// vgerTables are the tables Vger's migrations and River's create (river_job
// holds jobs: data).
var vgerTables = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{"goose_db_version": true}
	add := func(sql string) {
		for _, m := range createTable.FindAllStringSubmatch(sql, -1) {
			out[strings.ToLower(m[1])] = true
		}
	}
	files, _ := fs.Glob(migrations.FS, "*.sql")
	for _, f := range files {
		b, _ := fs.ReadFile(migrations.FS, f)
		add(string(b))
	}
	if m, err := rivermigrate.New(riverpgxv5.New(nil), nil); err == nil {
		for _, v := range m.AllVersions() {
			add(v.SQLUp)
		}
	}
	return out
})

// contents is what a database holds, as far as a restore cares.
type contents struct {
	relations int      // tables, views, sequences, ... outside the system schemas
	tables    []string // Vger's tables in public, bookkeeping excepted
	data      []string // what makes it not empty: Vger tables with rows, other relations
}

// inspectContents tells a database that holds data (or anything but
// Vger's) from an empty one, or one holding only Vger's empty schema.
func inspectContents(ctx context.Context, pool interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
	QueryRow(context.Context, string, ...any) pgx.Row
}) (contents, error) {
	var c contents
	rows, err := pool.Query(ctx, `SELECT n.nspname, c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
		AND n.nspname NOT LIKE 'pg\_temp%' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') ORDER BY 1, 2`)
	if err != nil {
		return c, err
	}
	type rel struct{ schema, name, kind string }
	rels, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (rel, error) {
		var x rel
		return x, r.Scan(&x.schema, &x.name, &x.kind)
	})
	if err != nil {
		return c, err
	}
	c.relations = len(rels)
	known := vgerTables()
	for _, r := range rels {
		switch {
		case r.schema != "public":
			c.data = append(c.data, r.schema+"."+r.name+" (not Vger's)")
		case r.kind == "v" || r.kind == "S":
			// Views and sequences hold no rows of their own: schema.
		case !known[r.name] || r.kind == "f":
			c.data = append(c.data, r.name+" (not Vger's)")
		case slices.Contains(bookkeeping, r.name):
		default:
			c.tables = append(c.tables, r.name)
			var n int64
			if err := pool.QueryRow(ctx, "SELECT count(*) FROM (SELECT 1 FROM public."+pgx.Identifier{r.name}.Sanitize()+" LIMIT 1000) t").Scan(&n); err != nil {
				return c, err
			}
			switch {
			case n == 1:
				c.data = append(c.data, r.name+" (1 row)")
			case n >= 1000:
				c.data = append(c.data, r.name+" (1000 rows or more)")
			case n > 0:
				c.data = append(c.data, fmt.Sprintf("%s (%d rows)", r.name, n))
			}
		}
	}
	return c, nil
}

// describeData names what a database holds, briefly.
func describeData(data []string) string {
	if len(data) > 6 {
		return strings.Join(data[:6], ", ") + fmt.Sprintf(" and %d more", len(data)-6)
	}
	return strings.Join(data, ", ")
}

// replaceEmptySchema is the SQL that drops Vger's empty schema inside the
// restore's transaction: its tables are locked first, and the restore
// fails, changing nothing, if any has a row by then.
func (c contents) replaceEmptySchema() string {
	var b strings.Builder
	if len(c.tables) > 0 {
		var names, checks []string
		for _, n := range c.tables {
			id := "public." + pgx.Identifier{n}.Sanitize()
			names = append(names, id)
			checks = append(checks, "EXISTS (SELECT 1 FROM "+id+")")
		}
		b.WriteString("LOCK TABLE " + strings.Join(names, ", ") + " IN ACCESS EXCLUSIVE MODE; ")
		b.WriteString("DO $$ BEGIN IF " + strings.Join(checks, " OR ") +
			" THEN RAISE EXCEPTION 'the database received data while the restore started: stop every vger process, then restore again (add --force to replace data)'; END IF; END $$; ")
	}
	b.WriteString("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
	return b.String()
}
