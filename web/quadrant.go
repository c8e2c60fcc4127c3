package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/flowmap"
	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/chart"
	"github.com/vger-dev/vger/web/views"
)

// boardFromURL loads the board named by the {team} and {board} URL parts.
func (s *Server) boardFromURL(r *http.Request) (store.Board, error) {
	b, err := s.Store.BoardBySlugs(r.Context(), chi.URLParam(r, "team"), chi.URLParam(r, "board"))
	if err != nil {
		// Only a board that is not there is a 404: a database that fails
		// or a request out of time answers as such (500, 503).
		return store.Board{}, notFoundAs(err, "There is no such board. It may have been renamed or deleted; start from the team's page.")
	}
	return b, nil
}

func boardPath(b store.Board) string {
	return "/teams/" + b.TeamSlug + "/boards/" + b.Slug
}

// withQuery appends an encoded query to a path.
func withQuery(path string, q string) string {
	if q == "" {
		return path
	}
	return path + "?" + q
}

// quadrantSeries computes the view's weekly series. With the board's own
// lead-time columns and day mode it reads the stored weekly counts and the
// facts of the lead-time window only (flow.WeeklyFrom, equal to Weekly
// over every fact); overrides, and boards whose counts predate this
// binary, compute it from every fact.
//
// Exports that show no lead-time statistic (the CSVs) pass lead=false:
// their series then has counts, likelihood and range but no lead times,
// and reads no fact at all.
func (s *Server) quadrantSeries(r *http.Request) (store.Board, ViewParams, *boardData, flow.WeeklySeries, error) {
	return s.quadrantSeriesWith(r, true)
}

func (s *Server) quadrantSeriesWith(r *http.Request, withLead bool) (store.Board, ViewParams, *boardData, flow.WeeklySeries, error) {
	b, err := s.boardFromURL(r)
	if err != nil {
		return b, ViewParams{}, nil, flow.WeeklySeries{}, err
	}
	p, err := ParseViewParams(r.URL.Query(), b)
	if err != nil {
		return b, p, nil, flow.WeeklySeries{}, err
	}
	ctx := r.Context()
	now := s.now()
	var d *boardData
	if !p.Overrides(b) {
		if d, err = s.loadBoardMeta(ctx, b, p); err != nil {
			return b, p, nil, flow.WeeklySeries{}, err
		}
		from, to := p.Range(d.Flow, now)
		q := flow.WeeklyQuery{From: from, To: to, WorkTypes: p.Types, Absolute: p.Backlog == "absolute"}
		lo, hi, err := d.Flow.LeadSpan(q, now)
		if err != nil {
			return b, p, d, flow.WeeklySeries{}, rangeError(err)
		}
		if !withLead {
			hi = lo
		}
		// The window's facts share the memory budget of full loads (the
		// biggest boards' longest views hold 100,000s of them).
		n, err := s.pages().DeliveredBetween(ctx, b.ID, lo, hi)
		if err != nil {
			return b, p, d, flow.WeeklySeries{}, err
		}
		if err := s.admitFacts(ctx, n); err != nil {
			return b, p, d, flow.WeeklySeries{}, err
		}
		lead := make([]flow.IssueFacts, 0, n)
		counts, err := s.pages().QuadrantFacts(ctx, b.ID, lo, hi,
			func(f *store.LeadFact) { lead = append(lead, flowmap.FromLeadFact(f)) })
		switch {
		case err == nil:
			series, err := d.weeklyFrom(flowmap.FromCounts(counts), lead, q, now)
			return b, p, d, series, err
		case !errors.Is(err, store.ErrNoCounts):
			return b, p, d, flow.WeeklySeries{}, err
		}
	}
	if withLead && p.Overrides(b) {
		// Overrides change what the facts mean: replay every issue, but
		// keep only the counts and the lead-time window's facts.
		return s.quadrantReplayed(r, b, p)
	}
	if d, err = s.loadBoardData(ctx, b, p); err != nil {
		return b, p, nil, flow.WeeklySeries{}, err
	}
	from, to := p.Range(d.Flow, now)
	series, err := d.Flow.Weekly(d.Facts, flow.WeeklyQuery{From: from, To: to, WorkTypes: p.Types, Absolute: p.Backlog == "absolute"}, now)
	if err != nil {
		return b, p, d, series, rangeError(err)
	}
	return b, p, d, series, nil
}

