package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/chart"
	"github.com/vger-dev/vger/web/views"
)

// compareSpec: the compare view takes the work types and these of its own.
var compareSpec = viewSpec{tab: "compare", path: "/compare", params: []string{"type", "format"},
	extra: []string{"a0", "a1", "b0", "b1", "seed", "trials", "ann"}}

type compareParams struct {
	A, B   flow.Period
	Seed   uint64
	Trials int
	given  bool // periods were given (not the default)
}

const compareDefaultWeeks = 8

// parseCompare reads the two periods (default: the 8 complete weeks
// before the last 8, against the last 8), the seed and the trials.
func parseCompare(q url.Values, fb *flow.Board, now time.Time) (compareParams, error) {
	if q.Has("apply") {
		q = cleanForm(q)
	}
	cp := compareParams{Seed: 1, Trials: flow.DefaultTrials}
	cur := fb.WeekOf(now)
	def := map[string]flow.Date{
		"a0": cur.AddDays(-7 * 2 * compareDefaultWeeks), "a1": cur.AddDays(-7*compareDefaultWeeks - 1),
		"b0": cur.AddDays(-7 * compareDefaultWeeks), "b1": cur.AddDays(-1),
	}
	vals := map[string]flow.Date{}
	for _, k := range []string{"a0", "a1", "b0", "b1"} {
		vs := q[k]
		if len(vs) > 1 {
			return cp, InvalidParam(k, "it is given more than once", "one date")
		}
		if len(vs) == 0 || strings.TrimSpace(vs[0]) == "" {
			vals[k] = def[k]
			continue
		}
		d, err := flow.ParseDate(strings.TrimSpace(vs[0]))
		if err != nil || d.Year < 1990 || d.Year > 2200 {
			return cp, InvalidParam(k, fmt.Sprintf("%q is not a date", vs[0]), "a date as YYYY-MM-DD")
		}
		vals[k] = d
		cp.given = true
	}
	for _, pair := range [][2]string{{"a0", "a1"}, {"b0", "b1"}} {
		if vals[pair[1]].Before(vals[pair[0]]) {
			return cp, InvalidParam(pair[1], fmt.Sprintf("%s is before %s (%s)", vals[pair[1]], pair[0], vals[pair[0]]), fmt.Sprintf("a date on or after %s (%s)", vals[pair[0]], pair[0]))
		}
	}
	cp.A, cp.B = flow.Period{From: vals["a0"], To: vals["a1"]}, flow.Period{From: vals["b0"], To: vals["b1"]}
	if v := q.Get("seed"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return cp, InvalidParam("seed", fmt.Sprintf("%q is not a seed", v), "a whole number from 0 to 18446744073709551615")
		}
		cp.Seed = n
	}
	if v := q.Get("trials"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 || n > 100000 {
			return cp, InvalidParam("trials", fmt.Sprintf("%q is not a number of permutations", v), "a whole number from 100 to 100000")
		}
		cp.Trials = n
	}
	return cp, nil
}

func (cp compareParams) own(defaults bool) url.Values {
	q := url.Values{}
	q.Set("a0", cp.A.From.String())
	q.Set("a1", cp.A.To.String())
	q.Set("b0", cp.B.From.String())
	q.Set("b1", cp.B.To.String())
	if defaults || cp.Seed != 1 {
		q.Set("seed", strconv.FormatUint(cp.Seed, 10))
	}
	if defaults || cp.Trials != flow.DefaultTrials {
		q.Set("trials", strconv.Itoa(cp.Trials))
	}
	return q
}

