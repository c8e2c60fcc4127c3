package jira

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Issue is one JIRA issue with its complete status and Flagged histories.
type Issue struct {
	ID         int64
	Key        string
	Project    string
	TypeID     string
	StatusID   string
	Resolution string // "" = unresolved
	Summary    string
	ParentID   int64 // 0 = none
	Created    time.Time
	Updated    time.Time
	ResolvedAt *time.Time
	// StatusChanges and FlagChanges are in history order (time, history
	// id, item order).
	StatusChanges []StatusChange
	FlagChanges   []FlagChange
}

// StatusChange is one status item of a changelog history.
type StatusChange struct {
	HistoryID int64
	ItemSeq   int
	At        time.Time
	From, To  string // status ids
}

// FlagChange is one change of the Flagged (impediment) field.
type FlagChange struct {
	HistoryID int64
	ItemSeq   int
	At        time.Time
	Flagged   bool
}

// SearchFields are the issue fields Vger reads.
var SearchFields = []string{"key", "issuetype", "status", "resolution", "created", "updated", "resolutiondate", "summary", "parent", "project"}

// Page is one page of a search.
type Page struct {
	Issues []Issue
	// Next continues the search ("" on the last page): Cloud's
	// nextPageToken, or Data Center's next startAt.
	Next string
	// Total is Data Center's total (-1 on Cloud, which gives none).
	Total int
	// Requests counts HTTP calls made for this page (search + histories).
	Requests int
}

// TimeLayout is JIRA's time stamp format (offset without a colon).
const TimeLayout = "2006-01-02T15:04:05.000-0700"

// ParseTime reads JIRA's time stamps (and RFC 3339, which some proxies emit).
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{TimeLayout, "2006-01-02T15:04:05-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised JIRA time %q", s)
}

type rawHistory struct {
	ID      json.Number `json:"id"`
	Created string      `json:"created"`
	Items   []struct {
		Field      string  `json:"field"`
		FieldID    string  `json:"fieldId"`
		From       *string `json:"from"`
		To         *string `json:"to"`
		FromString *string `json:"fromString"`
		ToString   *string `json:"toString"`
	} `json:"items"`
}

type rawIssue struct {
	ID     json.Number `json:"id"`
	Key    string      `json:"key"`
	Fields struct {
		Summary   string `json:"summary"`
		IssueType struct {
			ID string `json:"id"`
		} `json:"issuetype"`
		Status struct {
			ID string `json:"id"`
		} `json:"status"`
		Resolution *struct {
			Name string `json:"name"`
		} `json:"resolution"`
		Created        string  `json:"created"`
		Updated        string  `json:"updated"`
		ResolutionDate *string `json:"resolutiondate"`
		Parent         *struct {
			ID json.Number `json:"id"`
		} `json:"parent"`
		Project struct {
			Key string `json:"key"`
		} `json:"project"`
	} `json:"fields"`
	Changelog *struct {
		StartAt    int          `json:"startAt"`
		MaxResults int          `json:"maxResults"`
		Total      int          `json:"total"`
		Histories  []rawHistory `json:"histories"`
	} `json:"changelog"`
}

func (r *rawIssue) toIssue() (Issue, error) {
	id, err := r.ID.Int64()
	if err != nil {
		return Issue{}, fmt.Errorf("issue id %q: %w", r.ID, err)
	}
	is := Issue{ID: id, Key: r.Key, Project: r.Fields.Project.Key, TypeID: r.Fields.IssueType.ID,
		StatusID: r.Fields.Status.ID, Summary: r.Fields.Summary}
	if r.Fields.Resolution != nil {
		is.Resolution = r.Fields.Resolution.Name
	}
	if r.Fields.Parent != nil {
		is.ParentID, _ = r.Fields.Parent.ID.Int64()
	}
	if is.Created, err = ParseTime(r.Fields.Created); err != nil {
		return Issue{}, fmt.Errorf("issue %s created: %w", r.Key, err)
	}
	if is.Updated, err = ParseTime(r.Fields.Updated); err != nil {
		return Issue{}, fmt.Errorf("issue %s updated: %w", r.Key, err)
	}
	if r.Fields.ResolutionDate != nil && *r.Fields.ResolutionDate != "" {
		t, err := ParseTime(*r.Fields.ResolutionDate)
		if err != nil {
			return Issue{}, fmt.Errorf("issue %s resolutiondate: %w", r.Key, err)
		}
		is.ResolvedAt = &t
	}
	return is, nil
}

