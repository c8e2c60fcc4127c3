package web

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/store"
)

// QuarterlyParams is the whole state of the quarterly view, read from its
// URL (README "URL scheme"). It shares the work types, lead-time window,
// day mode, rolling window, tags and format with the other board views;
// the range is in quarters.
type QuarterlyParams struct {
	ViewParams
	QuarterParams
}

// QuarterParams are the parameters both quarterly views (JIRA issues and
// pull requests) have beyond their board view's: quarters, fiscal year,
// scatterplot lines, forecast seed and zoom.
type QuarterParams struct {
	// QFrom and QTo are days in the first and last quarter shown (a
	// quarter given as 2025-Q2 is its first day); zero = the quarter of the
	// board's first issue (first pull request) / the current quarter.
	QFrom, QTo flow.Date
	Fiscal     int   // first month of the fiscal year, 1..12; 0 = the board's
	Pct        []int // lead-time lines per quarter, ascending; nil = 50/80/90
	Seed       uint64
	Zoom       ZoomBox
}

// ZoomBox is the scatterplot region shown: done dates (inclusive, board
// time zone) and lead times in days; each bound may be left open.
type ZoomBox struct {
	From, To flow.Date
	Min, Max flow.Opt[float64]
}

// Zoomed reports whether any bound is set.
func (z ZoomBox) Zoomed() bool { return !z.From.IsZero() || !z.To.IsZero() || z.Min.OK || z.Max.OK }

// DefaultSeed seeds the next-quarter forecast unless the URL says otherwise,
// so the same URL shows the same forecast.
const DefaultSeed = 1

var (
	// quarterlyParamOrder is the canonical order of the view's parameters.
	quarterlyParamOrder = []string{"qfrom", "qto", "fiscal", "type", "start", "end", "days", "window", "tags", "notes", "pct", "seed", "zx0", "zx1", "zy0", "zy1", "format"}
	// quarterlyOwn are the parameters ParseViewParams does not know.
	quarterlyOwn = []string{"qfrom", "qto", "fiscal", "pct", "seed", "zx0", "zx1", "zy0", "zy1"}
	// sharedParams carry over between board views (the tabs).
	sharedParams = []string{"type", "start", "end", "days", "window", "tags", "notes"}
	// pctAllowed are the lead-time lines the scatterplot can draw.
	pctAllowed = []int{50, 80, 85, 90, 95}
	quarterRe  = regexp.MustCompile(`^(\d{4})-[Qq]([1-4])$`)
	zoomParams = []string{"zx0", "zx1", "zy0", "zy1"}
)

// ParseQuarterlyParams reads and validates the quarterly view's query
// string. Every problem is a 400 naming the parameter and what it allows.
func ParseQuarterlyParams(q url.Values, b store.Board) (QuarterlyParams, error) {
	p := QuarterlyParams{QuarterParams: QuarterParams{Seed: DefaultSeed}}
	if err := rejectNotQuarterly(q, quarterlyParamOrder, "the quarterly view"); err != nil {
		return p, err
	}
	vp, err := ParseViewParams(cleanApplied(q), b, quarterlyOwn...)
	if err != nil {
		return p, err
	}
	p.ViewParams = vp
	p.QuarterParams, err = parseQuarterParams(q)
	return p, err
}

// rejectNotQuarterly answers a 400 for a parameter a quarterly view does
// not take, saying why for the weekly views' range parameters.
func rejectNotQuarterly(q url.Values, allowed []string, view string) error {
	for k := range cleanApplied(q) {
		if !slices.Contains(allowed, k) && k != "apply" {
			problem := "this view does not take it"
			if slices.Contains(viewParamOrder, k) {
				problem = view + " does not take it"
				if k == "weeks" || k == "from" || k == "to" {
					problem += ": its range is in quarters (qfrom, qto)"
				}
			}
			return InvalidParam(k, problem, strings.Join(allowed, ", "))
		}
	}
	return nil
}

// cleanApplied is a submitted form's query cleaned (cleanForm), any other
// query as it is.
func cleanApplied(q url.Values) url.Values {
	if q.Has("apply") {
		return cleanForm(q)
	}
	return q
}

