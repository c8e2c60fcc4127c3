package chart

import (
	"strings"
	"testing"
	"time"
)

// Years of release tags on one chart: the markers recede (faint group) so
// the points stay readable; a handful stay at full strength.
func TestDenseMarkersRecede(t *testing.T) {
	t.Parallel()
	mon := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	markers := func(n int) *Chart {
		var items []Marker
		for i := range n {
			items = append(items, Marker{X: T(mon.AddDate(0, 0, i*7/n)), Label: "v" + string(rune('a'+i%26))})
		}
		return &Chart{ID: "m", X: Time{Period: Week}, Layers: []Layer{
			&Bars{Series: []Series{{Data: weeks(time.UTC, mon, 1, 2, 3, 4, 5, 6, 7, 8)}}},
			&Markers{ID: "tags", Name: "Tags", Style: TagStyle, Items: items},
		}}
	}
	_, d := renderDoc(t, markers(200))
	g := d.Find(`[data-testid="m-tags"]`)
	if !g.HasClass("chart-markers-dense") || g.AttrOr("opacity", "") == "" {
		t.Errorf("200 markers in a week: class %q opacity %q; want faint", g.AttrOr("class", ""), g.AttrOr("opacity", ""))
	}
	if g.Find("g.chart-marker").Length() != 200 {
		t.Errorf("dense markers dropped: %d drawn", g.Find("g.chart-marker").Length())
	}
	_, d = renderDoc(t, markers(3))
	if g := d.Find(`[data-testid="m-tags"]`); g.HasClass("chart-markers-dense") || g.AttrOr("opacity", "") != "" {
		t.Errorf("3 markers drawn faint: class %q", g.AttrOr("class", ""))
	}
}

// Band labels longer than their band are cut with an ellipsis, not
// dropped: every column of the aging chart keeps its name.
func TestLongBandLabelsAreCutNotDropped(t *testing.T) {
	t.Parallel()
	names := []string{"Selected for Development", "In Progress", "Code Review", "QA"}
	var data []Datum
	for i := range names {
		data = append(data, Datum{X: float64(i), Y: float64(i + 1)})
	}
	c := &Chart{ID: "a", Width: 560, X: Band{Labels: names, Key: "column"}, Layers: []Layer{&Bars{Series: []Series{{Data: data}}}}}
	_, d := renderDoc(t, c)
	labels := d.Find(`[data-testid="a-x-axis"] text`)
	if labels.Length() != len(names) {
		t.Fatalf("%d band labels (%q); want %d", labels.Length(), labels.Text(), len(names))
	}
	if first := labels.First().Text(); !strings.HasPrefix(first, "Selected") || !strings.HasSuffix(first, "…") {
		t.Errorf("long label %q: want it cut with an ellipsis", first)
	}
	if got := labels.Eq(1).Text(); got != "In Progress" {
		t.Errorf("short label %q", got)
	}
}

// The current quarter's band starts near the right edge: its label keeps
// to the band (dropping "(so far)") rather than landing on the band before.
func TestBandLabelAtRightEdgeStaysOnItsBand(t *testing.T) {
	t.Parallel()
	jan := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c := &Chart{ID: "q", Width: 960, X: Time{From: jan, To: jan.AddDate(0, 9, 19)}, Layers: []Layer{
		&Bands{ID: "quarters", Labels: true, Items: []Span{
			{X0: T(jan.AddDate(0, 6, 0)), X1: T(jan.AddDate(0, 9, 0)), Label: "Q3 2025"},
			{X0: T(jan.AddDate(0, 9, 0)), X1: T(jan.AddDate(1, 0, 0)), Label: "Q4 2025 (so far)"},
		}},
		&Line{Data: []Datum{{X: T(jan), Y: 1}, {X: T(jan.AddDate(0, 9, 10)), Y: 2}}},
	}}
	_, d := renderDoc(t, c)
	strip := d.Find("text.chart-strip-label")
	if strip.Length() != 2 || strip.Eq(1).Text() != "Q4 2025" {
		t.Fatalf("strip labels %q; want Q3 2025 and Q4 2025", strip.Text())
	}
	band := d.Find(`[data-testid="q-quarters-1"]`)
	if attrF(t, strip.Eq(1), "x") < attrF(t, band, "x") {
		t.Errorf("Q4 label at x=%v, left of its band at %v", attrF(t, strip.Eq(1), "x"), attrF(t, band, "x"))
	}
}
