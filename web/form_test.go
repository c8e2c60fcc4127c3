package web_test

import (
	"net/url"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// formValues is what a browser would submit for the form matched by sel,
// untouched: text-like inputs, ticked boxes and radios, selected options
// (or the first), textareas.
func formValues(t *testing.T, body, sel string) url.Values {
	t.Helper()
	f := doc(t, body).Find(sel)
	if f.Length() != 1 {
		t.Fatalf("no single form %s", sel)
	}
	v := url.Values{}
	f.Find("input, select, textarea").Each(func(_ int, s *goquery.Selection) {
		name, ok := s.Attr("name")
		if !ok || s.Is("[disabled]") {
			return
		}
		switch {
		case s.Is("select"):
			opt := s.Find("option[selected]")
			if opt.Length() == 0 {
				opt = s.Find("option").First()
			}
			val, _ := opt.Attr("value")
			v.Add(name, val)
		case s.Is("textarea"):
			v.Add(name, s.Text())
		case s.Is("[type=checkbox], [type=radio]"):
			if s.Is("[checked]") {
				val, ok := s.Attr("value")
				if !ok {
					val = "on"
				}
				v.Add(name, val)
			}
		case s.Is("[type=submit], [type=file]"):
		default:
			val, _ := s.Attr("value")
			v.Add(name, val)
		}
	})
	return v
}