// quadrantReplayed computes the series of a view that overrides the
// board's lead-time columns or day mode from the stored histories, streaming: memory holds the
// counts and the facts of the lead-time window, not every fact.
func (s *Server) quadrantReplayed(r *http.Request, b store.Board, p ViewParams) (store.Board, ViewParams, *boardData, flow.WeeklySeries, error) {
	ctx := r.Context()
	now := s.now()
	d, err := s.loadBoardMeta(ctx, b, p)
	if err != nil {
		return b, p, nil, flow.WeeklySeries{}, err
	}
	from, to := p.Range(d.Flow, now)
	q := flow.WeeklyQuery{From: from, To: to, WorkTypes: p.Types, Absolute: p.Backlog == "absolute"}
	lo, hi, err := d.Flow.LeadSpan(q, now)
	if err != nil {
		return b, p, d, flow.WeeklySeries{}, rangeError(err)
	}
	if st, e := p.window(b); e == b.LeadEnd {
		// The day mode and the start column change, not the end: the
		// counts are stored (those of the board's start column or of
		// another one), and only the items of the lead-time window are
		// replayed.
		counts, ids, err := s.pages().ReplayIDs(ctx, b.ID, st, st == b.LeadStart, lo, hi)
		switch {
		case err == nil:
			// The replayed histories and the window's facts share the
			// memory budget of full loads, weighed in issues.
			if err := s.admitFacts(ctx, int64(len(ids))); err != nil {
				return b, p, d, flow.WeeklySeries{}, err
			}
			var lead []flow.IssueFacts
			err = s.pages().BoardIssuesByID(ctx, b.ID, ids, func(bi store.BoardIssue) error {
				if f := d.Flow.Facts(flowmap.Issue(bi), now); f.Delivered && f.Done.OK && !f.Done.V.Before(lo) && f.Done.V.Before(hi) {
					lead = append(lead, f)
				}
				return nil
			})
			if err != nil {
				return b, p, d, flow.WeeklySeries{}, err
			}
			series, err := d.weeklyFrom(flowmap.FromCounts(counts), lead, q, now)
			return b, p, d, series, err
		case !errors.Is(err, store.ErrNoCounts):
			return b, p, d, flow.WeeklySeries{}, err
		}
	}
	if err := s.admitFacts(ctx, d.Status.Issues); err != nil { // replaying is the heaviest work a page does
		return b, p, d, flow.WeeklySeries{}, err
	}
	var c flow.Counter
	var lead []flow.IssueFacts
	err = s.pages().BoardIssues(ctx, b.ID, func(bi store.BoardIssue) error {
		f := d.Flow.Facts(flowmap.Issue(bi), now)
		c.Add(d.Flow, &f)
		if f.Delivered && f.Done.OK && !f.Done.V.Before(lo) && f.Done.V.Before(hi) {
			lead = append(lead, f)
		}
		return nil
	})
	if err != nil {
		return b, p, d, flow.WeeklySeries{}, err
	}
	series, err := d.weeklyFrom(c.Counts(), lead, q, now)
	return b, p, d, series, err
}

// weeklyFrom is the weekly series from the board's weekly counts and the
// lead-time window's facts; the board's issue count is the sum of the
// counts' created issues.
func (d *boardData) weeklyFrom(counts []flow.WeekCount, lead []flow.IssueFacts, q flow.WeeklyQuery, now time.Time) (flow.WeeklySeries, error) {
	for _, c := range counts {
		d.Items += c.Created
	}
	series, err := d.Flow.WeeklyFrom(counts, lead, q, now)
	if err != nil {
		return series, rangeError(err)
	}
	return series, nil
}

// rangeError is the 400 for a range the metric engine refuses.
func rangeError(err error) error {
	return InvalidParam("from", err.Error(), "a range that ends on or after it starts")
}

