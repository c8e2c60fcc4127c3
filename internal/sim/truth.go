package sim

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"strconv"
	"time"
)

// Ground truth: what the generator made, in plain Go values, for tests that compare what an ETL
// stored with what exists. It is derived from the plans directly, not from the HTTP serializers.

// Truth is the whole export.
type Truth struct {
	Now        time.Time     `json:"now"`
	Mode       string        `json:"mode"`
	Seed       int64         `json:"seed"`
	UserTZ     string        `json:"userTimeZone"`
	Statuses   []TruthStatus `json:"statuses"`
	IssueTypes []TruthType   `json:"issueTypes"`
	Boards     []TruthBoard  `json:"boards"`
	Repos      []Repo        `json:"repos"`
	Tags       []TruthTag    `json:"tags"`
	// PullRequests and Issues are streamed (see Truth).
	PullRequests []TruthPR    `json:"pullRequests"`
	Issues       []TruthIssue `json:"issues"`
}

// TruthStatus is one status with its category (new, indeterminate, done).
type TruthStatus struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Category string `json:"category"`
}

// TruthType is one issue type.
type TruthType struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Subtask bool   `json:"subtask"`
}

// TruthBoard is a board's current configuration and scope.
type TruthBoard struct {
	ID                int           `json:"id"`
	Name              string        `json:"name"`
	Type              string        `json:"type"` // kanban | scrum
	Team              string        `json:"team"`
	Project           string        `json:"project"` // key
	ProjectID         string        `json:"projectId"`
	FilterID          int           `json:"filterId"`
	FilterJQL         string        `json:"filterJql"`
	TimeZone          string        `json:"timeZone"`   // the team's zone (where its working hours are)
	IssueTypes        []string      `json:"issueTypes"` // types the filter admits (empty = all)
	Columns           []BoardColumn `json:"columns"`
	UnmappedStatusIDs []string      `json:"unmappedStatusIds"` // workflow statuses no column maps
	Repos             []string      `json:"repos"`             // the team's GitHub repositories (owner/name)
}

// TruthIssue is one issue as of the export's clock (deleted issues as of their deletion).
type TruthIssue struct {
	ID            string              `json:"id"`
	Key           string              `json:"key"`
	Project       string              `json:"project"` // current project key
	Type          string              `json:"type"`    // issue type name
	TypeID        string              `json:"typeId"`
	Status        string              `json:"status"` // status id
	StatusName    string              `json:"statusName"`
	Resolution    string              `json:"resolution,omitempty"` // name; empty = unresolved
	Created       time.Time           `json:"created"`
	Updated       time.Time           `json:"updated"`
	ResolvedAt    time.Time           `json:"resolvedAt,omitzero"`
	Summary       string              `json:"summary"`
	ParentID      string              `json:"parentId,omitempty"`
	Flagged       bool                `json:"flagged"`
	Deleted       bool                `json:"deleted"`
	DeletedAt     time.Time           `json:"deletedAt,omitzero"`
	KeyHistory    []string            `json:"keyHistory,omitempty"` // former keys, oldest first
	StatusChanges []TruthStatusChange `json:"statusChanges"`
	FlagChanges   []TruthFlagChange   `json:"flagChanges"`
}

// TruthStatusChange is one status item of a changelog history (status ids).
type TruthStatusChange struct {
	HistoryID string    `json:"historyId"`
	At        time.Time `json:"at"`
	From      string    `json:"from"`
	To        string    `json:"to"`
}

// TruthFlagChange is one change of the Flagged (impediment) field.
type TruthFlagChange struct {
	HistoryID string    `json:"historyId"`
	At        time.Time `json:"at"`
	Flagged   bool      `json:"flagged"`
}

func ms(t int64) time.Time { return time.UnixMilli(t).UTC() }

// Boards lists every board with its configuration.
func (s *Sim) Boards() []TruthBoard {
	var out []TruthBoard
	for _, t := range s.world.Teams {
		typ := "scrum"
		if t.Kanban {
			typ = "kanban"
		}
		out = append(out, TruthBoard{
			ID: t.BoardID, Name: t.BoardName, Type: typ, Team: t.Name, Project: t.ProjectKey, ProjectID: t.ProjectID,
			FilterID: t.FilterID, FilterJQL: t.FilterJQL, TimeZone: t.TimeZone, IssueTypes: t.IssueTypes,
			Columns: t.Columns, UnmappedStatusIDs: t.UnmappedStatusIDs(), Repos: s.repoNames(t.BoardID),
		})
	}
	return out
}

