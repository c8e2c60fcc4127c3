package sim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Status categories as JIRA numbers and names them.
const (
	catNew           = "new"
	catIndeterminate = "indeterminate"
	catDone          = "done"
)

type statusCategory struct {
	id        int
	key       string
	name      string
	colorName string
}

var categories = []statusCategory{
	{1, "undefined", "No Category", "medium-gray"},
	{2, catNew, "To Do", "blue-gray"},
	{4, catIndeterminate, "In Progress", "yellow"},
	{3, catDone, "Done", "green"},
}

func categoryByKey(key string) statusCategory {
	for _, c := range categories {
		if c.key == key {
			return c
		}
	}
	return categories[0]
}

// Status is one JIRA status (global to the site, shared by workflows).
type Status struct {
	ID          string
	Name        string
	Category    string // new | indeterminate | done
	Description string
}

// Status indices used by the workflow templates; ids follow JIRA's defaults where JIRA has one.
const (
	stOpen int16 = iota
	stInProgress
	stReopened
	stResolved
	stClosed
	stBacklog
	stSelected
	stDone
	stToDo
	stInReview
	stCodeReview
	stQA
	stInTest
	stReadyForRelease
	stBlocked
	stTriage
	stAnalysis
	stReady
	stInDevelopment
	stPeerReview
	stValidation
	stDeployed
	stInvestigating
	stFixing
	stMonitoring
)

var statuses = []Status{
	stOpen:            {"1", "Open", catNew, "The issue is open and ready for the assignee to start work on it."},
	stInProgress:      {"3", "In Progress", catIndeterminate, "This issue is being actively worked on at the moment by the assignee."},
	stReopened:        {"4", "Reopened", catNew, "This issue was once resolved, but the resolution was deemed incorrect."},
	stResolved:        {"5", "Resolved", catDone, "A resolution has been taken, and it is awaiting verification by reporter."},
	stClosed:          {"6", "Closed", catDone, "The issue is considered finished, the resolution is correct."},
	stBacklog:         {"10000", "Backlog", catNew, ""},
	stSelected:        {"10001", "Selected for Development", catNew, ""},
	stDone:            {"10002", "Done", catDone, ""},
	stToDo:            {"10003", "To Do", catNew, ""},
	stInReview:        {"10004", "In Review", catIndeterminate, ""},
	stCodeReview:      {"10005", "Code Review", catIndeterminate, ""},
	stQA:              {"10006", "QA", catIndeterminate, ""},
	stInTest:          {"10007", "In Test", catIndeterminate, ""},
	stReadyForRelease: {"10008", "Ready for Release", catIndeterminate, ""},
	stBlocked:         {"10009", "Blocked", catIndeterminate, "Work cannot continue until something outside the team happens."},
	stTriage:          {"10010", "Triage", catNew, ""},
	stAnalysis:        {"10011", "Analysis", catIndeterminate, ""},
	stReady:           {"10012", "Ready for Dev", catNew, ""},
	stInDevelopment:   {"10013", "In Development", catIndeterminate, ""},
	stPeerReview:      {"10014", "Peer Review", catIndeterminate, ""},
	stValidation:      {"10015", "Validation", catIndeterminate, ""},
	stDeployed:        {"10016", "Deployed", catIndeterminate, ""},
	stInvestigating:   {"10017", "Investigating", catIndeterminate, ""},
	stFixing:          {"10018", "Fixing", catIndeterminate, ""},
	stMonitoring:      {"10019", "Monitoring", catIndeterminate, ""},
}

// IssueType is one JIRA issue type.
type IssueType struct {
	ID          string
	Name        string
	Subtask     bool
	Hierarchy   int
	Description string
	AvatarID    int
}

const (
	tyEpic uint8 = iota
	tyStory
	tyTask
	tySubtask
	tyBug
	tyIncident
)

var issueTypes = []IssueType{
	tyEpic:     {"10000", "Epic", false, 1, "A big user story that needs to be broken down.", 10307},
	tyStory:    {"10001", "Story", false, 0, "Functionality or a feature expressed as a user goal.", 10315},
	tyTask:     {"10002", "Task", false, 0, "A small, distinct piece of work.", 10318},
	tySubtask:  {"10003", "Sub-task", true, -1, "A small piece of work that's part of a larger task.", 10316},
	tyBug:      {"10004", "Bug", false, 0, "A problem or error.", 10303},
	tyIncident: {"10005", "Incident", false, 0, "A system outage or degradation that needs attention now.", 10304},
}

// standard reports whether a type counts as a normal work item (not an epic, not a sub-task).
func standard(t uint8) bool { return t != tyEpic && t != tySubtask }

