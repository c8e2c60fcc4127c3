package benchdata_test

import (
	"context"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/benchdata"
	"github.com/vger-dev/vger/internal/pgtest"
	"github.com/vger-dev/vger/internal/sim"
	"github.com/vger-dev/vger/internal/synctest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The bulk loader stores what a sync of the same simulator stores: the
// shared truth check of the sync tests passes on it, and every board has
// facts for each of its issues.
func TestBuildMatchesTruth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pgtest.Store(t)
	o := benchdata.Options{Seed: 7, Issues: 3000, PRs: 400, Teams: 13, Portfolios: []int{250, 600}, Chunk: 700,
		Now: func() time.Time { return sim.DefaultStart }}
	rep, err := benchdata.Build(ctx, st, o)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.New(sim.Options{Seed: o.Seed, Issues: o.Issues, PRs: o.PRs, Teams: o.Teams})
	if err != nil {
		t.Fatal(err)
	}
	boards := map[int]int64{}
	all, err := st.Boards(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range all {
		if b.JiraBoardID < 99990 {
			boards[int(b.JiraBoardID)] = b.ID
		}
	}
	synctest.CheckAgainstTruth(t, st, s, boards)
	var repos []string
	for _, r := range s.Repos() {
		repos = append(repos, r.FullName)
	}
	synctest.CheckReposAgainstTruth(t, st, s, repos)

	if rep.Boards != o.Teams+2 || len(rep.PortfolioIssues) != 2 || rep.PortfolioIssues[0] < int64(o.Portfolios[0])*3/4 ||
		rep.PortfolioIssues[1] <= rep.PortfolioIssues[0] || rep.Issues != int64(o.Issues) {
		t.Errorf("report %+v: want %d boards, portfolios of about %v issues, %d issues", rep, o.Teams+2, o.Portfolios, o.Issues)
	}
	for _, b := range all {
		var members, facts int
		st.Pool.QueryRow(ctx, `SELECT count(*) FROM board_issues WHERE board_id = $1`, b.ID).Scan(&members)
		st.Pool.QueryRow(ctx, `SELECT count(*) FROM board_issue_facts WHERE board_id = $1`, b.ID).Scan(&facts)
		if members == 0 || facts != members {
			t.Errorf("board %s: %d issues, %d facts", b.Slug, members, facts)
		}
		// The status shows the live issue count stored at the rebuild.
		status, err := st.BoardStatus(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		live, err := st.BoardIssueCount(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if int64(status.Issues) != live {
			t.Errorf("board %s: status says %d issues, %d live", b.Slug, status.Issues, live)
		}
	}
	if _, err := benchdata.Build(ctx, st, o); err == nil {
		t.Error("a second build into the same database succeeded")
	}
}
