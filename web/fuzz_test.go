package web_test

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web"
)

// A CSV cell never starts with a character a spreadsheet reads as a
// formula; any other cell is unchanged.
// plainNegative is a negative decimal number: a spreadsheet reads it as
// the number, not as a formula, so SafeCell keeps it.
var plainNegative = regexp.MustCompile(`^-[0-9]+(\.[0-9]+)?$`)

func FuzzSafeCell(f *testing.F) {
	for _, s := range []string{"", "PAY-1", "=HYPERLINK(\"http://x\")", "+1", "-2", "-0.3333", "-2+3", "-1.", "-.5", "-1.2.3", "-1e5", "-", "@SUM(A1)", "\tx", "\rx", "'=x", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := web.SafeCell(s)
		if out != "" && strings.ContainsRune("=+-@\t\r", rune(out[0])) && !plainNegative.MatchString(out) {
			t.Fatalf("SafeCell(%q) = %q starts with a formula character", s, out)
		}
		if plainNegative.MatchString(s) && out != s {
			t.Fatalf("SafeCell quoted the number %q: %q", s, out)
		}
		if s != "" && !strings.ContainsRune("=+-@\t\r", rune(s[0])) && out != s {
			t.Fatalf("SafeCell changed a harmless cell: %q -> %q", s, out)
		}
	})
}

var fuzzBoard = store.Board{TeamSlug: "t", Slug: "b", DayMode: "working", LeadStart: 1, LeadEnd: 3, RollingWeeks: 12,
	States:    []store.BoardState{{Seq: 0, Name: "To Do"}, {Seq: 1, Name: "In Progress"}, {Seq: 2, Name: "Review"}, {Seq: 3, Name: "Done"}},
	WorkTypes: []store.WorkType{{Name: "Story"}, {Name: "Bug"}}}

// Any query string either parses or is a 400 naming one of its own
// parameters; a parsed view's canonical form parses to itself.
func FuzzParseViewParams(f *testing.F) {
	for _, s := range []string{"", "weeks=12", "from=2025-01-06&to=2025-03-30", "type=Bug&type=story", "start=Review&end=Done",
		"days=calendar&window=8&backlog=absolute&tags=off", "hide=Review&hide=outside", "format=json", "weeks=0", "from=x",
		"apply=1&weeks=&from=2025-01-01", "type=%3Cscript%3E", "window=99999999999999999999", "from=2025-13-45"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, err := web.ParseViewParams(q, fuzzBoard)
		if err != nil {
			var we *web.Error
			if !errors.As(err, &we) || we.Status != 400 || we.Param == "" {
				t.Fatalf("%q: error %v is not a 400 naming a parameter", raw, err)
			}
			if _, ok := q[we.Param]; !ok && we.Param != "end" && !(we.Param == "(unnamed)" && q.Has("")) {
				t.Fatalf("%q: 400 names %q, which is not in the query", raw, we.Param)
			}
			return
		}
		canon := p.Canonical(fuzzBoard)
		p2, err := web.ParseViewParams(canon, fuzzBoard)
		if err != nil {
			t.Fatalf("%q: canonical %q does not parse: %v", raw, web.Encode(canon), err)
		}
		if web.Encode(p2.Canonical(fuzzBoard)) != web.Encode(canon) {
			t.Fatalf("%q: canonical form is not stable: %q vs %q", raw, web.Encode(canon), web.Encode(p2.Canonical(fuzzBoard)))
		}
	})
}
