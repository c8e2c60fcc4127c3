package jira

import (
	"regexp"
	"strings"
)

// Hiding is a clause of a board's query that keeps finished work out of
// it. Vger needs finished issues: without them throughput, lead time and
// every likelihood flat-line.
type Hiding struct {
	Clause string // as written in the query
	Why    string // what it hides, for people
}

var doneWords = regexp.MustCompile(`(?i)\b(done|closed|resolved|released|deployed|complete|completed|finished|fixed|shipped|cancelled|canceled)\b`)

const jqlValue = `(?:\([^)]*\)|"[^"]*"|'[^']*'|[\w.-]+)`

var hidingRules = []struct {
	re   *regexp.Regexp
	hide func(m []string) bool // m: the match and its groups
	why  string
}{
	{regexp.MustCompile(`(?i)\bstatus\s*(!=|!~|\bnot\s+in\b)\s*(` + jqlValue + `)`),
		func(m []string) bool { return doneWords.MatchString(m[2]) },
		"leaves out issues in a finished status"},
	{regexp.MustCompile(`(?i)\bstatusCategory\s*(!=|\bnot\s+in\b)\s*(` + jqlValue + `)`),
		func(m []string) bool { return isDoneCategory(m[2]) },
		"leaves out issues in the Done status category"},
	{regexp.MustCompile(`(?i)\bstatusCategory\s*(=|\bin\b)\s*(` + jqlValue + `)`),
		func(m []string) bool { return !isDoneCategory(m[2]) },
		"keeps only issues that are not in the Done status category"},
	{regexp.MustCompile(`(?i)\bresolution\s*(=|\bis\b|\bin\b)\s*(` + jqlValue + `)`),
		func(m []string) bool {
			v := strings.ToLower(m[2])
			return strings.Contains(v, "unresolved") || strings.Contains(v, "empty") || strings.Contains(v, "null")
		},
		"keeps only unresolved issues"},
	{regexp.MustCompile(`(?i)\b(resolved|resolutiondate)\s*\bis\s*(empty|null)\b`),
		func([]string) bool { return true },
		"keeps only unresolved issues"},
	{regexp.MustCompile(`(?i)\b(created|createdDate|updated|updatedDate|resolved|resolutiondate|statusCategoryChangedDate|due|duedate)\s*(>=|>)\s*("\s*-\s*\d+\s*[a-z]?\s*"|'\s*-\s*\d+\s*[a-z]?\s*'|-\s*\d+\s*[a-z]?\b|(?:startOf|endOf)\w*\s*\([^)]*\)|now\s*\(\s*\)|currentLogin\s*\(\s*\)|lastLogin\s*\(\s*\))`),
		func([]string) bool { return true },
		"keeps only recent issues: older finished work drops out of the board as time passes"},
	{regexp.MustCompile(`(?i)\bfixVersion\s*\bin\s*unreleasedVersions\s*\([^)]*\)`),
		func([]string) bool { return true },
		"leaves out issues of released versions"},
	{regexp.MustCompile(`(?i)\bsprint\s*\bin\s*(openSprints|futureSprints)\s*\(\s*\)`),
		func([]string) bool { return true },
		"leaves out issues of closed sprints"},
}

var doneCategoryID = regexp.MustCompile(`(^|[^\d])3([^\d]|$)`) // 3 is the Done category's id

func isDoneCategory(v string) bool {
	return strings.Contains(strings.ToLower(v), "done") || doneCategoryID.MatchString(v)
}

// HidesFinishedWork lists the clauses of jql that keep finished work out
// of the query: `status != Done`, `statusCategory != Done`,
// `resolution = Unresolved`, `created >= -30d` and the like. Text inside
// string literals of other clauses (a summary search) is not mistaken for
// a clause.
func HidesFinishedWork(jql string) []Hiding {
	where, _ := SplitOrderBy(jql)
	masked := maskTextSearches(where)
	var out []Hiding
	seen := map[string]bool{}
	for _, r := range hidingRules {
		for _, loc := range r.re.FindAllStringSubmatchIndex(masked, -1) {
			m := make([]string, len(loc)/2)
			for i := range m {
				if loc[2*i] >= 0 {
					m[i] = where[loc[2*i]:loc[2*i+1]]
				}
			}
			if !r.hide(m) {
				continue
			}
			clause := strings.Join(strings.Fields(m[0]), " ")
			if seen[strings.ToLower(clause)] {
				continue
			}
			seen[strings.ToLower(clause)] = true
			out = append(out, Hiding{Clause: clause, Why: r.why})
		}
	}
	return out
}

// maskTextSearches blanks the string literals that follow a text-search
// operator (~, !~), keeping every offset, so a summary search such as
// `summary ~ "status != done"` matches no rule.
func maskTextSearches(jql string) string {
	b := []byte(jql)
	inQuote := byte(0)
	masking := false
	for i := 0; i < len(b); i++ {
		ch := b[i]
		switch {
		case inQuote != 0:
			if ch == '\\' && i+1 < len(b) {
				if masking {
					b[i], b[i+1] = ' ', ' '
				}
				i++
				continue
			}
			if ch == inQuote {
				inQuote, masking = 0, false
				continue
			}
			if masking {
				b[i] = ' '
			}
		case ch == '"' || ch == '\'':
			inQuote = ch
			masking = precededByTilde(b[:i])
		}
	}
	return string(b)
}

func precededByTilde(b []byte) bool {
	for i := len(b) - 1; i >= 0; i-- {
		if isSpace(b[i]) {
			continue
		}
		return b[i] == '~'
	}
	return false
}