// Resolution is one JIRA resolution.
type Resolution struct {
	ID          string
	Name        string
	Description string
}

const (
	resDone int8 = iota
	resWontDo
	resDuplicate
	resCannotReproduce
	resWontFix
)

var resolutions = []Resolution{
	resDone:            {"10000", "Done", "Work has been completed on this issue."},
	resWontDo:          {"10001", "Won't Do", "This issue won't be actioned."},
	resDuplicate:       {"10002", "Duplicate", "The problem is a duplicate of an existing issue."},
	resCannotReproduce: {"10003", "Cannot Reproduce", "All attempts at reproducing this issue failed, or not enough information was available to reproduce the issue."},
	resWontFix:         {"10004", "Won't Fix", "The problem described is an issue which will never be fixed."},
}

type priority struct {
	id, name, color string
}

var priorities = []priority{
	{"1", "Highest", "#d04437"},
	{"2", "High", "#f15C75"},
	{"3", "Medium", "#f79232"},
	{"4", "Low", "#707070"},
	{"5", "Lowest", "#999999"},
}

// step is one in-progress column an issue passes through.
type step struct {
	status   int16
	median   float64 // working hours of a typical stay
	skip     float64 // chance the team skips this column
	rework   float64 // chance of being sent back to reworkTo
	reworkTo int
}

// workflow drives the generator; board columns (below) are what the product sees.
type workflow struct {
	initial  int16
	triage   int16 // -1, or an unmapped "new" status some issues are created in
	triageP  float64
	selected int16 // -1, or a queue column before work starts
	steps    []step
	done     int16
	altDone  int16 // -1, or another done-category status some issues end in
	altDoneP float64
	blocked  int16 // -1, or a waiting status issues sometimes visit while in progress
	blockedP float64
	reopen   int16   // where a reopened issue lands
	train    float64 // spread of the weekly "release train" (0 = none)
	onCall   float64 // share of transitions outside working hours
}

type column struct {
	name     string
	statuses []int16
}

type template struct {
	name, key, tz      string
	workStart, workEnd float64 // local hours
	share              float64
	types              [6]float64 // weights by type constant
	wf                 workflow
	columns            []column
	kanban             bool
	typeFilter         []uint8 // board filter restricts issue types (nil = all)
}

