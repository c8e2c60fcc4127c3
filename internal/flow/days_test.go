package flow

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestWorkingDays(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		zone     string
		holidays []Date
		from, to string
		want     float64
	}{
		// Fri 10:00 -> Mon 10:00: Fri 14/24 + Sat 0 + Sun 0 + Mon 10/24 = 1.
		{"over a weekend", "UTC", nil, "2025-03-07T10:00:00Z", "2025-03-10T10:00:00Z", 1},
		// Within one Tuesday: 6 h of 24.
		{"same day", "UTC", nil, "2025-03-04T09:00:00Z", "2025-03-04T15:00:00Z", 0.25},
		// Saturday only.
		{"weekend only", "UTC", nil, "2025-03-08T09:00:00Z", "2025-03-09T20:00:00Z", 0},
		// Mon 00:00 -> next Mon 00:00: exactly five working days.
		{"whole week", "UTC", nil, "2025-03-03T00:00:00Z", "2025-03-10T00:00:00Z", 5},
		// Midnight belongs to the new day: Mon 00:00 -> Mon 00:00 + 1 ms is 1 ms of Monday.
		{"midnight starts the day", "UTC", nil, "2025-03-09T23:00:00Z", "2025-03-10T00:00:00Z", 0},
		// Holiday Wed 1 May 2024 in Berlin: Tue 30 Apr 15:00 -> Thu 2 May 12:00 = 9/24 + 0 + 12/24.
		{"holiday in the middle", "Europe/Berlin", []Date{{2024, 5, 1}},
			"2024-04-30T15:00:00+02:00", "2024-05-02T12:00:00+02:00", 0.875},
		// Starting and ending on the holiday: nothing.
		{"on a holiday", "Europe/Berlin", []Date{{2024, 5, 1}},
			"2024-05-01T10:00:00+02:00", "2024-05-01T14:00:00+02:00", 0},
		// A holiday on a Saturday changes nothing: Fri 12:00 -> Mon 12:00 = 0.5 + 0.5.
		{"holiday on a weekend", "UTC", []Date{{2025, 3, 8}}, "2025-03-07T12:00:00Z", "2025-03-10T12:00:00Z", 1},
		// Berlin springs forward Sun 30 Mar 2025, a weekend: Fri 12:00 -> Mon 12:00 is still 1.
		{"DST on a weekend", "Europe/Berlin", nil, "2025-03-28T12:00:00+01:00", "2025-03-31T12:00:00+02:00", 1},
		// New York springs forward Sun 10 Mar 2024; Sat/Sun count 0 anyway, Mon 9 Mar... the
		// Monday after is a normal 24 h day: Fri 8 Mar 18:00 -> Mon 11 Mar 06:00 = 6/24 + 6/24.
		{"DST weekend New York", "America/New_York", nil, "2024-03-08T18:00:00-05:00", "2024-03-11T06:00:00-04:00", 0.5},
		// Jerusalem springs forward Fri 29 Mar 2024 02:00 -> 03:00: that Friday lasts 23 h.
		// Fri 00:00 (+02) -> Fri 12:00 (+03) is 11 real hours of 23: 11/23.
		{"23-hour working day", "Asia/Jerusalem", nil, "2024-03-29T00:00:00+02:00", "2024-03-29T12:00:00+03:00", 11.0 / 23},
		// The whole 23-hour Friday counts as one day.
		{"whole 23-hour day", "Asia/Jerusalem", nil, "2024-03-29T00:00:00+02:00", "2024-03-30T00:00:00+03:00", 1},
		// Jerusalem falls back Sun 27 Oct 2024 (a working... Sunday: weekend). Berlin falls back
		// on Sun 27 Oct 2024 too; use São Paulo's historical autumn change on a weekday instead?
		// Lord Howe Island changes by 30 minutes on Sun 6 Apr 2025 (a weekend): still 0.
		{"half-hour DST on a Sunday", "Australia/Lord_Howe", nil, "2025-04-06T00:00:00+11:00", "2025-04-06T23:00:00+10:30", 0},
		// Chile's DST ends Sat 5 Apr 2025 24:00 -> Sat 23:00, so Saturday lasts 25 h; a weekend:
		// Fri 12:00 -> Mon 12:00 = 0.5 + 0.5.
		{"25-hour weekend day", "America/Santiago", nil, "2025-04-04T12:00:00-03:00", "2025-04-07T12:00:00-04:00", 1},
		// São Paulo skipped midnight on Sun 4 Nov 2018 (00:00 -> 01:00); the weekday around it:
		// Fri 2 Nov 12:00 (-03) -> Mon 5 Nov 12:00 (-02) = 0.5 + 0.5.
		{"midnight gap", "America/Sao_Paulo", nil, "2018-11-02T12:00:00-03:00", "2018-11-05T12:00:00-02:00", 1},
		// Reversed or empty intervals count zero.
		{"reversed", "UTC", nil, "2025-03-05T10:00:00Z", "2025-03-04T10:00:00Z", 0},
		{"empty", "UTC", nil, "2025-03-05T10:00:00Z", "2025-03-05T10:00:00Z", 0},
		// Ten years: 2015-01-05 (Mon) .. 2025-01-06 (Mon) = 3654 days = 522 weeks = 2610 days.
		{"ten years", "Europe/Berlin", nil, "2015-01-05T00:00:00+01:00", "2025-01-06T00:00:00+01:00", 2610},
		// With two weekday holidays and one weekend holiday inside: 2610 - 2.
		{"ten years with holidays", "Europe/Berlin", []Date{{2016, 12, 26}, {2020, 12, 25}, {2021, 12, 25}},
			"2015-01-05T00:00:00+01:00", "2025-01-06T00:00:00+01:00", 2608},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := simpleBoard(t, func(c *BoardConfig) { c.Location = loadLoc(t, tt.zone); c.Holidays = tt.holidays })
			got := b.WorkingDays(at(t, tt.from), at(t, tt.to))
			if !near(got, tt.want) {
				t.Errorf("got %.9f, want %.9f", got, tt.want)
			}
			if d := b.Days(at(t, tt.from), at(t, tt.to)); !near(d, got) {
				t.Errorf("Days in working mode = %v, want %v", d, got)
			}
		})
	}
}

