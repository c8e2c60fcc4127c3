package flow

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// casesDir is the shared worked cases, beside the repository (CI puts a copy of shared/ next to
// its clone). A missing folder fails the test: passing because nothing was checked is not ok.
const casesDir = "../../../shared/metrics-cases"

// disputed lists cases that contradict METRICS.md, with the arithmetic. Empty: every case
// passes unchanged.
var disputed = map[string]string{}

type caseFile struct {
	Name   string                     `json:"name"`
	Why    string                     `json:"why"`
	Board  caseBoard                  `json:"board"`
	Now    time.Time                  `json:"now"`
	Issues []caseIssue                `json:"issues"`
	PRs    []casePR                   `json:"prs"`
	Expect map[string]json.RawMessage `json:"expect"`
}

type caseBoard struct {
	TimeZone           string                `json:"time_zone"`
	DayMode            string                `json:"day_mode"`
	Holidays           []string              `json:"holidays"`
	Statuses           map[string]caseStatus `json:"statuses"`
	States             []caseState           `json:"states"`
	Start              int                   `json:"start"`
	End                int                   `json:"end"`
	InvalidResolutions []string              `json:"invalid_resolutions"`
	RollingWeeks       int                   `json:"rolling_weeks"`
	FiscalStart        int                   `json:"fiscal_year_start_month"`
	WorkTypes          map[string][]string   `json:"work_types"`
	PRExcludeAuthors   []string              `json:"pr_exclude_authors"`
	PRBaseBranches     []string              `json:"pr_base_branches"`
}

type caseStatus struct {
	Name     string `json:"name"`
	Category string `json:"category"`
}

type caseState struct {
	Name      string   `json:"name"`
	StatusIDs []string `json:"status_ids"`
	Active    bool     `json:"active"`
}

type caseIssue struct {
	ID         string    `json:"id"`
	Key        string    `json:"key"`
	Type       string    `json:"type"`
	Created    time.Time `json:"created"`
	Status     string    `json:"status"`
	Resolution string    `json:"resolution"`
	Deleted    bool      `json:"deleted"`
	InFilter   *bool     `json:"in_filter"`
	Changes    []struct {
		At   time.Time `json:"at"`
		From string    `json:"from"`
		To   string    `json:"to"`
	} `json:"changes"`
	Flags []struct {
		At      time.Time `json:"at"`
		Flagged bool      `json:"flagged"`
	} `json:"flags"`
}

type casePR struct {
	Repo      string     `json:"repo"`
	Number    int        `json:"number"`
	Author    string     `json:"author"`
	Base      string     `json:"base"`
	CreatedAt time.Time  `json:"created_at"`
	ClosedAt  *time.Time `json:"closed_at"`
	MergedAt  *time.Time `json:"merged_at"`
	Additions int        `json:"additions"`
	Deletions int        `json:"deletions"`
}

func loadCases(t *testing.T) []caseFile {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(casesDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no metric cases in %s: the shared folder must sit beside the repository", casesDir)
	}
	var cases []caseFile
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var c caseFile
		dec := json.NewDecoder(strings.NewReader(string(data)))
		dec.DisallowUnknownFields() // a key we do not know is a key we would silently not check
		if err := dec.Decode(&c); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if want := strings.TrimSuffix(filepath.Base(p), ".json"); c.Name != want {
			t.Fatalf("%s: name %q, want %q", p, c.Name, want)
		}
		cases = append(cases, c)
	}
	return cases
}

func (c *caseFile) boardConfig(t *testing.T) BoardConfig {
	t.Helper()
	loc, err := time.LoadLocation(c.Board.TimeZone)
	if err != nil {
		t.Fatal(err)
	}
	mode, err := ParseDayMode(c.Board.DayMode)
	if err != nil {
		t.Fatal(err)
	}
	cfg := BoardConfig{Location: loc, DayMode: mode, Start: c.Board.Start, End: c.Board.End,
		InvalidResolutions: c.Board.InvalidResolutions, RollingWeeks: c.Board.RollingWeeks,
		FiscalYearStart: time.Month(c.Board.FiscalStart), PRExcludeAuthors: c.Board.PRExcludeAuthors,
		PRBaseBranches: c.Board.PRBaseBranches}
	for _, h := range c.Board.Holidays {
		cfg.Holidays = append(cfg.Holidays, mustDate(t, h))
	}
	ids := make([]string, 0, len(c.Board.Statuses))
	for id := range c.Board.Statuses {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		s := c.Board.Statuses[id]
		cfg.Statuses = append(cfg.Statuses, Status{ID: id, Name: s.Name, Category: ParseCategory(s.Category)})
	}
	for _, s := range c.Board.States {
		cfg.States = append(cfg.States, WorkState{Name: s.Name, StatusIDs: s.StatusIDs, Active: s.Active})
	}
	names := make([]string, 0, len(c.Board.WorkTypes))
	for n := range c.Board.WorkTypes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		cfg.WorkTypes = append(cfg.WorkTypes, WorkType{Name: n, IssueTypes: c.Board.WorkTypes[n]})
	}
	return cfg
}

