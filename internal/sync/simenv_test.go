package sync_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/pgtest"
	"github.com/vger-dev/vger/internal/retry"
	"github.com/vger-dev/vger/internal/sim"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
	"github.com/vger-dev/vger/internal/synctest"
)

// simEnv is what the JIRA and the GitHub end-to-end tests share: the
// simulator on loopback, reached through a retry transport that counts
// retries, and a Syncer on a database of the test's own.
type simEnv struct {
	sim     *sim.Sim
	url     string // the simulator's base URL: + "/jira/" or "/github/"
	tr      *retry.Transport
	retries *retryCounter
	store   *store.Store
	syncer  *vsync.Syncer
}

// newSimEnv serves the simulator for the test; its transport sleeps with
// sleep (nil: never waits). The caller gives the Syncer its source.
func newSimEnv(t *testing.T, opts sim.Options, sleep func(ctx context.Context, d time.Duration) error) *simEnv {
	t.Helper()
	s, url := synctest.ServeSim(t, opts)
	tr := noWait()
	if sleep != nil {
		tr.Sleep = sleep
	}
	counter := &retryCounter{}
	tr.Observer = counter
	st := pgtest.Store(t)
	return &simEnv{sim: s, url: url, tr: tr, retries: counter, store: st, syncer: &vsync.Syncer{Store: st, Now: s.Now}}
}

// noWait is a retry transport that retries at once.
func noWait() *retry.Transport {
	tr := retry.New(nil)
	tr.Sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	return tr
}

type retryCounter struct{ n, notModified atomic.Int64 }

func (c *retryCounter) Attempt(host string, status int, wait time.Duration, err error) {
	if status >= 400 || err != nil {
		c.n.Add(1)
	}
	if status == 304 {
		c.notModified.Add(1)
	}
}
