package chart

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// Datum is one data point or bar.
type Datum struct {
	// X is the position on the X scale (T(t) for times, the index on a
	// Band scale). X2, when greater, ends the bar or step (otherwise a
	// Time scale's Period or the distance to the neighbour decides).
	X, X2 float64
	// Y is the value; Missing (NaN) leaves a gap.
	Y float64
	// Label is a short identifier (an issue key) for hover text and the
	// data-label attribute.
	Label string
	// Title replaces the generated hover text.
	Title string
	// Href links a scatter point (http, https or a path; others dropped).
	Href string
	// Partial marks an unfinished period: its bar is hatched.
	Partial bool
}

// Series is a named list of data with a style.
type Series struct {
	// ID is the series' part of data-testid values (default from Name).
	ID    string
	Name  string
	Style Style
	Data  []Datum
	// NoLegend leaves the series out of the legend (a part of another
	// series, such as its hatched share; hatched bars still bring the
	// layer's PartialLabel into the legend).
	NoLegend bool
}

// Bars draws one bar per datum; several series are grouped side by side,
// or stacked when Stacked is set (a stack's top is the sum of its parts).
type Bars struct {
	ID      string
	Series  []Series
	Stacked bool
	// PartialLabel is the legend text of hatched (partial) bars; the
	// legend shows it only when some bar is partial. Default "Partial".
	PartialLabel string
}

// Line draws a line through a series, in X order; missing values break it.
// Step draws each value flat over its period (X to X2, the scale's Period,
// or the next point), which lines up with bars.
type Line struct {
	ID, Name string
	Style    Style
	Data     []Datum
	Step     bool
	// Dots shows every point. Without it points are invisible hover
	// targets, except isolated ones (between gaps), which are always drawn.
	// Series longer than 1,000 points get no per-point marks.
	Dots bool
}

// Area draws stacked bands (a cumulative flow diagram): series are stacked
// bottom first and must share X values. Each X gets a hover column listing
// every band's value and the total.
type Area struct {
	ID     string
	Series []Series
}

// Scatter draws one dot per datum. Up to MaxDetailed points (default
// 1,000) each are a <circle> with a <title>, wrapped in a link when they
// have an Href (works without JavaScript). Beyond that the layer is one
// <path> of dots whose per-point data sits in a compact data-points
// attribute (see doc.go); static/js/chart.js adds hover and click.
type Scatter struct {
	ID, Name string
	Style    Style
	Data     []Datum
	Radius   float64
	// MaxDetailed is the largest point count drawn as separate elements;
	// negative means always compact.
	MaxDetailed int
	// Details is a same-site path (starting with "/") of a JSON object
	// that maps each point's full label to more hover text: its first
	// string follows the label on the first line, the others are lines
	// after the value and date. Compact layers only (detailed points have
	// their Title); chart.js fetches it once, on the first hover, and sets
	// it as text only. Anything but such a path is dropped.
	Details string
}

// HLine is a horizontal reference line (a 50/80/90% likelihood). A full
// width line's Label goes in the right margin; From/To (X values) limit it
// to a part of the plot (a quarter), labelled on hover only.
type HLine struct {
	ID, Name string
	Y        float64
	Label    string
	Style    Style
	From, To float64
	// Halo outlines the line in white, to keep it readable over a dense
	// scatterplot.
	Halo bool
}

// Markers are vertical lines at points in time (release tags, dated
// annotations), named on hover; Labels also writes their names above the
// plot where they fit.
type Markers struct {
	ID, Name string
	Style    Style
	Items    []Marker
	Labels   bool
}

// Marker is one vertical marker.
type Marker struct {
	X     float64
	Label string
	// Title replaces the hover text (default: label and date).
	Title string
}

// Bands shade X ranges: annotation periods, quarters, the partial current
// week (Hatch). Labels writes their names above the plot where they fit.
type Bands struct {
	ID, Name string
	Style    Style
	Items    []Span
	Hatch    bool
	Labels   bool
}

// Span is one shaded X range.
type Span struct {
	X0, X1 float64
	Label  string
	Title  string
}

