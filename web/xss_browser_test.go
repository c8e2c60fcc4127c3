package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	"github.com/vger-dev/vger/internal/browsertest"
	"github.com/vger-dev/vger/internal/sim"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
	"github.com/vger-dev/vger/web"
)

// xssExcluded are the GET routes the sweep does not visit, each with why.
// Every other route of the route table must be filled and visited: a new
// page is swept without touching this test, or it fails until it is
// listed here with a reason.
var xssExcluded = map[string]string{
	"/static/*": "embedded files (CSS, JS, icons): fixed bytes, no data and no parameters",
}

// TestXSSSweep is issue 14's hostile-input browser suite. The simulator
// puts its XSS and CSV-formula corpus (sim.Payloads, more than 100) into
// issue summaries, status, issue type, project, board, column, user and
// tag names and PR titles; a real sync stores them; team, board, repo and
// annotation names and audit actors with payloads go in through the store.
// Then every GET route of the route table (web.GETRoutes), filled with the
// seeded team and board and with what the pages link to (chart names), is
// fetched over HTTP and checked by parsing (HTML: no script but our own
// files, no on* attribute, no javascript: URL; SVG: well-formed XML with
// no script, foreignObject or handler; CSV: no cell a spreadsheet would
// run; JSON: valid), and every HTML page and SVG is opened in headless
// Chromium: no dialog may open, window.__xss must stay unset and the
// title unchanged.
//
// The browser loads the pages WITHOUT the Content-Security-Policy header:
// the CSP (script-src 'self', no inline script or handlers) would stop most
// of these payloads even if a page forgot to escape one, so a sweep under
// the CSP would prove the CSP, not the escaping. With the header removed, a
// payload that reaches the DOM as markup runs and fails the test. The
// header itself is checked on a page of the original handler. The same
// goes for the charts' SVGs, served as attachments: the sweep removes
// Content-Disposition so that Chromium opens each one as a document.
func TestXSSSweep(t *testing.T) {
	t.Parallel()
	began := time.Now()
	e := newEnv(t, envOpts{sim: true, github: true, hostile: true, issues: 300})
	team, board := seedHostile(t, e)
	t.Logf("seeded in %s", time.Since(began).Round(time.Millisecond))

	routes, err := web.GETRoutes(e.h)
	if err != nil {
		t.Fatal(err)
	}
	fill := map[string]string{"{team}": team.Slug, "{board}": board.Slug}
	type route struct {
		pattern string
		re      *regexp.Regexp
		visited int
	}
	var table []*route
	var queue []string
	for _, p := range routes {
		if _, ok := xssExcluded[p]; ok {
			continue
		}
		p = strings.TrimSuffix(p, "/")
		if p == "" {
			p = "/"
		}
		r := &route{pattern: p, re: routeRegexp(p)}
		table = append(table, r)
		u := p
		for k, v := range fill {
			u = strings.ReplaceAll(u, k, url.PathEscape(v))
		}
		if !strings.ContainsAny(u, "{*") {
			queue = append(queue, u)
		}
	}
	for p := range xssExcluded {
		if !slices.Contains(routes, p) {
			t.Errorf("excluded route %s is not in the route table any more", p)
		}
	}

	srv := httptest.NewServer(withoutCSP(e.h))
	defer srv.Close()
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	// Phase 1, over HTTP: fetch, check by parsing, follow the links to
	// the routes' other URLs (one per path).
	payloads := sim.Payloads()
	seenPayload := map[int]bool{}
	seenPath := map[string]bool{}
	var browse []string // HTML pages and SVGs, for phase 2
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		path, _, _ := strings.Cut(u, "?")
		if seenPath[path] {
			continue
		}
		seenPath[path] = true
		var r *route
		for _, c := range table {
			if c.re.MatchString(path) {
				r = c
				break
			}
		}
		if r == nil {
			continue // a link outside the route table (e.g. the static files)
		}
		r.visited++
		res, err := client.Get(srv.URL + u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode >= 300 && res.StatusCode < 400 {
			queue = append(queue, res.Header.Get("Location"))
			continue
		}
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d", u, res.StatusCode)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", u)
		}
		for k, p := range payloads {
			if len(p) > 12 && (strings.Contains(string(body), p) || strings.Contains(html.UnescapeString(string(body)), p)) {
				seenPayload[k] = true
			}
		}
		ct, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
		switch ct {
		case "text/html":
			links, problems := checkHTML(body)
			for _, p := range problems {
				t.Errorf("GET %s: %s", u, p)
			}
			for _, l := range links {
				if l, ok := sameOrigin(l); ok {
					queue = append(queue, l)
				}
			}
			browse = append(browse, u)
		case "image/svg+xml":
			for _, p := range checkSVG(body) {
				t.Errorf("GET %s: %s", u, p)
			}
			browse = append(browse, u)
		case "text/csv":
			for _, p := range checkCSV(body) {
				t.Errorf("GET %s: %s", u, p)
			}
		case "application/json":
			if !json.Valid(body) {
				t.Errorf("GET %s: invalid JSON", u)
			}
		case "text/plain":
		default:
			t.Errorf("GET %s: unexpected content type %q", u, ct)
		}
	}
	for _, r := range table {
		if r.visited == 0 {
			t.Errorf("route %s: the sweep found no URL for it: fill its parameters in TestXSSSweep, link it from a page, or add it to xssExcluded with the reason", r.pattern)
		}
	}
	t.Logf("HTTP phase: %d URLs of %d routes, %d of %d payloads seen in responses, %s", len(seenPath), len(table), len(seenPayload), len(payloads), time.Since(began).Round(time.Millisecond))
	if len(seenPayload) < 40 {
		t.Errorf("only %d payloads reached the responses: is the hostile data synced?", len(seenPayload))
	}

	// The CSP header is there in the product (the sweep's server strips it).
	if res, _ := e.get("/teams/" + team.Slug + "/boards/" + board.Slug + "/flow"); !strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("no CSP on pages: %q", res.Header.Get("Content-Security-Policy"))
	}

	// Phase 2, in Chromium: a few tabs share the URLs.
	const tabs = 3
	work := make(chan string)
	var mu sync.Mutex
	var wg sync.WaitGroup
	var all []*xssTab
	for range tabs {
		all = append(all, newXSSTab(t))
	}
	for _, tab := range all {
		wg.Go(func() {
			for u := range work {
				for _, p := range tab.visit(srv.URL + u) {
					mu.Lock()
					t.Errorf("browser %s: %s", u, p)
					mu.Unlock()
				}
			}
		})
	}
	for _, u := range browse {
		work <- u
	}
	close(work)
	wg.Wait()
	t.Logf("browser phase: %d pages and SVGs, done at %s", len(browse), time.Since(began).Round(time.Millisecond))
}

