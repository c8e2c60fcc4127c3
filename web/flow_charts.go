package web

import (
	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/chart"
)

// flowCharts builds the flow view's charts.
type flowCharts struct {
	fb     *flow.Board
	cfd    flow.CFD
	weekly flow.WeeklySeries
	tags   []flow.Tag
	notes  []store.Annotation
}

func (f flowCharts) day(d flow.Date) float64 { return chart.T(d.Start(f.fb.Location())) }

func (f flowCharts) dayScale() chart.Time {
	return chart.Time{Loc: f.fb.Location(), Period: chart.Day}
}

// cfdChart stacks the bands with the last column at the bottom, so the
// top edge of each band is the cumulative arrivals to its column, and the
// unmapped band on top.
func (f flowCharts) cfdChart() *chart.Chart {
	n := len(f.cfd.Bands)
	labels := bandLabels(f.cfd)
	series := make([]chart.Series, 0, n)
	for k := n - 1; k >= 0; k-- {
		data := make([]chart.Datum, len(f.cfd.Days))
		for i, d := range f.cfd.Days {
			data[i] = chart.Datum{X: f.day(d.Date), Y: float64(d.Bands[k])}
		}
		style := chart.Categorical(k - 1)
		id := stateID(f.cfd.Bands[k])
		if k == 0 {
			style, id = chart.UnmappedStyle, "unmapped"
		}
		series = append(series, chart.Series{ID: id, Name: labels[k], Style: style, Data: data})
	}
	layers := []chart.Layer{&chart.Area{ID: "bands", Series: series}}
	return &chart.Chart{ID: "cfd", Title: "Cumulative flow: items per column, end of each day", YLabel: "Items",
		X: f.dayScale(), Y: chart.Linear{Integer: true, Unit: "items"}, Layers: withMarkers(layers, f.markers()), Class: "chart-fluid", Width: 1120, Height: 400}
}

func (f flowCharts) wip() *chart.Chart {
	data := make([]chart.Datum, len(f.cfd.Days))
	for i, d := range f.cfd.Days {
		data[i] = chart.Datum{X: f.day(d.Date), Y: float64(d.WIP)}
	}
	layers := []chart.Layer{&chart.Line{ID: "wip", Name: "Work in progress", Style: chart.WIPStyle, Step: true, Data: data}}
	return &chart.Chart{Width: gridChartWidth, ID: "wip", Title: "Work in progress, end of each day", YLabel: "Items",
		X: f.dayScale(), Y: chart.Linear{Integer: true, Unit: "items"}, Layers: withMarkers(layers, f.markers()), Class: "chart-fluid", Height: 240}
}

func (f flowCharts) arrivals() *chart.Chart {
	qc := quadrantCharts{fb: f.fb, series: f.weekly, tags: f.tags, notes: f.notes}
	c := qc.netFlow()
	c.ID, c.Title = "arrivals", "Arrivals vs departures: started vs delivered per week"
	return c
}

func (f flowCharts) markers() []chart.Layer {
	if len(f.cfd.Days) == 0 {
		return nil
	}
	qc := quadrantCharts{fb: f.fb, series: flow.WeeklySeries{From: f.cfd.Days[0].Date, To: f.cfd.Days[len(f.cfd.Days)-1].Date}, tags: f.tags, notes: f.notes}
	return qc.markers()
}
