package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Benchmarks measure the server side in-process (no network): what one page costs to serve.

func benchSim(b *testing.B, opts Options) (*Sim, http.Handler) {
	b.Helper()
	s, err := New(opts)
	if err != nil {
		b.Fatal(err)
	}
	s.current()
	return s, s.Handler()
}

func benchCall(b *testing.B, h http.Handler, method, target, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Host = "sim.test"
	req.SetBasicAuth("demo@example.com", "sim-jira-token")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != 200 {
		b.Fatalf("%s %s: %d %s", method, target, w.Code, w.Body)
	}
	return w
}

// tokens walks a Cloud search to the end once and returns the request bodies of every page.
func tokens(b *testing.B, h http.Handler, body map[string]any) []string {
	var out []string
	for {
		raw, _ := json.Marshal(body)
		out = append(out, string(raw))
		w := benchCall(b, h, "POST", "/jira/rest/api/3/search/jql", string(raw))
		var p struct {
			NextPageToken string `json:"nextPageToken"`
		}
		json.Unmarshal(w.Body.Bytes(), &p)
		if p.NextPageToken == "" {
			return out
		}
		body["nextPageToken"] = p.NextPageToken
	}
}

var syncFields = []string{"key", "issuetype", "status", "resolution", "created", "updated", "resolutiondate", "summary", "parent", "project", "customfield_10021"}

func benchPages(b *testing.B, h http.Handler, pages []string, perPage int) {
	b.ResetTimer()
	bytes := 0
	for i := range b.N {
		w := benchCall(b, h, "POST", "/jira/rest/api/3/search/jql", pages[i%len(pages)])
		bytes += w.Body.Len()
	}
	b.ReportMetric(float64(perPage)*float64(b.N)/b.Elapsed().Seconds(), "issues/s")
	b.ReportMetric(float64(bytes)/float64(b.N), "bytes/page")
}

// BenchmarkSearchJQLPage: Cloud search/jql pages of 100 issues with the fields a sync asks for.
func BenchmarkSearchJQLPage(b *testing.B) {
	_, h := benchSim(b, Options{Seed: 1, Issues: 20000})
	pages := tokens(b, h, map[string]any{"jql": "project = PLAT ORDER BY updated ASC", "fields": syncFields, "maxResults": 100})
	benchPages(b, h, pages, 100)
}

// BenchmarkSearchJQLIDs: the deletion sweep's ids-only pages of 5000.
func BenchmarkSearchJQLIDs(b *testing.B) {
	_, h := benchSim(b, Options{Seed: 1, Issues: 20000})
	pages := tokens(b, h, map[string]any{"jql": `created >= "2000-01-01"`, "maxResults": 5000})
	benchPages(b, h, pages, 5000)
}

// BenchmarkSearchJQLChangelog: pages of 100 with the (truncated) changelog expanded.
func BenchmarkSearchJQLChangelog(b *testing.B) {
	_, h := benchSim(b, Options{Seed: 1, Issues: 20000})
	pages := tokens(b, h, map[string]any{"jql": "project = MOB", "fields": syncFields, "expand": "changelog", "maxResults": 100})
	benchPages(b, h, pages, 100)
}

// BenchmarkBulkfetchPage: changelog/bulkfetch for 100 issues, status and Flagged histories.
func BenchmarkBulkfetchPage(b *testing.B) {
	_, h := benchSim(b, Options{Seed: 1, Issues: 20000})
	var bodies []string
	for k := 0; k < 20; k++ {
		var ids []string
		for i := range 100 {
			ids = append(ids, fmt.Sprint(idBase+k*100+i))
		}
		raw, _ := json.Marshal(map[string]any{"issueIdsOrKeys": ids, "fieldIds": []string{"status", "customfield_10021"}, "maxResults": 1000})
		bodies = append(bodies, string(raw))
	}
	b.ResetTimer()
	histories := 0
	for i := range b.N {
		w := benchCall(b, h, "POST", "/jira/rest/api/3/changelog/bulkfetch", bodies[i%len(bodies)])
		histories += strings.Count(w.Body.String(), `"created":`)
	}
	b.ReportMetric(100*float64(b.N)/b.Elapsed().Seconds(), "issues/s")
	b.ReportMetric(float64(histories)/b.Elapsed().Seconds(), "histories/s")
}

// BenchmarkDataCenterSearchPage: Data Center search, 100 issues per page with full changelogs.
func BenchmarkDataCenterSearchPage(b *testing.B) {
	_, h := benchSim(b, Options{Seed: 1, Issues: 20000, Mode: ModeDataCenter})
	b.ResetTimer()
	for i := range b.N {
		benchCall(b, h, "GET", fmt.Sprintf("/jira/rest/api/2/search?jql=project%%3DPLAT&startAt=%d&maxResults=100&expand=changelog", (i*100)%4000), "")
	}
	b.ReportMetric(100*float64(b.N)/b.Elapsed().Seconds(), "issues/s")
}

// BenchmarkStart100k: New plus the first snapshot for 100,000 issues (what `vger simulate
// --issues 100000` does before answering its first search).
func BenchmarkStart100k(b *testing.B) {
	for range b.N {
		s, err := New(Options{Seed: 1, Issues: 100_000})
		if err != nil {
			b.Fatal(err)
		}
		s.current()
	}
}

// BenchmarkAdvanceDay: moving the clock a day on a 20k world and rebuilding the snapshot.
func BenchmarkAdvanceDay(b *testing.B) {
	s, _ := benchSim(b, Options{Seed: 1, Issues: 20000})
	b.ResetTimer()
	for range b.N {
		s.Advance(24 * time.Hour)
		s.current()
	}
}
