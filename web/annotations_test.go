package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Every refusal of the annotation form is shown beside its field, the
// values typed are kept, and nothing is added.
func TestAnnotationFormValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, date, end, label string
		field, msg             string
	}{
		{"no date", "", "", "WIP 3", "date", "Give the day it starts."},
		{"bad date", "2026-13-01", "", "WIP 3", "date", "Give a date as YYYY-MM-DD, e.g. 2026-03-02."},
		{"bad end", "2026-03-02", "soon", "Freeze", "end", "Give a date as YYYY-MM-DD, e.g. 2026-03-02."},
		{"end before start", "2026-03-02", "2026-03-01", "Freeze", "end", "The end date is before the start date: give a day on or after it."},
		{"no label", "2026-03-02", "", "  ", "label", `Say what changed, e.g. "WIP limit 3 from here".`},
		{"long label", "2026-03-02", "", strings.Repeat("x", 201), "label", "Use at most 200 characters."},
	}
	shared := newEnv(t, envOpts{})
	seedBoard(t, shared)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := shared.with(t)
			res, body := e.post("/teams/payments/boards/payments/annotations", url.Values{"date": {tt.date}, "end": {tt.end}, "label": {tt.label}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", res.StatusCode)
			}
			d := doc(t, body)
			if got := text(d.Find(`[data-testid="error-` + tt.field + `"]`)); got != tt.msg {
				t.Fatalf("message beside %s: %q, want %q", tt.field, got, tt.msg)
			}
			if v, _ := d.Find(`[data-testid="input-label"]`).Attr("value"); v != strings.TrimSpace(tt.label) {
				t.Fatalf("typed label not kept: %q", v)
			}
			notes, _ := e.st.Annotations(context.Background(), e.board().ID)
			if len(notes) != 0 {
				t.Fatalf("%d annotations added", len(notes))
			}
		})
	}
}

// An editor adds and deletes annotations; the team page lists them with a
// comparison link each; both changes are in the audit log.
func TestAddListDeleteAnnotation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	seedBoard(t, e)
	e.postOK("/teams/payments/boards/payments/annotations", url.Values{"date": {"2026-03-02"}, "end": {""}, "label": {"WIP limit 3 from here"}})
	e.postOK("/teams/payments/boards/payments/annotations", url.Values{"date": {"2026-01-05"}, "end": {"2026-01-09"}, "label": {"Release freeze"}})
	_, body := e.get("/teams/payments")
	d := doc(t, body)
	items := d.Find(`[data-testid="team-annotations"] [data-testid="annotation"]`)
	if items.Length() != 2 {
		t.Fatalf("%d annotations on the team page", items.Length())
	}
	if got := text(items.First()); !strings.Contains(got, "2026-01-05 to 2026-01-09 Release freeze") {
		t.Fatalf("first annotation: %q", got)
	}
	notes, _ := e.st.Annotations(context.Background(), e.board().ID)
	href, _ := items.Eq(1).Find(`[data-testid="annotation-compare"]`).Attr("href")
	if want := "/teams/payments/boards/payments/compare?ann=" + itoa(notes[1].ID); href != want {
		t.Fatalf("compare link %q, want %q", href, want)
	}
	del, _ := items.Eq(1).Find(`form`).Attr("action")
	e.postOK(del, url.Values{})
	notes, _ = e.st.Annotations(context.Background(), e.board().ID)
	if len(notes) != 1 || notes[0].Label != "Release freeze" {
		t.Fatalf("after delete: %+v", notes)
	}
	if res, _ := e.post(del, url.Values{}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("second delete: %d", res.StatusCode)
	}
	log, _ := e.st.AuditLog(context.Background(), 0, 0, 10)
	var actions []string
	for _, a := range log {
		if strings.HasPrefix(a.Action, "annotation.") {
			actions = append(actions, a.Action)
		}
	}
	if strings.Join(actions, ",") != "annotation.delete,annotation.create,annotation.create" {
		t.Fatalf("audit: %v", actions)
	}
}
