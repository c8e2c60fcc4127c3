package web

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"net/http"

	"github.com/a-h/templ"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/web/views"
)

func quarterlyPageComponent(s *Server, r *http.Request, q *quarterly) templ.Component {
	m := s.quarterlyView(q)
	s.forUser(r, &m.Page, &m.Board)
	return views.QuarterlyPage(m)
}

// quarterlyView fills the page's view model.
func (s *Server) quarterlyView(q *quarterly) views.Quarterly {
	b, p, d := q.b, q.p, q.d
	canonQ := p.Canonical(b)
	canon := encodeQuarterly(canonQ)
	base := boardPath(b)
	path := base + "/quarterly"
	m := views.Quarterly{
		Page:       views.Page{Title: b.Name + " · Quarterly", Version: s.Version},
		Board:      s.boardHeader(b, d, "quarterly", keepParams(canon, sharedParams)),
		Controls:   quarterlyControls(q),
		Permalink:  withQuery(path, canon),
		JSONURL:    withQuery(path, encodeQuarterly(withFormat(p.Canonical(b), "json"))),
		CSVURL:     withQuery(base+"/quarterly.csv", canon),
		LeadCSVURL: withQuery(base+"/quarterly-leadtime.csv", canon),
	}
	if n := len(q.series.Quarters); n > 0 {
		m.Permalink = withQuery(path, encodeQuarterly(p.Permalink(b, q.series.Quarters[0].Start, q.series.Quarters[n-1].Start)))
		m.RangeText = fmt.Sprintf("%s to %s · fiscal year starts in %s", quarterLabel(q.from), quarterLabel(q.series.Quarters[n-1].Start), time.Month(q.fiscal))
	}
	items, delivered := 0, 0
	for i := range d.Facts {
		if d.Facts[i].InScope {
			items++
			if d.Facts[i].Delivered {
				delivered++
			}
		}
	}
	st := d.Board.States
	s0, e0 := p.window(b)
	switch {
	case d.Status.LastOKAt == nil && items == 0:
		m.Empty = "This board has not been synced yet. The first sync is running or queued; this page fills in when it finishes."
	case items == 0:
		m.Empty = "The board's filter matches no issues. Check the board filter and the extra JQL in the board's settings."
	case delivered == 0:
		m.Empty = fmt.Sprintf("Nothing on this board has been delivered yet. An item counts as delivered when it reaches %q after passing %q, with a valid resolution. "+
			"If your team finishes work in another column, change the lead-time columns above; otherwise this page fills in as items are done.", st[e0].Name, st[s0].Name)
	}
	complete := q.completeDelivered()
	switch {
	case len(q.series.Quarters) == 0:
		m.Notices = append(m.Notices, "These quarters have not started yet: choose a range that includes the current quarter or earlier ones.")
	case q.inRange == 0:
		m.Notices = append(m.Notices, "Nothing of these work types was delivered in these quarters: widen the range or check the work types.")
	case q.series.FlatQuarters == 0:
		m.Notices = append(m.Notices, "No complete quarter is shown yet, so there are no flat lines: they need at least one finished quarter.")
	}
	if q.series.FlatQuarters > 0 {
		m.Stats = append(m.Stats, views.Stat{Label: fmt.Sprintf("Delivered in the %s shown", plural(q.series.FlatQuarters, "complete quarter", "complete quarters")),
			Value: strconv.Itoa(complete), TestID: "stat-delivered"})
	}
	for _, qq := range q.series.Quarters {
		if qq.Partial {
			m.Stats = append(m.Stats, views.Stat{Label: "This quarter so far", Value: strconv.Itoa(qq.Throughput), TestID: "stat-current"})
		}
	}
	for _, l := range q.flat {
		m.Stats = append(m.Stats, views.Stat{Label: fmt.Sprintf("%d%% of quarters delivered at least", l.Percent),
			Value: strconv.Itoa(l.Count), TestID: fmt.Sprintf("stat-flat-%d", l.Percent)})
	}
	m.Forecast = s.nextQuarterView(q, canonQ, path)
	m.Throughput = views.ChartBlock{ID: "quarterly",
		Explain: "Bars: items delivered per quarter, each counted once, in the quarter it was finally done (a reopened item counts when it is done again). The current quarter is hatched: it is not over. Flat lines: in 50/80/90% of the complete quarters shown, the team delivered at least that many items.",
		Chart:   q.throughputChart().Component(), SVGURL: withQuery(base+"/chart/quarterly-throughput.svg", canon), Table: quarterTable(q)}
	explain := "Each dot is a delivered item: when it was done and how long it took from start to done. Hover for details; click to open it in JIRA. " +
		"Lines: per quarter, that share of its items finished within that many days (items under 15 minutes are drawn but left out). Drag across the chart to zoom."
	if s.JiraURL == "" {
		explain = strings.Replace(explain, " click to open it in JIRA.", " (links to JIRA need the JIRA site URL in the server's settings).", 1)
	}
	m.Scatter = views.ChartBlock{ID: "leadtime", Explain: explain,
		Chart: q.scatterChart(s.issueURL).Component(), SVGURL: withQuery(base+"/chart/quarterly-leadtime.svg", canon), Table: quarterLeadTable(q)}
	m.Zoom = zoomState(q, canonQ, path)
	return m
}

