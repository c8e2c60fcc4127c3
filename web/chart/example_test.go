package chart_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/vger-dev/vger/web/chart"
)

// A weekly throughput chart: bars per week (the current week hatched),
// rolling 50/80/90% likelihood as steps, flat lines labelled in the margin,
// and release tags. In a templ page: @c.Component().
func Example() {
	loc, _ := time.LoadLocation("Europe/Berlin")
	monday := time.Date(2025, 3, 3, 0, 0, 0, 0, loc)
	counts := []float64{4, 6, 0, 5, 3}
	var delivered, p80 []chart.Datum
	for i, n := range counts {
		x := chart.T(monday.AddDate(0, 0, 7*i))
		delivered = append(delivered, chart.Datum{X: x, Y: n, Partial: i == len(counts)-1})
		rolling := chart.Missing // fewer than 4 weeks of history: a gap
		if i >= 3 && i < len(counts)-1 {
			rolling = 3
		}
		p80 = append(p80, chart.Datum{X: x, Y: rolling})
	}
	c := &chart.Chart{
		ID:     "throughput",
		Title:  "Throughput per week",
		YLabel: "Items delivered",
		X:      chart.Time{Loc: loc, Period: chart.Week},
		Y:      chart.Linear{Integer: true, Unit: "items"},
		Layers: []chart.Layer{
			&chart.Bars{ID: "delivered", PartialLabel: "This week (partial)",
				Series: []chart.Series{{Name: "Delivered", Style: chart.ThroughputStyle, Data: delivered}}},
			&chart.Line{ID: "p80", Name: "80% likely", Style: chart.Likelihood(80), Step: true, Data: p80},
			&chart.HLine{ID: "flat80", Y: 3, Label: "80% ≥ 3", Style: chart.Likelihood(80)},
			&chart.Markers{ID: "tags", Name: "Tags", Style: chart.TagStyle, Labels: true, Items: []chart.Marker{
				{X: chart.T(time.Date(2025, 3, 12, 15, 4, 0, 0, loc)), Label: "v1.4.0"},
			}},
		},
	}
	var page bytes.Buffer
	if err := c.Render(&page); err != nil {
		fmt.Println(err)
		return
	}
	svg := page.String()
	fmt.Println(strings.Count(svg, `class="chart-bar"`), "bars")
	fmt.Println(strings.Contains(svg, `data-testid="throughput-delivered-2025-03-17" data-week="2025-03-17" data-value="0"`))
	// Output:
	// 5 bars
	// true
}

// A cumulative flow diagram: one series per board state, bottom first,
// sharing the same days; each day gets a hover column with every band's
// count and the total.
func Example_cumulativeFlow() {
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	states := []struct {
		name   string
		counts []float64
	}{
		{"Done", []float64{0, 1, 3}},
		{"In Progress", []float64{2, 3, 2}},
		{"To Do", []float64{5, 4, 4}},
	}
	var series []chart.Series
	for i, s := range states {
		var data []chart.Datum
		for d, n := range s.counts {
			data = append(data, chart.Datum{X: chart.T(day.AddDate(0, 0, d)), Y: n})
		}
		series = append(series, chart.Series{Name: s.name, Style: chart.Categorical(i), Data: data})
	}
	c := &chart.Chart{ID: "cfd", Title: "Cumulative flow", X: chart.Time{Period: chart.Day}, Y: chart.Linear{Integer: true},
		Layers: []chart.Layer{&chart.Area{ID: "states", Series: series}}}
	var b bytes.Buffer
	_ = c.Render(&b)
	fmt.Println(strings.Contains(b.String(), `data-day="2025-03-03" data-values="3,2,4" data-total="9"`))
	// Output: true
}

// A lead-time scatterplot whose points link to JIRA, zoomable by dragging
// (chart.js writes zx0, zx1, zy0, zy1 into the URL). Standalone writes the
// downloadable .svg.
func Example_scatter() {
	done := time.Date(2025, 3, 3, 16, 0, 0, 0, time.UTC)
	var points []chart.Datum
	for i, lt := range []float64{2.5, 7, 11.25} {
		key := fmt.Sprintf("PROJ-%d", 100+i)
		points = append(points, chart.Datum{X: chart.T(done.AddDate(0, 0, 3*i)), Y: lt, Label: key,
			Href: "https://jira.example.com/browse/" + key, Title: key + " · Fix the login page"})
	}
	c := &chart.Chart{ID: "leadtime", Title: "Lead time", YLabel: "Working days", XGrid: true,
		X: chart.Time{}, Y: chart.Linear{Unit: "days"},
		Zoom: &chart.Zoom{Axes: "xy", Params: []string{"zx0", "zx1", "zy0", "zy1"}},
		Layers: []chart.Layer{
			&chart.Scatter{Name: "Story", Style: chart.Categorical(0), Data: points},
			&chart.HLine{Name: "80%", Y: 9, Label: "80% ≤ 9 days", Style: chart.Likelihood(80)},
		}}
	if err := c.Standalone(os.Stdout); err != nil {
		fmt.Println(err)
	}
}
