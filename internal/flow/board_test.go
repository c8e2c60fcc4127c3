package flow

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNewBoardRefusesBadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*BoardConfig)
		want []error // every one must be reported
		msg  string  // and the message must name the culprit
	}{
		{"status mapped twice", func(c *BoardConfig) { c.States[2].StatusIDs = []string{"3", "2"} },
			[]error{ErrStatusMappedTwice}, `status 2 (In Progress) is mapped by both "Dev" and "Review"`},
		{"start equals end", func(c *BoardConfig) { c.Start, c.End = 2, 2 }, []error{ErrWindow}, "start 2, end 2"},
		{"start after end", func(c *BoardConfig) { c.Start, c.End = 3, 1 }, []error{ErrWindow}, ""},
		{"end past the last column", func(c *BoardConfig) { c.End = 4 }, []error{ErrWindow}, ""},
		{"negative start", func(c *BoardConfig) { c.Start = -1 }, []error{ErrWindow}, ""},
		{"empty work type", func(c *BoardConfig) {
			c.WorkTypes = []WorkType{{"Features", []string{"Story"}}, {"Chores", nil}}
		}, []error{ErrEmptyWorkType}, `"Chores"`},
		{"one column", func(c *BoardConfig) { c.States = c.States[:1]; c.Start, c.End = 0, 0 },
			[]error{ErrNoStates, ErrWindow}, ""},
		{"duplicate column", func(c *BoardConfig) { c.States[2].Name = "Dev" }, []error{ErrDuplicateName}, ""},
		{"duplicate work type", func(c *BoardConfig) {
			c.WorkTypes = []WorkType{{"A", []string{"Story"}}, {"A", []string{"Bug"}}}
		}, []error{ErrDuplicateName}, ""},
		{"negative window", func(c *BoardConfig) { c.RollingWeeks = -1 }, []error{ErrSetting}, ""},
		{"window shorter than 4 weeks", func(c *BoardConfig) { c.RollingWeeks = 3 }, []error{ErrSetting}, "at least 4 weeks"},
		{"fiscal month 13", func(c *BoardConfig) { c.FiscalYearStart = 13 }, []error{ErrSetting}, ""},
		{"unknown day mode", func(c *BoardConfig) { c.DayMode = 7 }, []error{ErrSetting}, ""},
		{"bad tag pattern", func(c *BoardConfig) { c.TagPattern = "v(" }, []error{ErrSetting}, `"v("`},
		{"several at once", func(c *BoardConfig) {
			c.Start, c.End = 2, 1
			c.WorkTypes = []WorkType{{"Chores", nil}}
		}, []error{ErrWindow, ErrEmptyWorkType}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := simpleConfig()
			tt.edit(&cfg)
			b, err := NewBoard(cfg)
			if err == nil || b != nil {
				t.Fatalf("NewBoard accepted the configuration")
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not a *ConfigError", err)
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("error %q does not match %v", err, w)
				}
			}
			if tt.msg != "" && !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q does not mention %q", err, tt.msg)
			}
		})
	}
}

