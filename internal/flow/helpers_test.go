package flow

import (
	"fmt"
	"math"
	"strconv"
	"testing"
	"time"
)

// at parses an RFC 3339 instant; tests write local times with their offset so the arithmetic
// in the comments can be read against the board's zone.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func loadLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9 }

// simpleStatuses: To Do (new), In Progress, Review (indeterminate), Done (done), plus unmapped
// Blocked (indeterminate), Triage (new) and Closed (done).
var simpleStatuses = []Status{{"1", "To Do", CategoryNew}, {"2", "In Progress", CategoryIndeterminate},
	{"3", "Review", CategoryIndeterminate}, {"4", "Done", CategoryDone},
	{"90", "Blocked", CategoryIndeterminate}, {"91", "Triage", CategoryNew}, {"92", "Closed", CategoryDone}}

// simpleConfig: columns To Do | Dev | Review (waiting) | Done, lead time Dev..Done, UTC, working
// days, W = 4 so that small tests reach the 4-week minimum quickly.
func simpleConfig() BoardConfig {
	return BoardConfig{
		Location: time.UTC, DayMode: Working, Statuses: simpleStatuses, RollingWeeks: 4,
		States: []WorkState{{"To Do", []string{"1"}, true}, {"Dev", []string{"2"}, true},
			{"Review", []string{"3"}, false}, {"Done", []string{"4"}, true}},
		Start: 1, End: 3,
	}
}

func simpleBoard(t testing.TB, edit func(*BoardConfig)) *Board {
	t.Helper()
	cfg := simpleConfig()
	if edit != nil {
		edit(&cfg)
	}
	b, err := NewBoard(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// hist builds an issue created at `created` whose changes are (instant, from, to) triples.
func hist(t testing.TB, key, created string, changes ...string) Issue {
	t.Helper()
	is := Issue{ID: "id-" + key, Key: key, Type: "Story", Created: at(t, created), Status: "1"}
	if len(changes)%3 != 0 {
		t.Fatalf("hist %s: changes come in (at, from, to) triples", key)
	}
	for i := 0; i < len(changes); i += 3 {
		is.Changes = append(is.Changes, StatusChange{At: at(t, changes[i]), From: changes[i+1], To: changes[i+2]})
		is.Status = changes[i+2]
	}
	if len(changes) == 0 {
		is.Status = "1"
	}
	return is
}

func optStr[T any](o Opt[T]) string {
	if !o.OK {
		return "none"
	}
	return fmtAny(o.V)
}

func fmtAny(v any) string {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case float64:
		return strconv.FormatFloat(x, 'f', 6, 64)
	}
	return fmt.Sprint(v)
}
