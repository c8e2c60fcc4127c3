package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
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

type blockedData struct {
	b   store.Board
	p   ViewParams
	d   *boardData
	imp flow.Impediments
}

func (s *Server) blockedData(r *http.Request) (*blockedData, error) {
	b, err := s.boardFromURL(r)
	if err != nil {
		return nil, err
	}
	p, err := blockedSpec.parse(r.URL.Query(), b)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !p.Overrides(b) {
		bd, err := s.blockedFromSpan(r, b, p, now)
		if !errors.Is(err, store.ErrNoCounts) {
			return bd, err
		}
	}
	// Overrides change when items start and finish: every fact, replayed.
	d, err := s.loadBoardData(r.Context(), b, p)
	if err != nil {
		return nil, err
	}
	flags, err := s.pages().BoardFlags(r.Context(), b.ID)
	if err != nil {
		return nil, err
	}
	tracks := make([]flow.BlockTrack, 0, len(flags))
	for i := range d.Facts {
		f := &d.Facts[i]
		row := d.Byid[f.ID]
		if row == nil || len(flags[row.IssueID]) == 0 {
			continue
		}
		tracks = append(tracks, flow.BlockTrackOf(f, flagsOf(flags[row.IssueID])))
	}
	return blockedOf(b, p, d, tracks, now)
}

// blockedFromSpan computes the view from the facts and flags of the issues
// that can add to it only (flow.ImpedimentsSpan: flagged, started, and in
// progress or done within the weeks shown), not every fact of the board.
// store.ErrNoCounts: the board's aggregates predate this binary.
func (s *Server) blockedFromSpan(r *http.Request, b store.Board, p ViewParams, now time.Time) (*blockedData, error) {
	ctx := r.Context()
	d, err := s.loadBoardMeta(ctx, b, p)
	if err != nil {
		return nil, err
	}
	from, to := p.Range(d.Flow, now)
	lo, hi, err := d.Flow.ImpedimentsSpan(flow.WeeklyQuery{From: from, To: to}, now)
	if err != nil {
		return nil, rangeError(err)
	}
	counts, rows, flags, err := s.pages().BlockedFacts(ctx, b.ID, lo, hi)
	if err != nil {
		return nil, err
	}
	d.addCounts(counts)
	d.Byid = make(map[string]*factRow, len(rows))
	tracks := make([]flow.BlockTrack, len(rows))
	for i := range rows {
		f := flowmap.FromFact(rows[i])
		d.Byid[f.ID] = &factRow{IssueID: rows[i].IssueID, Summary: rows[i].Summary}
		tracks[i] = flow.BlockTrackOf(&f, flagsOf(flags[rows[i].IssueID]))
	}
	return blockedOf(b, p, d, tracks, now)
}

func blockedOf(b store.Board, p ViewParams, d *boardData, tracks []flow.BlockTrack, now time.Time) (*blockedData, error) {
	from, to := p.Range(d.Flow, now)
	imp, err := d.Flow.Impediments(tracks, flow.WeeklyQuery{From: from, To: to, WorkTypes: p.Types}, now)
	if err != nil {
		return nil, rangeError(err)
	}
	return &blockedData{b: b, p: p, d: d, imp: imp}, nil
}

// blockedPage is the impediments view: items blocked and blocked days per
// week, from JIRA's Flagged field, and the items blocked now.
func (s *Server) blockedPage(w http.ResponseWriter, r *http.Request) error {
	bd, err := s.blockedData(r)
	if err != nil {
		return err
	}
	canon := blockedSpec.canonical(bd.p, bd.b, nil)
	if blockedSpec.redirect(w, r, bd.b, canon) {
		return nil
	}
	if bd.p.Format == "json" {
		return writeJSON(w, s.blockedJSON(bd))
	}
	m := s.blockedView(bd, canon)
	s.forUser(r, &m.Page, &m.Board)
	return render(w, r, http.StatusOK, views.BoardViewPage(m))
}

