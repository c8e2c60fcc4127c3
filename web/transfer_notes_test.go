package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vger-dev/vger/internal/settings"
)

// Annotations go out with the settings file and come back in: a file with
// an annotations array replaces the board's, a file without one (from an
// older Vger) leaves them alone.
func TestExportImportAnnotations(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	seedBoard(t, e)
	e.postOK("/teams/payments/boards/payments/annotations", url.Values{"date": {"2026-03-02"}, "label": {"WIP limit 3 from here"}})
	e.postOK("/teams/payments/boards/payments/annotations", url.Values{"date": {"2026-01-05"}, "end": {"2026-01-09"}, "label": {"Release freeze"}})
	_, body := e.get(settingsURL + ".json")
	if !strings.Contains(body, `"annotations": [`) {
		t.Fatalf("no annotations in the export:\n%s", body)
	}
	doc0, err := settings.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	want := []settings.Annotation{{StartsOn: "2026-01-05", EndsOn: "2026-01-09", Label: "Release freeze"}, {StartsOn: "2026-03-02", Label: "WIP limit 3 from here"}}
	if got := *doc0.Annotations; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("exported %+v", got)
	}
	ctx := context.Background()
	notes := func() []string {
		ns, err := e.st.Annotations(ctx, e.board().ID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, n := range ns {
			out = append(out, n.Describe())
		}
		return out
	}

	tests := []struct {
		name  string
		edit  func(d *settings.Document)
		want  string
		audit bool
	}{
		{"same file: nothing changes", func(d *settings.Document) {}, "“Release freeze” (2026-01-05 to 2026-01-09),“WIP limit 3 from here” (2026-03-02)", false},
		{"older file without annotations keeps them", func(d *settings.Document) { d.Annotations = nil }, "“Release freeze” (2026-01-05 to 2026-01-09),“WIP limit 3 from here” (2026-03-02)", false},
		{"edited file replaces them", func(d *settings.Document) {
			*d.Annotations = []settings.Annotation{{StartsOn: "2026-04-01", Label: "Pairing rule"}}
		}, "“Pairing rule” (2026-04-01)", true},
		{"empty array removes them", func(d *settings.Document) { *d.Annotations = []settings.Annotation{} }, "", true},
	}
	for _, tt := range tests { // in order: each import starts where the last ended
		d := doc0
		list := append([]settings.Annotation(nil), *doc0.Annotations...)
		d.Annotations = &list
		tt.edit(&d)
		res, body := upload(e, settingsURL+"/import", d.JSON())
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: import %d %s", tt.name, res.StatusCode, errorText(body))
		}
		if got := strings.Join(notes(), ","); got != tt.want {
			t.Fatalf("%s: annotations %q, want %q", tt.name, got, tt.want)
		}
		log, _ := e.st.AuditLog(ctx, 0, 0, 1)
		if (log[0].Action == "annotation.import") != tt.audit {
			t.Fatalf("%s: last audit entry %s", tt.name, log[0].Action)
		}
	}
	// doc0 came from the export; the board now has none: restore from it.
	if res, body := upload(e, settingsURL+"/import", doc0.JSON()); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("restore: %d %s", res.StatusCode, errorText(body))
	}
	if got := len(notes()); got != 2 {
		t.Fatalf("restored %d annotations", got)
	}
}
