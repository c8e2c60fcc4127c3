package chart

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
)

// Chart is one SVG chart: a title, two scales and a stack of layers drawn
// in order (put Bands first so they sit behind the data).
type Chart struct {
	// ID makes element ids and data-testid values unique on a page:
	// the root is data-testid="chart-<ID>", a layer "<ID>-<layer ID>", a
	// bar or line point "<ID>-<layer ID>-<x key>". Letters, digits, '-'
	// and '_' are kept; default "chart".
	ID string
	// Title is drawn at the top and is the accessible name.
	Title string
	// Desc is the accessible description; default a generated summary of
	// the axes and series.
	Desc string
	// Width and Height are the viewBox size in pixels (default 720×320).
	// Inline, the chart scales to its container's width (chart.css).
	Width, Height int
	// XLabel and YLabel are the axis titles.
	XLabel, YLabel string
	// X is the X scale: Time, Linear or Band (default Linear).
	X Scale
	// Y is the value scale.
	Y Linear
	// Layers are drawn in order.
	Layers []Layer
	// XGrid adds vertical grid lines at the X ticks (scatterplots).
	XGrid bool
	// NoLegend hides the legend.
	NoLegend bool
	// Zoom opts in to drag-to-zoom (static/js/chart.js).
	Zoom *Zoom
	// Class is added to the root's class attribute ("chart-fluid" fills
	// the container's width; see static/css/chart.css).
	Class string
}

// Zoom describes drag-to-zoom. On mouse-up the script writes the selected
// region to the page URL's query parameters Params (x0, x1 and, for "xy",
// y0, y1), times as dates (2006-01-02) in the scale's zone, and navigates,
// so a zoomed view is bookmarkable. The server reads the same parameters
// and sets the scales' fixed domains.
type Zoom struct {
	// Axes is "x" or "xy".
	Axes string
	// Params names the query parameters, in the order x0, x1, y0, y1.
	Params []string
}

// Layer is one kind of mark: *Bars, *Line, *Area, *Scatter, *HLine,
// *Markers or *Bands.
type Layer interface {
	extent(r *renderer, e *extent) error
	legend(r *renderer) []legendItem
	draw(r *renderer, w *buf, id string)
}

// extent is the data range of all layers.
type extent struct {
	x0, x1, y0, y1 float64
	points         bool // some X came from points, not spans: pad the domain
}

func newExtent() extent {
	return extent{x0: math.Inf(1), x1: math.Inf(-1), y0: math.Inf(1), y1: math.Inf(-1)}
}

func (e *extent) addX(v float64) {
	if !math.IsNaN(v) && !math.IsInf(v, 0) {
		e.x0, e.x1 = math.Min(e.x0, v), math.Max(e.x1, v)
	}
}

func (e *extent) addY(v float64) {
	if !math.IsNaN(v) && !math.IsInf(v, 0) {
		e.y0, e.y1 = math.Min(e.y0, v), math.Max(e.y1, v)
	}
}

// Render writes the chart as an inline <svg> element for an HTML page.
// It writes nothing when it returns an error.
func (c *Chart) Render(w io.Writer) error {
	return c.write(w, false)
}

// Standalone writes the chart as a complete .svg document.
func (c *Chart) Standalone(w io.Writer) error {
	return c.write(w, true)
}

// Component adapts the chart for a templ page: @chart.Component().
func (c *Chart) Component() templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		return c.Render(w)
	})
}

func (c *Chart) write(w io.Writer, standalone bool) error {
	r, err := c.layout()
	if err != nil {
		return err
	}
	b := r.document(standalone)
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("write chart %s: %w", r.id, err)
	}
	return nil
}

// Colours of the frame, matching static/css/vger.css.
const (
	inkColor   = "#1b2430"
	mutedColor = "#5b6676"
	gridColor  = "#e6e9ee"
	axisColor  = "#9aa3af"
	fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"

	tickSize   = 11.0
	labelSize  = 12.0
	titleSize  = 15.0
	stripSize  = 10.5
	legendSize = 12.0
	pad        = 10.0
)

type renderer struct {
	c        *Chart
	id       string
	W, H     float64
	left     float64 // plot area
	right    float64
	top      float64
	bottom   float64
	x        *resolved
	y        *resolved
	ext      extent
	legend   []legendItem
	legendY  float64
	strip    bool // a row above the plot for marker and band labels
	stripEnd float64
	hatches  []string // colours of hatch patterns in use
	hlabels  []hlabel
	layerIDs []string
	over     buf          // unclipped marks drawn over the plot (strip labels)
	taken    [][2]float64 // strip label intervals already used
}

