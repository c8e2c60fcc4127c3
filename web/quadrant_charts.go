package web

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/chart"
)

// quadrantCharts builds the quadrant's charts from a weekly series.
type quadrantCharts struct {
	fb     *flow.Board
	series flow.WeeklySeries
	tags   []flow.Tag
	notes  []store.Annotation
	hide   []string
}

func (q quadrantCharts) xScale() chart.Time {
	return chart.Time{Loc: q.fb.Location(), Period: chart.Week}
}

func (q quadrantCharts) x(w flow.Week) float64 { return q.at(w.Monday) }

// at is the x of the week starting monday.
func (q quadrantCharts) at(monday flow.Date) float64 { return chart.T(monday.Start(q.fb.Location())) }

// markers are the annotations and release tags within the shown weeks.
func (q quadrantCharts) markers() []chart.Layer {
	loc := q.fb.Location()
	from, to := q.series.From.Start(loc), q.series.To.AddDays(1).Start(loc)
	out := noteLayers(loc, q.notes, from, to)
	if len(q.tags) > 0 {
		if m := tagLayer(loc, q.tags, from, to); m != nil {
			out = append(out, m)
		}
	}
	return out
}

func withMarkers(layers []chart.Layer, ms []chart.Layer) []chart.Layer {
	return append(layers, ms...)
}

func pctLabel(p int) string { return fmt.Sprintf("%d%% likely", p) }

func (q quadrantCharts) throughput() *chart.Chart {
	return q.throughputChart(issueRolling(q.series), issueCounts)
}

func (q quadrantCharts) variation() *chart.Chart {
	return q.variationChart(issueRolling(q.series), issueCounts)
}

func (q quadrantCharts) backlog() *chart.Chart {
	var created, delivered, closed []chart.Datum
	for _, w := range q.series.Weeks {
		x := q.x(w)
		created = append(created, chart.Datum{X: x, Y: float64(w.Backlog.Created)})
		delivered = append(delivered, chart.Datum{X: x, Y: float64(w.Backlog.Delivered)})
		closed = append(closed, chart.Datum{X: x, Y: float64(w.Backlog.ClosedNotDelivered)})
	}
	layers := []chart.Layer{
		&chart.Line{ID: "created", Name: "Created", Style: chart.CreatedStyle, Data: created, Dots: true},
		&chart.Line{ID: "delivered", Name: "Delivered", Style: chart.DeliveredStyle, Data: delivered, Dots: true},
		&chart.Line{ID: "closed", Name: "Closed, not delivered", Style: chart.ClosedStyle, Data: closed, Dots: true},
	}
	return &chart.Chart{Width: gridChartWidth, ID: "backlog", Title: "Backlog growth: created vs finished (cumulative)", YLabel: "Items",
		X: q.xScale(), Y: chart.Linear{Integer: true, Unit: "items"}, Layers: withMarkers(layers, q.markers()), Class: "chart-fluid"}
}

func (q quadrantCharts) leadTime(unit string) *chart.Chart {
	return q.leadTimeChart(issueRolling(q.series), issueCounts, unit)
}

