package chart

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// buf accumulates the whole document so a chart is written with one Write
// call (a failed render never leaves half an <svg> in a page).
type buf struct{ b []byte }

func (w *buf) raw(s string) { w.b = append(w.b, s...) }

// text writes s as XML character data. Every label may come from a user or
// from JIRA, so everything that could end the element, start markup or be
// rejected by an XML parser is neutralised here, in one place.
func (w *buf) text(s string) { w.b = appendEscaped(w.b, s, inText) }

// attr writes ` name="value"` with value escaped for a double-quoted
// attribute. name is always a constant of this package, never user input.
func (w *buf) attr(name, value string) {
	w.b = append(w.b, ' ')
	w.b = append(w.b, name...)
	w.b = append(w.b, '=', '"')
	w.b = appendEscaped(w.b, value, inDouble)
	w.b = append(w.b, '"')
}

// attrNum writes ` name="v"` with v in pixel precision (one decimal).
func (w *buf) attrNum(name string, v float64) {
	w.b = append(w.b, ' ')
	w.b = append(w.b, name...)
	w.b = append(w.b, '=', '"')
	w.b = appendCoord(w.b, v, false)
	w.b = append(w.b, '"')
}

// Escaping contexts.
const (
	inText   = iota // character data
	inDouble        // a double-quoted attribute value
	inSingle        // a single-quoted attribute value
)

// appendEscaped escapes '&', '<', '>' and the quote that would end the
// attribute, drops characters XML 1.0 forbids (C0 controls other than
// tab/newline/return, U+FFFE, U+FFFF; also DEL and C1 controls) and
// replaces invalid UTF-8 with U+FFFD. In attributes, tab and newlines are
// written as character references so parsers keep them.
func appendEscaped(b []byte, s string, ctx int) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch c {
			case '&':
				b = append(b, "&amp;"...)
			case '<':
				b = append(b, "&lt;"...)
			case '>':
				b = append(b, "&gt;"...)
			case '"':
				if ctx == inDouble {
					b = append(b, "&#34;"...)
				} else {
					b = append(b, c)
				}
			case '\'':
				if ctx == inSingle {
					b = append(b, "&#39;"...)
				} else {
					b = append(b, c)
				}
			case '\t', '\n', '\r':
				if ctx != inText {
					b = append(b, "&#"...)
					b = strconv.AppendInt(b, int64(c), 10)
					b = append(b, ';')
				} else {
					b = append(b, c)
				}
			default:
				if c >= 0x20 && c != 0x7f {
					b = append(b, c)
				}
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b = utf8.AppendRune(b, utf8.RuneError)
		case r == 0xFFFE || r == 0xFFFF || (r >= 0x80 && r <= 0x9f):
			// Not allowed (or discouraged C1 controls); dropped.
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

// clean returns s without the characters appendEscaped drops (and with
// invalid UTF-8 replaced), unescaped: what a reader will see. Used for
// measuring and cutting text.
func clean(s string) string {
	ok := true
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r >= 0x7f && r <= 0x9f || r == 0xFFFE || r == 0xFFFF {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	b := make([]rune, 0, len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError:
			b = append(b, utf8.RuneError)
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r >= 0x7f && r <= 0x9f, r == 0xFFFE, r == 0xFFFF:
		default:
			b = append(b, r)
		}
	}
	return string(b)
}

// appendCoord appends v rounded to one decimal with no trailing ".0".
// short drops a leading zero ("0.5" -> ".5"), valid in path data.
func appendCoord(b []byte, v float64, short bool) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, '0')
	}
	n := int64(math.Round(v * 10))
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	ip, fp := n/10, n%10
	if !(short && ip == 0 && fp != 0) {
		b = strconv.AppendInt(b, ip, 10)
	}
	if fp != 0 {
		b = append(b, '.', byte('0'+fp))
	}
	return b
}

// fmtValue formats a data value with at most two decimals, trimmed:
// 3, 2.5, 0.33. Data attributes use it, so tests compare stable strings.
func fmtValue(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	r := math.Round(v*100) / 100
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}
