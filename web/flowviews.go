package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/views"
)

// viewSpec is a flow view's slice of the URL contract: which of the
// quadrant's parameters it takes (README "URL scheme") and its own.
type viewSpec struct {
	tab    string   // tab id
	path   string   // path under the board ("/flow")
	params []string // ViewParams parameters the view takes
	extra  []string // the view's own parameters
}

var (
	flowSpec     = viewSpec{tab: "flow", path: "/flow", params: []string{"weeks", "from", "to", "type", "start", "end", "tags", "notes", "format"}}
	agingSpec    = viewSpec{tab: "aging", path: "/aging", params: []string{"type", "start", "end", "days", "window", "format"}}
	blockedSpec  = viewSpec{tab: "blocked", path: "/blocked", params: []string{"weeks", "from", "to", "type", "start", "end", "days", "tags", "notes", "format"}}
	forecastSpec = viewSpec{tab: "forecast", path: "/forecast", params: []string{"type", "start", "end", "window", "format"},
		extra: []string{"items", "by", "seed", "trials", "asof"}}
	qualitySpec = viewSpec{tab: "quality", path: "/quality", params: []string{"format"}}
)

// tabURL links the view's tab, carrying the settings of the view shown
// (its canonical query) that this view also takes.
func (v viewSpec) tabURL(b store.Board, canon string) string {
	q, _ := url.ParseQuery(canon)
	delete(q, "format")
	return withQuery(boardPath(b)+v.path, Encode(v.keep(q)))
}

// headerQuery is the part of a flow view's canonical query that the board's
// tabs may carry: the quadrant's parameters (the view's own, like the
// forecast's seed, and the format stay behind).
func headerQuery(canon url.Values) string {
	q := url.Values{}
	for k, v := range canon {
		if k != "format" && slices.Contains(viewParamOrder, k) {
			q[k] = v
		}
	}
	return Encode(q)
}

// parse reads the view's URL: parameters it does not take are a 400
// naming them (never silently ignored), the rest as on the quadrant.
func (v viewSpec) parse(q url.Values, b store.Board) (ViewParams, error) {
	for k := range q {
		if k != "apply" && !slices.Contains(v.params, k) && !slices.Contains(v.extra, k) {
			return ViewParams{}, InvalidParam(k, "this view does not take it", strings.Join(append(slices.Clone(v.params), v.extra...), ", "))
		}
	}
	return ParseViewParams(q, b, v.extra...)
}

// keep drops the parameters the view does not take from q.
func (v viewSpec) keep(q url.Values) url.Values {
	for k := range q {
		if !slices.Contains(v.params, k) && !slices.Contains(v.extra, k) {
			delete(q, k)
		}
	}
	return q
}

// canonical is the view's canonical query (defaults left out) plus its own parameters.
func (v viewSpec) canonical(p ViewParams, b store.Board, own url.Values) url.Values {
	q := v.keep(p.Canonical(b))
	for k, vs := range own {
		q[k] = vs
	}
	return q
}

// permalink freezes the view: every setting it takes written out.
func (v viewSpec) permalink(p ViewParams, b store.Board, from, to flow.Date, own url.Values) url.Values {
	q := v.keep(p.Permalink(b, from, to))
	for k, vs := range own {
		q[k] = vs
	}
	return q
}

// redirect answers a submitted form (apply=1) with its canonical URL.
func (v viewSpec) redirect(w http.ResponseWriter, r *http.Request, b store.Board, q url.Values) bool {
	if !r.URL.Query().Has("apply") {
		return false
	}
	http.Redirect(w, r, withQuery(boardPath(b)+v.path, Encode(q)), http.StatusSeeOther)
	return true
}

// flowControls fills a flow view's form from its parameters.
func flowControls(b store.Board, p ViewParams, v viewSpec) views.FlowControls {
	has := func(k string) bool { return slices.Contains(v.params, k) }
	return views.FlowControls{Controls: viewControls(b, p), Range: has("weeks"), WorkTypes: has("type"),
		Lead: has("start"), Days: has("days"), Window: has("window"), Tags: has("tags")}
}

// viewLinks are the permalink and the downloads under a view.
func viewLinks(perm, jsonURL string, more ...views.Link) []views.Link {
	label := "Permalink (fixed settings)"
	if strings.Contains(perm, "from=") {
		label = "Permalink (fixed dates and settings)"
	}
	links := []views.Link{{Label: label, URL: perm, TestID: "permalink"}}
	links = append(links, more...)
	return append(links, views.Link{Label: "JSON", URL: jsonURL, TestID: "json"})
}

func dayUnit(d *boardData) string { return unitOf(d.Board.DayMode) }

// unitOf names the days of a day mode, for axes and captions.
func unitOf(dayMode string) string {
	if dayMode == "calendar" {
		return "Calendar days"
	}
	return "Working days"
}

// emptyBoard is the teaching empty state shared by the flow views.
func emptyBoard(d *boardData) string {
	if d.Items > 0 {
		return ""
	}
	for i := range d.Facts {
		if d.Facts[i].InScope {
			return ""
		}
	}
	if d.Status.LastOKAt == nil {
		return "This board has not been synced yet. The first sync is running or queued; this page fills in when it finishes."
	}
	return "The board's filter matches no issues. Check the board filter and the extra JQL in the board's settings."
}

func typesText(p ViewParams, b store.Board) string {
	if len(p.Types) == 0 || len(p.Types) == len(b.WorkTypes) {
		return "all work types"
	}
	return strings.Join(p.Types, ", ")
}

func svgName(b store.Board, chartID string, suffix fmt.Stringer) string {
	return fmt.Sprintf(`attachment; filename="%s-%s-%s.svg"`, b.Slug, chartID, suffix)
}
