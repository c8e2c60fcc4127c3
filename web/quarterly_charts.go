package web

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/web/chart"
)

// zoomAxes: chart.js writes a drag's region into zx0, zx1, zy0, zy1.
var zoomAxes = &chart.Zoom{Axes: "xy", Params: zoomParams}

func (q *quarterly) unit() string {
	if q.d.Board.DayMode == "calendar" {
		return "calendar days"
	}
	return "working days"
}

// throughputChart: delivered items per quarter (the current one hatched)
// and the flat 50/80/90% lines over the complete quarters.
func (q *quarterly) throughputChart() *chart.Chart {
	labels := make([]string, len(q.series.Quarters))
	var bars []chart.Datum
	for i, qq := range q.series.Quarters {
		labels[i] = quarterLabel(qq.Start)
		t := fmt.Sprintf("%s (%s – %s)", labels[i], dayText(qq.Start), dayText(qq.End))
		if qq.Partial {
			t += ", so far"
		}
		bars = append(bars, chart.Datum{X: float64(i), Y: float64(qq.Throughput), Partial: qq.Partial,
			Title: t + "\nDelivered: " + plural(qq.Throughput, "item", "items")})
	}
	layers := []chart.Layer{&chart.Bars{ID: "delivered", PartialLabel: "This quarter (so far)",
		Series: []chart.Series{{Name: "Delivered", Style: chart.ThroughputStyle, Data: bars}}}}
	for _, l := range q.flat {
		st := chart.Likelihood(l.Percent)
		st.Width = 1.5
		layers = append(layers, &chart.HLine{ID: fmt.Sprintf("flat%d", l.Percent), Name: fmt.Sprintf("%d%% of complete quarters", l.Percent),
			Y: float64(l.Count), Label: fmt.Sprintf("%d%% ≥ %d", l.Percent, l.Count), Style: st})
	}
	return &chart.Chart{ID: "quarterly", Title: "Throughput: items delivered per quarter", YLabel: "Items delivered",
		Width: 960, Height: 300, X: chart.Band{Labels: labels, Key: "quarter"}, Y: chart.Linear{Integer: true, Unit: "items"},
		Layers: layers, Class: "chart-fluid"}
}

// xDomain is the scatterplot's time range: the zoom, else the quarters
// shown up to the end of today.
func (q *quarterly) xDomain() (time.Time, time.Time) {
	loc := q.d.Flow.Location()
	from, to := q.from, q.to.AddDays(1)
	if today := q.d.Flow.Today(q.now).AddDays(1); today.Before(to) {
		to = today
	}
	if !q.p.Zoom.From.IsZero() {
		from = q.p.Zoom.From
	}
	if !q.p.Zoom.To.IsZero() {
		to = q.p.Zoom.To.AddDays(1)
	}
	if !to.After(from) {
		to = from.AddDays(1)
	}
	return from.Start(loc), to.Start(loc)
}

// scatterChart: one point per delivered item (x = done, y = lead time),
// coloured by work type, linked to JIRA; quarter bands, per-quarter
// percentile lines, release tags; drag-to-zoom.
func (q *quarterly) scatterChart(issueURL func(string) string) *chart.Chart {
	loc := q.d.Flow.Location()
	x0, x1 := q.xDomain()
	y := chart.Linear{Unit: q.unit()}
	if z := q.p.Zoom; z.Min.OK || z.Max.OK {
		y.Min, y.Max = z.Min.V, z.Max.V
		if !z.Max.OK {
			y.Max = maxLead(q.points) * 1.05
		}
		if y.Max <= y.Min {
			y.Max = y.Min + 1
		}
	}
	var layers []chart.Layer
	// Quarter bands, every other one shaded, each named above the plot
	// (only those inside the plot, so a zoom names its own quarters).
	var odd, even []chart.Span
	for i, qq := range q.series.Quarters {
		a, b := qq.Start.Start(loc), qq.End.AddDays(1).Start(loc)
		if !b.After(x0) || !a.Before(x1) {
			continue
		}
		sp := chart.Span{X0: chart.T(a), X1: chart.T(b), Label: quarterLabel(qq.Start)}
		if qq.Partial {
			sp.Label += " (so far)"
		}
		sp.Title = fmt.Sprintf("%s: %s – %s", sp.Label, dayText(qq.Start), dayText(qq.End))
		if i%2 == 1 {
			odd = append(odd, sp)
		} else {
			even = append(even, sp)
		}
	}
	layers = append(layers, &chart.Bands{ID: "quarters", Style: chart.Style{Color: "#ffffff"}, Items: even, Labels: true},
		&chart.Bands{ID: "quarters-alt", Style: chart.Style{Color: "#8a94a3"}, Items: odd, Labels: true})
	// Percentile lines in ink, told apart by their dashes (colour is the
	// work type's). Among few points they go under the points, so no point
	// hides behind a line; in a dense cloud they go on top (with a white
	// halo), or the cloud would hide them.
	var lines []chart.Layer
	for _, qq := range q.series.Quarters {
		for _, l := range qq.LeadTime {
			if !slices.Contains(q.p.percents(), l.Percent) {
				continue
			}
			st := chart.Style{Color: "#1b2430", Dash: chart.Likelihood(l.Percent).Dash, Width: 1.5, Class: chart.Likelihood(l.Percent).Class}
			lines = append(lines, &chart.HLine{ID: fmt.Sprintf("p%d-%s", l.Percent, qq.Start), Name: fmt.Sprintf("%d%% finished within (per quarter)", l.Percent),
				Y: l.Value, From: chart.T(qq.Start.Start(loc)), To: chart.T(qq.End.AddDays(1).Start(loc)), Style: st, Halo: true,
				Label: fmt.Sprintf("%s: %d%% of %s finished within %s %s", quarterLabel(qq.Start), l.Percent, plural(qq.LeadItems, "item", "items"), days(l.Value), q.unit())})
		}
	}
	if len(q.points) <= maxDetailed {
		layers = append(append(layers, lines...), q.scatterLayers(issueURL)...)
	} else {
		layers = append(append(layers, q.scatterLayers(issueURL)...), lines...)
	}
	if q.p.Notes {
		layers = append(layers, noteLayers(loc, q.d.Notes, x0, x1)...)
	}
	if q.p.Tags {
		if m := tagLayer(loc, q.d.Tags, x0, x1); m != nil {
			layers = append(layers, m)
		}
	}
	return &chart.Chart{ID: "leadtime", Title: "Lead time of each delivered item", YLabel: strings.ToUpper(q.unit()[:1]) + q.unit()[1:] + " from start to done",
		Width: 960, Height: 460, XGrid: true, X: chart.Time{Loc: loc, From: x0, To: x1}, Y: y, Zoom: zoomAxes,
		Layers: layers, Class: "chart-fluid"}
}

