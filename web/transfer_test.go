package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vger-dev/vger/internal/settings"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
)

func TestExportThenImportSettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	seedBoard(t, e)
	res, body := e.get(settingsURL + ".json")
	if res.StatusCode != 200 || res.Header.Get("Content-Disposition") != `attachment; filename="payments-payments-settings.json"` ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("export: %d %v", res.StatusCode, res.Header)
	}
	doc0, err := settings.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc0.States) != 4 || doc0.LeadTime.Start != "Doing" || doc0.States[1].Statuses[0].Name != "In Progress" {
		t.Fatalf("exported %+v", doc0)
	}
	// Edit the file as a person would: map Blocked to Review, rename a work type.
	doc0.States[2].Statuses = append(doc0.States[2].Statuses, settings.Ref{ID: "10009", Name: "Blocked"})
	doc0.WorkTypes[0].Name = "Bugs"
	doc0.RollingWeeks = 6

	res, body = upload(e, settingsURL+"/import", doc0.JSON())
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("import: %d %s", res.StatusCode, errorText(body))
	}
	b := e.board()
	if strings.Join(b.States[2].StatusIDs, ",") != "10009,4" || b.WorkTypes[0].Name != "Bugs" || b.RollingWeeks != 6 {
		t.Fatalf("imported board %+v", b)
	}
	if !e.hasJob("rebuild_facts", b.ID, 0) {
		t.Fatal("no rebuild after import")
	}
	log, _ := e.st.AuditLog(context.Background(), b.TeamID, 0, 1)
	if log[0].Action != "board.import" || log[0].Summary != "changed columns and status mapping, work types, rolling window" {
		t.Fatalf("audit %s %q", log[0].Action, log[0].Summary)
	}
}

func TestImportRefusesBadFiles(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	seedBoard(t, e)
	_, exported := e.get(settingsURL + ".json")
	mangle := func(old, new string) string { return strings.Replace(exported, old, new, 1) }
	tests := []struct {
		name, json, want string
	}{
		{"nothing", "", "Choose a settings file (exported from a board), or paste its JSON."},
		{"not JSON", "hello", "not a settings file: invalid JSON at byte 1"},
		{"another format", `{"format":"x"}`, `the format is "x"`},
		{"unknown field", mangle(`"name": "Payments",`, `"name": "Payments", "colour": "red",`), `not a settings file: unknown field "colour"`},
		{"lead time names no column", mangle(`"start": "Doing"`, `"start": "Nowhere"`), `lead_time.start "Nowhere" names no column of the file`},
		{"status mapped twice", mangle(`"id": "4"`, `"id": "3"`), `states[2]: Status 3 (In Progress) is mapped by both "Doing" and "Review".`},
		{"time zone", mangle(`"time_zone": "UTC"`, `"time_zone": "Nowhere/City"`), `time_zone: "Nowhere/City" is not a time zone Vger knows`},
		{"bad repo", mangle(`"repos": []`, `"repos": ["not a repo"]`), `repos: "not a repo" is not owner/name`},
		{"window", mangle(`"rolling_weeks": 12`, `"rolling_weeks": 2`), "rolling_weeks: Use a whole number of weeks from 4 to 104."},
		{"annotation ends early", mangle(`"annotations": []`, `"annotations": [{"starts_on": "2026-03-02", "ends_on": "2026-03-01", "label": "x"}]`), "annotation 1: ends_on 2026-03-01 is before starts_on 2026-03-02"},
		{"annotation date", mangle(`"annotations": []`, `"annotations": [{"starts_on": "March", "label": "x"}]`), `annotation 1: starts_on "March" is not a date (YYYY-MM-DD)`},
		{"annotation label", mangle(`"annotations": []`, `"annotations": [{"starts_on": "2026-03-02", "label": " "}]`), "annotation 1: the label must have 1 to 200 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := e.with(t)
			res, body := e.post(settingsURL+"/import", url.Values{"json": {tt.json}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", res.StatusCode)
			}
			d := doc(t, body)
			if got := text(d.Find(`[data-testid="import-errors"]`)); !strings.Contains(got, tt.want) {
				t.Fatalf("import errors %q, want %q", got, tt.want)
			}
			if v := d.Find(`[data-testid="input-json"]`).Text(); v != tt.json {
				t.Fatal("pasted text not kept")
			}
		})
	}
}

