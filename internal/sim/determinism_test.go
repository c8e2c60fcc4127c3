package sim

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// call runs one request in-process with a fixed Host, so `self` links are comparable.
func call(t testing.TB, h http.Handler, method, target, body string, auth func(*http.Request)) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Host = "sim.test"
	req.Header.Set("Content-Type", "application/json")
	if auth != nil {
		auth(req)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func basicAuth(r *http.Request) { r.SetBasicAuth("demo@example.com", "sim-jira-token") }

// transcript replays a fixed script of requests and returns every response, bytes included.
func transcript(t *testing.T, opts Options) []byte {
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	script := []struct{ method, target, body string }{
		{"GET", "/jira/rest/api/3/serverInfo", ""},
		{"GET", "/jira/rest/api/3/search/jql?jql=project%3DPLAT&fields=*all&expand=changelog&maxResults=30", ""},
		{"POST", "/jira/rest/api/3/search/jql", `{"jql":"updated >= -30d ORDER BY updated ASC","fields":["key","status","updated"],"maxResults":100}`},
		{"POST", "/jira/rest/api/3/changelog/bulkfetch", `{"issueIdsOrKeys":["10001","10002","10003","PAY-7","MOB-9"],"maxResults":7}`},
		{"GET", "/jira/rest/api/3/issue/PLAT-3?expand=changelog", ""},
		{"GET", "/jira/rest/api/2/issue/MOB-12/changelog?startAt=1&maxResults=3", ""},
		{"GET", "/jira/rest/agile/1.0/board/3/configuration", ""},
		{"POST", "/_sim/advance?hours=36", ""},
		{"POST", "/jira/rest/api/3/search/jql", `{"jql":"updated >= -2d","fields":["*all"],"expand":"changelog"}`},
		{"GET", "/_sim/truth", ""},
	}
	var out bytes.Buffer
	for _, r := range script {
		w := call(t, h, r.method, r.target, r.body, basicAuth)
		out.WriteString(r.method + " " + r.target + "\n")
		out.WriteString(w.Result().Status + "\n")
		out.Write(w.Body.Bytes())
		out.WriteString("\n")
	}
	return out.Bytes()
}

// TestDeterminism: the same flags and clock give byte-identical responses; another seed does not.
func TestDeterminism(t *testing.T) {
	t.Parallel()
	opts := Options{Seed: 5, Issues: 800}
	a, b := transcript(t, opts), transcript(t, opts)
	if !bytes.Equal(a, b) {
		t.Fatal("two runs with the same options answered differently")
	}
	for _, line := range strings.Split(string(a), "\n") {
		if strings.HasPrefix(line, "4") || strings.HasPrefix(line, "5") {
			t.Fatalf("the script hit an error: %s", line)
		}
	}
	opts.Seed = 6
	if bytes.Equal(a, transcript(t, opts)) {
		t.Fatal("a different seed gave the same data")
	}
}

// TestAdvanceIsPathIndependent: the world at a time does not depend on how the clock got there.
func TestAdvanceIsPathIndependent(t *testing.T) {
	t.Parallel()
	opts := Options{Seed: 9, Issues: 700}
	one, _ := New(opts)
	steps, _ := New(opts)
	one.Advance(72 * time.Hour)
	for range 6 {
		truthOf(t, steps) // build intermediate snapshots on the way
		steps.Advance(12 * time.Hour)
	}
	var x, y bytes.Buffer
	if err := one.Truth(&x); err != nil {
		t.Fatal(err)
	}
	steps.Truth(&y)
	if !bytes.Equal(x.Bytes(), y.Bytes()) {
		t.Fatal("advancing in steps gave a different world than advancing at once")
	}
}

// TestWorldMovesOn: advancing the clock creates, moves, resolves, reopens, flags and deletes
// issues, and an incremental `updated >=` query finds every change.
func TestWorldMovesOn(t *testing.T) {
	t.Parallel()
	s, err := New(Options{Seed: 2, Issues: 5000})
	if err != nil {
		t.Fatal(err)
	}
	before := truthOf(t, s)
	cat := map[string]string{}
	for _, st := range before.Statuses {
		cat[st.ID] = st.Category
	}
	old := map[string]TruthIssue{}
	for _, is := range before.Issues {
		old[is.ID] = is
	}
	watermark := s.Now()
	s.Advance(35 * 24 * time.Hour)
	after := truthOf(t, s)
	var created, transitioned, resolved, reopened, flagged, deleted, moved int
	changed := map[string]bool{}
	for _, is := range after.Issues {
		o, existed := old[is.ID]
		switch {
		case !existed:
			created++
		case is.Deleted && !o.Deleted:
			deleted++
		}
		if is.Deleted {
			continue
		}
		if !existed || !is.Updated.Equal(o.Updated) {
			changed[is.ID] = true
		}
		if len(is.KeyHistory) > len(o.KeyHistory) {
			moved++
		}
		if existed {
			if len(is.StatusChanges) > len(o.StatusChanges) {
				transitioned++
			}
			if o.Resolution == "" && is.Resolution != "" {
				resolved++
			}
			for _, c := range is.StatusChanges[len(o.StatusChanges):] {
				if cat[c.From] == catDone && cat[c.To] != catDone {
					reopened++
				}
			}
			if len(is.FlagChanges) > len(o.FlagChanges) {
				flagged++
			}
		}
	}
	t.Logf("5 weeks: %d created, %d transitioned, %d resolved, %d reopened, %d flag changes, %d moved, %d deleted",
		created, transitioned, resolved, reopened, flagged, moved, deleted)
	if created == 0 || transitioned == 0 || resolved == 0 || reopened == 0 || flagged == 0 || moved == 0 || deleted == 0 {
		t.Fatal("the world did not move on in every way")
	}
	if !after.Now.Equal(watermark.Add(35 * 24 * time.Hour)) {
		t.Fatalf("clock %s", after.Now)
	}
	// An incremental sync: JQL minute precision in the user's zone, so overlap by a minute.
	loc, _ := time.LoadLocation(after.UserTZ)
	jql := `updated >= "` + watermark.Add(-time.Minute).In(loc).Format("2006-01-02 15:04") + `"`
	env := &jqlEnv{w: s.world, snap: s.current(), loc: loc}
	ast, err := parseJQL(jql)
	if err != nil {
		t.Fatal(err)
	}
	comp, err := env.compile(ast)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, p := range comp.run(env.snap, s.world) {
		found[issueID(env.snap.states[p].idx)] = true
	}
	for id := range changed {
		if !found[id] {
			t.Errorf("issue %s changed but %q misses it", id, jql)
		}
	}
}

// TestStartClock: history ends at the injected start; nothing is created after it.
func TestStartClock(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, time.March, 30, 1, 30, 0, 0, time.UTC) // a DST change in Europe
	s, err := New(Options{Seed: 3, Issues: 400, Now: func() time.Time { return start }})
	if err != nil {
		t.Fatal(err)
	}
	tr := truthOf(t, s)
	if !tr.Now.Equal(start) || len(tr.Issues) != 400 {
		t.Fatalf("now %s, %d issues", tr.Now, len(tr.Issues))
	}
	first, last := tr.Issues[0].Created, tr.Issues[len(tr.Issues)-1].Created
	if !last.Before(start) || start.Sub(first) < 2*365*24*time.Hour {
		t.Fatalf("history from %s to %s, want a few years ending before %s", first, last, start)
	}
	for _, is := range tr.Issues {
		for _, c := range is.StatusChanges {
			if c.At.After(start) || c.At.Before(is.Created) {
				t.Fatalf("issue %s: change at %s outside [%s, %s]", is.Key, c.At, is.Created, start)
			}
		}
	}
}

