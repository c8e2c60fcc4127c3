package web

import (
	"bytes"
	"net/http"

	"github.com/a-h/templ"
)

// render writes a component fully to a buffer first, so a failure midway
// becomes a proper error page instead of half a page.
func render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
	return nil
}
