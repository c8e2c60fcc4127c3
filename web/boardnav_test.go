package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vger-dev/vger/web"
)

// Every page of a board (each view, its annotations and its settings) has
// the board strip: the same tabs, the Annotations and Settings tabs among
// them, the page's own tab marked current, and the signed-in user in the
// header. "Refresh now" is for editors only. The pages are the route
// table's, so a page added later is swept too.
func TestEveryBoardPageHasTheBoardTabs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	seedBoard(t, e)
	e.s.Access = proxyAccess("boss@example.com")
	h := e.s.Routes()
	routes, err := web.GETRoutes(h)
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "/teams/{team}/boards/{board}"
	base := "/teams/payments/boards/payments"
	var pages []string
	for _, r := range routes {
		rest, ok := strings.CutPrefix(r, prefix)
		last := rest[strings.LastIndex(rest, "/")+1:]
		// Pages only: not the downloads (csv, svg, json), the charts, or
		// the delete confirmation (a form, not a place to navigate from).
		if !ok || strings.Contains(last, ".") || strings.Contains(rest, "/chart/") || rest == "/delete" {
			continue
		}
		pages = append(pages, base+strings.TrimSuffix(rest, "/"))
	}
	for _, want := range []string{base, base + "/flow", base + "/annotations", base + "/settings"} {
		if !strings.Contains(strings.Join(pages, " ")+" ", want+" ") {
			t.Fatalf("the sweep misses %s: %v", want, pages)
		}
	}
	active := map[string]string{base: "quadrant", base + "/prs/quarterly": "quarterly", base + "/blocked": "blocked"}
	for _, p := range pages {
		tab := active[p]
		if tab == "" {
			tab = p[strings.LastIndex(p, "/")+1:]
		}
		for _, who := range []struct {
			email, name string
			editor      bool
		}{{"ann@example.com", "ann", false}, {"boss@example.com", "boss", true}} {
			res, body := serve(h, newRequest(http.MethodGet, p, as(who.email)))
			if res.StatusCode != http.StatusOK {
				t.Errorf("GET %s as %s: status %d: %s", p, who.name, res.StatusCode, errorText(body))
				continue
			}
			d := doc(t, body)
			for id, href := range map[string]string{"tab-annotations": base + "/annotations", "tab-settings": base + "/settings"} {
				if got, _ := d.Find(`nav.tabs [data-testid="` + id + `"]`).Attr("href"); got != href {
					t.Errorf("%s: %s links %q, want %q", p, id, got, href)
				}
			}
			if got, _ := d.Find(`nav.tabs [aria-current="page"]`).Attr("data-testid"); got != "tab-"+tab {
				t.Errorf("%s: current tab %q, want tab-%s", p, got, tab)
			}
			if got := text(d.Find(`header.site [data-testid="user"]`)); !strings.HasPrefix(got, who.name+" ") {
				t.Errorf("%s as %s: header names %q", p, who.name, got)
			}
			if refresh := d.Find(`[data-testid="refresh"]`).Length() == 1; refresh != who.editor {
				t.Errorf("%s as %s: refresh shown %v, want %v", p, who.name, refresh, who.editor)
			}
			if p == base+"/settings" {
				// Only editors are offered the board's deletion.
				if del := d.Find(`[data-testid="delete-board"]`).Length() == 1; del != who.editor {
					t.Errorf("settings as %s: delete link shown %v, want %v", who.name, del, who.editor)
				}
			}
		}
	}
}
