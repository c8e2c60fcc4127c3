// Package benchdata builds the benchmark database of issue 13: a large
// simulated JIRA and GitHub (1M issues over 100 boards, 200k pull requests)
// copied straight from the simulator's generator into Postgres with COPY,
// not through a sync (which would take hours over HTTP), then every
// board's facts rebuilt exactly as after a sync. The boards are made by
// the same function as `vger board add` (sync.DefaultBoard), so the pages
// see what a real installation would.
//
// It is run by `make bench-data` through .ci/benchdata, never in CI.
package benchdata

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vger-dev/vger/internal/sim"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
)

// Options size the data set.
type Options struct {
	Seed   int64
	Issues int // JIRA issues (the generator's, deleted ones included)
	PRs    int // GitHub pull requests
	Teams  int // teams; each has one project, one board and 2-3 repositories
	// Portfolios adds, per size, a board over several teams' projects (of
	// one workflow) with about that many issues: the 100,000-issue board of
	// the facts-rebuild target and a board with 100,000 delivered items for
	// the CSV target, which no single team of the generator reaches.
	Portfolios []int
	// Parallel is how many boards' facts are rebuilt at once (default 2).
	Parallel int
	// Chunk is how many issues one COPY transaction carries (default 20000).
	Chunk int
	// Now is the clock for facts (default time.Now).
	Now func() time.Time
	Log io.Writer
}

// Report is what was built and how long each step took.
type Report struct {
	SimNow                             time.Time // the data's "now": the simulated clock
	Issues, StatusChanges, FlagChanges int64
	Boards, Repos, PRs, Tags           int
	PortfolioSlugs                     []string // team/board of each portfolio board
	PortfolioIssues                    []int64
	Generate, Load, Facts              time.Duration
	FactRows                           int64
	BiggestRebuild                     time.Duration // the slowest single board's rebuild
	BiggestRebuildBoard                string
}

// PortfolioTeam is the team that owns the portfolio board.
const PortfolioTeam = "Portfolio"

// Build fills an empty, migrated database.
func Build(ctx context.Context, st *store.Store, o Options) (Report, error) {
	if o.Parallel <= 0 {
		o.Parallel = 2
	}
	if o.Chunk <= 0 {
		o.Chunk = 20000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	logf := func(format string, args ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, format+"\n", args...)
		}
	}
	var rep Report
	boards, err := st.Boards(ctx)
	if err != nil {
		return rep, err
	}
	if len(boards) > 0 {
		return rep, errors.New("the database already has boards: bulk loading needs an empty one")
	}
	s, err := sim.New(sim.Options{Seed: o.Seed, Issues: o.Issues, PRs: o.PRs, Teams: o.Teams})
	if err != nil {
		return rep, err
	}
	rep.SimNow = s.Now()

	// Statuses and issue types, as the sync's metadata step stores them.
	var sts []store.JiraStatus
	for _, x := range s.Statuses() {
		sts = append(sts, store.JiraStatus{ID: x.ID, Name: x.Name, Category: x.Category})
	}
	if _, err := st.UpsertJiraStatuses(ctx, sts); err != nil {
		return rep, err
	}
	var types []store.JiraIssueType
	for _, x := range s.IssueTypes() {
		t := store.JiraIssueType{ID: x.ID, Name: x.Name, Subtask: x.Subtask}
		switch {
		case x.Subtask:
			t.HierarchyLevel = -1
		case x.Name == "Epic":
			t.HierarchyLevel = 1
		}
		types = append(types, t)
	}
	if _, err := st.UpsertJiraIssueTypes(ctx, types); err != nil {
		return rep, err
	}

	// Boards: one per team, as `vger board add` makes them, plus the portfolio.
	m, err := makeBoards(ctx, st, s, types, o)
	if err != nil {
		return rep, err
	}
	rep.Boards = len(m.ids)
	rep.PortfolioSlugs = m.portfolioSlugs
	rep.PortfolioIssues = make([]int64, len(m.portfolios))
	rep.Repos, err = makeRepos(ctx, st, s, m)
	if err != nil {
		return rep, err
	}
	logf("boards: %d (portfolios %v), repos: %d", rep.Boards, m.portfolioSlugs, rep.Repos)

	start := time.Now()
	if err := loadIssues(ctx, st, s, m, o, &rep, logf); err != nil {
		return rep, err
	}
	prs, tags, err := loadGitHub(ctx, st, s)
	if err != nil {
		return rep, err
	}
	rep.PRs, rep.Tags = prs, tags
	if err := st.MarkSynced(ctx, rep.SimNow); err != nil {
		return rep, err
	}
	if err := st.Analyze(ctx); err != nil {
		return rep, err
	}
	rep.Load = time.Since(start)
	logf("loaded %d issues, %d status changes, %d flag changes, %d pull requests, %d tags in %s",
		rep.Issues, rep.StatusChanges, rep.FlagChanges, rep.PRs, rep.Tags, rep.Load.Round(time.Second))

	start = time.Now()
	if err := rebuildFacts(ctx, st, o, nil, &rep, logf); err != nil {
		return rep, err
	}
	if err := st.Analyze(ctx); err != nil {
		return rep, err
	}
	rep.Facts = time.Since(start)
	return rep, nil
}

