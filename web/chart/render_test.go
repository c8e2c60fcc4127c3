package chart

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var nan = math.NaN()

func TestWeeklyBarsAcrossDST(t *testing.T) {
	t.Parallel()
	berlin := mustLoc(t, "Europe/Berlin")
	mon := time.Date(2025, 3, 17, 0, 0, 0, 0, berlin)
	data := weeks(berlin, mon, 3, 0, nan, 5)
	data[3].Partial = true
	c := &Chart{
		ID: "tp", Title: "Throughput", X: Time{Loc: berlin, Period: Week}, Y: Linear{Integer: true, Unit: "items"},
		Layers: []Layer{&Bars{ID: "delivered", PartialLabel: "This week (partial)", Series: []Series{{Name: "Delivered", Style: ThroughputStyle, Data: data}}}},
	}
	_, d := renderDoc(t, c)
	bars := d.Find(`[data-testid="tp-delivered"] rect.chart-bar`)
	// The missing week has no bar at all; the zero week has one.
	if bars.Length() != 3 {
		t.Fatalf("%d bars; want 3", bars.Length())
	}
	want := []struct{ week, value, testid string }{
		{"2025-03-17", "3", "tp-delivered-2025-03-17"},
		{"2025-03-24", "0", "tp-delivered-2025-03-24"},
		{"2025-04-07", "5", "tp-delivered-2025-04-07"},
	}
	for i, w := range want {
		b := bars.Eq(i)
		if b.AttrOr("data-week", "") != w.week || b.AttrOr("data-value", "") != w.value || b.AttrOr("data-testid", "") != w.testid {
			t.Errorf("bar %d: week %q value %q testid %q; want %+v", i, b.AttrOr("data-week", ""), b.AttrOr("data-value", ""), b.AttrOr("data-testid", ""), w)
		}
	}
	if d.Find(`[data-week="2025-03-31"]`).Length() != 0 {
		t.Error("the missing week has a mark")
	}
	if got := bars.Eq(0).Find("title").Text(); got != "Week of 17 Mar 2025\nDelivered: 3 items" {
		t.Errorf("hover text %q", got)
	}
	partial := d.Find(`[data-partial="true"]`)
	if partial.Length() != 1 || partial.AttrOr("data-week", "") != "2025-04-07" || !strings.HasPrefix(partial.AttrOr("fill", ""), "url(#tp-hatch") {
		t.Errorf("partial bar: %d, week %q, fill %q", partial.Length(), partial.AttrOr("data-week", ""), partial.AttrOr("fill", ""))
	}
	if d.Find(`pattern#tp-hatch0`).Length() != 1 {
		t.Error("no hatch pattern in defs")
	}
	if !strings.Contains(d.Find(`[data-testid="tp-legend"]`).Text(), "This week (partial)") {
		t.Error("legend does not explain the hatched bar")
	}
	// The week with the DST change is an hour shorter: bar widths differ
	// by under 1%, never by a day.
	w0, w1 := attrF(t, bars.Eq(0), "width"), attrF(t, bars.Eq(1), "width")
	if math.Abs(w0-w1) > 0.02*w0 {
		t.Errorf("bar widths %v and %v", w0, w1)
	}
	// Zero bar: height 0 on the baseline.
	if h := attrF(t, bars.Eq(1), "height"); h != 0 {
		t.Errorf("zero bar height %v", h)
	}
}

func TestLineGaps(t *testing.T) {
	t.Parallel()
	mon := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	four := 4.0
	ys := []float64{1, Value(nil), 3, Value(&four), nan, 6}
	c := &Chart{ID: "lt", X: Time{Period: Week}, Layers: []Layer{&Line{ID: "p80", Name: "80%", Style: Likelihood(80), Data: weeks(time.UTC, mon, ys...)}}}
	_, d := renderDoc(t, c)
	path := d.Find(`[data-testid="lt-p80"] path`).AttrOr("d", "")
	// Three runs: [1], [3 4], [6]: three moves, one line-to. Nothing is
	// drawn at zero for the gaps.
	if m, l := strings.Count(path, "M"), strings.Count(path, "L"); m != 3 || l != 1 {
		t.Errorf("path %q: %d moves, %d lines; want 3 and 1", path, m, l)
	}
	pts := d.Find(`[data-testid="lt-p80"] circle`)
	if pts.Length() != 4 {
		t.Fatalf("%d points; want 4", pts.Length())
	}
	for _, wk := range []string{"2025-01-13", "2025-02-03"} {
		if d.Find(`[data-week="`+wk+`"]`).Length() != 0 {
			t.Errorf("missing week %s has a mark", wk)
		}
	}
	// Isolated points (1 and 6) are visible; joined ones are hover targets
	// (transparent through their group).
	if d.Find(`[data-testid="lt-p80"] g.chart-points`).AttrOr("fill-opacity", "") != "0" {
		t.Error("hover targets visible")
	}
	if pts.Eq(0).AttrOr("fill-opacity", "") != "1" || pts.Eq(3).AttrOr("fill-opacity", "") != "1" {
		t.Error("isolated points are invisible")
	}
	if _, ok := pts.Eq(1).Attr("fill-opacity"); ok {
		t.Error("joined points drawn as dots")
	}
	if got := pts.Eq(2).AttrOr("data-testid", ""); got != "lt-p80-2025-01-27" {
		t.Errorf("point testid %q", got)
	}
	if d.Find(`[data-testid="lt-p80"] path`).AttrOr("stroke-dasharray", "") != "7 4" {
		t.Error("80% line is not dashed")
	}
}