var templates = []template{
	{
		name: "Platform", key: "PLAT", tz: "Europe/Berlin", workStart: 9, workEnd: 17.5, share: 0.22, kanban: true,
		types: [6]float64{tyEpic: 3, tyStory: 35, tyTask: 25, tySubtask: 15, tyBug: 20, tyIncident: 2},
		wf: workflow{
			initial: stBacklog, triage: -1, selected: stSelected, done: stDone, altDone: -1, blocked: -1,
			reopen: stReopened, train: 0.55, onCall: 0.03,
			steps: []step{
				{status: stInProgress, median: 18},
				{status: stCodeReview, median: 6, skip: 0.05, rework: 0.2},
				{status: stQA, median: 8, skip: 0.25, rework: 0.12},
			},
		},
		columns: []column{
			{"Backlog", []int16{stBacklog}},
			{"Selected for Development", []int16{stSelected}},
			{"In Progress", []int16{stInProgress, stReopened}},
			{"Code Review", []int16{stCodeReview}},
			{"QA", []int16{stQA}},
			{"Done", []int16{stDone}},
		},
	},
	{
		name: "Mobile", key: "MOB", tz: "America/New_York", workStart: 9.5, workEnd: 18, share: 0.22,
		types: [6]float64{tyEpic: 3, tyStory: 45, tyTask: 10, tySubtask: 15, tyBug: 25, tyIncident: 2},
		wf: workflow{
			initial: stBacklog, triage: -1, selected: stToDo, done: stDone, altDone: -1, blocked: -1,
			reopen: stInProgress, train: 0.7, onCall: 0.04,
			steps: []step{
				{status: stInProgress, median: 20},
				{status: stInReview, median: 8, skip: 0.05, rework: 0.22},
				{status: stInTest, median: 10, skip: 0.15, rework: 0.15},
				{status: stReadyForRelease, median: 12, skip: 0.1},
			},
		},
		columns: []column{
			{"Backlog", []int16{stBacklog}},
			{"To Do", []int16{stToDo}},
			{"In Progress", []int16{stInProgress}},
			{"In Review", []int16{stInReview}},
			{"In Test", []int16{stInTest}},
			{"Ready for Release", []int16{stReadyForRelease}},
			{"Done", []int16{stDone}},
		},
	},
	{
		// Payments' workflow has statuses its board does not map: Triage (new), Blocked
		// (indeterminate) and Closed (done), the classic source of "lost" flow history.
		name: "Payments", key: "PAY", tz: "Europe/London", workStart: 9, workEnd: 17.5, share: 0.2, kanban: true,
		types: [6]float64{tyEpic: 3, tyStory: 35, tyTask: 20, tySubtask: 15, tyBug: 25, tyIncident: 2},
		wf: workflow{
			initial: stOpen, triage: stTriage, triageP: 0.3, selected: stSelected, done: stDone,
			altDone: stClosed, altDoneP: 0.15, blocked: stBlocked, blockedP: 0.2,
			reopen: stInProgress, train: 0.5, onCall: 0.03,
			steps: []step{
				{status: stInProgress, median: 22},
				{status: stInReview, median: 8, skip: 0.1, rework: 0.25},
			},
		},
		columns: []column{
			{"Open", []int16{stOpen}},
			{"Selected", []int16{stSelected}},
			{"In Progress", []int16{stInProgress}},
			{"Review", []int16{stInReview}},
			{"Done", []int16{stDone}},
		},
	},
	{
		name: "Data", key: "DATA", tz: "Asia/Kolkata", workStart: 10, workEnd: 18.5, share: 0.18,
		types: [6]float64{tyEpic: 3, tyStory: 30, tyTask: 35, tySubtask: 15, tyBug: 15, tyIncident: 2},
		wf: workflow{
			initial: stBacklog, triage: -1, selected: stReady, done: stDone, altDone: -1, blocked: -1,
			reopen: stInDevelopment, train: 0.6, onCall: 0.05,
			steps: []step{
				{status: stAnalysis, median: 8, skip: 0.3},
				{status: stInDevelopment, median: 20},
				{status: stPeerReview, median: 6, skip: 0.05, rework: 0.2, reworkTo: 1},
				{status: stValidation, median: 8, skip: 0.2, rework: 0.1, reworkTo: 1},
				{status: stDeployed, median: 6, skip: 0.1},
			},
		},
		columns: []column{
			{"Backlog", []int16{stBacklog}},
			{"Analysis", []int16{stAnalysis}},
			{"Ready for Dev", []int16{stReady}},
			{"In Development", []int16{stInDevelopment}},
			{"Peer Review", []int16{stPeerReview}},
			{"Validation", []int16{stValidation}},
			{"Deployed", []int16{stDeployed}},
			{"Done", []int16{stDone}},
		},
	},
	{
		name: "Operations", key: "OPS", tz: "America/Los_Angeles", workStart: 8, workEnd: 16.5, share: 0.18, kanban: true,
		types:      [6]float64{tyEpic: 0, tyStory: 0, tyTask: 20, tySubtask: 0, tyBug: 25, tyIncident: 55},
		typeFilter: []uint8{tyIncident, tyBug, tyTask},
		wf: workflow{
			initial: stOpen, triage: -1, selected: -1, done: stResolved, altDone: stClosed, altDoneP: 0.3, blocked: -1,
			reopen: stInvestigating, train: 0.45, onCall: 0.15,
			steps: []step{
				{status: stInvestigating, median: 4},
				{status: stFixing, median: 10, skip: 0.15},
				{status: stMonitoring, median: 12, skip: 0.2, rework: 0.08, reworkTo: 1},
			},
		},
		columns: []column{
			{"Open", []int16{stOpen}},
			{"Investigating", []int16{stInvestigating}},
			{"Fixing", []int16{stFixing}},
			{"Monitoring", []int16{stMonitoring}},
			{"Resolved", []int16{stResolved, stClosed}},
		},
	},
}

// Extra teams (beyond the five above, for large benchmark worlds) reuse the first four
// templates with their own names, keys and time zones.
var extraNames = []string{"Search", "Identity", "Growth", "Checkout", "Billing", "Infra", "Insights",
	"Messaging", "Catalog", "Onboarding", "Pricing", "Security", "Reporting", "Partners", "Notifications"}
var extraZones = []string{"Australia/Sydney", "America/Sao_Paulo", "Asia/Tokyo", "Europe/Paris",
	"America/Chicago", "Europe/Warsaw", "Asia/Singapore", "America/Denver", "Europe/Madrid", "Africa/Johannesburg"}

type user struct {
	accountID   string // Cloud
	name, key   string // Data Center
	displayName string
	email       string
	tz          string
}

