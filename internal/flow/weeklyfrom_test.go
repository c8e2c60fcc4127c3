package flow

import (
	"reflect"
	"testing"
	"time"
)

// The quadrant reads stored weekly counts plus the facts of items done within LeadSpan
// (WeeklyFrom) instead of every fact (Weekly). Over random boards and queries the two are
// identical, bit for bit: same counts, same lead-time items in the same order.
func TestWeeklyFromEqualsWeekly(t *testing.T) {
	t.Parallel()
	for _, mode := range []DayMode{Working, Calendar} {
		b := genBoard(t, mode)
		rng := NewRand(31)
		issues := genIssues(rng, 3000, 12, propStart, propSpan)
		now := propNow()
		facts := make([]IssueFacts, len(issues))
		var c Counter
		for i := range issues {
			facts[i] = b.Facts(issues[i], now)
			c.Add(b, &facts[i])
		}
		counts := c.Counts()
		loc := b.Location()
		queries := []WeeklyQuery{
			{},
			{Absolute: true},
			{WorkTypes: []string{"Failures"}},
			{WorkTypes: []string{"Features"}, Window: 26},
			{From: DateOf(propStart, loc), To: DateOf(now, loc), Absolute: true},
			{From: DateOf(propStart.Add(-60*24*time.Hour), loc), To: DateOf(propStart.Add(30*24*time.Hour), loc)},
			{Window: 4, Percents: []int{10, 50, 95}},
		}
		for k := range 20 {
			from := propStart.Add(time.Duration(rng.Int64N(int64(propSpan))))
			to := from.Add(time.Duration(rng.Int64N(int64(400 * 24 * time.Hour))))
			queries = append(queries, WeeklyQuery{From: DateOf(from, loc), To: DateOf(to, loc), Window: 4 + k*5, Absolute: k%2 == 0})
		}
		for i, q := range queries {
			want, err := b.Weekly(facts, q, now)
			if err != nil {
				t.Fatal(err)
			}
			lo, hi, err := b.LeadSpan(q, now)
			if err != nil {
				t.Fatal(err)
			}
			var lead []IssueFacts // as the store selects them: delivered, done in [lo, hi), stored order
			for _, f := range facts {
				if f.Delivered && !f.Done.V.Before(lo) && f.Done.V.Before(hi) {
					lead = append(lead, f)
				}
			}
			got, err := b.WeeklyFrom(counts, lead, q, now)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("mode %v query %d %+v: WeeklyFrom differs from Weekly", mode, i, q)
			}
			if len(lead) == len(facts) {
				t.Fatalf("query %d: the lead span selected every fact", i)
			}
		}
	}
}
