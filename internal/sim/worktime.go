package sim

import "time"

const (
	secMs  int64 = 1000
	minMs        = 60 * secMs
	hourMs       = 60 * minMs
	dayMs        = 24 * hourMs
	weekMs       = 7 * dayMs
)

// workCalendar turns "hours of work" into wall-clock instants for one team: people move tickets
// on weekdays in their working hours, in their own time zone. The arithmetic runs on local
// wall-clock milliseconds (plain integer days, so weekdays are cheap) and converts to and from
// UTC instants only at the ends, which keeps DST correct without calling time.Date in a loop.
type workCalendar struct {
	loc        *time.Location
	start, end int64 // working window, ms after local midnight
}

// offsetMs is the zone's UTC offset at an instant.
func (c *workCalendar) offsetMs(utc int64) int64 {
	_, off := time.UnixMilli(utc).In(c.loc).Zone()
	return int64(off) * secMs
}

func (c *workCalendar) toLocal(utc int64) int64 { return utc + c.offsetMs(utc) }

func (c *workCalendar) toUTC(local int64) int64 {
	off := c.offsetMs(local)
	utc := local - off
	if off2 := c.offsetMs(utc); off2 != off {
		utc = local - off2
	}
	return utc
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// weekday of a local epoch day with Monday = 0 (1970-01-01 was a Thursday).
func weekdayOf(day int64) int64 { return ((day+3)%7 + 7) % 7 }

// addWork returns the instant after `hours` of working time from utc. An instant outside the
// working window first moves to the next window's opening.
func (c *workCalendar) addWork(utc int64, hours float64) int64 {
	if hours < 0 {
		hours = 0
	}
	l := c.toLocal(utc)
	ms := int64(hours * float64(hourMs))
	perDay := c.end - c.start
	perWeek := 5 * perDay
	for {
		day := floorDiv(l, dayMs)
		tod := l - day*dayMs
		wd := weekdayOf(day)
		if wd >= 5 {
			l = (day+7-wd)*dayMs + c.start
			continue
		}
		if tod < c.start {
			l = day*dayMs + c.start
			tod = c.start
		}
		if tod >= c.end {
			l = (day+1)*dayMs + c.start
			continue
		}
		// Whole weeks at once keep long waits (months in a backlog) O(1).
		if ms >= perWeek+perDay {
			// Leave at least a day to walk, so landing exactly on a closing time stays there.
			k := (ms - perDay) / perWeek
			if k > 0 && tod == c.start && wd == 0 {
				l += k * weekMs
				ms -= k * perWeek
				continue
			}
		}
		if rem := c.end - tod; ms <= rem {
			l += ms
			break
		} else {
			ms -= rem
			l = (day+1)*dayMs + c.start
		}
	}
	return c.toUTC(l)
}

// isWorking reports whether utc falls in this calendar's working window on a weekday.
func (c *workCalendar) isWorking(utc int64) bool {
	l := c.toLocal(utc)
	day := floorDiv(l, dayMs)
	tod := l - day*dayMs
	return weekdayOf(day) < 5 && tod >= c.start && tod < c.end
}