// Team is one delivery team: a JIRA project, its board and filter (and later its repos).
type Team struct {
	Index       int
	Name        string
	Slug        string
	ProjectKey  string
	ProjectID   string
	BoardID     int
	BoardName   string
	FilterID    int
	FilterJQL   string
	TimeZone    string
	Kanban      bool
	Columns     []BoardColumn
	IssueTypes  []string // the board filter's issue types (empty = all)
	tmpl        *template
	cal         workCalendar
	loc         *time.Location
	weight      float64
	users       []user
	typeAllowed [6]bool
}

// BoardColumn is one column of a board's current configuration.
type BoardColumn struct {
	Name      string   `json:"name"`
	StatusIDs []string `json:"statusIds"`
}

// World is the static part of the simulation: teams, projects, boards, statuses and users.
type World struct {
	Teams  []*Team
	apiUsr user
	userTZ *time.Location
	// The site's statuses and issue types as served: the package tables,
	// or copies whose names carry hostile payloads (Options.Hostile).
	stat    []Status
	types   []IssueType
	hostile []string
}

var firstNames = []string{"Ada", "Ben", "Chen", "Dana", "Eli", "Fatima", "Goran", "Hana", "Ivan", "Jade",
	"Kofi", "Lena", "Mateo", "Nina", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Vera", "Wei", "Yusuf", "Zoe"}
var lastNames = []string{"Okafor", "Schmidt", "Tanaka", "Silva", "Novak", "Haddad", "Kowalski", "Nguyen",
	"Moreau", "Iyer", "Larsen", "Costa", "Fischer", "Mensah", "Rossi", "Kim", "Walsh", "Petrov"}

func newWorld(seed int64, teams int, email, userTZ string, hp []string) (*World, error) {
	if teams < 1 {
		teams = len(templates)
	}
	utz, err := time.LoadLocation(userTZ)
	if err != nil {
		return nil, fmt.Errorf("user time zone %q: %w", userTZ, err)
	}
	w := &World{userTZ: utz, stat: statuses, types: issueTypes, hostile: hp}
	if len(hp) > 0 {
		w.stat = append([]Status(nil), statuses...)
		for i := range w.stat {
			w.stat[i].Name = withHostile(w.stat[i].Name, hp, hoStatus+i)
		}
		w.types = append([]IssueType(nil), issueTypes...)
		for i := range w.types {
			w.types[i].Name = withHostile(w.types[i].Name, hp, hoType+i)
		}
	}
	w.apiUsr = user{
		accountID:   "712020:" + fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hash3(seed, streamUser, 1)>>32, 0x51a1, 0x4e11, 0x8a2b, hash3(seed, streamUser, 2)>>16),
		name:        strings.SplitN(email, "@", 2)[0],
		key:         "JIRAUSER10000",
		displayName: "Vger Demo",
		email:       email,
		tz:          userTZ,
	}
	usedKeys := map[string]bool{}
	for i := range teams {
		tm := &Team{Index: i}
		if i < len(templates) {
			tm.tmpl = &templates[i]
			tm.Name = tm.tmpl.name
			tm.ProjectKey = tm.tmpl.key
			tm.TimeZone = tm.tmpl.tz
		} else {
			tm.tmpl = &templates[(i-len(templates))%4]
			k := i - len(templates)
			tm.Name = extraNames[k%len(extraNames)]
			if k >= len(extraNames) {
				tm.Name += " " + strconv.Itoa(k/len(extraNames)+1)
			}
			tm.TimeZone = extraZones[k%len(extraZones)]
			tm.ProjectKey = projectKey(tm.Name, usedKeys)
		}
		usedKeys[tm.ProjectKey] = true
		tm.Slug = strings.ReplaceAll(strings.ToLower(tm.Name), " ", "-")
		tm.BoardName = withHostile(tm.Name+" board", hp, hoTeam+len(templates)+i)
		tm.Name = withHostile(tm.Name, hp, hoTeam+i)
		tm.ProjectID = strconv.Itoa(10000 + i)
		tm.BoardID = i + 1
		tm.FilterID = 10000 + i
		tm.Kanban = tm.tmpl.kanban
		loc, err := time.LoadLocation(tm.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("team %s time zone: %w", tm.Name, err)
		}
		tm.loc = loc
		tm.cal = workCalendar{loc: loc, start: int64(tm.tmpl.workStart * float64(hourMs)), end: int64(tm.tmpl.workEnd * float64(hourMs))}
		tm.weight = tm.tmpl.share
		if i >= len(templates) {
			tm.weight = 0.15 + 0.15*unit(hash3(seed, streamHeader, uint64(i)))
		}
		for k, c := range tm.tmpl.columns {
			bc := BoardColumn{Name: withHostile(c.name, hp, hoColumn+i*8+k)}
			for _, s := range c.statuses {
				bc.StatusIDs = append(bc.StatusIDs, statuses[s].ID)
			}
			tm.Columns = append(tm.Columns, bc)
		}
		jql := "project = " + tm.ProjectKey
		if len(tm.tmpl.typeFilter) > 0 {
			var names []string
			for _, t := range tm.tmpl.typeFilter {
				if len(hp) > 0 {
					names = append(names, w.types[t].ID) // hostile names would need JQL quoting
				} else {
					names = append(names, issueTypes[t].Name)
				}
				tm.IssueTypes = append(tm.IssueTypes, w.types[t].Name)
				tm.typeAllowed[t] = true
			}
			jql += " AND issuetype in (" + strings.Join(names, ", ") + ")"
		} else {
			for t := range tm.typeAllowed {
				tm.typeAllowed[t] = true
			}
		}
		tm.FilterJQL = jql + " ORDER BY Rank ASC"
		for u := range 6 {
			h := hash3(seed, streamUser, uint64(1000+i*16+u))
			fn := firstNames[h%uint64(len(firstNames))]
			ln := lastNames[(h>>20)%uint64(len(lastNames))]
			login := strings.ToLower(fn[:1] + ln)
			tm.users = append(tm.users, user{
				accountID:   fmt.Sprintf("5b%06x%016x", i*16+u, mix64(h)),
				name:        login + strconv.Itoa(i*10+u),
				key:         "JIRAUSER" + strconv.Itoa(10100+i*16+u),
				displayName: withHostile(fn+" "+ln, hp, hoUser+i*6+u),
				email:       login + strconv.Itoa(i*10+u) + "@example.com",
				tz:          tm.TimeZone,
			})
		}
		w.Teams = append(w.Teams, tm)
	}
	return w, nil
}

