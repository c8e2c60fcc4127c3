package sync_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/sim"
	"github.com/vger-dev/vger/internal/store"
)

// TestRebuildStoresBlockedInState: the facts rebuild stores each done
// issue's blocked time per state beside its time per state, and the
// quadrant's narrow read of the window's delivered facts returns it: per
// state within the time in that state, adding up to the issue's blocked
// time.
func TestRebuildStoresBlockedInState(t *testing.T) {
	t.Parallel()
	e := setup(t, sim.Options{Seed: 11, Issues: 400, Mode: sim.ModeCloud})
	e.syncAll(t, false)
	ctx := context.Background()
	blockedFacts := 0
	for _, id := range e.boards {
		facts, err := e.store.Facts(ctx, id, false)
		if err != nil {
			t.Fatal(err)
		}
		byKey := map[string][]float64{}
		for _, f := range facts {
			if f.TimeInState == nil {
				if f.BlockedInState != nil {
					t.Errorf("%s: blocked per state without time per state", f.Key)
				}
				continue
			}
			if len(f.BlockedInState) != len(f.TimeInState) || f.BlockedOutside == nil || f.Blocked == nil {
				t.Fatalf("%s: blocked per state %v (outside %v) beside time per state %v", f.Key, f.BlockedInState, f.BlockedOutside, f.TimeInState)
			}
			sum := *f.BlockedOutside
			for i, v := range f.BlockedInState {
				if v < 0 || v > f.TimeInState[i]+1e-9 {
					t.Errorf("%s: state %d blocked %v of %v", f.Key, i, v, f.TimeInState[i])
				}
				sum += v
			}
			if math.Abs(sum-*f.Blocked) > 1e-9*math.Max(1, *f.Blocked) {
				t.Errorf("%s: blocked per state sums to %v, blocked %v", f.Key, sum, *f.Blocked)
			}
			if *f.Blocked > 0 {
				blockedFacts++
			}
			if f.Delivered {
				byKey[f.Type+"|"+f.StartedAt.String()+"|"+f.DoneAt.String()] = append(f.BlockedInState, *f.BlockedOutside)
			}
		}
		var lead []store.LeadFact
		_, err = e.store.QuadrantFacts(ctx, id, time.Unix(0, 0), e.sim.Now().Add(time.Hour),
			func(f *store.LeadFact) { lead = append(lead, *f) })
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range lead {
			if f.TimeInState == nil {
				continue
			}
			want, ok := byKey[f.Type+"|"+f.StartedAt.String()+"|"+f.DoneAt.String()]
			got := append(append([]float64(nil), f.BlockedInState...), f.BlockedOutside)
			if !ok || !f.HasBlockedOutside || len(got) != len(want) {
				t.Fatalf("quadrant read: blocked per state %v, want %v", got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("quadrant read: blocked per state %v, facts %v", got, want)
					break
				}
			}
		}
	}
	if blockedFacts == 0 {
		t.Fatal("no done issue was ever blocked: the test proves nothing")
	}
}
