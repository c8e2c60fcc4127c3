package chart

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Scale is a chart's X scale: Linear, Time or Band. Every mark's X is a
// float64 in the scale's domain: a plain number for Linear, seconds since
// the Unix epoch for Time (see T), a category index for Band.
type Scale interface{ isScale() }

// Linear is a numeric scale with "nice" ticks (1, 2 or 5 × 10^k). It is
// the Y scale of every chart and may be an X scale (histograms).
type Linear struct {
	// Min and Max fix the domain when Min < Max (a zoomed view); otherwise
	// the domain is taken from the data and widened to nice ticks.
	Min, Max float64
	// NoZero lets an automatic domain leave out zero. By default zero is
	// in it: counts and durations are read against a zero baseline.
	NoZero bool
	// Integer keeps ticks on whole numbers (counts).
	Integer bool
	// Unit follows values in hover text ("days").
	Unit string
	// Key names the data attribute carrying X values (data-<Key>) when
	// the scale is the X scale; default "x".
	Key string
	// Format formats tick labels and hover values; default: at most two
	// decimals, "12k" from ten thousand up.
	Format func(float64) string
}

// Time is a calendar scale. Ticks fall on days, Monday weeks, months,
// quarters or years of Loc, whichever fits the width, so they stay on
// local midnight across daylight-saving changes.
type Time struct {
	// From and To fix the domain when both are set; otherwise it is taken
	// from the data.
	From, To time.Time
	// Loc is the time zone of ticks, labels and keys (default UTC).
	Loc *time.Location
	// Period is what one data point stands for. With a Period, bars span
	// one period by default, keys and hover texts name the period ("Week
	// of 3 Mar 2025") and tick labels sit in the middle of what they name.
	Period Period
	// Key names the data attribute of X values; default the period
	// ("week", "day", "month", "quarter", "year") or "x".
	Key string
}

// Band is a categorical scale: category i is centred on X = i.
type Band struct {
	Labels []string
	// Key names the data attribute of X values; default "x".
	Key string
}

func (Linear) isScale() {}
func (Time) isScale()   {}
func (Band) isScale()   {}

// Period is the calendar unit a data point stands for on a Time scale.
type Period int

// Periods.
const (
	Instant Period = iota
	Day
	Week
	Month
	Quarter
	Year
)

func (p Period) key() string {
	switch p {
	case Day:
		return "day"
	case Week:
		return "week"
	case Month:
		return "month"
	case Quarter:
		return "quarter"
	case Year:
		return "year"
	}
	return "x"
}

// T converts a time to the X coordinate of a Time scale.
func T(t time.Time) float64 {
	return float64(t.Unix()) + float64(t.Nanosecond())/1e9
}

// Missing is a value that is not there: lines break and bars are left
// out, never drawn as zero.
var Missing = math.NaN()

// Value converts an optional value (nil = missing) to a Y value.
func Value(p *float64) float64 {
	if p == nil {
		return Missing
	}
	return *p
}

func toTime(v float64, loc *time.Location) time.Time {
	s := math.Floor(v)
	return time.Unix(int64(s), int64((v-s)*1e9)).In(loc)
}

// tick is one axis tick: at is where the tick mark and grid line go, mid
// where the label is centred (both in data units).
type tick struct {
	at, mid float64
	label   string
	label2  string // second row (the year under short date labels)
}

// resolved is a scale fitted to data and pixels.
type resolved struct {
	kind    string // "linear", "time", "band"
	d0, d1  float64
	p0, p1  float64
	ticks   []tick
	yearRow bool
	key     string
	lin     Linear
	tm      Time
	loc     *time.Location
	band    []string
}

func (r *resolved) pos(v float64) float64 {
	if r.d1 == r.d0 {
		return (r.p0 + r.p1) / 2
	}
	return r.p0 + (v-r.d0)/(r.d1-r.d0)*(r.p1-r.p0)
}

// keyOf formats a value for data attributes: dates as 2006-01-02, months
// as 2006-01, quarters as 2006-Q1, band labels as given.
func (r *resolved) keyOf(v float64) string {
	switch r.kind {
	case "time":
		t := toTime(v, r.loc)
		switch r.tm.Period {
		case Month:
			return t.Format("2006-01")
		case Quarter:
			return strconv.Itoa(t.Year()) + "-Q" + strconv.Itoa(int(t.Month()-1)/3+1)
		case Year:
			return strconv.Itoa(t.Year())
		case Instant:
			if t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 {
				return t.Format("2006-01-02T15:04")
			}
		}
		return t.Format("2006-01-02")
	case "band":
		i := int(math.Round(v))
		if i >= 0 && i < len(r.band) {
			return r.band[i]
		}
	}
	return fmtValue(v)
}

