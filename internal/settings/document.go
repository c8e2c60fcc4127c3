// Package settings is a board's settings as one document: exported and
// imported as JSON, validated with METRICS.md's configuration rules (each
// problem names its field), and recorded before and after in the audit
// log. Statuses and issue types are referred to by JIRA id, with names
// for the people reading the file.
package settings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/flowmap"
	"github.com/vger-dev/vger/internal/store"
)

// Format names the document's version.
const Format = "vger-board-settings/1"

// MaxSize is the largest document accepted for import.
const MaxSize = 256 << 10

// Document is a board's settings.
type Document struct {
	Format               string     `json:"format"`
	Name                 string     `json:"name"`
	JiraBoardID          int64      `json:"jira_board_id"` // where it came from; not applied on import
	ExtraJQL             string     `json:"extra_jql"`
	SyncSince            string     `json:"sync_since"` // YYYY-MM-DD; "" = the server's default history
	TimeZone             string     `json:"time_zone"`
	DayMode              string     `json:"day_mode"`
	Holidays             []string   `json:"holidays"` // YYYY-MM-DD
	States               []State    `json:"states"`
	LeadTime             Window     `json:"lead_time"`
	WorkTypes            []WorkType `json:"work_types"`
	InvalidResolutions   []string   `json:"invalid_resolutions"`
	RollingWeeks         int        `json:"rolling_weeks"`
	FiscalYearStartMonth int        `json:"fiscal_year_start_month"`
	IncludeSubtasks      bool       `json:"include_subtasks"`
	TagPattern           string     `json:"tag_pattern"`
	PullRequests         PRs        `json:"pull_requests"`
	Repos                []string   `json:"repos"` // owner/name
	// Annotations are the board's dated notes. A document without them
	// (from an older Vger) leaves the board's annotations as they are.
	Annotations *[]Annotation `json:"annotations,omitempty"`
}

// Annotation is a dated note: a day, or a period when EndsOn is set.
type Annotation struct {
	StartsOn string `json:"starts_on"`         // YYYY-MM-DD
	EndsOn   string `json:"ends_on,omitempty"` // YYYY-MM-DD; "" = a single day
	Label    string `json:"label"`
}

// State is one work state (a column), in order.
type State struct {
	Name     string `json:"name"`
	Active   bool   `json:"active"`
	Statuses []Ref  `json:"statuses"`
}

// Ref names a JIRA status or issue type: the id counts, the name helps people.
type Ref struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Window is the lead-time start and end, by state name.
type Window struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// WorkType is a named group of issue types.
type WorkType struct {
	Name       string `json:"name"`
	IssueTypes []Ref  `json:"issue_types"`
}

// PRs are the pull-request view settings.
type PRs struct {
	ExcludeAuthors []string `json:"exclude_authors"`
	BaseBranches   []string `json:"base_branches"` // empty: every base branch
}

const dateLayout = "2006-01-02"

// FromBoard is the document of a stored board.
func FromBoard(b store.Board, cat flowmap.Catalog, repos []store.Repo) Document {
	status := map[string]string{}
	for _, s := range cat.Statuses {
		status[s.ID] = s.Name
	}
	types := map[string]string{}
	for _, t := range cat.IssueTypes {
		types[t.ID] = t.Name
	}
	d := Document{
		Format: Format, Name: b.Name, JiraBoardID: b.JiraBoardID, ExtraJQL: b.ExtraJQL, TimeZone: b.TimeZone,
		DayMode: b.DayMode, Holidays: []string{}, InvalidResolutions: nonNil(b.InvalidResolutions),
		RollingWeeks: b.RollingWeeks, FiscalYearStartMonth: b.FiscalYearStartMonth, IncludeSubtasks: b.IncludeSubtasks,
		TagPattern: b.TagPattern, PullRequests: PRs{ExcludeAuthors: nonNil(b.PRExcludeAuthors), BaseBranches: nonNil(b.PRBaseBranches)},
		States: []State{}, WorkTypes: []WorkType{}, Repos: []string{},
	}
	if b.SyncSince != nil {
		d.SyncSince = b.SyncSince.Format(dateLayout)
	}
	for _, h := range b.Holidays {
		d.Holidays = append(d.Holidays, h.Format(dateLayout))
	}
	for _, st := range b.States {
		s := State{Name: st.Name, Active: st.Active, Statuses: []Ref{}}
		for _, id := range st.StatusIDs {
			s.Statuses = append(s.Statuses, Ref{ID: id, Name: status[id]})
		}
		d.States = append(d.States, s)
		if st.Seq == b.LeadStart {
			d.LeadTime.Start = st.Name
		}
		if st.Seq == b.LeadEnd {
			d.LeadTime.End = st.Name
		}
	}
	for _, wt := range b.WorkTypes {
		w := WorkType{Name: wt.Name, IssueTypes: []Ref{}}
		for _, id := range wt.IssueTypeIDs {
			w.IssueTypes = append(w.IssueTypes, Ref{ID: id, Name: types[id]})
		}
		d.WorkTypes = append(d.WorkTypes, w)
	}
	for _, r := range repos {
		d.Repos = append(d.Repos, r.FullName())
	}
	return d
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}

