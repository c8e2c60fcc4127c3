package sim

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// syncQuery is the document a sync sends for pull request sizes and tags (SOURCES.md).
const syncQuery = `query Sync($owner: String!, $name: String!, $cursor: String, $tagCursor: String, $n: Int!) {
  rateLimit { cost remaining resetAt limit used }
  repository(owner: $owner, name: $name) {
    pullRequests(first: $n, after: $cursor, orderBy: {field: UPDATED_AT, direction: DESC}, states: [OPEN, CLOSED, MERGED]) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        number title state createdAt updatedAt closedAt mergedAt additions deletions changedFiles isDraft
        baseRefName headRefName author { login } url id
      }
    }
    refs(refPrefix: "refs/tags/", first: $n, after: $tagCursor, orderBy: {field: TAG_COMMIT_DATE, direction: DESC}) {
      nodes {
        name
        target {
          __typename oid
          ... on Commit { committedDate }
          ... on Tag { tagger { date } target { ... on Commit { committedDate oid } } }
        }
      }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }
}`

type gqlSyncPage struct {
	RateLimit struct {
		Cost, Remaining, Limit, Used int
		ResetAt                      time.Time
	}
	Repository struct {
		PullRequests struct {
			TotalCount int
			PageInfo   struct {
				HasNextPage bool
				EndCursor   *string
			}
			Nodes []struct {
				Number                             int
				Title, State                       string
				CreatedAt, UpdatedAt               time.Time
				ClosedAt, MergedAt                 *time.Time
				Additions, Deletions, ChangedFiles int
				IsDraft                            bool
				BaseRefName, HeadRefName, URL, ID  string
				Author                             struct{ Login string }
			}
		}
		Refs struct {
			TotalCount int
			PageInfo   struct {
				HasNextPage bool
				EndCursor   *string
			}
			Nodes []struct {
				Name   string
				Target struct {
					Typename      string `json:"__typename"`
					Oid           string
					CommittedDate time.Time
					Tagger        struct{ Date string }
					Target        struct {
						CommittedDate time.Time
						Oid           string
					}
				}
			}
		}
	}
}

