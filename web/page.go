package web

import (
	"encoding/base64"
	"net/http"
	"regexp"

	"github.com/go-chi/chi/v5"

	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/views"
)

const flashCookie = "vger_flash"

// page is the layout's model for a request: title, the signed-in user,
// the trail, and the one-time notice left by the previous redirect (read
// here, and cleared).
func (s *Server) page(w http.ResponseWriter, r *http.Request, title string, crumbs ...views.Crumb) views.Page {
	p := views.Page{Title: title, Version: s.Version, Crumbs: crumbs, User: viewer(UserFrom(r.Context()))}
	if c, err := r.Cookie(flashCookie); err == nil {
		if msg, err := base64.RawURLEncoding.DecodeString(c.Value); err == nil && len(msg) <= 500 {
			p.Flash = string(msg)
		}
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	}
	return p
}

func viewer(u User) views.Viewer {
	if u.Role == RoleNone {
		return views.Viewer{}
	}
	return views.Viewer{Name: u.Name, Role: u.Role.String(), CanEdit: u.CanEdit(), Anonymous: u.Anonymous, SignOut: u.SignOut}
}

// redirect answers a form POST: 303 to a page (POST/redirect/GET), with a
// notice for the next page it shows.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, notice string) error {
	if notice != "" {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(notice)), Path: "/",
			MaxAge: 120, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

var slugRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// team loads the team named by the URL.
func (s *Server) team(r *http.Request) (store.Team, error) {
	slug := chi.URLParam(r, "team")
	if !slugRe.MatchString(slug) {
		return store.Team{}, NotFound("There is no team at this address.")
	}
	t, err := s.Store.TeamBySlug(r.Context(), slug)
	if err != nil {
		return t, notFoundAs(err, "There is no team at this address. It may have been renamed or deleted: see the list of teams.")
	}
	return t, nil
}

// teamBoard loads the team and board named by the URL.
func (s *Server) teamBoard(r *http.Request) (store.Team, store.Board, error) {
	t, err := s.team(r)
	if err != nil {
		return t, store.Board{}, err
	}
	slug := chi.URLParam(r, "board")
	if !slugRe.MatchString(slug) {
		return t, store.Board{}, NotFound("This team has no board at this address.")
	}
	b, err := s.Store.BoardBySlug(r.Context(), t.ID, slug)
	if err != nil {
		return t, b, notFoundAs(err, "This team has no board at this address. It may have been deleted: see the team's page.")
	}
	return t, b, nil
}

func notFoundAs(err error, msg string) error {
	if isNotFound(err) {
		return NotFound(msg)
	}
	return err
}

func teamURL(t store.Team) string { return "/teams/" + t.Slug }

func boardURL(t store.Team, b store.Board) string { return teamURL(t) + "/boards/" + b.Slug }

func teamCrumbs(t store.Team, more ...views.Crumb) []views.Crumb {
	return append([]views.Crumb{{Label: "Teams", Href: "/"}, {Label: t.Name, Href: teamURL(t)}}, more...)
}

// boardPageHeader is the board strip on a board's pages that are not
// views (annotations, settings): the same tabs, at the views' defaults,
// with the named page's tab active.
func (s *Server) boardPageHeader(r *http.Request, b store.Board, active string) (views.BoardHeader, error) {
	st, err := s.Store.BoardStatus(r.Context(), b.ID)
	if err != nil {
		return views.BoardHeader{}, err
	}
	return s.boardHeader(b, &boardData{Board: b, Status: st}, active, ""), nil
}

// forUser fits a board view's page to the signed-in user: their name in
// the header, and no "refresh now" for a viewer (it would be refused).
func (s *Server) forUser(r *http.Request, p *views.Page, h *views.BoardHeader) {
	u := UserFrom(r.Context())
	p.User = viewer(u)
	if !u.CanEdit() {
		h.RefreshURL = ""
	}
}
