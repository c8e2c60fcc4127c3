package chart

import (
	"math"
	"slices"
	"testing"
	"time"
)

func TestNiceTicks(t *testing.T) {
	t.Parallel()
	// Expected values worked out by hand: the raw step is span/target,
	// rounded up to 1, 2 or 5 × 10^k; the domain widens to whole steps.
	tests := []struct {
		name           string
		lo, hi         float64
		target         int
		integer, fixed bool
		d0, d1         float64
		ticks          []float64
	}{
		// raw 7/5 = 1.4 -> 2
		{"counts to 7", 0, 7, 5, false, false, 0, 8, []float64{0, 2, 4, 6, 8}},
		// raw 4.6 -> 5
		{"counts to 23", 0, 23, 5, false, false, 0, 25, []float64{0, 5, 10, 15, 20, 25}},
		// raw .074: magnitude .01, 7.4 -> 10 -> .1
		{"fractions", 0, 0.37, 5, false, false, 0, 0.4, []float64{0, 0.1, 0.2, 0.3, 0.4}},
		// raw 19.4 -> 20
		{"zero to 97", 0, 97, 5, false, false, 0, 100, []float64{0, 20, 40, 60, 80, 100}},
		// raw .6 -> 1, and integer keeps it at 1
		{"small counts", 0, 3, 5, true, false, 0, 3, []float64{0, 1, 2, 3}},
		// raw .2 would be .2; integer forces 1
		{"integer one", 0, 1, 5, true, false, 0, 1, []float64{0, 1}},
		// raw 8.4 -> 10
		{"negative", -12, 30, 5, false, false, -20, 30, []float64{-20, -10, 0, 10, 20, 30}},
		// fixed (zoom): ends kept, raw 14.8/5 = 2.96 -> 5
		{"fixed", 2.5, 17.3, 5, false, true, 2.5, 17.3, []float64{5, 10, 15}},
		// one value: zero to it
		{"single value", 5, 5, 5, false, false, 0, 5, []float64{0, 1, 2, 3, 4, 5}},
		// no data
		{"empty", 0, 0, 5, true, false, 0, 1, []float64{0, 1}},
		// raw 2400 -> 5000
		{"thousands", 0, 12000, 5, false, false, 0, 15000, []float64{0, 5000, 10000, 15000}},
		// raw .25 -> .5
		{"halves", 0, 1, 4, false, false, 0, 1, []float64{0, 0.5, 1}},
		{"nan", math.NaN(), 3, 5, false, false, 0, 1, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d0, d1, ticks, _ := niceTicks(tt.lo, tt.hi, tt.target, tt.integer, tt.fixed)
			if d0 != tt.d0 || d1 != tt.d1 || !slices.Equal(ticks, tt.ticks) {
				t.Errorf("niceTicks(%v, %v, %d) = [%v, %v] %v; want [%v, %v] %v", tt.lo, tt.hi, tt.target, d0, d1, ticks, tt.d0, tt.d1, tt.ticks)
			}
		})
	}
}

func TestTickLabels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		vals []float64
		step float64
		want []string
	}{
		{[]float64{0, 5000, 10000, 15000}, 5000, []string{"0", "5k", "10k", "15k"}},
		{[]float64{0, 2500, 5000, 7500}, 2500, []string{"0", "2500", "5000", "7500"}},
		{[]float64{0, 0.1, 0.2}, 0.1, []string{"0", "0.1", "0.2"}},
		{[]float64{0, 5e6, 1e7}, 5e6, []string{"0", "5M", "10M"}},
		{[]float64{10000, 12500, 15000}, 2500, []string{"10k", "12.5k", "15k"}},
	}
	for _, tt := range tests {
		if got := tickLabels(tt.vals, tt.step, Linear{}); !slices.Equal(got, tt.want) {
			t.Errorf("tickLabels(%v) = %q; want %q", tt.vals, got, tt.want)
		}
	}
	got := tickLabels([]float64{1, 2}, 1, Linear{Format: func(v float64) string { return "#" + fmtValue(v) }})
	if !slices.Equal(got, []string{"#1", "#2"}) {
		t.Errorf("custom format: %q", got)
	}
}

