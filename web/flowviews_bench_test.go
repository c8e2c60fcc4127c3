package web_test

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vger-dev/vger/internal/pgtest"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
	"github.com/vger-dev/vger/web"
)

// largeFlowBoard stores a board of n issues created over the 400 days
// before flowNow, most of them moving To Do -> In Progress -> Review ->
// Done, some flagged on the way, and rebuilds its facts.
func largeFlowBoard(b *testing.B, n int) *web.Server {
	b.Helper()
	st := pgtest.Store(b)
	s := web.New(st, slog.New(slog.DiscardHandler), nil)
	s.Now = func() time.Time { return flowNow }
	ctx := context.Background()
	bd := flowBoard(b, st, "flow", "flo")
	rng := rand.New(rand.NewPCG(7, 11))
	ib := &issueBuilder{project: "BIG"}
	start := flowNow.Add(-400 * 24 * time.Hour)
	var batch []store.JiraIssue
	flush := func() {
		err := pgx.BeginFunc(ctx, st.Pool, func(tx pgx.Tx) error {
			_, err := store.WriteJiraIssues(ctx, tx, bd.ID, batch)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	hours := func(mean float64) time.Duration { return time.Duration(rng.ExpFloat64() * mean * float64(time.Hour)) }
	for i := range n {
		created := start.Add(time.Duration(rng.Float64() * 400 * 24 * float64(time.Hour)))
		typ := "10"
		if i%5 == 0 {
			typ = "11"
		}
		t1 := created.Add(hours(72))
		t2 := t1.Add(hours(60))
		t3 := t2.Add(hours(24))
		var is store.JiraIssue
		switch {
		case t3.Before(flowNow):
			is = ib.issue(int64(i+1), typ, "5", created, "1", "3", t1, "3", "4", t2, "4", "5", t3)
		case t2.Before(flowNow):
			is = ib.issue(int64(i+1), typ, "4", created, "1", "3", t1, "3", "4", t2)
		case t1.Before(flowNow):
			is = ib.issue(int64(i+1), typ, "3", created, "1", "3", t1)
		default:
			is = ib.issue(int64(i+1), typ, "1", created)
		}
		if i%10 == 0 && t1.Before(flowNow) {
			ib.flag(&is, true, t1.Add(hours(4)))
			ib.flag(&is, false, t1.Add(hours(30)))
		}
		batch = append(batch, is)
		if len(batch) == 5000 {
			flush()
		}
	}
	if len(batch) > 0 {
		flush()
	}
	if _, err := (&vsync.Syncer{Store: st, Now: func() time.Time { return flowNow }}).RebuildFacts(ctx, bd.ID); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkFlowPage50k: the CFD page (a year of days: 52 complete weeks
// plus the current one) of a 50,000-issue board, end to end through the
// handler: facts and segments from Postgres, the CFD, the weekly series,
// three charts and the page.
func BenchmarkFlowPage50k(b *testing.B) {
	s := largeFlowBoard(b, 50_000)
	benchGet(b, s.Routes(), flowURL+"/flow?weeks=52")
}

// BenchmarkForecastPage50k: the forecast page (10,000 trials of each
// question) on the same board.
func BenchmarkForecastPage50k(b *testing.B) {
	s := largeFlowBoard(b, 50_000)
	benchGet(b, s.Routes(), flowURL+"/forecast?items=200")
}

func benchGet(b *testing.B, h http.Handler, target string) {
	b.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	if rec.Code != 200 {
		b.Fatalf("%s: %d %.300s", target, rec.Code, rec.Body.String())
	}
	b.SetBytes(int64(rec.Body.Len()))
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	}
}