func upload(e *env, target string, file []byte) (*http.Response, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "settings.json")
	fw.Write(file)
	mw.WriteField("json", "")
	mw.Close()
	res := e.do(http.MethodPost, target, &buf, http.Header{"Content-Type": {mw.FormDataContentType()}})
	return res, readAll(res)
}

// fakeHost is a code host that knows nothing: repositories are checked by
// the workers, not by the page.
type fakeHost struct{ vsync.CodeHost }

func TestLinkRepositories(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	seedBoard(t, e)
	// Without GitHub the form says so, and a POST is refused beside the field.
	res, body := e.post(settingsURL[:len(settingsURL)-len("/settings")]+"/repos", url.Values{"repo": {"acme/pay"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.HasPrefix(text(doc(t, body).Find(`[data-testid="error-repo"]`)), "GitHub is not configured on this server (GITHUB_TOKEN is not set)") {
		t.Fatalf("without GitHub: %d %q", res.StatusCode, text(doc(t, body).Find(`[data-testid="error-repo"]`)))
	}
	e.s.Sources = &vsync.Syncer{Store: e.st, CodeHost: fakeHost{}}
	repos := "/teams/payments/boards/payments/repos"
	for _, tt := range []struct{ value, msg string }{
		{"", "Type the repository as owner/name, e.g. acme/payments-api."},
		{"acme", `"acme" is not owner/name: use letters, digits, dots, dashes and underscores, e.g. acme/payments-api.`},
		{"acme/pay ments", `"acme/pay ments" is not owner/name`},
		{"../x", `"../x" is not owner/name`},
	} {
		res, body := e.post(repos, url.Values{"repo": {tt.value}})
		if got := text(doc(t, body).Find(`[data-testid="error-repo"]`)); res.StatusCode != http.StatusUnprocessableEntity || !strings.HasPrefix(got, tt.msg) {
			t.Errorf("%q: %d %q", tt.value, res.StatusCode, got)
		}
	}
	loc, body := e.postOK(repos, url.Values{"repo": {"https://github.com/acme/payments-api.git"}})
	if loc != settingsURL+"#repos" || !strings.Contains(text(doc(t, body).Find(`[data-testid="flash"]`)), "Linked acme/payments-api.") {
		t.Fatalf("linked: %s", loc)
	}
	d := doc(t, body)
	if got := text(d.Find(`[data-testid="linked-repo"]`)); !strings.Contains(got, "acme/payments-api") || !strings.Contains(got, "check and sync queued") {
		t.Fatalf("linked repo row %q", got)
	}
	r, err := e.st.RepoByName(context.Background(), "acme", "payments-api")
	if err != nil || !e.hasJob("sync_repo", 0, r.ID) {
		t.Fatalf("repo %v, jobs %+v", err, e.queued())
	}
	res, body = e.post(repos, url.Values{"repo": {"ACME/Payments-API"}})
	if got := text(doc(t, body).Find(`[data-testid="error-repo"]`)); got != "acme/payments-api is already linked to this board." {
		t.Fatalf("twice: %d %q", res.StatusCode, got)
	}
	// The team page lists it, with the failure the check found and what to do.
	e.st.RecordSyncResult(context.Background(), store.Scope{Kind: "repo", RepoID: r.ID}, e.s.Now(), "GitHub acme/payments-api: not found (HTTP 404)", nil)
	_, body = e.get("/teams/payments")
	if got := text(doc(t, body).Find(`[data-testid="repo-error"]`)); !strings.Contains(got, "GitHub has no such repository, or the token cannot see it") {
		t.Fatalf("team page repo error %q", got)
	}
	href, _ := doc(t, e.mustGet(settingsURL)).Find(`[data-testid="linked-repo"] form`).Attr("action")
	_, body = e.postOK(href, nil)
	if doc(t, body).Find(`[data-testid="linked-repo"]`).Length() != 0 {
		t.Fatal("still linked")
	}
	if _, err := e.st.RepoByName(context.Background(), "acme", "payments-api"); err == nil {
		t.Fatal("a repository no board links was kept")
	}
}

func (e *env) mustGet(target string) string {
	e.t.Helper()
	res, body := e.get(target)
	if res.StatusCode != 200 {
		e.t.Fatalf("GET %s: %d", target, res.StatusCode)
	}
	return body
}