func (c *caseFile) issues() []Issue {
	var out []Issue
	for _, ci := range c.Issues {
		is := Issue{ID: ci.ID, Key: ci.Key, Type: ci.Type, Created: ci.Created, Status: ci.Status,
			Resolution: ci.Resolution, Deleted: ci.Deleted, OutOfFilter: ci.InFilter != nil && !*ci.InFilter}
		for _, ch := range ci.Changes {
			is.Changes = append(is.Changes, StatusChange{At: ch.At, From: ch.From, To: ch.To})
		}
		for _, f := range ci.Flags {
			is.Flags = append(is.Flags, FlagChange{At: f.At, Flagged: f.Flagged})
		}
		out = append(out, is)
	}
	return out
}

func (c *caseFile) prs() []PullRequest {
	var out []PullRequest
	for _, p := range c.PRs {
		pr := PullRequest{Repo: p.Repo, Number: p.Number, Author: p.Author, Base: p.Base,
			CreatedAt: p.CreatedAt, Additions: p.Additions, Deletions: p.Deletions}
		if p.ClosedAt != nil {
			pr.ClosedAt = *p.ClosedAt
		}
		if p.MergedAt != nil {
			pr.MergedAt = *p.MergedAt
		}
		out = append(out, pr)
	}
	return out
}

func mustDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestCases runs every shared worked case. Each expectation key the README allows is checked;
// an expectation key this test does not know fails the case.
func TestCases(t *testing.T) {
	t.Parallel()
	cases := loadCases(t)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			if why, ok := disputed[c.Name]; ok {
				t.Skipf("disputed: %s", why)
			}
			runCase(t, &c)
		})
	}
}

func runCase(t *testing.T, c *caseFile) {
	b, err := NewBoard(c.boardConfig(t))
	if raw, ok := c.Expect["config_error"]; ok {
		var want bool
		decode(t, raw, &want)
		if want {
			var ce *ConfigError
			if err == nil || !errorsAs(err, &ce) {
				t.Fatalf("NewBoard: got error %v, want a *ConfigError", err)
			}
			return
		}
	}
	if err != nil {
		t.Fatalf("NewBoard: %v", err)
	}
	issues := c.issues()
	facts := make([]IssueFacts, len(issues))
	byKey := map[string]*IssueFacts{}
	for i := range issues {
		facts[i] = b.Facts(issues[i], c.Now)
		byKey[issues[i].Key] = &facts[i]
	}
	for key, raw := range c.Expect {
		switch key {
		case "config_error":
		case "issues":
			checkIssues(t, b, byKey, raw)
		case "weekly":
			checkWeekly(t, b, facts, c.Now, raw)
		case "cfd":
			checkCFD(t, b, issues, c.Now, raw)
		case "quarterly":
			checkQuarterly(t, b, facts, c.Now, raw)
		case "pr_lead_times":
			checkPRLeadTimes(t, b, c.prs(), raw)
		case "pr_weekly":
			checkPRWeekly(t, b, c.prs(), c.Now, raw)
		case "monte_carlo":
			checkMonteCarlo(t, b, facts, c.Now, raw)
		case "unmapped_statuses":
			var want map[string]int
			decode(t, raw, &want)
			got := b.DataQuality(issues).UnmappedStatuses
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("unmapped statuses: got %v, want %v", got, want)
			}
		default:
			t.Errorf("expectation key %q is not checked by this test", key)
		}
	}
}

func decode(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
}

func isNull(raw json.RawMessage) bool { return strings.TrimSpace(string(raw)) == "null" }

// fields decodes an expectation object into its keys, so absent keys are not asserted.
func fields(t *testing.T, raw json.RawMessage) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	decode(t, raw, &m)
	return m
}

const tolerance = 0.00005

func checkFloat(t *testing.T, what string, raw json.RawMessage, got Opt[float64]) {
	t.Helper()
	if isNull(raw) {
		if got.OK {
			t.Errorf("%s: got %.6f, want no value", what, got.V)
		}
		return
	}
	var want float64
	decode(t, raw, &want)
	if !got.OK {
		t.Errorf("%s: got no value, want %v", what, want)
	} else if math.Abs(got.V-want) > tolerance {
		t.Errorf("%s: got %.6f, want %v", what, got.V, want)
	}
}

