package sim

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vger-dev/vger/internal/jira"
	vsync "github.com/vger-dev/vger/internal/sync"
)

// render prints a syntax tree without positions, fully parenthesised, so
// two trees compare as strings.
func render(n astNode) string {
	switch n := n.(type) {
	case nil:
		return "<all>"
	case astAnd:
		return "(" + render(n.l) + " AND " + render(n.r) + ")"
	case astOr:
		return "(" + render(n.l) + " OR " + render(n.r) + ")"
	case astNot:
		return "NOT " + render(n.x)
	case astCmp:
		vals := make([]string, len(n.values))
		for i, v := range n.values {
			vals[i] = fmt.Sprintf("%q/%t/%t/%t", v.text, v.quoted, v.fn, v.empty)
		}
		return fmt.Sprintf("[%q %s %s]", n.field, n.op, strings.Join(vals, ","))
	}
	return fmt.Sprintf("<%T>", n)
}

// findCmp returns the comparisons on field in the tree.
func findCmp(n astNode, field string) []astCmp {
	switch n := n.(type) {
	case astAnd:
		return append(findCmp(n.l, field), findCmp(n.r, field)...)
	case astOr:
		return append(findCmp(n.l, field), findCmp(n.r, field)...)
	case astNot:
		return findCmp(n.x, field)
	case astCmp:
		if n.field == field {
			return []astCmp{n}
		}
	}
	return nil
}

// The JQL Vger builds from a board's filter, the board's extra JQL, a
// quoted value and the sync watermark parses in the simulator's JIRA
// parser whenever the filter and extra JQL parse on their own; its
// restriction is exactly filter AND extra AND value AND watermark (each
// part's meaning kept, whatever ORDER BY or OR it held), it is ordered by
// updated only when asked, and the quoted value and the watermark read
// back as themselves.
func FuzzBuiltJQL(f *testing.F) {
	f.Add("project = PLAT ORDER BY Rank ASC", "type != Epic", "Done", int64(1_790_000_000), true)
	f.Add(`project in (PLAT, "MOB") AND status was "In Progress"`, "labels = x OR labels = y", `say "hi" \ there`, int64(0), false)
	f.Add("project = X order  by rank", "", "order by", int64(1_700_000_000), true)
	f.Add("", "", "", int64(-1), false)
	f.Add("filter = 10001 ORDER BY created DESC, key", "NOT resolution = Duplicate", "ORDER BY x", int64(1_800_000_000), true)
	f.Add("(project = A)ORDER BY rank", "summary ~ 'it\\'s'", "'", int64(86_400), false)
	f.Add("project = A\nORDER\tBY rank", "assignee is EMPTY", "é ünïcödé ✓", int64(1_234_567_890), true)
	f.Fuzz(func(t *testing.T, filter, extra, value string, since int64, ordered bool) {
		if !utf8.ValidString(filter + extra + value) {
			return // JQL travels in JSON: always valid UTF-8
		}
		fq, err := parseJQL(filter)
		if err != nil {
			return
		}
		eq, err := parseJQL(extra)
		if err != nil {
			return
		}
		q := vsync.Query{BoardFilter: filter, Extra: extra, OrderUpdated: ordered}
		var at time.Time
		if since >= 0 {
			at = time.Unix(since%(1<<33), 0).UTC()
			q.UpdatedSince = &at
		}
		built := vsync.NewJiraTracker(nil).JQL(q)
		got, err := parseJQL(built)
		if err != nil {
			t.Fatalf("filter %q + extra %q built %q, which does not parse: %v", filter, extra, built, err)
		}
		// The restriction, part by part.
		parts := []astNode{}
		for _, w := range []astNode{fq.where, eq.where} {
			if w != nil {
				parts = append(parts, w)
			}
		}
		if q.UpdatedSince != nil {
			parts = append(parts, astCmp{field: "updated", op: ">=", values: []astValue{{text: at.Truncate(time.Minute).Format(jira.JQLDateLayout), quoted: true}}})
		}
		var want astNode
		for i, p := range parts {
			if i == 0 {
				want = p
				continue
			}
			want = astAnd{want, p}
		}
		if render(got.where) != render(want) {
			t.Fatalf("built %q\n means %s\n want  %s", built, render(got.where), render(want))
		}
		if ordered && (len(got.order) != 1 || got.order[0].field != "updated" || got.order[0].desc) {
			t.Fatalf("built %q is ordered by %+v, want updated ASC", built, got.order)
		}
		if !ordered && len(got.order) != 0 {
			t.Fatalf("built %q keeps an order %+v", built, got.order)
		}
		// A quoted value joined to the built query reads back as itself.
		where, _ := jira.SplitOrderBy(built)
		withValue := jira.And(where, "vgerfuzz ~ "+jira.Quote(value))
		vq, err := parseJQL(withValue)
		if err != nil {
			t.Fatalf("%q does not parse: %v", withValue, err)
		}
		if c := findCmp(vq.where, "vgerfuzz"); len(c) < 1 || c[len(c)-1].values[0].text != value || !c[len(c)-1].values[0].quoted {
			t.Fatalf("the quoted value %q reads back as %+v from %q", value, c, withValue)
		}
	})
}
