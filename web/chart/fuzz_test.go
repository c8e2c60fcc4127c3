package chart

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// hostileCharts put one label in every place a chart shows or stores text:
// titles, axis names, categories, series, points, links, markers, bands,
// reference lines, ids, classes, colours, keys, units and zoom parameters.
func hostileCharts(label string) []*Chart {
	day := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	pts := []Datum{
		{X: 0, Y: 1, Label: label, Title: label, Href: label},
		{X: 1, Y: 2, Label: label, Href: "https://jira.example.com/browse/" + label},
		{X: 2, Y: 3, Label: "K-1", Href: "/browse/" + label},
	}
	st := Style{Color: label, Dash: label, Class: label}
	band := &Chart{
		ID: label, Title: label, Desc: label, XLabel: label, YLabel: label, Height: 700, Class: label,
		X:    Band{Labels: []string{label, "b", label}, Key: label},
		Y:    Linear{Unit: label},
		Zoom: &Zoom{Axes: "x", Params: []string{label, label}},
		Layers: []Layer{
			&Bands{ID: label, Name: label, Style: st, Labels: true, Items: []Span{{X0: 0, X1: 1, Label: label, Title: label}}},
			&Bars{ID: label, PartialLabel: label, Stacked: true, Series: []Series{
				{ID: label, Name: label, Style: st, Data: []Datum{{X: 0, Y: 2, Label: label, Title: label, Partial: true}, {X: 1, Y: 1}}},
				{Name: label, Data: []Datum{{X: 0, Y: 1}}},
			}},
			&Line{ID: label, Name: label, Style: st, Data: pts},
			&Line{Name: label, Step: true, Data: pts},
			&Scatter{ID: label, Name: label, Style: st, Data: pts},
			&HLine{ID: label, Name: label, Label: label, Y: 2, Style: st},
			&HLine{Name: label, Y: 1, From: 0, To: 1},
			&Markers{ID: label, Name: label, Style: st, Labels: true, Items: []Marker{{X: 1, Label: label}, {X: 2, Label: label, Title: label}}},
		},
	}
	tpts := make([]Datum, len(pts))
	for i, p := range pts {
		p.X = T(day.AddDate(0, 0, i))
		tpts[i] = p
	}
	timed := &Chart{
		ID: label, Title: label,
		X: Time{Key: label, Period: Day}, Y: Linear{Unit: label, Key: label},
		Zoom: &Zoom{Axes: "xy", Params: []string{label, label, label, label}},
		Layers: []Layer{
			&Area{ID: label, Series: []Series{{Name: label, Data: tpts}, {ID: label, Data: tpts}}},
			&Scatter{Name: label, Data: tpts, MaxDetailed: -1},
			&Scatter{Name: "no links", Data: []Datum{{X: tpts[0].X, Y: 1, Label: label}, {X: tpts[1].X, Y: 1}}, MaxDetailed: -1},
		},
	}
	return []*Chart{band, timed}
}

// FuzzLabel: whatever a label holds, the chart is well-formed XML, and
// parsed as a browser parses inline SVG in HTML it has no script element,
// no event-handler or style attribute and no link a browser could run.
func FuzzLabel(f *testing.F) {
	for _, s := range []string{
		"", "plain", "<script>alert(1)</script>", `"><img src=x onerror=alert(1)>`, "]]><script>x</script>",
		"javascript:alert(1)", " JaVaScRiPt:alert(1)", "\x00\x0b\x1f\x7f", "\xff\xfe\xfd", "</svg><script>alert(1)</script>",
		"&lt;script&gt;", "<!--", "' onload='alert(1)", "\uFFFE\uFFFF", "é 日本 🚀 \u202e", "a\nb\tc\rd",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, label string) {
		for _, c := range hostileCharts(label) {
			var alone, inline bytes.Buffer
			if err := c.Standalone(&alone); err != nil {
				t.Fatalf("Standalone: %v", err)
			}
			if err := inert(alone.String()); err != nil {
				t.Fatalf("%v\n%s", err, alone.String())
			}
			if err := c.Render(&inline); err != nil {
				t.Fatal(err)
			}
			d, err := goquery.NewDocumentFromReader(strings.NewReader("<!DOCTYPE html><html><body><div>" + inline.String() + "</div><p id=after></p></body></html>"))
			if err != nil {
				t.Fatal(err)
			}
			if d.Find("script, style, iframe, object, embed, foreignObject, img").Length() != 0 {
				t.Fatalf("active element in\n%s", inline.String())
			}
			// Nothing escaped the <svg>: the paragraph after it is still a
			// sibling of the div, and there is exactly one svg.
			if d.Find("svg").Length() != 1 || d.Find("body > p#after").Length() != 1 {
				t.Fatalf("markup escaped the svg element:\n%s", inline.String())
			}
			d.Find("*").Each(func(_ int, s *goquery.Selection) {
				for _, a := range s.Nodes[0].Attr {
					n := strings.ToLower(a.Key)
					if strings.HasPrefix(n, "on") || n == "style" {
						t.Fatalf("attribute %s in\n%s", n, inline.String())
					}
					if n == "href" || n == "xlink:href" {
						// Browsers ignore leading spaces and controls, and
						// tabs and newlines anywhere in a URL.
						v := strings.ToLower(strings.Map(func(r rune) rune {
							if r <= ' ' {
								return -1
							}
							return r
						}, a.Val))
						if !(strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "/")) {
							t.Fatalf("href %q", a.Val)
						}
					}
				}
			})
		}
	})
}
