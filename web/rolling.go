package web

import (
	"fmt"
	"math"
	"strconv"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/web/chart"
	"github.com/vger-dev/vger/web/views"
)

// rollingSeries is what both quadrants, the JIRA one and the pull-request
// one, draw their throughput, variation and lead-time charts, tables, stats
// and throughput CSV from: a count per week (items delivered, pull requests
// merged) with its rolling likelihood levels, variation and lead-time levels,
// and the flat likelihood levels over the range.
type rollingSeries struct {
	Window   int
	Percents []int
	Flat     []flow.CountLevel
	Weeks    []rollingWeek
}

type rollingWeek struct {
	Monday      flow.Date
	Partial     bool
	Count       int
	WindowWeeks flow.Opt[int]
	Likelihood  []flow.CountLevel
	Variation   flow.Opt[float64]
	LeadTime    []flow.Level
	LeadItems   int
}

// issueRolling is the JIRA quadrant's rolling series: items delivered.
func issueRolling(s flow.WeeklySeries) rollingSeries {
	return rollingOf(s.Window, s.Percents, s.Flat, s.Weeks, func(w flow.Week) rollingWeek {
		return rollingWeek{Monday: w.Monday, Partial: w.Partial, Count: w.Throughput, WindowWeeks: w.WindowWeeks,
			Likelihood: w.Likelihood, Variation: w.Variation, LeadTime: w.LeadTime, LeadItems: w.LeadItems}
	})
}

// prRolling is the pull-request quadrant's rolling series: PRs merged.
func prRolling(s flow.PRSeries) rollingSeries {
	return rollingOf(s.Window, s.Percents, s.Flat, s.Weeks, func(w flow.PRWeek) rollingWeek {
		return rollingWeek{Monday: w.Monday, Partial: w.Partial, Count: w.Merged, WindowWeeks: w.WindowWeeks,
			Likelihood: w.Likelihood, Variation: w.Variation, LeadTime: w.LeadTime, LeadItems: w.LeadItems}
	})
}

func rollingOf[W any](window int, percents []int, flat []flow.CountLevel, weeks []W, week func(W) rollingWeek) rollingSeries {
	out := rollingSeries{Window: window, Percents: percents, Flat: flat, Weeks: make([]rollingWeek, len(weeks))}
	for i, w := range weeks {
		out.Weeks[i] = week(w)
	}
	return out
}

// countNames are what a quadrant calls its weekly count, and the titles,
// captions and ids of the charts and tables drawn from it.
type countNames struct {
	prefix   string      // of chart ids and table-row ids: "" or "pr"
	count    string      // the count's column, bar and stat name: "Delivered"
	countID  string      // the bars' id, the CSV column, the stat's verb: "delivered"
	barStyle chart.Style // the count's bars
	unit     string      // the count's unit on the y axis: "items"
	doneVerb string      // what the lead-time levels say of an item: "finished" within

	throughputTitle, throughputY, throughputCaption string
	variationTitle, variationCaption                string
	windowColumn                                    bool // the variation table shows the weeks in the window
	leadTitle, leadCaption, leadCount               string
}

var issueCounts = countNames{prefix: "", count: "Delivered", countID: "delivered", barStyle: chart.ThroughputStyle, unit: "items", doneVerb: "finished",
	throughputTitle: "Throughput: items delivered per week", throughputY: "Items delivered", throughputCaption: "Throughput per week",
	variationTitle: "Variation: how predictable weekly throughput is", variationCaption: "Variation per week",
	windowColumn: true,
	leadTitle:    "Lead time: days from start to done (rolling)", leadCaption: "Lead time (days, rolling window)", leadCount: "Items"}

var prCounts = countNames{prefix: "pr", count: "Merged", countID: "merged", barStyle: chart.MergedStyle, unit: "PRs", doneVerb: "merged",
	throughputTitle: "Pull requests merged per week", throughputY: "Pull requests", throughputCaption: "Pull requests merged per week",
	variationTitle: "Variation of weekly merges", variationCaption: "Variation of weekly merges",
	leadTitle: "PR lead time: days from opened to merged (rolling)", leadCaption: "PR lead time (days, rolling window)", leadCount: "PRs"}

func (s rollingSeries) lastComplete() *rollingWeek {
	for i := len(s.Weeks) - 1; i >= 0; i-- {
		if !s.Weeks[i].Partial {
			return &s.Weeks[i]
		}
	}
	return nil
}