func TestCalendarDays(t *testing.T) {
	t.Parallel()
	b := simpleBoard(t, func(c *BoardConfig) { c.DayMode = Calendar; c.Location = loadLoc(t, "America/New_York") })
	// Fri 8 Mar 12:00 EST -> Mon 11 Mar 12:00 EDT = 71 h: DST took an hour.
	a, c := at(t, "2024-03-08T12:00:00-05:00"), at(t, "2024-03-11T12:00:00-04:00")
	if got := b.Days(a, c); !near(got, 71.0/24) {
		t.Errorf("calendar days = %v, want 71/24", got)
	}
	if got := CalendarDays(a, c); !near(got, 71.0/24) {
		t.Errorf("CalendarDays = %v", got)
	}
	if b.Days(c, a) != 0 || CalendarDays(c, a) != 0 {
		t.Error("a reversed interval must count zero")
	}
}

func TestDates(t *testing.T) {
	t.Parallel()
	d, err := ParseDate("2024-02-29")
	if err != nil || d != (Date{2024, 2, 29}) || d.String() != "2024-02-29" {
		t.Fatalf("ParseDate = %v, %v", d, err)
	}
	if _, err := ParseDate("2025-02-29"); err == nil {
		t.Error("ParseDate accepted 29 Feb 2025")
	}
	if got := d.AddDays(1); got != (Date{2024, 3, 1}) {
		t.Errorf("AddDays = %v", got)
	}
	if d.Weekday() != time.Thursday || !d.Before(Date{2024, 3, 1}) || !d.After(Date{2024, 2, 28}) ||
		d.Compare(d) != 0 || d.Compare(Date{2025, 1, 1}) != -1 || d.Compare(Date{2020, 1, 1}) != 1 {
		t.Error("Weekday/Before/After/Compare")
	}
	if !(Date{}).IsZero() || d.IsZero() {
		t.Error("IsZero")
	}
	// The day numbering agrees with the time package everywhere from 1600 to 2400.
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		tm := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(800*366))
		want := DateOf(tm, time.UTC)
		n := want.day()
		if n != floorDiv(tm.Unix(), 86400) {
			t.Fatalf("%v: day %d, want %d", want, n, floorDiv(tm.Unix(), 86400))
		}
		if got := dateOfDay(n); got != want {
			t.Fatalf("dateOfDay(%d) = %v, want %v", n, got, want)
		}
		if got := want.Weekday(); got != tm.Weekday() {
			t.Fatalf("%v: weekday %v, want %v", want, got, tm.Weekday())
		}
	}
	// Month overflow normalises like time.Date does.
	if got := (Date{2024, 14, 1}).AddDays(0); got != (Date{2025, 2, 1}) {
		t.Errorf("normalised %v", got)
	}
	// A day whose midnight does not exist starts when the clocks land.
	sp := loadLoc(t, "America/Sao_Paulo")
	if got := (Date{2018, 11, 4}).Start(sp); !got.Equal(at(t, "2018-11-04T01:00:00-02:00")) {
		t.Errorf("Start of 4 Nov 2018 in São Paulo = %v", got)
	}
	b := simpleBoard(t, func(c *BoardConfig) { c.Location = sp })
	if got := b.Today(at(t, "2018-11-04T02:00:00Z")); got != (Date{2018, 11, 3}) {
		t.Errorf("Today = %v", got)
	}
	if got := b.WeekOf(at(t, "2018-11-04T12:00:00-02:00")); got != (Date{2018, 10, 29}) {
		t.Errorf("WeekOf = %v", got)
	}
}