func TestStepLineFollowsWeeks(t *testing.T) {
	t.Parallel()
	mon := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	c := &Chart{ID: "s", X: Time{Period: Week}, Layers: []Layer{
		&Bars{Series: []Series{{Name: "n", Data: weeks(time.UTC, mon, 1, 2, 3)}}},
		&Line{ID: "p50", Step: true, Dots: true, Data: weeks(time.UTC, mon, 2, 2, nan)},
	}}
	_, d := renderDoc(t, c)
	path := d.Find(`[data-testid="s-p50"] path`).AttrOr("d", "")
	if !regexp.MustCompile(`^M[\d.]+ [\d.]+H[\d.]+V[\d.]+H[\d.]+$`).MatchString(path) {
		t.Errorf("step path %q", path)
	}
	// The step spans exactly the bars' weeks: from the first Monday to the
	// third.
	r, _ := c.layout()
	m := regexp.MustCompile(`[\d.]+`).FindAllString(path, -1)
	x0, _ := strconv.ParseFloat(m[0], 64)
	x1, _ := strconv.ParseFloat(m[len(m)-1], 64)
	if math.Abs(x0-r.px(T(mon))) > 0.06 || math.Abs(x1-r.px(T(mon.AddDate(0, 0, 14)))) > 0.06 {
		t.Errorf("step from %v to %v; want %v to %v", x0, x1, r.px(T(mon)), r.px(T(mon.AddDate(0, 0, 14))))
	}
	if _, ok := d.Find(`[data-testid="s-p50"] g.chart-points`).Attr("fill-opacity"); ok {
		t.Error("Dots: points invisible")
	}
}

func TestStackedBarsSumToTotal(t *testing.T) {
	t.Parallel()
	mon := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	merged := weeks(time.UTC, mon, 120, 0, 40)
	rejected := weeks(time.UTC, mon, 30, 15, nan)
	other := weeks(time.UTC, mon, 7, 5, 2)
	c := &Chart{ID: "vol", X: Time{Period: Week}, Y: Linear{Integer: true}, Layers: []Layer{&Bars{ID: "lines", Stacked: true, Series: []Series{
		{Name: "Merged", Style: MergedStyle, Data: merged},
		{Name: "Rejected", Style: RejectedStyle, Data: rejected},
		{ID: "other", Name: "Other", Data: other},
	}}}}
	_, d := renderDoc(t, c)
	r, _ := c.layout()
	totals := map[string]float64{"2025-01-06": 157, "2025-01-13": 20, "2025-01-20": 42}
	for wk, total := range totals {
		rects := d.Find(`[data-week="` + wk + `"]`)
		top := rects.Last()
		if got := top.AttrOr("data-stack-top", ""); got != fmtValue(total) {
			t.Errorf("week %s: stack top %q; want %v", wk, got, total)
		}
		// Geometry: the rects touch, and the top edge is at the total.
		sum := 0.0
		for i := range rects.Length() {
			sum += attrF(t, rects.Eq(i), "height")
		}
		if want := r.py(0) - r.py(total); math.Abs(sum-want) > 0.2 {
			t.Errorf("week %s: heights sum to %v px; want %v", wk, sum, want)
		}
		if y := attrF(t, top, "y"); math.Abs(y-r.py(total)) > 0.1 {
			t.Errorf("week %s: top edge at %v; want %v", wk, y, r.py(total))
		}
	}
	if got := d.Find(`[data-testid="vol-lines-other-2025-01-06"]`).AttrOr("data-value", ""); got != "7" {
		t.Errorf("testid lookup: %q", got)
	}
	if !strings.Contains(d.Find(`[data-testid="vol-lines-other-2025-01-06"] title`).Text(), "Total: 157") {
		t.Error("top of stack does not show the total")
	}
	// The Y domain reaches the highest stack.
	if r.y.d1 < 157 {
		t.Errorf("y domain ends at %v", r.y.d1)
	}
}

