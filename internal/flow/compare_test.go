package flow

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// The permutation p-value on a tiny case, enumerated by hand: a = [1 2],
// b = [3 4], difference of means. Observed |3.5 - 1.5| = 2. The 6 ways to
// pick group A from the pool {1 2 3 4}: {1 2} -> |3.5-1.5| = 2 (extreme),
// {1 3} -> 1, {1 4} -> 0, {2 3} -> 0, {2 4} -> 1, {3 4} -> 2 (extreme).
// p = 2/6.
func TestPermutationPExactTinyCase(t *testing.T) {
	t.Parallel()
	p := PermutationP([]float64{1, 2}, []float64{3, 4}, Mean, 100, nil)
	if math.Abs(p-2.0/6) > 1e-12 {
		t.Fatalf("p = %v, want 1/3", p)
	}
	// Medians on a = [1 5 6], b = [2 9 10]: observed |9 - 5| = 4. Of the 20
	// splits, the extreme ones (|median diff| >= 4) are, by A's median:
	// A {1 2 5} m2 vs B {6 9 10} m9 -> 7; {1 2 6} 2 vs {5 9 10} 9 -> 7;
	// {1 5 6} 5 vs 9 -> 4 (observed); {2 5 6} 5 vs {1 9 10} 9 -> 4;
	// {1 2 9} 2 vs {5 6 10} 6 -> 4; {1 2 10} 2 vs {5 6 9} 6 -> 4;
	// and the mirror images where B holds the small values: {6 9 10} vs
	// {1 2 5}, {5 9 10} vs {1 2 6}, {2 9 10} vs {1 5 6}, {1 9 10} vs {2 5 6},
	// {5 6 10} vs {1 2 9}, {5 6 9} vs {1 2 10}: 12 of 20 -> p = 0.6.
	p = PermutationP([]float64{1, 5, 6}, []float64{2, 9, 10}, Median, 100, nil)
	if math.Abs(p-0.6) > 1e-12 {
		t.Fatalf("median p = %v, want 0.6", p)
	}
}

// Above `trials` distinct splits the p-value is estimated from random
// splits; with a seeded source it is reproducible and close to the exact one.
func TestPermutationPEstimate(t *testing.T) {
	t.Parallel()
	a := []float64{1, 2, 2, 3, 4}
	b := []float64{3, 4, 5, 5, 6}
	exact := PermutationP(a, b, Mean, 1000, nil) // C(10,5) = 252 splits: enumerated
	est1 := PermutationP(a, b, Mean, 200, NewRand(7))
	est2 := PermutationP(a, b, Mean, 200, NewRand(7))
	if est1 != est2 {
		t.Fatalf("same seed, different p: %v %v", est1, est2)
	}
	if math.Abs(est1-exact) > 0.05 {
		t.Fatalf("estimate %v far from exact %v", est1, exact)
	}
}

// Identical samples: the observed difference is 0, every split is at least
// that extreme, p = 1: "cannot tell".
func TestPermutationIdentical(t *testing.T) {
	t.Parallel()
	if p := PermutationP([]float64{3, 3, 3, 3, 3}, []float64{3, 3, 3, 3, 3}, Mean, 100, NewRand(1)); p != 1 {
		t.Fatalf("p = %v, want 1", p)
	}
}

// compareFixture: weeks of Jan 6 .. Mar 24 2025 (now Wed Mar 26, so the last
// complete week is Mar 17). Period A = Jan 6 - Feb 2 (4 weeks), B = Feb 24 -
// Mar 23 (4 weeks). Two items a week in both; in A each takes 1 working day
// (Mon 09:00 -> Tue 09:00), in B each takes `bDays` working days.
func compareFixture(t *testing.T, bDays int) (*Board, []IssueFacts, time.Time) {
	t.Helper()
	b := simpleBoard(t, nil)
	now := at(t, "2025-03-26T12:00:00Z")
	var facts []IssueFacts
	add := func(monday time.Time, days int, n int) {
		for i := 0; i < n; i++ {
			start := monday.Add(9 * time.Hour)
			done := start.AddDate(0, 0, days)
			key := fmt.Sprintf("I-%d", len(facts)+1)
			is := hist(t, key, monday.Add(8*time.Hour).Format(time.RFC3339), start.Format(time.RFC3339), "1", "2", done.Format(time.RFC3339), "2", "4")
			facts = append(facts, b.Facts(is, now))
		}
	}
	for w := 0; w < 4; w++ {
		add(time.Date(2025, 1, 6+7*w, 0, 0, 0, 0, time.UTC), 1, 2)
		add(time.Date(2025, 2, 24, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*w), bDays, 2)
	}
	return b, facts, now
}

