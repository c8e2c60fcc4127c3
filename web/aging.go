package web

import (
	"errors"
	"fmt"
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

// agingItem is one in-progress item with what the page shows of it.
type agingItem struct {
	flow.AgingItem
	Summary string
	Blocked float64
	Flagged bool // blocked now
	Past90  bool
}

type agingData struct {
	b     store.Board
	p     ViewParams
	d     *boardData
	aging flow.AgingWIP
	items []agingItem
	p90   flow.Opt[float64]
}

func (s *Server) agingData(r *http.Request) (*agingData, error) {
	b, err := s.boardFromURL(r)
	if err != nil {
		return nil, err
	}
	p, err := agingSpec.parse(r.URL.Query(), b)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var d *boardData
	var aw flow.AgingWIP
	var flags map[int64][]store.JiraFlagChange
	if !p.Overrides(b) {
		d, aw, flags, err = s.agingFromCounts(r, b, p, now)
	}
	if p.Overrides(b) || errors.Is(err, store.ErrNoCounts) {
		if d, err = s.loadBoardData(r.Context(), b, p); err != nil {
			return nil, err
		}
		if aw, err = d.Flow.AgingWIP(d.Facts, p.Types, now); err != nil {
			return nil, InvalidParam("type", err.Error(), strings.Join(workTypeNames(b), ", "))
		}
		if flags, err = s.pages().BoardFlags(r.Context(), b.ID); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	ad := &agingData{b: b, p: p, d: d, aging: aw}
	for _, l := range aw.Lines {
		if l.Percent == 90 {
			ad.p90 = flow.Some(l.Value)
		}
	}
	byID := map[string]*flow.IssueFacts{}
	for i := range d.Facts {
		byID[d.Facts[i].ID] = &d.Facts[i]
	}
	for _, it := range aw.Items {
		ai := agingItem{AgingItem: it}
		if row := d.Byid[it.ID]; row != nil {
			ai.Summary = row.Summary
			if f := byID[it.ID]; f != nil {
				ai.Blocked, ai.Flagged, _ = d.Flow.BlockedDays(flow.BlockTrackOf(f, flagsOf(flags[row.IssueID])), now)
			}
		}
		ai.Past90 = ad.p90.OK && it.Age > ad.p90.V
		ad.items = append(ad.items, ai)
	}
	return ad, nil
}

// agingFromCounts computes the view from the board's stored aggregates:
// the facts of its work in progress, its weekly counts and the delivered
// facts of the lead-time lines' window (flow.AgingWIPFrom, equal to
// AgingWIP over every fact), and the flags of the items shown only.
// store.ErrNoCounts: the board's aggregates predate this binary.
func (s *Server) agingFromCounts(r *http.Request, b store.Board, p ViewParams, now time.Time) (*boardData, flow.AgingWIP, map[int64][]store.JiraFlagChange, error) {
	ctx := r.Context()
	d, err := s.loadBoardMeta(ctx, b, p)
	if err != nil {
		return nil, flow.AgingWIP{}, nil, err
	}
	lo, hi, err := d.Flow.AgingSpan(now)
	if err != nil {
		return nil, flow.AgingWIP{}, nil, err
	}
	start, end := d.Flow.Window()
	counts, rows, leadRows, err := s.pages().AgingFacts(ctx, b.ID, start, end, lo, hi)
	if err != nil {
		return nil, flow.AgingWIP{}, nil, err
	}
	wc := flowmap.FromCounts(counts)
	for _, c := range wc {
		d.Items += c.Created
	}
	d.Byid = make(map[string]*factRow, len(rows))
	d.Facts = make([]flow.IssueFacts, len(rows))
	ids := make([]int64, len(rows))
	for i := range rows {
		d.Facts[i] = flowmap.FromFact(rows[i])
		d.Byid[d.Facts[i].ID] = &factRow{IssueID: rows[i].IssueID, Summary: rows[i].Summary}
		ids[i] = rows[i].IssueID
	}
	lead := make([]flow.IssueFacts, len(leadRows))
	for i := range leadRows {
		lead[i] = flowmap.FromLeadFact(&leadRows[i])
	}
	aw, err := d.Flow.AgingWIPFrom(d.Facts, wc, lead, p.Types, now)
	if err != nil {
		return nil, flow.AgingWIP{}, nil, InvalidParam("type", err.Error(), strings.Join(workTypeNames(b), ", "))
	}
	flags, err := s.pages().IssueFlags(ctx, ids)
	return d, aw, flags, err
}

func flagsOf(fs []store.JiraFlagChange) []flow.FlagChange {
	out := make([]flow.FlagChange, len(fs))
	for i, f := range fs {
		out[i] = flow.FlagChange{At: f.At, Flagged: f.Flagged}
	}
	return out
}

// agingPage shows each in-progress item by column and age against the
// lead-time lines, and the list beside it, oldest first.
func (s *Server) agingPage(w http.ResponseWriter, r *http.Request) error {
	ad, err := s.agingData(r)
	if err != nil {
		return err
	}
	canon := agingSpec.canonical(ad.p, ad.b, nil)
	if agingSpec.redirect(w, r, ad.b, canon) {
		return nil
	}
	if ad.p.Format == "json" {
		return writeJSON(w, s.agingJSON(ad))
	}
	m := s.agingView(ad, canon)
	s.forUser(r, &m.Page, &m.Board)
	return render(w, r, http.StatusOK, views.BoardViewPage(m))
}

func (s *Server) agingView(ad *agingData, canon url.Values) views.BoardView {
	b, p, d := ad.b, ad.p, ad.d
	path := boardPath(b) + agingSpec.path
	q := Encode(canon)
	m := views.BoardView{
		Page:  views.Page{Title: b.Name + " · Aging WIP", Version: s.Version},
		Board: s.boardHeader(b, d, agingSpec.tab, headerQuery(canon)),
		Form:  flowControls(b, p, agingSpec),
		Empty: emptyBoard(d),
		Intro: "Every item in progress by its column and its age (days since it started), against how long items took to finish lately. An item above the 90% line is already older than 9 in 10 recently finished items: look at it first.",
		Links: viewLinks(withQuery(path, Encode(agingSpec.permalink(p, b, flow.Date{}, flow.Date{}, nil))),
			withQuery(path, Encode(withFormat(agingSpec.canonical(p, b, nil), "json"))),
			views.Link{Label: "Aging WIP CSV", URL: withQuery(boardPath(b)+"/aging.csv", q), TestID: "csv-aging", Download: true}),
	}
	m.Form.WindowLabel = "lead-time lines over"
	past, oldest := 0, "–"
	for _, it := range ad.items {
		if it.Past90 {
			past++
		}
	}
	if len(ad.items) > 0 {
		oldest = days(ad.items[0].Age)
	}
	m.Stats = []views.Stat{
		{Label: "In progress", Value: strconv.Itoa(len(ad.items)), TestID: "stat-wip"},
		{Label: "Oldest (" + strings.ToLower(dayUnit(d)) + ")", Value: oldest, TestID: "stat-oldest"},
		{Label: "Past the 90% line", Value: strconv.Itoa(past), TestID: "stat-past-90"},
	}
	for _, l := range ad.aging.Lines {
		m.Stats = append(m.Stats, views.Stat{Label: fmt.Sprintf("%d%% finished within", l.Percent), Value: days(l.Value), TestID: fmt.Sprintf("stat-line-%d", l.Percent)})
	}
	if ad.aging.Lines == nil {
		m.Notices = append(m.Notices, "No lead-time lines: fewer than 4 complete weeks of history, or nothing delivered in the window.")
	} else {
		m.RangeText = fmt.Sprintf("Lines: lead times of items delivered in the %d weeks up to the week of %s · %s", d.Flow.RollingWeeks(), ad.aging.LinesWeek, typesText(p, b))
	}
	m.Charts = []views.ChartBlock{{ID: "aging", Explain: "Hover a dot for the item, its age and blocked time; click it to open the item in JIRA. Items older than the 90% line are vermillion dots.",
		Chart: s.agingChart(ad).Component(), SVGURL: withQuery(path+"/chart/aging.svg", q)}}
	list := views.ListTable{ID: "aging", Caption: "Work in progress, oldest first", EmptyText: "Nothing is in progress.",
		Head: []string{"Item", "Summary", "Column", "Started", "Age", "Blocked"}}
	loc := d.Flow.Location()
	for _, it := range ad.items {
		row := views.ListRow{TestID: "aging-" + it.Key, Cells: []views.ListCell{
			{Text: it.Key, URL: s.issueURL(it.Key), TestID: "aging-" + it.Key + "-key"},
			{Text: it.Summary},
			{Text: it.State, TestID: "aging-" + it.Key + "-state"},
			{Text: it.Started.In(loc).Format("2 Jan 2006")},
			{Text: days(it.Age), TestID: "aging-" + it.Key + "-age", Class: "num"},
			{Text: blockedText(it.Blocked, it.Flagged), TestID: "aging-" + it.Key + "-blocked", Class: "num"},
		}}
		if it.Past90 {
			row.Class = "past-90"
		}
		list.Rows = append(list.Rows, row)
	}
	m.Beside = &list
	return m
}

func blockedText(v float64, now bool) string {
	if v == 0 && !now {
		return "–"
	}
	s := days(v)
	if now {
		s += " (blocked now)"
	}
	return s
}

// agingChart: x = the item's column (in-progress columns only), y = age.
// Dots in a column are spread sideways so they do not hide each other.
func (s *Server) agingChart(ad *agingData) *chart.Chart {
	st, en := ad.d.Flow.Window()
	names := ad.d.Flow.States()[st:en]
	perCol := map[int]int{}
	for _, it := range ad.items {
		perCol[it.Position]++
	}
	seen := map[int]int{}
	var normal, past []chart.Datum
	loc := ad.d.Flow.Location()
	for _, it := range ad.items {
		n, k := perCol[it.Position], seen[it.Position]
		seen[it.Position]++
		x := float64(it.Position - st)
		if n > 1 {
			x += (float64(k)/float64(n-1) - 0.5) * 0.6
		}
		title := fmt.Sprintf("%s: %s\n%s for %s days (started %s)", it.Key, it.Summary, it.State, days(it.Age), it.Started.In(loc).Format("2 Jan 2006"))
		if it.Blocked > 0 || it.Flagged {
			title += "\nBlocked: " + blockedText(it.Blocked, it.Flagged) + " days"
		}
		dt := chart.Datum{X: x, Y: it.Age, Label: it.Key, Title: title, Href: s.issueURL(it.Key)}
		if it.Past90 {
			past = append(past, dt)
		} else {
			normal = append(normal, dt)
		}
	}
	layers := []chart.Layer{
		&chart.Scatter{ID: "items", Name: "In progress", Style: chart.Style{Color: chart.Blue}, Data: normal, Radius: 5},
	}
	if len(past) > 0 {
		layers = append(layers, &chart.Scatter{ID: "past90", Name: "Older than the 90% line", Style: chart.Style{Color: chart.Vermillion}, Data: past, Radius: 5})
	}
	for _, l := range ad.aging.Lines {
		layers = append(layers, &chart.HLine{ID: fmt.Sprintf("p%d", l.Percent), Name: fmt.Sprintf("%d%% finished within", l.Percent),
			Y: l.Value, Label: fmt.Sprintf("%d%%: %s d", l.Percent, days(l.Value)), Style: chart.Likelihood(l.Percent), Halo: true})
	}
	return &chart.Chart{ID: "aging", Title: "Aging work in progress: age by column", YLabel: "Age (" + strings.ToLower(dayUnit(ad.d)) + ")",
		X: chart.Band{Labels: slices.Clone(names), Key: "column"}, Y: chart.Linear{Unit: "days"}, Layers: layers, Class: "chart-fluid", Height: 360}
}

// agingCSV streams the in-progress items, oldest first.
func (s *Server) agingCSV(w http.ResponseWriter, r *http.Request) error {
	ad, err := s.agingData(r)
	if err != nil {
		return err
	}
	c := newCSV(w, fmt.Sprintf("%s-aging-%s.csv", ad.b.Slug, ad.d.Flow.Today(s.now())))
	if err := c.Write("key", "summary", "type", "column", "started", "in_column_since", "age_days", "blocked_days", "blocked_now", "past_90", "url"); err != nil {
		return err
	}
	loc := ad.d.Flow.Location()
	for _, it := range ad.items {
		if err := c.Write(it.Key, it.Summary, it.Type, it.State, it.Started.In(loc).Format(time.RFC3339), it.Since.In(loc).Format(time.RFC3339),
			fnum(it.Age), fnum(it.Blocked), strconv.FormatBool(it.Flagged), strconv.FormatBool(it.Past90), s.issueURL(it.Key)); err != nil {
			return err
		}
	}
	return c.Close()
}

type agingItemJSON struct {
	Key       string  `json:"key"`
	Summary   string  `json:"summary"`
	Type      string  `json:"type"`
	Column    string  `json:"column"`
	Started   string  `json:"started"`
	Age       float64 `json:"age_days"`
	Blocked   float64 `json:"blocked_days"`
	BlockedOn bool    `json:"blocked_now"`
	Past90    bool    `json:"past_90"`
	URL       string  `json:"url,omitempty"`
}

func (s *Server) agingJSON(ad *agingData) map[string]any {
	lines := map[string]float64{}
	for _, l := range ad.aging.Lines {
		lines[strconv.Itoa(l.Percent)] = round4(l.Value)
	}
	items := []agingItemJSON{}
	loc := ad.d.Flow.Location()
	for _, it := range ad.items {
		items = append(items, agingItemJSON{Key: it.Key, Summary: it.Summary, Type: it.Type, Column: it.State, Started: it.Started.In(loc).Format(time.RFC3339),
			Age: round4(it.Age), Blocked: round4(it.Blocked), BlockedOn: it.Flagged, Past90: it.Past90, URL: s.issueURL(it.Key)})
	}
	return map[string]any{"board": ad.b.Name, "day_mode": ad.d.Board.DayMode, "lines_week": ad.aging.LinesWeek.String(), "lead_time_lines": lines, "items": items}
}

func (s *Server) agingSVG(w http.ResponseWriter, r *http.Request) error {
	ad, err := s.agingData(r)
	if err != nil {
		return err
	}
	if name := strings.TrimSuffix(chi.URLParam(r, "chart"), ".svg"); name != "aging" {
		return NotFound("There is no chart " + name + " in the aging view: aging.")
	}
	c := s.agingChart(ad)
	return writeSVG(w, c, svgName(ad.b, c.ID, ad.d.Flow.Today(s.now())))
}
