package flow

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// DayMode says how durations are counted.
type DayMode uint8

const (
	// Working (the default, Vger's) counts, for each local Monday-to-Friday that is not a
	// holiday, the share of that day elapsed; weekends and holidays count zero.
	Working DayMode = iota
	// Calendar counts elapsed seconds / 86,400.
	Calendar
)

// String is the setting's name as stored and used in URLs.
func (m DayMode) String() string {
	if m == Calendar {
		return "calendar"
	}
	return "working"
}

// ParseDayMode parses "working" or "calendar".
func ParseDayMode(s string) (DayMode, error) {
	switch s {
	case "working":
		return Working, nil
	case "calendar":
		return Calendar, nil
	}
	return 0, fmt.Errorf("day mode %q: want working or calendar", s)
}

// Category is a JIRA status category.
type Category uint8

const (
	CategoryUnknown Category = iota
	CategoryNew
	CategoryIndeterminate
	CategoryDone
)

// ParseCategory maps JIRA's status category keys ("new", "indeterminate", "done"); anything
// else is CategoryUnknown (treated like a not-done status).
func ParseCategory(key string) Category {
	switch strings.ToLower(key) {
	case "new":
		return CategoryNew
	case "indeterminate":
		return CategoryIndeterminate
	case "done":
		return CategoryDone
	}
	return CategoryUnknown
}

// Status is a JIRA status known to the board's project(s).
type Status struct {
	ID       string
	Name     string
	Category Category
}

// WorkState is one column of the board, in order.
type WorkState struct {
	Name      string
	StatusIDs []string
	// Active marks an in-progress state where work happens; false = a waiting state (a queue,
	// waiting for review, blocked on a client). Only in-progress states use it.
	Active bool
}

// WorkType is a named group of issue types ("Failures" = Bug + Incident). Issues belong by their
// current type.
type WorkType struct {
	Name       string
	IssueTypes []string
}

// IssueType describes an issue type for DefaultWorkTypes.
type IssueType struct {
	Name    string
	Subtask bool
}

// DefaultInvalidResolutions are the resolutions that mark abandoned work (compared
// case-insensitively).
var defaultInvalidResolutions = []string{"Abandon", "Abort", "Descoped", "Discard", "Duplicate",
	"Invalid", "Not a Bug", "Won't Do", "Won't Fix", "Cannot Reproduce"}

// DefaultInvalidResolutions returns a copy of METRICS.md's default list.
func DefaultInvalidResolutions() []string {
	return append([]string(nil), defaultInvalidResolutions...)
}

// DefaultWindow is the lead-time window seeded from a JIRA board with n columns: start = the
// column after the first (the first when there are fewer than 3), end = the last.
func DefaultWindow(n int) (start, end int) {
	if n >= 3 {
		return 1, n - 1
	}
	return 0, n - 1
}

// DefaultWorkTypes is one work type per issue type present, leaving out Epic and (unless
// includeSubtasks) sub-task types.
func DefaultWorkTypes(types []IssueType, includeSubtasks bool) []WorkType {
	var out []WorkType
	seen := map[string]bool{}
	for _, t := range types {
		if seen[t.Name] || strings.EqualFold(t.Name, "Epic") || (t.Subtask && !includeSubtasks) {
			continue
		}
		seen[t.Name] = true
		out = append(out, WorkType{Name: t.Name, IssueTypes: []string{t.Name}})
	}
	return out
}

// BoardConfig is a board's definition as stored. NewBoard validates and compiles it.
type BoardConfig struct {
	Location *time.Location // nil = UTC
	DayMode  DayMode
	Holidays []Date // count zero in Working mode
	Statuses []Status
	States   []WorkState
	// Start and End are the lead-time window (column indexes, 0 <= Start < End < len(States)).
	Start, End int
	// InvalidResolutions mark abandoned work; nil = DefaultInvalidResolutions.
	InvalidResolutions []string
	RollingWeeks       int        // W; 0 = 12; at least 4
	FiscalYearStart    time.Month // first month of the fiscal year; 0 = January
	WorkTypes          []WorkType
	PRExcludeAuthors   []string // PR authors left out of PR views
	PRBaseBranches     []string // base branches kept in PR views; empty = all
	TagPattern         string   // regular expression selecting the tags drawn; "" = every tag
}

