package web

import (
	"math"
	"slices"
	"strconv"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/web/chart"
)

// throughputChart: delivered items per quarter (the current one hatched)
// and the flat 50/80/90% lines over the complete quarters.
func (q *quarterly) throughputChart() *chart.Chart {
	return q.barsChart(barsSpec{id: "quarterly", title: "Throughput: items delivered per quarter", yLabel: "Items delivered",
		layer: "delivered", name: "Delivered", style: chart.ThroughputStyle})
}

// scatterChart: one point per delivered item (x = done, y = lead time),
// coloured by work type, linked to JIRA; quarter bands, per-quarter
// percentile lines, release tags; drag-to-zoom.
func (q *quarterly) scatterChart(issueURL func(string) string) *chart.Chart {
	return q.quarters.scatterChart(scatterSpec{id: "leadtime", title: "Lead time of each delivered item", yFrom: "from start to done",
		points: q.scatterLayers(issueURL),
		maxLead: func() float64 {
			return maxOf(q.points, func(p *flow.ScatterPoint) float64 { return p.LeadTime })
		}})
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
	detailed := len(q.points) <= maxDetailed
	byType := map[string]int{} // issue type -> series index
	seriesOf := func(typ string) int {
		si, ok := byType[typ]
		if !ok {
			for _, wt := range q.d.Flow.WorkTypesOf(typ) {
				if slices.Contains(shown, wt) {
					si = slices.Index(names, wt)
					break
				}
			}
			si = max(si, 0)
			byType[typ] = si
		}
		return si
	}
	// Counted first: the biggest boards' default view has 100,000s of
	// points, each series allocated once.
	sizes := make([]int, len(names))
	for i := range q.points {
		sizes[seriesOf(q.points[i].Type)]++
	}
	data := make([][]chart.Datum, len(names))
	for i, n := range sizes {
		data[i] = make([]chart.Datum, 0, n)
	}
	for _, pt := range q.points {
		si := seriesOf(pt.Type)
		dt := chart.Datum{X: chart.T(pt.Done), Y: pt.LeadTime, Label: pt.Key, Href: issueURL(pt.Key)}
		if detailed {
			dt.Title = q.issueTitle(pt)
		}
		data[si] = append(data[si], dt)
	}
	var out []chart.Layer
	for i, n := range names {
		if slices.Contains(shown, n) {
			out = append(out, scatterLayer("wt-"+stateID(n), n, i, data[i], detailed, q.detailsURL()))
		}
	}
	return out
}

// issueTitle is a point's hover text: key, summary, lead time, done date,
// blocked time.
func (q *quarterly) issueTitle(pt flow.ScatterPoint) string {
	what := pt.Key
	if s := q.summary(pt); s != "" {
		what += " · " + s
	}
	t := q.pointTitle(what, pt.LeadTime, pt.Done, pt.Noise)
	if b := q.blockedText(pt); b != "" {
		t += "\n" + b
	}
	return t
}

func (q *quarterly) summary(pt flow.ScatterPoint) string {
	if row := q.d.Byid[pt.ID]; row != nil {
		return row.Summary
	}
	return ""
}

// blockedText is a point's blocked time (JIRA's Flagged, between start and
// done) and its share of the lead time: "Blocked: 1.25 working days (31%)".
func (q *quarterly) blockedText(pt flow.ScatterPoint) string {
	b, ok := pt.Blocked.Get()
	if !ok {
		return ""
	}
	t := "Blocked: " + days(b) + " " + q.unit()
	if b > 0 && pt.LeadTime > 0 {
		t += " (" + strconv.FormatFloat(math.Round(100*b/pt.LeadTime), 'f', 0, 64) + "% of the lead time)"
	}
	return t
}

// pointDetails are the hover texts a compact scatterplot fetches (see
// chart.Scatter.Details), as JSON: per key, the summary and the blocked
// time.
func (q *quarterly) pointDetails() []byte {
	var pd pointsJSON
	pd.b = make([]byte, 0, 80*len(q.points))
	for _, pt := range q.points {
		if b := q.blockedText(pt); b != "" {
			pd.add(pt.Key, q.summary(pt), b)
		} else {
			pd.add(pt.Key, q.summary(pt))
		}
	}
	return pd.done()
}

// detailsURL is where the compact scatterplot fetches its hover texts: the
// view's query, so the same points.
func (q *quarterly) detailsURL() string {
	return withQuery(boardPath(q.b)+"/quarterly-points.json", encodeQuarterly(q.p.Canonical(q.b)))
}
