package jira

import (
	"strings"
	"testing"
)

func TestHidesFinishedWork(t *testing.T) {
	t.Parallel()
	tests := []struct {
		jql  string
		want []string // clauses reported, in rule order
	}{
		{"project = PAY ORDER BY Rank ASC", nil},
		{"project = PAY AND status != Done", []string{"status != Done"}},
		{`project = PAY AND status not in ("Closed", Rejected)`, []string{`status not in ("Closed", Rejected)`}},
		{`project = PAY AND status != "Won't Do"`, nil}, // leaving out abandoned work is fine
		{"statusCategory != Done", []string{"statusCategory != Done"}},
		{"statusCategory not in (3)", []string{"statusCategory not in (3)"}},
		{`statusCategory in ("To Do", "In Progress")`, []string{`statusCategory in ("To Do", "In Progress")`}},
		{"statusCategory = Done", nil},
		{"resolution = Unresolved", []string{"resolution = Unresolved"}},
		{"resolution is EMPTY", []string{"resolution is EMPTY"}},
		{"resolution in (Unresolved, Duplicate)", []string{"resolution in (Unresolved, Duplicate)"}},
		{"resolution = Fixed", nil},
		{"resolved is empty", []string{"resolved is empty"}},
		{"project = A AND created >= -30d", []string{"created >= -30d"}},
		{`updated > "-2w"`, []string{`updated > "-2w"`}},
		{"created >= startOfMonth(-3)", []string{"created >= startOfMonth(-3)"}},
		{"created >= 2024-01-01", nil}, // a fixed date is a deliberate history bound
		{"created <= -30d", nil},
		{"fixVersion in unreleasedVersions()", []string{"fixVersion in unreleasedVersions()"}},
		{"sprint in openSprints()", []string{"sprint in openSprints()"}},
		{`summary ~ "status != Done" AND project = X`, nil},
		{"project = A AND resolution = Unresolved AND created >= -30d ORDER BY created", []string{"resolution = Unresolved", "created >= -30d"}},
		{"STATUS!=DONE", []string{"STATUS!=DONE"}},
	}
	for _, tt := range tests {
		t.Run(tt.jql, func(t *testing.T) {
			t.Parallel()
			got := HidesFinishedWork(tt.jql)
			var clauses []string
			for _, h := range got {
				clauses = append(clauses, h.Clause)
				if h.Why == "" {
					t.Errorf("%q: no reason given", h.Clause)
				}
			}
			if strings.Join(clauses, " | ") != strings.Join(tt.want, " | ") {
				t.Fatalf("got %q, want %q", clauses, tt.want)
			}
		})
	}
}
