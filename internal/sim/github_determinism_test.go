package sim

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ghTranscript replays a fixed script of GitHub requests (REST and GraphQL, before and after the
// clock moves) and returns every status and body.
func ghTranscript(t *testing.T, opts Options) []byte {
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	num := ""
	for pr := range s.TruthPRs() {
		if pr.Repo == "acme/payments-api" && pr.Number > 5 && num == "" {
			num = strconv.Itoa(pr.Number)
		}
	}
	gql, _ := json.Marshal(map[string]any{"query": syncQuery, "variables": map[string]any{"owner": "acme", "name": "payments-api", "n": 50}})
	script := []struct{ method, target, body string }{
		{"GET", "/github/user/repos?per_page=5&page=2", ""},
		{"GET", "/github/repos/acme/payments-api/pulls?state=all&sort=updated&direction=desc&per_page=30", ""},
		{"GET", "/github/repos/acme/payments-api/pulls/" + num, ""},
		{"GET", "/github/repos/acme/payments-api/tags?per_page=20", ""},
		{"GET", "/github/repos/acme/payments-api/git/matching-refs/tags/v", ""},
		{"GET", "/github/repos/acme/payments-api/commits/main", ""},
		{"GET", "/github/repos/acme/payments-api/releases?per_page=3", ""},
		{"POST", "/github/graphql", string(gql)},
		{"POST", "/_sim/advance?hours=60", ""},
		{"GET", "/github/repos/acme/payments-web/pulls?state=all&per_page=50", ""},
		{"GET", "/github/repos/acme/payments-web/tags", ""},
		{"POST", "/github/graphql", string(gql)},
	}
	var out bytes.Buffer
	for _, r := range script {
		w := call(t, h, r.method, r.target, r.body, ghAuth)
		out.WriteString(r.method + " " + r.target + "\n" + w.Result().Status + " " + w.Header().Get("Etag") + " " + w.Header().Get("Link") + "\n")
		body := w.Body.Bytes()
		if strings.Contains(r.target, "graphql") {
			// resetAt is wall-clock time; everything else must repeat byte for byte.
			body = bytes.Split(body, []byte(`"resetAt"`))[0]
		}
		out.Write(body)
		out.WriteString("\n")
	}
	truth := truthOf(t, s)
	b, _ := json.Marshal([]any{truth.Repos, truth.Tags, truth.PullRequests})
	out.Write(b)
	return out.Bytes()
}

// TestGitHubDeterminism: the same flags give the same bytes; another seed other data.
func TestGitHubDeterminism(t *testing.T) {
	t.Parallel()
	opts := Options{Seed: 5, Issues: 300, PRs: 500}
	a, b := ghTranscript(t, opts), ghTranscript(t, opts)
	if !bytes.Equal(a, b) {
		t.Fatal("two runs with the same options answered differently")
	}
	for _, line := range strings.Split(string(a), "\n") {
		if strings.HasPrefix(line, "4") || strings.HasPrefix(line, "5") {
			t.Fatalf("the script hit an error: %s", line)
		}
	}
	opts.Seed = 6
	if bytes.Equal(a, ghTranscript(t, opts)) {
		t.Fatal("a different seed gave the same data")
	}
}

// TestGitHubAdvance: the world at a time does not depend on how the clock got there, and moving
// the clock opens, merges and closes pull requests and adds tags.
func TestGitHubAdvance(t *testing.T) {
	t.Parallel()
	opts := Options{Seed: 9, Issues: 300, PRs: 800}
	one, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	steps, _ := New(opts)
	before := map[string]TruthPR{}
	for pr := range one.TruthPRs() {
		before[prKey(pr.Repo, pr.Number)] = pr
	}
	tagsBefore := len(one.TruthTags())
	one.Advance(7 * 24 * time.Hour)
	for range 14 {
		steps.Advance(12 * time.Hour)
		steps.ghCurrent() // build the intermediate snapshots
		steps.TruthTags()
	}
	var a, b []TruthPR
	for pr := range one.TruthPRs() {
		a = append(a, pr)
	}
	for pr := range steps.TruthPRs() {
		b = append(b, pr)
	}
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(one.TruthTags(), steps.TruthTags()) {
		t.Fatal("one 7-day step and fourteen 12-hour steps disagree")
	}
	var opened, merged, closed, updated int
	for _, pr := range a {
		old, ok := before[prKey(pr.Repo, pr.Number)]
		switch {
		case !ok:
			opened++
		case old.State == "open" && !pr.MergedAt.IsZero():
			merged++
		case old.State == "open" && pr.State == "closed":
			closed++
		}
		if ok && !pr.UpdatedAt.Equal(old.UpdatedAt) {
			updated++
		}
		if ok && (!pr.CreatedAt.Equal(old.CreatedAt) || pr.Title != old.Title || pr.Additions != old.Additions) {
			t.Fatalf("%s#%d changed its past: %+v -> %+v", pr.Repo, pr.Number, old, pr)
		}
		if ok && old.State == "closed" && (pr.State != "closed" || !pr.ClosedAt.Equal(old.ClosedAt)) {
			t.Fatalf("%s#%d reopened", pr.Repo, pr.Number)
		}
	}
	if opened == 0 || merged == 0 || closed == 0 || updated == 0 || len(one.TruthTags()) <= tagsBefore {
		t.Fatalf("a week later: %d opened, %d merged, %d closed, %d updated, tags %d -> %d",
			opened, merged, closed, updated, tagsBefore, len(one.TruthTags()))
	}
	// Numbers stay unique and increasing with creation in every repository.
	last := map[string]TruthPR{}
	for _, pr := range a {
		if p, ok := last[pr.Repo]; ok && (pr.Number <= p.Number || pr.CreatedAt.Before(p.CreatedAt)) {
			t.Fatalf("%s: #%d after #%d", pr.Repo, pr.Number, p.Number)
		}
		last[pr.Repo] = pr
	}
}

// TestSHARoundTrip: every object id the simulator hands out resolves; anything else does not.
func TestSHARoundTrip(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{Seed: 77, Issues: 50, PRs: 10})
	for _, kind := range []uint64{shaMerge, shaHead, shaInit, shaTagObj, shaTree} {
		for _, item := range []uint64{0, 1, 2, 12345, 1<<48 | 99, 1<<56 - 1} {
			sha := s.sha(kind, item)
			k, i, ok := s.parseSHA(sha)
			if !ok || k != kind || i != item || len(sha) != 40 {
				t.Fatalf("%d/%d: %s -> %d/%d %v", kind, item, sha, k, i, ok)
			}
		}
	}
	other, _ := New(Options{Seed: 78, Issues: 50, PRs: 10})
	for _, bad := range []string{"", "abc", strings.Repeat("0", 40), other.sha(shaMerge, 1), s.sha(shaMerge, 1)[:39] + "x"} {
		if _, _, ok := s.parseSHA(bad); ok {
			t.Fatalf("%q resolved", bad)
		}
	}
}

