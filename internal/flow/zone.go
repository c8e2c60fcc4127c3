package flow

import (
	"math"
	"sort"
	"time"
)

const (
	nsPerHour = int64(time.Hour)
	nsPerDay  = 24 * nsPerHour
)

// zoneTable is a board's time zone flattened into offset periods, so that "which local day is
// this instant in" and "when does local day d start" are integer arithmetic plus a binary search
// (time.Date and Time.In per stay would dominate the cost of computing facts for 100,000
// issues). Instants are Unix nanoseconds (see instant), so day fractions are exact.
type zoneTable struct {
	starts []int64 // starts[0] = math.MinInt64; period p covers [starts[p], starts[p+1])
	offs   []int64 // UTC offset of period p in ns
}

// The table covers 1900..2200; earlier/later instants use the first/last period's offset.
var (
	zoneFrom = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	zoneTo   = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

func newZoneTable(loc *time.Location) zoneTable {
	t := zoneFrom.In(loc)
	z := zoneTable{starts: []int64{math.MinInt64}, offs: []int64{offsetNs(t)}}
	add := func(at time.Time) {
		if o := offsetNs(at); o != z.offs[len(z.offs)-1] {
			// Only offset changes matter; a rename (a new abbreviation) is not a boundary.
			z.starts = append(z.starts, instant(at))
			z.offs = append(z.offs, o)
		}
	}
	for t.Before(zoneTo) {
		_, end := t.ZoneBounds()
		if end.IsZero() {
			return z // the zone goes on forever
		}
		if !end.After(t) {
			// Time.ZoneBounds can fail to advance (Go 1.26 returns 31 Dec 01:00 again and
			// again at the end of leap years computed from the zone's rule string): step a
			// day and locate any offset change inside it by bisection.
			next := t.Add(24 * time.Hour)
			if offsetNs(next) != offsetNs(t) {
				lo, hi := t, next // offset(lo) = old, offset(hi) = new
				for hi.Sub(lo) > time.Second {
					mid := lo.Add(hi.Sub(lo) / 2)
					if offsetNs(mid) == offsetNs(lo) {
						lo = mid
					} else {
						hi = mid
					}
				}
				add(hi)
			}
			t = next
			continue
		}
		add(end)
		t = end
	}
	return z
}

func offsetNs(t time.Time) int64 {
	_, off := t.Zone()
	return int64(off) * int64(time.Second)
}

// instant is the engine's internal instant: Unix nanoseconds, with times clamped to
// 1900..2200 so that a zero or absurd time.Time (bad source data) cannot overflow int64.
func instant(t time.Time) int64 {
	switch {
	case t.Before(zoneFrom):
		t = zoneFrom
	case t.After(zoneTo):
		t = zoneTo
	}
	return t.UnixNano()
}

func fromInstant(ns int64) time.Time { return time.Unix(0, ns) }

// period is the index of the offset period containing instant u.
func (z *zoneTable) period(u int64) int {
	if len(z.starts) == 1 {
		return 0
	}
	return sort.Search(len(z.starts), func(i int) bool { return z.starts[i] > u }) - 1
}

// localDay is the local calendar day (days since 1970-01-01) of instant u.
func (z *zoneTable) localDay(u int64) int64 {
	return floorDiv(u+z.offs[z.period(u)], nsPerDay)
}

// dayStart is the first instant whose local date is d or later: local midnight, or the end of a
// DST gap that swallows midnight.
func (z *zoneTable) dayStart(d int64) int64 {
	l := d * nsPerDay
	// No offset exceeds 26 h, so nothing before l-26h can have a local time >= l.
	for p := z.period(l - 26*nsPerHour); ; p++ {
		u := l - z.offs[p]
		if u < z.starts[p] {
			u = z.starts[p]
		}
		if p == len(z.starts)-1 || u < z.starts[p+1] {
			return u
		}
	}
}