type hlabel struct {
	y     float64
	text  string
	color string
}

type legendItem struct {
	kind  string // "bar", "hatch", "line", "dot", "marker", "band"
	name  string
	text  string // name cut to fit
	style Style
	color string
	// colors, for a "hatch" item of bars with more than one series
	// hatched: every hatched colour, so the sample looks like the hatched
	// bars: side by side as grouped bars are, bottom to top when stacked.
	colors  []string
	stacked bool
	x, y    float64
}

// layout fits scales and margins to the data and the size.
func (c *Chart) layout() (*renderer, error) {
	r := &renderer{c: c, id: rootID(c.ID)}
	r.W, r.H = float64(c.Width), float64(c.Height)
	if r.W < 100 || r.W > 10000 {
		r.W = 720
	}
	if r.H < 80 || r.H > 10000 {
		r.H = 320
	}
	r.x = newXScale(c.X)
	r.y = &resolved{kind: "linear", lin: c.Y}
	r.ext = newExtent()
	seen := map[string]int{}
	for i, l := range c.Layers {
		if l == nil {
			return nil, fmt.Errorf("chart %s: layer %d is nil", r.id, i)
		}
		if err := l.extent(r, &r.ext); err != nil {
			return nil, fmt.Errorf("chart %s: layer %d: %w", r.id, i, err)
		}
		id := sanitizeID(layerID(l), "layer")
		if n := seen[id]; n > 0 {
			id += "-" + strconv.Itoa(n+1)
		}
		seen[id]++
		r.layerIDs = append(r.layerIDs, id)
	}
	r.fitXDomain()

	// Legend: one row or more under the title.
	top := pad
	if c.Title != "" {
		top += 24
	}
	if !c.NoLegend {
		for _, l := range c.Layers {
			r.legend = appendLegend(r.legend, l.legend(r))
		}
	}
	if len(r.legend) > 0 {
		r.legendY = top + 6
		rows := r.placeLegend(pad+2, r.W-pad, r.legendY)
		top += float64(rows)*19 + 4
	}
	for _, l := range c.Layers {
		switch l := l.(type) {
		case *Markers:
			r.strip = r.strip || l.Labels
		case *Bands:
			r.strip = r.strip || l.Labels
		}
	}
	if r.strip {
		top += 16
	}
	r.top = top + 6

	// Y ticks depend on the plot height, the left margin on the Y tick
	// labels, X ticks on the plot width, the bottom margin on the X tick
	// rows: two passes settle it.
	r.bottom = r.H - 40
	r.right = r.W - 16
	for _, l := range c.Layers {
		if h, ok := l.(*HLine); ok && h.Label != "" && h.To == 0 && h.From == 0 {
			if w := textWidth(clean(h.Label), tickSize) + 14; r.W-w < r.right {
				r.right = math.Max(r.W-w, r.W*0.6)
			}
		}
	}
	for pass := 0; pass < 2; pass++ {
		r.fitY()
		lw := 0.0
		for _, t := range r.y.ticks {
			lw = math.Max(lw, textWidth(t.label, tickSize))
		}
		r.left = pad + lw + 8
		if c.YLabel != "" {
			r.left += 18
		}
		r.fitX()
		b := r.H - pad - 18
		if r.x.yearRow {
			b -= 13
		}
		if c.XLabel != "" {
			b -= 18
		}
		r.bottom = b
	}
	if r.bottom-r.top < 30 {
		return nil, fmt.Errorf("chart %s: %vx%v is too small for its title, legend and axes", r.id, r.W, r.H)
	}
	return r, nil
}

