package sim

import (
	"testing"
	"time"
)

func TestAddWork(t *testing.T) {
	t.Parallel()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	cal := workCalendar{loc: berlin, start: 9 * hourMs, end: 17*hourMs + 30*minMs}
	in := workCalendar{loc: kolkata, start: 10 * hourMs, end: 18*hourMs + 30*minMs}
	at := func(loc *time.Location, y int, m time.Month, d, h, mi int) time.Time {
		return time.Date(y, m, d, h, mi, 0, 0, loc)
	}
	for _, tc := range []struct {
		name  string
		cal   workCalendar
		from  time.Time
		hours float64
		want  time.Time
	}{
		{"within a day", cal, at(berlin, 2026, 11, 2, 10, 0), 2, at(berlin, 2026, 11, 2, 12, 0)},
		{"over a weekend", cal, at(berlin, 2026, 11, 6, 16, 0), 2, at(berlin, 2026, 11, 9, 9, 30)},
		{"from a Saturday", cal, at(berlin, 2026, 11, 7, 12, 0), 1, at(berlin, 2026, 11, 9, 10, 0)},
		{"before opening", cal, at(berlin, 2026, 11, 3, 7, 0), 0, at(berlin, 2026, 11, 3, 9, 0)},
		{"after closing", cal, at(berlin, 2026, 11, 3, 19, 0), 0.5, at(berlin, 2026, 11, 4, 9, 30)},
		{"three whole weeks", cal, at(berlin, 2026, 11, 2, 9, 0), 3 * 5 * 8.5, at(berlin, 2026, 11, 20, 17, 30)},
		{"across the spring DST change", cal, at(berlin, 2026, 3, 27, 17, 0), 1, at(berlin, 2026, 3, 30, 9, 30)},
		{"half-hour zone", in, at(kolkata, 2026, 11, 2, 18, 0), 1, at(kolkata, 2026, 11, 3, 10, 30)},
	} {
		got := time.UnixMilli(tc.cal.addWork(tc.from.UnixMilli(), tc.hours)).In(tc.cal.loc)
		if !got.Equal(tc.want) {
			t.Errorf("%s: %s + %gh = %s, want %s", tc.name, tc.from, tc.hours, got, tc.want)
		}
		if tc.hours > 0 && !tc.cal.isWorking(got.UnixMilli()-1) {
			t.Errorf("%s: result %s is not inside working hours", tc.name, got)
		}
	}
}
