package sim

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"testing"
)

func decode(t *testing.T, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("%v: %.300s", err, body)
	}
}

// TestCloudEndpoints covers approximate-count, per-issue changelog paging against bulkfetch,
// issue types, board list filters and timestamps in the API user's zone.
func TestCloudEndpoints(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{Seed: 4, Issues: 900, UserTZ: "Asia/Kolkata"})
	h := s.Handler()
	tr := truthOf(t, s)

	t.Run("approximate-count", func(t *testing.T) {
		want := 0
		for _, is := range tr.Issues {
			if !is.Deleted && is.Project == "DATA" {
				want++
			}
		}
		var c struct {
			Count int `json:"count"`
		}
		decode(t, call(t, h, "POST", "/jira/rest/api/3/search/approximate-count", `{"jql":"project = DATA"}`, basicAuth).Body.Bytes(), &c)
		if c.Count != want {
			t.Fatalf("count %d, want %d", c.Count, want)
		}
		if w := call(t, h, "POST", "/jira/rest/api/3/search/approximate-count", `{"jql":"order by key"}`, basicAuth); w.Code != 400 {
			t.Fatalf("unbounded count: %d", w.Code)
		}
	})

	t.Run("per-issue changelog pages equal bulkfetch", func(t *testing.T) {
		checked := 0
		for _, is := range tr.Issues {
			if is.Deleted || len(is.StatusChanges) < 6 || checked == 5 {
				continue
			}
			checked++
			var paged []json.RawMessage
			for start := 0; ; {
				var p struct {
					StartAt, MaxResults, Total int
					IsLast                     bool
					Values                     []json.RawMessage
				}
				decode(t, call(t, h, "GET", fmt.Sprintf("/jira/rest/api/3/issue/%s/changelog?startAt=%d&maxResults=3", is.Key, start), "", basicAuth).Body.Bytes(), &p)
				paged = append(paged, p.Values...)
				start += len(p.Values)
				if p.IsLast {
					if len(paged) != p.Total {
						t.Fatalf("%s: %d histories, total %d", is.Key, len(paged), p.Total)
					}
					break
				}
			}
			var b struct {
				IssueChangeLogs []struct {
					ChangeHistories []json.RawMessage `json:"changeHistories"`
				} `json:"issueChangeLogs"`
			}
			decode(t, call(t, h, "POST", "/jira/rest/api/3/changelog/bulkfetch", `{"issueIdsOrKeys":["`+is.ID+`"]}`, basicAuth).Body.Bytes(), &b)
			if len(b.IssueChangeLogs) != 1 || fmt.Sprint(b.IssueChangeLogs[0].ChangeHistories) != fmt.Sprint(paged) {
				t.Fatalf("%s: paged changelog differs from bulkfetch", is.Key)
			}
		}
	})

	t.Run("issue types", func(t *testing.T) {
		var types []struct {
			ID, Name       string
			Subtask        bool
			HierarchyLevel int
		}
		decode(t, call(t, h, "GET", "/jira/rest/api/3/issuetype", "", basicAuth).Body.Bytes(), &types)
		names := map[string]bool{}
		for _, ty := range types {
			names[ty.Name] = true
			if ty.Subtask != (ty.Name == "Sub-task") || (ty.Name == "Epic") != (ty.HierarchyLevel == 1) {
				t.Errorf("type %+v", ty)
			}
		}
		for _, n := range []string{"Story", "Bug", "Task", "Incident", "Epic", "Sub-task"} {
			if !names[n] {
				t.Errorf("no issue type %s", n)
			}
		}
	})

	t.Run("board list filters and pages", func(t *testing.T) {
		var l struct {
			Total  int  `json:"total"`
			IsLast bool `json:"isLast"`
			Values []struct {
				ID   int    `json:"id"`
				Type string `json:"type"`
			} `json:"values"`
		}
		decode(t, call(t, h, "GET", "/jira/rest/agile/1.0/board?name=pay", "", basicAuth).Body.Bytes(), &l)
		if l.Total != 1 || l.Values[0].ID != 3 {
			t.Fatalf("name filter: %+v", l)
		}
		decode(t, call(t, h, "GET", "/jira/rest/agile/1.0/board?startAt=4&maxResults=2", "", basicAuth).Body.Bytes(), &l)
		if l.Total != 5 || !l.IsLast || len(l.Values) != 1 {
			t.Fatalf("paging: %+v", l)
		}
	})

	t.Run("project search", func(t *testing.T) {
		var p struct {
			Total  int  `json:"total"`
			IsLast bool `json:"isLast"`
			Values []struct {
				Key string `json:"key"`
			} `json:"values"`
		}
		decode(t, call(t, h, "GET", "/jira/rest/api/3/project/search?query=pay", "", basicAuth).Body.Bytes(), &p)
		if p.Total != 1 || !p.IsLast || p.Values[0].Key != "PAY" {
			t.Fatalf("%+v", p)
		}
	})

	t.Run("timestamps in the user's zone", func(t *testing.T) {
		body := call(t, h, "GET", "/jira/rest/api/3/search/jql?jql="+url.QueryEscape("project = MOB")+"&fields=created,updated&maxResults=20&expand=changelog", "", basicAuth).Body.String()
		stamps := regexp.MustCompile(`"(created|updated)":"([^"]+)"`).FindAllStringSubmatch(body, -1)
		if len(stamps) < 20 {
			t.Fatalf("only %d timestamps", len(stamps))
		}
		for _, m := range stamps {
			if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0530$`).MatchString(m[2]) {
				t.Fatalf("timestamp %q is not JIRA's format in Asia/Kolkata", m[2])
			}
		}
		var me struct {
			TimeZone string `json:"timeZone"`
		}
		decode(t, call(t, h, "GET", "/jira/rest/api/3/myself", "", basicAuth).Body.Bytes(), &me)
		if me.TimeZone != "Asia/Kolkata" {
			t.Fatalf("myself timeZone %q", me.TimeZone)
		}
	})
}