// TestReposAndBoards: every team has repositories, each linked to its board, in the truth too.
func TestReposAndBoards(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{Seed: 1, Issues: 100, PRs: 100, Teams: 8})
	tr := truthOf(t, s)
	n := 0
	for _, b := range tr.Boards {
		repos := s.BoardRepos(b.ID)
		if len(repos) < 2 || len(repos) != len(b.Repos) {
			t.Fatalf("board %d: %v / %v", b.ID, repos, b.Repos)
		}
		for k, r := range repos {
			if r.BoardID != b.ID || r.Project != b.Project || r.FullName != b.Repos[k] || !strings.HasPrefix(r.Name, strings.ToLower(strings.Fields(b.Team)[0])) {
				t.Fatalf("board %d repo %+v", b.ID, r)
			}
		}
		n += len(repos)
	}
	if n != len(s.Repos()) || len(tr.Repos) != n || len(s.Orgs()) != 2 {
		t.Fatalf("%d board repos, %d repos, %d in the truth, orgs %v", n, len(s.Repos()), len(tr.Repos), s.Orgs())
	}
}

// TestGitHubConcurrentRequestsAndAdvance: REST and GraphQL requests in parallel with clock
// advances (run under -race); every answer is whole and the final state equals a fresh world's.
func TestGitHubConcurrentRequestsAndAdvance(t *testing.T) {
	t.Parallel()
	opts := Options{Seed: 31, Issues: 200, PRs: 300}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 12 {
				if w == 0 && i%3 == 0 {
					s.Advance(6 * time.Hour)
				}
				var code int
				if (w+i)%2 == 0 {
					code, _, _ = ghGet(t, h, "/repos/acme/mobile-api/pulls?state=all&per_page=50")
				} else {
					b, _ := json.Marshal(map[string]any{"query": syncQuery, "variables": map[string]any{"owner": "acme", "name": "mobile-api", "n": 30}})
					code = call(t, h, "POST", "/github/graphql", string(b), ghAuth).Code
				}
				if code != 200 {
					errs <- strconv.Itoa(code)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatalf("status %s", e)
	}
	fresh, _ := New(opts)
	fresh.Advance(s.Now().Sub(fresh.Now()))
	if !reflect.DeepEqual(fresh.TruthTags(), s.TruthTags()) {
		t.Fatal("tags differ from a fresh world at the same time")
	}
	var a, b []TruthPR
	for pr := range s.TruthPRs() {
		a = append(a, pr)
	}
	for pr := range fresh.TruthPRs() {
		b = append(b, pr)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("pull requests differ from a fresh world at the same time")
	}
}
