package web

import (
	"fmt"
	"slices"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/web/chart"
)

// zoomAxes: chart.js writes a drag's region into zx0, zx1, zy0, zy1.
var zoomAxes = &chart.Zoom{Axes: "xy", Params: zoomParams}

// maxDetailed is the most points drawn one element each (with a <title>
// and an <a>), as chart.Scatter's default.
const maxDetailed = 1000

// barsSpec names a quarterly view's bar chart and its bars.
type barsSpec struct {
	id, title, yLabel string
	layer, name       string // the bars' layer ID and legend name
	style             chart.Style
}

// barsChart: the count per quarter (the current one hatched) and the flat
// 50/80/90% lines over the complete quarters.
func (q *quarters) barsChart(sp barsSpec) *chart.Chart {
	labels := make([]string, len(q.series.Quarters))
	var bars []chart.Datum
	for i, qq := range q.series.Quarters {
		labels[i] = quarterLabel(qq.Start)
		t := fmt.Sprintf("%s (%s – %s)", labels[i], dayText(qq.Start), dayText(qq.End))
		if qq.Partial {
			t += ", so far"
		}
		bars = append(bars, chart.Datum{X: float64(i), Y: float64(qq.Throughput), Partial: qq.Partial,
			Title: t + "\n" + sp.name + ": " + plural(qq.Throughput, q.w.one, q.w.many)})
	}
	layers := []chart.Layer{&chart.Bars{ID: sp.layer, PartialLabel: "This quarter (so far)",
		Series: []chart.Series{{Name: sp.name, Style: sp.style, Data: bars}}}}
	for _, l := range q.flat {
		st := chart.Likelihood(l.Percent)
		st.Width = 1.5
		layers = append(layers, &chart.HLine{ID: fmt.Sprintf("flat%d", l.Percent), Name: fmt.Sprintf("%d%% of complete quarters", l.Percent),
			Y: float64(l.Count), Label: fmt.Sprintf("%d%% ≥ %d", l.Percent, l.Count), Style: st})
	}
	return &chart.Chart{ID: sp.id, Title: sp.title, YLabel: sp.yLabel,
		Width: 960, Height: 300, X: chart.Band{Labels: labels, Key: "quarter"}, Y: chart.Linear{Integer: true, Unit: q.w.unit},
		Layers: layers, Class: "chart-fluid"}
}

// xDomain is the scatterplot's time range: the zoom, else the quarters
// shown up to the end of today.
func (q *quarters) xDomain() (time.Time, time.Time) {
	loc := q.fb.Location()
	from, to := q.from, q.to.AddDays(1)
	if today := q.fb.Today(q.now).AddDays(1); today.Before(to) {
		to = today
	}
	if !q.qp.Zoom.From.IsZero() {
		from = q.qp.Zoom.From
	}
	if !q.qp.Zoom.To.IsZero() {
		to = q.qp.Zoom.To.AddDays(1)
	}
	if !to.After(from) {
		to = from.AddDays(1)
	}
	return from.Start(loc), to.Start(loc)
}

// scatterSpec names a quarterly view's scatterplot.
type scatterSpec struct {
	id, title, yFrom string // yFrom: "from start to done"
	points           []chart.Layer
	maxLead          func() float64 // the longest lead time shown (at least 1)
}

// scatterChart: the points (one layer per colour, from the view), quarter
// bands, per-quarter percentile lines, annotations, release tags;
// drag-to-zoom.
func (q *quarters) scatterChart(sp scatterSpec) *chart.Chart {
	loc := q.fb.Location()
	x0, x1 := q.xDomain()
	y := chart.Linear{Unit: q.unit()}
	if z := q.qp.Zoom; z.Min.OK || z.Max.OK {
		y.Min, y.Max = z.Min.V, z.Max.V
		if !z.Max.OK {
			y.Max = sp.maxLead() * 1.05
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
	// points'). Among few points they go under the points, so no point
	// hides behind a line; in a dense cloud they go on top (with a white
	// halo), or the cloud would hide them.
	var lines []chart.Layer
	for _, qq := range q.series.Quarters {
		for _, l := range qq.LeadTime {
			if !slices.Contains(q.qp.percents(), l.Percent) {
				continue
			}
			st := chart.Style{Color: "#1b2430", Dash: chart.Likelihood(l.Percent).Dash, Width: 1.5, Class: chart.Likelihood(l.Percent).Class}
			lines = append(lines, &chart.HLine{ID: fmt.Sprintf("p%d-%s", l.Percent, qq.Start), Name: fmt.Sprintf("%d%% %s within (per quarter)", l.Percent, q.w.finished),
				Y: l.Value, From: chart.T(qq.Start.Start(loc)), To: chart.T(qq.End.AddDays(1).Start(loc)), Style: st, Halo: true,
				Label: fmt.Sprintf("%s: %d%% of %s %s within %s %s", quarterLabel(qq.Start), l.Percent, plural(qq.LeadItems, q.w.one, q.w.many), q.w.finished, days(l.Value), q.unit())})
		}
	}
	if q.shown <= maxDetailed {
		layers = append(append(layers, lines...), sp.points...)
	} else {
		layers = append(append(layers, sp.points...), lines...)
	}
	layers = append(layers, noteLayers(loc, q.notes, x0, x1)...)
	if m := tagLayer(loc, q.tags, x0, x1); m != nil {
		layers = append(layers, m)
	}
	return &chart.Chart{ID: sp.id, Title: sp.title, YLabel: capitalize(q.unit()) + " " + sp.yFrom,
		Width: 960, Height: 460, XGrid: true, X: chart.Time{Loc: loc, From: x0, To: x1}, Y: y, Zoom: zoomAxes,
		Layers: layers, Class: "chart-fluid"}
}

// scatterLayer is one colour of points: up to maxDetailed points (over all
// layers) each get an element with its hover text; beyond that every
// layer is drawn compactly and chart.js shows label, lead time and date,
// and the rest of the hover text (summary or title, blocked time) from
// the JSON at details, fetched on the first hover.
func scatterLayer(id, name string, colour int, data []chart.Datum, detailed bool, details string) *chart.Scatter {
	sc := &chart.Scatter{ID: id, Name: name, Style: chart.Categorical(colour), Data: data, Radius: 4.5, MaxDetailed: -1}
	if detailed {
		sc.MaxDetailed = maxDetailed
	} else {
		sc.Radius = 0 // the compact default
		sc.Details = details
	}
	return sc
}

// maxOf is the largest of the values (at least 1).
func maxOf[P any](pts []P, v func(*P) float64) float64 {
	m := 1.0
	for i := range pts {
		m = max(m, v(&pts[i]))
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

// pointTitle is a point's hover text: what it is, its lead time and date.
func (q *quarters) pointTitle(what string, lead float64, at time.Time, noise bool) string {
	title := what + "\n" + days(lead) + " " + q.unit() + "\n" + capitalize(q.w.at) + " " + at.In(q.fb.Location()).Format("Mon 2 Jan 2006")
	if noise {
		title += "\nUnder 15 minutes: left out of the lines"
	}
	return title
}