// --- shared helpers ---

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// minGap is the smallest distance between distinct X values: the width of
// bars and steps that have no period.
func minGap(data []Datum, def float64) float64 {
	xs := make([]float64, 0, len(data))
	for _, d := range data {
		if finite(d.X) {
			xs = append(xs, d.X)
		}
	}
	slices.Sort(xs)
	g := math.Inf(1)
	for i := 1; i < len(xs); i++ {
		if d := xs[i] - xs[i-1]; d > 0 && d < g {
			g = d
		}
	}
	if math.IsInf(g, 1) {
		return def
	}
	return g
}

func (r *renderer) defaultWidth() float64 {
	if r.x.kind == "time" {
		return 86400
	}
	return 1
}

// span is the X range a bar or step covers.
func (r *renderer) span(d Datum, gap float64) (float64, float64) {
	if r.x.kind == "band" {
		return d.X - 0.5, d.X + 0.5
	}
	if d.X2 > d.X {
		return d.X, d.X2
	}
	if n := r.x.next(d.X); finite(n) {
		return d.X, n
	}
	return d.X - gap/2, d.X + gap/2
}

func seriesID(s Series, i int) string {
	return sanitizeID(firstNonEmpty(s.ID, s.Name), "s"+strconv.Itoa(i))
}

func (r *renderer) valueText(v float64) string {
	s := r.y.lin.format(v)
	if r.y.lin.Unit != "" {
		s += " " + r.y.lin.Unit
	}
	return s
}

// title writes a <title> child (the hover text).
func title(w *buf, s string) {
	w.raw("<title>")
	w.text(s)
	w.raw("</title>")
}

func (r *renderer) dataX(w *buf, v float64) string {
	k := r.x.keyOf(v)
	w.attr("data-"+r.x.key, k)
	return k
}

func styleAttrs(w *buf, class string, s Style) {
	if c := s.class(); c != "" {
		class += " " + c
	}
	w.attr("class", class)
}

// --- Bars ---

func (b *Bars) extent(r *renderer, e *extent) error {
	tops := map[float64]float64{}
	bottoms := map[float64]float64{}
	for _, s := range b.Series {
		gap := minGap(s.Data, r.defaultWidth())
		for _, d := range s.Data {
			if !finite(d.X) {
				continue
			}
			x0, x1 := r.span(d, gap)
			e.addX(x0)
			e.addX(x1)
			if !finite(d.Y) {
				continue
			}
			if b.Stacked {
				if d.Y >= 0 {
					tops[d.X] += d.Y
					e.addY(tops[d.X])
				} else {
					bottoms[d.X] += d.Y
					e.addY(bottoms[d.X])
				}
			} else {
				e.addY(d.Y)
			}
			e.addY(0)
		}
	}
	return nil
}

func (b *Bars) legend(r *renderer) []legendItem {
	var items []legendItem
	var partial []string // the colours drawn hatched, in series order
	for i, s := range b.Series {
		c := s.Style.color(Categorical(i).Color)
		if !s.NoLegend {
			items = append(items, legendItem{kind: "bar", name: s.Name, style: s.Style, color: c})
		}
		for _, d := range s.Data {
			if d.Partial && !slices.Contains(partial, c) {
				partial = append(partial, c)
			}
		}
	}
	if len(partial) > 0 {
		it := legendItem{kind: "hatch", name: firstNonEmpty(b.PartialLabel, "Partial"), color: partial[0], stacked: b.Stacked}
		// The sample shows each hatched colour while the pieces stay
		// legible (an 18×11 px sample); past that, the first stands for all.
		if len(partial) > 1 && (!b.Stacked && len(partial) <= 4 || b.Stacked && len(partial) <= 3) {
			it.colors = partial
		}
		items = append(items, it)
	}
	return items
}

