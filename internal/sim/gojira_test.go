package sim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	jira "github.com/andygrunwald/go-jira"
)

// serve starts the simulator on a loopback httptest server; it returns the JIRA base URL.
func serve(t testing.TB, opts Options) (*Sim, string) {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return s, srv.URL + "/jira/"
}

func goJira(t *testing.T, base string, cloud bool) *jira.Client {
	t.Helper()
	var hc *http.Client
	if cloud {
		hc = (&jira.BasicAuthTransport{Username: "demo@example.com", Password: "sim-jira-token"}).Client()
	} else {
		hc = (&jira.PATAuthTransport{Token: "sim-jira-pat"}).Client()
	}
	c, err := jira.NewClient(hc, base)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestGoJiraCloud runs go-jira v1.17.0, unchanged, against Cloud mode.
func TestGoJiraCloud(t *testing.T) {
	t.Parallel()
	s, base := serve(t, Options{Seed: 7, Issues: 600})
	c := goJira(t, base, true)
	tr := truthOf(t, s)

	t.Run("search/jql pages to the end", func(t *testing.T) {
		for _, b := range tr.Boards {
			want := map[string]TruthIssue{}
			for _, is := range tr.Issues {
				if !is.Deleted && is.Project == b.Project && (len(b.IssueTypes) == 0 || contains2(b.IssueTypes, is.Type)) {
					want[is.ID] = is
				}
			}
			got := map[string]bool{}
			opt := &jira.SearchOptionsV2{MaxResults: 25, Fields: []string{"key", "issuetype", "status", "resolution", "created", "updated", "summary"}}
			for pages := 0; ; pages++ {
				issues, resp, err := c.Issue.SearchV2JQL(b.FilterJQL, opt)
				if err != nil {
					t.Fatalf("board %d page %d: %v", b.ID, pages, err)
				}
				for _, is := range issues {
					w, ok := want[is.ID]
					if !ok || got[is.ID] {
						t.Fatalf("board %d: unexpected or repeated issue %s", b.ID, is.ID)
					}
					got[is.ID] = true
					if is.Key != w.Key || is.Fields.Status.ID != w.Status || is.Fields.Type.ID != w.TypeID || is.Fields.Summary != w.Summary {
						t.Fatalf("issue %s: got %s %s %s, want %+v", is.ID, is.Key, is.Fields.Status.ID, is.Fields.Type.ID, w)
					}
				}
				if resp.IsLast {
					if resp.NextPageToken != "" {
						t.Fatal("last page carries a nextPageToken")
					}
					break
				}
				opt.NextPageToken = resp.NextPageToken
			}
			if len(got) != len(want) {
				t.Fatalf("board %d: read %d issues, truth has %d", b.ID, len(got), len(want))
			}
		}
	})

	t.Run("default fields are ids only", func(t *testing.T) {
		issues, _, err := c.Issue.SearchV2JQL("project = PLAT", nil)
		if err != nil || len(issues) == 0 {
			t.Fatalf("%d issues, %v", len(issues), err)
		}
		if is := issues[0]; is.ID == "" || is.Key != "" || is.Fields != nil {
			t.Fatalf("want id only, got %+v", is)
		}
	})

	t.Run("boards, configuration, filters", func(t *testing.T) {
		list, _, err := c.Board.GetAllBoards(&jira.BoardListOptions{})
		if err != nil || len(list.Values) != len(tr.Boards) || !list.IsLast {
			t.Fatalf("boards %+v %v", list, err)
		}
		for i, b := range tr.Boards {
			if list.Values[i].ID != b.ID || list.Values[i].Name != b.Name {
				t.Fatalf("board %d: %+v vs %+v", i, list.Values[i], b)
			}
			cfg, _, err := c.Board.GetBoardConfiguration(b.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(cfg.ColumnConfig.Columns) != len(b.Columns) || len(b.Columns) < 5 || len(b.Columns) > 8 {
				t.Fatalf("board %d: %d columns, truth %d", b.ID, len(cfg.ColumnConfig.Columns), len(b.Columns))
			}
			for k, col := range cfg.ColumnConfig.Columns {
				if col.Name != b.Columns[k].Name || len(col.Status) != len(b.Columns[k].StatusIDs) {
					t.Fatalf("board %d column %d: %+v vs %+v", b.ID, k, col, b.Columns[k])
				}
				for x, st := range col.Status {
					if st.ID != b.Columns[k].StatusIDs[x] {
						t.Fatalf("board %d column %d status %d: %s vs %s", b.ID, k, x, st.ID, b.Columns[k].StatusIDs[x])
					}
				}
			}
			f, _, err := c.Filter.Get(b.FilterID)
			if err != nil || f.Jql != b.FilterJQL || cfg.Filter.ID != f.ID {
				t.Fatalf("filter %d: %+v %v", b.FilterID, f, err)
			}
		}
	})

	t.Run("statuses and fields", func(t *testing.T) {
		sts, _, err := c.Status.GetAllStatuses()
		if err != nil || len(sts) != len(tr.Statuses) {
			t.Fatalf("statuses %d %v", len(sts), err)
		}
		cats := map[string]bool{}
		for i, st := range sts {
			if st.ID != tr.Statuses[i].ID || st.StatusCategory.Key != tr.Statuses[i].Category || st.Self == "" {
				t.Fatalf("status %+v vs %+v", st, tr.Statuses[i])
			}
			cats[st.StatusCategory.Key] = true
		}
		if !cats["new"] || !cats["indeterminate"] || !cats["done"] {
			t.Fatalf("categories %v", cats)
		}
		fields, _, err := c.Field.GetList()
		if err != nil {
			t.Fatal(err)
		}
		var flagged *jira.Field
		for i := range fields {
			if fields[i].Name == "Flagged" {
				flagged = &fields[i]
			}
		}
		if flagged == nil || !flagged.Custom || flagged.ID != "customfield_10021" || flagged.Schema.Items != "option" {
			t.Fatalf("Flagged field %+v", flagged)
		}
		me, _, err := c.User.GetSelf()
		if err != nil || me.TimeZone != "America/Los_Angeles" || me.AccountID == "" {
			t.Fatalf("myself %+v %v", me, err)
		}
	})

	t.Run("old search is gone (410)", func(t *testing.T) {
		_, resp, err := c.Issue.Search("project = PLAT", nil)
		if err == nil || resp == nil || resp.StatusCode != http.StatusGone || !strings.Contains(err.Error(), "/rest/api/3/search/jql") {
			t.Fatalf("want 410 with the migration message, got %v", err)
		}
	})

	t.Run("unbounded JQL is refused (400)", func(t *testing.T) {
		_, resp, err := c.Issue.SearchV2JQL("ORDER BY created DESC", nil)
		if err == nil || resp.StatusCode != http.StatusBadRequest || !strings.Contains(err.Error(), "Unbounded JQL queries are not allowed here") {
			t.Fatalf("want the unbounded-JQL 400, got %v", err)
		}
	})

	t.Run("truncated changelog vs bulkfetch", func(t *testing.T) {
		// Raw decode: go-jira's Changelog type has no total.
		type page struct {
			Issues []struct {
				ID        string `json:"id"`
				Changelog struct {
					Total     int               `json:"total"`
					Histories []json.RawMessage `json:"histories"`
				} `json:"changelog"`
			} `json:"issues"`
			NextPageToken string `json:"nextPageToken"`
			IsLast        bool   `json:"isLast"`
		}
		truncated := map[string]int{} // issue -> total histories
		token := ""
		for {
			body := map[string]any{"jql": "created >= -1500d", "fields": []string{"key"}, "expand": "changelog", "maxResults": 100}
			if token != "" {
				body["nextPageToken"] = token
			}
			req, _ := c.NewRequest(http.MethodPost, "rest/api/3/search/jql", body)
			var p page
			if _, err := c.Do(req, &p); err != nil {
				t.Fatal(err)
			}
			for _, is := range p.Issues {
				if is.Changelog.Total > len(is.Changelog.Histories) {
					if len(is.Changelog.Histories) != cloudSearchLog {
						t.Fatalf("issue %s: %d histories of %d", is.ID, len(is.Changelog.Histories), is.Changelog.Total)
					}
					truncated[is.ID] = is.Changelog.Total
				}
			}
			if p.IsLast {
				break
			}
			token = p.NextPageToken
		}
		if len(truncated) == 0 {
			t.Fatal("no issue had a truncated changelog")
		}
		var ids []string
		for id := range truncated {
			ids = append(ids, id)
		}
		type bulk struct {
			IssueChangeLogs []struct {
				IssueID         string            `json:"issueId"`
				ChangeHistories []json.RawMessage `json:"changeHistories"`
			} `json:"issueChangeLogs"`
			NextPageToken string `json:"nextPageToken"`
		}
		got := map[string]int{}
		token = ""
		for {
			body := map[string]any{"issueIdsOrKeys": ids, "maxResults": 50}
			if token != "" {
				body["nextPageToken"] = token
			}
			req, _ := c.NewRequest(http.MethodPost, "rest/api/3/changelog/bulkfetch", body)
			var b bulk
			if _, err := c.Do(req, &b); err != nil {
				t.Fatal(err)
			}
			for _, l := range b.IssueChangeLogs {
				got[l.IssueID] += len(l.ChangeHistories)
			}
			if b.NextPageToken == "" {
				break
			}
			token = b.NextPageToken
		}
		for id, total := range truncated {
			if got[id] != total {
				t.Errorf("issue %s: bulkfetch gave %d histories, changelog.total says %d", id, got[id], total)
			}
		}
	})

	t.Run("bulkfetch limits", func(t *testing.T) {
		many := make([]string, 1001)
		for i := range many {
			many[i] = issueID(int32(i))
		}
		for name, body := range map[string]map[string]any{
			"too many issues": {"issueIdsOrKeys": many},
			"no issues":       {"issueIdsOrKeys": []string{}},
			"maxResults":      {"issueIdsOrKeys": []string{"10001"}, "maxResults": 10001},
			"too many fields": {"issueIdsOrKeys": []string{"10001"}, "fieldIds": strings.Split("a,b,c,d,e,f,g,h,i,j,k", ",")},
		} {
			req, _ := c.NewRequest(http.MethodPost, "rest/api/3/changelog/bulkfetch", body)
			resp, err := c.Do(req, nil)
			if err == nil || resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: want 400, got %v", name, err)
			}
		}
	})

	t.Run("wrong credentials (401)", func(t *testing.T) {
		bad := (&jira.BasicAuthTransport{Username: "demo@example.com", Password: "wrong"}).Client()
		bc, _ := jira.NewClient(bad, base)
		_, resp, err := bc.User.GetSelf()
		if err == nil || resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("want 401, got %v", err)
		}
		if !strings.Contains(err.Error(), "Client must be authenticated") {
			t.Fatalf("error %v", err)
		}
	})
}