// xssTab is a tab that records the dialogs that open in it (and closes
// them, so that the page goes on loading).
type xssTab struct {
	ctx     context.Context
	mu      sync.Mutex
	dialogs []string
}

func newXSSTab(t *testing.T) *xssTab {
	tab := &xssTab{ctx: browsertest.TabFor(t, 5*time.Minute)}
	// One listener for the tab's life (the tab's context ends it).
	if err := chromedp.Listen(tab.ctx, func(ev any) {
		if d, ok := ev.(*cdppage.EventJavascriptDialogOpening); ok {
			tab.mu.Lock()
			tab.dialogs = append(tab.dialogs, fmt.Sprintf("a %s dialog opened: %q (payload %s)", d.Type, d.Message, payloadName(d.Message)))
			tab.mu.Unlock()
			go chromedp.Call(tab.ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
		}
	}); err != nil {
		t.Fatal(err)
	}
	return tab
}

// visit opens u in the tab and reports script that ran: a dialog (each
// payload alerts its own marker), window.__xss set, or the title changed
// by a payload.
func (tab *xssTab) visit(u string) []string {
	problems := tab.run(u)
	tab.mu.Lock()
	defer tab.mu.Unlock()
	problems = append(tab.dialogs, problems...)
	tab.dialogs = nil
	return problems
}

func (tab *xssTab) run(u string) []string {
	if err := chromedp.Do(tab.ctx, chromedp.Navigate(u)); err != nil {
		return []string{"load: " + err.Error()}
	}
	got, err := chromedp.Run(tab.ctx, chromedp.Evaluate[string](`JSON.stringify([String(window.__xss), document.title])`))
	if err != nil {
		return []string{"evaluate: " + err.Error()}
	}
	var v [2]string
	json.Unmarshal([]byte(got), &v)
	var problems []string
	if v[0] != "undefined" {
		problems = append(problems, fmt.Sprintf("window.__xss = %s (payload %s)", v[0], payloadName(v[0])))
	}
	if strings.HasPrefix(v[1], "xss-") {
		problems = append(problems, fmt.Sprintf("a payload set the title to %q", v[1]))
	}
	return problems
}

// payloadName finds the payload whose marker a dialog or window.__xss shows.
func payloadName(marker string) string {
	n, err := strconv.Atoi(strings.TrimSpace(marker))
	ps := sim.Payloads()
	if err != nil || n < sim.HostileMarkerBase || n-sim.HostileMarkerBase >= len(ps) {
		return "?"
	}
	return strconv.Quote(ps[n-sim.HostileMarkerBase])
}

// seedHostile fills the database from the hostile simulator by a real
// sync (the Payments board, its repositories, pull requests and tags),
// then adds what only Vger's users name: a team, a repository, an
// annotation and audit actors with payloads.
func seedHostile(t *testing.T, e *env) (store.Team, store.Board) {
	t.Helper()
	ctx := context.Background()
	ps := sim.Payloads()
	b, err := e.syncer.AddBoard(ctx, vsync.NewBoard{JiraBoardID: 3, TeamName: "Team " + ps[0],
		Audit: &store.AuditEntry{Actor: ps[1], Action: "board.create"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.syncer.SyncBoard(ctx, b.ID, true); err != nil {
		t.Fatal(err)
	}
	for _, r := range e.sim.BoardRepos(3) {
		repo, err := e.syncer.AddRepo(ctx, r.Owner, r.Name, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.syncer.SyncRepo(ctx, repo.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	// Repository names are owner/name-checked down to the database (a
	// hostile one is refused there); its default branch is free text.
	if _, err := e.st.EnsureRepo(ctx, "acme", ps[2], "main"); err == nil {
		t.Error("the store took a repository named " + ps[2])
	}
	repo, err := e.st.EnsureRepo(ctx, "acme", "hostile-repo", ps[3])
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.LinkRepo(ctx, b.ID, repo.ID); err != nil {
		t.Fatal(err)
	}
	// Every tag is a release (the hostile names are on nightlies), and
	// the board's name is a payload.
	b, err = e.st.Board(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	b.TagPattern = "."
	b.Name = ps[4]
	if b, err = e.st.UpdateBoard(ctx, b, store.AuditEntry{Actor: ps[5], Action: "board.settings", Summary: ps[6]}); err != nil {
		t.Fatal(err)
	}
	now := e.sim.Now()
	for k, p := range ps[7:12] {
		n := store.Annotation{StartsOn: now.AddDate(0, 0, -20*(k+1)).Truncate(24 * time.Hour), Label: p}
		if k%2 == 1 {
			n.EndsOn = n.StartsOn.AddDate(0, 0, 5)
		}
		if _, err := e.st.CreateAnnotation(ctx, b, n, store.AuditEntry{Actor: ps[12+k], Action: "annotation.create", At: now}); err != nil {
			t.Fatal(err)
		}
	}
	// Another team, named with a payload, with no board.
	if _, err := e.st.CreateTeam(ctx, ps[20], "other-team"); err != nil {
		t.Fatal(err)
	}
	team, err := e.st.TeamBySlug(ctx, b.TeamSlug)
	if err != nil {
		t.Fatal(err)
	}
	return team, b
}

// withoutCSP serves h with its Content-Security-Policy and
// Content-Disposition headers removed: the charts' SVGs are downloads
// (attachment), which a browser does not open as documents; without the
// header it does, and script in them would run.
func withoutCSP(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&noCSPWriter{ResponseWriter: w}, r)
	})
}

type noCSPWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *noCSPWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		w.Header().Del("Content-Security-Policy")
		w.Header().Del("Content-Disposition")
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *noCSPWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *noCSPWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// routeRegexp matches the paths of a chi pattern.
func routeRegexp(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '{':
			j := strings.IndexByte(p[i:], '}')
			b.WriteString("[^/]+")
			i += j
		case '*':
			b.WriteString(".*")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("/?$")
	return regexp.MustCompile(b.String())
}

// sameOrigin turns a link into a path and query on the test server.
func sameOrigin(link string) (string, bool) {
	u, err := url.Parse(link)
	if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(u.Path, "/") {
		return "", false
	}
	u.Fragment = ""
	return u.RequestURI(), true
}

// urlAttrs hold URLs; a javascript:, vbscript: or data:text/html value in
// one would run script when followed or loaded.
var urlAttrs = map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "data": true, "xlink:href": true, "poster": true, "background": true}

func dangerousURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, strings.ToLower(html.UnescapeString(v)))
	return strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:text/html")
}

// checkHTML parses a page and reports markup that could run script; it
// returns the page's links (a href, img src, object data, form action).
func checkHTML(body []byte) (links, problems []string) {
	doc, err := html.Parse(strings.NewReader(string(body)))
	if err != nil {
		return nil, []string{"parse: " + err.Error()}
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name := strings.ToLower(n.Data)
			switch name {
			case "script":
				src := htmlAttr(n, "src")
				if !strings.HasPrefix(src, "/static/") || n.FirstChild != nil {
					problems = append(problems, fmt.Sprintf("script element not from /static/: %s", render(n)))
				}
			case "iframe", "object", "embed", "base", "frame", "frameset", "foreignobject", "link":
				if name != "link" || htmlAttr(n, "rel") == "import" {
					problems = append(problems, fmt.Sprintf("%s element: %s", name, render(n)))
				}
			case "meta":
				if strings.EqualFold(htmlAttr(n, "http-equiv"), "refresh") {
					problems = append(problems, "meta refresh: "+render(n))
				}
			}
			for _, a := range n.Attr {
				k := strings.ToLower(a.Key)
				if a.Namespace != "" {
					k = a.Namespace + ":" + k
				}
				switch {
				case strings.HasPrefix(k, "on"):
					problems = append(problems, fmt.Sprintf("event handler attribute %s on <%s>: %.200s", k, name, render(n)))
				case urlAttrs[k] && dangerousURL(a.Val):
					problems = append(problems, fmt.Sprintf("script URL in %s on <%s>: %.200q", k, name, a.Val))
				case k == "style" && (strings.Contains(strings.ToLower(a.Val), "expression(") || strings.Contains(strings.ToLower(a.Val), "javascript:")):
					problems = append(problems, fmt.Sprintf("script in style on <%s>: %.200q", name, a.Val))
				case k == "srcdoc":
					problems = append(problems, fmt.Sprintf("srcdoc on <%s>", name))
				}
				if (name == "a" && k == "href") || (name == "img" && k == "src") || (name == "form" && k == "action") {
					links = append(links, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return links, problems
}

func htmlAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func render(n *html.Node) string {
	var b strings.Builder
	html.Render(&b, n)
	s := b.String()
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// checkSVG parses an SVG document as XML (a browser shows nothing of a
// malformed one, and a payload that broke out of a text node usually
// makes it malformed) and reports elements and attributes that run script.
func checkSVG(body []byte) []string {
	var problems []string
	d := xml.NewDecoder(strings.NewReader(string(body)))
	d.Strict = true
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return append(problems, "not well-formed XML: "+err.Error())
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch strings.ToLower(el.Name.Local) {
		case "script", "foreignobject", "iframe", "object", "embed", "handler":
			problems = append(problems, "<"+el.Name.Local+"> element")
		}
		for _, a := range el.Attr {
			k := strings.ToLower(a.Name.Local)
			switch {
			case strings.HasPrefix(k, "on"):
				problems = append(problems, fmt.Sprintf("event handler %s on <%s>", k, el.Name.Local))
			case (k == "href" || k == "src") && dangerousURL(a.Value):
				problems = append(problems, fmt.Sprintf("script URL on <%s>: %q", el.Name.Local, a.Value))
			}
		}
	}
	return problems
}

// checkCSV reports cells that a spreadsheet would read as a formula: a
// cell starting with = + - @, a tab or a carriage return, unless it is a
// plain number (negative numbers are data).
func checkCSV(body []byte) []string {
	r := csv.NewReader(strings.NewReader(string(body)))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return []string{"not CSV: " + err.Error()}
	}
	var problems []string
	for i, row := range rows {
		for _, c := range row {
			if c == "" || !strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				continue
			}
			if _, err := strconv.ParseFloat(c, 64); err == nil {
				continue
			}
			problems = append(problems, fmt.Sprintf("row %d: formula cell %.80q", i+1, c))
		}
	}
	return problems
}

// TestXSSDetector shows that the sweep's checks see script that runs:
// a page and an SVG that do not escape payloads fail each check.
func TestXSSDetector(t *testing.T) {
	t.Parallel()
	ps := sim.Payloads()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k, _ := strconv.Atoi(r.URL.Query().Get("p"))
		if r.URL.Path == "/x.svg" {
			w.Header().Set("Content-Type", "image/svg+xml")
			fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg"><text>%s</text></svg>`, ps[k])
			return
		}
		fmt.Fprintf(w, `<!doctype html><title>t</title><p>%s</p>`, ps[k])
	}))
	defer srv.Close()
	tab := newXSSTab(t)
	for _, c := range []struct {
		url, want string
	}{
		{"/?p=0", "alert dialog opened: \"1000\""},
		{"/?p=1", "window.__xss = 1001"},
		{"/?p=5", `title to "xss-1005"`},
		{"/?p=15", "alert dialog opened: \"1015\""}, // <img src=x onerror=alert(N)>
		{"/x.svg?p=29", "alert dialog opened"},      // <svg><script>alert(N)</script></svg>
	} {
		got := strings.Join(tab.visit(srv.URL+c.url), "; ")
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.url, got, c.want)
		}
	}
	if _, p := checkHTML([]byte("<p>" + ps[15] + "</p>")); len(p) == 0 {
		t.Error("checkHTML let an onerror attribute through")
	}
	if p := checkSVG([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><text>` + ps[29] + `</text></svg>`)); len(p) == 0 {
		t.Error("checkSVG let a script element through")
	}
	if p := checkCSV([]byte("a,=cmd|' /C calc'!A0\n")); len(p) == 0 {
		t.Error("checkCSV let a formula through")
	}
}