func (b *Bars) draw(r *renderer, w *buf, id string) {
	n := len(b.Series)
	tops := map[float64]float64{}
	bottoms := map[float64]float64{}
	w.raw(`<g class="chart-bars"`)
	w.attr("data-testid", id)
	w.raw(">")
	for si, s := range b.Series {
		color := s.Style.color(Categorical(si).Color)
		sid := id
		if n > 1 || s.ID != "" {
			sid = id + "-" + seriesID(s, si)
		}
		w.raw("<g")
		styleAttrs(w, "chart-series", s.Style)
		w.attr("data-testid", sid)
		w.attr("data-series", s.Name)
		w.attr("fill", color)
		w.raw(">")
		gap := minGap(s.Data, r.defaultWidth())
		for _, d := range s.Data {
			if !finite(d.X) || !finite(d.Y) {
				continue
			}
			x0, x1 := r.span(d, gap)
			p0, p1 := r.px(x0), r.px(x1)
			bw := p1 - p0
			inset := 0.0
			if bw > 4 {
				inset = math.Min(bw*0.14, 14)
			}
			p0, p1 = p0+inset, p1-inset
			if !b.Stacked && n > 1 {
				sub := (p1 - p0) / float64(n)
				p0 += sub * float64(si)
				p1 = p0 + sub
				if sub > 3 {
					p1 -= 1
				}
			}
			base := 0.0
			if b.Stacked {
				if d.Y >= 0 {
					base = tops[d.X]
					tops[d.X] += d.Y
				} else {
					base = bottoms[d.X]
					bottoms[d.X] += d.Y
				}
			}
			ya, yb := r.py(base), r.py(base+d.Y)
			top, h := math.Min(ya, yb), math.Abs(ya-yb)
			w.raw(`<rect class="chart-bar"`)
			w.attrNum("x", p0)
			w.attrNum("y", top)
			w.attrNum("width", math.Max(p1-p0, 0.5))
			w.attrNum("height", h)
			if d.Partial {
				w.attr("fill", "url(#"+r.hatch(color)+")")
				w.attr("stroke", color)
				w.raw(` stroke-width="1" data-partial="true"`)
			}
			key := r.keyOf(d.X)
			w.attr("data-testid", sid+"-"+sanitizeID(key, "x"))
			w.attr("data-"+r.x.key, key)
			w.attr("data-value", fmtValue(d.Y))
			if b.Stacked {
				w.attr("data-stack-top", fmtValue(base+d.Y))
			}
			if d.Label != "" {
				w.attr("data-label", d.Label)
			}
			w.raw(">")
			t := d.Title
			if t == "" {
				t = r.x.human(d.X)
				if d.Partial {
					t += " (" + strings.ToLower(firstNonEmpty(b.PartialLabel, "partial")) + ")"
				}
				t += "\n" + firstNonEmpty(s.Name, "Value") + ": " + r.valueText(d.Y)
				if b.Stacked && n > 1 && si == n-1 {
					t += "\nTotal: " + r.valueText(base+d.Y)
				}
			}
			title(w, t)
			w.raw("</rect>")
		}
		w.raw("</g>")
	}
	w.raw("</g>")
}

func (r *renderer) keyOf(v float64) string { return r.x.keyOf(v) }

// --- Line ---

func (l *Line) extent(r *renderer, e *extent) error {
	gap := minGap(l.Data, r.defaultWidth())
	for _, d := range l.Data {
		if !finite(d.X) {
			continue
		}
		if l.Step {
			x0, x1 := r.stepSpan(d, gap)
			e.addX(x0)
			e.addX(x1)
		} else {
			e.addX(d.X)
			if r.x.kind != "band" {
				e.points = true
			}
		}
		e.addY(d.Y)
	}
	return nil
}

func (r *renderer) stepSpan(d Datum, gap float64) (float64, float64) {
	if r.x.kind == "band" {
		return d.X - 0.5, d.X + 0.5
	}
	if d.X2 > d.X {
		return d.X, d.X2
	}
	if n := r.x.next(d.X); finite(n) {
		return d.X, n
	}
	return d.X, d.X + gap
}

func (l *Line) legend(r *renderer) []legendItem {
	return []legendItem{{kind: "line", name: l.Name, style: l.Style, color: l.Style.color(Blue)}}
}