// TestGraphQLSyncPagingEqualsTruth: the sync's document, paged with cursors to the end of both
// connections, reads exactly the truth; each page costs one point, visible in rateLimit and in
// the headers.
func TestGraphQLSyncPagingEqualsTruth(t *testing.T) {
	t.Parallel()
	s, err := New(Options{Seed: 12, Issues: 300, PRs: 900})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	for phase := range 2 {
		if phase == 1 {
			s.Advance(3 * 24 * time.Hour)
		}
		prs := map[string]TruthPR{}
		for pr := range s.TruthPRs() {
			prs[prKey(pr.Repo, pr.Number)] = pr
		}
		tags := map[string]TruthTag{}
		for _, tg := range s.TruthTags() {
			tags[tg.Repo+"@"+tg.Name] = tg
		}
		lastRemaining := -1
		for _, repo := range s.Repos() {
			vars := map[string]any{"owner": repo.Owner, "name": repo.Name, "n": 40}
			var prev time.Time
			var prevCommit time.Time
			morePRs, moreTags := true, true
			for pages := 0; morePRs || moreTags; pages++ {
				res, hd := gqlPost(t, h, syncQuery, vars)
				if len(res.Errors) > 0 {
					t.Fatalf("errors: %s", res.raw)
				}
				var page gqlSyncPage
				if err := json.Unmarshal(res.Data, &page); err != nil {
					t.Fatal(err)
				}
				rl := page.RateLimit
				if rl.Cost != 1 || rl.Limit != 5000 || (lastRemaining >= 0 && rl.Remaining != lastRemaining-1) ||
					hd.Get("X-Ratelimit-Remaining") != strconv.Itoa(rl.Remaining) || hd.Get("X-Ratelimit-Resource") != "graphql" ||
					rl.Used != 5000-rl.Remaining {
					t.Fatalf("rate limit %+v after %d, headers %v", rl, lastRemaining, hd)
				}
				lastRemaining = rl.Remaining
				pc := page.Repository.PullRequests
				if morePRs {
					for _, n := range pc.Nodes {
						k := prKey(repo.FullName, n.Number)
						tp, ok := prs[k]
						if !ok {
							t.Fatalf("%s not in the truth (or read twice)", k)
						}
						delete(prs, k)
						if !prev.IsZero() && n.UpdatedAt.After(prev) {
							t.Fatalf("%s: not in updatedAt DESC order", k)
						}
						prev = n.UpdatedAt
						state := "OPEN"
						switch {
						case !tp.MergedAt.IsZero():
							state = "MERGED"
						case tp.State == "closed":
							state = "CLOSED"
						}
						login := tp.Author
						if tp.AuthorType == "Bot" {
							login = strings.TrimSuffix(login, "[bot]") // GraphQL's Bot.login
						}
						if n.Title != tp.Title || n.State != state || !n.CreatedAt.Equal(tp.CreatedAt) || !n.UpdatedAt.Equal(tp.UpdatedAt) ||
							!eqTime(n.ClosedAt, tp.ClosedAt) || !eqTime(n.MergedAt, tp.MergedAt) || n.Additions != tp.Additions ||
							n.Deletions != tp.Deletions || n.ChangedFiles != tp.ChangedFiles || n.IsDraft != tp.Draft ||
							n.BaseRefName != tp.Base || n.HeadRefName != tp.Head || n.Author.Login != login || n.ID != tp.NodeID ||
							n.URL != "https://github.com/"+tp.Repo+"/pull/"+strconv.Itoa(tp.Number) {
							t.Fatalf("%s: %+v\ntruth %+v", k, n, tp)
						}
					}
					if pc.TotalCount != len(s.ghCurrent().byRepo[s.gh.byName[repo.FullName].idx]) {
						t.Fatalf("%s totalCount %d", repo.FullName, pc.TotalCount)
					}
					morePRs = pc.PageInfo.HasNextPage
					if morePRs {
						vars["cursor"] = *pc.PageInfo.EndCursor
					}
				}
				rc := page.Repository.Refs
				if moreTags {
					for _, n := range rc.Nodes {
						k := repo.FullName + "@" + n.Name
						tt, ok := tags[k]
						if !ok {
							t.Fatalf("tag %s not in the truth (or read twice)", k)
						}
						delete(tags, k)
						commit, commitAt := n.Target.Oid, n.Target.CommittedDate
						if tt.Annotated {
							tagger, err := time.Parse(time.RFC3339, n.Target.Tagger.Date)
							if n.Target.Typename != "Tag" || err != nil || !tagger.Equal(tt.TaggerAt) || n.Target.Oid != tt.ObjectSHA {
								t.Fatalf("%s: %+v (%v), truth %+v", k, n.Target, err, tt)
							}
							commit, commitAt = n.Target.Target.Oid, n.Target.Target.CommittedDate
						} else if n.Target.Typename != "Commit" || !commitAt.Equal(tt.At) {
							t.Fatalf("%s: %+v, truth %+v", k, n.Target, tt)
						}
						if commit != tt.SHA || !commitAt.Equal(tt.CommitAt) {
							t.Fatalf("%s: commit %s at %s, truth %+v", k, commit, commitAt, tt)
						}
						// TAG_COMMIT_DATE orders by creatordate: the tag's At.
						if !prevCommit.IsZero() && tt.At.After(prevCommit) {
							t.Fatalf("%s: not in TAG_COMMIT_DATE DESC order", k)
						}
						prevCommit = tt.At
					}
					moreTags = rc.PageInfo.HasNextPage
					if moreTags {
						vars["tagCursor"] = *rc.PageInfo.EndCursor
					}
				}
				if pages > 200 {
					t.Fatal("paging does not end")
				}
			}
		}
		if len(prs) > 0 || len(tags) > 0 {
			t.Fatalf("phase %d: %d PRs and %d tags of the truth were not read", phase, len(prs), len(tags))
		}
	}
}

func eqTime(p *time.Time, t time.Time) bool {
	if p == nil {
		return t.IsZero()
	}
	return p.Equal(t)
}