func (s *Server) blockedView(bd *blockedData, canon url.Values) views.BoardView {
	b, p, d, imp := bd.b, bd.p, bd.d, bd.imp
	path := boardPath(b) + blockedSpec.path
	q := Encode(canon)
	m := views.BoardView{
		Page:  views.Page{Title: b.Name + " · Impediments", Version: s.Version},
		Board: s.boardHeader(b, d, blockedSpec.tab, headerQuery(canon)),
		Form:  flowControls(b, p, blockedSpec),
		Empty: emptyBoard(d),
		Intro: "Impediments are JIRA's Flagged field. Blocked time counts only while an item is in progress (from its start until it is done), in the board's day mode.",
		Links: viewLinks(withQuery(path, Encode(blockedSpec.permalink(p, b, imp.From, imp.To, nil))),
			withQuery(path, Encode(withFormat(blockedSpec.canonical(p, b, nil), "json"))),
			views.Link{Label: "Weekly impediments CSV", URL: withQuery(boardPath(b)+"/blocked.csv", q), TestID: "csv-blocked", Download: true},
			views.Link{Label: "Lead-time CSV (blocked days per item)", URL: withQuery(boardPath(b)+"/leadtime.csv", q), TestID: "csv-leadtime", Download: true}),
		RangeText: fmt.Sprintf("Weeks of %s to %s · %s", imp.From, imp.To.AddDays(-6), typesText(p, b)),
	}
	blockedDays, weeks := 0.0, 0
	for _, w := range imp.Weeks {
		if !w.Partial {
			blockedDays += w.Days
			if w.Items > 0 {
				weeks++
			}
		}
	}
	m.Stats = []views.Stat{
		{Label: "Blocked now", Value: strconv.Itoa(len(imp.Now)), TestID: "stat-blocked-now"},
		{Label: "Blocked days in complete weeks", Value: days(blockedDays), TestID: "stat-blocked-days"},
		{Label: "Complete weeks with an impediment", Value: strconv.Itoa(weeks), TestID: "stat-blocked-weeks"},
	}
	bc := blockedCharts{fb: d.Flow, imp: imp, tags: d.Tags, notes: d.Notes, unit: dayUnit(d)}
	svg := func(name string) string { return withQuery(path+"/chart/"+name+".svg", q) }
	table := impedimentTable(imp)
	m.Charts = []views.ChartBlock{
		{ID: "blockeditems", Explain: "Items that were flagged for some time in the week while in progress.", Chart: bc.items().Component(), SVGURL: svg("blockeditems"), Table: table},
		{ID: "blockeddays", Explain: "Blocked time within each week, added up over the items; an item blocked all week adds " + weekDays(d) + ".", Chart: bc.days().Component(), SVGURL: svg("blockeddays")},
	}
	now := views.ListTable{ID: "blocked-now", Caption: "Blocked now", EmptyText: "No item in progress is flagged.",
		Head: []string{"Item", "Summary", "Type", "Flagged since", "Blocked so far"}}
	loc := d.Flow.Location()
	for _, it := range imp.Now {
		summary := ""
		if row := d.Byid[it.ID]; row != nil {
			summary = row.Summary
		}
		now.Rows = append(now.Rows, views.ListRow{TestID: "blocked-" + it.Key, Cells: []views.ListCell{
			{Text: it.Key, URL: s.issueURL(it.Key)}, {Text: summary}, {Text: it.Type},
			{Text: it.Since.In(loc).Format("2 Jan 2006 15:04")}, {Text: days(it.Days) + " days", TestID: "blocked-" + it.Key + "-days"}}})
	}
	m.Tables = []views.ListTable{now}
	return m
}

func weekDays(d *boardData) string {
	if d.Board.DayMode == "calendar" {
		return "7 calendar days"
	}
	return "5 working days"
}

func impedimentTable(imp flow.Impediments) views.Table {
	t := views.Table{Caption: "Impediments per week", Head: []string{"Week", "Items blocked", "Blocked days"}}
	for _, w := range imp.Weeks {
		label := weekLabel(w.Monday)
		if w.Partial {
			label += " (so far)"
		}
		id := "imp-" + w.Monday.String()
		t.Rows = append(t.Rows, views.Row{TestID: id, Cells: []views.Cell{{Text: label},
			{Text: strconv.Itoa(w.Items), TestID: id + "-1"}, {Text: days(w.Days), TestID: id + "-2"}}})
	}
	return t
}

type blockedCharts struct {
	fb    *flow.Board
	imp   flow.Impediments
	tags  []flow.Tag
	notes []store.Annotation
	unit  string
}

func (c blockedCharts) qc() quadrantCharts {
	return quadrantCharts{fb: c.fb, series: flow.WeeklySeries{From: c.imp.From, To: c.imp.To}, tags: c.tags, notes: c.notes}
}