func TestNewBoardDefaults(t *testing.T) {
	t.Parallel()
	cfg := simpleConfig()
	cfg.Location, cfg.RollingWeeks, cfg.FiscalYearStart = nil, 0, 0
	b, err := NewBoard(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if b.Location() != time.UTC || b.RollingWeeks() != 12 || b.fiscal != 1 {
		t.Errorf("defaults: zone %v, W %d, fiscal %d; want UTC, 12, 1", b.Location(), b.RollingWeeks(), b.fiscal)
	}
	// The default invalid resolutions apply when none are configured, case-insensitively and
	// with a typographic apostrophe.
	for r, want := range map[string]bool{"won't fix": true, "Won’t Do": true, "DUPLICATE": true,
		"Done": false, "": false, "Fixed": false} {
		if got := b.invalidResolution(r); got != want {
			t.Errorf("invalid resolution %q: got %v, want %v", r, got, want)
		}
	}
	cfg.InvalidResolutions = []string{"Rejected"}
	b2, _ := NewBoard(cfg)
	if b2.invalidResolution("Duplicate") || !b2.invalidResolution("rejected") {
		t.Error("a configured list replaces the default one")
	}
	if got := DefaultInvalidResolutions(); len(got) != 10 || got[0] != "Abandon" {
		t.Errorf("DefaultInvalidResolutions = %v", got)
	}
}

func TestBoardAccessors(t *testing.T) {
	t.Parallel()
	b := simpleBoard(t, nil)
	if got := strings.Join(b.States(), ","); got != "To Do,Dev,Review,Done" {
		t.Errorf("States = %s", got)
	}
	if got := strings.Join(b.InProgressStates(), ","); got != "Dev,Review" {
		t.Errorf("InProgressStates = %s", got)
	}
	if s, e := b.Window(); s != 1 || e != 3 {
		t.Errorf("Window = %d, %d", s, e)
	}
	for pos, want := range map[int]string{-1: "unmapped", 0: "To Do", 3: "Done", 4: "unmapped"} {
		if got := b.StateName(pos); got != want {
			t.Errorf("StateName(%d) = %q, want %q", pos, got, want)
		}
	}
	if b.InProgress(0) || !b.InProgress(1) || !b.InProgress(2) || b.InProgress(3) || !b.IsDone(3) || b.IsDone(2) {
		t.Error("InProgress/IsDone disagree with the window [1, 3)")
	}
	// Closed (92) is unmapped even though it counts as the last column.
	if !b.IsUnmapped("92") || !b.IsUnmapped("90") || b.IsUnmapped("4") || !b.IsUnmapped("nope") {
		t.Error("IsUnmapped")
	}
	if b.Config().Start != 1 {
		t.Error("Config does not return the configuration")
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	// A JIRA board with at least 3 columns starts lead time at the second column.
	for n, want := range map[int][2]int{2: {0, 1}, 3: {1, 2}, 6: {1, 5}} {
		if s, e := DefaultWindow(n); s != want[0] || e != want[1] {
			t.Errorf("DefaultWindow(%d) = %d, %d; want %v", n, s, e, want)
		}
	}
	types := []IssueType{{"Story", false}, {"Epic", false}, {"Sub-task", true}, {"Bug", false}, {"Story", false}}
	got := DefaultWorkTypes(types, false)
	if len(got) != 2 || got[0].Name != "Story" || got[1].Name != "Bug" || got[1].IssueTypes[0] != "Bug" {
		t.Errorf("DefaultWorkTypes = %v; want Story, Bug (no Epic, no sub-task, no duplicate)", got)
	}
	if got := DefaultWorkTypes(types, true); len(got) != 3 {
		t.Errorf("with sub-tasks: %v", got)
	}
	for s, want := range map[string]Category{"new": CategoryNew, "Indeterminate": CategoryIndeterminate,
		"done": CategoryDone, "undefined": CategoryUnknown} {
		if got := ParseCategory(s); got != want {
			t.Errorf("ParseCategory(%q) = %v", s, got)
		}
	}
	for _, m := range []DayMode{Working, Calendar} {
		if got, err := ParseDayMode(m.String()); err != nil || got != m {
			t.Errorf("ParseDayMode(%q) = %v, %v", m, got, err)
		}
	}
	if _, err := ParseDayMode("weekdays"); err == nil {
		t.Error("ParseDayMode accepted weekdays")
	}
}

func TestOpt(t *testing.T) {
	t.Parallel()
	var none Opt[float64]
	if none.Ptr() != nil {
		t.Error("no value must give a nil pointer")
	}
	if v, ok := none.Get(); ok || v != 0 {
		t.Error("Get on no value")
	}
	s := Some(0.0) // zero is a value, not "no value"
	if p := s.Ptr(); p == nil || *p != 0 {
		t.Error("Some(0) lost its value")
	}
	x := 2.5
	if o := OptOf(&x); !o.OK || o.V != 2.5 {
		t.Error("OptOf(pointer)")
	}
	if o := OptOf[float64](nil); o.OK {
		t.Error("OptOf(nil)")
	}
}

func TestWorkTypeFilter(t *testing.T) {
	t.Parallel()
	b := simpleBoard(t, func(c *BoardConfig) {
		c.WorkTypes = []WorkType{{"Features", []string{"Story", "Task"}}, {"Failures", []string{"Bug"}},
			{"Everything", []string{"Story", "Task", "Bug"}}}
	})
	if got := strings.Join(b.WorkTypesOf("Story"), ","); got != "Features,Everything" {
		t.Errorf("WorkTypesOf(Story) = %s", got)
	}
	tests := []struct {
		names []string
		keep  map[string]bool
	}{
		// No selection = every work type of the board: an Epic, in none, is left out.
		{nil, map[string]bool{"Story": true, "Bug": true, "Epic": false}},
		{[]string{"Failures"}, map[string]bool{"Story": false, "Bug": true}},
		{[]string{"Features", "Failures"}, map[string]bool{"Task": true, "Bug": true, "Epic": false}},
	}
	for _, tt := range tests {
		f, err := b.filter(tt.names)
		if err != nil {
			t.Fatal(err)
		}
		for typ, want := range tt.keep {
			if got := f.keep(typ); got != want {
				t.Errorf("filter %v keep(%s) = %v, want %v", tt.names, typ, got, want)
			}
		}
	}
	if _, err := b.filter([]string{"Chores"}); !errors.Is(err, ErrUnknownWorkType) {
		t.Errorf("unknown work type: %v", err)
	}
	// A board without work types keeps every issue type.
	f, _ := simpleBoard(t, nil).filter(nil)
	if !f.keep("Epic") {
		t.Error("a board without work types must keep every issue")
	}
}

// A form shows each refusal beside its field: every ConfigError names it
// (and the column or work type at fault).
func TestConfigErrorsNameTheirField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(*BoardConfig)
		field string
		index int
	}{
		{"status mapped twice", func(c *BoardConfig) { c.States[2].StatusIDs = []string{"3", "2"} }, "status", 2},
		{"window", func(c *BoardConfig) { c.Start, c.End = 2, 2 }, "window", -1},
		{"no states", func(c *BoardConfig) { c.States = nil; c.Start, c.End = 0, 1 }, "states", -1},
		{"empty work type", func(c *BoardConfig) { c.WorkTypes = []WorkType{{"A", []string{"Story"}}, {"B", nil}} }, "work_type", 1},
		{"duplicate work type", func(c *BoardConfig) { c.WorkTypes = []WorkType{{"A", []string{"Story"}}, {"A", []string{"Bug"}}} }, "work_type", 1},
		{"duplicate column", func(c *BoardConfig) { c.States[2].Name = "Dev" }, "state", 2},
		{"rolling window", func(c *BoardConfig) { c.RollingWeeks = 2 }, "rolling_weeks", -1},
		{"fiscal year", func(c *BoardConfig) { c.FiscalYearStart = 13 }, "fiscal_year_start", -1},
		{"tag pattern", func(c *BoardConfig) { c.TagPattern = "(" }, "tag_pattern", -1},
		{"day mode", func(c *BoardConfig) { c.DayMode = 9 }, "day_mode", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := simpleConfig()
			tt.edit(&cfg)
			_, err := NewBoard(cfg)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("want a *ConfigError, got %v", err)
			}
			if ce.Field != tt.field || ce.Index != tt.index {
				t.Fatalf("field %q index %d, want %q %d (%s)", ce.Field, ce.Index, tt.field, tt.index, ce.Detail)
			}
		})
	}
}