// JSON is the document, indented, with a final newline.
func (d Document) JSON() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		panic(err) // plain strings, ints and slices always encode
	}
	return buf.Bytes()
}

// Parse reads a document, refusing unknown fields, other formats,
// trailing data and more than MaxSize bytes.
func Parse(r io.Reader) (Document, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return Document{}, err
	}
	if len(raw) > MaxSize {
		return Document{}, fmt.Errorf("the file is larger than %d KB: is it a Vger settings file?", MaxSize>>10)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return Document{}, errors.New("the file is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var d Document
	if err := dec.Decode(&d); err != nil {
		return Document{}, fmt.Errorf("not a settings file: %s", jsonProblem(err))
	}
	if dec.More() {
		return Document{}, errors.New("not a settings file: there is more after the settings")
	}
	if d.Format != Format {
		return Document{}, fmt.Errorf("the format is %q; this Vger reads %q (export the settings again from a board)", d.Format, Format)
	}
	return d, nil
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("%s should be %s, not a JSON %s", te.Field, te.Type, te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// Apply returns b with the document's settings (not its team, address or
// JIRA board), and the problems that make parts of it unusable; the
// result still needs Validate.
func (d Document) Apply(b store.Board) (store.Board, []Problem) {
	var probs []Problem
	b.Name = strings.TrimSpace(d.Name)
	b.ExtraJQL = strings.TrimSpace(d.ExtraJQL)
	b.TimeZone = strings.TrimSpace(d.TimeZone)
	b.DayMode = d.DayMode
	b.RollingWeeks = d.RollingWeeks
	b.FiscalYearStartMonth = d.FiscalYearStartMonth
	b.IncludeSubtasks = d.IncludeSubtasks
	b.TagPattern = d.TagPattern
	b.InvalidResolutions = CleanList(d.InvalidResolutions)
	b.PRExcludeAuthors = CleanList(d.PullRequests.ExcludeAuthors)
	b.PRBaseBranches = CleanList(d.PullRequests.BaseBranches)
	b.SyncSince = nil
	if d.SyncSince != "" {
		t, err := time.Parse(dateLayout, d.SyncSince)
		if err != nil {
			probs = append(probs, Problem{Field: "sync_since", Index: -1, Message: fmt.Sprintf("sync_since %q is not a date (YYYY-MM-DD)", d.SyncSince)})
		} else {
			b.SyncSince = &t
		}
	}
	b.Holidays = nil
	for _, h := range d.Holidays {
		t, err := time.Parse(dateLayout, h)
		if err != nil {
			probs = append(probs, Problem{Field: "holidays", Index: -1, Message: fmt.Sprintf("the holiday %q is not a date (YYYY-MM-DD)", h)})
			continue
		}
		b.Holidays = append(b.Holidays, t)
	}
	b.States = nil
	b.LeadStart, b.LeadEnd = -1, -1
	for i, st := range d.States {
		s := store.BoardState{Seq: i, Name: strings.TrimSpace(st.Name), Active: st.Active}
		for _, ref := range st.Statuses {
			s.StatusIDs = append(s.StatusIDs, ref.ID)
		}
		b.States = append(b.States, s)
		if s.Name == strings.TrimSpace(d.LeadTime.Start) && b.LeadStart < 0 {
			b.LeadStart = i
		}
		if s.Name == strings.TrimSpace(d.LeadTime.End) && b.LeadEnd < 0 {
			b.LeadEnd = i
		}
	}
	if b.LeadStart < 0 {
		probs = append(probs, Problem{Field: "window", Index: -1, Message: fmt.Sprintf("lead_time.start %q names no column of the file", d.LeadTime.Start)})
	}
	if b.LeadEnd < 0 {
		probs = append(probs, Problem{Field: "window", Index: -1, Message: fmt.Sprintf("lead_time.end %q names no column of the file", d.LeadTime.End)})
	}
	b.WorkTypes = nil
	for _, wt := range d.WorkTypes {
		w := store.WorkType{Name: strings.TrimSpace(wt.Name)}
		for _, ref := range wt.IssueTypes {
			w.IssueTypeIDs = append(w.IssueTypeIDs, ref.ID)
		}
		b.WorkTypes = append(b.WorkTypes, w)
	}
	return b, probs
}

// CleanList trims entries and drops empty and repeated ones.
func CleanList(in []string) []string {
	out := []string{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
