package chart

import (
	"strings"
	"unicode"
)

// textWidth estimates the rendered width of s in a sans-serif font of the
// given size. The server cannot measure text, and a generous estimate is
// enough to keep labels from overlapping.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r == ' ' || r == '.' || r == ',' || r == ':' || r == ';' || r == '\'' || r == '|' || r == '!' ||
			r == 'i' || r == 'j' || r == 'l' || r == 'I' || r == 'f' || r == 't' || r == 'r':
			w += 0.32
		case r >= '0' && r <= '9':
			w += 0.56
		case r == 'm' || r == 'w' || r == 'M' || r == 'W' || r == '%' || r == '@':
			w += 0.86
		case r >= 0x2E80:
			w += 1.0 // CJK and other wide scripts
		case unicode.IsUpper(r):
			w += 0.66
		default:
			w += 0.54
		}
	}
	return w * size
}

// truncate shortens s to fit max pixels, ending it with an ellipsis.
func truncate(s string, size, max float64) string {
	if textWidth(s, size) <= max {
		return s
	}
	rs := []rune(s)
	for n := len(rs) - 1; n > 0; n-- {
		t := strings.TrimRightFunc(string(rs[:n]), unicode.IsSpace) + "…"
		if textWidth(t, size) <= max {
			return t
		}
	}
	return ""
}
