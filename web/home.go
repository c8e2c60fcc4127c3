package web

import (
	"net/http"

	"github.com/vger-dev/vger/web/views"
)

// home lists the teams.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	if err := rejectUnknownParams(r); err != nil {
		return err
	}
	teams, err := s.Store.ListTeams(r.Context())
	if err != nil {
		return err
	}
	m := views.Home{Page: views.Page{Title: "Teams", Version: s.Version}}
	for _, t := range teams {
		m.Teams = append(m.Teams, views.TeamRow{Name: t.Name, Slug: t.Slug, Boards: t.Boards, Repos: t.Repos})
	}
	return render(w, r, http.StatusOK, views.HomePage(m))
}
