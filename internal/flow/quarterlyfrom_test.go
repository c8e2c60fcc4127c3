package flow

import (
	"reflect"
	"testing"
	"time"
)

// The quarterly view reads the board's first creation (stored with its aggregates) and the
// delivered facts done within QuarterlySpan and SamplesSpan (QuarterlyFrom, SamplesFrom) instead
// of every fact (Quarterly, Samples). Over random boards, fiscal years and queries the two are
// identical.
func TestQuarterlyFromEqualsQuarterly(t *testing.T) {
	t.Parallel()
	for _, mode := range []DayMode{Working, Calendar} {
		b := genBoard(t, mode)
		rng := NewRand(41)
		issues := genIssues(rng, 3000, 12, propStart, 2*propSpan)
		now := propNow().Add(200 * 24 * time.Hour)
		facts := make([]IssueFacts, len(issues))
		for i := range issues {
			facts[i] = b.Facts(issues[i], now)
		}
		first := b.firstCreated(facts)
		loc := b.Location()
		queries := []QuarterlyQuery{
			{},
			{WorkTypes: []string{"Failures"}},
			{From: Date{2024, 4, 1}, To: Date{2024, 9, 30}, Percents: []int{50, 85, 95}},
			{From: Date{2023, 1, 1}, To: Date{2023, 12, 31}},
			{To: Date{2024, 6, 30}},
			{From: DateOf(now, loc).AddDays(100)},
		}
		for range 20 {
			from := propStart.Add(time.Duration(rng.Int64N(int64(2 * propSpan))))
			to := from.Add(time.Duration(rng.Int64N(int64(400 * 24 * time.Hour))))
			queries = append(queries, QuarterlyQuery{From: DateOf(from, loc), To: DateOf(to, loc)})
		}
		for fiscal := 1; fiscal <= 12; fiscal += 5 {
			b.fiscal = fiscal
			for i, q := range queries {
				want, err := b.Quarterly(facts, q, now)
				if err != nil {
					t.Fatal(err)
				}
				qlo, qhi := b.QuarterlySpan(first, q, now)
				slo, shi := b.SamplesSpan(now)
				var sel []IssueFacts // as the store selects them: delivered, done in either span, done order
				for _, f := range facts {
					in := func(lo, hi time.Time) bool { return !f.Done.V.Before(lo) && f.Done.V.Before(hi) }
					if f.Delivered && (in(qlo, qhi) || in(slo, shi)) {
						sel = append(sel, f)
					}
				}
				got, err := b.QuarterlyFrom(first, sel, q, now)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("mode %v fiscal %d query %d %+v: QuarterlyFrom differs from Quarterly", mode, fiscal, i, q)
				}
				ws, err := b.Samples(facts, q.WorkTypes, now)
				if err != nil {
					t.Fatal(err)
				}
				gs, err := b.SamplesFrom(first, sel, q.WorkTypes, now)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(gs, ws) {
					t.Fatalf("query %d: SamplesFrom %v, Samples %v", i, gs, ws)
				}
			}
		}
	}
}