func (l *Line) draw(r *renderer, w *buf, id string) {
	color := l.Style.color(Blue)
	gap := minGap(l.Data, r.defaultWidth())
	var d []byte
	type pt struct {
		x, y float64
		i    int
	}
	var pts []pt
	prevDefined := false
	prevEnd := math.NaN()
	for i, p := range l.Data {
		if !finite(p.X) || !finite(p.Y) {
			prevDefined = false
			continue
		}
		y := r.py(p.Y)
		if l.Step {
			x0, x1 := r.stepSpan(p, gap)
			a, b := r.px(x0), r.px(x1)
			if prevDefined && math.Abs(a-prevEnd) < 0.5 {
				d = append(d, 'V')
				d = appendCoord(d, y, false)
			} else {
				d = append(d, 'M')
				d = appendCoord(d, a, false)
				d = append(d, ' ')
				d = appendCoord(d, y, false)
			}
			d = append(d, 'H')
			d = appendCoord(d, b, false)
			prevEnd = b
			pts = append(pts, pt{(a + b) / 2, y, i})
		} else {
			x := r.px(p.X)
			if prevDefined {
				d = append(d, 'L')
			} else {
				d = append(d, 'M')
			}
			d = appendCoord(d, x, false)
			d = append(d, ' ')
			d = appendCoord(d, y, false)
			pts = append(pts, pt{x, y, i})
		}
		prevDefined = true
	}
	w.raw("<g")
	styleAttrs(w, "chart-line", l.Style)
	w.attr("data-testid", id)
	w.attr("data-series", l.Name)
	w.raw(">")
	if len(d) > 0 {
		w.raw(`<path fill="none" stroke-linejoin="round" stroke-linecap="round"`)
		w.attr("d", string(d))
		w.attr("stroke", color)
		w.attrNum("stroke-width", l.Style.width(2))
		if dash := l.Style.dash(); dash != "" {
			w.attr("stroke-dasharray", dash)
		}
		w.raw("/>")
	}
	marks := len(pts) <= 1000
	isolated := func(i int) bool {
		before := i == 0 || !finite(l.Data[i-1].Y)
		after := i == len(l.Data)-1 || !finite(l.Data[i+1].Y)
		return before && after
	}
	// Points share their paint through the group: a long series pays
	// only for position, data and hover text.
	w.raw(`<g class="chart-points"`)
	w.attr("fill", color)
	if !l.Dots {
		w.raw(` fill-opacity="0"`)
	}
	w.raw(">")
	for _, p := range pts {
		dat := l.Data[p.i]
		iso := !l.Step && isolated(p.i)
		if !marks && !iso {
			continue
		}
		w.raw(`<circle`)
		w.attrNum("cx", p.x)
		w.attrNum("cy", p.y)
		switch {
		case l.Dots:
			w.attrNum("r", l.Style.width(2)+1)
		case iso:
			w.attrNum("r", l.Style.width(2)+1)
			w.raw(` fill-opacity="1"`)
		default:
			w.raw(` r="5"`)
		}
		key := r.keyOf(dat.X)
		w.attr("data-testid", id+"-"+sanitizeID(key, "x"))
		w.attr("data-"+r.x.key, key)
		w.attr("data-value", fmtValue(dat.Y))
		if dat.Label != "" {
			w.attr("data-label", dat.Label)
		}
		w.raw(">")
		t := dat.Title
		if t == "" {
			t = r.x.human(dat.X) + "\n" + firstNonEmpty(l.Name, "Value") + ": " + r.valueText(dat.Y)
		}
		title(w, t)
		w.raw("</circle>")
	}
	w.raw("</g></g>")
}

// --- Area ---

func (a *Area) extent(r *renderer, e *extent) error {
	if len(a.Series) == 0 {
		return nil
	}
	n := len(a.Series[0].Data)
	for _, s := range a.Series[1:] {
		if len(s.Data) != n {
			return errArea
		}
		for i, d := range s.Data {
			if d.X != a.Series[0].Data[i].X {
				return errArea
			}
		}
	}
	for i := 0; i < n; i++ {
		x := a.Series[0].Data[i].X
		if !finite(x) {
			continue
		}
		e.addX(x)
		e.addY(0)
		e.addY(a.total(i, len(a.Series)))
	}
	return nil
}

// total is the stack height at index i over the first k series.
func (a *Area) total(i, k int) float64 {
	t := 0.0
	for _, s := range a.Series[:k] {
		if v := s.Data[i].Y; finite(v) {
			t += v
		}
	}
	return t
}

func (a *Area) legend(r *renderer) []legendItem {
	var items []legendItem
	for i, s := range a.Series {
		items = append(items, legendItem{kind: "bar", name: s.Name, style: s.Style, color: s.Style.color(Categorical(i).Color)})
	}
	return items
}

