package chart

import (
	"slices"
	"testing"
	"time"
)

// timeTicks jumps by the unit once aligned; it lists exactly the days a
// day-by-day walk finds, in DST zones and across years.
func TestTimeTicksEqualDailyWalk(t *testing.T) {
	t.Parallel()
	daily := func(d0, d1 float64, loc *time.Location, u tunit) []time.Time {
		t0 := toTime(d0, loc)
		cur := time.Date(t0.Year(), t0.Month(), t0.Day(), 0, 0, 0, 0, loc)
		var out []time.Time
		for T(cur) <= d1+1e-6 {
			if T(cur) >= d0-1e-6 && aligned(cur, u) {
				out = append(out, cur)
			}
			cur = time.Date(cur.Year(), cur.Month(), cur.Day()+1, 0, 0, 0, 0, loc)
		}
		return out
	}
	for _, zone := range []string{"UTC", "Europe/Berlin", "America/Los_Angeles", "Australia/Sydney"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range tunits {
			if u.p != Day && u.p != Week {
				continue
			}
			for k := range 12 {
				from := time.Date(2019+k%5, time.Month(1+k), 3+k, 7, 0, 0, 0, loc)
				to := from.AddDate(0, 2+k*3, k)
				got, want := timeTicks(T(from), T(to), loc, u), daily(T(from), T(to), loc, u)
				if !slices.EqualFunc(got, want, func(a, b time.Time) bool { return a.Equal(b) }) {
					t.Fatalf("%s %v %s..%s: got %v, want %v", zone, u, from, to, got, want)
				}
			}
		}
	}
}
