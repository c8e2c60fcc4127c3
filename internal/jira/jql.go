package jira

import (
	"strings"
	"time"
)

// JQLDateLayout is the minute-precision date JIRA reads in the API user's zone.
const JQLDateLayout = "2006-01-02 15:04"

// SplitOrderBy separates a query from its top-level ORDER BY clause
// (ignoring "order by" inside quoted strings).
func SplitOrderBy(jql string) (where, orderBy string) {
	lower := strings.ToLower(jql)
	inQuote := byte(0)
	for i := 0; i < len(jql); i++ {
		ch := jql[i]
		switch {
		case inQuote != 0:
			if ch == '\\' {
				i++
			} else if ch == inQuote {
				inQuote = 0
			}
		case ch == '"' || ch == '\'':
			inQuote = ch
		case strings.HasPrefix(lower[i:], "order") && (i == 0 || isSpace(jql[i-1]) || strings.IndexByte(")\"'", jql[i-1]) >= 0):
			// ORDER and BY are two words: any white space between them
			// (a saved filter may hold a line break there).
			j := i + 5
			for j < len(jql) && isSpace(jql[j]) {
				j++
			}
			if j > i+5 && strings.HasPrefix(lower[j:], "by") && (j+2 == len(jql) || isSpace(jql[j+2])) {
				return strings.TrimSpace(jql[:i]), strings.TrimSpace(jql[j+2:])
			}
		}
	}
	return strings.TrimSpace(jql), ""
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// And joins clauses with AND, each in parentheses, skipping empty ones.
func And(clauses ...string) string {
	var parts []string
	for _, c := range clauses {
		if c = strings.TrimSpace(c); c != "" {
			parts = append(parts, "("+c+")")
		}
	}
	return strings.Join(parts, " AND ")
}

// Quote makes s a JQL string literal.
func Quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// UpdatedSince is the clause for issues updated at or after t, which JIRA
// reads to the minute in the API user's zone: t is rounded down to its
// minute there, so nothing in that minute is missed (callers deduplicate).
func UpdatedSince(t time.Time, userZone *time.Location) string {
	return "updated >= " + Quote(t.In(userZone).Truncate(time.Minute).Format(JQLDateLayout))
}