// projectKey makes a JIRA-valid, unique project key from a team name.
func projectKey(name string, used map[string]bool) string {
	var b []byte
	for _, r := range strings.ToUpper(name) {
		if r >= 'A' && r <= 'Z' && len(b) < 4 {
			b = append(b, byte(r))
		}
	}
	base := string(b)
	if base == "" {
		base = "T"
	}
	k := base
	for n := 2; used[k]; n++ {
		k = base + strconv.Itoa(n)
	}
	return k
}

// teamByKey finds a team by project key, project id or project name (case-insensitive).
func (w *World) teamByProject(v string) *Team {
	for _, t := range w.Teams {
		if strings.EqualFold(t.ProjectKey, v) || t.ProjectID == v || strings.EqualFold(t.Name, v) {
			return t
		}
	}
	return nil
}

// statusIndex finds a status by id or name (case-insensitive).
func statusIndex(v string) int16 {
	for i, s := range statuses {
		if s.ID == v || strings.EqualFold(s.Name, v) {
			return int16(i)
		}
	}
	return -1
}

func typeIndex(v string) int {
	for i, t := range issueTypes {
		if t.ID == v || strings.EqualFold(t.Name, v) {
			return i
		}
	}
	// JIRA accepts the older spelling too.
	if strings.EqualFold(v, "subtask") || strings.EqualFold(v, "sub task") {
		return int(tySubtask)
	}
	return -1
}

func resolutionIndex(v string) int {
	for i, r := range resolutions {
		if r.ID == v || strings.EqualFold(r.Name, v) {
			return i
		}
	}
	return -1
}

// mapped reports whether a team's board maps a status to a column, and which.
func (t *Team) column(st int16) int {
	for i, c := range t.tmpl.columns {
		for _, s := range c.statuses {
			if s == st {
				return i
			}
		}
	}
	return -1
}

// workflowStatuses lists the statuses a team's workflow can use, in a stable order.
func (t *Team) workflowStatuses() []int16 {
	wf := &t.tmpl.wf
	seen := map[int16]bool{}
	var out []int16
	add := func(s int16) {
		if s >= 0 && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	add(wf.triage)
	add(wf.initial)
	add(wf.selected)
	for _, s := range wf.steps {
		add(s.status)
	}
	add(wf.blocked)
	add(wf.reopen)
	add(wf.done)
	add(wf.altDone)
	return out
}

// UnmappedStatusIDs are the workflow's statuses that no board column maps.
func (t *Team) UnmappedStatusIDs() []string {
	var out []string
	for _, s := range t.workflowStatuses() {
		if t.column(s) < 0 {
			out = append(out, statuses[s].ID)
		}
	}
	return out
}
