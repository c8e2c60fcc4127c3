package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/flowmap"
	"github.com/vger-dev/vger/internal/jira"
	"github.com/vger-dev/vger/internal/settings"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
	"github.com/vger-dev/vger/web/views"
)

// settingsExtra is what a settings page shows besides the form: the
// result of linking a repository or importing a file.
type settingsExtra struct {
	repoValue, repoError string
	importText           string
	importErrors         []string
}

// boardSettings shows a board's settings.
func (s *Server) boardSettings(w http.ResponseWriter, r *http.Request) error {
	if err := rejectUnknownParams(r); err != nil {
		return err
	}
	t, b, err := s.teamBoard(r)
	if err != nil {
		return err
	}
	return s.renderSettings(w, r, t, b, formFromBoard(b), views.Errors{}, settingsExtra{}, http.StatusOK)
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, t store.Team, b store.Board, f settingsForm, errs views.Errors, x settingsExtra, status int) error {
	ctx := r.Context()
	usage, err := s.Store.BoardStatusUsage(ctx, b.ID)
	if err != nil {
		return err
	}
	types, err := s.Store.BoardIssueTypeUsage(ctx, b.ID)
	if err != nil {
		return err
	}
	fr, err := s.freshness(ctx)
	if err != nil {
		return err
	}
	repos, err := s.Store.BoardRepos(ctx, b.ID)
	if err != nil {
		return err
	}
	h, err := s.boardPageHeader(r, b, "settings")
	if err != nil {
		return err
	}
	// The board strip carries the trail (Teams › team › board).
	m := views.BoardSettings{
		Page:        s.page(w, r, b.Name+" settings"),
		Board:       h,
		TeamName:    t.Name,
		BoardName:   b.Name,
		SettingsURL: boardURL(t, b) + "/settings",
		ExportURL:   boardURL(t, b) + "/settings.json",
		ImportURL:   boardURL(t, b) + "/settings/import",
		RepoURL:     boardURL(t, b) + "/repos",
		DeleteURL:   boardURL(t, b) + "/delete",
		JiraBoardID: b.JiraBoardID,
		FilterJQL:   b.FilterJQL,
		Version:     f.Version,
		Errors:      errs,
		Values:      f.Values,
		RepoValue:   x.repoValue,
		RepoError:   x.repoError,
		ImportText:  x.importText,
		ImportError: x.importErrors,
		TimeZones:   zonesWith(f.Values.TimeZone),
	}
	if s.JiraURL != "" {
		m.JiraLink = strings.TrimRight(s.JiraURL, "/") + "/secure/RapidBoard.jspa?rapidView=" + strconv.FormatInt(b.JiraBoardID, 10)
	}
	if s.Sources == nil || s.Sources.CodeHost == nil {
		m.RepoOff = "GitHub is not configured on this server (GITHUB_TOKEN is not set), so repositories cannot be linked yet. Whoever runs Vger can set it (see “vger help config”)."
	}
	for _, src := range []struct{ name, jql string }{{"The board's filter", b.FilterJQL}, {"The extra JQL", f.Values.ExtraJQL}} {
		for _, h := range jira.HidesFinishedWork(src.jql) {
			m.Warnings = append(m.Warnings, views.Warning{Source: src.name, Clause: h.Clause, Why: h.Why})
		}
	}
	names := map[string]string{}
	current := map[string]int64{}
	for _, u := range usage {
		names[u.ID] = u.Name
		current[u.ID] = u.Current
	}
	// Each column lists the statuses it maps as stored.
	stored := map[string][]string{}
	for _, st := range b.States {
		stored[strconv.Itoa(st.Seq)] = st.StatusIDs
	}
	label := func(id string) string {
		if names[id] != "" {
			return names[id]
		}
		return "status " + id
	}
	for _, row := range f.States {
		for _, id := range stored[row.Key] {
			row.Statuses = append(row.Statuses, label(id))
			row.Issues += current[id]
		}
		m.States = append(m.States, row)
		m.Columns = append(m.Columns, views.Option{Value: row.Key, Label: columnLabel(row)})
	}
	m.NewState = f.New
	newLabel := "the new column (name it above)"
	if strings.TrimSpace(f.New.Name) != "" {
		newLabel = strings.TrimSpace(f.New.Name) + " (new)"
	}
	m.Columns = append(m.Columns, views.Option{Value: newKey, Label: newLabel})
	for _, u := range usage {
		m.Statuses = append(m.Statuses, views.StatusRow{ID: u.ID, Name: u.Name, Category: u.Category, Column: f.Mapping[u.ID],
			Current: u.Current, Touched: u.Touched, Unmapped: !u.Mapped})
	}
	// Unmapped statuses first: they are what needs a decision.
	slices.SortStableFunc(m.Statuses, func(a, b views.StatusRow) int {
		switch {
		case a.Unmapped == b.Unmapped:
			return 0
		case a.Unmapped:
			return -1
		}
		return 1
	})
	for _, it := range types {
		if it.Issues == 0 && !usedType(f, it.ID) {
			continue // a site can have hundreds of types; offer the board's own
		}
		name := it.Name
		if name == "" {
			name = "type " + it.ID
		}
		m.IssueTypes = append(m.IssueTypes, views.IssueTypeOpt{ID: it.ID, Name: name, Subtask: it.Subtask, Issues: it.Issues})
	}
	m.WorkTypes, m.NewWorkType = f.Types, f.NewType
	m.Status = s.settingsStatus(b, fr.jobs)
	m.Page.Refresh = slices.ContainsFunc(m.Status, func(n views.Notice) bool { return n.State == "running" || n.State == "queued" })
	for _, rp := range repos {
		lr := views.LinkedRepo{FullName: rp.FullName(), UnlinkURL: boardURL(t, b) + "/repos/" + strconv.FormatInt(rp.ID, 10) + "/unlink"}
		for _, rs := range fr.repos {
			if rs.RepoID != rp.ID {
				continue
			}
			row := s.repoRow(rs, "", fr.jobs)
			switch {
			case row.Syncing != "":
				lr.Status = row.Syncing
			case row.Queued != "":
				lr.Status = row.Queued
			case row.DataAsOf != "":
				lr.Status = fmt.Sprintf("%s pull requests, %s tags; data as of %s", thousands(int(row.PRs)), thousands(int(row.Tags)), row.DataAsOf)
			default:
				lr.Status = "not synced yet"
			}
			lr.Error, lr.Advice = row.Error, row.Advice
		}
		m.Repos = append(m.Repos, lr)
	}
	s.forUser(r, &m.Page, &m.Board)
	return render(w, r, status, views.BoardSettingsPage(m))
}

