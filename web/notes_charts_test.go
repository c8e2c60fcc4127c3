package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/store"
)

// Annotations are labelled markers (a day) and bands (a period) on every
// time chart of the board, JIRA and PR alike, and hidden with notes=off.
func TestAnnotationMarkersAndBands(t *testing.T) {
	t.Parallel()
	s := loadPRFixture(t)
	ctx := context.Background()
	st := s.Store
	b, err := st.BoardBySlugs(ctx, "payments", "pay")
	if err != nil {
		t.Fatal(err)
	}
	who := store.AuditEntry{At: time.Now(), Actor: "alice@example.com", Action: "annotation.create"}
	day := func(d int) time.Time { return time.Date(2025, 3, d, 0, 0, 0, 0, time.UTC) }
	for _, n := range []store.Annotation{
		{StartsOn: day(10), Label: "WIP limit 3 from here"},
		{StartsOn: day(17), EndsOn: day(19), Label: "Release freeze"},
		{StartsOn: day(1).AddDate(-1, 0, 0), Label: "Out of range"},
	} {
		if _, err := st.CreateAnnotation(ctx, b, n, who); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, url string
		want      bool
	}{
		{"quadrant", quadrantURL + "?from=2025-03-03&to=2025-03-23", true},
		{"quadrant notes=on", quadrantURL + "?from=2025-03-03&to=2025-03-23&notes=on", true},
		{"quadrant notes=off", quadrantURL + "?from=2025-03-03&to=2025-03-23&notes=off", false},
		{"pull requests", prURL + "?from=2025-03-03&to=2025-03-23", true},
		{"pull requests notes=off", prURL + "?from=2025-03-03&to=2025-03-23&notes=off", false},
		{"flow", quadrantURL + "/flow?from=2025-03-03&to=2025-03-23", true},
		{"flow notes=off", quadrantURL + "/flow?from=2025-03-03&to=2025-03-23&notes=off", false},
		{"blocked", quadrantURL + "/blocked?from=2025-03-03&to=2025-03-23", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, body := get(t, s.Routes(), tt.url)
			if res.StatusCode != 200 {
				t.Fatalf("status %d", res.StatusCode)
			}
			d := doc(t, body)
			charts := d.Find(`svg[data-testid^="chart-"]`).Length()
			marks := d.Find(`svg [data-testid$="-notes"]`)
			bands := d.Find(`svg [data-testid$="-note-periods"]`)
			if !tt.want {
				if marks.Length()+bands.Length() != 0 {
					t.Fatalf("%d marker and %d band layers with notes=off", marks.Length(), bands.Length())
				}
				return
			}
			if charts == 0 || marks.Length() != charts || bands.Length() != charts {
				t.Fatalf("%d charts, %d with annotation markers, %d with bands", charts, marks.Length(), bands.Length())
			}
			if txt := marks.First().Text(); !strings.Contains(txt, "WIP limit 3 from here") || strings.Contains(txt, "Out of range") {
				t.Errorf("markers %q", txt)
			}
			if txt := bands.First().Text(); !strings.Contains(txt, "Release freeze") {
				t.Errorf("bands %q", txt)
			}
		})
	}
}

// The scatterplots of both quarterly views (JIRA issues and pull requests,
// drawn by the shared quarters code) carry the annotations too.
func TestAnnotationsOnQuarterlyScatter(t *testing.T) {
	t.Parallel()
	s := loadPRFixture(t)
	ctx := context.Background()
	b, err := s.Store.BoardBySlugs(ctx, "payments", "pay")
	if err != nil {
		t.Fatal(err)
	}
	who := store.AuditEntry{At: time.Now(), Actor: "alice@example.com", Action: "annotation.create"}
	for _, n := range []store.Annotation{
		{StartsOn: time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC), Label: "WIP limit 3 from here"},
		{StartsOn: time.Date(2025, 3, 17, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2025, 3, 19, 0, 0, 0, 0, time.UTC), Label: "Release freeze"},
	} {
		if _, err := s.Store.CreateAnnotation(ctx, b, n, who); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct{ url, chart string }{
		{quadrantURL + "/quarterly?qfrom=2025-Q1&qto=2025-Q1", "leadtime"},
		{prURL + "/quarterly?qfrom=2025-Q1&qto=2025-Q1", "prleadtime"},
	} {
		t.Run(tt.chart, func(t *testing.T) {
			t.Parallel()
			for _, notes := range []string{"on", "off"} {
				res, body := get(t, s.Routes(), tt.url+"&notes="+notes)
				if res.StatusCode != 200 {
					t.Fatalf("notes=%s: status %d", notes, res.StatusCode)
				}
				svg := doc(t, body).Find(`svg[data-testid="chart-` + tt.chart + `"]`)
				if svg.Length() != 1 {
					t.Fatalf("notes=%s: no chart-%s", notes, tt.chart)
				}
				marks, bands := svg.Find(`[data-testid$="-notes"]`), svg.Find(`[data-testid$="-note-periods"]`)
				if notes == "off" {
					if marks.Length()+bands.Length() != 0 {
						t.Fatalf("notes=off: %d marker and %d band layers", marks.Length(), bands.Length())
					}
					continue
				}
				if !strings.Contains(marks.Text(), "WIP limit 3 from here") || !strings.Contains(bands.Text(), "Release freeze") {
					t.Fatalf("notes=on: markers %q, bands %q", marks.Text(), bands.Text())
				}
			}
		})
	}
}

// Every view with time charts has the annotations toggle in its form, and
// the submitted form keeps notes=off in the canonical URL.
func TestNotesToggleInForms(t *testing.T) {
	t.Parallel()
	s := loadPRFixture(t)
	for _, u := range []string{quadrantURL, prURL, quadrantURL + "/quarterly", prURL + "/quarterly", quadrantURL + "/flow", quadrantURL + "/blocked"} {
		t.Run(u, func(t *testing.T) {
			t.Parallel()
			_, body := get(t, s.Routes(), u+"?notes=off")
			if v, _ := doc(t, body).Find(`[data-testid="in-notes"] option[selected]`).Attr("value"); v != "off" {
				t.Fatalf("toggle shows %q, want off", v)
			}
		})
	}
	rec := httptest.NewRecorder()
	s.Routes().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, quadrantURL+"?weeks=12&from=&to=&tags=on&notes=off&apply=1", nil))
	if want := quadrantURL + "?weeks=12&notes=off"; rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != want {
		t.Fatalf("form redirect %d %q, want %q", rec.Code, rec.Header().Get("Location"), want)
	}
}