func (a *Area) draw(r *renderer, w *buf, id string) {
	w.raw(`<g class="chart-area"`)
	w.attr("data-testid", id)
	w.raw(">")
	if len(a.Series) == 0 {
		w.raw("</g>")
		return
	}
	n := len(a.Series[0].Data)
	xs := a.Series[0].Data
	for si, s := range a.Series {
		color := s.Style.color(Categorical(si).Color)
		var d []byte
		// One closed polygon per run of defined values.
		for i := 0; i < n; {
			if !finite(xs[i].X) || !finite(s.Data[i].Y) {
				i++
				continue
			}
			j := i
			for j < n && finite(xs[j].X) && finite(s.Data[j].Y) {
				j++
			}
			for k := i; k < j; k++ {
				if k == i {
					d = append(d, 'M')
				} else {
					d = append(d, 'L')
				}
				d = appendCoord(d, r.px(xs[k].X), false)
				d = append(d, ' ')
				d = appendCoord(d, r.py(a.total(k, si+1)), false)
			}
			for k := j - 1; k >= i; k-- {
				d = append(d, 'L')
				d = appendCoord(d, r.px(xs[k].X), false)
				d = append(d, ' ')
				d = appendCoord(d, r.py(a.total(k, si)), false)
			}
			d = append(d, 'Z')
			i = j
		}
		w.raw("<path")
		styleAttrs(w, "chart-band-series", s.Style)
		w.attr("data-testid", id+"-"+seriesID(s, si))
		w.attr("data-series", s.Name)
		w.attr("d", string(d))
		w.attr("fill", color)
		w.raw(` fill-opacity=".85" stroke="#fff" stroke-width=".6" stroke-linejoin="round">`)
		title(w, s.Name)
		w.raw("</path>")
	}
	// Hover columns: one per X, half-way to the neighbours.
	w.raw(`<g class="chart-columns" fill="#000" fill-opacity="0">`)
	for i := 0; i < n; i++ {
		x := xs[i].X
		if !finite(x) {
			continue
		}
		px := r.px(x)
		l, rt := px, px
		if i > 0 && finite(xs[i-1].X) {
			l = (r.px(xs[i-1].X) + px) / 2
		}
		if i < n-1 && finite(xs[i+1].X) {
			rt = (r.px(xs[i+1].X) + px) / 2
		}
		if i == 0 {
			l = px - (rt - px)
		}
		if i == n-1 {
			rt = px + (px - l)
		}
		if rt-l < 1 {
			l, rt = px-0.5, px+0.5
		}
		w.raw(`<rect class="chart-hit"`)
		w.attrNum("x", l)
		w.attrNum("y", r.top)
		w.attrNum("width", rt-l)
		w.attrNum("height", r.bottom-r.top)
		key := r.keyOf(x)
		w.attr("data-testid", id+"-"+sanitizeID(key, "x"))
		w.attr("data-"+r.x.key, key)
		vals := make([]string, len(a.Series))
		var t strings.Builder
		t.WriteString(r.x.human(x))
		for si := len(a.Series) - 1; si >= 0; si-- {
			v := a.Series[si].Data[i].Y
			vals[si] = fmtValue(v)
			t.WriteString("\n" + firstNonEmpty(a.Series[si].Name, "Value") + ": ")
			if finite(v) {
				t.WriteString(r.valueText(v))
			} else {
				t.WriteString("no data")
			}
		}
		total := a.total(i, len(a.Series))
		t.WriteString("\nTotal: " + r.valueText(total))
		w.attr("data-values", strings.Join(vals, ","))
		w.attr("data-total", fmtValue(total))
		w.raw(">")
		title(w, t.String())
		w.raw("</rect>")
	}
	w.raw("</g></g>")
}

// --- HLine ---

func (h *HLine) extent(r *renderer, e *extent) error {
	e.addY(h.Y)
	return nil
}

func (h *HLine) legend(r *renderer) []legendItem {
	return []legendItem{{kind: "line", name: h.Name, style: h.Style, color: h.Style.color(Grey)}}
}

