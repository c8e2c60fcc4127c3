package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/views"
)

// teamDeleteConfirm says what deleting the team removes and asks to
// confirm by typing its name.
func (s *Server) teamDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := rejectUnknownParams(r); err != nil {
		return err
	}
	t, err := s.team(r)
	if err != nil {
		return err
	}
	m, err := s.teamDeleteView(w, r, t)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, views.ConfirmDeletePage(m))
}

func (s *Server) teamDeleteView(w http.ResponseWriter, r *http.Request, t store.Team) (views.ConfirmDelete, error) {
	boards, err := s.Store.TeamBoards(r.Context(), t.ID)
	if err != nil {
		return views.ConfirmDelete{}, err
	}
	ids := make([]int64, len(boards))
	names := make([]string, len(boards))
	for i, b := range boards {
		ids[i], names[i] = b.ID, b.Name
	}
	im, err := s.Store.DeletionImpact(r.Context(), ids)
	if err != nil {
		return views.ConfirmDelete{}, err
	}
	var cons []string
	if len(boards) == 0 {
		cons = append(cons, "the team (it has no boards)")
	} else {
		cons = append(cons, fmt.Sprintf("%s with %s settings, facts and sync history: %s", plural(len(boards), "board", "boards"),
			pluralWord(len(boards), "its", "their"), strings.Join(names, ", ")))
	}
	cons = append(cons, impactLines(im)...)
	return views.ConfirmDelete{Page: s.page(w, r, "Delete "+t.Name, teamCrumbs(t, views.Crumb{Label: "Delete"})...),
		Heading: "Delete the team " + t.Name + "?", Kind: "team", Name: t.Name, Consequences: cons,
		Action: teamURL(t) + "/delete", Cancel: teamURL(t)}, nil
}

func impactLines(im store.Impact) []string {
	var out []string
	if im.Issues > 0 {
		out = append(out, fmt.Sprintf("%s synced from JIRA that no other board holds", count(im.Issues, "issue", "issues")))
	}
	if len(im.Repos) > 0 {
		out = append(out, fmt.Sprintf("the pull requests and tags of %s, which no other board links", strings.Join(im.Repos, ", ")))
	}
	return out
}

// count says how many, with thousands separators: 1 issue, 12,345 issues.
func count[N int | int64](n N, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(int(n)) + " " + many
}

// confirmed checks the typed name (case and surrounding space aside).
func confirmed(r *http.Request, name string) bool {
	return strings.EqualFold(strings.TrimSpace(r.PostFormValue("confirm")), strings.TrimSpace(name))
}

// teamDelete deletes the team once its name is typed.
func (s *Server) teamDelete(w http.ResponseWriter, r *http.Request) error {
	t, err := s.team(r)
	if err != nil {
		return err
	}
	if !confirmed(r, t.Name) {
		m, err := s.teamDeleteView(w, r, t)
		if err != nil {
			return err
		}
		m.Value = r.PostFormValue("confirm")
		m.Errors.Add("confirm", fmt.Sprintf("Type the team's name, %s, to confirm.", t.Name))
		return render(w, r, http.StatusUnprocessableEntity, views.ConfirmDeletePage(m))
	}
	boards, err := s.Store.TeamBoards(r.Context(), t.ID)
	if err != nil {
		return err
	}
	a := s.audit(r, "team.delete", fmt.Sprintf("deleted the team and its %s", plural(len(boards), "board", "boards")), teamDoc(t.Name, t.Slug), nil)
	a.TeamName = t.Name
	if err := s.Store.DeleteTeam(r.Context(), t.ID, a); err != nil {
		return err
	}
	return s.redirect(w, r, "/", "Team "+t.Name+" deleted.")
}