func TestTimeTicks(t *testing.T) {
	t.Parallel()
	berlin := mustLoc(t, "Europe/Berlin")
	newYork := mustLoc(t, "America/New_York")
	d := func(loc *time.Location, y int, m time.Month, day int) time.Time {
		return time.Date(y, m, day, 0, 0, 0, 0, loc)
	}
	tests := []struct {
		name   string
		loc    *time.Location
		from   time.Time
		to     time.Time
		unit   tunit
		starts []string
	}{
		{"months across spring DST", berlin, d(berlin, 2025, 1, 15), d(berlin, 2025, 5, 10), tunit{Month, 1},
			[]string{"2025-02-01T00:00:00+01:00", "2025-03-01T00:00:00+01:00", "2025-04-01T00:00:00+02:00", "2025-05-01T00:00:00+02:00"}},
		{"quarters", berlin, d(berlin, 2024, 2, 1), d(berlin, 2025, 1, 1), tunit{Quarter, 1},
			[]string{"2024-04-01T00:00:00+02:00", "2024-07-01T00:00:00+02:00", "2024-10-01T00:00:00+02:00", "2025-01-01T00:00:00+01:00"}},
		{"five years", time.UTC, d(time.UTC, 2001, 3, 1), d(time.UTC, 2023, 1, 1), tunit{Year, 5},
			[]string{"2005-01-01T00:00:00Z", "2010-01-01T00:00:00Z", "2015-01-01T00:00:00Z", "2020-01-01T00:00:00Z"}},
		{"Mondays across spring DST", berlin, d(berlin, 2025, 3, 22), d(berlin, 2025, 4, 14), tunit{Week, 1},
			[]string{"2025-03-24T00:00:00+01:00", "2025-03-31T00:00:00+02:00", "2025-04-07T00:00:00+02:00", "2025-04-14T00:00:00+02:00"}},
		// 2025-03-31 is 20,174 days = week 2,882 after Monday 1970-01-05:
		// even. Two-week ticks stay on even weeks wherever the range starts,
		// so they do not jump as a live view moves.
		{"two weeks, aligned", berlin, d(berlin, 2025, 3, 25), d(berlin, 2025, 4, 30), tunit{Week, 2},
			[]string{"2025-03-31T00:00:00+02:00", "2025-04-14T00:00:00+02:00", "2025-04-28T00:00:00+02:00"}},
		{"two weeks, a week later", berlin, d(berlin, 2025, 4, 1), d(berlin, 2025, 5, 7), tunit{Week, 2},
			[]string{"2025-04-14T00:00:00+02:00", "2025-04-28T00:00:00+02:00"}},
		{"days across autumn DST", newYork, d(newYork, 2025, 11, 1), d(newYork, 2025, 11, 4), tunit{Day, 1},
			[]string{"2025-11-01T00:00:00-04:00", "2025-11-02T00:00:00-04:00", "2025-11-03T00:00:00-05:00", "2025-11-04T00:00:00-05:00"}},
		{"half years", time.UTC, d(time.UTC, 2024, 1, 1), d(time.UTC, 2025, 3, 1), tunit{Month, 6},
			[]string{"2024-01-01T00:00:00Z", "2024-07-01T00:00:00Z", "2025-01-01T00:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, s := range timeTicks(T(tt.from), T(tt.to), tt.loc, tt.unit) {
				got = append(got, s.Format(time.RFC3339))
			}
			if !slices.Equal(got, tt.starts) {
				t.Errorf("got %q\nwant %q", got, tt.starts)
			}
		})
	}
}

