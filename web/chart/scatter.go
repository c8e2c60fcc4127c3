package chart

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

const defaultMaxDetailed = 1000

func (s *Scatter) extent(r *renderer, e *extent) error {
	for _, d := range s.Data {
		if finite(d.X) && finite(d.Y) {
			e.addX(d.X)
			e.addY(d.Y)
			if r.x.kind != "band" {
				e.points = true
			}
		}
	}
	return nil
}

func (s *Scatter) legend(r *renderer) []legendItem {
	return []legendItem{{kind: "dot", name: s.Name, style: s.Style, color: s.Style.color(Blue)}}
}

func (s *Scatter) radius() float64 {
	if s.Radius > 0 && s.Radius < 20 {
		return s.Radius
	}
	return 3.5
}

func (s *Scatter) draw(r *renderer, w *buf, id string) {
	color := s.Style.color(Blue)
	// Points outside a zoomed domain cost bytes and are clipped anyway.
	idx := make([]int, 0, len(s.Data))
	for i, d := range s.Data {
		if finite(d.X) && finite(d.Y) && d.X >= r.x.d0 && d.X <= r.x.d1 && d.Y >= r.y.d0 && d.Y <= r.y.d1 {
			idx = append(idx, i)
		}
	}
	max := s.MaxDetailed
	if max == 0 {
		max = defaultMaxDetailed
	}
	if max < 0 || len(idx) > max {
		s.drawCompact(r, w, id, color, idx)
		return
	}
	w.raw("<g")
	styleAttrs(w, "chart-scatter", s.Style)
	w.attr("data-testid", id)
	w.attr("data-series", s.Name)
	w.attr("fill", color)
	w.raw(` fill-opacity=".75" stroke="#fff" stroke-width=".6"`)
	w.attr("data-count", strconv.Itoa(len(idx)))
	w.raw(">")
	rad := s.radius()
	for _, i := range idx {
		d := s.Data[i]
		href := safeHref(d.Href)
		if href != "" {
			w.raw("<a")
			w.attr("href", href)
			w.raw(` target="_blank" rel="noopener noreferrer">`)
		}
		w.raw(`<circle class="chart-dot"`)
		w.attrNum("cx", r.px(d.X))
		w.attrNum("cy", r.py(d.Y))
		w.attrNum("r", rad)
		r.dataX(w, d.X)
		w.attr("data-value", fmtValue(d.Y))
		if d.Label != "" {
			w.attr("data-label", d.Label)
		}
		w.raw(">")
		t := d.Title
		if t == "" {
			t = firstNonEmpty(d.Label, s.Name)
			if t != "" {
				t += "\n"
			}
			t += r.valueText(d.Y) + "\n" + r.x.human(d.X)
		}
		title(w, t)
		w.raw("</circle>")
		if href != "" {
			w.raw("</a>")
		}
	}
	w.raw("</g>")
}

