package synctest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/sim"
	"github.com/vger-dev/vger/internal/store"
)

// CheckReposAgainstTruth compares every stored pull request (with sizes)
// and tag (with dates) of the given repositories with the simulator's truth.
func CheckReposAgainstTruth(t testing.TB, st *store.Store, s *sim.Sim, repos []string) {
	t.Helper()
	ctx := context.Background()
	fmtT := func(p *time.Time) string {
		if p == nil || p.IsZero() {
			return "-"
		}
		return p.UTC().Format(time.RFC3339)
	}
	want := map[string]bool{}
	for _, r := range repos {
		want[r] = true
	}
	var truthPRs []string
	for pr := range s.TruthPRs() {
		if !want[pr.Repo] {
			continue
		}
		closed, merged := pr.ClosedAt, pr.MergedAt
		truthPRs = append(truthPRs, fmt.Sprintf("%s#%d %s|%s|%s|%s|%s|%v|%s|%s|%s|%s|%d|%d|%d", pr.Repo, pr.Number, pr.NodeID, pr.Author, pr.Title,
			pr.State, pr.Base, pr.Draft, fmtT(&pr.CreatedAt), fmtT(&pr.UpdatedAt), fmtT(&closed), fmtT(&merged), pr.Additions, pr.Deletions, pr.ChangedFiles))
	}
	rows, err := st.Pool.Query(ctx, `SELECT r.owner || '/' || r.name, p.number, p.node_id, p.author, p.title, p.state, p.base_ref, p.draft,
		p.created_at, p.updated_at, p.closed_at, p.merged_at, coalesce(p.additions, -1), coalesce(p.deletions, -1), coalesce(p.changed_files, -1)
		FROM pull_requests p JOIN repos r ON r.id = p.repo_id`)
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	for rows.Next() {
		var repo, node, author, title, state, base string
		var number, add, del, files int
		var draft bool
		var created, updated time.Time
		var closed, merged *time.Time
		if err := rows.Scan(&repo, &number, &node, &author, &title, &state, &base, &draft, &created, &updated, &closed, &merged, &add, &del, &files); err != nil {
			t.Fatal(err)
		}
		stored = append(stored, fmt.Sprintf("%s#%d %s|%s|%s|%s|%s|%v|%s|%s|%s|%s|%d|%d|%d", repo, number, node, author, title, state, base, draft,
			fmtT(&created), fmtT(&updated), fmtT(closed), fmtT(merged), add, del, files))
	}
	compareSets(t, "pull requests", stored, truthPRs)

	var truthTags []string
	for _, tg := range s.TruthTags() {
		if want[tg.Repo] {
			truthTags = append(truthTags, fmt.Sprintf("%s %s %s %v %s", tg.Repo, tg.Name, tg.SHA, tg.Annotated, fmtT(&tg.At)))
		}
	}
	rows, err = st.Pool.Query(ctx, `SELECT r.owner || '/' || r.name, t.name, t.sha, t.annotated, t.at FROM tags t JOIN repos r ON r.id = t.repo_id`)
	if err != nil {
		t.Fatal(err)
	}
	var storedTags []string
	for rows.Next() {
		var repo, name, sha string
		var ann bool
		var at *time.Time
		if err := rows.Scan(&repo, &name, &sha, &ann, &at); err != nil {
			t.Fatal(err)
		}
		storedTags = append(storedTags, fmt.Sprintf("%s %s %s %v %s", repo, name, sha, ann, fmtT(at)))
	}
	compareSets(t, "tags", storedTags, truthTags)
}

func compareSets(t testing.TB, what string, got, want []string) {
	t.Helper()
	slices.Sort(got)
	slices.Sort(want)
	if len(want) == 0 {
		t.Fatalf("%s: the truth is empty, the comparison would prove nothing", what)
	}
	if slices.Equal(got, want) {
		return
	}
	missing, extra := diff(want, got), diff(got, want)
	t.Errorf("%s: %d stored, %d in truth; %d missing, %d extra", what, len(got), len(want), len(missing), len(extra))
	for i := 0; i < min(5, len(missing)); i++ {
		t.Errorf("  missing %s", missing[i])
	}
	for i := 0; i < min(5, len(extra)); i++ {
		t.Errorf("  extra   %s", extra[i])
	}
}

func diff(a, b []string) []string {
	var out []string
	for _, x := range a {
		if _, found := slices.BinarySearch(b, x); !found {
			out = append(out, x)
		}
	}
	return out
}
