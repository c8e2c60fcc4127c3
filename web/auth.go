package web

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"unicode"
)

// Role is what a person may do.
type Role int

const (
	// RoleNone: nobody is signed in; nothing is shown.
	RoleNone Role = iota
	// RoleViewer sees every page.
	RoleViewer
	// RoleEditor also changes teams, boards and settings and triggers refreshes.
	RoleEditor
)

func (r Role) String() string {
	switch r {
	case RoleViewer:
		return "viewer"
	case RoleEditor:
		return "editor"
	}
	return "none"
}

// Identity is who an Authenticator says sent a request.
type Identity struct {
	Name      string // shown in pages and the audit log
	Email     string // lower case; matched against the editors list
	Anonymous bool   // VGER_AUTH=none: nobody signed in, everyone edits
	// Groups are the identity provider's groups that matter to Vger
	// (VGER_EDITOR_GROUPS the person belongs to).
	Groups []string
	// SignOut: Vger keeps the sign-in (VGER_AUTH=oidc), so it can end it.
	SignOut bool
}

// User is the person behind a request, with their role.
type User struct {
	Identity
	Role Role
}

// CanEdit reports whether the user may change things.
func (u User) CanEdit() bool { return u.Role == RoleEditor }

// Label is how the audit log names the user.
func (u User) Label() string {
	switch {
	case u.Anonymous:
		return "anonymous"
	case u.Email != "" && u.Name != "" && !strings.EqualFold(u.Name, u.Email):
		return u.Name + " <" + u.Email + ">"
	case u.Email != "":
		return u.Email
	}
	return u.Name
}

// Authenticator identifies the person behind a request. Each VGER_AUTH
// mode is one; OpenID Connect will be another, behind the same middleware.
type Authenticator interface {
	// Identify returns who sent r, or an error (shown as the 403 page,
	// its message for people) when nobody is signed in.
	Identify(r *http.Request) (Identity, error)
}

// Challenger is an Authenticator that can send a person who is not signed
// in to sign in (OIDC's redirect to the provider) instead of the 403 page.
// Its error (the provider cannot be reached) is shown as a page.
type Challenger interface {
	Challenge(w http.ResponseWriter, r *http.Request) error
}

// Access decides who may see and change what.
type Access struct {
	Auth Authenticator // nil: Anonymous
	// Editors lists who may change things: emails, "@domain" suffixes, or
	// "*" for every signed-in user. Anonymous users are always editors.
	Editors []string
	// EditorGroups: members of any of these identity provider groups are
	// editors too (VGER_AUTH=oidc).
	EditorGroups []string
}

// RoleOf is the role of an identity.
func (a Access) RoleOf(id Identity) Role {
	if id.Anonymous {
		return RoleEditor
	}
	for _, g := range id.Groups {
		if slices.Contains(a.EditorGroups, g) {
			return RoleEditor
		}
	}
	email := strings.ToLower(id.Email)
	for _, e := range a.Editors {
		switch {
		case e == "*":
			return RoleEditor
		case email == "":
		case strings.HasPrefix(e, "@") && strings.HasSuffix(email, e):
			return RoleEditor
		case e == email:
			return RoleEditor
		}
	}
	return RoleViewer
}

// Anonymous is VGER_AUTH=none: nobody signs in and everyone is an editor.
// The server allows it only on a loopback address, or when told to.
type Anonymous struct{}

// Identify always answers the anonymous identity.
func (Anonymous) Identify(*http.Request) (Identity, error) {
	return Identity{Name: "anonymous", Anonymous: true}, nil
}

// Proxy is VGER_AUTH=proxy: an authenticating reverse proxy (oauth2-proxy,
// a company SSO gateway) signs people in and passes their name and email
// in headers. The headers are believed only from the proxy's addresses:
// anyone else could set them.
type Proxy struct {
	Trusted     []netip.Prefix
	UserHeader  string // e.g. X-Forwarded-User
	EmailHeader string // e.g. X-Forwarded-Email
}

// Errors a Proxy answers, shown on the 403 page.
var (
	ErrNotFromProxy = errors.New("This Vger lets people in only through its sign-in proxy, and this request did not come through it. Open Vger at the address your team uses.")
	ErrNotSignedIn  = errors.New("The sign-in proxy did not say who you are. Sign in again; if this persists, ask whoever runs Vger to check the proxy passes the user's name and email.")
)

// Identify reads the headers of a request that came from a trusted proxy.
func (p Proxy) Identify(r *http.Request) (Identity, error) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil || !slices.ContainsFunc(p.Trusted, func(pr netip.Prefix) bool { return pr.Contains(ap.Addr().Unmap()) }) {
		return Identity{}, ErrNotFromProxy
	}
	email := strings.ToLower(headerValue(r, p.EmailHeader))
	name := headerValue(r, p.UserHeader)
	if email == "" && name == "" {
		return Identity{}, ErrNotSignedIn
	}
	if name == "" {
		name = email
	}
	return Identity{Name: name, Email: email}, nil
}

// headerValue is a header's single value, refused (empty) when repeated,
// too long or containing control characters.
func headerValue(r *http.Request, name string) string {
	if name == "" {
		return ""
	}
	vs := r.Header.Values(name)
	if len(vs) != 1 {
		return ""
	}
	v := strings.TrimSpace(vs[0])
	if len(v) > 320 || strings.IndexFunc(v, unicode.IsControl) >= 0 {
		return ""
	}
	return v
}

type userKey struct{}

// UserFrom is the user of a request that went through the access middleware.
func UserFrom(ctx context.Context) User {
	u, _ := ctx.Value(userKey{}).(User)
	return u
}

// safeMethod: methods that only read.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// auth is how the server identifies people (Anonymous when unset).
func (s *Server) auth() Authenticator {
	if s.Access.Auth == nil {
		return Anonymous{}
	}
	return s.Access.Auth
}

// identify is who sent r and their role.
func (s *Server) identify(r *http.Request) (User, error) {
	id, err := s.auth().Identify(r)
	if err != nil {
		return User{}, err
	}
	return User{Identity: id, Role: s.Access.RoleOf(id)}, nil
}

// requireRole identifies the user of every page request and enforces roles:
// reading needs a viewer, anything else an editor. New routes are covered
// by being in the group, whatever they forget.
func (s *Server) requireRole(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.identify(r)
		if err != nil {
			if c, ok := s.auth().(Challenger); ok {
				// A page: off to sign in, and back. A change: refused,
				// since a redirect would drop the form.
				if safeMethod(r.Method) {
					setRouteName(r, "sign_in")
					if err := c.Challenge(w, r); err != nil {
						s.writeError(w, r, err)
					}
					return
				}
				setRouteName(r, "unauthorized")
				s.writeError(w, r, &Error{Status: http.StatusUnauthorized, Heading: "Not signed in",
					Message: err.Error() + " Nothing was changed: sign in, then make the change again.", SignIn: "/auth/login"})
				return
			}
			setRouteName(r, "forbidden")
			s.writeError(w, r, &Error{Status: http.StatusForbidden, Heading: "Not signed in", Message: err.Error()})
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), userKey{}, u))
		if !safeMethod(r.Method) && !u.CanEdit() {
			setRouteName(r, "forbidden")
			s.writeError(w, r, &Error{Status: http.StatusForbidden, Heading: "Viewers cannot change things",
				Message: "You are signed in as " + u.Label() + ", a viewer: you can see every page, but changing teams, boards and settings, and refreshing boards, needs the editor role. Ask whoever runs Vger to add you to VGER_EDITORS."})
			return
		}
		next.ServeHTTP(w, r)
	})
}
