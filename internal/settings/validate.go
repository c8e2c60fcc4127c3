package settings

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/flowmap"
	"github.com/vger-dev/vger/internal/store"
)

// Problem is a refused setting with a message for the person saving it.
// Field names the setting (see flow.ConfigError.Field, plus "name",
// "time_zone", "sync_since", "holidays", "extra_jql", "repos"); Index the
// column or work type at fault, else -1.
type Problem struct {
	Field   string
	Index   int
	Message string
}

func (p Problem) Error() string { return p.Message }

// Limits of the stored settings.
const (
	MinRollingWeeks = 4
	MaxRollingWeeks = 104
	MaxNameLen      = 200
	MaxWorkTypeLen  = 100
)

// Validate checks a board's settings: the names and ranges the database
// keeps, then METRICS.md's configuration errors through the metric
// engine (a status mapped by two columns, lead time starting at or after
// its end, an empty work type, ...). No problems: the board can be saved.
func Validate(b store.Board, cat flowmap.Catalog, now time.Time) []Problem {
	var probs []Problem
	add := func(field string, index int, format string, a ...any) {
		probs = append(probs, Problem{Field: field, Index: index, Message: fmt.Sprintf(format, a...)})
	}
	switch name := strings.TrimSpace(b.Name); {
	case name == "":
		add("name", -1, "Give the board a name.")
	case len([]rune(name)) > MaxNameLen:
		add("name", -1, "Use at most %d characters.", MaxNameLen)
	}
	zoneOK := true
	if b.TimeZone == "" || strings.EqualFold(b.TimeZone, "local") {
		add("time_zone", -1, "Name a time zone such as Europe/Berlin or UTC.")
		zoneOK = false
	} else if _, err := time.LoadLocation(b.TimeZone); err != nil {
		add("time_zone", -1, "%q is not a time zone Vger knows: use an IANA name such as Europe/Berlin, America/New_York or UTC.", b.TimeZone)
		zoneOK = false
	}
	dayModeOK := b.DayMode == "working" || b.DayMode == "calendar"
	if !dayModeOK {
		add("day_mode", -1, "Choose working days or calendar days.")
	}
	if b.RollingWeeks < MinRollingWeeks || b.RollingWeeks > MaxRollingWeeks {
		add("rolling_weeks", -1, "Use a whole number of weeks from %d to %d.", MinRollingWeeks, MaxRollingWeeks)
	}
	if b.FiscalYearStartMonth < 1 || b.FiscalYearStartMonth > 12 {
		add("fiscal_year_start", -1, "Choose a month from January to December.")
	}
	if b.SyncSince != nil && b.SyncSince.After(now) {
		add("sync_since", -1, "History cannot start in the future: choose a date on or before %s.", now.Format(dateLayout))
	}
	if b.TagPattern != "" {
		if _, err := regexp.Compile(b.TagPattern); err != nil {
			add("tag_pattern", -1, "This is not a regular expression: %s.", regexpProblem(err))
		}
	}
	for i, st := range b.States {
		switch {
		case strings.TrimSpace(st.Name) == "":
			add("state", i, "Give column %d a name.", i+1)
		case len([]rune(st.Name)) > MaxNameLen:
			add("state", i, "Use at most %d characters.", MaxNameLen)
		}
	}
	for i, wt := range b.WorkTypes {
		switch {
		case strings.TrimSpace(wt.Name) == "":
			add("work_type", i, "Give this work type a name.")
		case len([]rune(wt.Name)) > MaxWorkTypeLen:
			add("work_type", i, "Use at most %d characters.", MaxWorkTypeLen)
		}
	}
	if !zoneOK {
		b.TimeZone = "UTC" // the engine's checks below still run
	}
	if !dayModeOK {
		b.DayMode = "working" // said above; the engine's checks still run (found by FuzzSettingsImport)
	}
	if _, err := flowmap.Board(b, cat); err != nil {
		probs = append(probs, engineProblems(err, b)...)
	}
	return dedupe(probs)
}

// engineProblems turns the engine's refusals into problems; the regexp
// and range checks above already said it better in some cases.
func engineProblems(err error, b store.Board) []Problem {
	var out []Problem
	for _, e := range unjoin(err) {
		var ce *flow.ConfigError
		if !errors.As(e, &ce) {
			out = append(out, Problem{Field: "", Index: -1, Message: e.Error()})
			continue
		}
		p := Problem{Field: ce.Field, Index: ce.Index, Message: sentence(ce.Detail)}
		switch {
		case errors.Is(ce, flow.ErrWindow) && len(b.States) >= 2:
			p.Message = fmt.Sprintf("Lead time must start in a column before the one where it ends (it starts at %s and ends at %s).",
				stateName(b, b.LeadStart), stateName(b, b.LeadEnd))
		case errors.Is(ce, flow.ErrWindow):
			continue // "fewer than two columns" says it
		case errors.Is(ce, flow.ErrNoStates):
			p.Message = fmt.Sprintf("A board needs at least two columns; this one has %d.", len(b.States))
		case ce.Field == "tag_pattern" || ce.Field == "rolling_weeks" || ce.Field == "fiscal_year_start" || ce.Field == "day_mode":
			continue // checked above, in the form's terms
		}
		out = append(out, p)
	}
	return out
}

func stateName(b store.Board, seq int) string {
	for _, st := range b.States {
		if st.Seq == seq {
			return fmt.Sprintf("%q", st.Name)
		}
	}
	return fmt.Sprintf("column %d", seq+1)
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func sentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

func regexpProblem(err error) string {
	var se *syntax.Error
	if errors.As(err, &se) {
		return fmt.Sprintf("%s in %q", se.Code, se.Expr)
	}
	return err.Error()
}

func dedupe(ps []Problem) []Problem {
	var out []Problem
	seen := map[Problem]bool{}
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