func metricByID(c Comparison, id string) Metric {
	for _, m := range c.Metrics {
		if m.ID == id {
			return m
		}
	}
	return Metric{}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	q := CompareQuery{A: Period{Date{2025, 1, 6}, Date{2025, 2, 2}}, B: Period{Date{2025, 2, 24}, Date{2025, 3, 23}}, Trials: 2000}

	// Same work in both periods: throughput [2 2 2 2] vs [2 2 2 2] and
	// lead times eight 1.0s vs eight 1.0s -> every difference 0, p = 1.
	b, facts, now := compareFixture(t, 1)
	c, err := b.Compare(facts, nil, q, now, NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"throughput", "lead_time"} {
		m := metricByID(c, id)
		if m.Verdict != VerdictCannotTell || !m.P.OK || m.P.V != 1 || !m.Change.OK || m.Change.V != 0 {
			t.Errorf("identical periods, %s: %+v", id, m)
		}
	}
	if fmt.Sprint(c.A.Weeks) != "[2 2 2 2]" || c.A.From != (Date{2025, 1, 6}) || c.B.To != (Date{2025, 3, 23}) {
		t.Errorf("periods: %+v / %+v", c.A, c.B)
	}

	// Lead times doubled (1 day -> 2 working days, Mon 09:00 -> Wed 09:00):
	// means 1 vs 2. Of the C(16,8) = 12,870 splits of eight 1s and eight 2s
	// only the 2 that separate them completely reach |diff| = 1 (any other
	// split mixes them: 5 ones and 3 twos give 1.375 vs 1.625), so the exact
	// p is 2/12,870; the estimate from 2,000 seeded draws is about
	// (0+1)/2001, well under 0.10.
	b, facts, now = compareFixture(t, 2)
	c, err = b.Compare(facts, nil, q, now, NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	lt := metricByID(c, "lead_time")
	if lt.Verdict != VerdictLikely || lt.A.V != 1 || lt.B.V != 2 || lt.P.V > 0.01 {
		t.Errorf("doubled lead times: %+v", lt)
	}
	if tp := metricByID(c, "throughput"); tp.Verdict != VerdictCannotTell {
		t.Errorf("throughput unchanged but %+v", tp)
	}
	// Time in the Dev column moved with it; variation is shown, not tested.
	if m := metricByID(c, "state_Dev"); m.Verdict != VerdictLikely {
		t.Errorf("Dev time: %+v", m)
	}
	if m := metricByID(c, "variation"); m.Verdict != VerdictNotTested || m.A.V != 0 {
		t.Errorf("variation: %+v", m)
	}

	// A period with fewer than 4 observations is not tested.
	short := q
	short.A = Period{Date{2025, 1, 6}, Date{2025, 1, 19}} // 2 weeks
	c, _ = b.Compare(facts, nil, short, now, NewRand(1))
	if m := metricByID(c, "throughput"); m.Verdict != VerdictTooFew || m.P.OK {
		t.Errorf("two weeks: %+v", m)
	}
	// The current week never counts; a bad range is an error.
	if _, err := b.Compare(facts, nil, CompareQuery{A: Period{Date{2025, 3, 1}, Date{2025, 2, 1}}, B: q.B}, now, NewRand(1)); err == nil {
		t.Error("a reversed period was accepted")
	}
}
