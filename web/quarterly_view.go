package web

import (
	"fmt"
	"slices"
	"strings"

	"net/http"

	"github.com/a-h/templ"

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
	links := quarterLinks{path: base + "/quarterly", order: quarterlyParamOrder, canon: canonQ}
	m := views.Quarterly{
		Page:         views.Page{Title: b.Name + " · Quarterly", Version: s.Version},
		Board:        s.boardHeader(b, d, "quarterly", keepParams(canon, sharedParams)),
		Kind:         "quarterly-issues",
		Form:         views.QuarterlyForm(quarterlyControls(q)),
		CSVURL:       withQuery(base+"/quarterly.csv", canon),
		CSVLabel:     "Quarterly throughput CSV",
		LeadCSVURL:   withQuery(base+"/quarterly-leadtime.csv", canon),
		LeadCSVLabel: "Lead-time CSV (range and zoom shown)",
		ShownLabel:   "CSV of the items shown",
	}
	q.fillPage(&m, links, base, "Nothing of these work types was delivered in these quarters: widen the range or check the work types.")
	if n := len(q.series.Quarters); n > 0 {
		m.Permalink = links.url(p.Permalink(b, q.series.Quarters[0].Start, q.series.Quarters[n-1].Start))
	}
	items, delivered := d.Items, d.Delivered
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
	m.Throughput = views.ChartBlock{ID: "quarterly",
		Explain: "Bars: items delivered per quarter, each counted once, in the quarter it was finally done (a reopened item counts when it is done again). The current quarter is hatched: it is not over. Flat lines: in 50/80/90% of the complete quarters shown, the team delivered at least that many items.",
		Chart:   q.throughputChart().Component(), SVGURL: withQuery(base+"/chart/quarterly-throughput.svg", canon), Table: q.quarterTable("Throughput per quarter")}
	explain := "Each dot is a delivered item: when it was done and how long it took from start to done. Hover for details; click to open it in JIRA. " +
		"Lines: per quarter, that share of its items finished within that many days (items under 15 minutes are drawn but left out). Drag across the chart to zoom."
	if s.JiraURL == "" {
		explain = strings.Replace(explain, " click to open it in JIRA.", " (links to JIRA need the JIRA site URL in the server's settings).", 1)
	}
	m.Scatter = views.ChartBlock{ID: "leadtime", Explain: explain,
		Chart: q.scatterChart(s.issueURL).Component(), SVGURL: withQuery(base+"/chart/quarterly-leadtime.svg", canon), Table: q.leadTable()}
	return m
}

func quarterlyControls(q *quarterly) views.QuarterlyControls {
	b, p := q.b, q.p
	c := views.QuarterlyControls{QuarterControls: q.controls(cmpOrInt(p.Window, b.RollingWeeks), p.Tags, p.Notes)}
	for _, wt := range b.WorkTypes {
		c.Types = append(c.Types, views.Option{Value: wt.Name, Label: wt.Name, Selected: len(p.Types) == 0 || slices.Contains(p.Types, wt.Name)})
	}
	s, e := p.window(b)
	for i, st := range b.States {
		c.Starts = append(c.Starts, views.Option{Value: st.Name, Label: st.Name, Selected: i == s})
		c.Ends = append(c.Ends, views.Option{Value: st.Name, Label: st.Name, Selected: i == e})
	}
	return c
}
