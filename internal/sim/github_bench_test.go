package sim

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"
)

// GitHub serving benchmarks, in-process like the JIRA ones: a 20,000-PR world (about 1,700 PRs
// in the busiest repository).

func benchGH(b *testing.B) (*Sim, string) {
	b.Helper()
	s, err := New(Options{Seed: 1, Issues: 5000, PRs: 20000, GitHubRESTLimit: 1 << 30, GitHubGraphQLLimit: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	sn := s.ghCurrent()
	busiest := s.gh.repos[0]
	for _, r := range s.gh.repos {
		if len(sn.byRepo[r.idx]) > len(sn.byRepo[busiest.idx]) {
			busiest = r
		}
	}
	return s, busiest.full
}

// BenchmarkGitHubPullsPage: REST list pages of 100 (state=all, sort=updated desc), the simple
// shape with both embedded repository objects, as a sync pages through a repository.
func BenchmarkGitHubPullsPage(b *testing.B) {
	s, repo := benchGH(b)
	h := s.Handler()
	pages := (len(s.ghCurrent().byRepo[s.gh.byName[repo].idx]) + 99) / 100
	b.ResetTimer()
	bytes := 0
	for i := range b.N {
		code, _, body := ghGet(b, h, "/repos/"+repo+"/pulls?state=all&sort=updated&direction=desc&per_page=100&page="+strconv.Itoa(1+i%pages))
		if code != 200 {
			b.Fatal(code)
		}
		bytes += len(body)
	}
	b.ReportMetric(100*float64(b.N)/b.Elapsed().Seconds(), "PRs/s")
	b.ReportMetric(float64(bytes)/float64(b.N), "bytes/page")
}

// BenchmarkGitHubPullDetail: GET .../pulls/{n}, the full shape with sizes.
func BenchmarkGitHubPullDetail(b *testing.B) {
	s, repo := benchGH(b)
	h := s.Handler()
	sn := s.ghCurrent()
	var nums []string
	for _, i := range sn.byRepo[s.gh.byName[repo].idx] {
		nums = append(nums, strconv.Itoa(int(sn.states[i].num)))
	}
	b.ResetTimer()
	for i := range b.N {
		if code, _, _ := ghGet(b, h, "/repos/"+repo+"/pulls/"+nums[i%len(nums)]); code != 200 {
			b.Fatal(code)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "PRs/s")
}

// BenchmarkGitHubGraphQLPage: the sync's GraphQL document, 100 PRs (and 100 tags) per page,
// following cursors: parse, validate, cost, execute.
func BenchmarkGitHubGraphQLPage(b *testing.B) {
	s, repo := benchGH(b)
	h := s.Handler()
	r := s.gh.byName[repo]
	// Collect the cursors of every page once.
	cursors := []any{nil}
	for {
		vars := map[string]any{"owner": r.owner.login, "name": r.name, "n": 100, "cursor": cursors[len(cursors)-1]}
		res, _ := gqlPost(b, h, syncQuery, vars)
		var page gqlSyncPage
		if err := json.Unmarshal(res.Data, &page); err != nil || len(res.Errors) > 0 {
			b.Fatalf("%v %s", err, res.raw)
		}
		if !page.Repository.PullRequests.PageInfo.HasNextPage {
			break
		}
		cursors = append(cursors, *page.Repository.PullRequests.PageInfo.EndCursor)
	}
	b.ResetTimer()
	for i := range b.N {
		vars := map[string]any{"owner": r.owner.login, "name": r.name, "n": 100, "cursor": cursors[i%len(cursors)]}
		gqlPost(b, h, syncQuery, vars)
	}
	b.ReportMetric(100*float64(b.N)/b.Elapsed().Seconds(), "PRs/s")
}

// BenchmarkGitHubSnapshot: planning every PR and the tags at a new clock value (what the first
// request after an advance pays) on the 20k world.
func BenchmarkGitHubSnapshot(b *testing.B) {
	s, _ := benchGH(b)
	b.ResetTimer()
	for range b.N {
		s.Advance(time.Hour)
		s.ghCurrent()
	}
}