// boardMap is where issues and repositories go.
type boardMap struct {
	ids            []int64          // every board
	byProject      map[string]int64 // project key -> the team's board
	types          map[string][]string
	bySimBoard     map[int]int64
	portfolios     []int64
	portfolioSlugs []string
	// portfolioOf lists, per project key, the portfolio boards over it.
	portfolioOf map[string][]int64
}

func makeBoards(ctx context.Context, st *store.Store, s *sim.Sim, types []store.JiraIssueType, o Options) (*boardMap, error) {
	m := &boardMap{byProject: map[string]int64{}, types: map[string][]string{}, bySimBoard: map[int]int64{}, portfolioOf: map[string][]int64{}}
	zone := s.Options().UserTZ // AddBoard uses the JIRA user's zone
	sb := s.Boards()
	for _, tb := range sb {
		b, err := create(ctx, st, tb.Team, vsync.NewBoard{JiraBoardID: int64(tb.ID), TeamName: tb.Team}, trackerBoard(tb), zone, types)
		if err != nil {
			return nil, err
		}
		m.ids = append(m.ids, b.ID)
		m.byProject[tb.Project] = b.ID
		m.types[tb.Project] = tb.IssueTypes
		m.bySimBoard[tb.ID] = b.ID
	}
	if len(o.Portfolios) == 0 || len(sb) < 2 {
		return m, nil
	}
	// The portfolio spans teams that share one workflow (same columns and
	// statuses) and admit every issue type, enough of them for its size.
	groups := map[string][]sim.TruthBoard{}
	for _, tb := range sb {
		if len(tb.IssueTypes) == 0 {
			groups[columnsSig(tb.Columns)] = append(groups[columnsSig(tb.Columns)], tb)
		}
	}
	var best []sim.TruthBoard
	for _, g := range groups {
		if len(g) > len(best) || (len(g) == len(best) && g[0].ID < best[0].ID) {
			best = g
		}
	}
	perTeam := max(1, o.Issues/max(1, len(sb)))
	for k, size := range o.Portfolios {
		n := min(len(best), max(2, (size*23/20+perTeam-1)/perTeam)) // 15% spare: teams differ in size
		var keys []string
		tb := trackerBoard(best[0])
		name := "Portfolio"
		if k > 0 {
			name += " " + strconv.Itoa(k+1)
		}
		for _, t := range best[:n] {
			keys = append(keys, t.Project)
		}
		tb.Name = name
		tb.Filter = "project in (" + strings.Join(keys, ", ") + ") ORDER BY Rank ASC"
		b, err := create(ctx, st, PortfolioTeam, vsync.NewBoard{JiraBoardID: int64(99999 - k), TeamName: PortfolioTeam, Name: name}, tb, zone, types)
		if err != nil {
			return nil, err
		}
		for _, key := range keys {
			m.portfolioOf[key] = append(m.portfolioOf[key], b.ID)
		}
		m.ids = append(m.ids, b.ID)
		m.portfolios = append(m.portfolios, b.ID)
		m.portfolioSlugs = append(m.portfolioSlugs, vsync.Slug(PortfolioTeam)+"/"+b.Slug)
	}
	return m, nil
}

func create(ctx context.Context, st *store.Store, team string, nb vsync.NewBoard, tb vsync.TrackerBoard, zone string, types []store.JiraIssueType) (store.Board, error) {
	t, err := st.EnsureTeam(ctx, team, vsync.Slug(team))
	if err != nil {
		return store.Board{}, err
	}
	b, err := vsync.DefaultBoard(nb, tb, zone, types)
	if err != nil {
		return store.Board{}, err
	}
	b.TeamID = t.ID
	return st.CreateBoard(ctx, b)
}

func trackerBoard(tb sim.TruthBoard) vsync.TrackerBoard {
	out := vsync.TrackerBoard{ID: int64(tb.ID), Name: tb.Name, Filter: tb.FilterJQL}
	for _, c := range tb.Columns {
		out.Columns = append(out.Columns, vsync.TrackerColumn{Name: c.Name, StatusIDs: c.StatusIDs})
	}
	return out
}

func columnsSig(cs []sim.BoardColumn) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(c.Name + "=" + strings.Join(c.StatusIDs, ",") + ";")
	}
	return b.String()
}

