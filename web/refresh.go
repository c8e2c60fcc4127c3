package web

import (
	"net/http"
	"net/url"
	"strings"

	vsync "github.com/vger-dev/vger/internal/sync"
)

// refresh enqueues a sync of the board now (unique while one is queued or
// running) and goes back to the page it came from.
func (s *Server) refresh(w http.ResponseWriter, r *http.Request) error {
	b, err := s.boardFromURL(r)
	if err != nil {
		return err
	}
	if s.Jobs == nil {
		return &Error{Status: http.StatusServiceUnavailable, Heading: "No workers", Message: "This server cannot queue syncs: it has no job queue. Run `vger worker` and restart the server."}
	}
	if _, err := s.Jobs.Insert(r.Context(), vsync.SyncBoardArgs{BoardID: b.ID}, nil); err != nil {
		return err
	}
	back := r.FormValue("back")
	if !localPath(back) {
		back = boardPath(b)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// localPath accepts only a path on this site as a return address: never
// another host, a scheme, or a protocol-relative //host (open redirects).
func localPath(p string) bool {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return false
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && !strings.ContainsAny(p, "\r\n\t")
}