func TestGroupedBarsOnBands(t *testing.T) {
	t.Parallel()
	c := &Chart{ID: "q", X: Band{Labels: []string{"Q1 2025", "Q2 2025"}, Key: "quarter"}, Layers: []Layer{&Bars{Series: []Series{
		{Name: "Stories", Data: []Datum{{X: 0, Y: 4}, {X: 1, Y: 6}}},
		{Name: "Bugs", Data: []Datum{{X: 0, Y: 2}, {X: 1, Y: 1}}},
	}}}}
	_, d := renderDoc(t, c)
	a := d.Find(`[data-testid="q-bars-stories-q1-2025"]`)
	b := d.Find(`[data-testid="q-bars-bugs-q1-2025"]`)
	if a.Length() != 1 || b.Length() != 1 {
		t.Fatalf("grouped bars not found: %d %d", a.Length(), b.Length())
	}
	if a.AttrOr("data-quarter", "") != "Q1 2025" {
		t.Errorf("band key %q", a.AttrOr("data-quarter", ""))
	}
	if !(attrF(t, a, "x")+attrF(t, a, "width") <= attrF(t, b, "x")) {
		t.Error("grouped bars overlap")
	}
	if math.Abs(attrF(t, a, "width")-attrF(t, b, "width")) > 0.1 {
		t.Error("grouped bars differ in width")
	}
	// Band tick labels sit under the band centres.
	labels := d.Find(`[data-testid="q-x-axis"] text`)
	if labels.Length() != 2 || labels.First().Text() != "Q1 2025" {
		t.Errorf("band labels: %q", labels.Text())
	}
}

func TestStackedAreaCFD(t *testing.T) {
	t.Parallel()
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	days := func(ys ...float64) []Datum {
		out := make([]Datum, len(ys))
		for i, y := range ys {
			out[i] = Datum{X: T(day.AddDate(0, 0, i)), Y: y}
		}
		return out
	}
	c := &Chart{ID: "cfd", X: Time{Period: Day}, Y: Linear{Integer: true}, Layers: []Layer{&Area{ID: "flow", Series: []Series{
		{Name: "Done", Data: days(0, 1, 3, 4)},
		{Name: "Doing", Data: days(2, 2, 1, nan)},
		{Name: "To Do", Data: days(3, 4, 4, 5)},
	}}}}
	_, d := renderDoc(t, c)
	cols := d.Find(`[data-testid="cfd-flow"] rect.chart-hit`)
	if cols.Length() != 4 {
		t.Fatalf("%d hover columns; want 4", cols.Length())
	}
	wantTotals := []string{"5", "7", "8", "9"}
	wantVals := []string{"0,2,3", "1,2,4", "3,1,4", "4,,5"}
	for i := range 4 {
		col := cols.Eq(i)
		if col.AttrOr("data-total", "") != wantTotals[i] || col.AttrOr("data-values", "") != wantVals[i] {
			t.Errorf("day %d: total %q values %q; want %s %s", i, col.AttrOr("data-total", ""), col.AttrOr("data-values", ""), wantTotals[i], wantVals[i])
		}
	}
	if got := cols.Eq(2).Find("title").Text(); got != "3 Mar 2025\nTo Do: 4\nDoing: 1\nDone: 3\nTotal: 8" {
		t.Errorf("column hover %q", got)
	}
	if got := cols.Eq(3).AttrOr("data-testid", ""); got != "cfd-flow-2025-03-04" {
		t.Errorf("column testid %q", got)
	}
	// The top band's upper edge at day 2 is the total, 8.
	r, _ := c.layout()
	top := d.Find(`[data-testid="cfd-flow-to-do"]`).AttrOr("d", "")
	nums := regexp.MustCompile(`-?[\d.]+`).FindAllString(top, -1)
	y2, _ := strconv.ParseFloat(nums[5], 64) // third point: x, y pairs
	if math.Abs(y2-r.py(8)) > 0.06 {
		t.Errorf("top edge at day 2: %v; want %v", y2, r.py(8))
	}
	// The band with a missing day splits into two polygons.
	if got := strings.Count(d.Find(`[data-testid="cfd-flow-doing"]`).AttrOr("d", ""), "M"); got != 1 {
		t.Errorf("doing band has %d runs; want 1 (days 1-3)", got)
	}

	bad := &Chart{Layers: []Layer{&Area{Series: []Series{{Data: days(1, 2)}, {Data: days(1)}}}}}
	if err := bad.Render(&bytes.Buffer{}); err == nil {
		t.Error("areas of different lengths accepted")
	}
	shifted := days(1, 2)
	shifted[1].X++
	bad = &Chart{Layers: []Layer{&Area{Series: []Series{{Data: days(1, 2)}, {Data: shifted}}}}}
	if err := bad.Render(&bytes.Buffer{}); err == nil {
		t.Error("areas on different X accepted")
	}
	empty := &Chart{Layers: []Layer{&Area{}}}
	if err := empty.Render(&bytes.Buffer{}); err != nil {
		t.Error(err)
	}
}

