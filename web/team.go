package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/views"
)

// teamPage is a team's overview: boards and repositories with their
// freshness, "refresh now", and the running syncs' progress.
func (s *Server) teamPage(w http.ResponseWriter, r *http.Request) error {
	if err := rejectUnknownParams(r); err != nil {
		return err
	}
	t, err := s.team(r)
	if err != nil {
		return err
	}
	fr, err := s.freshness(r.Context())
	if err != nil {
		return err
	}
	u := UserFrom(r.Context())
	m := views.TeamView{Page: s.page(w, r, t.Name, teamCrumbs(t)[:1]...), Name: t.Name, URL: teamURL(t), AuditURL: teamURL(t) + "/audit"}
	m.Page.Crumbs = append(m.Page.Crumbs, views.Crumb{Label: t.Name})
	names := map[int64]string{}
	running, queued := 0, 0
	for _, b := range fr.boards {
		if b.TeamSlug != t.Slug {
			continue
		}
		names[b.BoardID] = b.BoardName
		row := s.boardRow(b, fr.jobs)
		if u.CanEdit() {
			row.Refresh = teamURL(t) + "/boards/" + b.BoardSlug + "/refresh"
		}
		if row.Syncing != "" || (row.Rebuild != "" && !strings.Contains(row.Rebuild, "queued")) {
			running++
		} else if row.Waiting || row.Rebuild != "" {
			queued++
		}
		m.Boards = append(m.Boards, row)
		notes, err := s.Store.Annotations(r.Context(), b.BoardID)
		if err != nil {
			return err
		}
		bd := store.Board{ID: b.BoardID, Slug: b.BoardSlug}
		m.Notes = append(m.Notes, views.BoardNotes{Board: b.BoardName, URL: boardURL(t, bd) + "/annotations", Notes: noteRows(r, t, bd, notes)})
	}
	for _, rs := range fr.repos {
		var on []string
		for _, id := range rs.Boards {
			if n, ok := names[id]; ok {
				on = append(on, n)
			}
		}
		if len(on) == 0 {
			continue
		}
		slices.Sort(on)
		row := s.repoRow(rs, strings.Join(on, ", "), fr.jobs)
		if row.Syncing != "" {
			running++
		} else if row.Waiting {
			queued++
		}
		m.Repos = append(m.Repos, row)
	}
	switch {
	case running > 0:
		m.Activity = plural(running, "sync is", "syncs are") + " running."
	case queued > 0:
		m.Activity = plural(queued, "job waits", "jobs wait") + " for a worker."
	}
	m.Page.Refresh = m.Activity != ""
	return render(w, r, http.StatusOK, views.TeamPage(m))
}
