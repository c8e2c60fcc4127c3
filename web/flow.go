package web

import (
	"errors"
	"fmt"
	"net/http"
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

// flowData is the flow view's numbers: the daily CFD and WIP, and the
// weekly arrivals and departures.
type flowData struct {
	b      store.Board
	p      ViewParams
	d      *boardData
	cfd    flow.CFD
	weekly flow.WeeklySeries
}

func (s *Server) flowData(r *http.Request) (*flowData, error) {
	b, err := s.boardFromURL(r)
	if err != nil {
		return nil, err
	}
	p, err := flowSpec.parse(r.URL.Query(), b)
	if err != nil {
		return nil, err
	}
	if !p.Overrides(b) {
		fd, err := s.flowFromCounts(r, b, p)
		if !errors.Is(err, store.ErrNoCounts) {
			return fd, err
		}
	}
	d, err := s.loadBoardDataWith(r.Context(), b, p, true)
	if err != nil {
		return nil, err
	}
	now := s.now()
	from, to := p.Range(d.Flow, now)
	tracks, err := boardTracks(d)
	if err != nil {
		return nil, err
	}
	cfd, err := d.Flow.CFD(tracks, flow.CFDQuery{From: from, To: to, WorkTypes: p.Types}, now)
	if err != nil {
		return nil, rangeError(err)
	}
	weekly, err := d.Flow.Weekly(d.Facts, flow.WeeklyQuery{From: from, To: to, WorkTypes: p.Types}, now)
	if err != nil {
		return nil, rangeError(err)
	}
	return &flowData{b: b, p: p, d: d, cfd: cfd, weekly: weekly}, nil
}

// flowFromCounts computes the view from the board's stored aggregates:
// the CFD counts of the days shown (and the last one before them) and the
// weekly counts (flow.CFDFrom and WeeklyFrom, equal to CFD and Weekly over
// every fact for what the view shows). store.ErrNoCounts: the board's
// aggregates predate this binary; read every fact instead.
func (s *Server) flowFromCounts(r *http.Request, b store.Board, p ViewParams) (*flowData, error) {
	ctx := r.Context()
	d, err := s.loadBoardMeta(ctx, b, p)
	if err != nil {
		return nil, err
	}
	now := s.now()
	from, to := p.Range(d.Flow, now)
	cq := flow.CFDQuery{From: from, To: to, WorkTypes: p.Types}
	lo, hi, err := d.Flow.CFDSpan(cq, now)
	if err != nil {
		return nil, rangeError(err)
	}
	counts, cfdCounts, err := s.pages().FlowCounts(ctx, b.ID, lo.Start(time.UTC), hi.Start(time.UTC))
	if err != nil {
		return nil, err
	}
	wc := flowmap.FromCounts(counts)
	for _, c := range wc {
		d.Items += c.Created
	}
	cfd, err := d.Flow.CFDFrom(flowmap.FromCFDCounts(cfdCounts), cq, now)
	if err != nil {
		return nil, rangeError(err)
	}
	// Arrivals and departures are counts: no lead-time fact is needed.
	weekly, err := d.Flow.WeeklyFrom(wc, nil, flow.WeeklyQuery{From: from, To: to, WorkTypes: p.Types}, now)
	if err != nil {
		return nil, rangeError(err)
	}
	return &flowData{b: b, p: p, d: d, cfd: cfd, weekly: weekly}, nil
}

// boardTracks decodes the stored position segments of every fact, into
// one backing array.
func boardTracks(d *boardData) ([]flow.Track, error) {
	n := 0
	for _, row := range d.Byid {
		n += len(row.Segments) / 2 // at least two bytes a segment: an upper bound
	}
	all := make([]flow.Segment, 0, n)
	tracks := make([]flow.Track, 0, len(d.Facts))
	for i := range d.Facts {
		f := &d.Facts[i]
		row := d.Byid[f.ID]
		if row == nil || !f.InScope {
			continue
		}
		start := len(all)
		var err error
		if all, err = flowmap.DecodeSegments(all, row.Segments); err != nil {
			return nil, fmt.Errorf("issue %s: %w", f.Key, err)
		}
		tracks = append(tracks, flow.Track{ID: f.ID, Type: f.Type, InScope: true, Segments: all[start:len(all):len(all)]})
	}
	return tracks, nil
}

// flowPage is the cumulative flow diagram, WIP and arrivals vs departures.
func (s *Server) flowPage(w http.ResponseWriter, r *http.Request) error {
	fd, err := s.flowData(r)
	if err != nil {
		return err
	}
	canon := flowSpec.canonical(fd.p, fd.b, nil)
	if flowSpec.redirect(w, r, fd.b, canon) {
		return nil
	}
	if fd.p.Format == "json" {
		return writeJSON(w, cfdJSON(fd))
	}
	m := s.flowView(fd, canon)
	s.forUser(r, &m.Page, &m.Board)
	return render(w, r, http.StatusOK, views.BoardViewPage(m))
}

func (s *Server) flowView(fd *flowData, canon map[string][]string) views.BoardView {
	b, p, d := fd.b, fd.p, fd.d
	path := boardPath(b) + flowSpec.path
	q := Encode(canon)
	fc := flowCharts{fb: d.Flow, cfd: fd.cfd, weekly: fd.weekly, tags: d.Tags, notes: d.Notes}
	from, to := fd.weekly.From, fd.weekly.To
	if n := len(fd.cfd.Days); n > 0 {
		from, to = fd.cfd.Days[0].Date, fd.cfd.Days[n-1].Date
	}
	m := views.BoardView{
		Page:  views.Page{Title: b.Name + " · Flow", Version: s.Version},
		Board: s.boardHeader(b, d, flowSpec.tab, headerQuery(canon)),
		Form:  flowControls(b, p, flowSpec),
		Empty: emptyBoard(d),
		Intro: "How work moves across the board: each band is the number of items in that column at the end of each day, stacked so that the top edge of a band counts every item that has reached that column.",
		Links: viewLinks(withQuery(path, Encode(flowSpec.permalink(p, b, from, to, nil))),
			withQuery(path, Encode(withFormat(flowSpec.canonical(p, b, nil), "json"))),
			views.Link{Label: "Daily CFD CSV", URL: withQuery(boardPath(b)+"/flow.csv", q), TestID: "csv-flow", Download: true}),
	}
	if n := len(fd.cfd.Days); n > 0 {
		m.RangeText = fmt.Sprintf("Days %s to %s · %s", fd.cfd.Days[0].Date, fd.cfd.Days[n-1].Date, typesText(p, b))
		last := fd.cfd.Days[n-1]
		total := 0
		for _, v := range last.Bands {
			total += v
		}
		started, delivered := 0, 0
		for _, wk := range fd.weekly.Weeks {
			if !wk.Partial {
				started += wk.Started
				delivered += wk.Throughput
			}
		}
		s, e := d.Flow.Window()
		m.Stats = []views.Stat{
			{Label: "In progress now (" + strings.Join(stateNames(d.Board)[s:e], ", ") + ")", Value: strconv.Itoa(last.WIP), TestID: "stat-wip"},
			{Label: "Items on the board (all bands)", Value: strconv.Itoa(total), TestID: "stat-items"},
			{Label: "Started in complete weeks", Value: strconv.Itoa(started), TestID: "stat-started"},
			{Label: "Delivered in complete weeks", Value: strconv.Itoa(delivered), TestID: "stat-delivered"},
		}
	}
	svg := func(name string) string { return withQuery(path+"/chart/"+name+".svg", q) }
	m.Charts = []views.ChartBlock{
		{ID: "cfd", Explain: "Hover a day for its counts. A band that widens is a queue growing; parallel edges mean steady flow. Grey at the top: items in a status no column maps yet (see Data quality).",
			Chart: fc.cfdChart().Component(), SVGURL: svg("cfd"), Table: cfdTable(fd.cfd)},
		{ID: "wip", Explain: "Items in progress at the end of each day: the lead-time columns, from the start column up to before the end column.",
			Chart: fc.wip().Component(), SVGURL: svg("wip"), Table: wipTable(fd.cfd)},
		{ID: "arrivals", Explain: "Items started (arrivals) against items delivered (departures) each week: more arrivals than departures means work in progress grows.",
			Chart: fc.arrivals().Component(), SVGURL: svg("arrivals"), Table: netFlowTable(fd.weekly)},
	}
	return m
}

func cfdTable(c flow.CFD) views.Table {
	t := views.Table{Caption: "Items per column at the end of each day", Head: append(append([]string{"Day"}, bandLabels(c)...), "WIP")}
	for _, d := range c.Days {
		row := views.Row{TestID: "cfd-" + d.Date.String(), Cells: []views.Cell{{Text: d.Date.String()}}}
		for i, v := range d.Bands {
			row.Cells = append(row.Cells, views.Cell{Text: strconv.Itoa(v), TestID: fmt.Sprintf("cfd-%s-%d", d.Date, i)})
		}
		row.Cells = append(row.Cells, views.Cell{Text: strconv.Itoa(d.WIP), TestID: fmt.Sprintf("cfd-%s-wip", d.Date)})
		t.Rows = append(t.Rows, row)
	}
	return t
}

func wipTable(c flow.CFD) views.Table {
	t := views.Table{Caption: "Work in progress at the end of each day", Head: []string{"Day", "WIP"}}
	for _, d := range c.Days {
		t.Rows = append(t.Rows, views.Row{TestID: "wip-" + d.Date.String(), Cells: []views.Cell{{Text: d.Date.String()}, {Text: strconv.Itoa(d.WIP), TestID: "wip-" + d.Date.String() + "-1"}}})
	}
	return t
}

// bandLabels names the CFD's bands for people.
func bandLabels(c flow.CFD) []string {
	out := make([]string, len(c.Bands))
	for i, n := range c.Bands {
		if i == 0 {
			n = "Unmapped status"
		}
		out[i] = n
	}
	return out
}

// flowCSV streams the daily CFD: day, one column per band, WIP.
func (s *Server) flowCSV(w http.ResponseWriter, r *http.Request) error {
	fd, err := s.flowData(r)
	if err != nil {
		return err
	}
	c := newCSV(w, fmt.Sprintf("%s-cfd-%s.csv", fd.b.Slug, fd.weekly.To))
	head := []string{"day"}
	for _, l := range bandLabels(fd.cfd) {
		head = append(head, l)
	}
	if err := c.Write(append(head, "wip")...); err != nil {
		return err
	}
	for _, d := range fd.cfd.Days {
		row := []string{d.Date.String()}
		for _, v := range d.Bands {
			row = append(row, strconv.Itoa(v))
		}
		if err := c.Write(append(row, strconv.Itoa(d.WIP))...); err != nil {
			return err
		}
	}
	return c.Close()
}

type cfdDayJSON struct {
	Day   string         `json:"day"`
	Bands map[string]int `json:"bands"`
	WIP   int            `json:"wip"`
}

type cfdJSONOut struct {
	Board string       `json:"board"`
	Bands []string     `json:"bands"`
	Days  []cfdDayJSON `json:"days"`
	Weeks []weekFlow   `json:"weeks"`
}

type weekFlow struct {
	Week      string `json:"week"`
	Partial   bool   `json:"partial"`
	Started   int    `json:"started"`
	Delivered int    `json:"delivered"`
}

func cfdJSON(fd *flowData) cfdJSONOut {
	out := cfdJSONOut{Board: fd.b.Name, Bands: fd.cfd.Bands, Days: []cfdDayJSON{}, Weeks: []weekFlow{}}
	for _, d := range fd.cfd.Days {
		dj := cfdDayJSON{Day: d.Date.String(), Bands: map[string]int{}, WIP: d.WIP}
		for i, v := range d.Bands {
			dj.Bands[fd.cfd.Bands[i]] = v
		}
		out.Days = append(out.Days, dj)
	}
	for _, wk := range fd.weekly.Weeks {
		out.Weeks = append(out.Weeks, weekFlow{Week: wk.Monday.String(), Partial: wk.Partial, Started: wk.Started, Delivered: wk.Throughput})
	}
	return out
}

// flowSVG serves one flow chart as a standalone .svg file.
func (s *Server) flowSVG(w http.ResponseWriter, r *http.Request) error {
	fd, err := s.flowData(r)
	if err != nil {
		return err
	}
	fc := flowCharts{fb: fd.d.Flow, cfd: fd.cfd, weekly: fd.weekly, tags: fd.d.Tags, notes: fd.d.Notes}
	var c *chart.Chart
	switch name := strings.TrimSuffix(chi.URLParam(r, "chart"), ".svg"); name {
	case "cfd":
		c = fc.cfdChart()
	case "wip":
		c = fc.wip()
	case "arrivals":
		c = fc.arrivals()
	default:
		return NotFound("There is no chart " + name + " in the flow view: cfd, wip or arrivals.")
	}
	return writeSVG(w, c, svgName(fd.b, c.ID, fd.weekly.To))
}