func TestScatterDetailed(t *testing.T) {
	t.Parallel()
	day := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	c := &Chart{ID: "sc", X: Time{}, Y: Linear{Unit: "days"}, Layers: []Layer{&Scatter{Name: "Story", Data: []Datum{
		{X: T(day), Y: 3.25, Label: "PROJ-1", Href: "https://jira.example.com/browse/PROJ-1"},
		{X: T(day.AddDate(0, 0, 2)), Y: 10, Label: "PROJ-2", Href: "javascript:alert(1)", Title: "PROJ-2 · Login"},
		{X: T(day.AddDate(0, 0, 4)), Y: nan, Label: "PROJ-3"},
	}}}}
	_, d := renderDoc(t, c)
	dots := d.Find(`[data-testid="sc-story"] circle`)
	if dots.Length() != 2 {
		t.Fatalf("%d dots; want 2 (missing value skipped)", dots.Length())
	}
	link := d.Find(`[data-testid="sc-story"] a`)
	if link.Length() != 1 || link.AttrOr("href", "") != "https://jira.example.com/browse/PROJ-1" ||
		link.AttrOr("target", "") != "_blank" || link.AttrOr("rel", "") != "noopener noreferrer" {
		t.Errorf("link: %d %q %q %q", link.Length(), link.AttrOr("href", ""), link.AttrOr("target", ""), link.AttrOr("rel", ""))
	}
	if dots.First().AttrOr("data-value", "") != "3.25" || dots.First().AttrOr("data-label", "") != "PROJ-1" || dots.First().AttrOr("data-x", "") != "2025-03-03" {
		t.Error("dot data attributes")
	}
	if got := dots.First().Find("title").Text(); got != "PROJ-1\n3.25 days\n3 Mar 2025" {
		t.Errorf("generated hover %q", got)
	}
	if got := dots.Eq(1).Find("title").Text(); got != "PROJ-2 · Login" {
		t.Errorf("given hover %q", got)
	}
}

// decodePath reads a compact scatter path the way chart.js does.
func decodePath(d string) (xs, ys []float64) {
	nums := regexp.MustCompile(`-?(?:\d+\.?\d*|\.\d+)`).FindAllString(d, -1)
	x, y := 0.0, 0.0
	for i := 0; i+2 < len(nums); i += 3 {
		a, _ := strconv.ParseFloat(nums[i], 64)
		b, _ := strconv.ParseFloat(nums[i+1], 64)
		if i == 0 {
			x, y = a, b
		} else {
			x, y = x+a, y+b
		}
		xs, ys = append(xs, x), append(ys, y)
	}
	return xs, ys
}