// stats are the counts of the complete weeks, the flat likelihood levels
// and the last complete week's lead-time levels; total is the first.
func (s rollingSeries) stats(n countNames) (total int, stats []views.Stat) {
	for _, w := range s.Weeks {
		if !w.Partial {
			total += w.Count
		}
	}
	stats = append(stats, views.Stat{Label: n.count + " in complete weeks", Value: strconv.Itoa(total), TestID: "stat-" + n.countID})
	for _, l := range s.Flat {
		stats = append(stats, views.Stat{Label: fmt.Sprintf("%d%% of weeks %s at least", l.Percent, n.countID),
			Value: strconv.Itoa(l.Count), TestID: fmt.Sprintf("stat-flat-%d", l.Percent)})
	}
	if last := s.lastComplete(); last != nil {
		for _, l := range last.LeadTime {
			stats = append(stats, views.Stat{Label: fmt.Sprintf("%d%% %s within (last %d weeks)", l.Percent, n.doneVerb, s.Window),
				Value: days(l.Value), TestID: fmt.Sprintf("stat-lead-%d", l.Percent)})
		}
	}
	return total, stats
}

// throughputChart: bars of the weekly count, stepped lines of the rolling
// likelihood levels, flat lines of the range's.
func (q quadrantCharts) throughputChart(s rollingSeries, n countNames) *chart.Chart {
	var bars []chart.Datum
	lines := map[int][]chart.Datum{}
	for _, w := range s.Weeks {
		x := q.at(w.Monday)
		bars = append(bars, chart.Datum{X: x, Y: float64(w.Count), Partial: w.Partial})
		for _, p := range s.Percents {
			y := chart.Missing
			for _, l := range w.Likelihood {
				if l.Percent == p {
					y = float64(l.Count)
				}
			}
			lines[p] = append(lines[p], chart.Datum{X: x, Y: y})
		}
	}
	layers := []chart.Layer{&chart.Bars{ID: n.countID, PartialLabel: "This week (so far)",
		Series: []chart.Series{{Name: n.count, Style: n.barStyle, Data: bars}}}}
	for _, p := range s.Percents {
		layers = append(layers, &chart.Line{ID: fmt.Sprintf("p%d", p), Name: pctLabel(p) + " (rolling)", Style: chart.Likelihood(p), Step: true, Data: lines[p]})
	}
	for _, l := range s.Flat {
		st := chart.Likelihood(l.Percent)
		st.Width = 1
		layers = append(layers, &chart.HLine{ID: fmt.Sprintf("flat%d", l.Percent), Name: fmt.Sprintf("%d%% over the range", l.Percent),
			Y: float64(l.Count), Label: fmt.Sprintf("%d%% ≥ %d", l.Percent, l.Count), Style: st})
	}
	return &chart.Chart{Width: gridChartWidth, ID: n.prefix + "throughput", Title: n.throughputTitle, YLabel: n.throughputY,
		X: q.xScale(), Y: chart.Linear{Integer: true, Unit: n.unit}, Layers: withMarkers(layers, q.markers()), Class: "chart-fluid"}
}

// variationChart is the rolling variation of the weekly count.
func (q quadrantCharts) variationChart(s rollingSeries, n countNames) *chart.Chart {
	var data []chart.Datum
	for _, w := range s.Weeks {
		y := chart.Missing
		if v, ok := w.Variation.Get(); ok {
			y = v
		}
		data = append(data, chart.Datum{X: q.at(w.Monday), Y: y})
	}
	layers := []chart.Layer{&chart.Line{ID: "variation", Name: "Variation (rolling)", Style: chart.Style{Color: chart.Purple}, Data: data}}
	return &chart.Chart{Width: gridChartWidth, ID: n.prefix + "variation", Title: n.variationTitle, YLabel: "Std dev ÷ mean",
		X: q.xScale(), Y: chart.Linear{}, Layers: withMarkers(layers, q.markers()), Class: "chart-fluid"}
}

// leadTimeChart is a line of each rolling lead-time level.
func (q quadrantCharts) leadTimeChart(s rollingSeries, n countNames, unit string) *chart.Chart {
	lines := map[int][]chart.Datum{}
	for _, w := range s.Weeks {
		for _, p := range s.Percents {
			y := chart.Missing
			for _, l := range w.LeadTime {
				if l.Percent == p {
					y = l.Value
				}
			}
			lines[p] = append(lines[p], chart.Datum{X: q.at(w.Monday), Y: y})
		}
	}
	var layers []chart.Layer
	for _, p := range s.Percents {
		layers = append(layers, &chart.Line{ID: fmt.Sprintf("p%d", p), Name: fmt.Sprintf("%d%% %s within", p, n.doneVerb), Style: chart.Likelihood(p), Data: lines[p], Dots: true})
	}
	return &chart.Chart{Width: gridChartWidth, ID: n.prefix + "leadtime", Title: n.leadTitle, YLabel: unit,
		X: q.xScale(), Y: chart.Linear{Unit: "days"}, Layers: withMarkers(layers, q.markers()), Class: "chart-fluid"}
}

