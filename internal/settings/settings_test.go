package settings

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/flowmap"
	"github.com/vger-dev/vger/internal/store"
)

var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

var catalog = flowmap.Catalog{
	Statuses: []store.JiraStatus{{ID: "1", Name: "Open", Category: "new"}, {ID: "3", Name: "In Progress", Category: "indeterminate"},
		{ID: "4", Name: "Review", Category: "indeterminate"}, {ID: "5", Name: "Done", Category: "done"}},
	IssueTypes: []store.JiraIssueType{{ID: "10", Name: "Story"}, {ID: "11", Name: "Bug"}},
}

func board() store.Board {
	since := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	return store.Board{ID: 7, TeamID: 1, Name: "Payments", Slug: "payments", JiraBoardID: 3, ExtraJQL: "type != Epic",
		TimeZone: "Europe/London", DayMode: "working", LeadStart: 1, LeadEnd: 3, RollingWeeks: 12, FiscalYearStartMonth: 4,
		InvalidResolutions: []string{"Duplicate"}, Holidays: []time.Time{time.Date(2026, 12, 25, 0, 0, 0, 0, time.UTC)},
		SyncSince: &since, TagPattern: `^v\d+`, PRExcludeAuthors: []string{"dependabot[bot]"}, PRBaseBranches: []string{},
		States: []store.BoardState{{Seq: 0, Name: "Open", Active: true, StatusIDs: []string{"1"}}, {Seq: 1, Name: "Doing", Active: true, StatusIDs: []string{"3"}},
			{Seq: 2, Name: "Review", Active: false, StatusIDs: []string{"4"}}, {Seq: 3, Name: "Done", Active: true, StatusIDs: []string{"5"}}},
		WorkTypes: []store.WorkType{{Name: "Bugs", IssueTypeIDs: []string{"11"}}, {Name: "Stories", IssueTypeIDs: []string{"10"}}},
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	b := board()
	doc := FromBoard(b, catalog, []store.Repo{{Owner: "acme", Name: "pay"}})
	raw := doc.JSON()
	if !strings.Contains(string(raw), `"name": "In Progress"`) || !strings.Contains(string(raw), `"repos": [`) {
		t.Fatalf("export lacks names for people or repos:\n%s", raw)
	}
	parsed, err := Parse(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	got, probs := parsed.Apply(store.Board{ID: 7, TeamID: 1, Slug: "payments", JiraBoardID: 3})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if !reflect.DeepEqual(got, b) {
		t.Fatalf("round trip changed the board:\n got %+v\nwant %+v", got, b)
	}
	if p := Validate(got, catalog, now); len(p) > 0 {
		t.Fatal(p)
	}
	if ch := Changed(doc, parsed); len(ch) != 0 {
		t.Fatalf("changed %v", ch)
	}
	parsed.WorkTypes = parsed.WorkTypes[:1]
	parsed.LeadTime.Start = "Open"
	if ch := Changed(doc, parsed); strings.Join(ch, ", ") != "lead-time start and end, work types" {
		t.Fatalf("changed %v", ch)
	}
}

func TestParseRefusesWhatIsNotASettingsFile(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", "the file is empty"},
		{"{", "not a settings file"},
		{`{"format":"vger-board-settings/1","colour":"red"}`, `unknown field "colour"`},
		{`{"format":"vger-board-settings/1","rolling_weeks":"twelve"}`, "rolling_weeks should be int"},
		{`{"format":"other"}`, `the format is "other"`},
		{`{"format":"vger-board-settings/1"} {}`, "more after the settings"},
		{strings.Repeat(" ", MaxSize+1), "larger than 256 KB"},
	}
	for _, tt := range tests {
		_, err := Parse(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%.30q): %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestApplyNamesUnusableParts(t *testing.T) {
	t.Parallel()
	doc := FromBoard(board(), catalog, nil)
	doc.LeadTime.Start = "Nowhere"
	doc.Holidays = []string{"25/12/2026"}
	doc.SyncSince = "yesterday"
	_, probs := doc.Apply(store.Board{})
	var msgs []string
	for _, p := range probs {
		msgs = append(msgs, p.Field+": "+p.Message)
	}
	want := []string{`sync_since: sync_since "yesterday" is not a date (YYYY-MM-DD)`,
		`holidays: the holiday "25/12/2026" is not a date (YYYY-MM-DD)`,
		`window: lead_time.start "Nowhere" names no column of the file`}
	if !reflect.DeepEqual(msgs, want) {
		t.Fatalf("got %q", msgs)
	}
}

// Every configuration error of METRICS.md (and each range the database
// keeps) is refused with a message naming its field.
func TestValidateMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(*store.Board)
		field string
		index int
		msg   string
	}{
		{"no name", func(b *store.Board) { b.Name = "  " }, "name", -1, "Give the board a name."},
		{"long name", func(b *store.Board) { b.Name = strings.Repeat("x", 201) }, "name", -1, "Use at most 200 characters."},
		{"unknown zone", func(b *store.Board) { b.TimeZone = "Mars/Olympus" }, "time_zone", -1, `"Mars/Olympus" is not a time zone Vger knows`},
		{"empty zone", func(b *store.Board) { b.TimeZone = "" }, "time_zone", -1, "Name a time zone"},
		{"day mode", func(b *store.Board) { b.DayMode = "lunar" }, "day_mode", -1, "Choose working days or calendar days."},
		{"short window", func(b *store.Board) { b.RollingWeeks = 3 }, "rolling_weeks", -1, "from 4 to 104"},
		{"long window", func(b *store.Board) { b.RollingWeeks = 105 }, "rolling_weeks", -1, "from 4 to 104"},
		{"fiscal month", func(b *store.Board) { b.FiscalYearStartMonth = 13 }, "fiscal_year_start", -1, "Choose a month"},
		{"future history", func(b *store.Board) { t := now.AddDate(0, 0, 1); b.SyncSince = &t }, "sync_since", -1, "cannot start in the future"},
		{"tag pattern", func(b *store.Board) { b.TagPattern = "v(" }, "tag_pattern", -1, `This is not a regular expression: missing closing ) in "v(".`},
		{"unnamed column", func(b *store.Board) { b.States[2].Name = "" }, "state", 2, "Give column 3 a name."},
		{"duplicate column", func(b *store.Board) { b.States[2].Name = "Doing" }, "state", 2, `Two columns are called "Doing".`},
		{"status mapped twice", func(b *store.Board) { b.States[2].StatusIDs = []string{"4", "3"} }, "status", 2, `Status 3 (In Progress) is mapped by both "Doing" and "Review".`},
		{"start at end", func(b *store.Board) { b.LeadStart = 3 }, "window", -1, `Lead time must start in a column before the one where it ends (it starts at "Done" and ends at "Done").`},
		{"start after end", func(b *store.Board) { b.LeadStart, b.LeadEnd = 2, 1 }, "window", -1, `(it starts at "Review" and ends at "Doing")`},
		{"one column", func(b *store.Board) { b.States = b.States[:1]; b.LeadStart, b.LeadEnd = 0, 0 }, "states", -1, "A board needs at least two columns; this one has 1."},
		{"empty work type", func(b *store.Board) { b.WorkTypes[1].IssueTypeIDs = nil }, "work_type", 1, `The work type "Stories" has no issue types.`},
		{"unnamed work type", func(b *store.Board) { b.WorkTypes[0].Name = "" }, "work_type", 0, "Give this work type a name."},
		{"duplicate work type", func(b *store.Board) { b.WorkTypes[1].Name = "Bugs" }, "work_type", 1, `Two work types are called "Bugs".`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := board()
			tt.edit(&b)
			probs := Validate(b, catalog, now)
			for _, p := range probs {
				if p.Field == tt.field && p.Index == tt.index && strings.Contains(p.Message, tt.msg) {
					return
				}
			}
			t.Fatalf("want %s[%d] %q, got %+v", tt.field, tt.index, tt.msg, probs)
		})
	}
}