func (c blockedCharts) items() *chart.Chart {
	var data []chart.Datum
	for _, w := range c.imp.Weeks {
		data = append(data, chart.Datum{X: chart.T(w.Monday.Start(c.fb.Location())), Y: float64(w.Items), Partial: w.Partial})
	}
	layers := []chart.Layer{&chart.Bars{ID: "items", PartialLabel: "This week (so far)", Series: []chart.Series{{Name: "Items blocked", Style: chart.Style{Color: chart.Vermillion}, Data: data}}}}
	return &chart.Chart{Width: gridChartWidth, ID: "blockeditems", Title: "Items blocked per week", YLabel: "Items", Height: 240,
		X: c.qc().xScale(), Y: chart.Linear{Integer: true, Unit: "items"}, Layers: withMarkers(layers, c.qc().markers()), Class: "chart-fluid"}
}

func (c blockedCharts) days() *chart.Chart {
	var data []chart.Datum
	for _, w := range c.imp.Weeks {
		data = append(data, chart.Datum{X: chart.T(w.Monday.Start(c.fb.Location())), Y: w.Days, Partial: w.Partial})
	}
	layers := []chart.Layer{&chart.Bars{ID: "days", PartialLabel: "This week (so far)", Series: []chart.Series{{Name: "Blocked days", Style: chart.Style{Color: chart.Orange}, Data: data}}}}
	return &chart.Chart{Width: gridChartWidth, ID: "blockeddays", Title: "Blocked days per week", YLabel: c.unit, Height: 240,
		X: c.qc().xScale(), Y: chart.Linear{Unit: "days"}, Layers: withMarkers(layers, c.qc().markers()), Class: "chart-fluid"}
}

// blockedCSV streams the weekly impediments.
func (s *Server) blockedCSV(w http.ResponseWriter, r *http.Request) error {
	bd, err := s.blockedData(r)
	if err != nil {
		return err
	}
	c := newCSV(w, fmt.Sprintf("%s-impediments-%s.csv", bd.b.Slug, bd.imp.To))
	if err := c.Write("week", "partial", "items_blocked", "blocked_days"); err != nil {
		return err
	}
	for _, wk := range bd.imp.Weeks {
		if err := c.Write(wk.Monday.String(), strconv.FormatBool(wk.Partial), strconv.Itoa(wk.Items), fnum(wk.Days)); err != nil {
			return err
		}
	}
	return c.Close()
}

func (s *Server) blockedJSON(bd *blockedData) map[string]any {
	type week struct {
		Week    string  `json:"week"`
		Partial bool    `json:"partial"`
		Items   int     `json:"items_blocked"`
		Days    float64 `json:"blocked_days"`
	}
	type now struct {
		Key   string  `json:"key"`
		Since string  `json:"flagged_since"`
		Days  float64 `json:"blocked_days"`
	}
	weeks, blocked := []week{}, []now{}
	for _, w := range bd.imp.Weeks {
		weeks = append(weeks, week{w.Monday.String(), w.Partial, w.Items, round4(w.Days)})
	}
	for _, it := range bd.imp.Now {
		blocked = append(blocked, now{it.Key, it.Since.In(bd.d.Flow.Location()).Format("2006-01-02T15:04:05Z07:00"), round4(it.Days)})
	}
	return map[string]any{"board": bd.b.Name, "day_mode": bd.d.Board.DayMode, "from": bd.imp.From.String(), "to": bd.imp.To.String(), "weeks": weeks, "blocked_now": blocked}
}

func (s *Server) blockedSVG(w http.ResponseWriter, r *http.Request) error {
	bd, err := s.blockedData(r)
	if err != nil {
		return err
	}
	bc := blockedCharts{fb: bd.d.Flow, imp: bd.imp, tags: bd.d.Tags, notes: bd.d.Notes, unit: dayUnit(bd.d)}
	var c *chart.Chart
	switch name := strings.TrimSuffix(chi.URLParam(r, "chart"), ".svg"); name {
	case "blockeditems":
		c = bc.items()
	case "blockeddays":
		c = bc.days()
	default:
		return NotFound("There is no chart " + name + " in the impediments view: blockeditems or blockeddays.")
	}
	return writeSVG(w, c, svgName(bd.b, c.ID, bd.imp.To))
}