// TestGraphQLCost: GitHub's formula (one request per connection per parent node, divided by 100,
// rounded, at least 1), the node count, dry runs, and the budget running out (200 + RATE_LIMITED).
func TestGraphQLCost(t *testing.T) {
	t.Parallel()
	s, err := New(Options{Seed: 12, Issues: 100, PRs: 200, GitHubGraphQLLimit: 120})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	type rate struct {
		RateLimit struct{ Cost, Remaining, NodeCount, Used int }
	}
	run := func(q string) (rate, gqlResponse) {
		res, _ := gqlPost(t, h, q, nil)
		var r rate
		json.Unmarshal(res.Data, &r)
		return r, res
	}
	// 1 request (viewer.repositories) + 100 (pullRequests under each repository) + 100*100
	// (labels under each pull request) = 10101 requests: cost 101; nodes 100 + 10000 + 100000.
	nested := `{ rateLimit { cost remaining nodeCount used } viewer { repositories(first: 100) { nodes {
		pullRequests(first: 100) { nodes { number labels(first: 10) { nodes { name } } } } } } } }`
	r, res := run(`{ rateLimit(dryRun: true) { cost remaining nodeCount } viewer { repositories(first: 100) { nodes {
		pullRequests(first: 100) { nodes { number labels(first: 10) { nodes { name } } } } } } } }`)
	if r.RateLimit.Cost != 101 || r.RateLimit.NodeCount != 110100 || r.RateLimit.Remaining != 120 {
		t.Fatalf("dry run: %+v %s", r, res.raw)
	}
	r, _ = run(nested)
	if r.RateLimit.Cost != 101 || r.RateLimit.Remaining != 19 || r.RateLimit.Used != 101 {
		t.Fatalf("nested: %+v", r)
	}
	r, _ = run(`{ rateLimit { cost remaining } repository(owner: "acme", name: "platform-api") { pullRequests(first: 100) { nodes { number } } } }`)
	if r.RateLimit.Cost != 1 || r.RateLimit.Remaining != 18 {
		t.Fatalf("one page: %+v", r)
	}
	// A query that costs more than what is left is refused with RATE_LIMITED, answered 200.
	_, res = run(nested)
	if len(res.Errors) != 1 || res.Errors[0].Type != "RATE_LIMITED" || !strings.Contains(res.Errors[0].Message, "API rate limit") || res.Data != nil {
		t.Fatalf("exhausted: %s", res.raw)
	}
	for range 18 {
		run(`{ viewer { login } }`)
	}
	res, hd := gqlPost(t, h, `{ viewer { login } }`, nil)
	if len(res.Errors) != 1 || res.Errors[0].Type != "RATE_LIMITED" || hd.Get("X-Ratelimit-Remaining") != "0" {
		t.Fatalf("exhausted: %s %v", res.raw, hd)
	}
	// REST has its own budget.
	if code, hd, _ := ghGet(t, h, "/repos/acme/platform-api"); code != 200 || hd.Get("X-Ratelimit-Resource") != "core" {
		t.Fatalf("REST after GraphQL exhaustion: %d", code)
	}
}

