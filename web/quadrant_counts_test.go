package web_test

import (
	"context"
	"strings"
	"testing"

	vsync "github.com/vger-dev/vger/internal/sync"
)

// The quadrant and its exports read stored weekly counts and the facts of
// their window (the fast path) when the board has counts, and every fact
// otherwise. On simulated boards (the benchmark loader at a small size)
// both give byte-identical pages, JSON and CSVs for many ranges, work
// types, windows and backlog modes.
func TestQuadrantFromCountsEqualsFromEveryFact(t *testing.T) {
	t.Parallel()
	s, st, boards := benchServer(t, 3)
	ctx := context.Background()
	var urls []string
	for _, b := range boards[:2] {
		path := "/teams/" + b.TeamSlug + "/boards/" + b.Slug
		for _, q := range []string{"", "?weeks=52", "?weeks=156&backlog=absolute", "?weeks=13&window=4", "?from=2025-01-01&to=2025-06-30",
			"?weeks=52&type=Bug", "?weeks=104&type=Story&type=Task&window=26", "?from=2023-01-01&to=2024-03-01&backlog=absolute"} {
			urls = append(urls, path+q, withParam(path+q, "format=json"), path+"/throughput.csv"+q, path+"/leadtime.csv"+q, path+"/chart/states.svg"+q)
		}
	}
	fast := bodies(t, s, urls)
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
	for _, u := range changed(t, s, fast, urls) {
		t.Errorf("%s: the page from weekly counts differs from the one from every fact", u)
	}
}
