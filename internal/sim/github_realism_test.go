package sim

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestGitHubRealism: the generated pull requests and tags look like a real organisation's.
func TestGitHubRealism(t *testing.T) {
	t.Parallel()
	s, err := New(Options{Seed: 1, Issues: 1500, PRs: 3000})
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for is := range s.TruthIssues() {
		keys[is.Key] = true
		for _, k := range is.KeyHistory {
			keys[k] = true
		}
	}
	zone := map[string]*time.Location{}
	project := map[string]string{}
	for _, r := range s.gh.repos {
		zone[r.full] = r.team.loc
		project[r.full] = r.team.ProjectKey
	}
	var n, merged, closed, open, drafts, bots, dependabot, renovate, forks, goneForks, release, weekday, cited, lateComment int
	var leads, sizes []float64
	keyRE := regexp.MustCompile(`\b([A-Z][A-Z0-9]+-[0-9]+)\b`)
	for pr := range s.TruthPRs() {
		n++
		switch {
		case !pr.MergedAt.IsZero():
			merged++
			leads = append(leads, pr.MergedAt.Sub(pr.CreatedAt).Hours())
			if !pr.ClosedAt.Equal(pr.MergedAt) {
				t.Fatalf("%s#%d: closed %s, merged %s", pr.Repo, pr.Number, pr.ClosedAt, pr.MergedAt)
			}
		case pr.State == "closed":
			closed++
		default:
			open++
			if !pr.ClosedAt.IsZero() {
				t.Fatalf("open PR with closed_at")
			}
		}
		if pr.Draft {
			drafts++
		}
		switch pr.Author {
		case "dependabot[bot]":
			dependabot++
		case "renovate[bot]":
			renovate++
		}
		if pr.AuthorType == "Bot" {
			bots++
		}
		if pr.HeadRepo != pr.Repo {
			forks++
			if pr.HeadRepo == "" {
				goneForks++
			}
		}
		if strings.HasPrefix(pr.Base, "release/") {
			release++
		} else if pr.Base != "main" {
			t.Fatalf("base %q", pr.Base)
		}
		if wd := pr.CreatedAt.In(zone[pr.Repo]).Weekday(); wd != time.Saturday && wd != time.Sunday {
			weekday++
		}
		if pr.UpdatedAt.Before(pr.CreatedAt) || (!pr.ClosedAt.IsZero() && pr.UpdatedAt.Before(pr.ClosedAt)) {
			t.Fatalf("%s#%d updated before its last change", pr.Repo, pr.Number)
		}
		if !pr.ClosedAt.IsZero() && pr.UpdatedAt.After(pr.ClosedAt) {
			lateComment++
		}
		sizes = append(sizes, float64(pr.Additions+pr.Deletions))
		if pr.ChangedFiles < 1 || pr.Commits < 1 {
			t.Fatalf("%s#%d: %d files, %d commits", pr.Repo, pr.Number, pr.ChangedFiles, pr.Commits)
		}
		if pr.JiraKey != "" {
			cited++
			if !keys[pr.JiraKey] || !strings.HasPrefix(pr.JiraKey, project[pr.Repo]+"-") ||
				!(strings.Contains(pr.Title, pr.JiraKey) || strings.Contains(pr.Head, pr.JiraKey)) {
				t.Fatalf("%s#%d cites %s (title %q, head %q)", pr.Repo, pr.Number, pr.JiraKey, pr.Title, pr.Head)
			}
		} else if m := keyRE.FindString(pr.Title); m != "" {
			t.Fatalf("%s#%d: title %q cites %s but the truth has no key", pr.Repo, pr.Number, pr.Title, m)
		}
	}
	share := func(k int) float64 { return float64(k) / float64(n) }
	q := func(v []float64, p float64) float64 { sort.Float64s(v); return v[int(p*float64(len(v)-1))] }
	t.Logf("%d PRs: merged %.2f closed %.2f open %.2f, drafts %d, bots %.3f (dependabot %d, renovate %d), forks %d (%d deleted), release base %d, weekday %.2f, cite a key %.2f, updated after close %d",
		n, share(merged), share(closed), share(open), drafts, share(bots), dependabot, renovate, forks, goneForks, release, share(weekday), share(cited), lateComment)
	t.Logf("lead time hours p10 %.1f p50 %.1f p85 %.1f p95 %.1f; size p50 %.0f p90 %.0f p99 %.0f max %.0f",
		q(leads, .1), q(leads, .5), q(leads, .85), q(leads, .95), q(sizes, .5), q(sizes, .9), q(sizes, .99), q(sizes, 1))
	switch {
	case n != 3000:
		t.Errorf("%d PRs at the start, want Options.PRs", n)
	case share(merged) < 0.7 || share(merged) > 0.88 || share(closed) < 0.08 || share(open) < 0.02:
		t.Errorf("outcomes: merged %.2f closed %.2f open %.2f", share(merged), share(closed), share(open))
	case share(bots) < 0.04 || share(bots) > 0.12 || dependabot == 0 || renovate == 0:
		t.Errorf("bots %.3f", share(bots))
	case drafts == 0 || forks == 0 || goneForks == 0 || release == 0 || lateComment == 0:
		t.Errorf("missing cases: drafts %d forks %d deleted forks %d release bases %d", drafts, forks, goneForks, release)
	case share(weekday) < 0.85:
		t.Errorf("weekday share %.2f", share(weekday))
	case share(cited) < 0.6:
		t.Errorf("only %.2f of PRs cite a JIRA key", share(cited))
	case q(leads, .5) < 4 || q(leads, .5) > 120 || q(leads, .1) > 12 || q(leads, .95) < 120:
		t.Errorf("lead times: p10 %.1f p50 %.1f p95 %.1f hours", q(leads, .1), q(leads, .5), q(leads, .95))
	case q(sizes, .5) < 15 || q(sizes, .5) > 200 || q(sizes, .99) < 1500 || q(sizes, .1) > 15:
		t.Errorf("sizes: p50 %.0f p99 %.0f", q(sizes, .5), q(sizes, .99))
	}

	// Tags: semver releases on each shipping repository's cadence, release candidates, hotfixes,
	// nightlies, annotated and lightweight.
	semver := regexp.MustCompile(`^v\d+\.\d+\.\d+$`)
	byRepo := map[string][]TruthTag{}
	kinds := map[string]int{}
	annotated := 0
	for _, tg := range s.TruthTags() {
		byRepo[tg.Repo] = append(byRepo[tg.Repo], tg)
		kinds[tg.Kind]++
		if tg.Annotated {
			annotated++
			if !tg.TaggerAt.Equal(tg.At) || tg.TaggerAt.Before(tg.CommitAt) || tg.ObjectSHA == "" {
				t.Fatalf("annotated %+v", tg)
			}
		} else if !tg.At.Equal(tg.CommitAt) {
			t.Fatalf("lightweight %+v", tg)
		}
	}
	for _, r := range s.Repos() {
		var rel []time.Time
		for _, tg := range byRepo[r.FullName] {
			if tg.Kind == "release" {
				if !semver.MatchString(tg.Name) || !strings.HasSuffix(tg.Name, ".0") {
					t.Fatalf("release tag %q", tg.Name)
				}
				rel = append(rel, tg.TaggerAt)
				if !tg.Annotated {
					rel[len(rel)-1] = tg.At
				}
			}
		}
		if r.ReleaseEveryDays == 0 {
			if len(rel) > 0 {
				t.Errorf("%s releases without a cadence", r.FullName)
			}
			continue
		}
		var gaps []float64
		for k := 1; k < len(rel); k++ {
			if r.AnnotatedShare == 1 { // tagger dates follow the schedule exactly
				gaps = append(gaps, rel[k].Sub(rel[k-1]).Hours()/24)
			}
		}
		if len(rel) < 20 {
			t.Errorf("%s: %d releases", r.FullName, len(rel))
		}
		if len(gaps) > 0 {
			if g := q(gaps, .5); g < float64(r.ReleaseEveryDays)-1 || g > float64(r.ReleaseEveryDays)+1 {
				t.Errorf("%s: median gap %.1f days, cadence %d", r.FullName, g, r.ReleaseEveryDays)
			}
		}
	}
	if kinds["release"] == 0 || kinds["rc"] == 0 || kinds["patch"] == 0 || kinds["nightly"] == 0 || annotated == 0 || annotated == len(s.TruthTags()) {
		t.Errorf("tag kinds %v, %d annotated", kinds, annotated)
	}
}
