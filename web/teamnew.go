package web

import (
	"net/http"

	"github.com/vger-dev/vger/web/views"
)

func newTeamForm(p views.Page) views.TeamForm {
	return views.TeamForm{Page: p, Heading: "New team", Action: "/teams", Submit: "Create team", Cancel: "/",
		Intro: "A team groups the JIRA boards and GitHub repositories whose flow it wants to see. Name it; then add its boards."}
}

// teamNew shows the form that creates a team.
func (s *Server) teamNew(w http.ResponseWriter, r *http.Request) error {
	if err := rejectUnknownParams(r); err != nil {
		return err
	}
	p := s.page(w, r, "New team", views.Crumb{Label: "Teams", Href: "/"}, views.Crumb{Label: "New team"})
	return render(w, r, http.StatusOK, views.TeamFormPage(newTeamForm(p)))
}

// teamCreate creates a team and goes to its page.
func (s *Server) teamCreate(w http.ResponseWriter, r *http.Request) error {
	in := readTeamForm(r)
	if !in.Errors.Any() {
		t, err := s.Store.CreateTeamAudited(r.Context(), in.Name, in.Slug, s.audit(r, "team.create", "created the team", nil, teamDoc(in.Name, in.Slug)))
		if err == nil {
			return s.redirect(w, r, teamURL(t), "Team "+t.Name+" created. Add its first board.")
		}
		if !s.takenSlug(r, &in, err) {
			return err
		}
	}
	m := newTeamForm(s.page(w, r, "New team", views.Crumb{Label: "Teams", Href: "/"}, views.Crumb{Label: "New team"}))
	m.Name, m.Slug, m.Errors = in.Name, r.PostFormValue("slug"), in.Errors
	return render(w, r, http.StatusUnprocessableEntity, views.TeamFormPage(m))
}

func teamDoc(name, slug string) map[string]string {
	return map[string]string{"name": name, "address": slug}
}