// TestAdmin covers the /_sim endpoints.
func TestAdmin(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{Seed: 1, Issues: 100})
	h := s.Handler()
	w := call(t, h, "GET", "/_sim/time", "", nil)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"now":"2026-11-02T09:00:00Z"`) {
		t.Fatalf("time: %d %s", w.Code, w.Body)
	}
	w = call(t, h, "POST", "/_sim/advance?hours=1.5", "", nil)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"now":"2026-11-02T10:30:00Z"`) {
		t.Fatalf("advance: %d %s", w.Code, w.Body)
	}
	for _, bad := range []string{"/_sim/advance", "/_sim/advance?hours=-1", "/_sim/advance?hours=x", "/_sim/advance?duration=soon"} {
		if w := call(t, h, "POST", bad, "", nil); w.Code != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, w.Code)
		}
	}
	w = call(t, h, "GET", "/_sim/truth", "", nil)
	tr, err := ReadTruth(w.Body)
	if err != nil || len(tr.Issues) < 100 || len(tr.Boards) != 5 || !tr.Now.Equal(s.Now()) {
		t.Fatalf("truth: %v", err)
	}
	if w := call(t, h, "GET", "/github/repos/a/b/pulls", "", nil); w.Code != http.StatusUnauthorized {
		t.Fatalf("github without a token: %d", w.Code)
	}
	if w := call(t, h, "GET", "/github/repos/a/b/pulls", "", func(r *http.Request) { r.Header.Set("Authorization", "token sim-github-token") }); w.Code != http.StatusNotFound {
		t.Fatalf("github, unknown repository: %d", w.Code)
	}
}

// TestKeysAndIDs: in a many-team world every live issue has a unique key, former keys never
// collide with current ones, ids follow creation order, and boards are well formed.
func TestKeysAndIDs(t *testing.T) {
	t.Parallel()
	s, err := New(Options{Seed: 21, Issues: 6000, Teams: 14})
	if err != nil {
		t.Fatal(err)
	}
	s.Advance(20 * 24 * time.Hour)
	tr := truthOf(t, s)
	if len(tr.Boards) != 14 {
		t.Fatalf("%d boards", len(tr.Boards))
	}
	projects := map[string]bool{}
	for _, b := range tr.Boards {
		if projects[b.Project] || len(b.Columns) < 5 || len(b.Columns) > 8 {
			t.Fatalf("board %+v", b)
		}
		projects[b.Project] = true
	}
	keys := map[string]string{}
	var prev time.Time
	prevID := 0
	for _, is := range tr.Issues {
		id, _ := strconv.Atoi(is.ID)
		if id != prevID+1 && prevID != 0 || is.Created.Before(prev) {
			t.Fatalf("issue %s (created %s) after %d (created %s)", is.ID, is.Created, prevID, prev)
		}
		prev, prevID = is.Created, id
		for _, k := range append([]string{is.Key}, is.KeyHistory...) {
			if other, dup := keys[k]; dup {
				t.Fatalf("key %s used by %s and %s", k, other, is.ID)
			}
			keys[k] = is.ID
		}
		if !projects[is.Project] || !strings.HasPrefix(is.Key, is.Project+"-") {
			t.Fatalf("issue %s key %s project %s", is.ID, is.Key, is.Project)
		}
	}
}
