package flow

import (
	"reflect"
	"testing"
	"time"
)

// The impediments page reads only the issues that can add to it (ImpedimentsSpan): flagged,
// started, and not done before the span, or started in it, or not done (the items blocked
// now). Over random boards, queries and moments that equals Impediments of every issue.
func TestImpedimentsFromSpanEqualsImpediments(t *testing.T) {
	t.Parallel()
	compared, blockedNow := 0, 0
	for _, mode := range []DayMode{Working, Calendar} {
		b := genBoard(t, mode)
		rng := NewRand(47)
		issues := genIssues(rng, 3000, 12, propStart, propSpan)
		loc := b.Location()
		for _, now := range []time.Time{propStart.Add(propSpan / 3), propStart.Add(propSpan), propNow()} {
			all := make([]BlockTrack, len(issues))
			for i := range issues {
				f := b.Facts(issues[i], now)
				all[i] = BlockTrackOf(&f, issues[i].Flags)
			}
			queries := []WeeklyQuery{{}, {WorkTypes: []string{"Failures"}},
				{From: DateOf(propStart, loc).AddDays(-10), To: DateOf(now, loc).AddDays(30)}}
			for k := range 20 {
				from := propStart.Add(time.Duration(rng.Int64N(int64(propSpan))))
				to := from.Add(time.Duration(rng.Int64N(int64(200 * 24 * time.Hour))))
				q := WeeklyQuery{From: DateOf(from, loc), To: DateOf(to, loc)}
				if k%2 == 1 {
					q.WorkTypes = []string{"Features"}
				}
				queries = append(queries, q)
			}
			for _, q := range queries {
				lo, hi, err := b.ImpedimentsSpan(q, now)
				if err != nil {
					t.Fatal(err)
				}
				// As the store selects them: in scope, started, flagged, and
				// not done, or done at or after lo and started before hi.
				var some []BlockTrack
				for _, tr := range all {
					if tr.InScope && tr.Started.OK && len(tr.Flags) > 0 &&
						(!tr.Done.OK || (!tr.Done.V.Before(lo) && tr.Started.V.Before(hi))) {
						some = append(some, tr)
					}
				}
				want, err := b.Impediments(all, q, now)
				if err != nil {
					t.Fatal(err)
				}
				got, err := b.Impediments(some, q, now)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("mode %v now %v query %+v: impediments of the span's issues differ from those of every issue", mode, now, q)
				}
				if len(some) == len(all) {
					t.Fatalf("query %+v: the span selected every issue", q)
				}
				for _, w := range want.Weeks {
					if w.Items > 0 {
						compared++
						break
					}
				}
				blockedNow += len(want.Now)
			}
		}
	}
	if compared < 20 || blockedNow == 0 {
		t.Fatalf("only %d queries had impediments, %d items blocked now: the comparison shows little", compared, blockedNow)
	}
}
