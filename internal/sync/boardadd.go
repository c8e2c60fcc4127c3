package sync

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/store"
)

// NewBoard describes a board to register.
type NewBoard struct {
	JiraBoardID int64
	TeamID      int64  // the team; 0: the team named TeamName (created when new)
	TeamName    string // used when TeamID is 0
	Name        string // default: the JIRA board's name
	ExtraJQL    string
	// SyncSince bounds the first sync (issues updated since); nil: the
	// syncer's default history.
	SyncSince *time.Time
	// Audit, when set, is recorded with the new board in one transaction.
	Audit *store.AuditEntry
}

// DefaultTagPattern keeps release tags (v1.4 or 1.4.2) and leaves out
// release candidates, nightlies and other noise, which would bury the
// charts in markers. Teams change it in the board's settings.
const DefaultTagPattern = `^v?[0-9]+\.[0-9]+(\.[0-9]+)?$`

// AddBoard registers a JIRA board for a team (created when new), with
// METRICS.md's defaults: its columns (those that map statuses) become work
// states, lead time runs from the column after the first to the last, one
// work type per standard issue type, the JIRA user's time zone.
func (s *Syncer) AddBoard(ctx context.Context, nb NewBoard) (store.Board, error) {
	if s.Tracker == nil {
		return store.Board{}, fmt.Errorf("JIRA: %w (set JIRA_URL and credentials)", ErrNotConfigured)
	}
	info, err := s.Tracker.Info(ctx)
	if err != nil {
		return store.Board{}, err
	}
	if err := s.syncMeta(ctx); err != nil {
		return store.Board{}, err
	}
	tb, err := s.Tracker.Board(ctx, nb.JiraBoardID)
	if err != nil {
		return store.Board{}, fmt.Errorf("JIRA board %d: %w", nb.JiraBoardID, err)
	}
	types, err := s.Store.JiraIssueTypes(ctx)
	if err != nil {
		return store.Board{}, err
	}
	teamID := nb.TeamID
	if teamID == 0 {
		team, err := s.Store.EnsureTeam(ctx, nb.TeamName, Slug(nb.TeamName))
		if err != nil {
			return store.Board{}, err
		}
		teamID = team.ID
	}
	b, err := DefaultBoard(nb, tb, info.UserZone.String(), types)
	if err != nil {
		return store.Board{}, err
	}
	b.TeamID = teamID
	return s.Store.CreateBoardAudited(ctx, b, nb.Audit)
}

// DefaultBoard is the board AddBoard registers for a tracker board (team
// left unset): a pure function, so a bulk loader (internal/benchdata)
// makes exactly the boards a user would.
func DefaultBoard(nb NewBoard, tb TrackerBoard, zone string, types []store.JiraIssueType) (store.Board, error) {
	name := nb.Name
	if name == "" {
		name = tb.Name
	}
	b := store.Board{
		Name: name, Slug: Slug(name), JiraBoardID: nb.JiraBoardID, FilterJQL: tb.Filter,
		ExtraJQL: nb.ExtraJQL, TimeZone: zone, DayMode: "working", RollingWeeks: 12,
		InvalidResolutions: flow.DefaultInvalidResolutions(), FiscalYearStartMonth: 1, SyncSince: nb.SyncSince,
		TagPattern: DefaultTagPattern,
	}
	seen := map[string]bool{}
	for _, c := range tb.Columns {
		var ids []string
		for _, id := range c.StatusIDs {
			if !seen[id] { // JIRA never maps a status twice; be safe anyway
				seen[id] = true
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			continue // a column mapping no status can hold no issue
		}
		b.States = append(b.States, store.BoardState{Seq: len(b.States), Name: c.Name, Active: true, StatusIDs: ids})
	}
	if len(b.States) < 2 {
		return store.Board{}, fmt.Errorf("JIRA board %d has %d columns with statuses; Vger needs at least two", nb.JiraBoardID, len(b.States))
	}
	b.LeadStart, b.LeadEnd = flow.DefaultWindow(len(b.States))
	for _, t := range types {
		if t.Subtask || t.HierarchyLevel != 0 || strings.EqualFold(t.Name, "Epic") {
			continue
		}
		b.WorkTypes = append(b.WorkTypes, store.WorkType{Name: t.Name, IssueTypeIDs: []string{t.ID}})
	}
	return b, nil
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// Slug makes a URL-safe name: lower case, dashes, at most 63 characters.
func Slug(name string) string {
	s := strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "-")
	}
	if s == "" {
		s = "board"
	}
	return s
}
