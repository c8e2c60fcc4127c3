package jira

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/vger-dev/vger/internal/retry"
)

// Status is a workflow status with its JIRA category (new, indeterminate, done).
type Status struct {
	ID       string
	Name     string
	Category string
}

// Statuses lists every status.
func (c *Client) Statuses(ctx context.Context) ([]Status, error) {
	if err := c.detect(ctx); err != nil {
		return nil, err
	}
	var raw []struct {
		ID             string `json:"id"`
		Name           string `json:"name"`
		StatusCategory struct {
			Key string `json:"key"`
		} `json:"statusCategory"`
	}
	if err := c.do(ctx, http.MethodGet, c.api()+"status", nil, &raw); err != nil {
		return nil, err
	}
	out := make([]Status, 0, len(raw))
	for _, s := range raw {
		cat := s.StatusCategory.Key
		switch cat {
		case "new", "indeterminate", "done":
		default:
			cat = "undefined"
		}
		out = append(out, Status{ID: s.ID, Name: s.Name, Category: cat})
	}
	return out, nil
}

// IssueType is an issue type; Subtask types and Epics (hierarchy level 1)
// are left out of default work types.
type IssueType struct {
	ID             string
	Name           string
	Subtask        bool
	HierarchyLevel int
}

// IssueTypes lists every issue type.
func (c *Client) IssueTypes(ctx context.Context) ([]IssueType, error) {
	if err := c.detect(ctx); err != nil {
		return nil, err
	}
	var raw []struct {
		ID             string `json:"id"`
		Name           string `json:"name"`
		Subtask        bool   `json:"subtask"`
		HierarchyLevel *int   `json:"hierarchyLevel"`
	}
	if err := c.do(ctx, http.MethodGet, c.api()+"issuetype", nil, &raw); err != nil {
		return nil, err
	}
	out := make([]IssueType, 0, len(raw))
	for _, t := range raw {
		it := IssueType{ID: t.ID, Name: t.Name, Subtask: t.Subtask}
		switch {
		case t.HierarchyLevel != nil:
			it.HierarchyLevel = *t.HierarchyLevel
		case t.Subtask:
			it.HierarchyLevel = -1
		case strings.EqualFold(t.Name, "Epic"):
			it.HierarchyLevel = 1 // Data Center has no hierarchyLevel
		}
		out = append(out, it)
	}
	return out, nil
}

// FlaggedFieldID finds the `Flagged` custom field by name ("" when the site
// has none).
func (c *Client) FlaggedFieldID(ctx context.Context) (string, error) {
	fields, _, err := c.jc.Field.GetListWithContext(ctx)
	if err != nil {
		return "", fmt.Errorf("JIRA fields: %w", redactGoJira(err))
	}
	for _, f := range fields {
		if f.Custom && strings.EqualFold(f.Name, "Flagged") {
			return f.ID, nil
		}
	}
	return "", nil
}

// Board is an Agile board.
type Board struct {
	ID         int
	Name       string
	Type       string
	ProjectKey string
}

// Boards lists every board, optionally filtered by a name fragment, paging
// to the end.
func (c *Client) Boards(ctx context.Context, name string) ([]Board, error) {
	var out []Board
	for start := 0; ; {
		q := url.Values{"startAt": {strconv.Itoa(start)}, "maxResults": {"50"}}
		if name != "" {
			q.Set("name", name)
		}
		var page struct {
			StartAt int  `json:"startAt"`
			IsLast  bool `json:"isLast"`
			Values  []struct {
				ID       int    `json:"id"`
				Name     string `json:"name"`
				Type     string `json:"type"`
				Location struct {
					ProjectKey string `json:"projectKey"`
				} `json:"location"`
			} `json:"values"`
		}
		if err := c.do(ctx, http.MethodGet, "rest/agile/1.0/board?"+q.Encode(), nil, &page); err != nil {
			return nil, err
		}
		for _, b := range page.Values {
			out = append(out, Board{ID: b.ID, Name: b.Name, Type: b.Type, ProjectKey: b.Location.ProjectKey})
		}
		if page.IsLast || len(page.Values) == 0 {
			return out, nil
		}
		start += len(page.Values)
	}
}

// Column is a board column with the status ids it maps.
type Column struct {
	Name      string
	StatusIDs []string
}

// BoardConfig is a board's current configuration.
type BoardConfig struct {
	ID       int
	Name     string
	FilterID string
	Columns  []Column
	// SubQuery is a Kanban board's extra JQL (e.g. hiding old done work).
	SubQuery string
}

// BoardConfiguration reads a board's columns and filter (go-jira).
func (c *Client) BoardConfiguration(ctx context.Context, boardID int) (BoardConfig, error) {
	bc, res, err := c.jc.Board.GetBoardConfigurationWithContext(ctx, boardID)
	if err != nil {
		if res != nil && res.StatusCode == http.StatusNotFound {
			return BoardConfig{}, fmt.Errorf("board %d: %w", boardID, ErrNotFound)
		}
		if res != nil && res.StatusCode == http.StatusUnauthorized {
			return BoardConfig{}, ErrUnauthorized
		}
		return BoardConfig{}, fmt.Errorf("board %d configuration: %w", boardID, redactGoJira(err))
	}
	out := BoardConfig{ID: bc.ID, Name: bc.Name, FilterID: bc.Filter.ID, SubQuery: bc.SubQuery.Query}
	for _, col := range bc.ColumnConfig.Columns {
		cc := Column{Name: col.Name}
		for _, s := range col.Status {
			cc.StatusIDs = append(cc.StatusIDs, s.ID)
		}
		out.Columns = append(out.Columns, cc)
	}
	return out, nil
}

// FilterJQL reads a saved filter's JQL.
func (c *Client) FilterJQL(ctx context.Context, filterID string) (string, error) {
	if err := c.detect(ctx); err != nil {
		return "", err
	}
	var f struct {
		JQL string `json:"jql"`
	}
	if err := c.do(ctx, http.MethodGet, c.api()+"filter/"+url.PathEscape(filterID), nil, &f); err != nil {
		return "", fmt.Errorf("filter %s: %w", filterID, err)
	}
	return f.JQL, nil
}

// redactGoJira shortens go-jira's errors (which quote response bodies and
// URLs with their query strings) to their cause.
func redactGoJira(err error) error {
	var je *gojira.Error
	if errors.As(err, &je) {
		msgs := je.ErrorMessages
		for k, v := range je.Errors {
			msgs = append(msgs, k+": "+v)
		}
		if je.HTTPError != nil {
			msgs = append(msgs, retry.Redact(je.HTTPError).Error())
		}
		return errors.New(strings.Join(msgs, "; "))
	}
	return retry.Redact(err)
}
