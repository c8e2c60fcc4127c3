package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/flowmap"
	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/views"
)

// bigBoard is a board with n delivered items over about three years
// (Europe/Berlin, working days, three work types), its stored facts and
// 30 release tags, all in memory.
func bigBoard(tb testing.TB, n int) (*Server, store.Board, []store.Fact, []flow.Tag, time.Time) {
	tb.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		tb.Fatal(err)
	}
	now := time.Date(2025, 5, 14, 12, 0, 0, 0, loc)
	b := store.Board{ID: 1, TeamSlug: "big", Name: "Big board", Slug: "big", TimeZone: "Europe/Berlin", DayMode: "working",
		LeadStart: 1, LeadEnd: 3, RollingWeeks: 12, FiscalYearStartMonth: 4,
		States: []store.BoardState{{Seq: 0, Name: "To Do", StatusIDs: []string{"1"}}, {Seq: 1, Name: "In Progress", StatusIDs: []string{"3"}, Active: true},
			{Seq: 2, Name: "Review", StatusIDs: []string{"4"}}, {Seq: 3, Name: "Done", StatusIDs: []string{"5"}}},
		WorkTypes: []store.WorkType{{Name: "Story", IssueTypeIDs: []string{"10"}}, {Name: "Bug", IssueTypeIDs: []string{"11"}}, {Name: "Task", IssueTypeIDs: []string{"12"}}}}
	rng := rand.New(rand.NewPCG(1, 2))
	start := now.AddDate(-3, 0, 0)
	span := now.Sub(start)
	types := []string{"Story", "Bug", "Task"}
	facts := make([]store.Fact, n)
	for i := range facts {
		done := start.Add(time.Duration(rng.Int64N(int64(span))))
		lead := rng.ExpFloat64() * 6
		started := done.Add(-time.Duration(lead * 1.4 * 24 * float64(time.Hour)))
		lt, cal := lead, done.Sub(started).Hours()/24
		blocked := 0.0 // every fifth item was flagged for a fifth of its lead time
		if i%5 == 0 {
			blocked = lt / 5
		}
		facts[i] = store.Fact{IssueID: int64(i + 1), Key: fmt.Sprintf("BIG-%d", i+1), Summary: fmt.Sprintf("Make the checkout page faster for customers %d", i),
			Type: types[i%3], Created: started.Add(-48 * time.Hour), InScope: true, Position: 3, PositionSince: done,
			StartedAt: &started, DoneAt: &done, Delivered: true, LeadTime: &lt, CalendarDays: &cal, TimeInState: []float64{lt * 0.7, lt * 0.3}, Blocked: &blocked}
	}
	var tags []flow.Tag
	for i := range 30 {
		tags = append(tags, flow.Tag{Repo: "acme/big", Name: fmt.Sprintf("v1.%d.0", i), At: start.AddDate(0, 0, 36*i+5)})
	}
	s := &Server{JiraURL: "https://jira.example.com", Version: "bench", Now: func() time.Time { return now }}
	return s, b, facts, tags, now
}

var benchCatalog = flowmap.Catalog{
	Statuses: []store.JiraStatus{{ID: "1", Name: "To Do", Category: "new"}, {ID: "3", Name: "In Progress", Category: "indeterminate"},
		{ID: "4", Name: "Review", Category: "indeterminate"}, {ID: "5", Name: "Done", Category: "done"}},
	IssueTypes: []store.JiraIssueType{{ID: "10", Name: "Story"}, {ID: "11", Name: "Bug"}, {ID: "12", Name: "Task"}},
}

// buildQuarterlyPage does what a request does after the database: facts
// from stored rows, the view's numbers, the charts and the HTML.
func buildQuarterlyPage(tb testing.TB, s *Server, b store.Board, rows []store.Fact, tags []flow.Tag, now time.Time, query string) ([]byte, *quarterly) {
	p, err := ParseQuarterlyParams(mustQuery(tb, query), b)
	if err != nil {
		tb.Fatal(err)
	}
	fb, err := flowmap.Board(b, benchCatalog)
	if err != nil {
		tb.Fatal(err)
	}
	last := now.Add(-time.Hour)
	d := &boardData{Board: b, Flow: fb, Facts: make([]flow.IssueFacts, len(rows)), Byid: make(map[string]*factRow, len(rows)), Tags: tags,
		Status: store.BoardStatus{TeamName: "Big", LastOKAt: &last}}
	for i := range rows {
		d.Facts[i] = flowmap.FromFact(rows[i])
		d.Byid[d.Facts[i].ID] = &factRow{IssueID: rows[i].IssueID, Summary: rows[i].Summary}
	}
	d.countFacts()
	q, err := computeQuarterly(b, p, d, now)
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := views.QuarterlyPage(s.quarterlyView(q)).Render(context.Background(), &buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes(), q
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func mustQuery(tb testing.TB, s string) map[string][]string {
	tb.Helper()
	out := map[string][]string{}
	for _, kv := range strings.Split(s, "&") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			out[k] = append(out[k], v)
		}
	}
	return out
}