func usedType(f settingsForm, id string) bool {
	for _, wt := range append(slices.Clone(f.Types), f.NewType) {
		if wt.Types[id] {
			return true
		}
	}
	return false
}

func columnLabel(row views.StateRow) string {
	if n := strings.TrimSpace(row.Name); n != "" {
		return n
	}
	return "column " + row.Order
}

var commonZones = []string{"UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Amsterdam",
	"Europe/Madrid", "Europe/Stockholm", "Europe/Warsaw", "Europe/Helsinki", "Europe/Istanbul", "America/New_York", "America/Chicago",
	"America/Denver", "America/Los_Angeles", "America/Toronto", "America/Sao_Paulo", "America/Mexico_City", "Asia/Kolkata", "Asia/Dubai",
	"Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo", "Asia/Seoul", "Australia/Sydney", "Pacific/Auckland", "Africa/Johannesburg"}

func zonesWith(z string) []string {
	if z == "" || slices.Contains(commonZones, z) {
		return commonZones
	}
	return append([]string{z}, commonZones...)
}

// settingsStatus says whether the board's facts follow its settings.
func (s *Server) settingsStatus(b store.Board, jobs jobIndex) []views.Notice {
	var out []views.Notice
	if j, ok := jobs[jobKey{"rebuild_facts", b.ID}]; ok {
		switch {
		case j.State == "running":
			out = append(out, views.Notice{State: "running", Message: "Rebuilding the board's facts with the saved settings… The charts show the previous numbers until it finishes."})
		case j.Active():
			out = append(out, views.Notice{State: "queued", Message: endSentence(s.queued(j, true, "Rebuilding the facts with the saved settings:")) + " The charts show the previous numbers until it finishes."})
		case j.State == "completed" && j.FinalizedAt != nil && !j.FinalizedAt.Before(b.UpdatedAt):
			out = append(out, views.Notice{State: "done", Message: "Facts rebuilt with these settings " + ago(s.now(), *j.FinalizedAt) + "."})
		case j.State == "discarded" || j.State == "cancelled":
			msg := "The facts rebuild failed"
			if j.LastError != "" {
				msg += ": " + firstLine(j.LastError)
			}
			out = append(out, views.Notice{State: "failed", Message: msg + ". The next sync rebuilds them again."})
		}
	}
	if j, ok := jobs[jobKey{"sync_board", b.ID}]; ok && j.Active() {
		state, msg := "queued", "A sync of the board is queued: it re-reads JIRA."
		if j.State == "running" {
			state, msg = "running", "The board is syncing with JIRA."
		}
		out = append(out, views.Notice{State: state, Message: msg})
	}
	return out
}