func (w rollingWeek) row(id string, cells ...string) views.Row {
	return weekRow(id, flow.Week{Monday: w.Monday, Partial: w.Partial}, cells...)
}

// throughputTable lists the weekly count and its likelihood levels.
func (s rollingSeries) throughputTable(n countNames) views.Table {
	t := views.Table{Caption: n.throughputCaption, Head: []string{"Week", n.count}}
	for _, p := range s.Percents {
		t.Head = append(t.Head, fmt.Sprintf("%d%% likely", p))
	}
	for _, w := range s.Weeks {
		cells := []string{strconv.Itoa(w.Count)}
		for _, p := range s.Percents {
			cells = append(cells, countAt(w.Likelihood, p))
		}
		t.Rows = append(t.Rows, w.row(n.prefix+"tp", cells...))
	}
	return t
}

// variationTable lists the rolling variation (and the weeks it is over).
func (s rollingSeries) variationTable(n countNames) views.Table {
	t := views.Table{Caption: n.variationCaption, Head: []string{"Week", "Variation"}}
	if n.windowColumn {
		t.Head = append(t.Head, "Weeks in window")
	}
	for _, w := range s.Weeks {
		v, ww := "–", "–"
		if x, ok := w.Variation.Get(); ok {
			// Rounded once, half away from zero, in both views (rounding
			// to 4 places first could turn 0.114999 into 0.12).
			v = strconv.FormatFloat(math.Round(x*100)/100, 'f', 2, 64)
		}
		if x, ok := w.WindowWeeks.Get(); ok {
			ww = strconv.Itoa(x)
		}
		cells := []string{v}
		if n.windowColumn {
			cells = append(cells, ww)
		}
		t.Rows = append(t.Rows, w.row(n.prefix+"var", cells...))
	}
	return t
}

// leadTable lists the rolling lead-time levels and how many they are over.
func (s rollingSeries) leadTable(n countNames) views.Table {
	t := views.Table{Caption: n.leadCaption, Head: []string{"Week"}}
	for _, p := range s.Percents {
		t.Head = append(t.Head, fmt.Sprintf("%d%%", p))
	}
	t.Head = append(t.Head, n.leadCount)
	for _, w := range s.Weeks {
		var cells []string
		for _, p := range s.Percents {
			cells = append(cells, levelAt(w.LeadTime, p))
		}
		cells = append(cells, strconv.Itoa(w.LeadItems))
		t.Rows = append(t.Rows, w.row(n.prefix+"lt", cells...))
	}
	return t
}

// writeThroughputCSV writes a throughput CSV: week, partial, the count,
// a likely_N column per level, then the extra columns of each week (by
// index).
func (s rollingSeries) writeThroughputCSV(c *csvWriter, n countNames, extraHead []string, extra func(i int) []string) error {
	head := []string{"week", "partial", n.countID}
	for _, p := range s.Percents {
		head = append(head, fmt.Sprintf("likely_%d", p))
	}
	if err := c.Write(append(head, extraHead...)...); err != nil {
		return err
	}
	for i, wk := range s.Weeks {
		row := []string{wk.Monday.String(), strconv.FormatBool(wk.Partial), strconv.Itoa(wk.Count)}
		for _, p := range s.Percents {
			v := countAt(wk.Likelihood, p)
			if v == "–" {
				v = ""
			}
			row = append(row, v)
		}
		if err := c.Write(append(row, extra(i)...)...); err != nil {
			return err
		}
	}
	return nil
}

// likelihoodJSON is count levels by percent (nil for none).
func likelihoodJSON(levels []flow.CountLevel) map[string]int {
	if levels == nil {
		return nil
	}
	out := map[string]int{}
	for _, l := range levels {
		out[strconv.Itoa(l.Percent)] = l.Count
	}
	return out
}

// leadJSON is lead-time levels by percent, in days (nil for none).
func leadJSON(levels []flow.Level) map[string]float64 {
	if levels == nil {
		return nil
	}
	out := map[string]float64{}
	for _, l := range levels {
		out[strconv.Itoa(l.Percent)] = round4(l.Value)
	}
	return out
}