// nextQuarterView is the next-quarter box.
func (s *Server) nextQuarterView(q *quarterly, canon url.Values, path string) views.Forecast {
	fc := q.forecast
	end := fc.Start.Start(time.UTC).AddDate(0, 3, -1)
	f := views.Forecast{Heading: fmt.Sprintf("Next quarter: %s (%s – %s)", quarterLabel(fc.Start), fc.Start.Start(time.UTC).Format("2 Jan"), end.Format("2 Jan 2006"))}
	if q.samples == nil {
		need := 4 - q.history
		f.Cannot = fmt.Sprintf("Cannot forecast yet: the board has %s of history and a forecast needs at least 4.", plural(q.history, "complete week", "complete weeks"))
		if need > 0 {
			f.Cannot += " It can from " + dayText(q.d.Flow.WeekOf(q.now).AddDays(7*need)) + "."
		}
		return f
	}
	for _, l := range fc.Likelihood {
		f.Levels = append(f.Levels, views.Stat{Label: fmt.Sprintf("%d%% likely: at least", l.Percent), Value: strconv.Itoa(l.Count), TestID: fmt.Sprintf("forecast-%d", l.Percent)})
	}
	n := len(q.samples)
	monday := q.d.Flow.WeekOf(q.now)
	first, last := monday.AddDays(-7*n), monday.AddDays(-1)
	window := q.d.Flow.RollingWeeks()
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
		fc.Weeks, thousands(flow.DefaultTrials), hist, dayText(first), dayText(last), counts, q.p.Seed)
	total := 0
	for _, c := range q.samples {
		total += c
	}
	if total == 0 {
		f.Note = "Nothing of these work types was delivered in those weeks, so the forecast is 0. Use a longer history or check the work types."
	}
	next := cloneValues(canon)
	next.Set("seed", strconv.FormatUint(q.p.Seed+1, 10))
	if q.p.Seed+1 == DefaultSeed {
		next.Del("seed")
	}
	f.Reseed = withQuery(path, encodeQuarterly(next))
	return f
}

func zoomState(q *quarterly, canon url.Values, path string) views.ZoomState {
	z := q.p.Zoom
	zs := views.ZoomState{}
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
	rest := cloneValues(canon)
	for _, k := range append(slices.Clone(zoomParams), "format") {
		rest.Del(k)
	}
	for _, k := range quarterlyParamOrder {
		for _, v := range rest[k] {
			zs.Hidden = append(zs.Hidden, views.Hidden{Name: k, Value: v})
		}
	}
	if !z.Zoomed() {
		zs.Text = fmt.Sprintf("%s delivered in these quarters. Drag across the chart to zoom in.", plural(q.inRange, "item", "items"))
		return zs
	}
	zs.Reset = withQuery(path, encodeQuarterly(rest))
	var parts []string
	if !z.From.IsZero() || !z.To.IsZero() {
		parts = append(parts, "done "+rangeText(dateOrEmpty(z.From), dateOrEmpty(z.To)))
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
	zs.Text = fmt.Sprintf("Zoomed in: %d of %s (%s).", len(q.points), plural(q.inRange, "item", "items"), strings.Join(parts, ", "))
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

func quarterTable(q *quarterly) views.Table {
	t := views.Table{Caption: "Throughput per quarter", Head: []string{"Quarter", "Delivered", "Dates"}}
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

func quarterLeadTable(q *quarterly) views.Table {
	pcts := q.p.percents()
	t := views.Table{Caption: "Lead time per quarter (" + q.unit() + ")", Head: []string{"Quarter", "Items"}}
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

func quarterlyControls(q *quarterly) views.QuarterlyControls {
	b, p := q.b, q.p
	c := views.QuarterlyControls{Days: cmpOrStr(p.Days, b.DayMode), Window: cmpOrInt(p.Window, b.RollingWeeks), Tags: p.Tags, Notes: p.Notes,
		Seed: strconv.FormatUint(p.Seed, 10)}
	if !p.QFrom.IsZero() {
		c.QFrom = quarterParam(p.QFrom)
	}
	if !p.QTo.IsZero() {
		c.QTo = quarterParam(p.QTo)
	}
	for m := 1; m <= 12; m++ {
		c.Fiscal = append(c.Fiscal, views.Option{Value: strconv.Itoa(m), Label: time.Month(m).String(), Selected: m == q.fiscal})
	}
	for _, wt := range b.WorkTypes {
		c.Types = append(c.Types, views.Option{Value: wt.Name, Label: wt.Name, Selected: len(p.Types) == 0 || slices.Contains(p.Types, wt.Name)})
	}
	s, e := p.window(b)
	for i, st := range b.States {
		c.Starts = append(c.Starts, views.Option{Value: st.Name, Label: st.Name, Selected: i == s})
		c.Ends = append(c.Ends, views.Option{Value: st.Name, Label: st.Name, Selected: i == e})
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