// truncated reports whether the embedded changelog lacks histories.
func (r *rawIssue) truncated() bool {
	return r.Changelog == nil || r.Changelog.StartAt > 0 || r.Changelog.Total > len(r.Changelog.Histories)
}

// applyHistories replaces is's histories with those in hs, sorted.
func applyHistories(is *Issue, hs []rawHistory, flagField string) error {
	is.StatusChanges, is.FlagChanges = is.StatusChanges[:0], is.FlagChanges[:0]
	for _, h := range hs {
		hid, err := h.ID.Int64()
		if err != nil {
			return fmt.Errorf("issue %s history id %q: %w", is.Key, h.ID, err)
		}
		at, err := ParseTime(h.Created)
		if err != nil {
			return fmt.Errorf("issue %s history %d: %w", is.Key, hid, err)
		}
		for i, it := range h.Items {
			switch {
			case it.Field == "status" || it.FieldID == "status":
				sc := StatusChange{HistoryID: hid, ItemSeq: i, At: at}
				if it.From != nil {
					sc.From = *it.From
				}
				if it.To != nil {
					sc.To = *it.To
				}
				is.StatusChanges = append(is.StatusChanges, sc)
			case it.Field == "Flagged" || (flagField != "" && it.FieldID == flagField):
				flagged := it.ToString != nil && strings.TrimSpace(*it.ToString) != ""
				is.FlagChanges = append(is.FlagChanges, FlagChange{HistoryID: hid, ItemSeq: i, At: at, Flagged: flagged})
			}
		}
	}
	slices.SortStableFunc(is.StatusChanges, func(a, b StatusChange) int {
		return cmpHistory(a.At, b.At, a.HistoryID, b.HistoryID, a.ItemSeq, b.ItemSeq)
	})
	slices.SortStableFunc(is.FlagChanges, func(a, b FlagChange) int {
		return cmpHistory(a.At, b.At, a.HistoryID, b.HistoryID, a.ItemSeq, b.ItemSeq)
	})
	return nil
}

func cmpHistory(at1, at2 time.Time, h1, h2 int64, s1, s2 int) int {
	if c := at1.Compare(at2); c != 0 {
		return c
	}
	if h1 != h2 {
		if h1 < h2 {
			return -1
		}
		return 1
	}
	return s1 - s2
}

// Search reads one page of issues matching jql, each with its complete
// status and Flagged histories (fetched separately when the embedded
// changelog is truncated). Pass the previous page's Next to continue.
func (c *Client) Search(ctx context.Context, jql, next, flagField string) (Page, error) {
	if err := c.detect(ctx); err != nil {
		return Page{}, err
	}
	if c.cloud {
		return c.searchCloud(ctx, jql, next, flagField)
	}
	return c.searchDC(ctx, jql, next, flagField)
}

func (c *Client) searchCloud(ctx context.Context, jql, next, flagField string) (Page, error) {
	body := map[string]any{"jql": jql, "maxResults": c.pageSize, "fields": SearchFields, "expand": "changelog"}
	if next != "" {
		body["nextPageToken"] = next
	}
	var res struct {
		Issues        []rawIssue `json:"issues"`
		NextPageToken string     `json:"nextPageToken"`
		IsLast        *bool      `json:"isLast"`
	}
	if err := c.do(ctx, http.MethodPost, "rest/api/3/search/jql", body, &res); err != nil {
		return Page{}, err
	}
	page := Page{Total: -1, Requests: 1}
	if res.IsLast == nil || !*res.IsLast {
		page.Next = res.NextPageToken
	}
	n, err := c.finishIssues(ctx, res.Issues, flagField, &page)
	page.Requests += n
	return page, err
}