func (h *HLine) draw(r *renderer, w *buf, id string) {
	if !finite(h.Y) || h.Y < r.y.d0 || h.Y > r.y.d1 {
		return
	}
	color := h.Style.color(Grey)
	x0, x1 := r.left, r.right
	full := h.From == 0 && h.To == 0
	if !full {
		x0, x1 = math.Max(r.px(h.From), r.left), math.Min(r.px(h.To), r.right)
		if h.To <= h.From || x1 <= x0 {
			return
		}
	}
	y := r.py(h.Y)
	w.raw("<g")
	styleAttrs(w, "chart-hline", h.Style)
	w.attr("data-testid", id)
	w.attr("data-value", fmtValue(h.Y))
	if !full {
		r.dataX(w, h.From)
	}
	w.raw(">")
	title(w, firstNonEmpty(h.Label, h.Name+": "+r.valueText(h.Y)))
	if h.Halo {
		w.raw(`<line stroke="#fff" stroke-opacity=".85"`)
		w.attrNum("x1", x0)
		w.attrNum("x2", x1)
		w.attrNum("y1", y)
		w.attrNum("y2", y)
		w.attrNum("stroke-width", h.Style.width(1.5)+2.5)
		w.raw("/>")
	}
	w.raw("<line")
	w.attrNum("x1", x0)
	w.attrNum("x2", x1)
	w.attrNum("y1", y)
	w.attrNum("y2", y)
	w.attr("stroke", color)
	w.attrNum("stroke-width", h.Style.width(1.5))
	if d := h.Style.dash(); d != "" {
		w.attr("stroke-dasharray", d)
	}
	w.raw("/><line")
	w.attrNum("x1", x0)
	w.attrNum("x2", x1)
	w.attrNum("y1", y)
	w.attrNum("y2", y)
	w.raw(` stroke="#000" stroke-opacity="0" stroke-width="8"/></g>`)
	if full && h.Label != "" {
		r.hlabels = append(r.hlabels, hlabel{y: y, text: truncate(clean(h.Label), tickSize*1.08, r.W-r.right-8), color: color})
	}
}

// --- Markers ---

func (m *Markers) extent(r *renderer, e *extent) error { return nil }

func (m *Markers) legend(r *renderer) []legendItem {
	if len(m.Items) == 0 {
		return nil
	}
	return []legendItem{{kind: "marker", name: m.Name, style: m.Style, color: m.Style.color(Grey)}}
}

// stripLabel writes a label above the plot at x if it does not overlap
// one already there. A marker's label that would run off the right edge
// goes to the left of its line instead.
func (r *renderer) stripLabel(x float64, s, color string) {
	s = truncate(clean(s), stripSize, 140)
	if s == "" {
		return
	}
	wd := textWidth(s, stripSize)
	a, b := x+3, x+3+wd
	if b > r.W-2 {
		a, b = x-3-wd, x-3
	}
	r.placeStrip(a, b, s, color)
}

// bandLabel writes a band's label above the plot from its left edge: never
// left of it (that is the band before). One that would run off the right
// edge (the current quarter, "Q4 2026 (so far)") drops its parenthesis,
// then is cut to the room left.
func (r *renderer) bandLabel(x float64, s, color string) {
	s = truncate(clean(s), stripSize, 140)
	if s == "" {
		return
	}
	room := r.W - 2 - (x + 3)
	if textWidth(s, stripSize) > room {
		if i := strings.Index(s, " ("); i > 0 {
			s = s[:i]
		}
		if textWidth(s, stripSize) > room {
			if room < 24 {
				return
			}
			s = truncate(s, stripSize, room)
		}
	}
	r.placeStrip(x+3, x+3+textWidth(s, stripSize), s, color)
}

func (r *renderer) placeStrip(a, b float64, s, color string) {
	if a < 2 {
		return
	}
	for _, t := range r.taken {
		if a < t[1]+6 && b > t[0]-6 {
			return
		}
	}
	r.taken = append(r.taken, [2]float64{a, b})
	w := &r.over
	w.raw(`<text class="chart-strip-label"`)
	w.attrNum("x", a)
	w.attrNum("y", r.top-6)
	w.attr("font-size", fmtValue(stripSize))
	w.attr("fill", color)
	w.raw(">")
	w.text(s)
	w.raw("</text>")
}

