package web

import (
	"net/http"

	"github.com/riverqueue/river"

	vsync "github.com/vger-dev/vger/internal/sync"
)

// errNoQueue: this server cannot hand work to the workers.
var errNoQueue = Unavailable("No job queue", "This server cannot queue work for the workers, so nothing can be refreshed from here. Run “vger sync --board ID” on the command line instead.")

// enqueue hands a job to the workers.
func (s *Server) enqueue(r *http.Request, args river.JobArgs) error {
	if s.Jobs == nil {
		return errNoQueue
	}
	_, err := s.Jobs.Insert(r.Context(), args, nil)
	return err
}

// boardRefresh queues a sync of the board ("refresh now"); the team page
// then shows its progress.
func (s *Server) boardRefresh(w http.ResponseWriter, r *http.Request) error {
	t, b, err := s.teamBoard(r)
	if err != nil {
		return err
	}
	if err := s.enqueue(r, vsync.SyncBoardArgs{BoardID: b.ID}); err != nil {
		return err
	}
	a := s.audit(r, "board.refresh", "asked for a sync now", nil, nil)
	a.TeamID, a.TeamName, a.BoardID, a.BoardName = t.ID, t.Name, b.ID, b.Name
	if err := s.Store.AddAudit(r.Context(), a); err != nil {
		return err
	}
	back := r.PostFormValue("back")
	if !localPath(back) {
		back = boardPath(b)
	}
	return s.redirect(w, r, back, "Sync of "+b.Name+" queued.")
}