// TruthIssues streams every issue created by now, deleted ones included, in id order. Memory stays
// flat however many issues there are (issue 13 copies 1M of them into Postgres from here).
func (s *Sim) TruthIssues() iter.Seq[TruthIssue] {
	now := s.nowMs()
	v := s.gen.at(now)
	n := v.count(now)
	return func(yield func(TruthIssue) bool) {
		var buf []event
		for i := range n {
			p := s.gen.plan(v, int32(i), buf)
			buf = p.ev
			if !yield(s.truthIssue(v, int32(i), &p, now)) {
				return
			}
		}
	}
}

func (s *Sim) truthIssue(v *view, i int32, p *plan, now int64) TruthIssue {
	st := s.gen.stateAt(v, i, p, now)
	h := &v.hdr[i]
	tm := s.world.Teams[st.team]
	ti := TruthIssue{
		ID: issueID(i), Key: tm.ProjectKey + "-" + strconv.FormatUint(uint64(st.num), 10), Project: tm.ProjectKey,
		Type: s.world.types[st.typ].Name, TypeID: issueTypes[st.typ].ID,
		Status: statuses[st.status].ID, StatusName: s.world.stat[st.status].Name,
		Created: ms(st.created), Updated: ms(st.updated), Summary: s.gen.summary(i, st.typ), Flagged: st.flagged,
		StatusChanges: []TruthStatusChange{}, FlagChanges: []TruthFlagChange{},
	}
	if st.res >= 0 {
		ti.Resolution = resolutions[st.res].Name
		ti.ResolvedAt = ms(st.resolved)
	}
	if st.parent >= 0 && (s.cloud || st.typ == tySubtask) {
		ti.ParentID = issueID(st.parent)
	}
	if p.deleteAt > 0 && p.deleteAt <= now {
		ti.Deleted, ti.DeletedAt = true, ms(p.deleteAt)
	}
	for k, e := range p.ev {
		if e.at > now {
			break
		}
		hid := historyID(i, k)
		switch e.kind {
		case evStatus:
			ti.StatusChanges = append(ti.StatusChanges, TruthStatusChange{hid, ms(e.at), statuses[e.from].ID, statuses[e.to].ID})
		case evMove:
			ti.KeyHistory = append(ti.KeyHistory, s.world.Teams[h.team].ProjectKey+"-"+strconv.FormatUint(uint64(h.num), 10))
			if e.from != e.to {
				ti.StatusChanges = append(ti.StatusChanges, TruthStatusChange{hid, ms(e.at), statuses[e.from].ID, statuses[e.to].ID})
			}
		case evFlag, evUnflag:
			ti.FlagChanges = append(ti.FlagChanges, TruthFlagChange{hid, ms(e.at), e.kind == evFlag})
		}
	}
	return ti
}

// Statuses lists every JIRA status of the site with its category.
func (s *Sim) Statuses() []TruthStatus {
	var out []TruthStatus
	for _, st := range s.world.stat {
		out = append(out, TruthStatus{st.ID, st.Name, st.Category})
	}
	return out
}

// IssueTypes lists the site's issue types.
func (s *Sim) IssueTypes() []TruthType {
	var out []TruthType
	for _, t := range s.world.types {
		out = append(out, TruthType{t.ID, t.Name, t.Subtask})
	}
	return out
}

// Truth writes the ground truth as one JSON document, streaming the pull requests and issues.
func (s *Sim) Truth(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	head := Truth{Now: s.Now(), Mode: s.opts.Mode, Seed: s.opts.Seed, UserTZ: s.opts.UserTZ, Boards: s.Boards(),
		Statuses: s.Statuses(), IssueTypes: s.IssueTypes(), Repos: s.Repos(), Tags: s.TruthTags()}
	b, err := json.Marshal(head)
	if err != nil {
		return err
	}
	// Splice the streamed lists in place of the empty "pullRequests":null,"issues":null.
	const tail = `"pullRequests":null,"issues":null}`
	if len(b) < len(tail) || string(b[len(b)-len(tail):]) != tail {
		return fmt.Errorf("truth header: unexpected encoding")
	}
	bw.Write(b[:len(b)-len(tail)])
	if err := streamJSON(bw, "pullRequests", s.TruthPRs()); err != nil {
		return err
	}
	bw.WriteByte(',')
	if err := streamJSON(bw, "issues", s.TruthIssues()); err != nil {
		return err
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

func streamJSON[T any](bw *bufio.Writer, key string, seq iter.Seq[T]) error {
	bw.WriteString(`"` + key + `":[`)
	first := true
	for v := range seq {
		if !first {
			bw.WriteByte(',')
		}
		first = false
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	bw.WriteByte(']')
	return nil
}

// ReadTruth decodes a Truth export (from Truth or GET /_sim/truth).
func ReadTruth(r io.Reader) (*Truth, error) {
	var t Truth
	if err := json.NewDecoder(r).Decode(&t); err != nil {
		return nil, fmt.Errorf("read truth: %w", err)
	}
	return &t, nil
}
