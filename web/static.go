package web

import (
	"io/fs"
	"net/http"

	"github.com/vger-dev/vger/static"
)

// staticFiles serves embedded files with a modest cache lifetime; the
// files change only with the binary.
func staticFiles(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || r.URL.Path[len(r.URL.Path)-1] == '/' {
			http.NotFound(w, r) // no directory listings
			return
		}
		if static.Current(r.URL.Path, r.URL.Query().Get("v")) {
			// The address names this content (static.URL): keep it.
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=3600")
		}
		files.ServeHTTP(w, r)
	})
}
