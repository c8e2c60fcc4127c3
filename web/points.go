package web

import (
	"net/http"
	"unicode/utf8"
)

// The compact scatterplots (over maxDetailed points) carry only each
// point's key, lead time and date; chart.js fetches the rest of the hover
// text from these, with the view's query, on the first hover: a JSON
// object of key -> [summary or title, further lines]. Summaries are JIRA's
// and GitHub's text (hostile input): JSON-encoded here (with <, > and &
// escaped), set as text only by chart.js.

// pointsCache: the details change only with a sync; a browser may reuse
// them for a few minutes (per user: they are the board's data).
const pointsCache = "private, max-age=300"

// quarterlyPointsJSON serves the quarterly scatterplot's hover texts.
func (s *Server) quarterlyPointsJSON(w http.ResponseWriter, r *http.Request) error {
	q, err := s.loadQuarterlyPoints(r)
	if err != nil {
		return err
	}
	return writePoints(w, q.pointDetails())
}

// prQuarterlyPointsJSON serves the PR quarterly scatterplot's hover texts.
func (s *Server) prQuarterlyPointsJSON(w http.ResponseWriter, r *http.Request) error {
	q, err := s.loadPRQuarterlyPoints(r)
	if err != nil {
		return err
	}
	return writePoints(w, q.pointDetails())
}

func writePoints(w http.ResponseWriter, details []byte) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", pointsCache)
	_, err := w.Write(details)
	return err
}

// pointsJSON writes the details object in the points' order, without the
// map and sort encoding/json would need (20,000 points: a few ms).
type pointsJSON struct{ b []byte }

func (p *pointsJSON) add(key string, lines ...string) {
	if len(p.b) == 0 {
		p.b = append(p.b, '{')
	} else {
		p.b = append(p.b, ',')
	}
	p.b = appendJSONText(p.b, key)
	p.b = append(p.b, ':', '[')
	for i, l := range lines {
		if i > 0 {
			p.b = append(p.b, ',')
		}
		p.b = appendJSONText(p.b, l)
	}
	p.b = append(p.b, ']')
}

func (p *pointsJSON) done() []byte {
	if len(p.b) == 0 {
		p.b = append(p.b, '{')
	}
	return append(p.b, '}', '\n')
}

// appendJSONText writes s as a JSON string escaped as encoding/json does
// by default: quotes, backslashes and control characters, and <, >, &,
// U+2028 and U+2029 as \u escapes, so the text is inert wherever it ends
// up; invalid UTF-8 becomes U+FFFD.
func appendJSONText(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}
