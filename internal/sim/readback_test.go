package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The read-back test reads everything through the public endpoints with its own minimal decoders
// (no simulator types, no go-jira) and compares it field by field with the ground-truth export.

type rbClient struct {
	t     testing.TB
	base  string
	auth  func(*http.Request)
	calls int
}

func (c *rbClient) do(method, path string, body any, out any) int {
	c.t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	c.auth(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	c.calls++
	if resp.StatusCode == http.StatusOK && out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			c.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

type rbNamed struct {
	ID   string `json:"id"`
	Key  string `json:"key"`
	Name string `json:"name"`
}

type rbIssue struct {
	ID     string `json:"id"`
	Key    string `json:"key"`
	Fields struct {
		Summary        string          `json:"summary"`
		IssueType      rbNamed         `json:"issuetype"`
		Status         rbNamed         `json:"status"`
		Project        rbNamed         `json:"project"`
		Resolution     *rbNamed        `json:"resolution"`
		Created        string          `json:"created"`
		Updated        string          `json:"updated"`
		ResolutionDate *string         `json:"resolutiondate"`
		Parent         *rbNamed        `json:"parent"`
		Raw            json.RawMessage `json:"-"`
	} `json:"fields"`
	Changelog *struct {
		Total     int         `json:"total"`
		Histories []rbHistory `json:"histories"`
	} `json:"changelog"`
	flagged bool
}

type rbHistory struct {
	ID      string `json:"id"`
	Created string `json:"created"`
	Items   []struct {
		Field      string  `json:"field"`
		FieldID    string  `json:"fieldId"`
		From       *string `json:"from"`
		FromString *string `json:"fromString"`
		To         *string `json:"to"`
		ToString   *string `json:"toString"`
	} `json:"items"`
}

func rbTime(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse("2006-01-02T15:04:05.000-0700", s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return v.UTC()
}

// flaggedField finds the Flagged custom field by name, as clients must.
func (c *rbClient) flaggedField(ver string) string {
	var fields []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	c.do("GET", "rest/api/"+ver+"/field", nil, &fields)
	for _, f := range fields {
		if f.Name == "Flagged" {
			return f.ID
		}
	}
	c.t.Fatal("no Flagged field")
	return ""
}

var rbFields = []string{"summary", "issuetype", "status", "project", "resolution", "created", "updated", "resolutiondate", "parent"}

// decodeIssues decodes a page's issues, also noting whether the Flagged field is set.
func decodeIssues(t testing.TB, raw []json.RawMessage, flagField string) []rbIssue {
	var out []rbIssue
	for _, r := range raw {
		var is rbIssue
		if err := json.Unmarshal(r, &is); err != nil {
			t.Fatal(err)
		}
		var f struct {
			Fields map[string]json.RawMessage `json:"fields"`
		}
		json.Unmarshal(r, &f)
		is.flagged = len(f.Fields[flagField]) > 0 && string(f.Fields[flagField]) != "null"
		out = append(out, is)
	}
	return out
}

func readCloud(t testing.TB, c *rbClient) (map[string]rbIssue, map[string][]rbHistory) {
	flag := c.flaggedField("3")
	issues := map[string]rbIssue{}
	token := ""
	for {
		var page struct {
			Issues        []json.RawMessage `json:"issues"`
			NextPageToken string            `json:"nextPageToken"`
			IsLast        bool              `json:"isLast"`
			Total         *int              `json:"total"`
		}
		body := map[string]any{"jql": `created >= "2000-01-01" ORDER BY id ASC`, "fields": append(slices.Clone(rbFields), flag), "maxResults": 100}
		if token != "" {
			body["nextPageToken"] = token
		}
		if code := c.do("POST", "rest/api/3/search/jql", body, &page); code != 200 {
			t.Fatalf("search/jql: %d", code)
		}
		if page.Total != nil {
			t.Fatal("Cloud search/jql must not report a total")
		}
		for _, is := range decodeIssues(t, page.Issues, flag) {
			if _, dup := issues[is.ID]; dup {
				t.Fatalf("issue %s on two pages", is.ID)
			}
			issues[is.ID] = is
		}
		if page.IsLast {
			break
		}
		token = page.NextPageToken
	}
	ids := make([]string, 0, len(issues))
	for id := range issues {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	hist := map[string][]rbHistory{}
	for lo := 0; lo < len(ids); lo += 1000 {
		batch := ids[lo:min(lo+1000, len(ids))]
		token := ""
		for {
			var page struct {
				IssueChangeLogs []struct {
					IssueID         string      `json:"issueId"`
					ChangeHistories []rbHistory `json:"changeHistories"`
				} `json:"issueChangeLogs"`
				NextPageToken string `json:"nextPageToken"`
			}
			body := map[string]any{"issueIdsOrKeys": batch, "fieldIds": []string{"status", flag, "issuekey"}, "maxResults": 700}
			if token != "" {
				body["nextPageToken"] = token
			}
			if code := c.do("POST", "rest/api/3/changelog/bulkfetch", body, &page); code != 200 {
				t.Fatalf("bulkfetch: %d", code)
			}
			for _, l := range page.IssueChangeLogs {
				hist[l.IssueID] = append(hist[l.IssueID], l.ChangeHistories...)
			}
			if page.NextPageToken == "" {
				break
			}
			token = page.NextPageToken
		}
	}
	return issues, hist
}

func readDataCenter(t testing.TB, c *rbClient) (map[string]rbIssue, map[string][]rbHistory) {
	flag := c.flaggedField("2")
	issues := map[string]rbIssue{}
	hist := map[string][]rbHistory{}
	for start := 0; ; {
		var page struct {
			StartAt    int               `json:"startAt"`
			MaxResults int               `json:"maxResults"`
			Total      int               `json:"total"`
			Issues     []json.RawMessage `json:"issues"`
		}
		q := url.Values{"jql": {"ORDER BY created ASC"}, "startAt": {strconv.Itoa(start)}, "maxResults": {"500"},
			"expand": {"changelog"}, "fields": {strings.Join(append(slices.Clone(rbFields), flag), ",")}}
		if code := c.do("GET", "rest/api/2/search?"+q.Encode(), nil, &page); code != 200 {
			t.Fatalf("search: %d", code)
		}
		for _, is := range decodeIssues(t, page.Issues, flag) {
			if is.Changelog == nil || is.Changelog.Total != len(is.Changelog.Histories) {
				t.Fatalf("issue %s: Data Center changelog must be complete", is.Key)
			}
			issues[is.ID] = is
			hist[is.ID] = is.Changelog.Histories
		}
		// The server says how many it applied; page by that, never by what was asked.
		start += page.MaxResults
		if start >= page.Total {
			if len(issues) != page.Total {
				t.Fatalf("read %d issues, total %d", len(issues), page.Total)
			}
			break
		}
	}
	return issues, hist
}

func compareWithTruth(t testing.TB, tr *Truth, issues map[string]rbIssue, hist map[string][]rbHistory) {
	t.Helper()
	live := 0
	for _, ti := range tr.Issues {
		is, found := issues[ti.ID]
		if ti.Deleted {
			if found {
				t.Errorf("deleted issue %s is still served", ti.ID)
			}
			continue
		}
		live++
		if !found {
			t.Errorf("issue %s (%s) missing from the read", ti.ID, ti.Key)
			continue
		}
		f := is.Fields
		res, resolved := "", time.Time{}
		if f.Resolution != nil {
			res = f.Resolution.Name
		}
		if f.ResolutionDate != nil {
			resolved = rbTime(t, *f.ResolutionDate)
		}
		parent := ""
		if f.Parent != nil {
			parent = f.Parent.ID
		}
		got := fmt.Sprintf("%s %s %s %s %s %s %q %s %s %s %q %s %v", is.ID, is.Key, f.Project.Key, f.IssueType.ID, f.IssueType.Name, f.Status.ID, res,
			rbTime(t, f.Created).Format(time.RFC3339Nano), rbTime(t, f.Updated).Format(time.RFC3339Nano), resolved.Format(time.RFC3339Nano), f.Summary, parent, is.flagged)
		want := fmt.Sprintf("%s %s %s %s %s %s %q %s %s %s %q %s %v", ti.ID, ti.Key, ti.Project, ti.TypeID, ti.Type, ti.Status, ti.Resolution,
			ti.Created.Format(time.RFC3339Nano), ti.Updated.Format(time.RFC3339Nano), ti.ResolvedAt.Format(time.RFC3339Nano), ti.Summary, ti.ParentID, ti.Flagged)
		if got != want {
			t.Errorf("issue fields differ:\n got %s\nwant %s", got, want)
			continue
		}
		var sc []TruthStatusChange
		var fc []TruthFlagChange
		var keys []string
		for _, h := range hist[ti.ID] {
			at := rbTime(t, h.Created)
			for _, it := range h.Items {
				switch {
				case it.Field == "status":
					sc = append(sc, TruthStatusChange{HistoryID: h.ID, At: at, From: *it.From, To: *it.To})
				case it.Field == "Flagged":
					fc = append(fc, TruthFlagChange{HistoryID: h.ID, At: at, Flagged: it.ToString != nil && *it.ToString != ""})
				case it.Field == "Key":
					keys = append(keys, *it.FromString)
				}
			}
		}
		if fmt.Sprint(sc) != fmt.Sprint(ti.StatusChanges) {
			t.Errorf("issue %s status changes:\n got %v\nwant %v", ti.Key, sc, ti.StatusChanges)
		}
		if fmt.Sprint(fc) != fmt.Sprint(ti.FlagChanges) {
			t.Errorf("issue %s flag changes:\n got %v\nwant %v", ti.Key, fc, ti.FlagChanges)
		}
		if fmt.Sprint(keys) != fmt.Sprint(ti.KeyHistory) && !(len(keys) == 0 && len(ti.KeyHistory) == 0) {
			t.Errorf("issue %s key history: got %v want %v", ti.Key, keys, ti.KeyHistory)
		}
	}
	if len(issues) != live {
		t.Errorf("read %d issues, truth has %d live ones", len(issues), live)
	}
}

// TestTruthEqualsRead: the ground truth equals a full read through the public endpoints, in both
// deployments, before and after the clock moves on.
func TestTruthEqualsRead(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{ModeCloud, ModeDataCenter} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			s, base := serve(t, Options{Seed: 11, Issues: 1500, Mode: mode})
			c := &rbClient{t: t, base: base, auth: func(r *http.Request) { r.SetBasicAuth("demo@example.com", "sim-jira-token") }}
			read := readCloud
			if mode == ModeDataCenter {
				read = readDataCenter
			}
			for round := range 2 {
				tr := truthOf(t, s)
				issues, hist := read(t, c)
				compareWithTruth(t, tr, issues, hist)
				var moved, deleted, flagged int
				for _, ti := range tr.Issues {
					if len(ti.KeyHistory) > 0 {
						moved++
					}
					if ti.Deleted {
						deleted++
					}
					if len(ti.FlagChanges) > 0 {
						flagged++
					}
				}
				t.Logf("round %d: %d issues (%d moved, %d deleted, %d flagged) in %d requests", round, len(tr.Issues), moved, deleted, flagged, c.calls)
				if moved == 0 || deleted == 0 || flagged == 0 {
					t.Fatalf("the comparison must cover moved, deleted and flagged issues")
				}
				s.Advance(10 * 24 * time.Hour)
			}
		})
	}
}
