// Package sync pulls JIRA issues and GitHub pull requests and tags into
// Postgres, incrementally and idempotently, and rebuilds each board's
// derived facts with internal/flow. Sources sit behind two small
// interfaces (Tracker, CodeHost), so another tracker or code host is one
// new adapter, not a rewrite.
package sync

import (
	"context"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/store"
)

// Query selects a board's issues: the board's own filter, the team's
// extra narrowing, and optionally only those updated since a time.
type Query struct {
	BoardFilter  string
	Extra        string
	UpdatedSince *time.Time
	// OrderUpdated asks for oldest-updated first (incremental paging).
	OrderUpdated bool
}

// TrackerInfo is what a sync needs to know about the tracker first.
type TrackerInfo struct {
	Deployment string         // e.g. "Cloud", "DataCenter"
	UserZone   *time.Location // the API user's zone: JQL dates are read in it
}

// TrackerBoard is a tracker board's current configuration.
type TrackerBoard struct {
	ID      int64
	Name    string
	Type    string // e.g. "scrum", "kanban" (board lists only)
	Project string // the board's project key, when it has one (board lists only)
	Filter  string // the board filter's query
	Columns []TrackerColumn
}

// TrackerColumn is one board column and the status ids it maps.
type TrackerColumn struct {
	Name      string
	StatusIDs []string
}

// TrackerPage is one page of issues with complete histories.
type TrackerPage struct {
	Issues   []store.JiraIssue
	Next     string // "" on the last page
	Requests int
}

// Tracker is an issue tracker (JIRA Cloud or Data Center).
type Tracker interface {
	Info(ctx context.Context) (TrackerInfo, error)
	Statuses(ctx context.Context) ([]store.JiraStatus, error)
	IssueTypes(ctx context.Context) ([]store.JiraIssueType, error)
	Board(ctx context.Context, id int64) (TrackerBoard, error)
	Boards(ctx context.Context, name string) ([]TrackerBoard, error)
	Count(ctx context.Context, q Query) (int, error)
	Search(ctx context.Context, q Query, cursor string) (TrackerPage, error)
	// IssueIDs lists every issue the query matches (ids only).
	IssueIDs(ctx context.Context, q Query) ([]int64, error)
	// Existing returns which of ids still exist anywhere in the tracker.
	Existing(ctx context.Context, ids []int64) ([]int64, error)
}

// Text makes a string from JIRA or GitHub storable: Postgres text cannot
// hold NUL, which JSON allows (\u0000), so one NUL in one summary would
// fail the whole page of a sync. NUL becomes U+FFFD.
func Text(s string) string {
	if !strings.Contains(s, "\x00") {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}
