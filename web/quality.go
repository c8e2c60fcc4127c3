package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/flowmap"
	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/views"
)

// unmappedStatus is a status no column maps, with the issues it touches.
type unmappedStatus struct {
	ID, Name, Category string
	Issues             int
}

type qualityData struct {
	b        store.Board
	d        *boardData
	q        flow.DataQuality
	st       store.BoardQuality
	unmapped []unmappedStatus
	issues   int // in scope
}

func (s *Server) qualityData(r *http.Request) (*qualityData, ViewParams, error) {
	b, err := s.boardFromURL(r)
	if err != nil {
		return nil, ViewParams{}, err
	}
	p, err := qualitySpec.parse(r.URL.Query(), b)
	if err != nil {
		return nil, p, err
	}
	d, err := s.loadBoardData(r.Context(), b, p)
	if err != nil {
		return nil, p, err
	}
	var issues []flow.Issue
	err = s.pages().BoardIssues(r.Context(), b.ID, func(bi store.BoardIssue) error {
		issues = append(issues, flowmap.Issue(bi))
		return nil
	})
	if err != nil {
		return nil, p, err
	}
	qd := &qualityData{b: b, d: d, q: d.Flow.DataQuality(issues)}
	if qd.st, err = s.pages().BoardQuality(r.Context(), b.ID); err != nil {
		return nil, p, err
	}
	sts, err := s.pages().JiraStatuses(r.Context())
	if err != nil {
		return nil, p, err
	}
	for id, n := range qd.q.UnmappedStatuses {
		u := unmappedStatus{ID: id, Name: id, Issues: n}
		for _, st := range sts {
			if st.ID == id {
				u.Name, u.Category = st.Name, st.Category
			}
		}
		qd.unmapped = append(qd.unmapped, u)
	}
	slices.SortFunc(qd.unmapped, func(a, b unmappedStatus) int {
		if a.Issues != b.Issues {
			return b.Issues - a.Issues
		}
		return strings.Compare(a.Name, b.Name)
	})
	qd.issues = len(issues) - qd.q.Deleted - qd.q.OutOfFilter
	return qd, p, nil
}

// qualityPage lists what the metrics had to work around, with counts.
func (s *Server) qualityPage(w http.ResponseWriter, r *http.Request) error {
	qd, p, err := s.qualityData(r)
	if err != nil {
		return err
	}
	if qualitySpec.redirect(w, r, qd.b, qualitySpec.canonical(p, qd.b, nil)) {
		return nil
	}
	if p.Format == "json" {
		return writeJSON(w, qualityJSON(qd))
	}
	m := s.qualityView(qd)
	s.forUser(r, &m.Page, &m.Board)
	return render(w, r, http.StatusOK, views.BoardViewPage(m))
}

// attention are the checks whose findings someone should act on.
var attention = map[string]bool{"unmapped": true, "moved": true, "mismatch": true, "out-of-filter": true, "config-changes": true}

// finding is one line of the data-quality summary.
type finding struct {
	id, what, fix string
	count         int
	settings      bool // the fix is in the board's settings: the row links there
}

func (qd *qualityData) findings() []finding {
	touched := 0
	for _, u := range qd.unmapped {
		touched += u.Issues
	}
	cfg := max(qd.st.Config.Snapshots-1, 0)
	return []finding{
		{"unmapped", "Statuses not mapped to any column", "Map each to a column in the board's settings; until then, time in them counts toward the column the item was in before (a done-category status counts as the last column).", len(qd.unmapped), true},
		{"unmapped-issues", "Issue visits to unmapped statuses (an issue counts once per status)", "", touched, false},
		{"no-history", "Issues without any status change", "Normal for new items. Many old ones mean the changelog was not readable: check the JIRA account's permissions.", qd.q.NoHistory, false},
		{"moved", "Issues with changes dated before their creation", "Those changes were moved to the creation time (JIRA imports and migrations do this).", qd.q.MovedChanges, false},
		{"mismatch", "Issues whose status disagrees with their history", "The history wins; a full sync (vger sync --full) re-reads them.", qd.q.StatusMismatch, false},
		{"key-changes", "Issues whose key changed (moved between projects)", "Nothing to do: Vger follows issues by id, so their history is kept.", len(qd.st.KeyChanges), false},
		{"deleted", "Deleted issues (left out of every view)", "", qd.q.Deleted, false},
		{"out-of-filter", "Issues that no longer match the board's filter (left out of every view)", "If they should count, widen the board's filter in JIRA or the extra JQL in Vger.", qd.q.OutOfFilter, false},
		{"config-changes", "Changes of the JIRA board's columns since Vger first mapped them", "Check the board's column mapping in its settings: new columns and statuses are not mapped by themselves.", cfg, true},
	}
}

