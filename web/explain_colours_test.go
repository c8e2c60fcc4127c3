package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// The text under a chart names only colours the chart draws: "red" for
// the palette's vermillion would send a reader looking for a colour that
// is not there (the palette is Okabe–Ito, chart/palette.go).
func TestChartExplanationsNameTheirColours(t *testing.T) {
	t.Parallel()
	prs := loadPRFixture(t)
	flows, _ := loadFlowFixture(t)
	colours := map[string][]string{ // a colour word -> the hex codes it may name
		"red": nil, "pink": nil, "brown": nil,
		"green": {"#009E73"}, "vermillion": {"#D55E00"}, "orange": {"#E69F00"}, "blue": {"#0072B2", "#56B4E9"},
		"purple": {"#CC79A7"}, "yellow": {"#F0E442"}, "black": {"#000000"}, "grey": {"#7A8391", "#B8BEC7"}, "gray": {"#7A8391", "#B8BEC7"},
	}
	word := regexp.MustCompile(`[a-z]+`)
	tests := []struct {
		name string
		get  func() string
	}{
		{"pull requests", func() string { _, b := get(t, prs.Routes(), prURL+"?from=2025-03-03&to=2025-03-23"); return b }},
		{"aging", func() string { _, b := get(t, flows.Routes(), flowURL+"/aging"); return b }},
		{"flow", func() string { _, b := get(t, flows.Routes(), flowURL+"/flow"); return b }},
		{"impediments", func() string { _, b := get(t, flows.Routes(), flowURL+"/blocked"); return b }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cards := doc(t, tt.get()).Find("section.chart-card")
			if cards.Length() == 0 {
				t.Fatal("no chart cards")
			}
			cards.Each(func(_ int, card *goquery.Selection) {
				explain := strings.ToLower(card.Find("p.explain").Text())
				svg, _ := goquery.OuterHtml(card.Find("svg").First())
				for _, w := range word.FindAllString(explain, -1) {
					hexes, isColour := colours[w]
					if !isColour {
						continue
					}
					found := false
					for _, h := range hexes {
						found = found || strings.Contains(strings.ToUpper(svg), h)
					}
					if !found {
						id, _ := card.Attr("data-testid")
						t.Errorf("%s says %q, a colour its chart does not draw: %q", id, w, explain)
					}
				}
			})
		})
	}
}