func (m *Markers) draw(r *renderer, w *buf, id string) {
	color := m.Style.color(Grey)
	// Markers closer than a few pixels on average (years of release tags)
	// would hatch the plot over: draw them faint, so the data stays on top.
	visible := 0
	for _, it := range m.Items {
		if finite(it.X) && it.X >= r.x.d0 && it.X <= r.x.d1 {
			visible++
		}
	}
	dense := visible > 0 && (r.right-r.left)/float64(visible) < 14
	w.raw("<g")
	if dense {
		styleAttrs(w, "chart-markers chart-markers-dense", m.Style)
		w.raw(` opacity="0.35"`)
	} else {
		styleAttrs(w, "chart-markers", m.Style)
	}
	w.attr("data-testid", id)
	w.raw(">")
	for i, it := range m.Items {
		if !finite(it.X) || it.X < r.x.d0 || it.X > r.x.d1 {
			continue
		}
		x := r.px(it.X)
		w.raw(`<g class="chart-marker"`)
		w.attr("data-testid", id+"-"+strconv.Itoa(i))
		r.dataX(w, it.X)
		w.attr("data-label", it.Label)
		w.raw(">")
		title(w, firstNonEmpty(it.Title, it.Label+"\n"+r.x.human(it.X)))
		w.raw("<line")
		w.attrNum("x1", x)
		w.attrNum("x2", x)
		w.attrNum("y1", r.top)
		w.attrNum("y2", r.bottom)
		w.attr("stroke", color)
		w.attrNum("stroke-width", m.Style.width(1))
		if d := m.Style.dash(); d != "" {
			w.attr("stroke-dasharray", d)
		}
		w.raw("/><line")
		w.attrNum("x1", x)
		w.attrNum("x2", x)
		w.attrNum("y1", r.top)
		w.attrNum("y2", r.bottom)
		w.raw(` stroke="#000" stroke-opacity="0" stroke-width="9"/><path`)
		w.attr("d", "M"+fmtValue(x-4)+" "+fmtValue(r.top)+"h8l-4 5z")
		w.attr("fill", color)
		w.raw("/></g>")
		if m.Labels {
			r.stripLabel(x, it.Label, color)
		}
	}
	w.raw("</g>")
}

// --- Bands ---

func (b *Bands) extent(r *renderer, e *extent) error { return nil }

func (b *Bands) legend(r *renderer) []legendItem {
	if len(b.Items) == 0 {
		return nil
	}
	kind := "band"
	if b.Hatch {
		kind = "hatch"
	}
	return []legendItem{{kind: kind, name: b.Name, style: b.Style, color: b.Style.color(SkyBlue)}}
}

func (b *Bands) draw(r *renderer, w *buf, id string) {
	color := b.Style.color(SkyBlue)
	w.raw("<g")
	styleAttrs(w, "chart-bands", b.Style)
	w.attr("data-testid", id)
	w.raw(">")
	for i, s := range b.Items {
		if !finite(s.X0) || !finite(s.X1) || s.X1 < r.x.d0 || s.X0 > r.x.d1 {
			continue
		}
		x0 := math.Max(r.px(math.Min(s.X0, s.X1)), r.left)
		x1 := math.Min(r.px(math.Max(s.X0, s.X1)), r.right)
		w.raw(`<rect class="chart-band"`)
		w.attrNum("x", x0)
		w.attrNum("y", r.top)
		w.attrNum("width", math.Max(x1-x0, 1))
		w.attrNum("height", r.bottom-r.top)
		if b.Hatch {
			w.attr("fill", "url(#"+r.hatch(color)+")")
			w.raw(` fill-opacity=".6"`)
		} else {
			w.attr("fill", color)
			w.raw(` fill-opacity=".14"`)
		}
		w.attr("data-testid", id+"-"+strconv.Itoa(i))
		w.attr("data-from", r.keyOf(s.X0))
		w.attr("data-to", r.keyOf(s.X1))
		w.attr("data-label", s.Label)
		w.raw(">")
		title(w, firstNonEmpty(s.Title, s.Label+"\n"+r.x.human(s.X0)+" – "+r.x.human(s.X1)))
		w.raw("</rect>")
		if b.Labels {
			r.bandLabel(x0, s.Label, mutedColor)
		}
	}
	w.raw("</g>")
}
