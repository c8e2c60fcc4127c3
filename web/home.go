package web

import (
	"net/http"

	"github.com/vger-dev/vger/web/views"
)

// home lists the teams and their boards with data freshness.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	if err := rejectUnknownParams(r); err != nil {
		return err
	}
	teams, err := s.Store.ListTeams(r.Context())
	if err != nil {
		return err
	}
	fr, err := s.freshness(r.Context())
	if err != nil {
		return err
	}
	m := views.Home{Page: s.page(w, r, "Teams")}
	index := map[string]int{}
	for _, t := range teams {
		index[t.Slug] = len(m.Teams)
		m.Teams = append(m.Teams, views.TeamRow{Name: t.Name, Slug: t.Slug})
	}
	for _, b := range fr.boards {
		i, ok := index[b.TeamSlug]
		if !ok {
			continue
		}
		row := s.boardRow(b, fr.jobs)
		m.Teams[i].Boards = append(m.Teams[i].Boards, row)
		if row.Syncing != "" || row.Queued != "" || row.Rebuild != "" {
			m.Page.Refresh = true
		}
	}
	return render(w, r, http.StatusOK, views.HomePage(m))
}