// TestTimeAxisLabels renders charts and reads the X axis: the finest unit
// whose labels fit wins, full labels ("Jan 2025") when they fit, short ones
// with the year in a second row when not.
func TestTimeAxisLabels(t *testing.T) {
	t.Parallel()
	berlin := mustLoc(t, "Europe/Berlin")
	span := func(from, to time.Time, period Period, width int) *Chart {
		return &Chart{ID: "t", Width: width, X: Time{From: from, To: to, Loc: berlin, Period: period}}
	}
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, berlin) }
	tests := []struct {
		name   string
		c      *Chart
		labels []string // first labels
		years  []string // the second row
	}{
		{"26 weeks: every other Monday", span(d(2025, 1, 6), d(2025, 7, 7), Week, 720),
			[]string{"6 Jan", "20 Jan", "3 Feb", "17 Feb"}, []string{"2025"}},
		{"a year, wide: full month labels", span(d(2025, 1, 1), d(2026, 1, 1), Instant, 1000),
			[]string{"Jan 2025", "Feb 2025", "Mar 2025"}, nil},
		{"a year, narrow: months and a year row", span(d(2024, 11, 1), d(2025, 11, 1), Instant, 720),
			[]string{"Nov", "Dec", "Jan", "Feb"}, []string{"2024", "2025"}},
		{"five years: quarters", span(d(2021, 1, 1), d(2026, 1, 1), Instant, 720),
			[]string{"Q1", "Q2", "Q3", "Q4", "Q1"}, []string{"2021", "2022", "2023", "2024", "2025", "2026"}},
		{"twenty years: every other year", span(d(2005, 1, 1), d(2025, 1, 1), Instant, 720),
			[]string{"2006", "2008", "2010"}, nil},
		// A weekly chart never gets day ticks, however wide.
		{"four weeks: Mondays", span(d(2025, 1, 6), d(2025, 2, 3), Week, 720),
			[]string{"6 Jan 2025", "13 Jan 2025", "20 Jan 2025", "27 Jan 2025"}, nil},
		{"three weeks: days", span(d(2025, 3, 3), d(2025, 3, 17), Day, 1000),
			[]string{"3 Mar", "4 Mar", "5 Mar"}, []string{"2025"}},
		// Months labelled in their middle; the partial month before the
		// first tick (6-31 Jan) has room for a label, the month after the
		// last complete one (1-5 Jan 2026) does not.
		{"a year of weeks: months in the middle", span(d(2025, 1, 6), d(2026, 1, 5), Week, 720),
			[]string{"Jan", "Feb", "Mar"}, []string{"2025"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := tt.c.layout()
			if err != nil {
				t.Fatal(err)
			}
			var labels, years []string
			for _, tk := range r.x.ticks {
				if tk.label != "" {
					labels = append(labels, tk.label)
				}
				if tk.label2 != "" {
					years = append(years, tk.label2)
				}
			}
			if len(labels) < len(tt.labels) || !slices.Equal(labels[:len(tt.labels)], tt.labels) {
				t.Errorf("labels %q; want prefix %q", labels, tt.labels)
			}
			if !slices.Equal(years, tt.years) {
				t.Errorf("year row %q; want %q", years, tt.years)
			}
			// No two labels overlap.
			last := math.Inf(-1)
			for _, tk := range r.x.ticks {
				if tk.label == "" {
					continue
				}
				x, w := r.px(tk.mid), textWidth(tk.label, tickSize)
				if x-w/2 < last {
					t.Errorf("label %q at %.1f overlaps the previous one ending at %.1f", tk.label, x-w/2, last)
				}
				last = x + w/2
			}
		})
	}
}

