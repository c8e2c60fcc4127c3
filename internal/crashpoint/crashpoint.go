// Package crashpoint lets crash tests kill the process at a named point,
// e.g. inside a write transaction, to prove that a sync killed anywhere
// loses nothing. It does nothing unless VGER_CRASHPOINT is set, which only
// tests do.
package crashpoint

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

var (
	once  sync.Once
	point string
	at    int64
	hits  atomic.Int64
)

func load() {
	v := os.Getenv("VGER_CRASHPOINT") // NAME or NAME:N (the Nth time it is reached)
	if v == "" {
		return
	}
	name, n, _ := strings.Cut(v, ":")
	point, at = name, 1
	if k, err := strconv.ParseInt(n, 10, 64); err == nil && k > 0 {
		at = k
	}
}

// Hit kills the process with SIGKILL (no deferred code, no cleanup, like
// a power cut) when name is the configured point and its count is reached.
func Hit(name string) {
	once.Do(load)
	if point == "" || name != point {
		return
	}
	if hits.Add(1) == at {
		os.Stderr.WriteString("crashpoint: killing the process at " + name + "\n")
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // never returns
	}
}
