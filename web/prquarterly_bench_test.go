package web

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/flowmap"
	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/views"
)

// bigPRBoard is the big board (bigBoard) with n merged pull requests over
// about three years in three repositories, in memory.
func bigPRBoard(tb testing.TB, n int) (*Server, store.Board, *prData, time.Time) {
	tb.Helper()
	s, b, _, tags, now := bigBoard(tb, 0)
	s.GitHubURL = "https://github.com"
	fb, err := flowmap.Board(b, benchCatalog)
	if err != nil {
		tb.Fatal(err)
	}
	last := now.Add(-time.Hour)
	d := &prData{Board: b, Flow: fb, Tags: tags, Status: store.BoardStatus{TeamName: "Big", LastOKAt: &last}}
	for _, name := range []string{"api", "web", "mobile"} {
		d.Repos = append(d.Repos, store.Repo{ID: int64(len(d.Repos) + 1), Owner: "acme", Name: name, DefaultBranch: "main"})
	}
	rng := rand.New(rand.NewPCG(3, 4))
	start := now.AddDate(-3, 0, 0)
	span := now.Sub(start)
	for i := range n {
		merged := start.Add(time.Duration(rng.Int64N(int64(span))))
		created := merged.Add(-time.Duration(rng.ExpFloat64() * 3 * 24 * float64(time.Hour)))
		repo := d.Repos[i%3].FullName()
		add, del := rng.IntN(500), rng.IntN(100)
		row := store.BoardPR{Repo: repo, PullRequest: store.PullRequest{Number: i/3 + 1, Author: "dev", Title: fmt.Sprintf("Make the checkout page faster for customers %d", i),
			State: "closed", BaseRef: "main", CreatedAt: created, UpdatedAt: merged, ClosedAt: &merged, MergedAt: &merged, Additions: &add, Deletions: &del}}
		d.Rows = append(d.Rows, row)
		d.PRs = append(d.PRs, flow.PullRequest{Repo: repo, Number: row.Number, Author: row.Author, Base: "main", CreatedAt: created, ClosedAt: merged, MergedAt: merged,
			Additions: add, Deletions: del})
	}
	return s, b, d, now
}

// buildPRQuarterlyPage does what a request does after the database.
func buildPRQuarterlyPage(tb testing.TB, s *Server, b store.Board, d *prData, now time.Time, query string) ([]byte, *prQuarterly) {
	p, err := ParsePRQuarterlyParams(mustQuery(tb, query), b, d.Repos)
	if err != nil {
		tb.Fatal(err)
	}
	q, err := computePRQuarterly(b, p, d, now)
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := views.QuarterlyPage(s.prQuarterlyView(q)).Render(context.Background(), &buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes(), q
}

// 20,000 merged pull requests: the whole page stays under 1 MB (the points
// are drawn compactly; one layer per repository shares its link prefix).
func TestPRQuarterlyPage20kSize(t *testing.T) {
	t.Parallel()
	s, b, d, now := bigPRBoard(t, 20000)
	page, q := buildPRQuarterlyPage(t, s, b, d, now, "")
	if len(q.points) != 20000 {
		t.Fatalf("%d points, want 20000", len(q.points))
	}
	i := bytes.Index(page, []byte(`data-testid="chart-prleadtime"`))
	svg := 0
	if i >= 0 {
		i = bytes.LastIndex(page[:i], []byte("<svg"))
		svg = bytes.Index(page[i:], []byte("</svg>")) + len("</svg>")
	}
	t.Logf("page %d bytes, scatterplot %d bytes", len(page), svg)
	if svg == 0 || svg >= 1_000_000 || len(page) >= 1_000_000 {
		t.Errorf("page %d bytes, scatterplot %d bytes: want both under 1 MB", len(page), svg)
	}
	if !bytes.Contains(page, []byte(`data-href-prefix="https://github.com/acme/web/pull/"`)) {
		t.Error("compact points lost their links")
	}
}

// BenchmarkPRQuarterlyPage20k builds the PR quarterly page for 20,000
// merged pull requests from memory (no database).
func BenchmarkPRQuarterlyPage20k(b *testing.B) {
	s, board, d, now := bigPRBoard(b, 20000)
	for _, bc := range []struct{ name, query string }{{"all", ""}, {"zoomed", "zx0=2024-10-01&zx1=2025-03-31&zy1=10"}} {
		b.Run(bc.name, func(b *testing.B) {
			var page []byte
			cpu0 := cpuTime()
			for b.Loop() {
				page, _ = buildPRQuarterlyPage(b, s, board, d, now, bc.query)
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(len(page)), "page-bytes")
		})
	}
}