// quadrant is the board's main view.
func (s *Server) quadrant(w http.ResponseWriter, r *http.Request) error {
	b, p, d, series, err := s.quadrantSeries(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Has("apply") {
		// A submitted form: show it under its canonical URL.
		http.Redirect(w, r, withQuery(boardPath(b), Encode(p.Canonical(b))), http.StatusSeeOther)
		return nil
	}
	if p.Format == "json" {
		return writeJSON(w, weeklyJSON(b, d, series))
	}
	m := s.quadrantView(b, p, d, series)
	s.forUser(r, &m.Page, &m.Board)
	return render(w, r, http.StatusOK, views.QuadrantPage(m))
}

func (s *Server) quadrantView(b store.Board, p ViewParams, d *boardData, series flow.WeeklySeries) views.Quadrant {
	canon := Encode(p.Canonical(b))
	path := boardPath(b)
	unit := dayUnit(d)
	qc := quadrantCharts{fb: d.Flow, series: series, tags: d.Tags, notes: d.Notes, hide: p.Hide}
	rs := issueRolling(series)
	m := views.Quadrant{
		Page:       views.Page{Title: b.Name + " · Quadrant", Version: s.Version},
		Board:      s.boardHeader(b, d, "quadrant", canon),
		Controls:   viewControls(b, p),
		Permalink:  withQuery(path, Encode(p.Permalink(b, series.From, series.To))),
		JSONURL:    withQuery(path, Encode(withFormat(p.Canonical(b), "json"))),
		CSVURL:     withQuery(path+"/throughput.csv", canon),
		LeadCSVURL: withQuery(path+"/leadtime.csv", canon),
		RangeText:  fmt.Sprintf("Weeks of %s to %s", series.From, series.To.AddDays(-6)),
		Window:     series.Window,
	}
	delivered, stats := rs.stats(issueCounts)
	items := d.Items
	switch {
	case d.Status.LastOKAt == nil && items == 0:
		m.Empty = "This board has not been synced yet. The first sync is running or queued; this page fills in when it finishes."
	case items == 0:
		m.Empty = "The board's filter matches no issues. Check the board filter and the extra JQL in the board's settings."
	case delivered == 0:
		m.Notices = append(m.Notices, "Nothing was delivered in these weeks: widen the range, or check the work types and the lead-time end column.")
	}
	if last := rs.lastComplete(); last != nil {
		if ww, ok := last.WindowWeeks.Get(); ok && ww < series.Window {
			if ww < 4 {
				m.Notices = append(m.Notices, fmt.Sprintf("The board has only %d complete weeks of history: rolling lines need at least 4.", ww))
			} else {
				m.Notices = append(m.Notices, fmt.Sprintf("Rolling lines use the %d weeks available (the window is %d weeks).", ww, series.Window))
			}
		}
	}
	m.Stats = stats
	m.Charts = []views.ChartBlock{
		{ID: "throughput", Explain: "Bars: items delivered each week (the current week is hatched). Stepped lines: at the 50/80/90% likelihood, the team delivered at least that many items a week over the rolling window; flat lines: the same over the whole range.",
			Chart: qc.throughput().Component(), SVGURL: withQuery(path+"/chart/throughput.svg", canon), Table: rs.throughputTable(issueCounts)},
		{ID: "variation", Explain: "Population standard deviation of weekly throughput divided by its mean, over the rolling window: lower is more predictable.",
			Chart: qc.variation().Component(), SVGURL: withQuery(path+"/chart/variation.svg", canon), Table: rs.variationTable(issueCounts)},
		{ID: "backlog", Explain: "Cumulative items created, delivered, and closed without being delivered (abandoned or straight to done). When created runs away from the other two, the backlog grows.",
			Chart: qc.backlog().Component(), SVGURL: withQuery(path+"/chart/backlog.svg", canon), Table: backlogTable(series)},
		{ID: "leadtime", Explain: "For items delivered in the rolling window: 50/80/90% of them finished within this many days from start to done.",
			Chart: qc.leadTime(unit).Component(), SVGURL: withQuery(path+"/chart/leadtime.svg", canon), Table: rs.leadTable(issueCounts)},
		{ID: "states", Explain: "The same items' mean days in each in-progress column, stacked, so the stack is their mean lead time. The hatched part of each column is the time the items were flagged as blocked (an impediment) while in it; the dashed line is their mean blocked time in all. Hide columns with the checkboxes above.",
			Chart: qc.states(unit).Component(), SVGURL: withQuery(path+"/chart/states.svg", canon), Table: statesTable(series)},
		{ID: "netflow", Explain: "Items started (arrivals) against items delivered (departures) each week: more arrivals than departures means work in progress grows.",
			Chart: qc.netFlow().Component(), SVGURL: withQuery(path+"/chart/netflow.svg", canon), Table: netFlowTable(series)},
	}
	return m
}

func withFormat(q map[string][]string, f string) map[string][]string {
	q["format"] = []string{f}
	return q
}

// days formats a duration in days for people: one decimal.
func days(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64)
}