func checkInt(t *testing.T, what string, raw json.RawMessage, got Opt[int]) {
	t.Helper()
	if isNull(raw) {
		if got.OK {
			t.Errorf("%s: got %d, want no value", what, got.V)
		}
		return
	}
	var want int
	decode(t, raw, &want)
	if !got.OK || got.V != want {
		t.Errorf("%s: got %v, want %d", what, got, want)
	}
}

func checkBool(t *testing.T, what string, raw json.RawMessage, got bool) {
	t.Helper()
	var want bool
	decode(t, raw, &want)
	if got != want {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func checkTime(t *testing.T, what string, raw json.RawMessage, got Opt[time.Time]) {
	t.Helper()
	if isNull(raw) {
		if got.OK {
			t.Errorf("%s: got %s, want no value", what, got.V)
		}
		return
	}
	var want time.Time
	decode(t, raw, &want)
	if !got.OK || !got.V.Equal(want) {
		t.Errorf("%s: got %v, want %s", what, got, want)
	}
}

func checkDate(t *testing.T, what string, raw json.RawMessage, got Date) {
	t.Helper()
	var want string
	decode(t, raw, &want)
	if got.String() != want {
		t.Errorf("%s: got %s, want %s", what, got, want)
	}
}

// checkLevels compares {"50": v, ...} (or null) with duration lines.
func checkLevels(t *testing.T, what string, raw json.RawMessage, got []Level) {
	t.Helper()
	if isNull(raw) {
		if got != nil {
			t.Errorf("%s: got %v, want no value", what, got)
		}
		return
	}
	var want map[string]float64
	decode(t, raw, &want)
	if got == nil {
		t.Errorf("%s: got no value, want %v", what, want)
		return
	}
	have := map[string]float64{}
	for _, l := range got {
		have[fmt.Sprint(l.Percent)] = l.Value
	}
	for p, w := range want {
		g, ok := have[p]
		if !ok || math.Abs(g-w) > tolerance {
			t.Errorf("%s at %s%%: got %v (present %v), want %v", what, p, g, ok, w)
		}
	}
}

func checkCountLevels(t *testing.T, what string, raw json.RawMessage, got []CountLevel) {
	t.Helper()
	if isNull(raw) {
		if got != nil {
			t.Errorf("%s: got %v, want no value", what, got)
		}
		return
	}
	var want map[string]int
	decode(t, raw, &want)
	if got == nil {
		t.Errorf("%s: got no value, want %v", what, want)
		return
	}
	have := map[string]int{}
	for _, l := range got {
		have[fmt.Sprint(l.Percent)] = l.Count
	}
	for p, w := range want {
		if g, ok := have[p]; !ok || g != w {
			t.Errorf("%s at %s%%: got %v (present %v), want %v", what, p, g, ok, w)
		}
	}
}

// checkStateTimes compares {"<state>": days, ..., "outside": days} (or null).
func checkStateTimes(t *testing.T, b *Board, what string, raw json.RawMessage, got Opt[StateTimes]) {
	t.Helper()
	if isNull(raw) {
		if got.OK {
			t.Errorf("%s: got %v, want no value", what, got.V)
		}
		return
	}
	var want map[string]float64
	decode(t, raw, &want)
	if !got.OK {
		t.Errorf("%s: got no value, want %v", what, want)
		return
	}
	names := b.InProgressStates()
	for name, w := range want {
		var g float64
		if name == "outside" {
			g = got.V.Outside
		} else {
			i := indexOf(names, name)
			if i < 0 {
				t.Errorf("%s: %q is not an in-progress state", what, name)
				continue
			}
			g = got.V.InState[i]
		}
		if math.Abs(g-w) > tolerance {
			t.Errorf("%s[%s]: got %.6f, want %v", what, name, g, w)
		}
	}
}

func indexOf(xs []string, x string) int {
	for i, s := range xs {
		if s == x {
			return i
		}
	}
	return -1
}

func checkIssues(t *testing.T, b *Board, byKey map[string]*IssueFacts, raw json.RawMessage) {
	t.Helper()
	for key, fraw := range fields(t, raw) {
		f, ok := byKey[key]
		if !ok {
			t.Errorf("no issue %s", key)
			continue
		}
		for k, v := range fields(t, fraw) {
			what := key + "." + k
			switch k {
			case "state":
				var want string
				decode(t, v, &want)
				if got := b.StateName(f.Position); got != want {
					t.Errorf("%s: got %q, want %q", what, got, want)
				}
			case "started_at":
				checkTime(t, what, v, f.Started)
			case "done_at":
				checkTime(t, what, v, f.Done)
			case "delivered":
				checkBool(t, what, v, f.Delivered)
			case "abandoned":
				checkBool(t, what, v, f.Abandoned)
			case "closed_not_delivered":
				checkBool(t, what, v, f.ClosedNotDelivered)
			case "lead_time":
				checkFloat(t, what, v, f.LeadTime)
			case "calendar_days":
				checkFloat(t, what, v, f.CalendarDays)
			case "time_in_state":
				checkStateTimes(t, b, what, v, f.TimeInState)
			case "flow_efficiency":
				checkFloat(t, what, v, f.FlowEfficiency)
			case "blocked_time":
				checkFloat(t, what, v, f.Blocked)
			case "blocked_share":
				checkFloat(t, what, v, f.BlockedShare)
			case "age":
				checkFloat(t, what, v, f.Age)
			default:
				t.Errorf("%s: unknown fact", what)
			}
		}
	}
}

// rangeQuery holds the keys every list query shares.
type rangeQuery struct {
	From      string   `json:"from"`
	To        string   `json:"to"`
	WorkTypes []string `json:"work_types"`
}

func checkWeekly(t *testing.T, b *Board, facts []IssueFacts, now time.Time, raw json.RawMessage) {
	t.Helper()
	var queries []map[string]json.RawMessage
	decode(t, raw, &queries)
	for qi, qraw := range queries {
		q := WeeklyQuery{}
		var weeks []map[string]json.RawMessage
		var flat json.RawMessage
		for k, v := range qraw {
			switch k {
			case "from":
				var s string
				decode(t, v, &s)
				q.From = mustDate(t, s)
			case "to":
				var s string
				decode(t, v, &s)
				q.To = mustDate(t, s)
			case "work_types":
				decode(t, v, &q.WorkTypes)
			case "backlog":
				var s string
				decode(t, v, &s)
				q.Absolute = s == "absolute"
				if s != "absolute" && s != "relative" {
					t.Fatalf("backlog %q", s)
				}
			case "weeks":
				decode(t, v, &weeks)
			case "flat":
				flat = v
			default:
				t.Fatalf("weekly query key %q is not checked", k)
			}
		}
		got, err := b.Weekly(facts, q, now)
		if err != nil {
			t.Fatalf("weekly %d: %v", qi, err)
		}
		if flat != nil {
			checkCountLevels(t, fmt.Sprintf("weekly %d flat", qi), flat, got.Flat)
		}
		if len(got.Weeks) != len(weeks) {
			t.Errorf("weekly %d: got %d weeks, want %d", qi, len(got.Weeks), len(weeks))
			continue
		}
		for i, wr := range weeks {
			row := got.Weeks[i]
			what := fmt.Sprintf("weekly %d week %s", qi, row.Monday)
			for k, v := range wr {
				switch k {
				case "week":
					checkDate(t, what+" label", v, row.Monday)
				case "partial":
					checkBool(t, what+" partial", v, row.Partial)
				case "throughput":
					checkInt(t, what+" throughput", v, Some(row.Throughput))
				case "window_weeks":
					checkInt(t, what+" window_weeks", v, row.WindowWeeks)
				case "likelihood":
					checkCountLevels(t, what+" likelihood", v, row.Likelihood)
				case "variation":
					checkFloat(t, what+" variation", v, row.Variation)
				case "lead_time":
					checkLevels(t, what+" lead_time", v, row.LeadTime)
				case "lead_time_by_state":
					checkStateTimes(t, b, what+" lead_time_by_state", v, row.ByState)
				case "backlog":
					var want struct {
						Created            *int `json:"created"`
						Delivered          *int `json:"delivered"`
						ClosedNotDelivered *int `json:"closed_not_delivered"`
					}
					decode(t, v, &want)
					checkIntPtr(t, what+" backlog created", want.Created, row.Backlog.Created)
					checkIntPtr(t, what+" backlog delivered", want.Delivered, row.Backlog.Delivered)
					checkIntPtr(t, what+" backlog closed_not_delivered", want.ClosedNotDelivered, row.Backlog.ClosedNotDelivered)
				case "net_flow":
					var want struct {
						Started   *int `json:"started"`
						Delivered *int `json:"delivered"`
					}
					decode(t, v, &want)
					checkIntPtr(t, what+" net_flow started", want.Started, row.Started)
					checkIntPtr(t, what+" net_flow delivered", want.Delivered, row.Throughput)
				default:
					t.Errorf("%s: unknown key %q", what, k)
				}
			}
		}
	}
}

func checkIntPtr(t *testing.T, what string, want *int, got int) {
	t.Helper()
	if want != nil && *want != got {
		t.Errorf("%s: got %d, want %d", what, got, *want)
	}
}