// scatterLayers: one Scatter per work type (a point goes to the first of
// its work types that the view shows), in the board's work-type order so
// colours do not change with the filter.
func (q *quarterly) scatterLayers(issueURL func(string) string) []chart.Layer {
	names := workTypeNames(q.b)
	if len(names) == 0 {
		names = []string{"Delivered"}
	}
	shown := q.p.Types
	if len(shown) == 0 {
		shown = names
	}
	// Up to maxDetailed points (over all layers) each get an element with
	// its hover text; beyond that every layer is drawn compactly and
	// chart.js shows key, lead time and date.
	detailed := len(q.points) <= maxDetailed
	byType := map[string]int{} // issue type -> series index
	data := make([][]chart.Datum, len(names))
	for _, pt := range q.points {
		si, ok := byType[pt.Type]
		if !ok {
			si = 0
			for _, wt := range q.d.Flow.WorkTypesOf(pt.Type) {
				if slices.Contains(shown, wt) {
					si = slices.Index(names, wt)
					break
				}
			}
			byType[pt.Type] = max(si, 0)
		}
		dt := chart.Datum{X: chart.T(pt.Done), Y: pt.LeadTime, Label: pt.Key, Href: issueURL(pt.Key)}
		if detailed {
			dt.Title = q.pointTitle(pt)
		}
		data[si] = append(data[si], dt)
	}
	var out []chart.Layer
	for i, n := range names {
		if !slices.Contains(shown, n) {
			continue
		}
		sc := &chart.Scatter{ID: "wt-" + stateID(n), Name: n, Style: chart.Categorical(i), Data: data[i], Radius: 4.5, MaxDetailed: -1}
		if detailed {
			sc.MaxDetailed = maxDetailed
		} else {
			sc.Radius = 0 // the compact default
		}
		out = append(out, sc)
	}
	return out
}

// maxDetailed is the most points drawn one element each (with a <title>
// and an <a>), as chart.Scatter's default.
const maxDetailed = 1000

// pointTitle is a point's hover text: key, summary, lead time, done date.
func (q *quarterly) pointTitle(pt flow.ScatterPoint) string {
	title := pt.Key
	if row := q.d.Byid[pt.ID]; row != nil && row.Summary != "" {
		title += " · " + row.Summary
	}
	title += "\n" + days(pt.LeadTime) + " " + q.unit() + "\nDone " + pt.Done.In(q.d.Flow.Location()).Format("Mon 2 Jan 2006")
	if pt.Noise {
		title += "\nUnder 15 minutes: left out of the lines"
	}
	return title
}

// maxLead is the longest lead time among the points (at least 1 day).
func maxLead(pts []flow.ScatterPoint) float64 {
	m := 1.0
	for _, p := range pts {
		m = max(m, p.LeadTime)
	}
	return m
}

// tagLayer marks release tags between from and to.
func tagLayer(loc *time.Location, tags []flow.Tag, from, to time.Time) chart.Layer {
	var items []chart.Marker
	for _, t := range flow.TagMarkers(tags, nil, from, to) {
		items = append(items, chart.Marker{X: chart.T(t.At), Label: t.Name,
			Title: fmt.Sprintf("%s (%s), %s", t.Name, t.Repo, t.At.In(loc).Format("2 Jan 2006 15:04"))})
	}
	if len(items) == 0 {
		return nil
	}
	return &chart.Markers{ID: "tags", Name: "Release tags", Style: chart.TagStyle, Items: items, Labels: len(items) <= 12}
}
