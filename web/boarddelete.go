package web

import (
	"fmt"
	"net/http"

	"github.com/vger-dev/vger/internal/settings"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
	"github.com/vger-dev/vger/web/views"
)

func (s *Server) boardDeleteView(w http.ResponseWriter, r *http.Request, t store.Team, b store.Board) (views.ConfirmDelete, error) {
	im, err := s.Store.DeletionImpact(r.Context(), []int64{b.ID})
	if err != nil {
		return views.ConfirmDelete{}, err
	}
	cons := append([]string{"its settings, facts and sync history"}, impactLines(im)...)
	return views.ConfirmDelete{Page: s.page(w, r, "Delete "+b.Name, teamCrumbs(t, views.Crumb{Label: b.Name, Href: boardURL(t, b)}, views.Crumb{Label: "Settings", Href: boardURL(t, b) + "/settings"}, views.Crumb{Label: "Delete"})...),
		Heading: "Delete the board " + b.Name + "?", Kind: "board", Name: b.Name, Consequences: cons,
		Action: boardURL(t, b) + "/delete", Cancel: boardURL(t, b) + "/settings"}, nil
}

// boardDeleteConfirm says what deleting the board removes.
func (s *Server) boardDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := rejectUnknownParams(r); err != nil {
		return err
	}
	t, b, err := s.teamBoard(r)
	if err != nil {
		return err
	}
	m, err := s.boardDeleteView(w, r, t, b)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, views.ConfirmDeletePage(m))
}

// boardDelete deletes the board once its name is typed.
func (s *Server) boardDelete(w http.ResponseWriter, r *http.Request) error {
	t, b, err := s.teamBoard(r)
	if err != nil {
		return err
	}
	if !confirmed(r, b.Name) {
		m, err := s.boardDeleteView(w, r, t, b)
		if err != nil {
			return err
		}
		m.Value = r.PostFormValue("confirm")
		m.Errors.Add("confirm", fmt.Sprintf("Type the board's name, %s, to confirm.", b.Name))
		return render(w, r, http.StatusUnprocessableEntity, views.ConfirmDeletePage(m))
	}
	cat, err := vsync.Catalog(r.Context(), s.Store)
	if err != nil {
		return err
	}
	repos, err := s.Store.BoardRepos(r.Context(), b.ID)
	if err != nil {
		return err
	}
	a := s.audit(r, "board.delete", fmt.Sprintf("deleted the board (JIRA board %d)", b.JiraBoardID), settings.FromBoard(b, cat, repos), nil)
	if err := s.Store.DeleteBoard(r.Context(), b, a); err != nil {
		return notFoundAs(err, "The board is already gone.")
	}
	return s.redirect(w, r, teamURL(t), "Board "+b.Name+" deleted.")
}