func TestScatterCompact(t *testing.T) {
	t.Parallel()
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var data []Datum
	for i := range 1500 {
		key := "PROJ-" + strconv.Itoa(1000+i)
		// Descending X: the path must sort them.
		data = append(data, Datum{X: T(day.AddDate(0, 0, (1499-i)/5)), Y: float64(i%40) + 0.5, Label: key, Href: "https://jira.example.com/browse/" + key})
	}
	c := &Chart{ID: "big", Y: Linear{Unit: "days"}, X: Time{}, Layers: []Layer{&Scatter{Name: "Story", Data: data}}}
	_, d := renderDoc(t, c)
	p := d.Find(`path[data-testid="big-story"]`)
	if p.Length() != 1 || p.AttrOr("data-count", "") != "1500" {
		t.Fatalf("compact path: %d, count %q", p.Length(), p.AttrOr("data-count", ""))
	}
	if p.AttrOr("data-label-prefix", "") != "PROJ-" || p.AttrOr("data-href-prefix", "") != "https://jira.example.com/browse/" || p.AttrOr("data-href-from", "") != "label" {
		t.Errorf("prefixes: %q %q %q", p.AttrOr("data-label-prefix", ""), p.AttrOr("data-href-prefix", ""), p.AttrOr("data-href-from", ""))
	}
	var cols struct {
		D0 string    `json:"d0"`
		DX []int     `json:"dx"`
		X  []string  `json:"x"`
		Y  []float64 `json:"y"`
		K  []string  `json:"k"`
		H  []*string `json:"h"`
	}
	if err := json.Unmarshal([]byte(p.AttrOr("data-points", "")), &cols); err != nil {
		t.Fatal(err)
	}
	if len(cols.DX) != 1500 || len(cols.Y) != 1500 || len(cols.K) != 1500 || cols.H != nil || cols.X != nil {
		t.Fatalf("columns %d %d %d %v", len(cols.DX), len(cols.Y), len(cols.K), cols.H != nil)
	}
	// Sorted by X, stable: the first point is the first datum of the
	// earliest day (i = 1495); five points a day: steps 0,0,0,0,0,1,0...
	if cols.D0 != "2025-01-01" || cols.K[0] != "2495" || cols.Y[0] != 15.5 {
		t.Errorf("first point %q %q %v", cols.D0, cols.K[0], cols.Y[0])
	}
	day0, _ := time.Parse("2006-01-02", cols.D0)
	days := 0
	for i, dx := range cols.DX {
		days += dx
		want := (1499 - (1495 - 5*(i/5) + i%5)) / 5 // the datum's day
		if got := day0.AddDate(0, 0, days).Format("2006-01-02"); got != day.AddDate(0, 0, want).Format("2006-01-02") {
			t.Fatalf("point %d on %s; want day %d", i, got, want)
		}
	}
	// Decoding the relative path gives back every point's position.
	r, _ := c.layout()
	xs, ys := decodePath(p.AttrOr("d", ""))
	if len(xs) != 1500 {
		t.Fatalf("path has %d points", len(xs))
	}
	byKey := map[string]Datum{}
	for _, dt := range data {
		byKey[dt.Label] = dt
	}
	for i := range xs {
		dt := byKey["PROJ-"+cols.K[i]]
		if math.Abs(xs[i]-r.px(dt.X)) > 0.06 || math.Abs(ys[i]-r.py(dt.Y)) > 0.06 {
			t.Fatalf("point %d at (%v, %v); want (%v, %v)", i, xs[i], ys[i], r.px(dt.X), r.py(dt.Y))
		}
	}

	// Links that are not <base><label> get an h column.
	data[0].Href = "https://github.com/o/r/pull/7"
	data[1].Href = ""
	_, d = renderDoc(t, &Chart{ID: "big", X: Time{}, Layers: []Layer{&Scatter{Name: "Story", Data: data, MaxDetailed: -1}}})
	p = d.Find(`path[data-testid="big-story"]`)
	if _, ok := p.Attr("data-href-from"); ok {
		t.Error("mixed links marked as derived from labels")
	}
	if err := json.Unmarshal([]byte(p.AttrOr("data-points", "")), &cols); err != nil {
		t.Fatal(err)
	}
	nulls, pr := 0, 0
	for i, h := range cols.H {
		if h == nil {
			nulls++
			continue
		}
		full := p.AttrOr("data-href-prefix", "") + *h
		if full == "https://github.com/o/r/pull/7" {
			pr++
		} else if full != "https://jira.example.com/browse/PROJ-"+cols.K[i] {
			t.Fatalf("link %d = %q", i, full)
		}
	}
	if nulls != 1 || pr != 1 {
		t.Errorf("%d points without link, %d PR links; want 1 and 1", nulls, pr)
	}
}

func TestScatterZoomDropsOutsidePoints(t *testing.T) {
	t.Parallel()
	var data []Datum
	for i := range 100 {
		data = append(data, Datum{X: float64(i), Y: float64(i)})
	}
	c := &Chart{ID: "z", X: Linear{Min: 10, Max: 20}, Y: Linear{Min: 0, Max: 15}, Layers: []Layer{&Scatter{Data: data}}}
	_, d := renderDoc(t, c)
	// x in [10, 20] and y in [0, 15]: 10..15.
	if got := d.Find("circle.chart-dot").Length(); got != 6 {
		t.Errorf("%d points drawn; want 6", got)
	}
	if got := d.Find(`[data-testid="chart-z"]`).AttrOr("data-x-domain", ""); got != "10 20" {
		t.Errorf("x domain %q", got)
	}
}