// Sentinel errors for configuration problems; test with errors.Is. NewBoard returns them inside
// *ConfigError values (joined when there are several).
var (
	ErrStatusMappedTwice = errors.New("a status is mapped by two columns")
	ErrWindow            = errors.New("the lead-time start must be a column before the end")
	ErrEmptyWorkType     = errors.New("a work type has no issue types")
	ErrNoStates          = errors.New("the board has fewer than two columns")
	ErrDuplicateName     = errors.New("two columns or work types have the same name")
	ErrSetting           = errors.New("a setting is out of range")
)

// ConfigError is a refused board configuration, with a message for the person saving it.
type ConfigError struct {
	Err    error  // one of the Err* sentinels above
	Detail string // what exactly is wrong, in the user's terms
	// Field names the setting at fault, so a form can show Detail beside it:
	// "states", "state", "status", "window", "rolling_weeks",
	// "fiscal_year_start", "tag_pattern", "day_mode" or "work_type".
	Field string
	// Index is the column (Field "state", "status") or work type
	// ("work_type") at fault; -1 otherwise.
	Index int
}

func (e *ConfigError) Error() string { return "board configuration: " + e.Detail }
func (e *ConfigError) Unwrap() error { return e.Err }

// Board is a validated, compiled board: a status -> position lookup, the zone table and the
// holiday list, built once and shared (read-only, safe for concurrent use) by every computation.
type Board struct {
	cfg       BoardConfig
	loc       *time.Location
	zone      zoneTable
	holidays  []int64 // sorted local days of holidays that fall on a weekday
	n         int
	start     int
	end       int
	window    int
	fiscal    int
	names     []string
	active    []bool
	statusPos map[string]int16 // mapped statuses -> column; unmapped done -> n-1; else unmappedPos
	mapped    map[string]bool  // status ids some column maps
	invalid   []string
	typeWT    map[string][]int // issue type -> indexes of its work types
	wtIndex   map[string]int
	prExclude map[string]bool
	prBase    map[string]bool
	tagRe     *regexp.Regexp
}

// unmappedPos marks an unmapped, not-done status in statusPos: entering it keeps the position.
const unmappedPos = int16(-2)

// BeforeBoard is the position of an issue whose initial status is unmapped and that has not yet
// entered a mapped status: not started, drawn in the CFD's "unmapped" band.
const BeforeBoard = -1