// compareData computes the comparison for a request.
func (s *Server) compareData(r *http.Request) (store.Board, ViewParams, compareParams, *boardData, flow.Comparison, error) {
	var cmp flow.Comparison
	b, err := s.boardFromURL(r)
	if err != nil {
		return b, ViewParams{}, compareParams{}, nil, cmp, err
	}
	p, err := compareSpec.parse(r.URL.Query(), b)
	if err != nil {
		return b, p, compareParams{}, nil, cmp, err
	}
	d, err := s.loadBoardData(r.Context(), b, p)
	if err != nil {
		return b, p, compareParams{}, nil, cmp, err
	}
	now := s.now()
	q, err := s.fromAnnotation(r.Context(), b, r.URL.Query())
	if err != nil {
		return b, p, compareParams{}, d, cmp, err
	}
	cp, err := parseCompare(q, d.Flow, now)
	if err != nil {
		return b, p, cp, d, cmp, err
	}
	prd, err := s.loadPRData(r.Context(), b, PRParams{ViewParams: ViewParams{Tags: false}})
	if err != nil {
		return b, p, cp, d, cmp, err
	}
	cmp, err = d.Flow.Compare(d.Facts, prd.PRs, flow.CompareQuery{A: cp.A, B: cp.B, WorkTypes: p.Types, Trials: cp.Trials}, now, flow.NewRand(cp.Seed))
	if err != nil {
		return b, p, cp, d, cmp, InvalidParam("a0", err.Error(), "two periods, each ending on or after it starts")
	}
	return b, p, cp, d, cmp, nil
}

// compare sets two periods side by side with an honest reading.
func (s *Server) compare(w http.ResponseWriter, r *http.Request) error {
	b, p, cp, d, cmp, err := s.compareData(r)
	if err != nil {
		return err
	}
	canonQ := compareSpec.canonical(p, b, cp.own(false))
	if compareSpec.redirect(w, r, b, canonQ) {
		return nil
	}
	if r.URL.Query().Has("ann") { // write the dates out: the URL outlives the annotation
		http.Redirect(w, r, withQuery(boardPath(b)+compareSpec.path, Encode(canonQ)), http.StatusSeeOther)
		return nil
	}
	if p.Format == "json" {
		return writeJSON(w, compareJSON(cmp, cp))
	}
	path := boardPath(b) + "/compare"
	canon := Encode(canonQ)
	permQ := compareSpec.permalink(p, b, cmp.A.From, cmp.B.To, cp.own(true))
	delete(permQ, "from")
	delete(permQ, "to")
	m := views.ComparePage{
		Page:  views.Page{Title: b.Name + " · Compare", Version: s.Version},
		Board: s.boardHeader(b, d, "compare", headerQuery(canonQ)),
		Form: views.CompareControls{A0: cp.A.From.String(), A1: cp.A.To.String(), B0: cp.B.From.String(), B1: cp.B.To.String(),
			Seed: strconv.FormatUint(cp.Seed, 10), Types: viewControls(b, p).Types},
		Links: viewLinks(withQuery(path, Encode(permQ)), withQuery(path, Encode(withFormat(canonQ, "json"))),
			views.Link{Label: "Comparison CSV", URL: withQuery(path+".csv", canon), TestID: "csv-compare", Download: true}),
		RangeText: fmt.Sprintf("Before: weeks of %s to %s (%d weeks) · After: weeks of %s to %s (%d weeks) · %s permutations, seed %d",
			cmp.A.From, cmp.A.To.AddDays(-6), len(cmp.A.Weeks), cmp.B.From, cmp.B.To.AddDays(-6), len(cmp.B.Weeks), thousands(cp.Trials), cp.Seed),
	}
	if len(cmp.A.Weeks) == 0 || len(cmp.B.Weeks) == 0 {
		m.Notices = append(m.Notices, "A period has no complete week (the current week never counts): choose earlier dates.")
	}
	m.Readings = readings(cmp.Metrics)
	m.Table = compareTable(cmp)
	m.Charts = []views.ChartBlock{
		{ID: "cmp-throughput", Explain: "How many weeks delivered each number of items, before and after (share of the period's weeks).", Chart: weeklyDistribution(cmp).Component()},
		{ID: "cmp-leadtime", Explain: "Lead-time percentiles of the items delivered in each period: 50/80/90% finished within this many days.", Chart: leadLevels(cmp).Component()},
	}
	s.forUser(r, &m.Page, &m.Board)
	return render(w, r, http.StatusOK, views.CompareView(m))
}