func TestReferenceLinesAndLabels(t *testing.T) {
	t.Parallel()
	c := &Chart{ID: "tp", X: Band{Labels: []string{"a", "b", "c"}}, Layers: []Layer{
		&Bars{Series: []Series{{Data: []Datum{{X: 0, Y: 5}, {X: 1, Y: 3}, {X: 2, Y: 4}}}}},
		&HLine{ID: "flat50", Y: 4, Label: "50% ≥ 4", Style: Likelihood(50)},
		&HLine{ID: "flat80", Y: 3, Label: "80% ≥ 3", Style: Likelihood(80)},
		&HLine{ID: "flat90", Y: 3, Label: "90% ≥ 3", Style: Likelihood(90)},
		&HLine{ID: "q1", Name: "80%", Y: 2, From: -0.5, To: 0.5, Style: Likelihood(80), Halo: true},
		&HLine{ID: "off", Y: 100, Label: "off the chart"},
		&HLine{ID: "gap", Y: nan, Label: "no value"},
	}}
	_, d := renderDoc(t, c)
	for id, v := range map[string]string{"tp-flat50": "4", "tp-flat80": "3", "tp-flat90": "3", "tp-q1": "2"} {
		if got := d.Find(`[data-testid="`+id+`"]`).AttrOr("data-value", ""); got != v {
			t.Errorf("%s value %q; want %s", id, got, v)
		}
	}
	// The Y domain grows to show a reference line; a missing one is not drawn.
	if d.Find(`[data-testid="tp-off"]`).Length() != 1 || d.Find(`[data-testid="tp-gap"]`).Length() != 0 {
		t.Error("line off the data or missing line")
	}
	labels := d.Find(".chart-hline-labels text")
	if labels.Length() != 4 {
		t.Fatalf("%d margin labels; want 4 (the segment has none)", labels.Length())
	}
	// Equal values: labels nudged apart, not on top of each other.
	ys := map[string]float64{}
	for i := range labels.Length() {
		ys[labels.Eq(i).Text()] = attrF(t, labels.Eq(i), "y")
	}
	if math.Abs(ys["80% ≥ 3"]-ys["90% ≥ 3"]) < 12 {
		t.Errorf("80%% and 90%% labels %v px apart", math.Abs(ys["80% ≥ 3"]-ys["90% ≥ 3"]))
	}
	if d.Find(`[data-testid="tp-q1"] line`).Eq(1).AttrOr("stroke-dasharray", "") != "7 4" { // after the halo
		t.Error("segment not dashed like 80%")
	}
	legend := d.Find(`[data-testid="tp-legend"]`).Text()
	if !strings.Contains(legend, "80%") {
		t.Errorf("legend %q", legend)
	}
}

func TestMarkersAndBands(t *testing.T) {
	t.Parallel()
	mon := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	c := &Chart{ID: "m", X: Time{Period: Week}, Layers: []Layer{
		&Bands{ID: "notes", Name: "Annotations", Labels: true, Items: []Span{
			{X0: T(mon.AddDate(0, 0, 7)), X1: T(mon.AddDate(0, 0, 21)), Label: "WIP limit 3"},
			{X0: T(mon.AddDate(1, 0, 0)), X1: T(mon.AddDate(1, 0, 7)), Label: "outside"},
		}},
		&Bands{ID: "partial", Name: "This week", Hatch: true, Items: []Span{{X0: T(mon.AddDate(0, 0, 28)), X1: T(mon.AddDate(0, 0, 35))}}},
		&Bars{Series: []Series{{Data: weeks(time.UTC, mon, 1, 2, 3, 4, 5)}}},
		&Markers{ID: "tags", Name: "Tags", Style: TagStyle, Labels: true, Items: []Marker{
			{X: T(mon.AddDate(0, 0, 3)), Label: "v1.0.0"},
			{X: T(mon.AddDate(0, 0, 4)), Label: "v1.0.1"}, // too close: no text
			{X: T(mon.AddDate(0, 0, 30)), Label: "v2.0.0", Title: "Release 2"},
			{X: T(mon.AddDate(2, 0, 0)), Label: "future"},
		}},
	}}
	_, d := renderDoc(t, c)
	tags := d.Find(`[data-testid="m-tags"] g.chart-marker`)
	if tags.Length() != 3 {
		t.Fatalf("%d markers; want 3 in range", tags.Length())
	}
	if tags.First().AttrOr("data-week", "") != "2025-01-09" || tags.First().AttrOr("data-label", "") != "v1.0.0" {
		t.Errorf("marker attrs %q %q", tags.First().AttrOr("data-week", ""), tags.First().AttrOr("data-label", ""))
	}
	if got := tags.First().Find("title").Text(); got != "v1.0.0\nWeek of 9 Jan 2025" {
		t.Errorf("marker hover %q", got)
	}
	if got := tags.Eq(2).Find("title").Text(); got != "Release 2" {
		t.Errorf("marker title %q", got)
	}
	strip := d.Find("text.chart-strip-label")
	var shown []string
	for i := range strip.Length() {
		shown = append(shown, strip.Eq(i).Text())
	}
	if strings.Join(shown, ",") != "v1.0.0,v2.0.0,WIP limit 3" && strings.Join(shown, ",") != "WIP limit 3,v1.0.0,v2.0.0" {
		t.Errorf("strip labels %q", shown)
	}
	band := d.Find(`[data-testid="m-notes-0"]`)
	if band.AttrOr("data-from", "") != "2025-01-13" || band.AttrOr("data-to", "") != "2025-01-27" || band.AttrOr("data-label", "") != "WIP limit 3" {
		t.Errorf("band attrs")
	}
	if d.Find(`[data-testid="m-notes-1"]`).Length() != 0 {
		t.Error("band outside the range drawn")
	}
	if !strings.HasPrefix(d.Find(`[data-testid="m-partial-0"]`).AttrOr("fill", ""), "url(#m-hatch") {
		t.Error("partial band not hatched")
	}
	legend := d.Find(`[data-testid="m-legend"]`).Text()
	for _, s := range []string{"Annotations", "This week", "Tags"} {
		if !strings.Contains(legend, s) {
			t.Errorf("legend lacks %q: %q", s, legend)
		}
	}
}