func (s *Server) qualityView(qd *qualityData) views.BoardView {
	b, d := qd.b, qd.d
	path := boardPath(b) + qualitySpec.path
	m := views.BoardView{
		Page:   views.Page{Title: b.Name + " · Data quality", Version: s.Version},
		Board:  s.boardHeader(b, d, qualitySpec.tab, ""),
		NoForm: true,
		Intro:  fmt.Sprintf("What the metrics had to work around in this board's %s, and what to do about it.", plural(qd.issues, "issue in scope", "issues in scope")),
		Links: []views.Link{{Label: "Permalink", URL: path, TestID: "permalink"},
			{Label: "Data quality CSV", URL: boardPath(b) + "/quality.csv", TestID: "csv-quality", Download: true},
			{Label: "JSON", URL: path + "?format=json", TestID: "json"}},
	}
	sum := views.ListTable{ID: "findings", Caption: "Summary", Head: []string{"Check", "Count", "What to do"}}
	problems := 0
	for _, f := range qd.findings() {
		fix := views.ListCell{Text: f.fix}
		if f.settings && f.count > 0 {
			fix.URL = boardPath(b) + "/settings#mapping"
			fix.TestID = "q-" + f.id + "-fix"
		}
		row := views.ListRow{TestID: "q-" + f.id, Cells: []views.ListCell{{Text: f.what}, {Text: strconv.Itoa(f.count), TestID: "q-" + f.id + "-count", Class: "num"}, fix}}
		if f.count > 0 && attention[f.id] {
			row.Class = "attention"
			problems++
		}
		sum.Rows = append(sum.Rows, row)
	}
	m.Stats = []views.Stat{
		{Label: "Issues in scope", Value: strconv.Itoa(qd.issues), TestID: "stat-issues"},
		{Label: "Checks needing attention", Value: strconv.Itoa(problems), TestID: "stat-problems"},
	}
	un := views.ListTable{ID: "unmapped", Caption: "Unmapped statuses", EmptyText: "Every status the board's issues were in is mapped to a column.",
		Explain: "Map these in the board's settings. Issues created in one of them wait in the CFD's grey “unmapped” band until they reach a mapped status.",
		Head:    []string{"Status", "Category", "Issues that were in it"}}
	for _, u := range qd.unmapped {
		un.Rows = append(un.Rows, views.ListRow{TestID: "unmapped-" + u.ID, Cells: []views.ListCell{{Text: u.Name + " (" + u.ID + ")", URL: boardPath(b) + "/settings#mapping"}, {Text: u.Category}, {Text: strconv.Itoa(u.Issues), TestID: "unmapped-" + u.ID + "-count", Class: "num"}}})
	}
	keys := views.ListTable{ID: "keys", Caption: "Issues whose key changed", EmptyText: "No issue of this board has changed its key.",
		Head: []string{"Issue", "Keys it has had"}}
	for _, k := range qd.st.KeyChanges {
		keys.Rows = append(keys.Rows, views.ListRow{TestID: "key-" + k.Key, Cells: []views.ListCell{{Text: k.Key, URL: s.issueURL(k.Key)}, {Text: strings.Join(k.Keys, " → ")}}})
	}
	src := views.ListTable{ID: "sources", Caption: "Last successful sync per source", Head: []string{"Source", "Last success", "Last error"}}
	for i, so := range qd.st.Sources {
		last := "never"
		if so.LastOKAt != nil {
			last = ago(s.now(), *so.LastOKAt)
		}
		src.Rows = append(src.Rows, views.ListRow{TestID: fmt.Sprintf("source-%d", i), Cells: []views.ListCell{{Text: so.Name}, {Text: last, TestID: fmt.Sprintf("source-%d-ok", i)}, {Text: so.Error}}})
	}
	cfg := views.ListTable{ID: "config", Caption: "JIRA board configuration", Head: []string{"Configurations seen", "First read", "Latest change"},
		Rows: []views.ListRow{{TestID: "config", Cells: []views.ListCell{{Text: strconv.Itoa(qd.st.Config.Snapshots), TestID: "config-snapshots"},
			{Text: stampPtr(qd.st.Config.First, d.Flow.Location())}, {Text: stampPtr(qd.st.Config.Last, d.Flow.Location())}}}}}
	m.Tables = []views.ListTable{sum, un, keys, cfg, src}
	return m
}

func stampPtr(t *time.Time, loc *time.Location) string {
	if t == nil {
		return "–"
	}
	return t.In(loc).Format("2 Jan 2006 15:04")
}

// qualityCSV: one row per finding, then one per unmapped status and key change.
func (s *Server) qualityCSV(w http.ResponseWriter, r *http.Request) error {
	qd, _, err := s.qualityData(r)
	if err != nil {
		return err
	}
	c := newCSV(w, fmt.Sprintf("%s-data-quality-%s.csv", qd.b.Slug, qd.d.Flow.Today(s.now())))
	if err := c.Write("check", "item", "count", "detail"); err != nil {
		return err
	}
	for _, f := range qd.findings() {
		if err := c.Write(f.id, "", strconv.Itoa(f.count), f.what); err != nil {
			return err
		}
	}
	for _, u := range qd.unmapped {
		if err := c.Write("unmapped", u.Name+" ("+u.ID+")", strconv.Itoa(u.Issues), u.Category); err != nil {
			return err
		}
	}
	for _, k := range qd.st.KeyChanges {
		if err := c.Write("key-changes", k.Key, strconv.Itoa(len(k.Keys)), strings.Join(k.Keys, " ")); err != nil {
			return err
		}
	}
	return c.Close()
}

func qualityJSON(qd *qualityData) map[string]any {
	counts := map[string]int{}
	for _, f := range qd.findings() {
		counts[f.id] = f.count
	}
	unmapped := []map[string]any{}
	for _, u := range qd.unmapped {
		unmapped = append(unmapped, map[string]any{"id": u.ID, "name": u.Name, "category": u.Category, "issues": u.Issues})
	}
	keys := []map[string]any{}
	for _, k := range qd.st.KeyChanges {
		keys = append(keys, map[string]any{"key": k.Key, "keys": k.Keys})
	}
	sources := []map[string]any{}
	for _, so := range qd.st.Sources {
		sources = append(sources, map[string]any{"kind": so.Kind, "name": so.Name, "last_ok_at": so.LastOKAt, "last_error": so.Error})
	}
	return map[string]any{"board": qd.b.Name, "issues_in_scope": qd.issues, "counts": counts, "unmapped_statuses": unmapped,
		"key_changes": keys, "board_configurations": qd.st.Config.Snapshots, "sources": sources}
}
