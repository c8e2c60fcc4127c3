package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/store"
)

// ann=<id> fills the periods around an annotation (8 weeks before its
// date, 8 weeks from it or its period) and redirects to the dates written
// out; the result is the same page as those dates typed in. An unknown or
// malformed id is a 400 naming ann.
func TestCompareFromAnnotation(t *testing.T) {
	t.Parallel()
	s, st := loadFixture(t)
	ctx := context.Background()
	b, err := st.BoardBySlugs(ctx, "payments", "pay")
	if err != nil {
		t.Fatal(err)
	}
	who := store.AuditEntry{At: time.Now(), Actor: "alice@example.com", Action: "annotation.create"}
	add := func(n store.Annotation) string {
		t.Helper()
		n, err := st.CreateAnnotation(ctx, b, n, who)
		if err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(n.ID, 10)
	}
	wip := add(store.Annotation{StartsOn: time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC), Label: "WIP limit 3"})
	freeze := add(store.Annotation{StartsOn: time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2025, 3, 16, 0, 0, 0, 0, time.UTC), Label: "Freeze"})
	tests := []struct {
		name, query, want string
	}{
		{"a day", "ann=" + wip, "a0=2025-01-13&a1=2025-03-09&b0=2025-03-10&b1=2025-05-04"},
		{"a period", "ann=" + freeze, "a0=2025-01-06&a1=2025-03-02&b0=2025-03-03&b1=2025-03-16"},
		{"dates given win", "ann=" + wip + "&b1=2025-03-23&seed=7", "a0=2025-01-13&a1=2025-03-09&b0=2025-03-10&b1=2025-03-23&seed=7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			s.Routes().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, quadrantURL+"/compare?"+tt.query, nil))
			want := quadrantURL + "/compare?" + tt.want
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != want {
				t.Fatalf("redirect %d %q, want %q", rec.Code, rec.Header().Get("Location"), want)
			}
			res, body := get(t, s.Routes(), want)
			if res.StatusCode != 200 {
				t.Fatalf("%d %s", res.StatusCode, body)
			}
			// The CSV takes ann as well, and gives what the dates give.
			_, viaAnn := get(t, s.Routes(), quadrantURL+"/compare.csv?"+tt.query)
			_, viaDates := get(t, s.Routes(), quadrantURL+"/compare.csv?"+tt.want)
			if viaAnn != viaDates {
				t.Fatalf("csv via ann differs:\n%s\n%s", viaAnn, viaDates)
			}
		})
	}
	for _, q := range []string{"ann=x", "ann=999999", "ann=1&ann=2"} {
		res, body := get(t, s.Routes(), quadrantURL+"/compare?"+q)
		if res.StatusCode != http.StatusBadRequest || doc(t, body).Find(`[data-testid="error-param"]`).Text() != "ann" {
			t.Errorf("%s: %d, want 400 naming ann", q, res.StatusCode)
		}
	}
}
