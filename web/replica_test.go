package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/benchdata"
	"github.com/vger-dev/vger/internal/pgtest"
	"github.com/vger-dev/vger/internal/sim"
)

// With a replica, board views read it (here: a copy whose weekly counts
// say a thousand more items were delivered each week) while the board
// itself is found on the primary.
func TestBoardViewsReadTheReplica(t *testing.T) {
	t.Parallel()
	s, st := newServer(t)
	replica := pgtest.Store(t)
	now := sim.DefaultStart.Add(7 * 24 * time.Hour)
	s.Now = func() time.Time { return now }
	ctx := context.Background()
	o := benchdata.Options{Seed: 5, Issues: 600, PRs: 20, Teams: 5, Now: s.Now}
	if _, err := benchdata.Build(ctx, st, o); err != nil {
		t.Fatal(err)
	}
	if _, err := benchdata.Build(ctx, replica, o); err != nil {
		t.Fatal(err)
	}
	boards, err := st.Boards(ctx)
	if err != nil {
		t.Fatal(err)
	}
	path := "/teams/" + boards[0].TeamSlug + "/boards/" + boards[0].Slug + "?weeks=52&format=json"
	_, primary := get(t, s, path)
	if _, err := replica.Pool.Exec(ctx, `UPDATE board_weekly_counts SET delivered = delivered + 1000`); err != nil {
		t.Fatal(err)
	}
	s.Replica = replica
	_, fromReplica := get(t, s, path)
	if fromReplica == primary || !strings.Contains(fromReplica, `"throughput": 10`) {
		t.Errorf("the page did not come from the replica:\n%.400s", fromReplica)
	}
	s.Replica = nil
	if _, again := get(t, s, path); again != primary {
		t.Error("without a replica the page changed")
	}
}
