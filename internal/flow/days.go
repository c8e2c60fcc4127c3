package flow

import (
	"sort"
	"time"
)

// Days is the duration from a to c in the board's day mode (0 when c is not after a).
func (b *Board) Days(a, c time.Time) float64 { return b.span(instant(a), instant(c)) }

// WorkingDays is the duration from a to c in working days, whatever the board's day mode: for
// each local Monday-to-Friday that is not a holiday, the share of that local day (23, 24 or 25
// hours long) that lies in [a, c).
func (b *Board) WorkingDays(a, c time.Time) float64 {
	return b.working(instant(a), instant(c))
}

// CalendarDays is elapsed time / 24 h (0 when c is not after a).
func CalendarDays(a, c time.Time) float64 {
	if !c.After(a) {
		return 0
	}
	return c.Sub(a).Hours() / 24
}

func (b *Board) span(a, c int64) float64 {
	if b.cfg.DayMode == Calendar {
		if c <= a {
			return 0
		}
		return float64(c-a) / float64(nsPerDay)
	}
	return b.working(a, c)
}

func (b *Board) working(a, c int64) float64 {
	if c <= a {
		return 0
	}
	z := &b.zone
	da, dc := z.localDay(a), z.localDay(c)
	if dc <= da {
		// Same local day (or a fall-back across midnight that makes the later instant's date
		// repeat the earlier one): one partial day at most.
		if !b.isWorkday(da) {
			return 0
		}
		s, e := z.dayStart(da), z.dayStart(da+1)
		return clamp01(float64(c-a) / float64(e-s))
	}
	total := 0.0
	if b.isWorkday(da) {
		s, e := z.dayStart(da), z.dayStart(da+1)
		total += clamp01(float64(e-a) / float64(e-s))
	}
	total += float64(b.countWorkdays(da+1, dc))
	if b.isWorkday(dc) {
		s, e := z.dayStart(dc), z.dayStart(dc+1)
		total += clamp01(float64(c-s) / float64(e-s))
	}
	return total
}

func clamp01(x float64) float64 {
	switch {
	case x < 0:
		return 0
	case x > 1:
		return 1
	}
	return x
}

func (b *Board) isWorkday(d int64) bool {
	if wd := weekdayOf(d); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	i := sort.Search(len(b.holidays), func(i int) bool { return b.holidays[i] >= d })
	return i == len(b.holidays) || b.holidays[i] != d
}

// countWorkdays counts the working days in [x, y).
func (b *Board) countWorkdays(x, y int64) int64 {
	if y <= x {
		return 0
	}
	n := y - x
	count := n / 7 * 5
	for d := x + n/7*7; d < y; d++ {
		if wd := weekdayOf(d); wd != time.Saturday && wd != time.Sunday {
			count++
		}
	}
	lo := sort.Search(len(b.holidays), func(i int) bool { return b.holidays[i] >= x })
	hi := sort.Search(len(b.holidays), func(i int) bool { return b.holidays[i] >= y })
	return count - int64(hi-lo)
}

// localDay is the board-local day of instant t.
func (b *Board) localDay(t time.Time) int64 { return b.zone.localDay(instant(t)) }

// Today is now's local date in the board's zone.
func (b *Board) Today(now time.Time) Date { return dateOfDay(b.localDay(now)) }

// WeekOf is the Monday of the week holding t in the board's zone.
func (b *Board) WeekOf(t time.Time) Date { return dateOfDay(mondayOf(weekOf(b.localDay(t)))) }