// human formats a value for hover text.
func (r *resolved) human(v float64) string {
	switch r.kind {
	case "time":
		t := toTime(v, r.loc)
		switch r.tm.Period {
		case Week:
			return "Week of " + t.Format("2 Jan 2006")
		case Month:
			return t.Format("Jan 2006")
		case Quarter:
			return "Q" + strconv.Itoa(int(t.Month()-1)/3+1) + " " + strconv.Itoa(t.Year())
		case Year:
			return strconv.Itoa(t.Year())
		}
		return t.Format("2 Jan 2006")
	case "band":
		return r.keyOf(v)
	}
	return r.lin.format(v)
}

// next returns the start of the period after v, or NaN when the scale has
// no period (bars then take their width from their neighbours).
func (r *resolved) next(v float64) float64 {
	switch r.kind {
	case "band":
		return v + 1
	case "time":
		t := toTime(v, r.loc)
		switch r.tm.Period {
		case Day:
			return T(t.AddDate(0, 0, 1))
		case Week:
			return T(t.AddDate(0, 0, 7))
		case Month:
			return T(t.AddDate(0, 1, 0))
		case Quarter:
			return T(t.AddDate(0, 3, 0))
		case Year:
			return T(t.AddDate(1, 0, 0))
		}
	}
	return math.NaN()
}

// format is a Linear scale's label for v.
func (l Linear) format(v float64) string {
	if l.Format != nil {
		return l.Format(v)
	}
	return compact(v, 2)
}

// compact formats v with at most dec decimals, trimmed, and k/M suffixes
// from ten thousand up.
func compact(v float64, dec int) string {
	a := math.Abs(v)
	switch {
	case a >= 1e7:
		return trimFloat(v/1e6, 1) + "M"
	case a >= 1e4:
		return trimFloat(v/1e3, 1) + "k"
	}
	return trimFloat(v, dec)
}

func trimFloat(v float64, dec int) string {
	s := strconv.FormatFloat(v, 'f', dec, 64)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// niceStep is the smallest of 1, 2, 5 × 10^k that cuts span into at most
// about target intervals.
func niceStep(span float64, target int, integer bool) float64 {
	if target < 1 {
		target = 1
	}
	if !(span > 0) || math.IsInf(span, 0) {
		return 1
	}
	raw := span / float64(target)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	norm := raw / mag
	var m float64
	switch {
	case norm <= 1.000001:
		m = 1
	case norm <= 2.000001:
		m = 2
	case norm <= 5.000001:
		m = 5
	default:
		m = 10
	}
	step := m * mag
	if integer && step < 1 {
		step = 1
	}
	return step
}

// niceTicks returns the domain and ticks of a linear scale over the data
// range [lo, hi]. A fixed domain keeps its ends and gets the ticks inside;
// an automatic one is widened to whole steps.
func niceTicks(lo, hi float64, target int, integer, fixed bool) (d0, d1 float64, ticks []float64, step float64) {
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		lo, hi = 0, 1
	}
	if hi < lo {
		lo, hi = hi, lo
	}
	if hi == lo {
		switch {
		case lo == 0:
			hi = 1
		case lo > 0:
			lo, hi = 0, lo
			if fixed {
				lo, hi = hi-1, hi+1
			}
		default:
			hi = 0
		}
	}
	step = niceStep(hi-lo, target, integer)
	if fixed {
		d0, d1 = lo, hi
	} else {
		d0 = math.Floor(lo/step+1e-9) * step
		d1 = math.Ceil(hi/step-1e-9) * step
	}
	first := math.Ceil(d0/step - 1e-9)
	for i := first; i*step <= d1+step*1e-9; i++ {
		v := i * step
		// Round away binary noise (0.30000000000000004).
		v = math.Round(v/step) * step
		if dec := decimals(step); dec > 0 {
			p := math.Pow(10, float64(dec))
			v = math.Round(v*p) / p
		}
		ticks = append(ticks, v)
		if len(ticks) > 1000 {
			break
		}
	}
	return d0, d1, ticks, step
}

// decimals is how many decimals labels of a step need (2.5 needs one).
func decimals(step float64) int {
	if !(step > 0) || math.IsInf(step, 0) {
		return 0
	}
	for d := 0; d < 8; d++ {
		v := step * math.Pow(10, float64(d))
		if math.Abs(v-math.Round(v)) < 1e-6*math.Max(1, v) {
			return d
		}
	}
	return 8
}

