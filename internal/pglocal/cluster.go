package pglocal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// SuperUser is the role initdb creates; the cluster trusts local socket
// connections only (no TCP listener), so it needs no password.
const SuperUser = "vger"

// maxSocketPath keeps "<dir>/.s.PGSQL.<port>" under the 107-byte limit of
// sun_path with room to spare.
const maxSocketPath = 90

// Cluster is one PostgreSQL data directory and where its socket lives.
type Cluster struct {
	Bin       Binaries
	Dir       string // PGDATA
	SocketDir string
	Port      int
	own       owner
}

// DSN is a pgx/libpq connection string for one database of the cluster.
func (c *Cluster) DSN(dbname string) string {
	return fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable", quoteDSN(c.SocketDir), c.Port, SuperUser, quoteDSN(dbname))
}

func quoteDSN(s string) string {
	if s != "" && !strings.ContainsAny(s, ` '\`) {
		return s
	}
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])[:12]
}

// socketDirFor picks a socket directory short enough for sun_path.
func socketDirFor(clusterDir string, port int) string {
	if len(clusterDir)+len("/.s.PGSQL.")+len(strconv.Itoa(port)) <= maxSocketPath {
		return clusterDir
	}
	return filepath.Join(os.TempDir(), "vger-sock-"+shortHash(clusterDir))
}

// run executes a server program as the cluster's owner.
func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, c.Bin.Path(name), args...)
	cmd.Dir = "/" // the owner may not be allowed into our working directory
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.own.cred, Setsid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, lastLines(out.String(), 6))
	}
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// prepareDirs creates the cluster and socket directories for the owner.
func (c *Cluster) prepareDirs() error {
	for _, d := range []string{c.Dir, c.SocketDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
		if err := c.own.chown(d); err != nil {
			return fmt.Errorf("give %s to the %s user: %w", d, c.own.name, err)
		}
	}
	return nil
}

// initdb creates a new cluster in c.Dir with extra settings appended.
func (c *Cluster) initdb(ctx context.Context, noSync bool, settings map[string]string) error {
	if err := c.prepareDirs(); err != nil {
		return err
	}
	args := []string{"-D", c.Dir, "-U", SuperUser, "--auth=trust", "-E", "UTF8", "--no-locale"}
	if noSync {
		args = append(args, "--no-sync")
	}
	if err := c.run(ctx, "initdb", args...); err != nil {
		return err
	}
	conf := map[string]string{
		"listen_addresses":        "''",
		"unix_socket_directories": "'" + strings.ReplaceAll(c.SocketDir, "'", "''") + "'",
		"unix_socket_permissions": "0700",
		"port":                    strconv.Itoa(c.Port),
		"max_connections":         "200",
		"logging_collector":       "off",
	}
	for k, v := range settings {
		conf[k] = v
	}
	var b strings.Builder
	b.WriteString("\n# Written by vger (internal/pglocal).\n")
	for _, k := range slices.Sorted(maps.Keys(conf)) {
		fmt.Fprintf(&b, "%s = %s\n", k, conf[k])
	}
	f, err := os.OpenFile(filepath.Join(c.Dir, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Version reads the major version that created the cluster (0: none yet).
func (c *Cluster) Version() (int, error) {
	b, err := os.ReadFile(filepath.Join(c.Dir, "PG_VERSION"))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

// running reports whether the cluster's postmaster is alive.
func (c *Cluster) running() bool {
	pid, _ := postmasterPID(c.Dir)
	return pid > 0 && processAlive(pid)
}

// postmasterPID reads postmaster.pid: its PID and its status line.
func postmasterPID(dir string) (int, string) {
	b, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		return 0, ""
	}
	lines := strings.Split(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(lines[0]))
	status := ""
	if len(lines) > 7 {
		status = strings.TrimSpace(lines[7])
	}
	return pid, status
}

// processAlive reports whether pid runs; a zombie (exited, not yet reaped
// by an init that may never reap it) counts as gone.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		if i := strings.LastIndexByte(string(b), ')'); i > 0 && i+2 < len(b) && b[i+2] == 'Z' {
			return false
		}
	}
	return true
}

// ensureDatabase creates dbname if it does not exist.
func (c *Cluster) ensureDatabase(ctx context.Context, dbname string) error {
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		return fmt.Errorf("connect to private cluster: %w", err)
	}
	defer conn.Close(context.Background())
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", dbname).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{dbname}.Sanitize())
	return err
}

// waitReady polls postmaster.pid until the server says "ready" or the
// process exits. Polling is the only signal postgres gives a non-parent.
func waitReady(ctx context.Context, dir string, exited <-chan struct{}) error {
	t := time.NewTicker(15 * time.Millisecond)
	defer t.Stop()
	for {
		if _, status := postmasterPID(dir); status == "ready" {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-exited:
			return errors.New("postgres exited during start")
		case <-t.C:
		}
	}
}