// NewBoard validates cfg and compiles it. Configuration errors are *ConfigError values
// (errors.Join of all of them), matching the Err* sentinels with errors.Is.
func NewBoard(cfg BoardConfig) (*Board, error) {
	var errs []error
	bad := func(sentinel error, field string, index int, format string, a ...any) {
		errs = append(errs, &ConfigError{Err: sentinel, Field: field, Index: index, Detail: fmt.Sprintf(format, a...)})
	}
	n := len(cfg.States)
	if n < 2 {
		bad(ErrNoStates, "states", -1, "a board needs at least two columns, it has %d", n)
	}
	if cfg.Start < 0 || cfg.End >= n || cfg.Start >= cfg.End {
		bad(ErrWindow, "window", -1, "lead time must start in a column before the one where it ends (start %d, end %d, columns 0..%d)", cfg.Start, cfg.End, n-1)
	}
	if cfg.RollingWeeks != 0 && cfg.RollingWeeks < minWeeks {
		// Every rolling statistic needs 4 weeks: a shorter window would only ever show gaps.
		bad(ErrSetting, "rolling_weeks", -1, "the rolling window must be at least %d weeks, it is %d", minWeeks, cfg.RollingWeeks)
	}
	if cfg.FiscalYearStart < 0 || cfg.FiscalYearStart > 12 {
		bad(ErrSetting, "fiscal_year_start", -1, "the fiscal year must start in month 1..12, not %d", cfg.FiscalYearStart)
	}
	var tagRe *regexp.Regexp
	if cfg.TagPattern != "" {
		re, err := regexp.Compile(cfg.TagPattern)
		if err != nil {
			bad(ErrSetting, "tag_pattern", -1, "the tag pattern %q is not a regular expression: %v", cfg.TagPattern, err)
		}
		tagRe = re
	}
	if cfg.DayMode != Working && cfg.DayMode != Calendar {
		bad(ErrSetting, "day_mode", -1, "unknown day mode %d", cfg.DayMode)
	}
	b := &Board{cfg: cfg, loc: cfg.Location, n: n, start: cfg.Start, end: cfg.End,
		window: cfg.RollingWeeks, fiscal: int(cfg.FiscalYearStart),
		statusPos: make(map[string]int16, len(cfg.Statuses)+n), mapped: map[string]bool{}, tagRe: tagRe}
	if b.loc == nil {
		b.loc = time.UTC
	}
	if b.window == 0 {
		b.window = 12
	}
	if b.fiscal == 0 {
		b.fiscal = 1
	}
	seenState := map[string]bool{}
	for i, st := range cfg.States {
		if seenState[st.Name] {
			bad(ErrDuplicateName, "state", i, "two columns are called %q", st.Name)
		}
		seenState[st.Name] = true
		b.names = append(b.names, st.Name)
		b.active = append(b.active, st.Active)
		for _, id := range st.StatusIDs {
			if prev, ok := b.statusPos[id]; ok {
				bad(ErrStatusMappedTwice, "status", i, "status %s is mapped by both %q and %q", statusLabel(cfg.Statuses, id), cfg.States[prev].Name, st.Name)
				continue
			}
			b.statusPos[id] = int16(i)
			b.mapped[id] = true
		}
	}
	for _, s := range cfg.Statuses {
		if _, mapped := b.statusPos[s.ID]; mapped {
			continue
		}
		if s.Category == CategoryDone && n > 0 {
			// Another workflow's "Closed" counts as the last state, so it does not stay in
			// progress forever.
			b.statusPos[s.ID] = int16(n - 1)
		} else {
			b.statusPos[s.ID] = unmappedPos
		}
	}
	b.typeWT = map[string][]int{}
	b.wtIndex = map[string]int{}
	for i, wt := range cfg.WorkTypes {
		if _, dup := b.wtIndex[wt.Name]; dup {
			bad(ErrDuplicateName, "work_type", i, "two work types are called %q", wt.Name)
		}
		b.wtIndex[wt.Name] = i
		if len(wt.IssueTypes) == 0 {
			bad(ErrEmptyWorkType, "work_type", i, "the work type %q has no issue types", wt.Name)
		}
		for _, t := range wt.IssueTypes {
			b.typeWT[t] = append(b.typeWT[t], i)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	b.invalid = cfg.InvalidResolutions
	if b.invalid == nil {
		b.invalid = defaultInvalidResolutions
	}
	b.zone = newZoneTable(b.loc)
	for _, h := range cfg.Holidays {
		d := h.day()
		if wd := weekdayOf(d); wd != time.Saturday && wd != time.Sunday {
			b.holidays = append(b.holidays, d)
		}
	}
	sort.Slice(b.holidays, func(i, j int) bool { return b.holidays[i] < b.holidays[j] })
	b.holidays = dedupe(b.holidays)
	b.prExclude = set(cfg.PRExcludeAuthors)
	if len(cfg.PRBaseBranches) > 0 {
		b.prBase = set(cfg.PRBaseBranches)
	}
	return b, nil
}

func statusLabel(statuses []Status, id string) string {
	for _, s := range statuses {
		if s.ID == id && s.Name != "" {
			return fmt.Sprintf("%s (%s)", id, s.Name)
		}
	}
	return id
}

func dedupe(xs []int64) []int64 {
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// Config returns the configuration the board was built from.
func (b *Board) Config() BoardConfig { return b.cfg }

// Location is the board's time zone.
func (b *Board) Location() *time.Location { return b.loc }

// States returns the column names in order.
func (b *Board) States() []string { return append([]string(nil), b.names...) }

// InProgressStates returns the names of the columns Start..End-1, the order of
// StateTimes.InState.
func (b *Board) InProgressStates() []string { return append([]string(nil), b.names[b.start:b.end]...) }

// Window returns the lead-time start and end columns.
func (b *Board) Window() (start, end int) { return b.start, b.end }

// RollingWeeks is W.
func (b *Board) RollingWeeks() int { return b.window }

// StateName is the name of a position: a column name, or "unmapped" for BeforeBoard.
func (b *Board) StateName(pos int) string {
	if pos < 0 || pos >= b.n {
		return "unmapped"
	}
	return b.names[pos]
}

// InProgress reports whether a position is in the lead-time window [Start, End).
func (b *Board) InProgress(pos int) bool { return pos >= b.start && pos < b.end }

// IsDone reports whether a position is at or after End.
func (b *Board) IsDone(pos int) bool { return pos >= b.end }

// IsUnmapped reports whether no column maps status id (done-category ones included).
func (b *Board) IsUnmapped(id string) bool { return !b.mapped[id] }

// invalidResolution: abandoned work. Case-insensitive; a typographic apostrophe matches '.
func (b *Board) invalidResolution(r string) bool {
	if r == "" {
		return false
	}
	if strings.ContainsRune(r, '’') {
		r = strings.ReplaceAll(r, "’", "'")
	}
	for _, x := range b.invalid {
		if strings.EqualFold(r, x) {
			return true
		}
	}
	return false
}