// tunit is a candidate spacing for time ticks.
type tunit struct {
	p Period
	n int
}

var tunits = []tunit{
	{Day, 1}, {Day, 2}, {Week, 1}, {Week, 2}, {Month, 1}, {Month, 2}, {Quarter, 1},
	{Month, 6}, {Year, 1}, {Year, 2}, {Year, 5}, {Year, 10}, {Year, 20}, {Year, 50}, {Year, 100},
}

func (u tunit) approxSeconds() float64 {
	d := 86400.0
	switch u.p {
	case Week:
		d *= 7
	case Month:
		d *= 30.44
	case Quarter:
		d *= 91.3
	case Year:
		d *= 365.25
	}
	return d * float64(u.n)
}

// epochMonday is the first Monday of the Unix epoch: weeks are counted
// from it so two-week ticks do not jump when the range moves by a week.
var epochMonday = time.Date(1970, 1, 5, 0, 0, 0, 0, time.UTC)

// dayNumber counts civil days, immune to DST and zone offsets.
func dayNumber(t time.Time) int {
	c := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return int(c.Sub(epochMonday).Hours() / 24)
}

// timeTicks lists the starts of unit u in [d0, d1] in loc.
func timeTicks(d0, d1 float64, loc *time.Location, u tunit) []time.Time {
	t0 := toTime(d0, loc)
	var cur time.Time
	switch u.p {
	case Day, Week:
		cur = time.Date(t0.Year(), t0.Month(), t0.Day(), 0, 0, 0, 0, loc)
	case Month, Quarter:
		cur = time.Date(t0.Year(), t0.Month(), 1, 0, 0, 0, 0, loc)
	case Year:
		cur = time.Date(t0.Year(), 1, 1, 0, 0, 0, 0, loc)
	}
	// Days and weeks: walk day by day to the first aligned start, then
	// jump by the unit (aligned days are every n-th, or every 7n-th): a
	// year of weekly ticks costs some 50 steps instead of 365.
	stride := 1
	var out []time.Time
	for i := 0; i < 5000; i++ {
		v := T(cur)
		if v > d1+1e-6 {
			break
		}
		ok := aligned(cur, u)
		if v >= d0-1e-6 && ok {
			out = append(out, cur)
		}
		if ok {
			switch u.p {
			case Day:
				stride = u.n
			case Week:
				stride = 7 * u.n
			}
		}
		switch u.p {
		case Day, Week:
			cur = time.Date(cur.Year(), cur.Month(), cur.Day()+stride, 0, 0, 0, 0, loc)
		case Month, Quarter:
			cur = time.Date(cur.Year(), cur.Month()+1, 1, 0, 0, 0, 0, loc)
		case Year:
			cur = time.Date(cur.Year()+1, 1, 1, 0, 0, 0, 0, loc)
		}
	}
	return out
}

func aligned(t time.Time, u tunit) bool {
	switch u.p {
	case Day:
		return dayNumber(t)%u.n == 0
	case Week:
		dn := dayNumber(t)
		return dn%7 == 0 && (dn/7)%u.n == 0
	case Month:
		return (t.Year()*12+int(t.Month())-1)%u.n == 0
	case Quarter:
		return (int(t.Month())-1)%3 == 0
	case Year:
		return t.Year()%u.n == 0
	}
	return false
}

// timeLabels returns the full and short label of a tick of unit u.
func timeLabel(t time.Time, u tunit) (full, short string) {
	y := strconv.Itoa(t.Year())
	switch u.p {
	case Day, Week:
		s := t.Format("2 Jan")
		return s + " " + y, s
	case Month:
		s := t.Format("Jan")
		return s + " " + y, s
	case Quarter:
		s := "Q" + strconv.Itoa(int(t.Month()-1)/3+1)
		return s + " " + y, s
	}
	return y, y
}

// endOf returns the end of the unit (with n = 1) starting at t: where a
// centred label's interval ends.
func endOf(t time.Time, p Period) time.Time {
	switch p {
	case Day:
		return t.AddDate(0, 0, 1)
	case Week:
		return t.AddDate(0, 0, 7)
	case Month:
		return t.AddDate(0, 1, 0)
	case Quarter:
		return t.AddDate(0, 3, 0)
	}
	return t.AddDate(1, 0, 0)
}