func optDays(o flow.Opt[float64]) string {
	if v, ok := o.Get(); ok {
		return days(v)
	}
	return "–"
}

func countAt(levels []flow.CountLevel, p int) string {
	for _, l := range levels {
		if l.Percent == p {
			return strconv.Itoa(l.Count)
		}
	}
	return "–"
}

func levelAt(levels []flow.Level, p int) string {
	for _, l := range levels {
		if l.Percent == p {
			return days(l.Value)
		}
	}
	return "–"
}

func weekRow(id string, w flow.Week, cells ...string) views.Row {
	label := weekLabel(w.Monday)
	if w.Partial {
		label += " (so far)"
	}
	row := views.Row{TestID: id + "-" + w.Monday.String(), Cells: []views.Cell{{Text: label}}}
	for i, c := range cells {
		row.Cells = append(row.Cells, views.Cell{Text: c, TestID: fmt.Sprintf("%s-%s-%d", id, w.Monday, i+1)})
	}
	return row
}

func backlogTable(s flow.WeeklySeries) views.Table {
	t := views.Table{Caption: "Backlog growth (cumulative, end of week)", Head: []string{"Week", "Created", "Delivered", "Closed, not delivered"}}
	for _, w := range s.Weeks {
		t.Rows = append(t.Rows, weekRow("bl", w, strconv.Itoa(w.Backlog.Created), strconv.Itoa(w.Backlog.Delivered), strconv.Itoa(w.Backlog.ClosedNotDelivered)))
	}
	return t
}

func statesTable(s flow.WeeklySeries) views.Table {
	t := views.Table{Caption: "Mean days per state (rolling window)", Head: append(append([]string{"Week"}, s.States...), "Outside the window", "Blocked")}
	for _, n := range s.States {
		t.Head = append(t.Head, "Blocked in "+n)
	}
	t.Head = append(t.Head, "Blocked outside the window")
	for _, w := range s.Weeks {
		var cells []string
		st, ok := w.ByState.Get()
		for i := range s.States {
			if ok && w.LeadItems > 0 {
				cells = append(cells, days(st.InState[i]))
			} else {
				cells = append(cells, "–")
			}
		}
		if ok && w.LeadItems > 0 {
			cells = append(cells, days(st.Outside))
		} else {
			cells = append(cells, "–")
		}
		cells = append(cells, optDays(w.Blocked))
		known := ok && w.LeadItems > 0 && len(st.Blocked) == len(s.States)
		for i := range s.States {
			if known {
				cells = append(cells, days(st.Blocked[i]))
			} else {
				cells = append(cells, "–")
			}
		}
		if known {
			cells = append(cells, days(st.BlockedOutside))
		} else {
			cells = append(cells, "–")
		}
		t.Rows = append(t.Rows, weekRow("st", w, cells...))
	}
	return t
}

func netFlowTable(s flow.WeeklySeries) views.Table {
	t := views.Table{Caption: "Net flow per week", Head: []string{"Week", "Started", "Delivered", "Net"}}
	for _, w := range s.Weeks {
		t.Rows = append(t.Rows, weekRow("nf", w, strconv.Itoa(w.Started), strconv.Itoa(w.Throughput), strconv.Itoa(w.Started-w.Throughput)))
	}
	return t
}

