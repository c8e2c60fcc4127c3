package chart

import "strings"

// The Okabe–Ito palette: eight colours that stay distinguishable for the
// common forms of colour blindness. Lines that must be told apart in print
// or by people who see none of these hues also differ by dash pattern.
const (
	Blue       = "#0072B2"
	Orange     = "#E69F00"
	SkyBlue    = "#56B4E9"
	Green      = "#009E73"
	Yellow     = "#F0E442"
	Vermillion = "#D55E00"
	Purple     = "#CC79A7"
	Black      = "#000000"
	// Grey is for context marks (tags, unmapped work) that should recede.
	Grey = "#7A8391"
)

// Style is how a layer is drawn. The zero Style takes the palette colour
// for the layer's position.
type Style struct {
	// Color is "#rgb" or "#rrggbb"; anything else is ignored.
	Color string
	// Dash is an SVG stroke-dasharray ("6 3"); anything but digits, dots,
	// commas and spaces is ignored.
	Dash string
	// Width is the stroke width of lines in pixels (default 2).
	Width float64
	// Class is added to the layer's class attribute, for page CSS
	// (letters, digits, '-', '_' and spaces between classes only; anything
	// else is dropped).
	Class string
}

// Named styles, so every view draws the same thing the same way.
var (
	// ThroughputStyle: delivered items (or merged PRs) per period.
	ThroughputStyle = Style{Color: Blue, Class: "throughput"}
	// MergedStyle and RejectedStyle: PR volume, stacked.
	MergedStyle   = Style{Color: Green, Class: "merged"}
	RejectedStyle = Style{Color: Vermillion, Class: "rejected"}
	// Backlog growth lines.
	CreatedStyle   = Style{Color: Blue, Class: "created"}
	DeliveredStyle = Style{Color: Green, Class: "delivered"}
	ClosedStyle    = Style{Color: Purple, Dash: "6 3", Class: "closed"}
	// WIPStyle: work in progress on the CFD.
	WIPStyle = Style{Color: Black, Width: 1.5, Class: "wip"}
	// TagStyle: release tags (vertical markers).
	TagStyle = Style{Color: Grey, Dash: "3 3", Width: 1, Class: "tag"}
	// AnnotationStyle: team annotations (bands or markers).
	AnnotationStyle = Style{Color: SkyBlue, Class: "annotation"}
	// PartialStyle: the unfinished current week or quarter (a hatched band).
	PartialStyle = Style{Color: Grey, Class: "partial"}
	// UnmappedStyle: the CFD band of issues in no board column yet.
	UnmappedStyle = Style{Color: "#B8BEC7", Class: "unmapped"}
)

// Likelihood returns the style of a percentile or likelihood line: 50, 70,
// 80, 85, 90 and 95 each have their own colour and dash pattern; any other
// p gets a neutral dashed style.
func Likelihood(p int) Style {
	switch p {
	case 50:
		return Style{Color: Green, Class: "p50"}
	case 70:
		return Style{Color: SkyBlue, Dash: "8 3 2 3", Class: "p70"}
	case 80:
		return Style{Color: Orange, Dash: "7 4", Class: "p80"}
	case 85:
		return Style{Color: Purple, Dash: "4 2 1 2", Class: "p85"}
	case 90:
		return Style{Color: Vermillion, Dash: "2 3", Class: "p90"}
	case 95:
		return Style{Color: Black, Dash: "1 3", Class: "p95"}
	}
	return Style{Color: Grey, Dash: "5 5"}
}

var categorical = [...]string{Blue, Orange, Green, Purple, SkyBlue, Vermillion, Black, Yellow}

// Categorical returns the i-th categorical style (work types, CFD states),
// cycling through the palette. Yellow comes last: it is faint on white.
func Categorical(i int) Style {
	if i < 0 {
		i = -i
	}
	return Style{Color: categorical[i%len(categorical)]}
}

// color returns the validated colour or def.
func (s Style) color(def string) string {
	if validColor(s.Color) {
		return s.Color
	}
	return def
}

func (s Style) width(def float64) float64 {
	if s.Width > 0 && s.Width < 50 {
		return s.Width
	}
	return def
}

func (s Style) dash() string {
	if len(s.Dash) > 40 {
		return ""
	}
	for _, c := range []byte(s.Dash) {
		if !(c >= '0' && c <= '9' || c == '.' || c == ',' || c == ' ') {
			return ""
		}
	}
	return s.Dash
}

func (s Style) class() string {
	b := make([]byte, 0, len(s.Class))
	for _, c := range []byte(s.Class) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == ' ' {
			b = append(b, c)
		}
	}
	return strings.Join(strings.Fields(string(b)), " ")
}

func validColor(c string) bool {
	if len(c) != 4 && len(c) != 7 || c[0] != '#' {
		return false
	}
	for _, r := range []byte(c[1:]) {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}
