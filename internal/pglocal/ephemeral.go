package pglocal

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// Ephemeral is a throwaway cluster owned by this process: started as a
// child that dies with us (parent-death signal), tuned for speed over
// durability, and removed by Stop. Tests use it; the product never does.
type Ephemeral struct {
	*Cluster
	root   string
	cmd    *exec.Cmd
	exited chan struct{}
}

// ephemeralPrefix names the temp directories so stale ones can be swept.
const ephemeralPrefix = "vger-pgtest-"

// StartEphemeral initialises and starts a new cluster in a fresh temporary
// directory outside any 0700 parent, so the server account can reach it.
func StartEphemeral(ctx context.Context) (*Ephemeral, error) {
	own, err := currentOwner()
	if err != nil {
		return nil, err
	}
	bin, err := FindBinaries(0)
	if err != nil {
		return nil, err
	}
	sweepStale()
	root, err := os.MkdirTemp("", ephemeralPrefix)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(root, 0o755); err != nil {
		return nil, err
	}
	dir := filepath.Join(root, "data")
	c := &Cluster{Bin: bin, Dir: dir, SocketDir: root + "/s", Port: 5432, own: own}
	e := &Ephemeral{Cluster: c, root: root, exited: make(chan struct{})}
	err = c.initdb(ctx, true, map[string]string{
		"fsync":              "off",
		"synchronous_commit": "off",
		"full_page_writes":   "off",
		"shared_buffers":     "'64MB'",
		"max_connections":    "300",
		"log_min_messages":   "'warning'",
		"checkpoint_timeout": "'1h'",
		"max_wal_size":       "'1GB'",
		"autovacuum":         "off",
		"jit":                "off",
	})
	if err != nil {
		os.RemoveAll(root)
		return nil, err
	}
	if err := e.start(); err != nil {
		os.RemoveAll(root)
		return nil, err
	}
	readyCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := waitReady(readyCtx, dir, e.exited); err != nil {
		e.Stop()
		return nil, fmt.Errorf("start test cluster: %w (log: %s)", err, lastLines(readLog(root), 5))
	}
	return e, nil
}

// start runs postgres as our child. The thread that forks is locked and
// parked until the child exits, because Linux sends the parent-death signal
// when the forking *thread* ends, not the process.
func (e *Ephemeral) start() error {
	logf, err := os.Create(filepath.Join(e.root, "postgres.log"))
	if err != nil {
		return err
	}
	e.own.chown(logf.Name())
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer logf.Close()
		cmd := exec.Command(e.Bin.Path("postgres"), "-D", e.Dir)
		cmd.Dir = "/"
		cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
		cmd.Stdout, cmd.Stderr = logf, logf
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: e.own.cred, Pdeathsig: syscall.SIGQUIT, Setpgid: true}
		if err := cmd.Start(); err != nil {
			started <- err
			close(e.exited)
			return
		}
		e.cmd = cmd
		started <- nil
		cmd.Wait()
		close(e.exited)
	}()
	return <-started
}

// Stop shuts the server down (fast mode) and removes its files.
func (e *Ephemeral) Stop() {
	if e.cmd != nil && e.cmd.Process != nil {
		e.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-e.exited:
		case <-time.After(30 * time.Second):
			e.cmd.Process.Signal(syscall.SIGQUIT)
			<-e.exited
		}
	}
	os.RemoveAll(e.root)
}

func readLog(root string) string {
	b, _ := os.ReadFile(filepath.Join(root, "postgres.log"))
	return string(b)
}

// sweepStale removes clusters left behind by test binaries that died
// (their postgres died with them; only files remain).
func sweepStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), ephemeralPrefix+"*"))
	for _, d := range dirs {
		fi, err := os.Stat(d)
		if err != nil || time.Since(fi.ModTime()) < 10*time.Minute {
			continue
		}
		pid, _ := postmasterPID(filepath.Join(d, "data"))
		if pid > 0 && processAlive(pid) {
			continue
		}
		if strings.HasPrefix(filepath.Base(d), ephemeralPrefix) {
			os.RemoveAll(d)
		}
	}
}
