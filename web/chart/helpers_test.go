package chart

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// renderDoc renders c inline, checks it is well-formed XML and returns the
// markup and a goquery document of it inside an HTML page (how browsers
// and the web package's tests see it).
func renderDoc(t testing.TB, c *Chart) (string, *goquery.Document) {
	t.Helper()
	var b bytes.Buffer
	if err := c.Render(&b); err != nil {
		t.Fatalf("Render: %v", err)
	}
	s := b.String()
	if err := wellFormed(s); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, s)
	}
	d, err := goquery.NewDocumentFromReader(strings.NewReader("<!DOCTYPE html><html><body>" + s + "</body></html>"))
	if err != nil {
		t.Fatal(err)
	}
	return s, d
}

// wellFormed parses s strictly as XML, reading every token.
func wellFormed(s string) error {
	dec := xml.NewDecoder(strings.NewReader(s))
	dec.Strict = true
	depth := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if depth != 0 {
				return errors.New("unclosed elements")
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

// allowedElements is everything the package may emit.
var allowedElements = map[string]bool{
	"svg": true, "title": true, "desc": true, "defs": true, "clipPath": true, "pattern": true,
	"rect": true, "g": true, "line": true, "path": true, "circle": true, "text": true, "a": true,
}

// inert checks the property the hostile-input suite relies on: only the
// package's own elements, no event-handler or style attributes, and links
// only to http(s) or relative URLs.
func inert(s string) error {
	dec := xml.NewDecoder(strings.NewReader(s))
	dec.Strict = true
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if !allowedElements[se.Name.Local] {
			return errors.New("unexpected element <" + se.Name.Local + ">")
		}
		for _, a := range se.Attr {
			n := strings.ToLower(a.Name.Local)
			if strings.HasPrefix(n, "on") || n == "style" {
				return errors.New("attribute " + n + " on <" + se.Name.Local + ">")
			}
			if n == "href" {
				v := strings.ToLower(strings.TrimSpace(a.Value))
				if !(strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//") || !strings.Contains(v, ":")) {
					return errors.New("href " + strconv.Quote(a.Value))
				}
			}
		}
	}
}

func attrF(t testing.TB, s *goquery.Selection, name string) float64 {
	t.Helper()
	v, ok := s.Attr(name)
	if !ok {
		t.Fatalf("no attribute %s", name)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		t.Fatalf("attribute %s=%q: %v", name, v, err)
	}
	return f
}

func weeks(loc *time.Location, from time.Time, ys ...float64) []Datum {
	out := make([]Datum, len(ys))
	for i, y := range ys {
		out[i] = Datum{X: T(from.AddDate(0, 0, 7*i)), Y: y}
	}
	return out
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