// drawCompact writes many points as one path of round zero-length strokes
// (about 10 bytes a point) and their data as columns in one data-points
// attribute (JSON, see doc.go). Points are sorted by X so the path can use
// short relative moves; the columns follow the path's order.
func (s *Scatter) drawCompact(r *renderer, w *buf, id, color string, idx []int) {
	slices.SortStableFunc(idx, func(a, b int) int {
		switch da, db := s.Data[a].X, s.Data[b].X; {
		case da < db:
			return -1
		case da > db:
			return 1
		}
		return 0
	})
	var d []byte
	d = make([]byte, 0, len(idx)*11)
	px, py := 0.0, 0.0
	for k, i := range idx {
		// Round first, then move relative to the rounded previous point,
		// so rounding never accumulates.
		x := math.Round(r.px(s.Data[i].X)*10) / 10
		y := math.Round(r.py(s.Data[i].Y)*10) / 10
		if k == 0 {
			d = append(d, 'M')
			d = appendCoord(d, x, true)
			d = append(d, ' ')
			d = appendCoord(d, y, true)
		} else {
			d = append(d, 'm')
			d = appendCoord(d, x-px, true)
			if y-py >= 0 {
				d = append(d, ' ')
			}
			d = appendCoord(d, y-py, true)
		}
		d = append(d, 'h', '0')
		px, py = x, y
	}

	labels := make([]string, len(idx))
	hrefs := make([]string, len(idx))
	var check hrefChecker
	for k, i := range idx {
		labels[k] = s.Data[i].Label
		hrefs[k] = check.safe(s.Data[i].Href)
	}
	lp := commonPrefix(labels)
	// Links are usually <base><label> (a JIRA browse URL): then only the
	// base is stored.
	hrefBase, derived := "", true
	any := false
	for k, h := range hrefs {
		if h == "" {
			derived = false
			continue
		}
		any = true
		if !strings.HasSuffix(h, labels[k]) || labels[k] == "" {
			derived = false
			continue
		}
		b := h[:len(h)-len(labels[k])]
		if k == 0 || hrefBase == "" {
			hrefBase = b
		}
		if b != hrefBase {
			derived = false
		}
	}
	hp := ""
	if any && !derived {
		hp = commonPrefix(hrefs)
	}

	var j []byte
	j = make([]byte, 0, len(idx)*30)
	if r.x.kind == "time" && len(idx) > 0 {
		// Dates as day steps from the first point's date: sorted by X,
		// they are mostly 0 or 1 (two bytes a point instead of thirteen).
		first := toTime(s.Data[idx[0]].X, r.x.loc)
		j = append(j, `{"d0":`...)
		j = appendJSONString(j, first.Format("2006-01-02"))
		j = append(j, `,"dx":[`...)
		prev := dayNumber(first)
		for k, i := range idx {
			if k > 0 {
				j = append(j, ',')
			}
			dn := dayNumber(toTime(s.Data[i].X, r.x.loc))
			j = strconv.AppendInt(j, int64(dn-prev), 10)
			prev = dn
		}
	} else {
		j = append(j, `{"x":[`...)
		for k, i := range idx {
			if k > 0 {
				j = append(j, ',')
			}
			j = appendJSONString(j, r.keyOf(s.Data[i].X))
		}
	}
	j = append(j, `],"y":[`...)
	for k, i := range idx {
		if k > 0 {
			j = append(j, ',')
		}
		j = append(j, fmtValue(s.Data[i].Y)...)
	}
	j = append(j, `],"k":[`...)
	for k, l := range labels {
		if k > 0 {
			j = append(j, ',')
		}
		j = appendJSONString(j, l[len(lp):])
	}
	j = append(j, ']')
	if any && !derived {
		j = append(j, `,"h":[`...)
		for k, h := range hrefs {
			if k > 0 {
				j = append(j, ',')
			}
			if h == "" {
				j = append(j, "null"...)
			} else {
				j = appendJSONString(j, h[len(hp):])
			}
		}
		j = append(j, ']')
	}
	j = append(j, '}')

	// Grown once for the two big attributes (the biggest boards' point
	// layers are megabytes).
	w.b = slices.Grow(w.b, len(d)+len(j)+len(lp)+len(hrefBase)+len(hp)+1024)
	w.raw("<path")
	styleAttrs(w, "chart-scatter chart-pts", s.Style)
	w.attr("data-testid", id)
	w.attr("data-series", s.Name)
	w.attr("data-count", strconv.Itoa(len(idx)))
	w.attr("fill", "none")
	w.attr("stroke", color)
	w.raw(` stroke-opacity=".7" stroke-linecap="round"`)
	w.attrNum("stroke-width", 2*s.radius())
	w.attr("d", string(d))
	if lp != "" {
		w.attr("data-label-prefix", lp)
	}
	switch {
	case any && derived:
		w.attr("data-href-prefix", hrefBase)
		w.raw(` data-href-from="label"`)
	case any:
		w.attr("data-href-prefix", hp)
	}
	if r.y.lin.Unit != "" {
		w.attr("data-unit", r.y.lin.Unit)
	}
	if det := safeHref(s.Details); strings.HasPrefix(det, "/") {
		w.attr("data-details", det)
	}
	// Single quotes: JSON is full of double quotes, which would each cost
	// six bytes as &#34;.
	w.raw(` data-points='`)
	w.b = appendEscaped(w.b, string(j), inSingle)
	w.raw(`'>`)
	title(w, firstNonEmpty(s.Name, "Points")+": "+strconv.Itoa(len(idx)))
	w.raw("</path>")
}

// commonPrefix is the longest common prefix of ss, cut at a rune boundary.
func commonPrefix(ss []string) string {
	if len(ss) < 2 {
		return ""
	}
	p := ss[0]
	for _, s := range ss[1:] {
		n := 0
		for n < len(p) && n < len(s) && p[n] == s[n] {
			n++
		}
		p = p[:n]
		if p == "" {
			return ""
		}
	}
	for len(p) > 0 && !utf8.ValidString(p) {
		p = p[:len(p)-1]
	}
	return p
}

// appendJSONString writes s as a JSON string. Invalid UTF-8 becomes
// U+FFFD; control characters are \u escapes.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[r>>4], hex[r&0xf])
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}

// safeHref returns h when it is an absolute http(s) URL or a path from
// the site's root, and "" for anything else: what a browser could run
// (javascript:, data:), misread (control characters, backslashes) or
// resolve somewhere unexpected (protocol-relative //host, relative paths).
func safeHref(h string) string {
	h = strings.TrimSpace(h)
	if h == "" || len(h) > 2048 || !utf8.ValidString(h) || clean(h) != h {
		return ""
	}
	for _, c := range []byte(h) {
		if c < 0x21 || c == 0x7f || c == '\\' {
			return ""
		}
	}
	u, err := url.Parse(h)
	if err != nil {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return ""
		}
		return h
	case "":
		if !strings.HasPrefix(h, "/") || strings.HasPrefix(h, "//") {
			return ""
		}
		return h
	}
	return ""
}

// hrefChecker is safeHref for many links to one site: once a link has
// passed, others under the same scheme://host/ need only a scan for
// unusual bytes instead of a full URL parse.
type hrefChecker struct{ origin string }

func (c *hrefChecker) safe(h string) string {
	h = strings.TrimSpace(h)
	if c.origin != "" && len(h) <= 2048 && strings.HasPrefix(h, c.origin) {
		plain := true
		for i := len(c.origin); i < len(h); i++ {
			if b := h[i]; b < 0x21 || b >= 0x7f || b == '\\' {
				plain = false
				break
			}
		}
		if plain {
			return h
		}
	}
	h = safeHref(h)
	if h != "" {
		if i := strings.Index(h, "://"); i > 0 {
			if j := strings.IndexByte(h[i+3:], '/'); j >= 0 {
				c.origin = h[:i+3+j+1]
			}
		}
	}
	return h
}