func (c *Client) searchDC(ctx context.Context, jql, next, flagField string) (Page, error) {
	start := 0
	if next != "" {
		var err error
		if start, err = strconv.Atoi(next); err != nil || start < 0 {
			return Page{}, fmt.Errorf("bad page cursor %q", next)
		}
	}
	body := map[string]any{"jql": jql, "startAt": start, "maxResults": c.pageSize, "fields": SearchFields,
		"expand": []string{"changelog"}, "validateQuery": "strict"}
	var res struct {
		StartAt    int        `json:"startAt"`
		MaxResults int        `json:"maxResults"`
		Total      int        `json:"total"`
		Issues     []rawIssue `json:"issues"`
	}
	if err := c.do(ctx, http.MethodPost, "rest/api/2/search", body, &res); err != nil {
		return Page{}, err
	}
	page := Page{Total: res.Total, Requests: 1}
	// The server may apply a smaller page than asked: continue from what
	// it returned, not from what we asked for.
	if end := res.StartAt + len(res.Issues); len(res.Issues) > 0 && end < res.Total {
		page.Next = strconv.Itoa(end)
	}
	n, err := c.finishIssues(ctx, res.Issues, flagField, &page)
	page.Requests += n
	return page, err
}

// finishIssues converts raw issues and completes truncated histories.
func (c *Client) finishIssues(ctx context.Context, raw []rawIssue, flagField string, page *Page) (int, error) {
	requests := 0
	var missing []int64
	index := map[int64]int{}
	for i := range raw {
		is, err := raw[i].toIssue()
		if err != nil {
			return requests, err
		}
		if !raw[i].truncated() {
			if err := applyHistories(&is, raw[i].Changelog.Histories, flagField); err != nil {
				return requests, err
			}
		} else {
			missing = append(missing, is.ID)
		}
		index[is.ID] = len(page.Issues)
		page.Issues = append(page.Issues, is)
	}
	if len(missing) == 0 {
		return requests, nil
	}
	hist, n, err := c.Histories(ctx, missing, flagField)
	requests += n
	if err != nil {
		return requests, err
	}
	for _, id := range missing {
		is := &page.Issues[index[id]]
		if err := applyHistories(is, hist[id], flagField); err != nil {
			return requests, err
		}
	}
	return requests, nil
}

// Histories reads the complete changelogs of ids: Cloud's bulkfetch (up to
// 1,000 issues a call), falling back to per-issue paging.
func (c *Client) Histories(ctx context.Context, ids []int64, flagField string) (map[int64][]rawHistory, int, error) {
	out := make(map[int64][]rawHistory, len(ids))
	requests := 0
	if c.cloud {
		n, err := c.bulkfetch(ctx, ids, flagField, out)
		requests += n
		if err == nil {
			return out, requests, nil
		}
		if !isNotFound(err) {
			return nil, requests, err
		}
	}
	for _, id := range ids {
		hs, n, err := c.issueChangelog(ctx, id)
		requests += n
		if err != nil {
			return nil, requests, err
		}
		out[id] = hs
	}
	return out, requests, nil
}

func isNotFound(err error) bool {
	ae, ok := err.(*APIError)
	return ok && ae.Status == http.StatusNotFound
}

func (c *Client) bulkfetch(ctx context.Context, ids []int64, flagField string, out map[int64][]rawHistory) (int, error) {
	fieldIDs := []string{"status"}
	if flagField != "" {
		fieldIDs = append(fieldIDs, flagField)
	}
	requests := 0
	for start := 0; start < len(ids); start += 1000 {
		chunk := ids[start:min(start+1000, len(ids))]
		keys := make([]string, len(chunk))
		for i, id := range chunk {
			keys[i] = strconv.FormatInt(id, 10)
		}
		token := ""
		for {
			body := map[string]any{"issueIdsOrKeys": keys, "fieldIds": fieldIDs, "maxResults": 10000}
			if token != "" {
				body["nextPageToken"] = token
			}
			var res struct {
				IssueChangeLogs []struct {
					IssueID         json.Number  `json:"issueId"`
					ChangeHistories []rawHistory `json:"changeHistories"`
				} `json:"issueChangeLogs"`
				NextPageToken string `json:"nextPageToken"`
			}
			requests++
			if err := c.do(ctx, http.MethodPost, "rest/api/3/changelog/bulkfetch", body, &res); err != nil {
				return requests, err
			}
			for _, l := range res.IssueChangeLogs {
				id, err := l.IssueID.Int64()
				if err != nil {
					return requests, fmt.Errorf("bulkfetch issue id %q", l.IssueID)
				}
				out[id] = append(out[id], l.ChangeHistories...)
			}
			if res.NextPageToken == "" {
				break
			}
			token = res.NextPageToken
		}
	}
	// Pages may repeat a history at their seam: keep one of each.
	for id, hs := range out {
		out[id] = dedupeHistories(hs)
	}
	return requests, nil
}

