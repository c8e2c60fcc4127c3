package chart

import (
	"bytes"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// scatter20k is the quarterly view's worst case (issue 10): 20,000
// delivered items over two years in three work types, every point linked
// to JIRA, with quarter bands, per-quarter 50/80/90 lines and tags.
func scatter20k() *Chart {
	rng := rand.New(rand.NewPCG(1, 2))
	loc, _ := time.LoadLocation("Europe/Berlin")
	start := time.Date(2023, 7, 1, 0, 0, 0, 0, loc)
	span := float64(2 * 365 * 24 * time.Hour)
	types := []string{"Story", "Bug", "Task"}
	series := make([][]Datum, len(types))
	for i := range 20000 {
		done := start.Add(time.Duration(rng.Float64() * span))
		lt := math.Round(math.Exp(rng.NormFloat64()*0.9+1.7)*100) / 100
		key := "PROJ-" + strconv.Itoa(10000+i)
		k := i % len(types)
		series[k] = append(series[k], Datum{X: T(done), Y: lt, Label: key, Href: "https://jira.example.com/browse/" + key,
			Title: key + " · a summary that is dropped in the compact form"})
	}
	var layers []Layer
	for q := 0; q < 8; q += 2 {
		a, b := start.AddDate(0, 3*q, 0), start.AddDate(0, 3*q+3, 0)
		layers = append(layers, &Bands{ID: "quarters", Style: Style{Color: "#888888"}, Items: []Span{{X0: T(a), X1: T(b), Label: "Q"}}})
	}
	for i, name := range types {
		layers = append(layers, &Scatter{Name: name, Style: Categorical(i), Data: series[i]})
	}
	for q := range 8 {
		a, b := T(start.AddDate(0, 3*q, 0)), T(start.AddDate(0, 3*q+3, 0))
		for _, p := range []int{50, 80, 90} {
			layers = append(layers, &HLine{Name: strconv.Itoa(p) + "%", Y: float64(p) / 5, From: a, To: b, Style: Likelihood(p), Halo: true})
		}
	}
	var tags []Marker
	for i := range 40 {
		tags = append(tags, Marker{X: T(start.AddDate(0, 0, 18*i)), Label: "v1." + strconv.Itoa(i) + ".0"})
	}
	layers = append(layers, &Markers{Name: "Tags", Style: TagStyle, Items: tags})
	return &Chart{ID: "leadtime", Title: "Lead time per item", Width: 1100, Height: 460, XLabel: "Done", YLabel: "Lead time (days)",
		X: Time{Loc: loc}, Y: Linear{Unit: "days"}, XGrid: true, Layers: layers,
		Zoom: &Zoom{Axes: "xy", Params: []string{"zx0", "zx1", "zy0", "zy1"}}}
}

// weekly10y is a quadrant chart over ten years: 520 weekly bars (the last
// partial), rolling 50/80/90 step lines with a gap at the start, flat
// lines, 120 tags and a dozen annotations.
func weekly10y() *Chart {
	rng := rand.New(rand.NewPCG(3, 4))
	loc, _ := time.LoadLocation("Europe/Berlin")
	mon := time.Date(2016, 1, 4, 0, 0, 0, 0, loc)
	var bars []Datum
	lines := make([][]Datum, 3)
	for i := range 520 {
		x := T(mon.AddDate(0, 0, 7*i))
		bars = append(bars, Datum{X: x, Y: float64(rng.IntN(12)), Partial: i == 519})
		for k := range lines {
			y := Missing
			if i >= 3 && i < 519 {
				y = float64(6 - 2*k + rng.IntN(2))
			}
			lines[k] = append(lines[k], Datum{X: x, Y: y})
		}
	}
	layers := []Layer{}
	var notes []Span
	for i := range 12 {
		a := mon.AddDate(0, 0, 7*40*i)
		notes = append(notes, Span{X0: T(a), X1: T(a.AddDate(0, 0, 21)), Label: "Experiment " + strconv.Itoa(i)})
	}
	layers = append(layers, &Bands{Name: "Annotations", Style: AnnotationStyle, Labels: true, Items: notes},
		&Bars{ID: "delivered", PartialLabel: "This week (partial)", Series: []Series{{Name: "Delivered", Style: ThroughputStyle, Data: bars}}})
	for k, p := range []int{50, 80, 90} {
		layers = append(layers, &Line{Name: strconv.Itoa(p) + "% likely", Style: Likelihood(p), Step: true, Data: lines[k]},
			&HLine{ID: "flat" + strconv.Itoa(p), Y: float64(6 - 2*k), Label: strconv.Itoa(p) + "% ≥ " + strconv.Itoa(6-2*k), Style: Likelihood(p)})
	}
	var tags []Marker
	for i := range 120 {
		tags = append(tags, Marker{X: T(mon.AddDate(0, 1*i, 3)), Label: "v" + strconv.Itoa(i/12) + "." + strconv.Itoa(i%12) + ".0"})
	}
	layers = append(layers, &Markers{Name: "Tags", Style: TagStyle, Labels: true, Items: tags})
	return &Chart{ID: "throughput", Title: "Throughput per week", Width: 1100, Height: 360, YLabel: "Items delivered",
		X: Time{Loc: loc, Period: Week}, Y: Linear{Integer: true, Unit: "items"}, Layers: layers}
}

// TestScatter20kSize bounds the size, which is deterministic: the budget
// in issue 10 is 1 MB for 20,000 points.
func TestScatter20kSize(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := scatter20k().Render(&b); err != nil {
		t.Fatal(err)
	}
	if b.Len() >= 1_000_000 {
		t.Errorf("20,000 points take %d bytes; budget 1,000,000", b.Len())
	}
	_, d := renderDoc(t, scatter20k())
	total := 0
	for i, s := 0, d.Find("path.chart-pts"); i < s.Length(); i++ {
		n, _ := strconv.Atoi(s.Eq(i).AttrOr("data-count", ""))
		total += n
	}
	if total != 20000 {
		t.Errorf("%d points drawn; want 20000", total)
	}
	t.Logf("scatter 20k: %d bytes", b.Len())
}

func TestWeekly10yRenders(t *testing.T) {
	t.Parallel()
	_, d := renderDoc(t, weekly10y())
	if got := d.Find(`[data-testid="throughput-delivered"] rect`).Length(); got != 520 {
		t.Errorf("%d bars; want 520", got)
	}
}

func benchmarkChart(b *testing.B, c *Chart) {
	var buf bytes.Buffer
	if err := c.Render(&buf); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := c.Render(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "svg-bytes")
}

func BenchmarkScatter20k(b *testing.B) { benchmarkChart(b, scatter20k()) }

func BenchmarkWeeklyChart10y(b *testing.B) { benchmarkChart(b, weekly10y()) }