// TestGoJiraDataCenter runs go-jira v1.17.0 against Data Center mode: classic search with
// startAt/maxResults/total, PAT and Basic auth, no Cloud-only endpoints.
func TestGoJiraDataCenter(t *testing.T) {
	t.Parallel()
	s, base := serve(t, Options{Seed: 7, Issues: 600, Mode: ModeDataCenter})
	c := goJira(t, base, false)
	tr := truthOf(t, s)
	live := 0
	for _, is := range tr.Issues {
		if !is.Deleted {
			live++
		}
	}

	t.Run("paging with total", func(t *testing.T) {
		jql := "created >= \"2020-01-01\" ORDER BY key ASC"
		_, resp, err := c.Issue.Search(jql, &jira.SearchOptions{MaxResults: 5000, Fields: []string{"key"}})
		if err != nil {
			t.Fatal(err)
		}
		if resp.MaxResults != dcPageMax || resp.Total != live {
			t.Fatalf("applied maxResults %d (want %d), total %d (want %d)", resp.MaxResults, dcPageMax, resp.Total, live)
		}
		seen := map[string]bool{}
		err = c.Issue.SearchPages(jql, &jira.SearchOptions{MaxResults: 70, Fields: []string{"key", "status"}}, func(is jira.Issue) error {
			if seen[is.ID] {
				t.Fatalf("issue %s twice", is.ID)
			}
			seen[is.ID] = true
			return nil
		})
		if err != nil || len(seen) != live {
			t.Fatalf("SearchPages read %d of %d: %v", len(seen), live, err)
		}
	})

	t.Run("full changelog", func(t *testing.T) {
		issues, _, err := c.Issue.Search("project = MOB ORDER BY created ASC", &jira.SearchOptions{MaxResults: 200, Expand: "changelog", Fields: []string{"status"}})
		if err != nil || len(issues) == 0 {
			t.Fatalf("%d %v", len(issues), err)
		}
		byID := map[string]TruthIssue{}
		for _, is := range tr.Issues {
			byID[is.ID] = is
		}
		for _, is := range issues {
			n := 0
			for _, h := range is.Changelog.Histories {
				for _, it := range h.Items {
					if it.Field == "status" {
						n++
					}
				}
			}
			if n != len(byID[is.ID].StatusChanges) {
				t.Fatalf("issue %s: %d status items, truth %d", is.Key, n, len(byID[is.ID].StatusChanges))
			}
		}
	})

	t.Run("basic auth works too", func(t *testing.T) {
		hc := (&jira.BasicAuthTransport{Username: "demo@example.com", Password: "sim-jira-token"}).Client()
		bc, _ := jira.NewClient(hc, base)
		me, _, err := bc.User.GetSelf()
		if err != nil || me.Name == "" || me.TimeZone == "" {
			t.Fatalf("myself %+v %v", me, err)
		}
		info := struct {
			DeploymentType string `json:"deploymentType"`
			VersionNumbers []int  `json:"versionNumbers"`
		}{}
		req, _ := bc.NewRequest(http.MethodGet, "rest/api/2/serverInfo", nil)
		if _, err := bc.Do(req, &info); err != nil || info.DeploymentType == "Cloud" || len(info.VersionNumbers) != 3 {
			t.Fatalf("serverInfo %+v %v", info, err)
		}
	})

	t.Run("cloud-only endpoints are 404", func(t *testing.T) {
		for _, p := range []string{"rest/api/2/search/jql?jql=project%3DPLAT", "rest/api/3/search?jql=project%3DPLAT", "rest/api/2/issue/10001/changelog"} {
			req, _ := c.NewRequest(http.MethodGet, p, nil)
			resp, err := c.Do(req, nil)
			if err == nil || resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: want 404, got %v", p, err)
			}
		}
		req, _ := c.NewRequest(http.MethodPost, "rest/api/2/changelog/bulkfetch", map[string]any{"issueIdsOrKeys": []string{"10001"}})
		if resp, err := c.Do(req, nil); err == nil || resp.StatusCode != http.StatusNotFound {
			t.Errorf("bulkfetch: want 404, got %v", err)
		}
	})

	t.Run("bad PAT (401)", func(t *testing.T) {
		hc := (&jira.PATAuthTransport{Token: "nope"}).Client()
		bc, _ := jira.NewClient(hc, base)
		_, resp, err := bc.Issue.Search("project = PLAT", nil)
		if err == nil || resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("want 401, got %v", err)
		}
	})
}