// parseQuarterParams reads the quarterly views' own parameters.
func parseQuarterParams(q url.Values) (QuarterParams, error) {
	p := QuarterParams{Seed: DefaultSeed}
	q = cleanApplied(q)
	single := func(k string) (string, bool, error) {
		vs, ok := q[k]
		if !ok || len(vs) == 0 {
			return "", false, nil
		}
		if len(vs) != 1 {
			return "", false, InvalidParam(k, "it is given more than once", "one value")
		}
		v := strings.TrimSpace(vs[0])
		return v, v != "", nil
	}
	for _, k := range []string{"qfrom", "qto"} {
		v, ok, err := single(k)
		if err != nil {
			return p, err
		}
		if !ok {
			continue
		}
		d, perr := parseQuarter(v)
		if perr != nil {
			return p, InvalidParam(k, fmt.Sprintf("%q is not a quarter", v), "a calendar quarter as YYYY-Qn (2025-Q1 = January to March 2025) or a date YYYY-MM-DD (its quarter)")
		}
		if k == "qfrom" {
			p.QFrom = d
		} else {
			p.QTo = d
		}
	}
	if !p.QFrom.IsZero() && !p.QTo.IsZero() {
		if p.QTo.Before(p.QFrom) {
			return p, InvalidParam("qto", fmt.Sprintf("%s is before qfrom (%s)", quarterParam(p.QTo), quarterParam(p.QFrom)), "a quarter on or after "+quarterParam(p.QFrom)+" (qfrom)")
		}
		if p.QTo.AddDays(-3660).After(p.QFrom) {
			n := ((p.QTo.Year*12+int(p.QTo.Month))-(p.QFrom.Year*12+int(p.QFrom.Month)))/3 + 1
			return p, InvalidParam("qfrom", fmt.Sprintf("%s to %s spans %d quarters", quarterParam(p.QFrom), quarterParam(p.QTo), n), "a range of at most 40 quarters (10 years)")
		}
	}
	if v, ok, err := single("fiscal"); err != nil {
		return p, err
	} else if ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 12 {
			return p, InvalidParam("fiscal", fmt.Sprintf("%q is not a month", v), "the first month of the fiscal year as a number from 1 (January) to 12 (December)")
		}
		p.Fiscal = n
	}
	for _, v := range q["pct"] {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSuffix(v, "%"))
		if err != nil || !slices.Contains(pctAllowed, n) {
			return p, InvalidParam("pct", fmt.Sprintf("%q is not one of the lead-time lines", v), "50, 80, 85, 90 or 95, repeatable")
		}
		if !slices.Contains(p.Pct, n) {
			p.Pct = append(p.Pct, n)
		}
	}
	slices.Sort(p.Pct)
	if v, ok, err := single("seed"); err != nil {
		return p, err
	} else if ok {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return p, InvalidParam("seed", fmt.Sprintf("%q is not a seed", v), "a whole number from 0 to 18446744073709551615")
		}
		p.Seed = n
	}
	for _, k := range []string{"zx0", "zx1"} {
		v, ok, err := single(k)
		if err != nil {
			return p, err
		}
		if !ok {
			continue
		}
		d, derr := flow.ParseDate(v)
		if derr != nil || d.Year < 1990 || d.Year > 2200 {
			return p, InvalidParam(k, fmt.Sprintf("%q is not a date", v), "a done date as YYYY-MM-DD, e.g. 2025-03-03")
		}
		if k == "zx0" {
			p.Zoom.From = d
		} else {
			p.Zoom.To = d
		}
	}
	if !p.Zoom.From.IsZero() && !p.Zoom.To.IsZero() && p.Zoom.To.Before(p.Zoom.From) {
		return p, InvalidParam("zx1", fmt.Sprintf("%s is before zx0 (%s)", p.Zoom.To, p.Zoom.From), fmt.Sprintf("a date on or after %s (zx0)", p.Zoom.From))
	}
	for _, k := range []string{"zy0", "zy1"} {
		v, ok, err := single(k)
		if err != nil {
			return p, err
		}
		if !ok {
			continue
		}
		f, ferr := strconv.ParseFloat(v, 64)
		if ferr != nil || math.IsNaN(f) || f < 0 || f > 100000 {
			return p, InvalidParam(k, fmt.Sprintf("%q is not a lead time", v), "a number of days from 0 to 100000, e.g. 12.5")
		}
		if k == "zy0" {
			p.Zoom.Min = flow.Some(f)
		} else {
			p.Zoom.Max = flow.Some(f)
		}
	}
	if p.Zoom.Min.OK && p.Zoom.Max.OK && p.Zoom.Max.V <= p.Zoom.Min.V {
		return p, InvalidParam("zy1", fmt.Sprintf("%s is not above zy0 (%s)", fnum(p.Zoom.Max.V), fnum(p.Zoom.Min.V)), "a lead time above zy0")
	}
	return p, nil
}

// parseQuarter reads 2025-Q2 (its first day) or a date.
func parseQuarter(v string) (flow.Date, error) {
	if m := quarterRe.FindStringSubmatch(v); m != nil {
		y, _ := strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[2])
		if y < 1990 || y > 2200 {
			return flow.Date{}, fmt.Errorf("year %d", y)
		}
		return flow.Date{Year: y, Month: time.Month(3*(n-1) + 1), Day: 1}, nil
	}
	d, err := flow.ParseDate(v)
	if err != nil || d.Year < 1990 || d.Year > 2200 {
		return flow.Date{}, fmt.Errorf("not a quarter")
	}
	return d, nil
}

// quarterParam writes a day in the URL: the first day of a calendar
// quarter as 2025-Q2, any other day as a date.
func quarterParam(d flow.Date) string {
	if d.Day == 1 && (d.Month-1)%3 == 0 {
		return fmt.Sprintf("%d-Q%d", d.Year, (d.Month-1)/3+1)
	}
	return d.String()
}

// fiscalOf is the fiscal-year start month in effect.
func (p QuarterParams) fiscalOf(b store.Board) int {
	if p.Fiscal != 0 {
		return p.Fiscal
	}
	return max(b.FiscalYearStartMonth, 1)
}

// percents are the lead-time lines drawn.
func (p QuarterParams) percents() []int {
	if len(p.Pct) == 0 {
		return flow.DefaultPercents()
	}
	return p.Pct
}

// Canonical is the view's query with defaults left out.
func (p QuarterlyParams) Canonical(b store.Board) url.Values {
	q := p.ViewParams.Canonical(b)
	p.QuarterParams.setCanonical(q, b)
	return q
}

// setCanonical adds the quarterly parameters that differ from the defaults.
func (p QuarterParams) setCanonical(q url.Values, b store.Board) {
	if !p.QFrom.IsZero() {
		q.Set("qfrom", quarterParam(p.QFrom))
	}
	if !p.QTo.IsZero() {
		q.Set("qto", quarterParam(p.QTo))
	}
	if p.Fiscal != 0 && p.Fiscal != max(b.FiscalYearStartMonth, 1) {
		q.Set("fiscal", strconv.Itoa(p.Fiscal))
	}
	if len(p.Pct) > 0 && !slices.Equal(p.Pct, flow.DefaultPercents()) {
		q["pct"] = pctValues(p.Pct)
	}
	if p.Seed != DefaultSeed {
		q.Set("seed", strconv.FormatUint(p.Seed, 10))
	}
	p.Zoom.set(q)
}

// Permalink freezes the view: the quarters shown and every setting
// written out (the forecast still starts from the current week).
func (p QuarterlyParams) Permalink(b store.Board, firstQ, lastQ flow.Date) url.Values {
	q := url.Values{}
	p.QuarterParams.setPermalink(q, b, firstQ, lastQ)
	types := p.Types
	if len(types) == 0 {
		types = workTypeNames(b)
	}
	if len(types) > 0 {
		q["type"] = slices.Clone(types)
	}
	s, e := p.window(b)
	q.Set("start", b.States[s].Name)
	q.Set("end", b.States[e].Name)
	q.Set("days", cmpOrStr(p.Days, b.DayMode))
	q.Set("window", strconv.Itoa(cmpOrInt(p.Window, b.RollingWeeks)))
	setTags(q, p.Tags)
	q.Set("notes", onOff(p.Notes))
	return q
}

// setPermalink writes every quarterly parameter out, the quarters shown
// as fixed ones.
func (p QuarterParams) setPermalink(q url.Values, b store.Board, firstQ, lastQ flow.Date) {
	q.Set("qfrom", quarterParam(firstQ))
	q.Set("qto", quarterParam(lastQ))
	q.Set("fiscal", strconv.Itoa(p.fiscalOf(b)))
	q["pct"] = pctValues(p.percents())
	q.Set("seed", strconv.FormatUint(p.Seed, 10))
	p.Zoom.set(q)
}

func setTags(q url.Values, on bool) {
	if on {
		q.Set("tags", "on")
	} else {
		q.Set("tags", "off")
	}
}

func (z ZoomBox) set(q url.Values) {
	if !z.From.IsZero() {
		q.Set("zx0", z.From.String())
	}
	if !z.To.IsZero() {
		q.Set("zx1", z.To.String())
	}
	if z.Min.OK {
		q.Set("zy0", fnum(z.Min.V))
	}
	if z.Max.OK {
		q.Set("zy1", fnum(z.Max.V))
	}
}

func pctValues(ps []int) []string {
	out := make([]string, len(ps))
	for i, n := range ps {
		out[i] = strconv.Itoa(n)
	}
	return out
}

func cmpOrInt(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// encodeQuarterly writes values in the quarterly view's parameter order.
func encodeQuarterly(q url.Values) string { return encodeIn(quarterlyParamOrder, q) }

// encodeIn writes the values of the keys in order, in that order.
func encodeIn(order []string, q url.Values) string {
	var sb strings.Builder
	for _, k := range order {
		for _, v := range q[k] {
			if sb.Len() > 0 {
				sb.WriteByte('&')
			}
			sb.WriteString(url.QueryEscape(k))
			sb.WriteByte('=')
			sb.WriteString(url.QueryEscape(v))
		}
	}
	return sb.String()
}

// keepParams keeps the named parameters of an encoded query, in order.
func keepParams(encoded string, keys []string) string {
	q, err := url.ParseQuery(encoded)
	if err != nil {
		return ""
	}
	var sb strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			if sb.Len() > 0 {
				sb.WriteByte('&')
			}
			sb.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(v))
		}
	}
	return sb.String()
}