// boardSave validates and saves the settings form, then queues the facts
// rebuild (and a full re-read when the board's scope changed).
func (s *Server) boardSave(w http.ResponseWriter, r *http.Request) error {
	t, b, err := s.teamBoard(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return &Error{Status: http.StatusRequestEntityTooLarge, Heading: "Form too large", Message: "The form sent more than this page accepts."}
	}
	f := formFromRequest(r, b)
	nb, k, errs := f.toBoard(b)
	cat, err := vsync.Catalog(r.Context(), s.Store)
	if err != nil {
		return err
	}
	for _, p := range settings.Validate(nb, cat, s.now()) {
		key := k.field(p)
		if errs.Get(key) == "" || !strings.Contains(errs.Get(key), p.Message) {
			errs.Add(key, p.Message)
		}
	}
	if v, err := strconv.ParseInt(f.Version, 10, 64); err != nil || v != b.UpdatedAt.UnixMicro() {
		errs.Top = "Someone else saved this board's settings while you were editing. Your changes are not saved: reload the page to see theirs, then make yours again."
		return s.renderSettings(w, r, t, b, f, errs, settingsExtra{}, http.StatusConflict)
	}
	if errs.Any() {
		return s.renderSettings(w, r, t, b, f, errs, settingsExtra{}, http.StatusUnprocessableEntity)
	}
	notice, err := s.saveBoard(r, t, b, nb, cat, "board.settings")
	if errors.Is(err, store.ErrStale) {
		errs.Top = "Someone else saved this board's settings while you were editing. Your changes are not saved: reload the page to see theirs, then make yours again."
		return s.renderSettings(w, r, t, b, f, errs, settingsExtra{}, http.StatusConflict)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, boardURL(t, nb)+"/settings", notice)
}

// saveBoard stores validated settings with their audit entry and queues
// the work they need; it returns the notice for the next page.
func (s *Server) saveBoard(r *http.Request, t store.Team, old, nb store.Board, cat flowmap.Catalog, action string) (string, error) {
	repos, err := s.Store.BoardRepos(r.Context(), old.ID)
	if err != nil {
		return "", err
	}
	before, after := settings.FromBoard(old, cat, repos), settings.FromBoard(nb, cat, repos)
	changed := settings.Changed(before, after)
	if len(changed) == 0 {
		return "Nothing changed.", nil
	}
	a := s.audit(r, action, "changed "+strings.Join(changed, ", "), before.JSON(), after.JSON())
	a.Before, a.After = bytes.TrimSpace(a.Before), bytes.TrimSpace(a.After)
	if _, err := s.Store.UpdateBoard(r.Context(), nb, a); err != nil {
		return "", err
	}
	rescope := nb.ExtraJQL != old.ExtraJQL || !sameDate(nb.SyncSince, old.SyncSince)
	if err := s.enqueue(r, vsync.RebuildFactsArgs{BoardID: nb.ID}); err != nil {
		if errors.Is(err, errNoQueue) {
			return "Settings saved. No worker queue is configured here: the facts are rebuilt at the next sync.", nil
		}
		return "", err
	}
	if rescope {
		if err := s.enqueue(r, vsync.SyncBoardArgs{BoardID: nb.ID, Full: true}); err != nil {
			return "", err
		}
		return "Settings saved. The board's scope changed, so Vger re-reads it from JIRA and rebuilds its facts; the charts follow when that finishes.", nil
	}
	return "Settings saved. The board's facts are being rebuilt in the background; the charts follow when it finishes.", nil
}

func endSentence(s string) string {
	if strings.HasSuffix(s, "?") || strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}

func sameDate(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}
