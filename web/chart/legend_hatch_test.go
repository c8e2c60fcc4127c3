package chart

import (
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// The legend sample of the hatched (partial) bars is drawn as those bars
// are: the same hatch pattern over its pale fill, outlined in the same
// colour; one piece per hatched colour, side by side for grouped bars,
// bottom to top for stacked ones.
func TestPartialLegendSampleLooksLikeTheBars(t *testing.T) {
	t.Parallel()
	mon := time.Date(2025, 3, 17, 0, 0, 0, 0, time.UTC)
	series := func(colors ...string) []Series {
		var out []Series
		for i, c := range colors {
			data := weeks(time.UTC, mon, 3, 4, float64(i+2))
			data[2].Partial = true
			out = append(out, Series{ID: strings.TrimPrefix(c, "#"), Name: c, Style: Style{Color: c}, Data: data})
		}
		return out
	}
	tests := []struct {
		name    string
		stacked bool
		colors  []string
		want    []string // the sample's pieces, left to right or bottom to top
	}{
		{"one series", false, []string{Blue}, []string{Blue}},
		{"grouped", false, []string{Orange, Blue}, []string{Orange, Blue}},
		{"stacked", true, []string{Green, Vermillion}, []string{Green, Vermillion}},
		{"too many to split stand for the first", true, []string{Blue, Orange, Green, Purple}, []string{Blue}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := &Chart{ID: "nf", Title: "Net flow", X: Time{Loc: time.UTC, Period: Week}, Y: Linear{Integer: true},
				Layers: []Layer{&Bars{ID: "flow", Stacked: tt.stacked, PartialLabel: "This week (so far)", Series: series(tt.colors...)}}}
			_, d := renderDoc(t, c)
			item := d.Find(`[data-testid="nf-legend"] .chart-legend-item`).FilterFunction(func(_ int, s *goquery.Selection) bool {
				return s.Find("text").Text() == "This week (so far)"
			})
			pieces := item.Find("rect")
			if pieces.Length() != len(tt.want) {
				t.Fatalf("%d pieces, want %d", pieces.Length(), len(tt.want))
			}
			for i, col := range tt.want {
				p := pieces.Eq(i)
				bar := d.Find(`rect.chart-bar[data-partial="true"][stroke="` + col + `"]`)
				if bar.Length() != 1 {
					t.Fatalf("%d hatched bars of %s", bar.Length(), col)
				}
				if p.AttrOr("stroke", "") != col || p.AttrOr("fill", "") != bar.AttrOr("fill", "x") {
					t.Errorf("piece %d: stroke %q fill %q; the %s bar: fill %q", i, p.AttrOr("stroke", ""), p.AttrOr("fill", ""), col, bar.AttrOr("fill", ""))
				}
				id := strings.TrimSuffix(strings.TrimPrefix(p.AttrOr("fill", ""), "url(#"), ")")
				if d.Find(`pattern#`+id+` rect[fill="`+col+`"]`).Length() != 2 {
					t.Errorf("piece %d: pattern %q is not the pale fill and hatch of %s", i, id, col)
				}
				if i == 0 {
					continue
				}
				prev := pieces.Eq(i - 1)
				if tt.stacked {
					if attrF(t, p, "y") >= attrF(t, prev, "y") || attrF(t, p, "x") != attrF(t, prev, "x") {
						t.Errorf("piece %d is not above piece %d", i, i-1)
					}
				} else if attrF(t, p, "x") <= attrF(t, prev, "x")+attrF(t, prev, "width") || attrF(t, p, "y") != attrF(t, prev, "y") {
					t.Errorf("piece %d is not right of piece %d", i, i-1)
				}
			}
		})
	}
}