// readings are the plain-language answers, honest about noise: a
// sentence for each likely real change and each measure shown untested;
// the measures the data cannot tell yet, and those with too little data,
// each gathered in one sentence that names them (their numbers and
// p-values are in the table).
func readings(ms []flow.Metric) []views.Reading {
	var likely, cannot, few, untested []flow.Metric
	for _, m := range ms {
		switch m.Verdict {
		case flow.VerdictLikely:
			likely = append(likely, m)
		case flow.VerdictCannotTell:
			cannot = append(cannot, m)
		case flow.VerdictTooFew:
			few = append(few, m)
		default:
			untested = append(untested, m)
		}
	}
	var out []views.Reading
	for _, m := range likely {
		out = append(out, views.Reading{TestID: "reading-" + m.ID, Warn: true,
			Text: fmt.Sprintf("%s Likely a real change: a difference this large came up in only %s of random reshuffles of the same observations (p = %s).", readingHead(m), pct(m.P.V), pval(m.P.V))})
	}
	if len(cannot) > 0 {
		lo, hi := cannot[0].P.V, cannot[0].P.V
		for _, m := range cannot {
			lo, hi = min(lo, m.P.V), max(hi, m.P.V)
		}
		share, tail := pct(lo), fmt.Sprintf(" of the time (p = %s), so the difference may be noise.", pval(lo))
		if len(cannot) > 1 {
			if pct(lo) != pct(hi) {
				share = pct(lo) + " to " + pct(hi)
			}
			tail = " of the time (each p-value is in the table), so these differences may be noise."
		}
		items := nameList(cannot)
		items[0].Before = "The data cannot tell yet for "
		items[len(items)-1].After = ": random reshuffles of the same observations differ this much " + share + tail
		out = append(out, views.Reading{TestID: "reading-cannot-tell", Items: items})
	}
	if len(few) > 0 {
		// Measures with the same counts share them: "a has 4 weeks before
		// and 2 after; b and c have 3 items before and 2 after."
		var keys []string
		byCounts := map[string][]flow.Metric{}
		for _, m := range few {
			k := fmt.Sprintf("%s before and %d after", observations(m, m.NA), m.NB)
			if _, ok := byCounts[k]; !ok {
				keys = append(keys, k)
			}
			byCounts[k] = append(byCounts[k], m)
		}
		var items []views.ReadingItem
		for i, k := range keys {
			g := nameList(byCounts[k])
			if i > 0 {
				g[0].Before = "; "
			}
			g[len(g)-1].After = " has " + k
			if len(g) > 1 {
				g[len(g)-1].After = " have " + k
			}
			items = append(items, g...)
		}
		items[0].Before = "Not enough data to test: "
		items[len(items)-1].After += fmt.Sprintf(". At least %d are needed in each period.", flow.MinSample)
		out = append(out, views.Reading{TestID: "reading-too-few", Items: items})
	}
	for _, m := range untested {
		out = append(out, views.Reading{TestID: "reading-" + m.ID, Text: readingHead(m) + " Shown for context, not tested (one number per period)."})
	}
	return out
}

// readingHead is a measure's numbers: "Lead time (mean): 4.0 days
// before, 5.5 days after (+1.5 days)."
func readingHead(m flow.Metric) string {
	change := ""
	if m.Change.OK {
		change = " (" + fmtChange(m.Change.V, m.Unit) + ")"
	}
	return fmt.Sprintf("%s: %s before, %s after%s.", m.Name, optMetric(m.A, m.Unit), optMetric(m.B, m.Unit), change)
}

// nameList names measures in a sentence: "a, b and c".
func nameList(ms []flow.Metric) []views.ReadingItem {
	out := make([]views.ReadingItem, len(ms))
	for i, m := range ms {
		out[i] = views.ReadingItem{Text: m.Name, TestID: "reading-" + m.ID}
		switch {
		case i == 0:
		case i == len(ms)-1:
			out[i].Before = " and "
		default:
			out[i].Before = ", "
		}
	}
	return out
}

