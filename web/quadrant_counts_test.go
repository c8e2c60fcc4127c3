package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/benchdata"
	"github.com/vger-dev/vger/internal/sim"
	vsync "github.com/vger-dev/vger/internal/sync"
)

// The quadrant and its exports read stored weekly counts and the facts of
// their window (the fast path) when the board has counts, and every fact
// otherwise. On simulated boards (the benchmark loader at a small size)
// both give byte-identical pages, JSON and CSVs for many ranges, work
// types, windows and backlog modes.
func TestQuadrantFromCountsEqualsFromEveryFact(t *testing.T) {
	t.Parallel()
	s, st := newServer(t)
	now := sim.DefaultStart.Add(20 * 24 * time.Hour)
	s.Now = func() time.Time { return now }
	ctx := context.Background()
	if _, err := benchdata.Build(ctx, st, benchdata.Options{Seed: 3, Issues: 1500, PRs: 50, Teams: 5, Now: s.Now}); err != nil {
		t.Fatal(err)
	}
	boards, err := st.Boards(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, b := range boards[:2] {
		path := "/teams/" + b.TeamSlug + "/boards/" + b.Slug
		for _, q := range []string{"", "?weeks=52", "?weeks=156&backlog=absolute", "?weeks=13&window=4", "?from=2025-01-01&to=2025-06-30",
			"?weeks=52&type=Bug", "?weeks=104&type=Story&type=Task&window=26", "?from=2023-01-01&to=2024-03-01&backlog=absolute"} {
			sep := "&"
			if q == "" {
				sep = "?"
			}
			urls = append(urls, path+q, path+q+sep+"format=json", path+"/throughput.csv"+q, path+"/leadtime.csv"+q, path+"/chart/states.svg"+q)
		}
	}
	fast := map[string]string{}
	for _, u := range urls {
		resp, body := get(t, s, u)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", u, resp.StatusCode, body)
		}
		fast[u] = body
	}
	// A view overriding the day mode (replayed from the histories) shows
	// what the stored facts of a board set to that day mode show.
	b := boards[0]
	path := "/teams/" + b.TeamSlug + "/boards/" + b.Slug
	_, replayed := get(t, s, path+"?weeks=52&days=calendar&format=json")
	if _, err := st.Pool.Exec(ctx, `UPDATE boards SET day_mode = 'calendar' WHERE id = $1`, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := (&vsync.Syncer{Store: st, Now: s.Now}).RebuildFacts(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, stored := get(t, s, path+"?weeks=52&format=json"); stored != replayed || !strings.Contains(stored, `"day_mode": "calendar"`) {
		t.Errorf("the replayed calendar-day view differs from the stored one:\n%s\n%s", replayed, stored)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE boards SET day_mode = 'working' WHERE id = $1`, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := (&vsync.Syncer{Store: st, Now: s.Now}).RebuildFacts(ctx, b.ID); err != nil {
		t.Fatal(err)
	}

	if _, err := st.Pool.Exec(ctx, `DELETE FROM board_aggregates`); err != nil {
		t.Fatal(err)
	}
	for _, u := range urls {
		_, body := get(t, s, u)
		if body != fast[u] {
			t.Errorf("%s: the page from weekly counts differs from the one from every fact", u)
		}
	}
}