// scatterBytes is the size of the lead-time scatterplot's <svg> in a page.
func scatterBytes(page []byte) int {
	i := bytes.Index(page, []byte(`data-testid="chart-leadtime"`))
	if i < 0 {
		return 0
	}
	i = bytes.LastIndex(page[:i], []byte("<svg"))
	j := bytes.Index(page[i:], []byte("</svg>"))
	return j + len("</svg>")
}

// 20,000 delivered items: the whole page, scatterplot included, stays
// under 1 MB (the points are drawn compactly, hover and links by chart.js).
func TestQuarterlyPage20kSize(t *testing.T) {
	t.Parallel()
	s, b, rows, tags, now := bigBoard(t, 20000)
	page, q := buildQuarterlyPage(t, s, b, rows, tags, now, "")
	if len(q.points) != 20000 {
		t.Fatalf("%d points, want 20000", len(q.points))
	}
	svg := scatterBytes(page)
	t.Logf("page %d bytes, scatterplot %d bytes", len(page), svg)
	if svg == 0 || svg >= 1_000_000 || len(page) >= 1_000_000 {
		t.Errorf("page %d bytes, scatterplot %d bytes: want both under 1 MB", len(page), svg)
	}
	if !bytes.Contains(page, []byte(`data-href-prefix="https://jira.example.com/browse/"`)) {
		t.Error("compact points lost their links")
	}
	// The rest of the hover text is fetched on the first hover: one
	// data-details path per layer, not in the page's bytes.
	if !bytes.Contains(page, []byte(`data-details="/teams/big/boards/big/quarterly-points.json"`)) {
		t.Error("compact points have no details URL")
	}
	start := time.Now()
	js := q.pointDetails()
	took := time.Since(start)
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, 5) // the route's compression level
	zw.Write(js)
	zw.Close()
	t.Logf("hover details: %d bytes of JSON (%d gzipped) in %v", len(js), gz.Len(), took)
	var details map[string][]string
	if err := json.Unmarshal(js, &details); err != nil || len(details) != 20000 {
		t.Fatalf("details: %d keys, %v", len(details), err)
	}
	if d := details["BIG-16"]; len(d) != 2 || d[0] != "Make the checkout page faster for customers 15" || !strings.HasPrefix(d[1], "Blocked: ") || !strings.HasSuffix(d[1], "% of the lead time)") {
		t.Errorf("details of BIG-16: %q", d)
	}
	if d := details["BIG-17"]; len(d) != 2 || d[1] != "Blocked: 0.0 working days" {
		t.Errorf("details of BIG-17: %q", d)
	}
}

// BenchmarkQuarterlyPage20k builds the quarterly page for 20,000
// delivered items from in-memory facts (no database).
func BenchmarkQuarterlyPage20k(b *testing.B) {
	s, board, rows, tags, now := bigBoard(b, 20000)
	for _, bc := range []struct{ name, query string }{{"all", ""}, {"zoomed", "zx0=2024-10-01&zx1=2025-03-31&zy1=10"}} {
		b.Run(bc.name, func(b *testing.B) {
			var page []byte
			cpu0 := cpuTime()
			for b.Loop() {
				page, _ = buildQuarterlyPage(b, s, board, rows, tags, now, bc.query)
			}
			// CPU time as well as wall time: on a busy machine the wall time
			// measures the neighbours.
			b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(len(page)), "page-bytes")
			b.ReportMetric(float64(scatterBytes(page)), "svg-bytes")
		})
	}
}

// BenchmarkQuarterlyPointDetails20k: what quarterly-points.json does after
// the database for 20,000 delivered items (the quarters, the points and
// their hover texts; no forecast, no chart).
func BenchmarkQuarterlyPointDetails20k(b *testing.B) {
	s, board, rows, tags, now := bigBoard(b, 20000)
	_, q := buildQuarterlyPage(b, s, board, rows, tags, now, "")
	var js []byte
	cpu0 := cpuTime()
	for b.Loop() {
		qp, err := quarterlyPoints(board, q.p, q.d, now)
		if err != nil {
			b.Fatal(err)
		}
		js = qp.pointDetails()
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(len(js)), "json-bytes")
}