func dedupeHistories(hs []rawHistory) []rawHistory {
	seen := make(map[json.Number]bool, len(hs))
	out := hs[:0]
	for _, h := range hs {
		if !seen[h.ID] {
			seen[h.ID] = true
			out = append(out, h)
		}
	}
	return out
}

// issueChangelog pages through one issue's changelog (oldest first).
func (c *Client) issueChangelog(ctx context.Context, id int64) ([]rawHistory, int, error) {
	var out []rawHistory
	requests := 0
	if !c.cloud {
		// Data Center has no changelog resource: the issue with its changelog.
		var res rawIssue
		requests++
		path := fmt.Sprintf("rest/api/2/issue/%d?fields=status&expand=changelog", id)
		if err := c.do(ctx, http.MethodGet, path, nil, &res); err != nil {
			return nil, requests, err
		}
		if res.Changelog != nil {
			out = res.Changelog.Histories
		}
		return out, requests, nil
	}
	for start := 0; ; {
		q := url.Values{"startAt": {strconv.Itoa(start)}, "maxResults": {"100"}}
		var res struct {
			StartAt int          `json:"startAt"`
			Total   int          `json:"total"`
			IsLast  bool         `json:"isLast"`
			Values  []rawHistory `json:"values"`
		}
		requests++
		if err := c.do(ctx, http.MethodGet, fmt.Sprintf("rest/api/3/issue/%d/changelog?%s", id, q.Encode()), nil, &res); err != nil {
			return nil, requests, err
		}
		out = append(out, res.Values...)
		start += len(res.Values)
		if res.IsLast || len(res.Values) == 0 || start >= res.Total {
			return dedupeHistories(out), requests, nil
		}
	}
}

// IssueIDs lists the ids of every issue matching jql (the deleted-issue
// sweep): ids only, in the largest pages the API allows.
func (c *Client) IssueIDs(ctx context.Context, jql string) ([]int64, error) {
	if err := c.detect(ctx); err != nil {
		return nil, err
	}
	var out []int64
	next := ""
	for {
		var raw []rawIssue
		if c.cloud {
			body := map[string]any{"jql": jql, "maxResults": 5000, "fields": []string{"id"}}
			if next != "" {
				body["nextPageToken"] = next
			}
			var res struct {
				Issues        []rawIssue `json:"issues"`
				NextPageToken string     `json:"nextPageToken"`
				IsLast        *bool      `json:"isLast"`
			}
			if err := c.do(ctx, http.MethodPost, "rest/api/3/search/jql", body, &res); err != nil {
				return nil, err
			}
			raw, next = res.Issues, res.NextPageToken
			if res.IsLast == nil || *res.IsLast {
				next = ""
			}
		} else {
			start, _ := strconv.Atoi(next)
			body := map[string]any{"jql": jql, "startAt": start, "maxResults": 1000, "fields": []string{"id"}}
			var res struct {
				StartAt int        `json:"startAt"`
				Total   int        `json:"total"`
				Issues  []rawIssue `json:"issues"`
			}
			if err := c.do(ctx, http.MethodPost, "rest/api/2/search", body, &res); err != nil {
				return nil, err
			}
			raw, next = res.Issues, ""
			if end := res.StartAt + len(res.Issues); len(res.Issues) > 0 && end < res.Total {
				next = strconv.Itoa(end)
			}
		}
		for _, r := range raw {
			id, err := r.ID.Int64()
			if err != nil {
				return nil, fmt.Errorf("issue id %q", r.ID)
			}
			out = append(out, id)
		}
		if next == "" {
			return out, nil
		}
	}
}

// Count estimates how many issues match jql (for progress): Cloud's
// approximate count, Data Center's search total.
func (c *Client) Count(ctx context.Context, jql string) (int, error) {
	if err := c.detect(ctx); err != nil {
		return 0, err
	}
	if c.cloud {
		var res struct {
			Count int `json:"count"`
		}
		err := c.do(ctx, http.MethodPost, "rest/api/3/search/approximate-count", map[string]any{"jql": jql}, &res)
		return res.Count, err
	}
	var res struct {
		Total int `json:"total"`
	}
	err := c.do(ctx, http.MethodPost, "rest/api/2/search", map[string]any{"jql": jql, "maxResults": 0, "fields": []string{"id"}}, &res)
	return res.Total, err
}
