package sim

import (
	"net/http"
	"strings"
	"testing"
)

func TestAuth(t *testing.T) {
	t.Parallel()
	basic := func(u, p string) func(*http.Request) { return func(r *http.Request) { r.SetBasicAuth(u, p) } }
	bearer := func(tok string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
	}
	for _, tc := range []struct {
		name, mode  string
		auth        func(*http.Request)
		code        int
		contentType string
		body        string
	}{
		{"cloud ok", ModeCloud, basic("demo@example.com", "sim-jira-token"), 200, "application/json", `"accountId"`},
		{"cloud none", ModeCloud, nil, 401, "text/plain", "Client must be authenticated to access this resource."},
		{"cloud wrong token", ModeCloud, basic("demo@example.com", "nope"), 401, "text/plain", "Client must be authenticated"},
		{"cloud wrong user", ModeCloud, basic("eve@example.com", "sim-jira-token"), 401, "text/plain", "Client must be authenticated"},
		{"cloud takes no PAT", ModeCloud, bearer("sim-jira-pat"), 401, "text/plain", "Client must be authenticated"},
		{"dc basic ok", ModeDataCenter, basic("demo@example.com", "sim-jira-token"), 200, "application/json", `"name"`},
		{"dc PAT ok", ModeDataCenter, bearer("sim-jira-pat"), 200, "application/json", `"timeZone"`},
		{"dc none", ModeDataCenter, nil, 401, "application/json", "You are not authenticated"},
		{"dc wrong PAT", ModeDataCenter, bearer("nope"), 401, "application/json", "You are not authenticated"},
		{"dc wrong password", ModeDataCenter, basic("demo@example.com", "nope"), 401, "text/html", "AUTHENTICATED_FAILED"},
	} {
		s, _ := New(Options{Seed: 1, Issues: 20, Mode: tc.mode})
		w := call(t, s.Handler(), "GET", "/jira/rest/api/2/myself", "", tc.auth)
		if w.Code != tc.code || !strings.HasPrefix(w.Header().Get("Content-Type"), tc.contentType) || !strings.Contains(w.Body.String(), tc.body) {
			t.Errorf("%s: %d %q %s", tc.name, w.Code, w.Header().Get("Content-Type"), w.Body)
		}
	}
}

// TestNotFound: unknown paths and missing objects answer like JIRA.
func TestNotFound(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{Seed: 1, Issues: 20})
	for target, want := range map[string]string{
		"/jira/rest/api/3/nothing":                    `"status-code":404`,
		"/jira/rest/api/9/serverInfo":                 `"status-code":404`,
		"/jira/rest/api/3/issue/PLAT-9999":            "Issue does not exist or you do not have permission to see it.",
		"/jira/rest/agile/1.0/board/99":               "Board does not exist",
		"/jira/rest/agile/1.0/board/99/configuration": "Board does not exist",
	} {
		w := call(t, s.Handler(), "GET", target, "", basicAuth)
		if w.Code != 404 || !strings.Contains(w.Body.String(), want) {
			t.Errorf("%s: %d %s", target, w.Code, w.Body)
		}
	}
}
