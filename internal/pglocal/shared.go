package pglocal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// DatabaseName is the database the product uses inside its private cluster.
const DatabaseName = "vger"

// location is recorded in the data directory so every later run, and every
// process sharing the directory, finds the same cluster.
type location struct {
	ClusterDir string `json:"cluster_dir"`
	SocketDir  string `json:"socket_dir"`
	Port       int    `json:"port"`
}

// Handle is one process's use of the shared private cluster. The first
// process to open a data directory starts the cluster; the last to Close it
// stops it. A process that dies without Close leaves the cluster running for
// the next one to reuse, never stopped under a live user.
type Handle struct {
	Cluster *Cluster
	DSN     string
	users   *os.File // shared flock held while this process uses the cluster
	dataDir string
	log     *slog.Logger
	started bool
}

// Open starts (or joins) the private cluster for dataDir and returns a
// handle whose DSN points at the product database.
func Open(ctx context.Context, dataDir string, log *slog.Logger) (*Handle, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	gate, err := lockFile(filepath.Join(dataDir, "pglocal.lock"), syscall.LOCK_EX)
	if err != nil {
		return nil, err
	}
	defer gate.Close()

	own, err := currentOwner()
	if err != nil {
		return nil, err
	}
	loc, err := loadOrChooseLocation(dataDir, own)
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: loc.ClusterDir, SocketDir: loc.SocketDir, Port: loc.Port, own: own}
	have, err := c.Version()
	if err != nil {
		return nil, fmt.Errorf("read cluster version in %s: %w", c.Dir, err)
	}
	c.Bin, err = FindBinaries(have)
	if err != nil {
		return nil, err
	}
	if have != 0 && have != c.Bin.Major {
		return nil, versionMismatch(c.Dir, have, c.Bin.Major)
	}
	h := &Handle{Cluster: c, DSN: c.DSN(DatabaseName), dataDir: dataDir, log: log}
	if have == 0 {
		log.Info("creating private PostgreSQL cluster", "dir", c.Dir, "version", c.Bin.Major)
		if err := c.initdb(ctx, false, nil); err != nil {
			return nil, fmt.Errorf("initialise private PostgreSQL cluster in %s: %w", c.Dir, err)
		}
	}
	if !c.running() {
		if err := c.prepareDirs(); err != nil { // the socket dir may have been cleaned from /tmp
			return nil, err
		}
		log.Info("starting private PostgreSQL cluster", "dir", c.Dir)
		logFile := filepath.Join(c.Dir, "server.log")
		if err := c.run(ctx, "pg_ctl", "start", "-w", "-t", "120", "-D", c.Dir, "-l", logFile); err != nil {
			return nil, fmt.Errorf("start private PostgreSQL cluster (log: %s): %w", logFile, err)
		}
		h.started = true
	}
	if err := c.ensureDatabase(ctx, DatabaseName); err != nil {
		return nil, err
	}
	h.users, err = lockFile(filepath.Join(dataDir, "pglocal.users"), syscall.LOCK_SH)
	if err != nil {
		return nil, err
	}
	return h, nil
}

// Close releases this process's use and stops the cluster if no other
// process still uses it.
func (h *Handle) Close() error {
	if h == nil || h.users == nil {
		return nil
	}
	gate, err := lockFile(filepath.Join(h.dataDir, "pglocal.lock"), syscall.LOCK_EX)
	if err != nil {
		return err
	}
	defer gate.Close()
	h.users.Close()
	h.users = nil
	last, err := os.OpenFile(filepath.Join(h.dataDir, "pglocal.users"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer last.Close()
	if err := syscall.Flock(int(last.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		h.log.Info("private PostgreSQL cluster still in use by another vger process; leaving it running")
		return nil
	}
	h.log.Info("stopping private PostgreSQL cluster", "dir", h.Cluster.Dir)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return h.Cluster.run(ctx, "pg_ctl", "stop", "-w", "-m", "fast", "-D", h.Cluster.Dir)
}

func lockFile(path string, how int) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return f, nil
}

func loadOrChooseLocation(dataDir string, own owner) (location, error) {
	path := filepath.Join(dataDir, "cluster.json")
	b, err := os.ReadFile(path)
	if err == nil {
		var loc location
		if err := json.Unmarshal(b, &loc); err != nil || loc.ClusterDir == "" {
			return location{}, fmt.Errorf("%s is damaged; move it away to create a new cluster", path)
		}
		return loc, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return location{}, err
	}
	loc := location{ClusterDir: filepath.Join(dataDir, "postgres"), Port: 5432}
	if !own.canReach(dataDir) {
		// The server account cannot enter the data directory (a 0700 home,
		// say), so the cluster lives in its own directory that it owns.
		loc.ClusterDir = filepath.Join("/var/tmp", "vger-"+shortHash(dataDir))
	}
	loc.SocketDir = socketDirFor(loc.ClusterDir, loc.Port)
	out, _ := json.MarshalIndent(loc, "", "  ")
	if err := os.WriteFile(path, append(out, '\n'), 0o644); err != nil {
		return location{}, fmt.Errorf("record cluster location: %w", err)
	}
	return loc, nil
}

func versionMismatch(dir string, have, bin int) error {
	return fmt.Errorf(`the private cluster in %s was created by PostgreSQL %d, but this machine has PostgreSQL %d server binaries.
Either install PostgreSQL %d's server package again, or upgrade the cluster:
  1. with PostgreSQL %d installed: pg_dumpall -h <socket dir> -U vger > vger.sql
  2. move %s away (keep it until the new one works)
  3. start vger once so it creates a PostgreSQL %d cluster, stop it, then: psql -h <socket dir> -U vger -d postgres -f vger.sql
(or use pg_upgrade with both versions installed; or set DATABASE_URL to use another server)`,
		dir, have, bin, have, have, dir, bin)
}

// Stop stops the cluster's server with pg_ctl's mode ("smart", "fast" or
// "immediate") under every process using it: operators (and the restart
// test) use it to check that the server and workers ride out an outage.
func (c *Cluster) Stop(ctx context.Context, mode string) error {
	return c.run(ctx, "pg_ctl", "stop", "-w", "-t", "120", "-m", mode, "-D", c.Dir)
}

// Start starts the cluster's server again after Stop (or a crash).
func (c *Cluster) Start(ctx context.Context) error {
	if err := c.prepareDirs(); err != nil {
		return err
	}
	logFile := filepath.Join(c.Dir, "server.log")
	if err := c.run(ctx, "pg_ctl", "start", "-w", "-t", "120", "-D", c.Dir, "-l", logFile); err != nil {
		return fmt.Errorf("start private PostgreSQL cluster (log: %s): %w", logFile, err)
	}
	return nil
}

// Running reports whether the cluster's server process is alive.
func (c *Cluster) Running() bool { return c.running() }
