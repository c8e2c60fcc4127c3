package web

import (
	"net/http"

	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/views"
)

func teamSettingsForm(p views.Page, t store.Team) views.TeamForm {
	return views.TeamForm{Page: p, Heading: "Team settings", Action: teamURL(t) + "/settings", Submit: "Save", Cancel: teamURL(t),
		Name: t.Name, Slug: t.Slug, DeleteURL: teamURL(t) + "/delete", TeamName: t.Name,
		Intro: "Rename the team, or move its pages to another address (links to the old one stop working)."}
}

// teamSettings shows the rename form and the way to delete the team.
func (s *Server) teamSettings(w http.ResponseWriter, r *http.Request) error {
	if err := rejectUnknownParams(r); err != nil {
		return err
	}
	t, err := s.team(r)
	if err != nil {
		return err
	}
	p := s.page(w, r, "Settings · "+t.Name, teamCrumbs(t, views.Crumb{Label: "Settings"})...)
	return render(w, r, http.StatusOK, views.TeamFormPage(teamSettingsForm(p, t)))
}

// teamRename saves a new name or address.
func (s *Server) teamRename(w http.ResponseWriter, r *http.Request) error {
	t, err := s.team(r)
	if err != nil {
		return err
	}
	in := readTeamForm(r)
	if !in.Errors.Any() {
		if in.Name == t.Name && in.Slug == t.Slug {
			return s.redirect(w, r, teamURL(t), "Nothing changed.")
		}
		a := s.audit(r, "team.rename", "renamed the team", teamDoc(t.Name, t.Slug), teamDoc(in.Name, in.Slug))
		nt, err := s.Store.RenameTeam(r.Context(), t.ID, in.Name, in.Slug, a)
		if err == nil {
			return s.redirect(w, r, teamURL(nt), "Team saved.")
		}
		if !s.takenSlug(r, &in, err) {
			return err
		}
	}
	m := teamSettingsForm(s.page(w, r, "Settings · "+t.Name, teamCrumbs(t, views.Crumb{Label: "Settings"})...), t)
	m.Name, m.Slug, m.Errors = in.Name, r.PostFormValue("slug"), in.Errors
	return render(w, r, http.StatusUnprocessableEntity, views.TeamFormPage(m))
}
