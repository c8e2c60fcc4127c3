package web

import (
	"errors"
	"net/http"

	"github.com/vger-dev/vger/web/views"
)

// The sign-in routes of VGER_AUTH=oidc. They need no session: they are
// how one starts and ends.

// oidc is the OIDC sign-in, or nil in the other modes.
func (s *Server) oidc() *OIDC {
	o, _ := s.Access.Auth.(*OIDC)
	return o
}

// authLogin starts a sign-in (the "Sign in" links), returning to the
// local path in ?return= (anything else returns home: no open redirects).
func (s *Server) authLogin(w http.ResponseWriter, r *http.Request) error {
	return s.oidc().begin(w, r, r.URL.Query().Get("return"))
}

// authCallback is where the identity provider sends the browser back.
func (s *Server) authCallback(w http.ResponseWriter, r *http.Request) error {
	id, ret, err := s.oidc().finish(w, r)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Status < 500 {
			// Refused sign-ins are worth a line: a misconfiguration, or someone probing.
			s.log().WarnContext(r.Context(), "sign-in refused", "status", e.Status, "reason", e.Message)
		}
		return err
	}
	s.log().InfoContext(r.Context(), "signed in", "user", User{Identity: id}.Label(), "role", s.Access.RoleOf(id).String())
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, ret, http.StatusSeeOther)
	return nil
}

// authLogout ends the session, then the provider's session when it can.
func (s *Server) authLogout(w http.ResponseWriter, r *http.Request) error {
	to := s.oidc().signOut(w, r)
	w.Header().Set("Cache-Control", "no-store")
	if to != "" {
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	}
	return render(w, r, http.StatusOK, views.SignedOutPage(views.SignedOut{Page: views.Page{Title: "Signed out", Version: s.Version}}))
}
