package sim

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// jqlIDs runs a query through the compiled evaluator and returns issue ids in result order.
func jqlIDs(t *testing.T, s *Sim, jql string) ([]string, error) {
	t.Helper()
	snap := s.current()
	ast, err := parseJQL(jql)
	if err != nil {
		return nil, err
	}
	env := &jqlEnv{w: s.world, snap: snap, loc: s.world.userTZ}
	comp, err := env.compile(ast)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range comp.run(snap, s.world) {
		out = append(out, issueID(snap.states[p].idx))
	}
	return out, nil
}

func TestJQLSemantics(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{Seed: 12, Issues: 1200})
	tr := truthOf(t, s)
	la, _ := time.LoadLocation("America/Los_Angeles")
	now := tr.Now
	cat := map[string]string{}
	for _, st := range tr.Statuses {
		cat[st.ID] = st.Category
	}
	var moved TruthIssue
	for _, is := range tr.Issues {
		if len(is.KeyHistory) > 0 && !is.Deleted {
			moved = is
			break
		}
	}
	if moved.ID == "" {
		t.Fatal("no moved issue to test former keys with")
	}
	jan := time.Date(2026, 1, 1, 0, 0, 0, 0, la)
	feb := time.Date(2026, 2, 1, 0, 0, 0, 0, la)
	oct := time.Date(2026, 10, 15, 14, 30, 0, 0, la)
	for _, tc := range []struct {
		jql  string
		want func(TruthIssue) bool
	}{
		{"project = PLAT", func(i TruthIssue) bool { return i.Project == "PLAT" }},
		{"project in (PLAT, mob) AND status = Done", func(i TruthIssue) bool { return (i.Project == "PLAT" || i.Project == "MOB") && i.StatusName == "Done" }},
		{"project = 10004 AND issuetype in (Incident, Bug)", func(i TruthIssue) bool { return i.Project == "OPS" && (i.Type == "Incident" || i.Type == "Bug") }},
		{"status not in (Done, Resolved, Closed) AND project != DATA", func(i TruthIssue) bool { return cat[i.Status] != "done" && i.Project != "DATA" }},
		{"NOT (project = PLAT OR project = MOB)", func(i TruthIssue) bool { return i.Project != "PLAT" && i.Project != "MOB" }},
		{"resolution = Unresolved AND project = PAY", func(i TruthIssue) bool { return i.Resolution == "" && i.Project == "PAY" }},
		{`resolution in ("Won't Do", Duplicate)`, func(i TruthIssue) bool { return i.Resolution == "Won't Do" || i.Resolution == "Duplicate" }},
		{"resolution is EMPTY", func(i TruthIssue) bool { return i.Resolution == "" }},
		{"resolution != Done", func(i TruthIssue) bool { return i.Resolution != "" && i.Resolution != "Done" }},
		{"statusCategory = Done", func(i TruthIssue) bool { return cat[i.Status] == "done" }},
		{"issuetype = Sub-task OR type = \"Epic\"", func(i TruthIssue) bool { return i.Type == "Sub-task" || i.Type == "Epic" }},
		{`created >= "2026-01-01" AND created < "2026/02/01"`, func(i TruthIssue) bool { return !i.Created.Before(jan) && i.Created.Before(feb) }},
		{`updated > "2026/10/15 14:30"`, func(i TruthIssue) bool { return i.Updated.After(oct) }},
		{"updated >= -30d", func(i TruthIssue) bool { return !i.Updated.Before(now.Add(-30 * 24 * time.Hour)) }},
		{"resolved >= -4w", func(i TruthIssue) bool {
			return !i.ResolvedAt.IsZero() && !i.ResolvedAt.Before(now.Add(-28*24*time.Hour))
		}},
		{"updated >= '-1w 2d'", func(i TruthIssue) bool { return !i.Updated.Before(now.Add(-9 * 24 * time.Hour)) }},
		{"key = PLAT-5", func(i TruthIssue) bool { return i.Key == "PLAT-5" }},
		{"issuekey in (PLAT-5, MOB-3)", func(i TruthIssue) bool { return i.Key == "PLAT-5" || i.Key == "MOB-3" }},
		{"key = " + moved.KeyHistory[0], func(i TruthIssue) bool { return i.ID == moved.ID }},
		{"id > 10500 AND project = MOB", func(i TruthIssue) bool { return i.ID > "10500" && len(i.ID) == 5 && i.Project == "MOB" }},
		{"project = PLAT ORDER BY Rank ASC", func(i TruthIssue) bool { return i.Project == "PLAT" }},
	} {
		got, err := jqlIDs(t, s, tc.jql)
		if err != nil {
			t.Errorf("%s: %v", tc.jql, err)
			continue
		}
		var want []string
		for _, is := range tr.Issues {
			if !is.Deleted && tc.want(is) {
				want = append(want, is.ID)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("%s: %d results, want %d (non-empty)", tc.jql, len(got), len(want))
		}
	}
}