// viewControls fills the view's form.
func viewControls(b store.Board, p ViewParams) views.Controls {
	c := views.Controls{Days: cmpOrStr(p.Days, b.DayMode), Backlog: cmpOrStr(p.Backlog, "relative"), Tags: p.Tags, Notes: p.Notes,
		Window: b.RollingWeeks, Weeks: DefaultWeeks}
	if p.Window != 0 {
		c.Window = p.Window
	}
	if p.Weeks != 0 {
		c.Weeks = p.Weeks
	}
	if !p.From.IsZero() {
		c.From, c.Weeks = p.From.String(), 0
	}
	if !p.To.IsZero() {
		c.To = p.To.String()
	}
	for _, wt := range b.WorkTypes {
		c.Types = append(c.Types, views.Option{Value: wt.Name, Label: wt.Name, Selected: len(p.Types) == 0 || slices.Contains(p.Types, wt.Name)})
	}
	s, e := p.window(b)
	for i, st := range b.States {
		c.Starts = append(c.Starts, views.Option{Value: st.Name, Label: st.Name, Selected: i == s})
		c.Ends = append(c.Ends, views.Option{Value: st.Name, Label: st.Name, Selected: i == e})
		if i >= s && i < e {
			c.Hide = append(c.Hide, views.Option{Value: st.Name, Label: st.Name, Selected: slices.Contains(p.Hide, st.Name)})
		}
	}
	c.Hide = append(c.Hide, views.Option{Value: "outside", Label: "Outside the window", Selected: slices.Contains(p.Hide, "outside")})
	return c
}

func cmpOrStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// boardHeader is the strip above every board view.
func (s *Server) boardHeader(b store.Board, d *boardData, active, canon string) views.BoardHeader {
	h := views.BoardHeader{TeamName: teamName(d), TeamPath: "/teams/" + b.TeamSlug, BoardName: b.Name, Active: active,
		Tabs: []views.Tab{
			{ID: "quadrant", Label: "Quadrant", URL: withQuery(boardPath(b), canon)},
			{ID: "prs", Label: "Pull requests", URL: withQuery(boardPath(b)+"/prs", rangeOnly(canon))},
			{ID: "quarterly", Label: "Quarterly", URL: withQuery(boardPath(b)+"/quarterly", keepParams(canon, sharedParams))},
			{ID: "flow", Label: "Flow", URL: flowSpec.tabURL(b, canon)},
			{ID: "aging", Label: "Aging WIP", URL: agingSpec.tabURL(b, canon)},
			{ID: "blocked", Label: "Impediments", URL: blockedSpec.tabURL(b, canon)},
			{ID: "forecast", Label: "Forecast", URL: forecastSpec.tabURL(b, canon)},
			{ID: "quality", Label: "Data quality", URL: qualitySpec.tabURL(b, canon)},
			{ID: "compare", Label: "Compare", URL: compareSpec.tabURL(b, canon)},
			{ID: "annotations", Label: "Annotations", URL: boardPath(b) + "/annotations"},
			{ID: "settings", Label: "Settings", URL: boardPath(b) + "/settings"},
		}}
	row := s.boardRow(d.Status, nil)
	h.DataAsOf, h.Syncing, h.Error, h.Advice = row.DataAsOf, row.Syncing, row.Error, row.Advice
	if s.Jobs != nil {
		h.RefreshURL = boardPath(b) + "/refresh"
		h.Back = withQuery(boardPath(b), canon)
		if active != "quadrant" {
			h.Back = withQuery(boardPath(b)+"/"+active, canon)
		}
	}
	return h
}

func teamName(d *boardData) string {
	if d.Status.TeamName != "" {
		return d.Status.TeamName
	}
	return d.Board.TeamSlug
}

