package sync

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/vger-dev/vger/internal/jira"
	"github.com/vger-dev/vger/internal/store"
)

// JiraTracker adapts the JIRA client to Tracker: it builds the JQL and
// maps JIRA's shapes onto stored rows.
type JiraTracker struct {
	Client *jira.Client

	mu   gosync.Mutex
	info *TrackerInfo
	flag string
	// Statuses and issue types change rarely: boards synced back to back
	// share one read (metaTTL).
	metaAt   time.Time
	statuses []store.JiraStatus
	types    []store.JiraIssueType
}

// metaTTL is how long statuses and issue types are reused.
const metaTTL = 5 * time.Minute

// NewJiraTracker wraps a client.
func NewJiraTracker(c *jira.Client) *JiraTracker { return &JiraTracker{Client: c} }

// Info reads the deployment, the API user's zone and the Flagged field once.
func (t *JiraTracker) Info(ctx context.Context) (TrackerInfo, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.info != nil {
		return *t.info, nil
	}
	si, err := t.Client.ServerInfo(ctx)
	if err != nil {
		return TrackerInfo{}, err
	}
	me, err := t.Client.Myself(ctx)
	if err != nil {
		return TrackerInfo{}, err
	}
	flag, err := t.Client.FlaggedFieldID(ctx)
	if err != nil {
		return TrackerInfo{}, err
	}
	t.info = &TrackerInfo{Deployment: si.DeploymentType, UserZone: me.Location()}
	t.flag = flag
	return *t.info, nil
}

// Statuses maps JIRA statuses.
func (t *JiraTracker) Statuses(ctx context.Context) ([]store.JiraStatus, error) {
	if err := t.loadMeta(ctx); err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.statuses, nil
}

// IssueTypes maps JIRA issue types.
func (t *JiraTracker) IssueTypes(ctx context.Context) ([]store.JiraIssueType, error) {
	if err := t.loadMeta(ctx); err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.types, nil
}

func (t *JiraTracker) loadMeta(ctx context.Context) error {
	t.mu.Lock()
	fresh := !t.metaAt.IsZero() && time.Since(t.metaAt) < metaTTL
	t.mu.Unlock()
	if fresh {
		return nil
	}
	sts, err := t.Client.Statuses(ctx)
	if err != nil {
		return err
	}
	ts, err := t.Client.IssueTypes(ctx)
	if err != nil {
		return err
	}
	statuses := make([]store.JiraStatus, len(sts))
	for i, s := range sts {
		statuses[i] = store.JiraStatus{ID: s.ID, Name: s.Name, Category: s.Category}
	}
	types := make([]store.JiraIssueType, len(ts))
	for i, it := range ts {
		types[i] = store.JiraIssueType{ID: it.ID, Name: it.Name, Subtask: it.Subtask, HierarchyLevel: it.HierarchyLevel}
	}
	t.mu.Lock()
	t.statuses, t.types, t.metaAt = statuses, types, time.Now()
	t.mu.Unlock()
	return nil
}

// Board reads a board's configuration and filter query.
func (t *JiraTracker) Board(ctx context.Context, id int64) (TrackerBoard, error) {
	bc, err := t.Client.BoardConfiguration(ctx, int(id))
	if err != nil {
		return TrackerBoard{}, err
	}
	jql, err := t.Client.FilterJQL(ctx, bc.FilterID)
	if err != nil {
		return TrackerBoard{}, err
	}
	// A Kanban board's sub-query (usually "fixVersion in
	// unreleasedVersions() OR fixVersion is EMPTY") only hides released
	// cards from the board's screen; applied here it would hide finished
	// work from the metrics, so it is deliberately not used.
	tb := TrackerBoard{ID: int64(bc.ID), Name: Text(bc.Name), Filter: jql}
	for _, c := range bc.Columns {
		tb.Columns = append(tb.Columns, TrackerColumn{Name: Text(c.Name), StatusIDs: c.StatusIDs})
	}
	return tb, nil
}

// Boards lists boards (without configuration) matching a name fragment.
func (t *JiraTracker) Boards(ctx context.Context, name string) ([]TrackerBoard, error) {
	bs, err := t.Client.Boards(ctx, name)
	if err != nil {
		return nil, err
	}
	out := make([]TrackerBoard, len(bs))
	for i, b := range bs {
		out[i] = TrackerBoard{ID: int64(b.ID), Name: Text(b.Name), Type: b.Type, Project: b.ProjectKey}
	}
	return out, nil
}

func stripOrder(jql string) string {
	w, _ := jira.SplitOrderBy(jql)
	return w
}

// JQL builds the query's JQL.
func (t *JiraTracker) JQL(q Query) string {
	clauses := []string{stripOrder(q.BoardFilter), stripOrder(q.Extra)}
	if q.UpdatedSince != nil {
		zone := time.UTC
		if t.info != nil {
			zone = t.info.UserZone
		}
		clauses = append(clauses, jira.UpdatedSince(*q.UpdatedSince, zone))
	}
	jql := jira.And(clauses...)
	if q.OrderUpdated {
		jql += " ORDER BY updated ASC"
	}
	return jql
}

// Count estimates the number of matching issues.
func (t *JiraTracker) Count(ctx context.Context, q Query) (int, error) {
	if _, err := t.Info(ctx); err != nil {
		return 0, err
	}
	return t.Client.Count(ctx, t.JQL(q))
}

// Search reads one page of issues with complete histories.
func (t *JiraTracker) Search(ctx context.Context, q Query, cursor string) (TrackerPage, error) {
	if _, err := t.Info(ctx); err != nil {
		return TrackerPage{}, err
	}
	p, err := t.Client.Search(ctx, t.JQL(q), cursor, t.flag)
	if err != nil {
		return TrackerPage{}, err
	}
	out := TrackerPage{Next: p.Next, Requests: p.Requests, Issues: make([]store.JiraIssue, len(p.Issues))}
	for i, is := range p.Issues {
		out.Issues[i] = toStored(is)
	}
	return out, nil
}

func toStored(is jira.Issue) store.JiraIssue {
	s := store.JiraIssue{ID: is.ID, Key: is.Key, Project: is.Project, TypeID: is.TypeID, StatusID: is.StatusID,
		Resolution: Text(is.Resolution), Summary: Text(is.Summary), ParentID: is.ParentID, Created: is.Created, Updated: is.Updated,
		ResolvedAt: is.ResolvedAt}
	for _, c := range is.StatusChanges {
		s.StatusChanges = append(s.StatusChanges, store.JiraStatusChange{HistoryID: c.HistoryID, ItemSeq: c.ItemSeq, At: c.At, From: c.From, To: c.To})
	}
	for _, f := range is.FlagChanges {
		s.FlagChanges = append(s.FlagChanges, store.JiraFlagChange{HistoryID: f.HistoryID, ItemSeq: f.ItemSeq, At: f.At, Flagged: f.Flagged})
	}
	return s
}

// IssueIDs lists the ids matching the query.
func (t *JiraTracker) IssueIDs(ctx context.Context, q Query) ([]int64, error) {
	if _, err := t.Info(ctx); err != nil {
		return nil, err
	}
	return t.Client.IssueIDs(ctx, t.JQL(q))
}

// Existing asks which ids still exist (id in (...), 500 at a time).
func (t *JiraTracker) Existing(ctx context.Context, ids []int64) ([]int64, error) {
	var out []int64
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		parts := make([]string, len(chunk))
		for i, id := range chunk {
			parts[i] = strconv.FormatInt(id, 10)
		}
		got, err := t.Client.IssueIDs(ctx, fmt.Sprintf("id in (%s)", strings.Join(parts, ",")))
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}
