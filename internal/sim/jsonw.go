package sim

import (
	"strconv"
	"unicode/utf8"
)

// jw appends JSON without reflection: responses are built field by field in a fixed order, so they
// are byte-for-byte deterministic and cheap enough to serve thousands of issues per page.
type jw struct {
	b    []byte
	need bool // a comma is due before the next key or value
}

func (j *jw) sep() {
	if j.need {
		j.b = append(j.b, ',')
	}
}

func (j *jw) obj()    { j.sep(); j.b = append(j.b, '{'); j.need = false }
func (j *jw) endObj() { j.b = append(j.b, '}'); j.need = true }
func (j *jw) arr()    { j.sep(); j.b = append(j.b, '['); j.need = false }
func (j *jw) endArr() { j.b = append(j.b, ']'); j.need = true }

func (j *jw) key(k string) {
	j.sep()
	j.b = appendJSONString(j.b, k)
	j.b = append(j.b, ':')
	j.need = false
}

func (j *jw) str(s string)           { j.sep(); j.b = appendJSONString(j.b, s); j.need = true }
func (j *jw) int(v int64)            { j.sep(); j.b = strconv.AppendInt(j.b, v, 10); j.need = true }
func (j *jw) bool(v bool)            { j.sep(); j.b = strconv.AppendBool(j.b, v); j.need = true }
func (j *jw) null()                  { j.sep(); j.b = append(j.b, "null"...); j.need = true }
func (j *jw) raw(r []byte)           { j.sep(); j.b = append(j.b, r...); j.need = true }
func (j *jw) kstr(k, v string)       { j.key(k); j.str(v) }
func (j *jw) kint(k string, v int64) { j.key(k); j.int(v) }
func (j *jw) kbool(k string, v bool) { j.key(k); j.bool(v) }

const hexDigits = "0123456789abcdef"

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xf])
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
