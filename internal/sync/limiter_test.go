package sync_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/pgtest"
	vsync "github.com/vger-dev/vger/internal/sync"
)

// Two limiters with one key (two workers, one credential) share a single
// budget: burst 2 at one request per 1000 s, so the 3rd..6th reservations
// wait 1000 s more each. (A slow rate makes the refill during the test,
// however slow the machine, negligible.)
func TestLimiterSharedBudget(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t)
	var waits []time.Duration
	rec := func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	key := vsync.BucketKey("jira", "https://x.atlassian.net", "canary-token")
	if strings.Contains(key, "canary") {
		t.Fatalf("key reveals the credential: %s", key)
	}
	a := &vsync.Limiter{Store: st, Key: key, Rate: 0.001, Burst: 2, Sleep: rec}
	b := &vsync.Limiter{Store: st, Key: key, Rate: 0.001, Burst: 2, Sleep: rec}
	for i := 0; i < 3; i++ {
		if err := a.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := b.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// Balance after each reservation: 1, 0, -1, -2, -3, -4 tokens; a
	// negative balance b waits -b/rate = 1000·(-b) s, less what refilled
	// meanwhile (10 s of test time would be 0.01 token = 10 s of wait).
	want := []float64{0, 0, 1000, 2000, 3000, 4000}
	for i, w := range waits {
		if got := w.Seconds(); got < want[i]-10 || got > want[i]+0.001 {
			t.Fatalf("wait %d = %v, want about %.1fs (all %v)", i, w, want[i], waits)
		}
	}
}
