package flow

import (
	"fmt"
	"time"
)

// Date is a calendar date in a board's time zone (no instant attached). Weeks are labelled by
// their Monday, quarters by their first day, CFD rows by their day.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the local calendar date of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// ParseDate parses YYYY-MM-DD and refuses dates that do not exist (2025-02-30).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	y, m, d := t.Date()
	return Date{y, m, d}, nil
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// IsZero reports whether d is the zero Date (used for "not given" in queries).
func (d Date) IsZero() bool { return d == Date{} }

// AddDays returns the date n days later (earlier when n < 0).
func (d Date) AddDays(n int) Date { return dateOfDay(d.day() + int64(n)) }

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return weekdayOf(d.day()) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	a, b := d.day(), e.day()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.day() < e.day() }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.day() > e.day() }

// Start is the first instant of d in loc (DST-correct: a day that begins in a gap starts when
// the clocks land).
func (d Date) Start(loc *time.Location) time.Time {
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	if DateOf(t, loc) != d {
		// Midnight does not exist in loc (a DST gap at 00:00): time.Date may have picked the
		// previous day's last hour; the day starts when that zone period ends.
		_, end := t.ZoneBounds()
		if !end.IsZero() {
			t = end
		}
	}
	return t
}

// day is the number of days since 1970-01-01 (proleptic Gregorian), the engine's internal
// representation of a local date: cheap to compare, to step and to turn into a weekday.
func (d Date) day() int64 {
	// Howard Hinnant's days_from_civil, normalised so that months outside 1..12 still work.
	y := int64(d.Year)
	m := int64(d.Month)
	y += floorDiv(m-1, 12)
	m = floorMod(m-1, 12) + 1
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + int64(d.Day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dateOfDay is the inverse of Date.day.
func dateOfDay(z int64) Date {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return Date{int(y), time.Month(m), int(d)}
}

// weekdayOf: 1970-01-01 (day 0) was a Thursday.
func weekdayOf(day int64) time.Weekday { return time.Weekday(floorMod(day+4, 7)) }

// weekOf is the index of the Monday-to-Sunday week holding day; week 0 starts Mon 1969-12-29.
func weekOf(day int64) int64 { return floorDiv(day+3, 7) }

// mondayOf is the first day of week w.
func mondayOf(w int64) int64 { return w*7 - 3 }

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }
