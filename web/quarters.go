package web

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/views"
)

// quarters is what the two quarterly views (JIRA issues and pull requests)
// share: the quarters shown with their flat lines, the scatterplot's range
// and zoom, the next-quarter forecast, and the words for what they count.
// Each view fills it from its own flow computation (flow.Quarterly,
// flow.PRQuarterly) and draws it with the functions of quarters*.go.
type quarters struct {
	fb      *flow.Board
	qp      QuarterParams
	now     time.Time
	fiscal  int
	dayMode string
	tags    []flow.Tag         // release tags, when shown
	notes   []store.Annotation // the board's annotations, when shown
	w       quarterWords
	series  flow.QuarterlySeries // lead-time lines at the view's percents and 50/80/90
	flat    []flow.CountLevel    // 50/80/90 over the complete quarters shown
	// from and to are the first and last day of the quarters shown.
	from, to flow.Date
	inRange  int   // completed items in the quarters shown
	shown    int   // of those, the ones inside the zoom
	samples  []int // the forecast's weeks of history; nil = cannot forecast
	history  int   // complete weeks since the first issue (pull request)
	forecast flow.NextQuarterForecast
}

// quarterWords name what a quarterly view counts, for its texts.
type quarterWords struct {
	one, many  string // "item", "items"
	unit       string // "items", "PRs": beside a number
	done       string // "delivered", "merged": counted per quarter
	at         string // "done", "merged": the date of a point
	finished   string // "finished", "merged": the lead-time lines
	hasHistory string // "the board has": the forecast's history
	zeroNote   string // the forecast from weeks without any
}

func newQuarters(fb *flow.Board, b store.Board, qp QuarterParams, dayMode string, tags []flow.Tag, notes []store.Annotation, w quarterWords, now time.Time) quarters {
	return quarters{fb: fb, qp: qp, now: now, fiscal: qp.fiscalOf(b), dayMode: dayMode, tags: tags, notes: notes, w: w}
}

// linePercents are the lead-time lines to compute: the view's, and 50/80/90
// for the flat lines.
func (q *quarters) linePercents() []int {
	percents := slices.Clone(q.qp.percents())
	for _, pc := range flow.DefaultPercents() {
		if !slices.Contains(percents, pc) {
			percents = append(percents, pc)
		}
	}
	slices.Sort(percents)
	return percents
}

// setSeries takes flow's quarters: a range error is the URL's.
func (q *quarters) setSeries(s flow.QuarterlySeries, err error) error {
	if errors.Is(err, flow.ErrRange) {
		return InvalidParam("qto", err.Error(), "a quarter on or after qfrom")
	}
	if err != nil {
		return err
	}
	q.series = s
	for _, l := range s.Flat {
		if slices.Contains(flow.DefaultPercents(), l.Percent) {
			q.flat = append(q.flat, l)
		}
	}
	if n := len(s.Quarters); n > 0 {
		q.from, q.to = s.Quarters[0].Start, s.Quarters[n-1].End
	}
	return nil
}

// setForecast runs the next-quarter forecast from the weekly samples;
// first is the first issue's (pull request's) creation.
func (q *quarters) setForecast(samples []int, first flow.Opt[time.Time]) {
	q.samples = samples
	q.history = historyWeeks(q.fb, first, q.now)
	q.forecast = q.fb.ForecastNextQuarter(samples, q.now, flow.DefaultTrials, flow.NewRand(q.qp.Seed), nil)
}

// zoomed keeps the points inside the zoom (dates inclusive, lead times
// inclusive), in place; at gives a point's date and lead time.
func zoomed[P any](pts []P, z ZoomBox, loc *time.Location, at func(*P) (time.Time, float64)) []P {
	if !z.Zoomed() {
		return pts
	}
	out := pts[:0]
	for i := range pts {
		t, lead := at(&pts[i])
		day := flow.DateOf(t, loc)
		if (!z.From.IsZero() && day.Before(z.From)) || (!z.To.IsZero() && day.After(z.To)) ||
			(z.Min.OK && lead < z.Min.V) || (z.Max.OK && lead > z.Max.V) {
			continue
		}
		out = append(out, pts[i])
	}
	return out
}

// historyWeeks counts the complete weeks since the week of first, for
// "cannot forecast yet".
func historyWeeks(fb *flow.Board, first flow.Opt[time.Time], now time.Time) int {
	if !first.OK {
		return 0
	}
	loc := fb.Location()
	a, b := fb.WeekOf(first.V).Start(loc), fb.WeekOf(now).Start(loc)
	return max(int(math.Round(b.Sub(a).Hours()/24/7)), 0)
}

// completeCount sums the counts of the complete quarters shown.
func (q *quarters) completeCount() int {
	n := 0
	for _, qq := range q.series.Quarters {
		if !qq.Partial {
			n += qq.Throughput
		}
	}
	return n
}

func (q *quarters) unit() string {
	if q.dayMode == "calendar" {
		return "calendar days"
	}
	return "working days"
}

// quarterLinks is where a quarterly view lives: its path, its canonical
// query and its parameters' order.
type quarterLinks struct {
	path  string
	order []string
	canon url.Values
}

func (l quarterLinks) url(q url.Values) string { return withQuery(l.path, encodeIn(l.order, q)) }

// fillPage fills what both quarterly pages show the same way: the tabs
// between them, the permalink (without the quarters' dates) and the JSON
// link, the range shown, the notices (noneInRange: see notices), the
// stats, the next-quarter box and the zoom; base is the board's path.
func (q *quarters) fillPage(m *views.Quarterly, l quarterLinks, base, noneInRange string) {
	m.Kinds = kindTabs(base, l.canon)
	m.Permalink = l.url(l.canon)
	m.JSONURL = l.url(withFormat(cloneValues(l.canon), "json"))
	m.RangeText = q.rangeText()
	m.Notices = q.notices(noneInRange)
	m.Stats = q.stats()
	m.Forecast = q.nextQuarterView(l)
	m.Zoom = q.zoomState(l)
}

// rangeText names the quarters shown and the fiscal year.
func (q *quarters) rangeText() string {
	n := len(q.series.Quarters)
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%s to %s · fiscal year starts in %s", quarterLabel(q.from), quarterLabel(q.series.Quarters[n-1].Start), time.Month(q.fiscal))
}

// notices explain an empty chart; noneInRange is the view's words for
// quarters without anything counted.
func (q *quarters) notices(noneInRange string) []string {
	switch {
	case len(q.series.Quarters) == 0:
		return []string{"These quarters have not started yet: choose a range that includes the current quarter or earlier ones."}
	case q.inRange == 0:
		return []string{noneInRange}
	case q.series.FlatQuarters == 0:
		return []string{"No complete quarter is shown yet, so there are no flat lines: they need at least one finished quarter."}
	}
	return nil
}

// stats are the "Quarters shown" numbers.
func (q *quarters) stats() []views.Stat {
	var out []views.Stat
	done := capitalize(q.w.done)
	if q.series.FlatQuarters > 0 {
		out = append(out, views.Stat{Label: fmt.Sprintf("%s in the %s shown", done, plural(q.series.FlatQuarters, "complete quarter", "complete quarters")),
			Value: strconv.Itoa(q.completeCount()), TestID: "stat-" + q.w.done})
	}
	for _, qq := range q.series.Quarters {
		if qq.Partial {
			out = append(out, views.Stat{Label: "This quarter so far", Value: strconv.Itoa(qq.Throughput), TestID: "stat-current"})
		}
	}
	for _, l := range q.flat {
		out = append(out, views.Stat{Label: fmt.Sprintf("%d%% of quarters %s at least", l.Percent, q.w.done),
			Value: strconv.Itoa(l.Count), TestID: fmt.Sprintf("stat-flat-%d", l.Percent)})
	}
	return out
}

// nextQuarterView is the next-quarter box.
func (q *quarters) nextQuarterView(l quarterLinks) views.Forecast {
	fc := q.forecast
	end := fc.Start.Start(time.UTC).AddDate(0, 3, -1)
	f := views.Forecast{Heading: fmt.Sprintf("Next quarter: %s (%s – %s)", quarterLabel(fc.Start), fc.Start.Start(time.UTC).Format("2 Jan"), end.Format("2 Jan 2006")),
		Unit: q.w.unit}
	if q.samples == nil {
		need := 4 - q.history
		f.Cannot = fmt.Sprintf("Cannot forecast yet: %s %s of history and a forecast needs at least 4.", q.w.hasHistory, plural(q.history, "complete week", "complete weeks"))
		if need > 0 {
			f.Cannot += " It can from " + dayText(q.fb.WeekOf(q.now).AddDays(7*need)) + "."
		}
		return f
	}
	for _, l := range fc.Likelihood {
		f.Levels = append(f.Levels, views.Stat{Label: fmt.Sprintf("%d%% likely: at least", l.Percent), Value: strconv.Itoa(l.Count), TestID: fmt.Sprintf("forecast-%d", l.Percent)})
	}
	n := len(q.samples)
	monday := q.fb.WeekOf(q.now)
	first, last := monday.AddDays(-7*n), monday.AddDays(-1)
	window := q.fb.RollingWeeks()
	hist := fmt.Sprintf("the last %s", plural(n, "complete week", "complete weeks"))
	if n < window {
		hist = fmt.Sprintf("the %s available (the history setting is %d weeks)", plural(n, "complete week", "complete weeks"), window)
	}
	counts := ""
	if n <= 26 {
		parts := make([]string, n)
		for i, c := range q.samples {
			parts[i] = strconv.Itoa(c)
		}
		counts = ": " + strings.Join(parts, ", ")
	}
	f.Basis = fmt.Sprintf("Over the %d Monday-to-Sunday weeks that overlap the quarter, simulated %s times by drawing weeks from %s (%s – %s%s), seed %d.",
		fc.Weeks, thousands(flow.DefaultTrials), hist, dayText(first), dayText(last), counts, q.qp.Seed)
	total := 0
	for _, c := range q.samples {
		total += c
	}
	if total == 0 {
		f.Note = q.w.zeroNote
	}
	next := cloneValues(l.canon)
	next.Set("seed", strconv.FormatUint(q.qp.Seed+1, 10))
	if q.qp.Seed+1 == DefaultSeed {
		next.Del("seed")
	}
	f.Reseed = l.url(next)
	return f
}

// zoomState is the scatterplot's zoom: the text above the chart, the way
// back and the no-JavaScript form (its hidden fields carry the rest).
func (q *quarters) zoomState(l quarterLinks) views.ZoomState {
	z := q.qp.Zoom
	zs := views.ZoomState{At: q.w.at}
	if !z.From.IsZero() {
		zs.X0 = z.From.String()
	}
	if !z.To.IsZero() {
		zs.X1 = z.To.String()
	}
	if z.Min.OK {
		zs.Y0 = fnum(z.Min.V)
	}
	if z.Max.OK {
		zs.Y1 = fnum(z.Max.V)
	}
	rest := cloneValues(l.canon)
	for _, k := range append(slices.Clone(zoomParams), "format") {
		rest.Del(k)
	}
	for _, k := range l.order {
		for _, v := range rest[k] {
			zs.Hidden = append(zs.Hidden, views.Hidden{Name: k, Value: v})
		}
	}
	if !z.Zoomed() {
		zs.Text = fmt.Sprintf("%s %s in these quarters. Drag across the chart to zoom in.", plural(q.inRange, q.w.one, q.w.many), q.w.done)
		return zs
	}
	zs.Reset = l.url(rest)
	var parts []string
	if !z.From.IsZero() || !z.To.IsZero() {
		parts = append(parts, q.w.at+" "+rangeText(dateOrEmpty(z.From), dateOrEmpty(z.To)))
	}
	if z.Min.OK || z.Max.OK {
		lo, hi := "", ""
		if z.Min.OK {
			lo = fnum(z.Min.V)
		}
		if z.Max.OK {
			hi = fnum(z.Max.V)
		}
		parts = append(parts, "lead time "+rangeText(lo, hi)+" days")
	}
	zs.Text = fmt.Sprintf("Zoomed in: %d of %s (%s).", q.shown, plural(q.inRange, q.w.one, q.w.many), strings.Join(parts, ", "))
	return zs
}

func dateOrEmpty(d flow.Date) string {
	if d.IsZero() {
		return ""
	}
	return dayText(d)
}

func rangeText(a, b string) string {
	switch {
	case a == "":
		return "up to " + b
	case b == "":
		return "from " + a
	}
	return a + " – " + b
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, vs := range q {
		out[k] = slices.Clone(vs)
	}
	return out
}

func quarterRow(id string, qq flow.Quarter, cells ...string) views.Row {
	label := quarterLabel(qq.Start)
	if qq.Partial {
		label += " (so far)"
	}
	row := views.Row{TestID: id + "-" + qq.Start.String(), Cells: []views.Cell{{Text: label}}}
	for i, c := range cells {
		row.Cells = append(row.Cells, views.Cell{Text: c, TestID: fmt.Sprintf("%s-%s-%d", id, qq.Start, i+1)})
	}
	return row
}

// quarterTable lists the count per quarter (and the fiscal quarter when the
// fiscal year does not start in January).
func (q *quarters) quarterTable(caption string) views.Table {
	t := views.Table{Caption: caption, Head: []string{"Quarter", capitalize(q.w.done), "Dates"}}
	if q.fiscal != 1 {
		t.Head = append(t.Head, "Fiscal quarter")
	}
	for _, qq := range q.series.Quarters {
		cells := []string{strconv.Itoa(qq.Throughput), dayText(qq.Start) + " – " + dayText(qq.End)}
		if q.fiscal != 1 {
			cells = append(cells, "Q"+strconv.Itoa(fiscalQuarter(qq.Start, q.fiscal)))
		}
		t.Rows = append(t.Rows, quarterRow("qt", qq, cells...))
	}
	return t
}

// leadTable lists the lead-time lines per quarter.
func (q *quarters) leadTable() views.Table {
	pcts := q.qp.percents()
	t := views.Table{Caption: "Lead time per quarter (" + q.unit() + ")", Head: []string{"Quarter", capitalize(q.w.unit)}}
	for _, p := range pcts {
		t.Head = append(t.Head, fmt.Sprintf("%d%% within", p))
	}
	for _, qq := range q.series.Quarters {
		cells := []string{strconv.Itoa(qq.LeadItems)}
		for _, p := range pcts {
			cells = append(cells, levelAt(qq.LeadTime, p))
		}
		t.Rows = append(t.Rows, quarterRow("ql", qq, cells...))
	}
	return t
}

// controls fills the form fields both quarterly views have.
func (q *quarters) controls(window int, tags, notes bool) views.QuarterControls {
	p := q.qp
	c := views.QuarterControls{Days: q.dayMode, Window: window, Tags: tags, Notes: notes, Seed: strconv.FormatUint(p.Seed, 10)}
	if !p.QFrom.IsZero() {
		c.QFrom = quarterParam(p.QFrom)
	}
	if !p.QTo.IsZero() {
		c.QTo = quarterParam(p.QTo)
	}
	for m := 1; m <= 12; m++ {
		c.Fiscal = append(c.Fiscal, views.Option{Value: strconv.Itoa(m), Label: time.Month(m).String(), Selected: m == q.fiscal})
	}
	for _, n := range pctAllowed {
		c.Pct = append(c.Pct, views.Option{Value: strconv.Itoa(n), Label: strconv.Itoa(n) + "%", Selected: slices.Contains(p.percents(), n)})
	}
	zq := url.Values{}
	p.Zoom.set(zq)
	for _, k := range zoomParams {
		for _, v := range zq[k] {
			c.Hidden = append(c.Hidden, views.Hidden{Name: k, Value: v})
		}
	}
	return c
}

// kindTabs switch between the JIRA and the pull-request quarterly view,
// keeping the quarters and the settings both have.
func kindTabs(base string, canon url.Values) []views.Tab {
	keep := keepValues(canon, quarterSwitchParams...)
	return []views.Tab{
		{ID: "quarterly-issues", Label: "Issues (JIRA)", URL: withQuery(base+"/quarterly", encodeQuarterly(keep))},
		{ID: "quarterly-prs", Label: "Pull requests (GitHub)", URL: withQuery(base+"/prs/quarterly", encodeIn(prQuarterlyParamOrder, keep))},
	}
}

// quarterSwitchParams carry over between the two quarterly views.
var quarterSwitchParams = []string{"qfrom", "qto", "fiscal", "days", "window", "tags", "notes", "pct", "seed"}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// What both quarterly views export the same way: CSV rows per quarter
// and parts of their JSON.

// writeQuarterRows writes one row per quarter shown: the quarter, its days,
// its fiscal quarter, whether it is the current one, the count (column
// count) and what was counted (column items, space-separated).
func (q *quarters) writeQuarterRows(c *csvWriter, count, items string, of func(k int, qq flow.Quarter) []string) error {
	if err := c.Write("quarter", "start", "end", "fiscal_quarter", "partial", count, items); err != nil {
		return err
	}
	for k, qq := range q.series.Quarters {
		if err := c.Write(quarterParam(qq.Start), qq.Start.String(), qq.End.String(), strconv.Itoa(fiscalQuarter(qq.Start, q.fiscal)),
			strconv.FormatBool(qq.Partial), strconv.Itoa(qq.Throughput), strings.Join(of(k, qq), " ")); err != nil {
			return err
		}
	}
	return nil
}

// quarterJSONHead and quarterJSONLead are what both quarterly views'
// quarters have, before and after their count.
type quarterJSONHead struct {
	Quarter string `json:"quarter"`
	Label   string `json:"label"`
	Start   string `json:"start"`
	End     string `json:"end"`
	Fiscal  int    `json:"fiscal_quarter"`
	Partial bool   `json:"partial"`
}

type quarterJSONLead struct {
	LeadTime  map[string]float64 `json:"lead_time,omitempty"`
	LeadItems int                `json:"lead_items"`
}

// quarterJSONOf is a quarter's head and lead-time lines (the view's).
func (q *quarters) quarterJSONOf(qq flow.Quarter) (quarterJSONHead, quarterJSONLead) {
	h := quarterJSONHead{Quarter: quarterParam(qq.Start), Label: quarterLabel(qq.Start), Start: qq.Start.String(), End: qq.End.String(),
		Fiscal: fiscalQuarter(qq.Start, q.fiscal), Partial: qq.Partial}
	l := quarterJSONLead{LeadItems: qq.LeadItems}
	for _, lv := range qq.LeadTime {
		if slices.Contains(q.qp.percents(), lv.Percent) {
			if l.LeadTime == nil {
				l.LeadTime = map[string]float64{}
			}
			l.LeadTime[strconv.Itoa(lv.Percent)] = round4(lv.Value)
		}
	}
	return h, l
}

// quarterlyJSONHead and quarterlyJSONLines are what both quarterly views'
// JSON have: before their own settings, and between their quarters and
// their zoom.
type quarterlyJSONHead struct {
	Board   string `json:"board"`
	Team    string `json:"team"`
	Fiscal  int    `json:"fiscal_year_start_month"`
	From    string `json:"from"` // the quarters shown; "" when none is
	To      string `json:"to"`
	DayMode string `json:"day_mode"`
}

type quarterlyJSONLines struct {
	Flat         map[string]int  `json:"flat_likelihood"`
	FlatQuarters int             `json:"flat_quarters"`
	NextQuarter  nextQuarterJSON `json:"next_quarter"`
}

func (q *quarters) jsonHead(b store.Board, team, dayMode string) quarterlyJSONHead {
	h := quarterlyJSONHead{Board: b.Name, Team: team, Fiscal: q.fiscal, DayMode: dayMode}
	if len(q.series.Quarters) > 0 {
		h.From, h.To = q.from.String(), q.to.String()
	}
	return h
}

// jsonLines are the flat lines and the forecast.
func (q *quarters) jsonLines() quarterlyJSONLines {
	return quarterlyJSONLines{Flat: q.flatJSON(), FlatQuarters: q.series.FlatQuarters, NextQuarter: q.nextQuarterJSONOf()}
}

// dates are the zoom's first and last day for the JSON; "" = open.
func (z ZoomBox) dates() (from, to string) {
	if !z.From.IsZero() {
		from = z.From.String()
	}
	if !z.To.IsZero() {
		to = z.To.String()
	}
	return from, to
}

// flatJSON is the flat lines by percent; nil = none.
func (q *quarters) flatJSON() map[string]int {
	if q.flat == nil {
		return nil
	}
	out := map[string]int{}
	for _, l := range q.flat {
		out[strconv.Itoa(l.Percent)] = l.Count
	}
	return out
}

// nextQuarterJSONOf is the forecast.
func (q *quarters) nextQuarterJSONOf() nextQuarterJSON {
	fc := q.forecast
	out := nextQuarterJSON{Start: fc.Start.String(), Weeks: fc.Weeks, History: q.samples, Seed: q.qp.Seed, Trials: flow.DefaultTrials}
	if fc.Likelihood != nil {
		out.Likelihood = map[string]int{}
		for _, l := range fc.Likelihood {
			out.Likelihood[strconv.Itoa(l.Percent)] = l.Count
		}
	}
	return out
}

type nextQuarterJSON struct {
	Start      string         `json:"start"`
	Weeks      int            `json:"weeks"`
	History    []int          `json:"history"` // weekly throughput sampled, oldest first; null = cannot forecast
	Seed       uint64         `json:"seed"`
	Trials     int            `json:"trials"`
	Likelihood map[string]int `json:"likelihood"` // null = cannot forecast
}