func TestAccessibilityAndStructure(t *testing.T) {
	t.Parallel()
	c := &Chart{ID: "Lead Time!", Title: "Lead time", XLabel: "Week", YLabel: "Days", X: Time{Period: Week},
		Layers: []Layer{&Line{Name: "50%", Data: weeks(time.UTC, time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC), 1, 2)}}}
	s, d := renderDoc(t, c)
	svg := d.Find("svg")
	if svg.AttrOr("role", "") != "img" || svg.AttrOr("data-testid", "") != "chart-lead-time" {
		t.Errorf("root: role %q testid %q", svg.AttrOr("role", ""), svg.AttrOr("data-testid", ""))
	}
	if d.Find("#"+svg.AttrOr("aria-labelledby", "x")).Text() != "Lead time" {
		t.Error("aria-labelledby does not name the title")
	}
	desc := d.Find("#" + svg.AttrOr("aria-describedby", "x")).Text()
	for _, want := range []string{"Lead time", "X axis (Week) from ", "Y axis (Days) from 0 to 2", "Series: 50%"} {
		if !strings.Contains(desc, want) {
			t.Errorf("desc %q lacks %q", desc, want)
		}
	}
	if strings.Contains(s, "style=") || strings.Contains(s, "<style") {
		t.Error("inline style (blocked by the CSP)")
	}
	for _, sel := range []string{`[data-testid="lead-time-x-axis"]`, `[data-testid="lead-time-y-axis"]`, "text.chart-title", "text.chart-axis-label"} {
		if d.Find(sel).Length() == 0 {
			t.Errorf("no %s", sel)
		}
	}
	c.Desc = "Given description"
	_, d = renderDoc(t, c)
	if d.Find("desc").Text() != "Given description" {
		t.Error("Desc ignored")
	}
}

func TestStandaloneAndComponent(t *testing.T) {
	t.Parallel()
	c := &Chart{ID: "a", Title: "T", Layers: []Layer{&Bars{Series: []Series{{Name: "n", Data: []Datum{{X: 1, Y: 2}, {X: 2, Y: 3}}}}}}}
	var inline, alone, comp bytes.Buffer
	if err := c.Render(&inline); err != nil {
		t.Fatal(err)
	}
	if err := c.Standalone(&alone); err != nil {
		t.Fatal(err)
	}
	if err := c.Component().Render(context.Background(), &comp); err != nil {
		t.Fatal(err)
	}
	if comp.String() != inline.String() {
		t.Error("component differs from Render")
	}
	const prolog = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
	if alone.String() != prolog+inline.String()+"\n" {
		t.Error("standalone is not prolog + inline svg")
	}
	if err := wellFormed(alone.String()); err != nil {
		t.Error(err)
	}
	if !strings.Contains(inline.String(), `xmlns="http://www.w3.org/2000/svg"`) {
		t.Error("no xmlns")
	}
	// Rendering is deterministic.
	var again bytes.Buffer
	_ = c.Render(&again)
	if again.String() != inline.String() {
		t.Error("two renders differ")
	}
	// Linear X with no period: bars as wide as the gap between them.
	_, d := renderDoc(t, c)
	if w := attrF(t, d.Find("rect.chart-bar").First(), "width"); w < 50 {
		t.Errorf("bar width %v", w)
	}
}

