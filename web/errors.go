package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/vger-dev/vger/internal/config"
	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/views"
)

// Error is an error with its HTTP meaning. Handlers return it (or any
// error: unknown errors become a 500 whose details go to the log only).
type Error struct {
	Status  int
	Heading string
	Message string
	Param   string
	Allowed string
	SignIn  string // a link to sign in (again), when that is the way out
	Err     error
}

func (e *Error) Error() string {
	if e.Param != "" {
		return fmt.Sprintf("%d: parameter %s: %s", e.Status, e.Param, e.Message)
	}
	return fmt.Sprintf("%d: %s", e.Status, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// InvalidParam is the 400 for a malformed URL parameter: it names the
// parameter, the problem with the value given (without a final period)
// and what the parameter accepts. The page shows both, so the problem
// says what is wrong ("\"x\" is not a number of weeks") and leaves the
// accepted values to allowed ("a whole number from 1 to 520").
func InvalidParam(param, problem, allowed string) *Error {
	return &Error{Status: http.StatusBadRequest, Heading: "Bad request", Param: param, Message: problem, Allowed: allowed}
}

// NotFound is a 404 with a message for people.
func NotFound(msg string) *Error {
	return &Error{Status: http.StatusNotFound, Heading: "Not found", Message: msg}
}

// handlerFunc is a handler that returns its failure instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts a handlerFunc: its error becomes a status code and the
// error page, in one place. name labels the route in metrics.
func (s *Server) handle(name string, fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		setRouteName(r, name)
		if err := fn(w, r); err != nil {
			s.writeError(w, r, err)
		}
	}
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *Error
	switch {
	case errors.As(err, &e):
	case errors.Is(err, store.ErrNotFound):
		e = NotFound("There is no such thing here.")
	case errors.Is(err, store.ErrConflict):
		e = &Error{Status: http.StatusConflict, Heading: "Conflict", Message: "That name is taken."}
	case errors.Is(err, context.DeadlineExceeded):
		e = &Error{Status: http.StatusServiceUnavailable, Heading: "Too slow", Message: "The page took too long to prepare. Try a shorter date range, or again in a moment."}
	case errors.Is(err, context.Canceled):
		return // the client went away
	default:
		e = &Error{Status: http.StatusInternalServerError, Heading: "Something went wrong", Message: "The server could not show this page. The error has been logged."}
	}
	id := middleware.GetReqID(r.Context())
	if e.Status >= 500 {
		detail := err.Error()
		if e.Err != nil && err == error(e) {
			detail += ": " + e.Err.Error()
		}
		s.log().ErrorContext(r.Context(), "request failed", "path", r.URL.Path, "status", e.Status, "err", config.Mask(detail, s.Secrets...))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(e.Status)
	view := views.ErrorView{
		Page:    views.Page{Title: e.Heading, Version: s.Version, User: viewer(s.shownUser(r))},
		Status:  e.Status,
		Heading: e.Heading,
		Message: config.Mask(e.Message, s.Secrets...),
		Param:   e.Param,
		Allowed: e.Allowed,
		SignIn:  e.SignIn,
		ID:      id,
	}
	// A bad parameter on a view: offer the same view with its defaults, the
	// quickest way back to a page that works.
	if e.Param != "" && r.Method == http.MethodGet {
		if p := r.URL.EscapedPath(); strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") {
			view.Reset = p
		}
	}
	if r.Method == http.MethodHead {
		return
	}
	views.ErrorPage(view).Render(r.Context(), w)
}

// shownUser is who an error page's header names: the request's user, or,
// for a request that failed before or outside the sign-in check (an
// address no route matches, a panic, an oversized request), whoever its
// sign-in says sent it. Only shown, never trusted: nobody is challenged
// to sign in here, and a request that does not identify shows nobody.
func (s *Server) shownUser(r *http.Request) User {
	if u := UserFrom(r.Context()); u.Role != RoleNone {
		return u
	}
	u, _ := s.identify(r) // nobody when the request does not identify
	return u
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// Forbidden is a 403 with a message for people.
func Forbidden(msg string) *Error {
	return &Error{Status: http.StatusForbidden, Heading: "Not allowed", Message: msg}
}

// Unavailable is a 503: something the page needs is not there.
func Unavailable(heading, msg string) *Error {
	return &Error{Status: http.StatusServiceUnavailable, Heading: heading, Message: msg}
}
