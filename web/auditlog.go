package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/views"
)

const auditPage = 100

var actionLabels = map[string]string{
	"team.create": "Created the team", "team.rename": "Renamed the team", "team.delete": "Deleted the team",
	"board.create": "Added a board", "board.settings": "Changed board settings", "board.import": "Imported board settings",
	"board.delete": "Deleted a board", "board.refresh": "Asked for a sync", "repo.link": "Linked a repository",
	"repo.unlink": "Unlinked a repository", "annotation.create": "Added an annotation",
	"annotation.delete": "Deleted an annotation", "annotation.import": "Imported annotations",
}

// teamAudit is a team's audit log, newest first.
func (s *Server) teamAudit(w http.ResponseWriter, r *http.Request) error {
	if err := rejectUnknownParams(r, "before"); err != nil {
		return err
	}
	t, err := s.team(r)
	if err != nil {
		return err
	}
	m := views.AuditView{Page: s.page(w, r, "Audit log · "+t.Name, teamCrumbs(t, views.Crumb{Label: "Audit log"})...),
		Heading: "Audit log of " + t.Name, Intro: "Every change to the team, its boards and their settings: who, what and when, with the settings before and after."}
	return s.renderAudit(w, r, t.ID, teamURL(t)+"/audit", m)
}

// allAudit is every team's log, those of deleted teams included.
func (s *Server) allAudit(w http.ResponseWriter, r *http.Request) error {
	if err := rejectUnknownParams(r, "before"); err != nil {
		return err
	}
	m := views.AuditView{Page: s.page(w, r, "Audit log", views.Crumb{Label: "Teams", Href: "/"}, views.Crumb{Label: "Audit log"}),
		Heading: "Audit log", AllTeams: true, Intro: "Every change to every team, deleted teams included, newest first."}
	return s.renderAudit(w, r, 0, "/audit", m)
}

func (s *Server) renderAudit(w http.ResponseWriter, r *http.Request, teamID int64, base string, m views.AuditView) error {
	var before int64
	if v := r.URL.Query().Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return InvalidParam("before", "it is not an entry number", "a positive whole number (use the “Older changes” link)")
		}
		before = n
	}
	entries, err := s.Store.AuditLog(r.Context(), teamID, before, auditPage)
	if err != nil {
		return err
	}
	for _, e := range entries {
		m.Entries = append(m.Entries, s.auditRow(e, m.AllTeams))
	}
	if len(entries) == auditPage {
		m.OlderURL = base + "?before=" + strconv.FormatInt(entries[len(entries)-1].ID, 10)
	}
	return render(w, r, http.StatusOK, views.AuditPage(m))
}

func (s *Server) auditRow(e store.AuditEntry, withTeam bool) views.AuditRow {
	row := views.AuditRow{At: e.At.UTC().Format("2006-01-02 15:04:05"), Ago: ago(s.now(), e.At), Actor: e.Actor,
		Action: actionLabels[e.Action], Summary: e.Summary, Before: pretty(e.Before), After: pretty(e.After)}
	if row.Action == "" {
		row.Action = e.Action
	}
	switch {
	case e.BoardName != "" && withTeam:
		row.Subject = e.TeamName + " › " + e.BoardName
	case e.BoardName != "":
		row.Subject = e.BoardName
	case withTeam:
		row.Subject = e.TeamName
	}
	if len(row.Ago) > 0 {
		if i := bytes.IndexByte([]byte(row.Ago), '('); i > 0 {
			row.Ago = row.Ago[:i-1]
		}
	}
	return row
}

func pretty(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return string(raw)
	}
	return buf.String()
}
