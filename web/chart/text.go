package chart

import (
	"strings"
	"unicode"
)

// textWidth estimates the rendered width of s in a sans-serif font of the
// given size. The server cannot measure text; the widths are DejaVu Sans's
// (Linux's usual sans-serif, and wider than Segoe UI or San Francisco), so
// the estimate errs on the side of room.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r < 0x80:
			w += asciiWidth[r]
		case r >= 0x2E80:
			w += 1.0 // CJK and other wide scripts
		case r == '…' || r == '—':
			w += 1.0
		case r == '≥' || r == '≤' || r == '±' || r == '×' || r == '÷':
			w += 0.84
		case r == '·' || r == '•':
			w += 0.32
		case unicode.IsUpper(r):
			w += 0.72
		default:
			w += 0.64
		}
	}
	return w * size
}

// asciiWidth holds DejaVu Sans advance widths in ems, measured in Chromium.
var asciiWidth = func() (t [128]float64) {
	for i := range t {
		switch {
		case i < 0x20 || i == 0x7f:
			t[i] = 0
		case i >= '0' && i <= '9':
			t[i] = 0.64
		case i >= 'a' && i <= 'z':
			t[i] = 0.62
		case i >= 'A' && i <= 'Z':
			t[i] = 0.71
		default:
			t[i] = 0.64
		}
	}
	set := func(chars string, v float64) {
		for _, c := range chars {
			t[c] = v
		}
	}
	set("ijlIJ'|.,:; ", 0.32)
	set("ftr()[]!-/`", 0.4)
	set("csz", 0.55)
	set("kvxy", 0.6)
	set("mM", 0.97)
	set("wW", 0.99)
	set(`"`, 0.46)
	set("*_?^", 0.53)
	set("<>+=~#", 0.84)
	set("%", 0.95)
	set("&", 0.78)
	set("@", 1.0)
	return t
}()

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