// TestZoneTableMatchesTimePackage checks the flattened zone table against the time package:
// the local day of random instants, and the first instant of random days (found by scanning
// minute by minute with Time.In), in zones with awkward rules.
func TestZoneTableMatchesTimePackage(t *testing.T) {
	t.Parallel()
	zones := []string{"UTC", "Europe/Berlin", "America/New_York", "Asia/Jerusalem", "America/Sao_Paulo",
		"Pacific/Auckland", "Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns", "Europe/Dublin",
		"Africa/Casablanca", "America/Havana", "Asia/Beirut", "America/Santiago", "Asia/Kolkata",
		"Pacific/Chatham", "America/Godthab"}
	for _, name := range zones {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			loc := loadLoc(t, name)
			z := newZoneTable(loc)
			rng := rand.New(rand.NewPCG(3, uint64(len(name))))
			lo := instant(time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC))
			hi := instant(time.Date(2150, 1, 1, 0, 0, 0, 0, time.UTC))
			for i := 0; i < 3000; i++ {
				u := lo + rng.Int64N(hi-lo)
				if got, want := z.localDay(u), DateOf(fromInstant(u), loc).day(); got != want {
					t.Fatalf("localDay(%v) = %v, want %v", fromInstant(u).In(loc), dateOfDay(got), dateOfDay(want))
				}
			}
			for i := 0; i < 150; i++ {
				d := DateOf(fromInstant(lo+rng.Int64N(hi-lo)), loc).day()
				got := z.dayStart(d)
				// Reference: the first whole minute whose local date is d or later.
				ref := fromInstant(d*nsPerDay - 26*nsPerHour)
				for DateOf(ref, loc).day() < d {
					ref = ref.Add(time.Minute)
				}
				if got != instant(ref) {
					t.Fatalf("dayStart(%v) = %v, want %v", dateOfDay(d), fromInstant(got).In(loc), ref.In(loc))
				}
			}
		})
	}
}

// TestDSTDayLengths: the real length of local days around DST changes.
func TestDSTDayLengths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		zone  string
		day   Date
		hours float64
	}{
		{"Europe/Berlin", Date{2025, 3, 30}, 23},
		{"Europe/Berlin", Date{2025, 10, 26}, 25},
		{"Europe/Berlin", Date{2025, 10, 27}, 24},
		{"America/New_York", Date{2024, 3, 10}, 23},
		{"Australia/Lord_Howe", Date{2025, 4, 6}, 24.5},
		{"America/Sao_Paulo", Date{2018, 11, 4}, 23}, // the day starts at 01:00
		{"Europe/Berlin", Date{2099, 3, 29}, 23},     // rules beyond the tz file's explicit list
	}
	for _, tt := range tests {
		z := newZoneTable(loadLoc(t, tt.zone))
		d := tt.day.day()
		if got := float64(z.dayStart(d+1)-z.dayStart(d)) / float64(nsPerHour); got != tt.hours {
			t.Errorf("%s %s lasts %v h, want %v", tt.zone, tt.day, got, tt.hours)
		}
	}
}

// TestInstantClamp: a zero or absurd time (bad source data) is clamped instead of overflowing.
func TestInstantClamp(t *testing.T) {
	t.Parallel()
	if instant(time.Time{}) != instant(zoneFrom) || instant(time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)) != instant(zoneTo) {
		t.Error("instants outside 1900..2200 must clamp")
	}
	b := simpleBoard(t, nil)
	// An issue without a creation time still gets facts, not a panic or a negative duration.
	f := b.Facts(Issue{Key: "Z", Status: "2"}, at(t, "2025-03-14T12:00:00Z"))
	if !f.Age.OK || f.Age.V < 0 {
		t.Errorf("age of an issue created at the zero time: %v", f.Age)
	}
}
