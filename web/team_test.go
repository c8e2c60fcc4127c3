package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func text(d interface{ Text() string }) string { return strings.Join(strings.Fields(d.Text()), " ") }

// Every refusal of the team form is shown beside its field, the values
// typed are kept, and nothing is created.
func TestCreateTeamValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, team, slug string
		field, msg       string
	}{
		{"no name", "  ", "", "name", "Give the team a name."},
		{"long name", strings.Repeat("x", 201), "", "name", "Use at most 200 characters."},
		{"bad address", "Payments", "Pay Ments", "slug", "Use lower-case letters, digits and dashes, starting with a letter or digit, at most 63 characters."},
		{"address from nothing", "日本", "", "slug", "The name has no letters or digits to make an address from: choose one."},
		{"reserved address", "New", "", "slug", `"new" is reserved: choose another address.`},
		{"taken address", "Payments too", "payments", "slug", `The team "Payments" already lives at /teams/payments: choose another address.`},
	}
	shared := newEnv(t, envOpts{})
	shared.team("Payments", "payments")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := shared.with(t)
			res, body := e.post("/teams", url.Values{"name": {tt.team}, "slug": {tt.slug}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", res.StatusCode)
			}
			d := doc(t, body)
			if got := text(d.Find(`[data-testid="error-` + tt.field + `"]`)); got != tt.msg {
				t.Fatalf("message beside %s: %q, want %q", tt.field, got, tt.msg)
			}
			if v, _ := d.Find(`[data-testid="input-name"]`).Attr("value"); v != strings.TrimSpace(tt.team) {
				t.Fatalf("typed name not kept: %q", v)
			}
			if d.Find(`[data-testid="error-summary"] a[href="#f-`+tt.field+`"]`).Length() != 1 {
				t.Fatal("the summary does not link to the field")
			}
			teams, _ := e.st.ListTeams(context.Background())
			if len(teams) != 1 {
				t.Fatalf("%d teams", len(teams))
			}
		})
	}
}

func TestCreateRenameDeleteTeam(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	loc, body := e.postOK("/teams", url.Values{"name": {"Payments & Cards"}, "slug": {""}})
	if loc != "/teams/payments-cards" {
		t.Fatalf("went to %s", loc)
	}
	d := doc(t, body)
	if got := text(d.Find(`[data-testid="page-title"]`)); got != "Payments & Cards" {
		t.Fatalf("title %q", got)
	}
	if got := text(d.Find(`[data-testid="flash"]`)); !strings.Contains(got, "Team Payments & Cards created") {
		t.Fatalf("flash %q", got)
	}
	if d.Find(`[data-testid="no-boards"] a[href="/teams/payments-cards/boards/new"]`).Length() != 1 {
		t.Fatal("the empty team does not offer to add a board")
	}
	// The flash shows once.
	if _, again := e.get(loc); strings.Contains(again, `data-testid="flash"`) {
		t.Fatal("flash shown without its cookie")
	}
	// The home page links the team.
	_, home := e.get("/")
	if doc(t, home).Find(`a[data-testid="team-link"][href="/teams/payments-cards"]`).Length() != 1 {
		t.Fatal("home does not link the team")
	}

	e.team("Apps", "apps")
	res, body := e.post("/teams/payments-cards/settings", url.Values{"name": {"Checkout"}, "slug": {"apps"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(doc(t, body).Find(`[data-testid="error-slug"]`)), `"Apps" already lives at /teams/apps`) {
		t.Fatalf("taken address: %d %s", res.StatusCode, errorText(body))
	}
	loc, _ = e.postOK("/teams/payments-cards/settings", url.Values{"name": {"Checkout"}, "slug": {"checkout"}})
	if loc != "/teams/checkout" {
		t.Fatalf("went to %s", loc)
	}
	if res, _ := e.get("/teams/payments-cards"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("old address answers %d", res.StatusCode)
	}

	res, body = e.post("/teams/checkout/delete", url.Values{"confirm": {"Payments"}})
	if res.StatusCode != http.StatusUnprocessableEntity || text(doc(t, body).Find(`[data-testid="error-confirm"]`)) != "Type the team's name, Checkout, to confirm." {
		t.Fatalf("unconfirmed delete: %d %s", res.StatusCode, errorText(body))
	}
	_, body = e.get("/teams/checkout/delete")
	if got := text(doc(t, body).Find(`[data-testid="consequences"]`)); !strings.Contains(got, "the team (it has no boards)") {
		t.Fatalf("consequences %q", got)
	}
	loc, body = e.postOK("/teams/checkout/delete", url.Values{"confirm": {" checkout "}})
	if loc != "/" || !strings.Contains(text(doc(t, body).Find(`[data-testid="flash"]`)), "Team Checkout deleted.") {
		t.Fatalf("after delete: %s", loc)
	}
	// The log of every team keeps the deleted team's story.
	_, body = e.get("/audit")
	var actions []string
	doc(t, body).Find(`[data-testid="audit-row"]`).Each(func(_ int, s *goquery.Selection) {
		actions = append(actions, text(s.Find(`[data-testid="audit-action"]`))+" / "+text(s.Find(`[data-testid="audit-subject"]`)))
	})
	want := "Deleted the team / Checkout|Renamed the team / Checkout|Created the team / Payments & Cards"
	if strings.Join(actions, "|") != want {
		t.Fatalf("audit %q", actions)
	}
}

func TestTeamPageNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	for _, p := range []string{"/teams/nope", "/teams/Bad_Slug", "/teams/nope/boards/x/settings", "/teams/nope/audit"} {
		if res, _ := e.get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
	e.team("Payments", "payments")
	if res, body := e.get("/teams/payments?x=1"); res.StatusCode != http.StatusBadRequest || text(doc(t, body).Find(`[data-testid="error-param"]`)) != "x" {
		t.Fatalf("unknown parameter: %d", res.StatusCode)
	}
}