func TestZoomAttributes(t *testing.T) {
	t.Parallel()
	day := time.Date(2025, 3, 3, 0, 0, 0, 0, mustLoc(t, "Europe/Berlin"))
	c := &Chart{ID: "z", X: Time{Loc: day.Location()}, Zoom: &Zoom{Axes: "xy", Params: []string{"zx0", "zx1", `zy0"><script>`, "zy1"}},
		Layers: []Layer{&Scatter{Data: []Datum{{X: T(day), Y: 1}, {X: T(day.AddDate(0, 1, 0)), Y: 9}}}}}
	_, d := renderDoc(t, c)
	svg := d.Find("svg")
	checks := map[string]string{"data-zoom": "xy", "data-zoom-params": "zx0,zx1,zy0script,zy1", "data-x-kind": "time", "data-x-tz": "3600"}
	for a, want := range checks {
		if got := svg.AttrOr(a, ""); got != want {
			t.Errorf("%s = %q; want %q", a, got, want)
		}
	}
	if f := strings.Fields(svg.AttrOr("data-plot", "")); len(f) != 4 {
		t.Errorf("data-plot %q", svg.AttrOr("data-plot", ""))
	}
	// Band scales cannot zoom.
	c = &Chart{X: Band{Labels: []string{"a"}}, Zoom: &Zoom{Axes: "x"}}
	_, d = renderDoc(t, c)
	if _, ok := d.Find("svg").Attr("data-zoom"); ok {
		t.Error("band chart offers zoom")
	}
}

func TestRenderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		c    *Chart
	}{
		{"nil layer", &Chart{Layers: []Layer{nil}}},
		{"too small", &Chart{Width: 200, Height: 90, Title: "A title", XLabel: "x", Layers: []Layer{&Line{Name: "a"}, &Line{Name: "b"}}}},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := tt.c.Render(&b); err == nil {
			t.Errorf("%s: no error", tt.name)
		} else if b.Len() != 0 {
			t.Errorf("%s: wrote %d bytes with the error", tt.name, b.Len())
		}
	}
	if err := (&Chart{}).Render(failWriter{}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("write error: %v", err)
	}
}

func TestEmptyAndDegenerateCharts(t *testing.T) {
	t.Parallel()
	day := T(time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC))
	charts := []*Chart{
		{},
		{X: Time{}},
		{X: Band{}},
		{X: Time{Period: Week}, Layers: []Layer{&Bars{Series: []Series{{Data: []Datum{{X: day, Y: 0}}}}}}},
		{X: Time{}, Layers: []Layer{&Scatter{Data: []Datum{{X: day, Y: 2}}}}},
		{X: Linear{}, Layers: []Layer{&Line{Data: []Datum{{X: 3, Y: -2}, {X: 7, Y: 4}}}}},
		{X: Linear{NoZero: true}, Y: Linear{NoZero: true}, Layers: []Layer{&Scatter{Data: []Datum{{X: 3, Y: 40}, {X: 7, Y: 44}}}}},
		{X: Linear{}, Layers: []Layer{&Bars{Stacked: true, Series: []Series{{Data: []Datum{{X: 1, Y: 2}, {X: 2, Y: -3}}}, {Data: []Datum{{X: 1, Y: -1}}}}}}},
		{Width: 5, Height: 5, Layers: []Layer{&Line{Data: []Datum{{X: math.Inf(1), Y: 1}}}}},
	}
	for i, c := range charts {
		s, _ := renderDoc(t, c)
		if strings.Contains(s, "NaN") || strings.Contains(s, "Inf") {
			t.Errorf("chart %d: NaN or Inf in output", i)
		}
	}
}

func TestLegendWraps(t *testing.T) {
	t.Parallel()
	var layers []Layer
	for i := range 12 {
		layers = append(layers, &Line{Name: "Work type number " + strconv.Itoa(i), Style: Categorical(i), Data: []Datum{{X: 0, Y: 1}, {X: 1, Y: 2}}})
	}
	c := &Chart{ID: "lg", Title: "Many series", Layers: layers}
	_, d := renderDoc(t, c)
	items := d.Find(".chart-legend-item text")
	if items.Length() != 12 {
		t.Fatalf("%d legend items", items.Length())
	}
	rows := map[string]bool{}
	for i := range items.Length() {
		rows[items.Eq(i).AttrOr("y", "")] = true
		if x := attrF(t, items.Eq(i), "x"); x+textWidth(items.Eq(i).Text(), legendSize) > 720 {
			t.Errorf("legend item %d runs off the chart", i)
		}
	}
	if len(rows) < 2 {
		t.Error("legend did not wrap")
	}
	// The plot starts below the legend.
	r, _ := c.layout()
	last := attrF(t, items.Last(), "y")
	if r.top < last+8 {
		t.Errorf("plot top %v overlaps the legend at %v", r.top, last)
	}
}

// A chart value is read-only while rendering: one can be rendered by many
// requests at once (run with -race).
func TestConcurrentRenders(t *testing.T) {
	t.Parallel()
	c := weekly10y()
	var want bytes.Buffer
	if err := c.Render(&want); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			var b bytes.Buffer
			err := c.Render(&b)
			if err == nil && b.String() != want.String() {
				err = errors.New("concurrent render differs")
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