func TestJQLOrder(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{Seed: 12, Issues: 500})
	tr := truthOf(t, s)
	byID := map[string]TruthIssue{}
	for _, is := range tr.Issues {
		byID[is.ID] = is
	}
	for _, tc := range []struct {
		jql  string
		less func(a, b TruthIssue) bool // a must not sort after b
	}{
		{"project = MOB ORDER BY created ASC", func(a, b TruthIssue) bool { return !a.Created.After(b.Created) }},
		{"project = MOB ORDER BY updated DESC", func(a, b TruthIssue) bool { return !a.Updated.Before(b.Updated) }},
		{"project = MOB", func(a, b TruthIssue) bool { return keyNum(a.Key) >= keyNum(b.Key) }}, // default: key DESC
		{"project = MOB ORDER BY key", func(a, b TruthIssue) bool { return keyNum(a.Key) <= keyNum(b.Key) }},
	} {
		ids, err := jqlIDs(t, s, tc.jql)
		if err != nil || len(ids) < 10 {
			t.Fatalf("%s: %d %v", tc.jql, len(ids), err)
		}
		for k := 1; k < len(ids); k++ {
			if !tc.less(byID[ids[k-1]], byID[ids[k]]) {
				t.Fatalf("%s: %s before %s", tc.jql, byID[ids[k-1]].Key, byID[ids[k]].Key)
			}
		}
	}
}

func keyNum(k string) int {
	n := 0
	for _, c := range k[strings.IndexByte(k, '-')+1:] {
		n = n*10 + int(c-'0')
	}
	return n
}

// TestJQLErrors: anything outside the subset, or wrong, is an honest 400 in JIRA's body shape.
func TestJQLErrors(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{Seed: 1, Issues: 100})
	for _, tc := range []struct{ jql, want string }{
		{"ORDER BY created DESC", "Unbounded JQL queries are not allowed here"},
		{"", "Unbounded JQL queries are not allowed here"},
		{"assignee = currentUser()", "does not support the field 'assignee'"},
		{"foo = bar", "Field 'foo' does not exist or you do not have permission to view it."},
		{"project = NOPE", "The value 'NOPE' does not exist for the field 'project'."},
		{`status = "Nonexistent"`, "The value 'Nonexistent' does not exist for the field 'status'."},
		{"project = ", "Expecting either a value, list or function but reached the end of the query."},
		{"project PLAT", "Expecting operator but got 'PLAT'."},
		{"project = PLAT AND", "Expecting a field name but reached the end of the query."},
		{"(project = PLAT", "Expecting ')'"},
		{`updated >= "yesterday"`, "Date value 'yesterday' for field 'updated' is invalid."},
		{"updated >= startOfDay()", "does not support JQL functions ('startOfDay()'"},
		{"project > PLAT", "The operator '>' is not supported by the 'project' field."},
		{`summary ~ "login"`, "does not support the field 'summary'"},
		{`project = "PLAT`, "has not been completed"},
		{"project = PLAT ORDER BY summary", "cannot order by 'summary'"},
		{"project = PLAT extra", "Expecting either 'OR' or 'AND' but got 'extra'."},
		{"key = PLAT-99999", "An issue with key 'PLAT-99999' does not exist for field 'key'."},
		{"project in PLAT", "Expecting '(' but got 'PLAT'."},
		{"project = and", "reserved JQL word"},
	} {
		w := call(t, s.Handler(), "GET", "/jira/rest/api/3/search/jql?jql="+url.QueryEscape(tc.jql), "", basicAuth)
		var body struct {
			ErrorMessages []string          `json:"errorMessages"`
			Errors        map[string]string `json:"errors"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != 400 || len(body.ErrorMessages) != 1 || body.Errors == nil {
			t.Errorf("%q: %d %s", tc.jql, w.Code, w.Body)
			continue
		}
		if !strings.Contains(body.ErrorMessages[0], tc.want) {
			t.Errorf("%q: %q, want it to contain %q", tc.jql, body.ErrorMessages[0], tc.want)
		}
	}
}

// TestValidateQueryWarn: Data Center's validateQuery=warn turns bad values into warnings.
func TestValidateQueryWarn(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{Seed: 1, Issues: 300, Mode: ModeDataCenter})
	jql := url.QueryEscape("project in (PLAT, NOPE)")
	w := call(t, s.Handler(), "GET", "/jira/rest/api/2/search?fields=key&jql="+jql, "", basicAuth)
	if w.Code != 400 {
		t.Fatalf("strict: %d", w.Code)
	}
	w = call(t, s.Handler(), "POST", "/jira/rest/api/2/search", `{"jql":"project in (PLAT, NOPE)","validateQuery":"warn","fields":["key"]}`, basicAuth)
	var body struct {
		Total    int      `json:"total"`
		Warnings []string `json:"warningMessages"`
	}
	json.Unmarshal(w.Body.Bytes(), &body)
	if w.Code != 200 || body.Total == 0 || len(body.Warnings) != 1 || !strings.Contains(body.Warnings[0], "'NOPE'") {
		t.Fatalf("warn: %d %s", w.Code, w.Body.String()[:min(300, w.Body.Len())])
	}
}
