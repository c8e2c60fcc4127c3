package sim

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

// go-github v60, unchanged, against the simulator: discovery, PR list and detail paging to the
// end, tags with their dates through commits and annotated tag objects, releases, rate limits and
// the errors clients key on. What it reads must equal the ground truth, before and after the
// clock moves.

func TestGoGitHubReadsTheTruth(t *testing.T) {
	t.Parallel()
	// Two teams (five repositories) keep it small; the busiest repository still needs two pages.
	s, _, client := ghServer(t, Options{Seed: 11, Issues: 300, PRs: 600, Teams: 2, GitHubRESTLimit: 1 << 30})
	ctx := context.Background()
	readAndCompare(t, ctx, s, client)
	before := len(s.TruthTags())
	s.Advance(4 * 24 * time.Hour)
	readAndCompare(t, ctx, s, client)
	if after := len(s.TruthTags()); after <= before {
		t.Errorf("tags: %d before, %d four days later", before, after)
	}
}

func readAndCompare(t *testing.T, ctx context.Context, s *Sim, client *github.Client) {
	t.Helper()
	// Discovery: the authenticated user's repositories (paged) and each organisation's.
	var mine []string
	opt := &github.RepositoryListByAuthenticatedUserOptions{ListOptions: github.ListOptions{PerPage: 4}}
	for {
		repos, resp, err := client.Repositories.ListByAuthenticatedUser(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range repos {
			mine = append(mine, r.GetFullName())
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	var byOrg []string
	for _, org := range s.Orgs() {
		repos, _, err := client.Repositories.ListByOrg(ctx, org, &github.RepositoryListByOrgOptions{ListOptions: github.ListOptions{PerPage: 100}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range repos {
			byOrg = append(byOrg, r.GetFullName())
		}
	}
	var want []string
	for _, r := range s.Repos() {
		want = append(want, r.FullName)
	}
	sort.Strings(want)
	sort.Strings(byOrg)
	if strings.Join(mine, ",") != strings.Join(want, ",") || strings.Join(byOrg, ",") != strings.Join(want, ",") {
		t.Fatalf("discovery:\n user %v\n orgs %v\n want %v", mine, byOrg, want)
	}

	truth := map[string]TruthPR{}
	for pr := range s.TruthPRs() {
		truth[prKey(pr.Repo, pr.Number)] = pr
	}
	seen := 0
	for k, repo := range s.Repos() {
		r, _, err := client.Repositories.Get(ctx, repo.Owner, repo.Name)
		if err != nil || r.GetID() != repo.ID || r.GetDefaultBranch() != "main" || r.GetOrganization().GetLogin() != repo.Owner {
			t.Fatalf("get %s: %v %v", repo.FullName, r, err)
		}
		opts := &github.PullRequestListOptions{State: "all", Sort: "updated", Direction: "desc", ListOptions: github.ListOptions{PerPage: 100}}
		var prev time.Time
		pages := 0
		for {
			prs, resp, err := client.PullRequests.List(ctx, repo.Owner, repo.Name, opts)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, p := range prs {
				tp, ok := truth[prKey(repo.FullName, p.GetNumber())]
				if !ok {
					t.Fatalf("%s#%d is not in the truth", repo.FullName, p.GetNumber())
				}
				delete(truth, prKey(repo.FullName, p.GetNumber()))
				seen++
				if !prev.IsZero() && p.GetUpdatedAt().After(prev) {
					t.Fatalf("%s: not sorted by updated desc", repo.FullName)
				}
				prev = p.GetUpdatedAt().Time
				comparePRList(t, p, tp)
				if p.Additions != nil || p.ChangedFiles != nil || p.Merged != nil || p.Commits != nil {
					t.Fatalf("%s#%d: the list has detail fields", repo.FullName, p.GetNumber())
				}
				// Details (sizes) for the PRs of every other repository.
				if k%2 == 0 {
					d, _, err := client.PullRequests.Get(ctx, repo.Owner, repo.Name, p.GetNumber())
					if err != nil {
						t.Fatal(err)
					}
					comparePRList(t, d, tp)
					if d.GetAdditions() != tp.Additions || d.GetDeletions() != tp.Deletions || d.GetChangedFiles() != tp.ChangedFiles ||
						d.GetCommits() != tp.Commits || d.GetMerged() != !tp.MergedAt.IsZero() || d.GetMergedBy().GetLogin() != tp.MergedBy ||
						d.GetMergeCommitSHA() != tp.MergeCommit {
						t.Fatalf("%s#%d detail: %+v\ntruth %+v", repo.FullName, p.GetNumber(), d, tp)
					}
				}
			}
			if resp.NextPage == 0 {
				if resp.LastPage != 0 {
					t.Fatalf("last page still links to a last page")
				}
				break
			}
			opts.Page = resp.NextPage
		}
		if repo.FullName == "acme/platform-api" && pages < 2 {
			t.Errorf("%s: only %d page(s); the test should page", repo.FullName, pages)
		}
	}
	if len(truth) > 0 || seen == 0 {
		t.Fatalf("%d PRs read; %d in the truth were not listed", seen, len(truth))
	}

	// Tags: names and commits from the list; dates from the commit (lightweight) or the tag
	// object (annotated), told apart through the ref.
	tagTruth := map[string]TruthTag{}
	for _, tg := range s.TruthTags() {
		tagTruth[tg.Repo+"@"+tg.Name] = tg
	}
	for _, repo := range s.Repos() {
		topt := &github.ListOptions{PerPage: 100}
		for {
			tags, resp, err := client.Repositories.ListTags(ctx, repo.Owner, repo.Name, topt)
			if err != nil {
				t.Fatal(err)
			}
			for n, tg := range tags {
				tt, ok := tagTruth[repo.FullName+"@"+tg.GetName()]
				if !ok || tg.GetCommit().GetSHA() != tt.SHA {
					t.Fatalf("%s tag %s: %s, truth %+v", repo.FullName, tg.GetName(), tg.GetCommit().GetSHA(), tt)
				}
				delete(tagTruth, repo.FullName+"@"+tg.GetName())
				if repo.FullName != "acme/mobile-api" && repo.FullName != "acme/platform-web" && n%20 != 0 {
					continue // dates of every tag in a mixed and a nightly repository, a sample elsewhere
				}
				ref, _, err := client.Git.GetRef(ctx, repo.Owner, repo.Name, "tags/"+tg.GetName())
				if err != nil {
					t.Fatal(err)
				}
				var at time.Time
				if ref.GetObject().GetType() == "tag" {
					obj, _, err := client.Git.GetTag(ctx, repo.Owner, repo.Name, ref.GetObject().GetSHA())
					if err != nil {
						t.Fatal(err)
					}
					if obj.GetObject().GetSHA() != tt.SHA || obj.GetTag() != tt.Name || obj.GetSHA() != tt.ObjectSHA {
						t.Fatalf("tag object %+v, truth %+v", obj, tt)
					}
					at = obj.GetTagger().GetDate().Time
				} else {
					c, _, err := client.Repositories.GetCommit(ctx, repo.Owner, repo.Name, ref.GetObject().GetSHA(), nil)
					if err != nil {
						t.Fatal(err)
					}
					at = c.GetCommit().GetCommitter().GetDate().Time
				}
				if (ref.GetObject().GetType() == "tag") != tt.Annotated || !at.Equal(tt.At) {
					t.Fatalf("%s %s: %s at %s; truth %+v", repo.FullName, tt.Name, ref.GetObject().GetType(), at, tt)
				}
			}
			if resp.NextPage == 0 {
				break
			}
			topt.Page = resp.NextPage
		}
		if repo.Releases {
			rels, _, err := client.Repositories.ListReleases(ctx, repo.Owner, repo.Name, &github.ListOptions{PerPage: 10})
			if err != nil || len(rels) == 0 {
				t.Fatalf("%s releases: %v %v", repo.FullName, rels, err)
			}
			for _, rel := range rels {
				if strings.HasPrefix(rel.GetTagName(), "nightly") || rel.GetPrerelease() != strings.Contains(rel.GetTagName(), "-rc.") {
					t.Fatalf("release %s prerelease=%v", rel.GetTagName(), rel.GetPrerelease())
				}
			}
		}
	}
	if len(tagTruth) > 0 {
		t.Fatalf("%d tags in the truth were not listed", len(tagTruth))
	}
}

func comparePRList(t *testing.T, p *github.PullRequest, tp TruthPR) {
	t.Helper()
	headRepo := ""
	if p.GetHead().Repo != nil {
		headRepo = p.GetHead().GetRepo().GetFullName()
	}
	var labels []string
	for _, l := range p.Labels {
		labels = append(labels, l.GetName())
	}
	ok := p.GetTitle() == tp.Title && p.GetUser().GetLogin() == tp.Author && p.GetUser().GetType() == tp.AuthorType &&
		p.GetState() == tp.State && p.GetDraft() == tp.Draft && p.GetCreatedAt().Time.Equal(tp.CreatedAt) &&
		p.GetUpdatedAt().Time.Equal(tp.UpdatedAt) && p.GetClosedAt().Time.Equal(tp.ClosedAt) && p.GetMergedAt().Time.Equal(tp.MergedAt) &&
		p.GetBase().GetRef() == tp.Base && p.GetHead().GetRef() == tp.Head && headRepo == tp.HeadRepo &&
		p.GetNodeID() == tp.NodeID && p.GetID() == tp.ID && strings.Join(labels, ",") == strings.Join(tp.Labels, ",")
	if !ok {
		t.Fatalf("%s#%d:\n got %v %q by %s %s draft=%v created %s updated %s closed %s merged %s %s <- %s (%s) %v\ntruth %+v",
			tp.Repo, tp.Number, p.GetNodeID(), p.GetTitle(), p.GetUser().GetLogin(), p.GetState(), p.GetDraft(), p.GetCreatedAt(),
			p.GetUpdatedAt(), p.GetClosedAt(), p.GetMergedAt(), p.GetBase().GetRef(), p.GetHead().GetRef(), headRepo, labels, tp)
	}
}

// TestGoGitHubPrimaryRateLimit: the hourly budget is real. When it runs out go-github sees a
// *RateLimitError (403, x-ratelimit-remaining: 0); conditional requests answered 304 and
// GET /rate_limit cost nothing; the budget comes back an hour later.
func TestGoGitHubPrimaryRateLimit(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	wall := time.Now()
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return wall }
	s, srv, client := ghServer(t, Options{Seed: 2, Issues: 100, PRs: 50, GitHubRESTLimit: 3, Wall: now})
	ctx := context.Background()
	for i := range 3 {
		_, resp, err := client.Repositories.Get(ctx, "acme", "platform-api")
		if err != nil || resp.Rate.Limit != 3 || resp.Rate.Remaining != 2-i {
			t.Fatalf("request %d: %v %+v", i, err, resp.Rate)
		}
	}
	// go-github now refuses locally (it saw remaining 0); a fresh client reaches the server.
	_, _, err := client.Repositories.Get(ctx, "acme", "platform-api")
	var rle *github.RateLimitError
	if !errors.As(err, &rle) || !strings.Contains(rle.Message, "not making remote request") {
		t.Fatalf("go-github should refuse on its own: %v", err)
	}
	_, _, err = ghClient(t, srv).Repositories.Get(ctx, "acme", "platform-api")
	if !errors.As(err, &rle) || rle.Rate.Remaining != 0 || rle.Rate.Limit != 3 || rle.Response.StatusCode != 403 ||
		!strings.Contains(rle.Message, "API rate limit exceeded") || rle.Rate.Reset.Sub(now()) < 59*time.Minute {
		t.Fatalf("want a RateLimitError, got %T %v", err, err)
	}
	rl, _, err := ghClient(t, srv).RateLimit.Get(ctx)
	if err != nil || rl.GetCore().Remaining != 0 || rl.GetCore().Limit != 3 || rl.GetGraphQL().Limit != 5000 {
		t.Fatalf("rate_limit: %+v %v", rl, err)
	}
	// An hour later the window resets (a new client: go-github remembers the reset time).
	mu.Lock()
	wall = wall.Add(time.Hour + time.Second)
	mu.Unlock()
	if _, resp, err := ghClient(t, srv).Repositories.Get(ctx, "acme", "platform-api"); err != nil || resp.Rate.Remaining != 2 {
		t.Fatalf("after the reset: %v %+v", err, resp)
	}
	// A 304 costs nothing.
	_, hd, _ := ghGet(t, s.Handler(), "/repos/acme/platform-api/tags")
	tag := hd.Get("Etag")
	if !strings.HasPrefix(tag, `W/"`) {
		t.Fatalf("etag %q", tag)
	}
	for range 5 {
		w := call(t, s.Handler(), "GET", "/github/repos/acme/platform-api/tags", "", func(r *http.Request) {
			ghAuth(r)
			r.Header.Set("If-None-Match", tag)
		})
		if w.Code != http.StatusNotModified || w.Body.Len() != 0 || w.Header().Get("X-Ratelimit-Remaining") != "1" {
			t.Fatalf("conditional request: %d remaining %s", w.Code, w.Header().Get("X-Ratelimit-Remaining"))
		}
	}
}

// TestGoGitHubSecondaryRateLimit: the --rate bucket is a secondary limit, answered 403 with
// retry-after and the documentation URL go-github keys on (*AbuseRateLimitError).
func TestGoGitHubSecondaryRateLimit(t *testing.T) {
	t.Parallel()
	wall := time.Now()
	_, _, client := ghServer(t, Options{Seed: 2, Issues: 100, PRs: 50, Rate: 1, Wall: func() time.Time { return wall }})
	ctx := context.Background()
	if _, _, err := client.Repositories.ListTags(ctx, "acme", "platform-api", nil); err != nil {
		t.Fatal(err)
	}
	_, _, err := client.Repositories.ListTags(ctx, "acme", "platform-api", nil)
	var are *github.AbuseRateLimitError
	if !errors.As(err, &are) || are.RetryAfter == nil || *are.RetryAfter < time.Second || are.Response.StatusCode != 403 ||
		!strings.Contains(are.Message, "secondary rate limit") {
		t.Fatalf("want an AbuseRateLimitError with RetryAfter, got %T %v", err, err)
	}
}

// TestGitHubSecondary429 (raw HTTP): a 429 fault is GitHub's other secondary-limit answer.
// go-github v60 does not map 429 (a plain *ErrorResponse), so a sync must wrap its transport.
func TestGitHubSecondary429(t *testing.T) {
	t.Parallel()
	_, srv, client := ghServer(t, Options{Seed: 2, Issues: 100, PRs: 50, Faults: "429:1"})
	req, _ := http.NewRequest("GET", srv.URL+"/github/repos/acme/platform-api/pulls?state=all", nil)
	req.Header.Set("Authorization", "token "+testGHToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := string(readAll(t, resp.Body))
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || resp.Header.Get("X-Ratelimit-Remaining") == "0" ||
		!strings.Contains(body, `"documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"`) ||
		!strings.Contains(body, "You have exceeded a secondary rate limit") {
		t.Fatalf("429: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	_, _, err = client.PullRequests.List(context.Background(), "acme", "platform-api", nil)
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != 429 {
		t.Fatalf("go-github on 429: %T %v", err, err)
	}
	// The fifth attempt of the same request always goes through.
	var codes []int
	for range 5 {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
	}
	if codes[len(codes)-1] != 200 {
		t.Fatalf("attempts: %v", codes)
	}
}

// TestGitHubAuth: bad or missing credentials get GitHub's 401 bodies; both header forms work.
func TestGitHubAuth(t *testing.T) {
	t.Parallel()
	s, srv, _ := ghServer(t, Options{Seed: 2, Issues: 100, PRs: 50})
	bad := github.NewClient(nil).WithAuthToken("wrong")
	bad.BaseURL = ghClient(t, srv).BaseURL
	_, _, err := bad.Repositories.Get(context.Background(), "acme", "platform-api")
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != 401 || er.Message != "Bad credentials" || er.DocumentationURL != "https://docs.github.com/rest" {
		t.Fatalf("wrong token: %v", err)
	}
	for _, tc := range []struct {
		auth, path string
		code       int
		body       string
	}{
		{"", "/github/user/repos", 401, `{"message":"Requires authentication","documentation_url":"https://docs.github.com/rest","status":"401"}`},
		{"Bearer nope", "/github/user/repos", 401, `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}`},
		{"token nope", "/github/graphql", 401, `{"message":"Bad credentials","documentation_url":"https://docs.github.com/graphql","status":"401"}`},
		{"token " + testGHToken, "/github/user/repos", 200, ""},
		{"Bearer " + testGHToken, "/github/rate_limit", 200, ""},
	} {
		method := "GET"
		if strings.HasSuffix(tc.path, "graphql") {
			method = "POST"
		}
		w := call(t, s.Handler(), method, tc.path, `{"query":"{viewer{login}}"}`, func(r *http.Request) {
			if tc.auth != "" {
				r.Header.Set("Authorization", tc.auth)
			}
		})
		if w.Code != tc.code || (tc.body != "" && w.Body.String() != tc.body) {
			t.Errorf("%q %s: %d %s", tc.auth, tc.path, w.Code, w.Body)
		}
	}
}

// TestGitHubFaultShapes: the shared fault schedule answers in GitHub's shapes.
func TestGitHubFaultShapes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		spec  string
		code  int
		ctype string
		body  string
	}{
		{"500:1", 500, "application/json", `"message":"Server Error"`},
		{"502:1", 502, "text/html", "Unicorn!"},
		{"503:1", 503, "application/json", "Service Unavailable"},
	} {
		s, err := New(Options{Seed: 4, Issues: 100, PRs: 50, Faults: tc.spec})
		if err != nil {
			t.Fatal(err)
		}
		w := call(t, s.Handler(), "GET", "/github/repos/acme/platform-api/pulls", "", ghAuth)
		if w.Code != tc.code || !strings.HasPrefix(w.Header().Get("Content-Type"), tc.ctype) || !strings.Contains(w.Body.String(), tc.body) ||
			w.Header().Get("X-Github-Request-Id") == "" {
			t.Errorf("%s: %d %s %s", tc.spec, w.Code, w.Header(), w.Body)
		}
	}
	// dup: a later page starts a little early, repeating items of the previous page.
	s, _ := New(Options{Seed: 4, Issues: 100, PRs: 400})
	d, _ := New(Options{Seed: 4, Issues: 100, PRs: 400, Faults: "dup:1"})
	_, _, clean := ghGet(t, s.Handler(), "/repos/acme/platform-api/pulls?state=all&per_page=5&page=3")
	_, _, dup := ghGet(t, d.Handler(), "/repos/acme/platform-api/pulls?state=all&per_page=5&page=3")
	if len(dup) <= len(clean) {
		t.Errorf("dup fault did not repeat items (%d vs %d bytes)", len(dup), len(clean))
	}
}

// TestGitHubLinkHeader: page links as api.github.com writes them.
func TestGitHubLinkHeader(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{Seed: 2, Issues: 100, PRs: 300})
	total := 0
	for pr := range s.TruthPRs() {
		if pr.Repo == "acme/platform-api" {
			total++
		}
	}
	last := (total + 9) / 10
	if last < 3 {
		t.Fatalf("only %d PRs", total)
	}
	base := "http://sim.test/github/repos/acme/platform-api/pulls?per_page=10&state=all&page="
	for _, tc := range []struct {
		page int
		want string
	}{
		{1, `<` + base + `2>; rel="next", <` + base + strconv.Itoa(last) + `>; rel="last"`},
		{2, `<` + base + `1>; rel="prev", <` + base + `3>; rel="next", <` + base + strconv.Itoa(last) + `>; rel="last", <` + base + `1>; rel="first"`},
		{last, `<` + base + strconv.Itoa(last-1) + `>; rel="prev", <` + base + `1>; rel="first"`},
	} {
		code, hd, body := ghGet(t, s.Handler(), "/repos/acme/platform-api/pulls?state=all&per_page=10&page="+strconv.Itoa(tc.page))
		if code != 200 || hd.Get("Link") != tc.want {
			t.Errorf("page %d: %d\n got %s\nwant %s", tc.page, code, hd.Get("Link"), tc.want)
		}
		var prs []map[string]any
		json.Unmarshal(body, &prs)
		if want := min(10, total-(tc.page-1)*10); len(prs) != want {
			t.Errorf("page %d: %d PRs, want %d", tc.page, len(prs), want)
		}
	}
	// One page: no Link at all.
	if _, hd, _ := ghGet(t, s.Handler(), "/repos/acme/platform-api/pulls?state=all&per_page=100"); total <= 100 && hd.Get("Link") != "" {
		t.Errorf("single page has a Link header: %s", hd.Get("Link"))
	}
}