// states is the detailed lead-time view: the mean time per state of the
// items in each week's window, stacked so the stack is their mean lead time.
func (q quadrantCharts) states(unit string) *chart.Chart {
	names := append(slices.Clone(q.series.States), "outside")
	data := make([][]chart.Datum, len(names))
	for _, w := range q.series.Weeks {
		st, ok := w.ByState.Get()
		for i := range names {
			y := chart.Missing
			if ok && w.LeadItems > 0 {
				if i < len(st.InState) {
					y = st.InState[i]
				} else {
					y = st.Outside
				}
			}
			data[i] = append(data[i], chart.Datum{X: q.x(w), Y: y})
		}
	}
	// Each state's mean blocked time is the hatched top of its segment:
	// the segment still adds up to the state's mean time (flowing, then
	// blocked), so the stack stays the mean lead time.
	blockedIn := make([][]chart.Datum, len(names))
	anyBlocked := false
	for k, w := range q.series.Weeks {
		st, ok := w.ByState.Get()
		known := ok && w.LeadItems > 0 && len(st.Blocked) == len(st.InState)
		for i := range names {
			y := chart.Missing
			if known {
				if i < len(st.Blocked) {
					y = st.Blocked[i]
				} else {
					y = st.BlockedOutside
				}
				anyBlocked = anyBlocked || y > 0
			}
			blockedIn[i] = append(blockedIn[i], chart.Datum{X: data[i][k].X, Y: y, Partial: true})
		}
	}
	var series []chart.Series
	for i, n := range names {
		if slices.Contains(q.hide, n) {
			continue
		}
		style := chart.Categorical(i)
		label := n
		if n == "outside" {
			style, label = chart.Style{Color: chart.Grey}, "Outside the window"
		}
		if !anyBlocked {
			series = append(series, chart.Series{ID: stateID(n), Name: label, Style: style, Data: data[i]})
			continue
		}
		flowing := make([]chart.Datum, len(data[i]))
		blocked := make([]chart.Datum, len(data[i]))
		for k, d := range data[i] {
			b := blockedIn[i][k]
			flowing[k], blocked[k] = d, b
			when := "Week of " + dayText(q.series.Weeks[k].Monday)
			switch {
			case math.IsNaN(d.Y):
			case math.IsNaN(b.Y):
				flowing[k].Title = fmt.Sprintf("%s\n%s: %s %s", when, label, days(d.Y), strings.ToLower(unit))
			default:
				flowing[k].Y = max(d.Y-b.Y, 0)
				flowing[k].Title = fmt.Sprintf("%s\n%s: %s %s, of which blocked %s", when, label, days(d.Y), strings.ToLower(unit), days(b.Y))
				blocked[k].Title = fmt.Sprintf("%s\n%s, flagged as blocked: %s of %s %s", when, label, days(b.Y), days(d.Y), strings.ToLower(unit))
			}
		}
		series = append(series, chart.Series{ID: stateID(n), Name: label, Style: style, Data: flowing},
			chart.Series{ID: stateID(n) + "-blocked", Name: label + " (blocked)", Style: style, Data: blocked, NoLegend: true})
	}
	var blocked []chart.Datum
	for _, w := range q.series.Weeks {
		y := chart.Missing
		if v, ok := w.Blocked.Get(); ok && w.LeadItems > 0 {
			y = v
		}
		blocked = append(blocked, chart.Datum{X: q.x(w), Y: y})
	}
	layers := []chart.Layer{&chart.Bars{ID: "states", Stacked: true, Series: series, PartialLabel: "Blocked (hatched: flagged while in that column)"},
		&chart.Line{ID: "blocked", Name: "Blocked (mean, flagged as impediment)", Style: chart.Style{Color: chart.Vermillion, Dash: "4 3"}, Step: true, Data: blocked}}
	return &chart.Chart{Width: gridChartWidth, ID: "states", Title: "Where the time goes: mean days per state (rolling)", YLabel: unit,
		X: q.xScale(), Y: chart.Linear{Unit: "days"}, Layers: withMarkers(layers, q.markers()), Class: "chart-fluid"}
}

func (q quadrantCharts) netFlow() *chart.Chart {
	var started, delivered []chart.Datum
	for _, w := range q.series.Weeks {
		x := q.x(w)
		started = append(started, chart.Datum{X: x, Y: float64(w.Started), Partial: w.Partial})
		delivered = append(delivered, chart.Datum{X: x, Y: float64(w.Throughput), Partial: w.Partial})
	}
	layers := []chart.Layer{&chart.Bars{ID: "flow", PartialLabel: "This week (so far)", Series: []chart.Series{
		{ID: "started", Name: "Started (arrivals)", Style: chart.Style{Color: chart.Orange}, Data: started},
		{ID: "delivered", Name: "Delivered (departures)", Style: chart.ThroughputStyle, Data: delivered},
	}}}
	return &chart.Chart{Width: gridChartWidth, ID: "netflow", Title: "Net flow: started vs delivered per week", YLabel: "Items", Height: 260,
		X: q.xScale(), Y: chart.Linear{Integer: true, Unit: "items"}, Layers: withMarkers(layers, q.markers()), Class: "chart-fluid"}
}

func stateID(name string) string {
	out := make([]rune, 0, len(name))
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			out = append(out, r)
		case r >= 'A' && r <= 'Z':
			out = append(out, r+'a'-'A')
		default:
			if len(out) > 0 && out[len(out)-1] != '-' {
				out = append(out, '-')
			}
		}
	}
	return string(out)
}

// weekLabel is how a week is written in tables and CSVs.
func weekLabel(d flow.Date) string { return d.String() }

var _ = time.Monday