// layerID is a layer's default data-testid part: its ID, else its name,
// else its kind.
func layerID(l Layer) string {
	switch l := l.(type) {
	case *Bars:
		if len(l.Series) == 1 {
			return firstNonEmpty(l.ID, l.Series[0].ID, l.Series[0].Name, "bars")
		}
		return firstNonEmpty(l.ID, "bars")
	case *Line:
		return firstNonEmpty(l.ID, l.Name, "line")
	case *Area:
		return firstNonEmpty(l.ID, "area")
	case *Scatter:
		return firstNonEmpty(l.ID, l.Name, "scatter")
	case *HLine:
		return firstNonEmpty(l.ID, l.Name, l.Label, "hline")
	case *Markers:
		return firstNonEmpty(l.ID, l.Name, "markers")
	case *Bands:
		return firstNonEmpty(l.ID, l.Name, "bands")
	}
	return ""
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// sanitizeID keeps what is safe in an id and a CSS selector: ASCII letters
// and digits, '-' and '_', lowercased, other runs collapsed to one '-'.
func sanitizeID(s, def string) string {
	var b strings.Builder
	dash := false
	for _, c := range []byte(s) {
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
			fallthrough
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_':
			b.WriteByte(c)
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
		if b.Len() >= 48 {
			break
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" {
		return def
	}
	return out
}

// rootID is sanitizeID for the chart's element ids, which start with a
// letter so "#id" is a valid CSS selector.
func rootID(s string) string {
	out := sanitizeID(s, "chart")
	if out[0] >= '0' && out[0] <= '9' || out[0] == '_' {
		out = "c" + out
	}
	return out
}

func newXScale(s Scale) *resolved {
	switch s := s.(type) {
	case Time:
		loc := s.Loc
		if loc == nil {
			loc = time.UTC
		}
		return &resolved{kind: "time", tm: s, loc: loc, key: sanitizeID(firstNonEmpty(s.Key, s.Period.key()), "x")}
	case *Time:
		return newXScale(*s)
	case Band:
		return &resolved{kind: "band", band: s.Labels, key: sanitizeID(s.Key, "x")}
	case *Band:
		return newXScale(*s)
	case *Linear:
		return newXScale(*s)
	case Linear:
		return &resolved{kind: "linear", lin: s, key: sanitizeID(s.Key, "x")}
	}
	return &resolved{kind: "linear", key: "x"}
}

// fitXDomain sets the X domain (ticks come later, with the width).
func (r *renderer) fitXDomain() {
	x, e := r.x, r.ext
	switch x.kind {
	case "band":
		x.d0, x.d1 = -0.5, float64(len(x.band))-0.5
		if len(x.band) == 0 {
			x.d1 = 0.5
		}
		return
	case "time":
		if !x.tm.From.IsZero() && !x.tm.To.IsZero() && x.tm.To.After(x.tm.From) {
			x.d0, x.d1 = T(x.tm.From), T(x.tm.To)
			return
		}
	case "linear":
		if x.lin.Min < x.lin.Max {
			x.d0, x.d1 = x.lin.Min, x.lin.Max
			return
		}
	}
	lo, hi := e.x0, e.x1
	if lo > hi { // no data
		if x.kind == "time" {
			hi = T(time.Date(2000, 1, 10, 0, 0, 0, 0, x.loc))
			lo = hi - 7*86400
		} else {
			lo, hi = 0, 1
		}
	}
	if hi == lo {
		if x.kind == "time" {
			lo, hi = lo-3.5*86400, hi+3.5*86400
		} else {
			lo, hi = lo-0.5, hi+0.5
		}
	}
	if e.points {
		p := (hi - lo) * 0.02
		lo, hi = lo-p, hi+p
	}
	if x.kind == "linear" && !x.lin.NoZero && lo > 0 && !e.points {
		lo = 0
	}
	x.d0, x.d1 = lo, hi
}

// fitY sets the Y domain and ticks for the current plot height.
func (r *renderer) fitY() {
	y := r.y
	y.p0, y.p1 = r.bottom, r.top
	target := int((r.bottom - r.top) / 34)
	if target < 3 {
		target = 3
	}
	lo, hi := r.ext.y0, r.ext.y1
	fixed := y.lin.Min < y.lin.Max
	switch {
	case fixed:
		lo, hi = y.lin.Min, y.lin.Max
	case lo > hi:
		lo, hi = 0, 1
	case !y.lin.NoZero:
		lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	}
	d0, d1, vals, step := niceTicks(lo, hi, target, y.lin.Integer, fixed)
	y.d0, y.d1 = d0, d1
	y.ticks = y.ticks[:0]
	for i, lab := range tickLabels(vals, step, y.lin) {
		y.ticks = append(y.ticks, tick{at: vals[i], mid: vals[i], label: lab})
	}
}

// tickLabels formats linear ticks alike: all with "k" (or "M") once the
// largest needs it, with the decimals the step needs.
func tickLabels(vals []float64, step float64, l Linear) []string {
	out := make([]string, len(vals))
	maxAbs := 0.0
	for _, v := range vals {
		maxAbs = math.Max(maxAbs, math.Abs(v))
	}
	for i, v := range vals {
		switch {
		case l.Format != nil:
			out[i] = l.Format(v)
		case maxAbs >= 1e7:
			out[i] = trimFloat(v/1e6, decimals(step/1e6)) + "M"
		case maxAbs >= 1e4:
			out[i] = trimFloat(v/1e3, decimals(step/1e3)) + "k"
		default:
			out[i] = trimFloat(v, decimals(step))
		}
		if v == 0 && l.Format == nil {
			out[i] = "0"
		}
	}
	return out
}

// fitX sets the X ticks for the current plot width: the finest spacing
// whose labels do not collide.
func (r *renderer) fitX() {
	x := r.x
	x.p0, x.p1 = r.left, r.right
	width := r.right - r.left
	x.ticks, x.yearRow = nil, false
	switch x.kind {
	case "band":
		n := len(x.band)
		if n == 0 {
			return
		}
		bw := width / float64(n)
		maxw := 0.0
		for _, l := range x.band {
			maxw = math.Max(maxw, textWidth(clean(l), tickSize))
		}
		every := 1
		// Long labels are cut to the band (so every band keeps a label);
		// only bands too narrow for a few letters thin out.
		limit := math.Max(bw-8, 48)
		for float64(every)*bw < math.Min(maxw, limit)+8 && every < n {
			every++
		}
		for i := 0; i < n; i += every {
			lab := truncate(clean(x.band[i]), tickSize, math.Max(float64(every)*bw-8, 40))
			x.ticks = append(x.ticks, tick{at: float64(i), mid: float64(i), label: lab})
		}
	case "time":
		x.ticks, x.yearRow = r.timeAxis(width)
	default:
		for target := int(width / 60); target >= 2; target-- {
			_, _, vals, step := niceTicks(x.d0, x.d1, target, x.lin.Integer, true)
			ticks := make([]tick, 0, len(vals))
			maxw := 0.0
			for i, lab := range tickLabels(vals, step, x.lin) {
				maxw = math.Max(maxw, textWidth(lab, tickSize))
				ticks = append(ticks, tick{at: vals[i], mid: vals[i], label: lab})
			}
			x.ticks = ticks
			if len(vals) < 2 || width*step/(x.d1-x.d0) >= maxw+12 {
				break
			}
		}
	}
}

// timeAxis picks the finest calendar unit whose labels fit: full labels
// ("Mar 2025") if they fit, else short ones ("Mar") with the year in a
// second row where it changes.
func (r *renderer) timeAxis(width float64) ([]tick, bool) {
	x := r.x
	span := x.d1 - x.d0
	pxPerSec := width / span
	centred := x.tm.Period != Instant
	// Ticks finer than the data's period (days on a weekly chart) would
	// label parts of a bar.
	minUnit := 0.0
	if x.tm.Period != Instant {
		minUnit = tunit{x.tm.Period, 1}.approxSeconds() * 0.99
	}
	for _, u := range tunits {
		if span/u.approxSeconds() > 400 || u.approxSeconds() < minUnit {
			continue
		}
		// Cheap rejection before generating: even a one-character label
		// needs ~24px.
		if u.approxSeconds()*pxPerSec < 22 {
			continue
		}
		starts := timeTicks(x.d0, x.d1, x.loc, u)
		for _, short := range []bool{false, true} {
			if short && (u.p == Year || u.p == Month && u.n == 6) {
				continue
			}
			ticks := make([]tick, 0, len(starts))
			maxw := 0.0
			lastYear := -1
			for _, t := range starts {
				full, sh := timeLabel(t, u)
				tk := tick{at: T(t), mid: T(t), label: full}
				if centred {
					tk.mid = (T(t) + T(endOf(t, u.p))) / 2
					if tk.mid > x.d1 {
						tk.label = ""
					}
				}
				if short && tk.label != "" {
					tk.label = sh
					if t.Year() != lastYear {
						tk.label2 = strconv.Itoa(t.Year())
						lastYear = t.Year()
					}
				}
				maxw = math.Max(maxw, textWidth(tk.label, tickSize))
				ticks = append(ticks, tk)
			}
			spacing := u.approxSeconds() * pxPerSec
			if u.p == Month {
				spacing *= 28 / 30.44 // February
			}
			if spacing >= maxw+8 {
				// A leading partial unit long enough to hold a label gets one.
				if centred && u.n == 1 && len(ticks) > 0 {
					first := toTime(ticks[0].at, x.loc)
					prev := prevStart(first, u.p)
					if vis := (ticks[0].at - x.d0) * pxPerSec; vis >= maxw+6 {
						full, sh := timeLabel(prev, u)
						lead := tick{at: math.NaN(), mid: (x.d0 + ticks[0].at) / 2, label: full}
						if short {
							lead.label = sh
							lead.label2 = strconv.Itoa(prev.Year())
							if ticks[0].label2 == lead.label2 {
								ticks[0].label2 = ""
							}
						}
						ticks = append([]tick{lead}, ticks...)
					}
				}
				return ticks, short
			}
		}
	}
	return nil, false
}

func prevStart(t time.Time, p Period) time.Time {
	switch p {
	case Day:
		return t.AddDate(0, 0, -1)
	case Week:
		return t.AddDate(0, 0, -7)
	case Month:
		return t.AddDate(0, -1, 0)
	case Quarter:
		return t.AddDate(0, -3, 0)
	}
	return t.AddDate(-1, 0, 0)
}

func appendLegend(items, more []legendItem) []legendItem {
next:
	for _, m := range more {
		if m.name == "" {
			continue
		}
		for _, it := range items {
			if it.kind == m.kind && it.name == m.name && it.color == m.color {
				continue next
			}
		}
		items = append(items, m)
	}
	return items
}

// placeLegend flows the legend items into rows and returns the row count.
func (r *renderer) placeLegend(x0, x1, y float64) int {
	x, rows := x0, 1
	for i := range r.legend {
		it := &r.legend[i]
		it.text = truncate(clean(it.name), legendSize, x1-x0-24)
		w := 18 + 5 + textWidth(it.text, legendSize)
		if x > x0 && x+w > x1 {
			x, y, rows = x0, y+19, rows+1
		}
		it.x, it.y = x, y
		x += w + 16
	}
	return rows
}

// hatch returns the id of the hatch pattern for a colour (partial bars).
func (r *renderer) hatch(color string) string {
	for i, c := range r.hatches {
		if c == color {
			return r.id + "-hatch" + strconv.Itoa(i)
		}
	}
	r.hatches = append(r.hatches, color)
	return r.id + "-hatch" + strconv.Itoa(len(r.hatches)-1)
}

func (r *renderer) px(v float64) float64 { return r.x.pos(v) }
func (r *renderer) py(v float64) float64 { return r.y.pos(v) }

// document writes the whole chart.
func (r *renderer) document(standalone bool) []byte {
	c := r.c
	// Layers first, into their own buffer: they decide which patterns the
	// <defs> need.
	var body buf
	body.b = make([]byte, 0, 4096)
	body.raw(`<g class="chart-layers"`)
	body.attr("clip-path", "url(#"+r.id+"-clip)")
	body.raw(">")
	for i, l := range c.Layers {
		l.draw(r, &body, r.id+"-"+r.layerIDs[i])
	}
	body.raw("</g>")
	for _, it := range r.legend {
		if it.kind == "hatch" {
			r.hatch(it.color)
			for _, c := range it.colors {
				r.hatch(c)
			}
		}
	}

	w := &buf{b: make([]byte, 0, len(body.b)+4096)}
	if standalone {
		w.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	}
	w.raw(`<svg xmlns="http://www.w3.org/2000/svg"`)
	styleAttrs(w, "chart", Style{Class: c.Class})
	w.attr("viewBox", "0 0 "+fmtValue(r.W)+" "+fmtValue(r.H))
	w.attr("width", fmtValue(r.W))
	w.attr("height", fmtValue(r.H))
	w.raw(` role="img"`)
	w.attr("aria-labelledby", r.id+"-title")
	w.attr("aria-describedby", r.id+"-desc")
	w.attr("data-testid", "chart-"+r.id)
	w.attr("font-family", fontFamily)
	w.attr("font-size", fmtValue(tickSize))
	w.attr("data-plot", fmtValue(r.left)+" "+fmtValue(r.top)+" "+fmtValue(r.right-r.left)+" "+fmtValue(r.bottom-r.top))
	w.attr("data-x-kind", r.x.kind)
	w.attr("data-x-domain", strconv.FormatFloat(r.x.d0, 'f', -1, 64)+" "+strconv.FormatFloat(r.x.d1, 'f', -1, 64))
	w.attr("data-y-domain", strconv.FormatFloat(r.y.d0, 'f', -1, 64)+" "+strconv.FormatFloat(r.y.d1, 'f', -1, 64))
	if r.x.kind == "time" {
		_, off := toTime(r.x.d0, r.x.loc).Zone()
		w.attr("data-x-tz", strconv.Itoa(off))
	}
	if z := c.Zoom; z != nil && (z.Axes == "x" || z.Axes == "xy") && r.x.kind != "band" {
		w.attr("data-zoom", z.Axes)
		ps := make([]string, 0, len(z.Params))
		for _, p := range z.Params {
			ps = append(ps, sanitizeParam(p))
		}
		w.attr("data-zoom-params", strings.Join(ps, ","))
	}
	w.raw(">")

	w.raw(`<title`)
	w.attr("id", r.id+"-title")
	w.raw(">")
	w.text(firstNonEmpty(c.Title, "Chart"))
	w.raw(`</title><desc`)
	w.attr("id", r.id+"-desc")
	w.raw(">")
	w.text(r.description())
	w.raw("</desc>")

	r.defs(w)
	w.raw(`<rect class="chart-bg" width="100%" height="100%" fill="#fff"/>`)
	if c.Title != "" {
		w.raw(`<text class="chart-title" x="` + fmtValue(pad+2) + `" y="` + fmtValue(pad+16) + `" font-size="15" font-weight="600"`)
		w.attr("fill", inkColor)
		w.raw(">")
		w.text(truncate(clean(c.Title), titleSize, r.W-2*pad))
		w.raw("</text>")
	}
	r.drawLegend(w)
	r.drawGrid(w)
	w.b = append(w.b, body.b...)
	w.b = append(w.b, r.over.b...)
	r.drawAxes(w)
	r.drawHLabels(w)
	w.raw("</svg>")
	if standalone {
		w.raw("\n")
	}
	return w.b
}

// sanitizeParam keeps a query parameter name harmless in JS and URLs.
func sanitizeParam(p string) string {
	var b strings.Builder
	for _, c := range []byte(p) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func (r *renderer) description() string {
	if r.c.Desc != "" {
		return r.c.Desc
	}
	var b strings.Builder
	b.WriteString(firstNonEmpty(r.c.Title, "Chart"))
	b.WriteString(". X axis")
	if r.c.XLabel != "" {
		b.WriteString(" (" + r.c.XLabel + ")")
	}
	switch r.x.kind {
	case "band":
		b.WriteString(": " + strconv.Itoa(len(r.x.band)) + " categories")
	case "time":
		b.WriteString(" from " + toTime(r.x.d0, r.x.loc).Format("2 Jan 2006") + " to " + toTime(r.x.d1, r.x.loc).Format("2 Jan 2006"))
	default:
		b.WriteString(" from " + r.x.lin.format(r.x.d0) + " to " + r.x.lin.format(r.x.d1))
	}
	b.WriteString("; Y axis")
	if r.c.YLabel != "" {
		b.WriteString(" (" + r.c.YLabel + ")")
	}
	b.WriteString(" from " + r.y.lin.format(r.y.d0) + " to " + r.y.lin.format(r.y.d1) + ".")
	if len(r.legend) > 0 {
		b.WriteString(" Series: ")
		for i, it := range r.legend {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(it.name)
		}
		b.WriteString(".")
	}
	return b.String()
}

func (r *renderer) defs(w *buf) {
	w.raw("<defs><clipPath")
	w.attr("id", r.id+"-clip")
	w.raw("><rect")
	// A pixel of slack keeps lines on the domain's edge whole.
	w.attrNum("x", r.left-1)
	w.attrNum("y", r.top-1)
	w.attrNum("width", r.right-r.left+2)
	w.attrNum("height", r.bottom-r.top+2)
	w.raw("/></clipPath>")
	for i, c := range r.hatches {
		w.raw("<pattern")
		w.attr("id", r.id+"-hatch"+strconv.Itoa(i))
		w.raw(` patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6"`)
		w.attr("fill", c)
		w.raw(` fill-opacity=".18"/><rect width="2.5" height="6"`)
		w.attr("fill", c)
		w.raw(` fill-opacity=".7"/></pattern>`)
	}
	w.raw("</defs>")
}

func (r *renderer) drawLegend(w *buf) {
	if len(r.legend) == 0 {
		return
	}
	w.raw(`<g class="chart-legend"`)
	w.attr("data-testid", r.id+"-legend")
	w.attr("font-size", fmtValue(legendSize))
	w.raw(">")
	for _, it := range r.legend {
		x, y := it.x, it.y
		w.raw(`<g class="chart-legend-item">`)
		switch it.kind {
		case "line":
			w.raw(`<line`)
			w.attrNum("x1", x)
			w.attrNum("y1", y)
			w.attrNum("x2", x+18)
			w.attrNum("y2", y)
			w.attr("stroke", it.color)
			w.attrNum("stroke-width", it.style.width(2))
			if d := it.style.dash(); d != "" {
				w.attr("stroke-dasharray", d)
			}
			w.raw("/>")
		case "dot":
			w.raw(`<circle r="4.5"`)
			w.attrNum("cx", x+9)
			w.attrNum("cy", y)
			w.attr("fill", it.color)
			w.raw(` fill-opacity=".75"/>`)
		case "marker":
			w.raw(`<line`)
			w.attrNum("x1", x+9)
			w.attrNum("y1", y-7)
			w.attrNum("x2", x+9)
			w.attrNum("y2", y+7)
			w.attr("stroke", it.color)
			w.raw(` stroke-width="1.5"`)
			if d := it.style.dash(); d != "" {
				w.attr("stroke-dasharray", "2 2")
			}
			w.raw("/><path")
			w.attr("d", "M"+fmtValue(x+5)+" "+fmtValue(y-7)+"h8l-4 5z")
			w.attr("fill", it.color)
			w.raw("/>")
		case "hatch":
			r.hatchSample(w, it)
		default:
			w.raw(`<rect width="18" height="11" rx="2"`)
			w.attrNum("x", x)
			w.attrNum("y", y-5.5)
			switch it.kind {
			case "band":
				w.attr("fill", it.color)
				w.raw(` fill-opacity=".22"`)
			default:
				w.attr("fill", it.color)
			}
			w.raw("/>")
		}
		w.raw(`<text dy=".35em"`)
		w.attrNum("x", x+23)
		w.attrNum("y", y)
		w.attr("fill", inkColor)
		w.raw(">")
		w.text(it.text)
		w.raw("</text></g>")
	}
	w.raw("</g>")
}

// hatchSample is the legend sample of hatched marks: drawn as a hatched
// bar is (the hatch over its pale fill, outlined in its colour), one
// piece per hatched colour.
func (r *renderer) hatchSample(w *buf, it legendItem) {
	x, y := it.x, it.y
	colors := it.colors
	if len(colors) == 0 {
		colors = []string{it.color}
	}
	n := float64(len(colors))
	for i, c := range colors {
		px, py, pw, ph := x, y-5.5, 18.0, 11.0
		switch {
		case n == 1:
		case it.stacked: // the first series at the bottom, as stacked
			ph = 11 / n
			py = y + 5.5 - ph*float64(i+1)
		default: // side by side, as grouped bars
			pw = (18 - 2*(n-1)) / n
			px = x + float64(i)*(pw+2)
		}
		w.raw(`<rect`)
		if n == 1 {
			w.raw(` rx="2"`)
		}
		w.attrNum("x", px)
		w.attrNum("y", py)
		w.attrNum("width", pw)
		w.attrNum("height", ph)
		w.attr("fill", "url(#"+r.hatch(c)+")")
		w.attr("stroke", c)
		w.raw(` stroke-width="1"/>`)
	}
}

func (r *renderer) drawGrid(w *buf) {
	w.raw(`<g class="chart-grid"`)
	w.attr("stroke", gridColor)
	w.raw(` stroke-width="1" shape-rendering="crispEdges">`)
	for _, t := range r.y.ticks {
		y := r.py(t.at)
		if t.at == 0 {
			continue // drawn as the baseline
		}
		w.raw(`<line`)
		w.attrNum("x1", r.left)
		w.attrNum("x2", r.right)
		w.attrNum("y1", y)
		w.attrNum("y2", y)
		w.raw("/>")
	}
	if r.c.XGrid {
		for _, t := range r.x.ticks {
			if math.IsNaN(t.at) {
				continue
			}
			x := r.px(t.at)
			w.raw(`<line`)
			w.attrNum("x1", x)
			w.attrNum("x2", x)
			w.attrNum("y1", r.top)
			w.attrNum("y2", r.bottom)
			w.raw("/>")
		}
	}
	w.raw("</g>")
}

func (r *renderer) drawAxes(w *buf) {
	// X axis: baseline (at zero when zero is in view), tick marks, labels.
	w.raw(`<g class="chart-axis chart-axis-x"`)
	w.attr("data-testid", r.id+"-x-axis")
	w.attr("fill", mutedColor)
	w.raw(">")
	base := r.bottom
	if r.y.d0 < 0 && r.y.d1 > 0 {
		base = r.py(0)
	}
	w.raw(`<line shape-rendering="crispEdges"`)
	w.attrNum("x1", r.left)
	w.attrNum("x2", r.right)
	w.attrNum("y1", base)
	w.attrNum("y2", base)
	w.attr("stroke", axisColor)
	w.raw("/>")
	for _, t := range r.x.ticks {
		if !math.IsNaN(t.at) && r.x.kind != "band" {
			x := r.px(t.at)
			w.raw(`<line shape-rendering="crispEdges"`)
			w.attrNum("x1", x)
			w.attrNum("x2", x)
			w.attrNum("y1", r.bottom)
			w.attrNum("y2", r.bottom+5)
			w.attr("stroke", axisColor)
			w.raw("/>")
		}
		if t.label == "" {
			continue
		}
		x := r.px(t.mid)
		anchor := "middle"
		hw := textWidth(t.label, tickSize) / 2
		if x-hw < 2 {
			anchor, x = "start", math.Max(x-hw, 2)
		} else if x+hw > r.W-2 {
			anchor, x = "end", math.Min(x+hw, r.W-2)
		}
		w.raw(`<text`)
		w.attrNum("x", x)
		w.attrNum("y", r.bottom+17)
		w.attr("text-anchor", anchor)
		w.raw(">")
		w.text(t.label)
		w.raw("</text>")
		if t.label2 != "" {
			w.raw(`<text font-weight="600"`)
			w.attrNum("x", x)
			w.attrNum("y", r.bottom+30)
			w.attr("text-anchor", anchor)
			w.raw(">")
			w.text(t.label2)
			w.raw("</text>")
		}
	}
	if r.c.XLabel != "" {
		w.raw(`<text class="chart-axis-label" text-anchor="middle"`)
		w.attrNum("x", (r.left+r.right)/2)
		w.attrNum("y", r.H-pad)
		w.attr("font-size", fmtValue(labelSize))
		w.attr("fill", inkColor)
		w.raw(">")
		w.text(truncate(clean(r.c.XLabel), labelSize, r.right-r.left))
		w.raw("</text>")
	}
	w.raw("</g>")

	w.raw(`<g class="chart-axis chart-axis-y"`)
	w.attr("data-testid", r.id+"-y-axis")
	w.attr("fill", mutedColor)
	w.raw(` text-anchor="end">`)
	for _, t := range r.y.ticks {
		w.raw(`<text dy=".32em"`)
		w.attrNum("x", r.left-8)
		w.attrNum("y", r.py(t.at))
		w.raw(">")
		w.text(t.label)
		w.raw("</text>")
	}
	if r.c.YLabel != "" {
		x, y := pad+6, (r.top+r.bottom)/2
		w.raw(`<text class="chart-axis-label" text-anchor="middle"`)
		w.attrNum("x", x)
		w.attrNum("y", y)
		w.attr("transform", "rotate(-90 "+fmtValue(x)+" "+fmtValue(y)+")")
		w.attr("font-size", fmtValue(labelSize))
		w.attr("fill", inkColor)
		w.raw(` dy=".35em">`)
		w.text(truncate(clean(r.c.YLabel), labelSize, r.bottom-r.top))
		w.raw("</text>")
	}
	w.raw("</g>")
}

// drawHLabels writes the labels of full-width reference lines in the right
// margin, nudged apart so equal values (80% and 90% both at 3) stay
// readable.
func (r *renderer) drawHLabels(w *buf) {
	if len(r.hlabels) == 0 {
		return
	}
	ls := append([]hlabel(nil), r.hlabels...)
	// Sort by y (insertion sort: a handful of labels).
	for i := 1; i < len(ls); i++ {
		for j := i; j > 0 && ls[j].y < ls[j-1].y; j-- {
			ls[j], ls[j-1] = ls[j-1], ls[j]
		}
	}
	const gap = 13.0
	for i := 1; i < len(ls); i++ {
		if ls[i].y < ls[i-1].y+gap {
			ls[i].y = ls[i-1].y + gap
		}
	}
	if n := len(ls); n > 0 && ls[n-1].y > r.bottom+4 {
		shift := ls[n-1].y - (r.bottom + 4)
		for i := range ls {
			ls[i].y -= shift
		}
	}
	w.raw(`<g class="chart-hline-labels" font-weight="600">`)
	for _, l := range ls {
		w.raw(`<text dy=".32em"`)
		w.attrNum("x", r.right+5)
		w.attrNum("y", l.y)
		w.attr("fill", l.color)
		w.raw(">")
		w.text(l.text)
		w.raw("</text>")
	}
	w.raw("</g>")
}

// errArea is returned for stacked areas whose series disagree on X.
var errArea = errors.New("area series must share the same X values")