// makeRepos adds every repository, linked to its team's board (and the
// portfolio's teams' repositories to the portfolio).
func makeRepos(ctx context.Context, st *store.Store, s *sim.Sim, m *boardMap) (int, error) {
	n := 0
	for _, r := range s.Repos() {
		repo, err := st.EnsureRepo(ctx, r.Owner, r.Name, r.DefaultBranch)
		if err != nil {
			return n, err
		}
		n++
		if err := st.LinkRepo(ctx, m.bySimBoard[r.BoardID], repo.ID); err != nil {
			return n, err
		}
		for _, p := range m.portfolioOf[r.Project] {
			if err := st.LinkRepo(ctx, p, repo.ID); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// loadIssues streams the generator into COPY transactions: one goroutine
// generates chunks while two connections write the previous ones, so the
// generator and Postgres keep both cores busy.
func loadIssues(ctx context.Context, st *store.Store, s *sim.Sim, m *boardMap, o Options, rep *Report, logf func(string, ...any)) error {
	g, gctx := errgroup.WithContext(ctx)
	chunks := make(chan []store.LoadIssue, 2)
	g.Go(func() error {
		defer close(chunks)
		start := time.Now()
		chunk := make([]store.LoadIssue, 0, o.Chunk)
		for ti := range s.TruthIssues() {
			li, err := issueOf(ti, m)
			if err != nil {
				return err
			}
			rep.Issues++
			rep.StatusChanges += int64(len(li.StatusChanges))
			rep.FlagChanges += int64(len(li.FlagChanges))
			for k, p := range m.portfolios {
				if slices.Contains(li.Boards, p) {
					rep.PortfolioIssues[k]++
				}
			}
			chunk = append(chunk, li)
			if len(chunk) == o.Chunk {
				select {
				case chunks <- chunk:
				case <-gctx.Done():
					return gctx.Err()
				}
				chunk = make([]store.LoadIssue, 0, o.Chunk)
				if rep.Issues%200000 == 0 {
					logf("  %d issues generated (%s)", rep.Issues, time.Since(start).Round(time.Second))
				}
			}
		}
		if len(chunk) > 0 {
			chunks <- chunk
		}
		rep.Generate = time.Since(start)
		return nil
	})
	for range 2 {
		g.Go(func() error {
			for c := range chunks {
				if err := st.LoadIssues(gctx, c); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return g.Wait()
}

func issueOf(ti sim.TruthIssue, m *boardMap) (store.LoadIssue, error) {
	id, err := strconv.ParseInt(ti.ID, 10, 64)
	if err != nil {
		return store.LoadIssue{}, fmt.Errorf("issue id %q: %w", ti.ID, err)
	}
	li := store.LoadIssue{JiraIssue: store.JiraIssue{ID: id, Key: ti.Key, Project: ti.Project, TypeID: ti.TypeID, StatusID: ti.Status,
		Resolution: ti.Resolution, Summary: ti.Summary, Created: ti.Created, Updated: ti.Updated}}
	if ti.ParentID != "" {
		if li.ParentID, err = strconv.ParseInt(ti.ParentID, 10, 64); err != nil {
			return li, fmt.Errorf("issue %s parent %q: %w", ti.Key, ti.ParentID, err)
		}
	}
	if !ti.ResolvedAt.IsZero() {
		t := ti.ResolvedAt
		li.ResolvedAt = &t
	}
	if ti.Deleted {
		t := ti.DeletedAt
		li.DeletedAt = &t
	}
	li.Keys = append(li.Keys, ti.Key)
	for _, k := range ti.KeyHistory {
		if !slices.Contains(li.Keys, k) {
			li.Keys = append(li.Keys, k)
		}
	}
	// The board filters are "project = X [AND issuetype in (...)]".
	if b, ok := m.byProject[ti.Project]; ok {
		if ts := m.types[ti.Project]; len(ts) == 0 || slices.Contains(ts, ti.Type) {
			li.Boards = append(li.Boards, b)
		}
	}
	li.Boards = append(li.Boards, m.portfolioOf[ti.Project]...)
	li.StatusChanges = make([]store.JiraStatusChange, len(ti.StatusChanges))
	for i, c := range ti.StatusChanges {
		h, err := strconv.ParseInt(c.HistoryID, 10, 64)
		if err != nil {
			return li, fmt.Errorf("issue %s history %q: %w", ti.Key, c.HistoryID, err)
		}
		// The item's position in its history does not matter to the
		// metrics (one status item per history); 0 keeps the key unique.
		li.StatusChanges[i] = store.JiraStatusChange{HistoryID: h, At: c.At, From: c.From, To: c.To}
	}
	for _, f := range ti.FlagChanges {
		h, err := strconv.ParseInt(f.HistoryID, 10, 64)
		if err != nil {
			return li, fmt.Errorf("issue %s history %q: %w", ti.Key, f.HistoryID, err)
		}
		li.FlagChanges = append(li.FlagChanges, store.JiraFlagChange{HistoryID: h, At: f.At, Flagged: f.Flagged})
	}
	return li, nil
}

// loadGitHub copies every pull request (a COPY per repository) and tag.
func loadGitHub(ctx context.Context, st *store.Store, s *sim.Sim) (prs, tags int, err error) {
	repos, err := st.Repos(ctx)
	if err != nil {
		return 0, 0, err
	}
	ids := map[string]int64{}
	for _, r := range repos {
		ids[r.FullName()] = r.ID
	}
	var cur string
	var batch []store.PullRequest
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := st.LoadPullRequests(ctx, ids[cur], batch)
		prs += len(batch)
		batch = batch[:0]
		return err
	}
	for p := range s.TruthPRs() {
		if p.Repo != cur {
			if err := flush(); err != nil {
				return prs, tags, err
			}
			cur = p.Repo
		}
		pr := store.PullRequest{Number: p.Number, NodeID: p.NodeID, Author: p.Author, Title: p.Title, State: p.State,
			BaseRef: p.Base, HeadRef: p.Head, Draft: p.Draft, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
			Additions: &p.Additions, Deletions: &p.Deletions, ChangedFiles: &p.ChangedFiles}
		if !p.ClosedAt.IsZero() {
			pr.ClosedAt = &p.ClosedAt
		}
		if !p.MergedAt.IsZero() {
			pr.MergedAt = &p.MergedAt
		}
		batch = append(batch, pr)
	}
	if err := flush(); err != nil {
		return prs, tags, err
	}
	byRepo := map[string][]store.Tag{}
	for _, t := range s.TruthTags() {
		at := t.At
		byRepo[t.Repo] = append(byRepo[t.Repo], store.Tag{Name: t.Name, SHA: t.SHA, Annotated: t.Annotated, At: &at})
	}
	for repo, ts := range byRepo {
		if _, _, err := st.ReplaceTags(ctx, ids[repo], ts); err != nil {
			return prs, tags, err
		}
		tags += len(ts)
	}
	return prs, tags, nil
}

// Refresh rebuilds the facts of the boards whose weekly counts are
// missing or outdated (a database built by an older binary), so a reused
// benchmark database matches the code being measured. It returns how many
// boards it rebuilt.
func Refresh(ctx context.Context, st *store.Store, o Options) (int, error) {
	ids, err := st.BoardsWithoutCounts(ctx)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	if o.Parallel <= 0 {
		o.Parallel = 2
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	var rep Report
	logf := func(format string, args ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, format+"\n", args...)
		}
	}
	return len(ids), rebuildFacts(ctx, st, o, ids, &rep, logf)
}

// rebuildFacts runs the sync's facts rebuild for every board, o.Parallel
// at a time, biggest first so the two workers finish together.
func rebuildFacts(ctx context.Context, st *store.Store, o Options, only []int64, rep *Report, logf func(string, ...any)) error {
	boards, err := st.Boards(ctx)
	if err != nil {
		return err
	}
	if only != nil {
		boards = slices.DeleteFunc(boards, func(b store.Board) bool { return !slices.Contains(only, b.ID) })
	}
	type job struct {
		b    store.Board
		size int64
	}
	var jobs []job
	for _, b := range boards {
		n, err := st.BoardIssueCount(ctx, b.ID)
		if err != nil {
			return err
		}
		jobs = append(jobs, job{b, n})
	}
	slices.SortFunc(jobs, func(a, b job) int { return cmp.Compare(b.size, a.size) })
	syncer := &vsync.Syncer{Store: st, Now: o.Now}
	var mu gosync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Parallel)
	done := 0
	for _, j := range jobs {
		g.Go(func() error {
			start := time.Now()
			n, err := syncer.RebuildFacts(gctx, j.b.ID)
			if err != nil {
				return fmt.Errorf("rebuild facts of board %s/%s: %w", j.b.TeamSlug, j.b.Slug, err)
			}
			d := time.Since(start)
			mu.Lock()
			defer mu.Unlock()
			rep.FactRows += n
			done++
			if d > rep.BiggestRebuild {
				rep.BiggestRebuild, rep.BiggestRebuildBoard = d, fmt.Sprintf("%s/%s (%d issues)", j.b.TeamSlug, j.b.Slug, j.size)
			}
			if done%10 == 0 || j.size >= 50000 {
				logf("  facts: %d/%d boards (%s/%s: %d issues in %s)", done, len(jobs), j.b.TeamSlug, j.b.Slug, j.size, d.Round(time.Millisecond))
			}
			return nil
		})
	}
	return g.Wait()
}