func writeJSON(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// weeklyJSONOut is the quadrant's ?format=json shape (documented in the README).
type weeklyJSONOut struct {
	Board     string            `json:"board"`
	Team      string            `json:"team"`
	From      string            `json:"from"`
	To        string            `json:"to"`
	Window    int               `json:"window_weeks"`
	DayMode   string            `json:"day_mode"`
	Start     string            `json:"start_state"`
	End       string            `json:"end_state"`
	Flat      map[string]int    `json:"flat_likelihood"`
	FlatWeeks int               `json:"flat_weeks"`
	Weeks     []weekJSON        `json:"weeks"`
	States    []string          `json:"states"`
	Extra     map[string]any    `json:"-"`
	Units     map[string]string `json:"units"`
}

type weekJSON struct {
	Week        string             `json:"week"`
	Partial     bool               `json:"partial"`
	Throughput  int                `json:"throughput"`
	Started     int                `json:"started"`
	Likelihood  map[string]int     `json:"likelihood,omitempty"`
	Variation   *float64           `json:"variation"`
	WindowWeeks *int               `json:"window_weeks"`
	Created     int                `json:"backlog_created"`
	Delivered   int                `json:"backlog_delivered"`
	Closed      int                `json:"backlog_closed_not_delivered"`
	LeadTime    map[string]float64 `json:"lead_time,omitempty"`
	LeadItems   int                `json:"lead_items"`
	ByState     map[string]float64 `json:"mean_days_by_state,omitempty"`
	Blocked     *float64           `json:"mean_blocked_days"`
	// BlockedByState splits Blocked by the state the items were in while
	// flagged ("outside": outside the window); they add up to Blocked.
	BlockedByState map[string]float64 `json:"mean_blocked_days_by_state,omitempty"`
}

func weeklyJSON(b store.Board, d *boardData, s flow.WeeklySeries) weeklyJSONOut {
	out := weeklyJSONOut{Board: b.Name, Team: d.Status.TeamName, From: s.From.String(), To: s.To.String(), Window: s.Window,
		DayMode: d.Board.DayMode, Start: d.Board.States[d.Board.LeadStart].Name, End: d.Board.States[d.Board.LeadEnd].Name,
		FlatWeeks: s.FlatWeeks, States: s.States, Units: map[string]string{"lead_time": "days", "mean_days_by_state": "days", "mean_blocked_days_by_state": "days"},
		Flat: likelihoodJSON(s.Flat)}
	for _, w := range s.Weeks {
		wj := weekJSON{Week: w.Monday.String(), Partial: w.Partial, Throughput: w.Throughput, Started: w.Started,
			Variation: w.Variation.Ptr(), WindowWeeks: w.WindowWeeks.Ptr(), Created: w.Backlog.Created,
			Delivered: w.Backlog.Delivered, Closed: w.Backlog.ClosedNotDelivered, LeadItems: w.LeadItems, Blocked: w.Blocked.Ptr()}
		wj.Likelihood, wj.LeadTime = likelihoodJSON(w.Likelihood), leadJSON(w.LeadTime)
		if st, ok := w.ByState.Get(); ok && w.LeadItems > 0 {
			wj.ByState = map[string]float64{"outside": round4(st.Outside)}
			for i, n := range s.States {
				wj.ByState[n] = round4(st.InState[i])
			}
			if len(st.Blocked) == len(s.States) {
				wj.BlockedByState = map[string]float64{"outside": round4(st.BlockedOutside)}
				for i, n := range s.States {
					wj.BlockedByState[n] = round4(st.Blocked[i])
				}
			}
		}
		out.Weeks = append(out.Weeks, wj)
	}
	return out
}

func round4(v float64) float64 { return math.Round(v*10000) / 10000 }

// chartSVG serves one quadrant chart as a standalone .svg file.
func (s *Server) chartSVG(w http.ResponseWriter, r *http.Request) error {
	b, p, d, series, err := s.quadrantSeries(r)
	if err != nil {
		return err
	}
	unit := dayUnit(d)
	qc := quadrantCharts{fb: d.Flow, series: series, tags: d.Tags, notes: d.Notes, hide: p.Hide}
	var c *chart.Chart
	switch name := strings.TrimSuffix(chiParam(r, "chart"), ".svg"); name {
	case "throughput":
		c = qc.throughput()
	case "variation":
		c = qc.variation()
	case "backlog":
		c = qc.backlog()
	case "leadtime":
		c = qc.leadTime(unit)
	case "states":
		c = qc.states(unit)
	case "netflow":
		c = qc.netFlow()
	default:
		return NotFound("There is no chart " + name + " on this board: throughput, variation, backlog, leadtime, states or netflow.")
	}
	return writeSVG(w, c, svgName(b, c.ID, series.To))
}

// writeSVG serves a chart as a standalone .svg download.
func writeSVG(w http.ResponseWriter, c *chart.Chart, disposition string) error {
	c.Class = ""
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Content-Disposition", disposition)
	return c.Standalone(w)
}

func chiParam(r *http.Request, name string) string { return chi.URLParam(r, name) }

// rangeOnly keeps the parameters every board view shares (range, day mode,
// window, tags), so switching views keeps the range.
func rangeOnly(canon string) string {
	q, _ := url.ParseQuery(canon)
	out := url.Values{}
	for _, k := range []string{"weeks", "from", "to", "days", "window", "tags", "notes"} {
		if v, ok := q[k]; ok {
			out[k] = v
		}
	}
	return Encode(out)
}
