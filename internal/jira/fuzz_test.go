package jira

import (
	"strings"
	"testing"
	"time"
)

// A quoted value reads back as itself: JQL string literals escape only
// backslash and double quote.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"", "Done", `say "hi"`, `back\slash`, "line\nbreak", `"; DROP`, "ORDER BY x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := Quote(s)
		if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
			t.Fatalf("Quote(%q) = %q is not a string literal", s, q)
		}
		var b strings.Builder
		body := q[1 : len(q)-1]
		for i := 0; i < len(body); i++ {
			switch c := body[i]; {
			case c == '\\' && i+1 < len(body):
				i++
				b.WriteByte(body[i])
			case c == '"':
				t.Fatalf("Quote(%q) = %q has an unescaped quote", s, q)
			default:
				b.WriteByte(c)
			}
		}
		if b.String() != s {
			t.Fatalf("Quote(%q) reads back as %q", s, b.String())
		}
		// And a quoted value never splits a query at a fake ORDER BY.
		where, order := SplitOrderBy("project = X AND summary ~ " + q)
		if order != "" || !strings.HasSuffix(where, q) {
			t.Fatalf("a quoted %q split the query: %q | %q", s, where, order)
		}
	})
}

// JIRA time stamps: anything parses or is refused; what parses formats
// back to the same instant.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2025-03-06T10:00:00.000+0800", "2025-03-06T10:00:00.000-0330", "2025-03-06T10:00:00Z", "nonsense", "", "2025-02-30T10:00:00.000+0000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		at, err := ParseTime(s)
		if err != nil {
			return
		}
		back, err := ParseTime(at.Format(TimeLayout))
		if err != nil || !back.Truncate(time.Millisecond).Equal(at.Truncate(time.Millisecond)) {
			t.Fatalf("%q -> %v -> %v (%v)", s, at, back, err)
		}
	})
}
