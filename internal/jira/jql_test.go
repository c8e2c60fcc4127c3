package jira

import (
	"testing"
	"time"
)

func TestSplitOrderBy(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, where, order string }{
		{"project = A ORDER BY Rank ASC", "project = A", "Rank ASC"},
		{"project = A order by created", "project = A", "created"},
		{`summary ~ "order by me" AND project = A`, `summary ~ "order by me" AND project = A`, ""},
		{`summary ~ 'x order by' ORDER BY key`, `summary ~ 'x order by'`, "key"},
		{"ORDER BY Rank", "", "Rank"},
		{"project = BORDER BY", "project = BORDER BY", ""},
		// Found by FuzzBuiltJQL: ORDER and BY are two words, and the
		// clause may follow a parenthesis or string without a space.
		{"project = A order  by rank", "project = A", "rank"},
		{"project = A\nORDER\tBY rank", "project = A", "rank"},
		{"(project = A)ORDER BY rank", "(project = A)", "rank"},
		{`summary ~ "x"ORDER BY rank`, `summary ~ "x"`, "rank"},
		{"project = A ORDERBY rank", "project = A ORDERBY rank", ""},
		{"", "", ""},
	}
	for _, tc := range cases {
		w, o := SplitOrderBy(tc.in)
		if w != tc.where || o != tc.order {
			t.Errorf("SplitOrderBy(%q) = %q, %q; want %q, %q", tc.in, w, o, tc.where, tc.order)
		}
	}
}

func TestAndQuote(t *testing.T) {
	t.Parallel()
	if got := And("project = A OR project = B", "", "type = Bug"); got != "(project = A OR project = B) AND (type = Bug)" {
		t.Fatalf("And: %q", got)
	}
	if got := Quote(`say "hi" \ bye`); got != `"say \"hi\" \\ bye"` {
		t.Fatalf("Quote: %q", got)
	}
}

func TestUpdatedSinceUsesUserZoneAndMinute(t *testing.T) {
	t.Parallel()
	syd, _ := time.LoadLocation("Australia/Sydney")
	// 2026-01-05 23:30:59.9 UTC is 10:30 on the 6th in Sydney (UTC+11 in summer).
	at := time.Date(2026, 1, 5, 23, 30, 59, 900, time.UTC)
	if got := UpdatedSince(at, syd); got != `updated >= "2026-01-06 10:30"` {
		t.Fatalf("got %s", got)
	}
}

func TestParseTime(t *testing.T) {
	t.Parallel()
	got, err := ParseTime("2025-03-06T10:00:00.000+0800")
	if err != nil || !got.Equal(time.Date(2025, 3, 6, 2, 0, 0, 0, time.UTC)) {
		t.Fatalf("%v %v", got, err)
	}
	if _, err := ParseTime("06/03/2025"); err == nil {
		t.Fatal("accepted nonsense")
	}
}