// observations counts what a measure is tested on: "4 weeks", "1 item".
func observations(m flow.Metric, n int) string {
	one, many := "item", "items"
	switch m.ID {
	case "throughput":
		one, many = "week", "weeks"
	case "pr_lead_time":
		one, many = "pull request", "pull requests"
	}
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func optMetric(o flow.Opt[float64], unit string) string {
	if !o.OK {
		return "–"
	}
	return fmtMetric(o.V, unit)
}

// fmtMetric writes a value with its unit, as the page shows it.
func fmtMetric(v float64, unit string) string {
	switch unit {
	case "share":
		return strconv.FormatFloat(math.Round(v*1000)/10, 'f', 1, 64) + "%"
	case "days":
		return days(v) + " days"
	case "items":
		return strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64) + " items"
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', 2, 64)
}

// fmtChange writes a change (after minus before) with its sign: "+1.5
// days", "−0.3 items" (a true minus sign, U+2212), and no sign when it
// rounds to zero. A change of a share is in percentage points: 40% to 50%
// is +10.0 percentage points, not +10%. The CSV and JSON keep plain
// numbers.
func fmtChange(v float64, unit string) string {
	s := fmtMetric(math.Abs(v), unit)
	if unit == "share" {
		s = strings.TrimSuffix(s, "%") + " percentage points"
	}
	switch {
	case !strings.ContainsAny(s, "123456789"):
		return s
	case v < 0:
		return "−" + s
	}
	return "+" + s
}

func pct(p float64) string {
	if p < 0.01 {
		return "under 1%"
	}
	return strconv.FormatFloat(math.Round(p*100), 'f', 0, 64) + "%"
}

func pval(p float64) string { return strconv.FormatFloat(math.Round(p*1000)/1000, 'f', 3, 64) }

func compareTable(c flow.Comparison) views.ListTable {
	t := views.ListTable{ID: "compare", Caption: "Before and after", Head: []string{"Measure", "Before", "After", "Change", "p-value", "Reading"}}
	for _, m := range c.Metrics {
		v := func(o flow.Opt[float64]) string { return optMetric(o, m.Unit) }
		p := "–"
		if m.P.OK {
			p = pval(m.P.V)
		}
		change := "–"
		if m.Change.OK {
			change = fmtChange(m.Change.V, m.Unit)
		}
		class := ""
		if m.Verdict == flow.VerdictLikely {
			class = "past-90"
		}
		t.Rows = append(t.Rows, views.ListRow{TestID: "cmp-" + m.ID, Class: class, Cells: []views.ListCell{
			{Text: m.Name}, {Text: v(m.A), TestID: "cmp-" + m.ID + "-a", Class: "num"}, {Text: v(m.B), TestID: "cmp-" + m.ID + "-b", Class: "num"},
			{Text: change, TestID: "cmp-" + m.ID + "-change", Class: "num"}, {Text: p, TestID: "cmp-" + m.ID + "-p", Class: "num"}, {Text: string(m.Verdict), TestID: "cmp-" + m.ID + "-verdict"}}})
	}
	// The likelihood lines of each period (count rule over its weeks):
	// one number per period, shown for context, not tested.
	for _, pc := range []int{50, 80, 90} {
		a, b := countAt(c.A.Likelihood, pc), countAt(c.B.Likelihood, pc)
		id := fmt.Sprintf("cmp-likely_%d", pc)
		t.Rows = append(t.Rows, views.ListRow{TestID: id, Cells: []views.ListCell{
			{Text: fmt.Sprintf("%d%% of weeks delivered at least", pc)}, {Text: a, TestID: id + "-a", Class: "num"}, {Text: b, TestID: id + "-b", Class: "num"},
			{Text: "–", Class: "num"}, {Text: "–", Class: "num"}, {Text: string(flow.VerdictNotTested)}}})
	}
	return t
}

func weeklyDistribution(c flow.Comparison) *chart.Chart {
	maxN := 0
	for _, w := range append(slices.Clone(c.A.Weeks), c.B.Weeks...) {
		maxN = max(maxN, w)
	}
	labels := make([]string, maxN+1)
	for i := range labels {
		labels[i] = strconv.Itoa(i)
	}
	share := func(weeks []int) []chart.Datum {
		out := make([]chart.Datum, maxN+1)
		for i := range out {
			out[i] = chart.Datum{X: float64(i), Y: 0}
		}
		for _, w := range weeks {
			out[w].Y += 100 / float64(len(weeks))
		}
		return out
	}
	return &chart.Chart{Width: gridChartWidth, ID: "cmp-throughput", Title: "Weekly throughput, before and after", XLabel: "Items delivered in a week", YLabel: "% of weeks",
		X: chart.Band{Labels: labels, Key: "items"}, Y: chart.Linear{Unit: "%"}, Class: "chart-fluid",
		Layers: []chart.Layer{&chart.Bars{ID: "weeks", Series: []chart.Series{
			{ID: "before", Name: "Before", Style: chart.Style{Color: chart.Grey}, Data: share(c.A.Weeks)},
			{ID: "after", Name: "After", Style: chart.ThroughputStyle, Data: share(c.B.Weeks)},
		}}}}
}

func leadLevels(c flow.Comparison) *chart.Chart {
	labels := []string{"50%", "80%", "90%"}
	level := func(ls []flow.Level) []chart.Datum {
		out := make([]chart.Datum, 3)
		for i, p := range []int{50, 80, 90} {
			out[i] = chart.Datum{X: float64(i), Y: chart.Missing}
			for _, l := range ls {
				if l.Percent == p {
					out[i].Y = l.Value
				}
			}
		}
		return out
	}
	return &chart.Chart{Width: gridChartWidth, ID: "cmp-leadtime", Title: "Lead time, before and after", XLabel: "Share of items finished within", YLabel: "Days",
		X: chart.Band{Labels: labels, Key: "percentile"}, Y: chart.Linear{Unit: "days"}, Class: "chart-fluid",
		Layers: []chart.Layer{&chart.Bars{ID: "levels", Series: []chart.Series{
			{ID: "before", Name: "Before", Style: chart.Style{Color: chart.Grey}, Data: level(c.A.LeadTime)},
			{ID: "after", Name: "After", Style: chart.ThroughputStyle, Data: level(c.B.LeadTime)},
		}}}}
}

func compareJSON(c flow.Comparison, cp compareParams) map[string]any {
	var metrics []map[string]any
	for _, m := range c.Metrics {
		metrics = append(metrics, map[string]any{"id": m.ID, "name": m.Name, "unit": m.Unit, "before": m.A.Ptr(), "after": m.B.Ptr(),
			"change": m.Change.Ptr(), "p_value": m.P.Ptr(), "n_before": m.NA, "n_after": m.NB, "verdict": m.Verdict})
	}
	return map[string]any{"before": map[string]any{"from": c.A.From.String(), "to": c.A.To.String(), "weekly_throughput": c.A.Weeks},
		"after": map[string]any{"from": c.B.From.String(), "to": c.B.To.String(), "weekly_throughput": c.B.Weeks},
		"seed":  cp.Seed, "trials": cp.Trials, "likely_at": flow.Likely, "metrics": metrics}
}

// compareCSV streams the comparison table.
func (s *Server) compareCSV(w http.ResponseWriter, r *http.Request) error {
	b, _, cp, _, cmp, err := s.compareData(r)
	if err != nil {
		return err
	}
	c := newCSV(w, fmt.Sprintf("%s-compare-%s-%s.csv", b.Slug, cmp.A.From, cmp.B.To))
	if err := c.Write("measure", "unit", "before", "after", "change", "p_value", "n_before", "n_after", "verdict", "seed", "trials"); err != nil {
		return err
	}
	o := func(v flow.Opt[float64]) string {
		if !v.OK {
			return ""
		}
		return fnum(v.V)
	}
	for _, m := range cmp.Metrics {
		if err := c.Write(m.ID, m.Unit, o(m.A), o(m.B), o(m.Change), o(m.P), strconv.Itoa(m.NA), strconv.Itoa(m.NB), string(m.Verdict),
			strconv.FormatUint(cp.Seed, 10), strconv.Itoa(cp.Trials)); err != nil {
			return err
		}
	}
	return c.Close()
}