// TestGraphQLErrors: errors in GitHub's shape for what a client can get wrong.
func TestGraphQLErrors(t *testing.T) {
	t.Parallel()
	s, err := New(Options{Seed: 12, Issues: 100, PRs: 100})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	for _, tc := range []struct {
		name, query string
		vars        map[string]any
		typ, msg    string
		path        string
		data        bool
	}{
		{name: "unknown field", query: "query {\n  repository(owner: \"acme\", name: \"platform-api\") {\n    pullRequests(first: 1) { nodes { number sizeInLines } }\n  }\n}",
			msg: "Field 'sizeInLines' doesn't exist on type 'PullRequest'", path: "query/repository/pullRequests/nodes/sizeInLines"},
		{name: "unknown argument", query: `{ repository(owner: "acme", name: "platform-api") { pullRequests(frist: 1) { totalCount } } }`,
			msg: "Field 'pullRequests' doesn't accept argument 'frist'"},
		{name: "no bounds", query: `{ repository(owner: "acme", name: "platform-api") { pullRequests { nodes { number } } } }`,
			typ: "MISSING_PAGINATION_BOUNDARIES", msg: "You must provide a `first` or `last` value to properly paginate the `pullRequests` connection.", path: "repository/pullRequests"},
		{name: "too many", query: `{ repository(owner: "acme", name: "platform-api") { refs(refPrefix: "refs/tags/", first: 500) { totalCount } } }`,
			typ: "EXCESSIVE_PAGINATION", msg: "Requesting 500 records on the `refs` connection exceeds the `first` limit of 100 records."},
		{name: "missing repository", query: `{ repository(owner: "acme", name: "nope") { name } }`,
			typ: "NOT_FOUND", msg: "Could not resolve to a Repository with the name 'acme/nope'.", path: "repository", data: true},
		{name: "bad cursor", query: `{ repository(owner: "acme", name: "platform-api") { pullRequests(first: 5, after: "zzz") { totalCount } } }`,
			typ: "INVALID_CURSOR_ARGUMENTS", msg: "`zzz` does not appear to be a valid cursor.", data: true},
		{name: "parse error", query: `{ repository(owner: "acme" name: { }`, msg: "Parse error on"},
		{name: "bad variable", query: `query($n: Int!) { viewer { repositories(first: $n) { totalCount } } }`, vars: map[string]any{"n": "ten"},
			msg: "Variable $n of type Int! was provided invalid value"},
		{name: "mutation", query: `mutation { addStar(input: {}) { clientMutationId } }`, msg: "mutation"},
	} {
		res, _ := gqlPost(t, h, tc.query, tc.vars)
		if len(res.Errors) == 0 {
			t.Errorf("%s: no error: %s", tc.name, res.raw)
			continue
		}
		e := res.Errors[0]
		var path []string
		for _, p := range e.Path {
			path = append(path, strings.TrimSpace(strings.Trim(jsonString(p), `"`)))
		}
		if e.Type != tc.typ || !strings.Contains(e.Message, tc.msg) || (tc.path != "" && strings.Join(path, "/") != tc.path) ||
			(tc.name != "mutation" && len(e.Locations) == 0) || (res.Data != nil) != tc.data {
			t.Errorf("%s: %s", tc.name, res.raw)
		}
	}
	res, _ := gqlPost(t, h, "query {\n  repository(owner: \"acme\", name: \"platform-api\") {\n    pullRequests(first: 1) { nodes { number sizeInLines } }\n  }\n}", nil)
	if e := res.Errors[0]; e.Locations[0] != (gqlLoc{3, 45}) || e.Extensions["code"] != "undefinedField" || e.Extensions["typeName"] != "PullRequest" {
		t.Errorf("unknown field details: %s", res.raw)
	}
	// Malformed JSON is a 400 with a REST-style body.
	w := call(t, h, "POST", "/github/graphql", `{"query": `, ghAuth)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "Problems parsing JSON") {
		t.Errorf("bad JSON: %d %s", w.Code, w.Body)
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestGraphQLSelection: only the selected fields come back, under their aliases, through named
// and inline fragments and @include/@skip; __typename tells bots from users.
func TestGraphQLSelection(t *testing.T) {
	t.Parallel()
	s, err := New(Options{Seed: 12, Issues: 200, PRs: 600})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	q := `query($withBody: Boolean!) {
	  repo: repository(owner: "acme", name: "platform-api") {
	    nameWithOwner
	    prs: pullRequests(last: 100, states: [MERGED]) {
	      edges { cursor node { ...core body @include(if: $withBody) sizes: additions mergedBy { login } } }
	    }
	    defaultBranchRef { name target { ... on Commit { oid messageHeadline } } }
	    pullRequest(number: 1) { number }
	  }
	}
	fragment core on PullRequest { number state author { __typename login ... on Bot { id } } }`
	res, _ := gqlPost(t, h, q, map[string]any{"withBody": false})
	var data map[string]any
	if err := json.Unmarshal(res.Data, &data); err != nil {
		t.Fatalf("%v %s", err, res.raw)
	}
	repo := data["repo"].(map[string]any)
	if keys(repo) != "defaultBranchRef,nameWithOwner,prs,pullRequest" {
		t.Fatalf("repository keys: %s", keys(repo))
	}
	edges := repo["prs"].(map[string]any)["edges"].([]any)
	bots := 0
	for _, e := range edges {
		node := e.(map[string]any)["node"].(map[string]any)
		if keys(node) != "author,mergedBy,number,sizes,state" || node["state"] != "MERGED" {
			t.Fatalf("node keys %s: %v", keys(node), node)
		}
		a := node["author"].(map[string]any)
		switch a["__typename"] {
		case "Bot":
			bots++
			if keys(a) != "__typename,id,login" || strings.Contains(a["login"].(string), "[bot]") {
				t.Fatalf("bot author %v", a)
			}
		case "User":
			if keys(a) != "__typename,login" {
				t.Fatalf("user author %v", a)
			}
		default:
			t.Fatalf("author %v", a)
		}
	}
	if len(edges) == 0 || bots == 0 {
		t.Fatalf("%d merged PRs, %d by bots", len(edges), bots)
	}
	if ref := repo["defaultBranchRef"].(map[string]any); ref["name"] != "main" || len(ref["target"].(map[string]any)["oid"].(string)) != 40 {
		t.Fatalf("default branch %v", ref)
	}
	// last: 100 returns the end of the list, in order.
	var nums []int
	for _, e := range edges {
		nums = append(nums, int(e.(map[string]any)["node"].(map[string]any)["number"].(float64)))
	}
	if !sort.IntsAreSorted(nums) {
		t.Fatalf("last: not in order: %v", nums)
	}
}

func keys(m map[string]any) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}