func TestKeysAndHumanText(t *testing.T) {
	t.Parallel()
	berlin := mustLoc(t, "Europe/Berlin")
	at := T(time.Date(2025, 3, 31, 0, 0, 0, 0, berlin)) // the Monday after the DST change
	tests := []struct {
		scale      Scale
		v          float64
		key, human string
		attr       string
	}{
		{Time{Loc: berlin, Period: Week}, at, "2025-03-31", "Week of 31 Mar 2025", "week"},
		{Time{Loc: berlin, Period: Day}, at, "2025-03-31", "31 Mar 2025", "day"},
		{Time{Loc: berlin, Period: Month}, at, "2025-03", "Mar 2025", "month"},
		{Time{Loc: berlin, Period: Quarter}, at, "2025-Q1", "Q1 2025", "quarter"},
		{Time{Loc: berlin, Period: Year}, at, "2025", "2025", "year"},
		{Time{Loc: berlin}, at + 3600*15, "2025-03-31T15:00", "31 Mar 2025", "x"},
		{Time{Loc: berlin, Key: "done"}, at, "2025-03-31", "31 Mar 2025", "done"},
		{Band{Labels: []string{"To Do", "Doing"}, Key: "state"}, 1, "Doing", "Doing", "state"},
		{Band{Labels: []string{"To Do"}}, 4, "4", "4", "x"},
		{Linear{Unit: "days"}, 2.345, "2.35", "2.35", "x"},
		{&Linear{Key: "items"}, 3, "3", "3", "items"},
		{nil, 1.5, "1.5", "1.5", "x"},
	}
	for _, tt := range tests {
		r := newXScale(tt.scale)
		if got := r.keyOf(tt.v); got != tt.key {
			t.Errorf("%T keyOf = %q; want %q", tt.scale, got, tt.key)
		}
		if got := r.human(tt.v); got != tt.human {
			t.Errorf("%T human = %q; want %q", tt.scale, got, tt.human)
		}
		if r.key != tt.attr {
			t.Errorf("%T attribute key = %q; want %q", tt.scale, r.key, tt.attr)
		}
	}
	// Periods advance in local time: the week containing the DST change
	// is 167 hours long.
	r := newXScale(Time{Loc: berlin, Period: Week})
	start := T(time.Date(2025, 3, 24, 0, 0, 0, 0, berlin))
	if got := (r.next(start) - start) / 3600; got != 167 {
		t.Errorf("DST week lasts %v hours; want 167", got)
	}
	for _, p := range []Period{Day, Month, Quarter, Year} {
		r := newXScale(&Time{Period: p})
		if !(r.next(0) > 0) {
			t.Errorf("period %v does not advance", p)
		}
	}
}

func TestCompactAndValues(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		v    float64
		want string
	}{{12345, "12.3k"}, {-20000, "-20k"}, {2.5e7, "25M"}, {0.333, "0.33"}, {-0.001, "0"}, {42, "42"}} {
		if got := compact(tt.v, 2); got != tt.want {
			t.Errorf("compact(%v) = %q; want %q", tt.v, got, tt.want)
		}
	}
	for _, tt := range []struct {
		v    float64
		want string
	}{{3, "3"}, {2.5, "2.5"}, {1.0 / 3, "0.33"}, {-0.001, "0"}, {math.NaN(), ""}, {0.1 + 0.2, "0.3"}} {
		if got := fmtValue(tt.v); got != tt.want {
			t.Errorf("fmtValue(%v) = %q; want %q", tt.v, got, tt.want)
		}
	}
	for _, tt := range []struct {
		v     float64
		short bool
		want  string
	}{{12.34, false, "12.3"}, {-0.46, true, "-.5"}, {0.5, true, ".5"}, {0.5, false, "0.5"}, {7, true, "7"}, {math.Inf(1), false, "0"}} {
		if got := string(appendCoord(nil, tt.v, tt.short)); got != tt.want {
			t.Errorf("appendCoord(%v, %v) = %q; want %q", tt.v, tt.short, got, tt.want)
		}
	}
	if Value(nil) == Value(nil) { // NaN
		t.Error("Value(nil) is not missing")
	}
	v := 2.0
	if Value(&v) != 2 {
		t.Error("Value(&2) != 2")
	}
	if niceStep(0, 5, false) != 1 || niceStep(10, 0, false) != 10 {
		t.Error("niceStep degenerate cases")
	}
}

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
