package web

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/views"
)

// reservedSlugs would collide with fixed routes under /teams/.
var reservedSlugs = map[string]bool{"new": true}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slugFrom makes an address from a name ("" when nothing usable is left).
func slugFrom(name string) string {
	s := strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "-")
	}
	return s
}

// teamInput is a submitted team form, cleaned and checked.
type teamInput struct {
	Name, Slug string
	Errors     views.Errors
}

func readTeamForm(r *http.Request) teamInput {
	in := teamInput{Name: strings.TrimSpace(r.PostFormValue("name")), Slug: strings.TrimSpace(r.PostFormValue("slug"))}
	switch {
	case in.Name == "":
		in.Errors.Add("name", "Give the team a name.")
	case len([]rune(in.Name)) > 200:
		in.Errors.Add("name", "Use at most 200 characters.")
	}
	slug := in.Slug
	if slug == "" {
		slug = slugFrom(in.Name)
		if slug == "" && in.Name != "" {
			in.Errors.Add("slug", "The name has no letters or digits to make an address from: choose one.")
		}
	}
	switch {
	case slug == "":
	case !slugRe.MatchString(slug):
		in.Errors.Add("slug", "Use lower-case letters, digits and dashes, starting with a letter or digit, at most 63 characters.")
	case reservedSlugs[slug]:
		in.Errors.Add("slug", fmt.Sprintf("%q is reserved: choose another address.", slug))
	default:
		in.Slug = slug
	}
	return in
}

// takenSlug adds the message for an address another team has.
func (s *Server) takenSlug(r *http.Request, in *teamInput, err error) bool {
	if !errors.Is(err, store.ErrConflict) {
		return false
	}
	msg := fmt.Sprintf("Another team already lives at /teams/%s: choose another address.", in.Slug)
	if other, err := s.Store.TeamBySlug(r.Context(), in.Slug); err == nil {
		msg = fmt.Sprintf("The team %q already lives at /teams/%s: choose another address.", other.Name, in.Slug)
	}
	in.Errors.Add("slug", msg)
	return true
}
