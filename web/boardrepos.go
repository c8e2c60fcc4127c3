package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
)

const gitHubOff = "GitHub is not configured on this server (GITHUB_TOKEN is not set), so repositories cannot be linked yet."

func (s *Server) codeHostOff() bool { return s.Sources == nil || s.Sources.CodeHost == nil }

// linkRepo links a repository to the board; the workers check it exists
// when they first sync it, and the settings page shows the outcome.
func (s *Server) linkRepo(w http.ResponseWriter, r *http.Request) error {
	t, b, err := s.teamBoard(r)
	if err != nil {
		return err
	}
	value := strings.TrimSpace(r.PostFormValue("repo"))
	fail := func(msg string) error {
		return s.renderSettings(w, r, t, b, formFromBoard(b), errorsNone(), settingsExtra{repoValue: value, repoError: msg}, http.StatusUnprocessableEntity)
	}
	if s.codeHostOff() {
		return fail(gitHubOff + " Whoever runs Vger can set it (see “vger help config”).")
	}
	if value == "" {
		return fail("Type the repository as owner/name, e.g. acme/payments-api.")
	}
	owner, name, ok := parseRepo(value)
	if !ok {
		return fail(fmt.Sprintf("%q is not owner/name: use letters, digits, dots, dashes and underscores, e.g. acme/payments-api.", value))
	}
	a := s.audit(r, "repo.link", "linked "+owner+"/"+name, nil, map[string]string{"repo": owner + "/" + name})
	repo, linked, err := s.Store.LinkRepoByName(r.Context(), b, owner, name, a)
	if err != nil {
		return err
	}
	if !linked {
		return fail(repo.FullName() + " is already linked to this board.")
	}
	notice := "Linked " + repo.FullName() + ". Vger checks it on GitHub and syncs its pull requests and tags in the background."
	if err := s.enqueue(r, vsync.SyncRepoArgs{RepoID: repo.ID}); err != nil {
		if !errors.Is(err, errNoQueue) {
			return err
		}
		notice = "Linked " + repo.FullName() + ". No worker queue is configured here: it is checked and synced at the next sync."
	}
	return s.redirect(w, r, boardURL(t, b)+"/settings#repos", notice)
}

// linkRepos links an imported file's repositories and queues their syncs.
func (s *Server) linkRepos(r *http.Request, b store.Board, repos [][2]string) (string, error) {
	if s.codeHostOff() {
		return gitHubOff + " The file's repositories were not linked.", nil
	}
	var linked []string
	for _, on := range repos {
		a := s.audit(r, "repo.link", "linked "+on[0]+"/"+on[1]+" (import)", nil, map[string]string{"repo": on[0] + "/" + on[1]})
		repo, isNew, err := s.Store.LinkRepoByName(r.Context(), b, on[0], on[1], a)
		if err != nil {
			return "", err
		}
		if !isNew {
			continue
		}
		linked = append(linked, repo.FullName())
		if err := s.enqueue(r, vsync.SyncRepoArgs{RepoID: repo.ID}); err != nil && !errors.Is(err, errNoQueue) {
			return "", err
		}
	}
	if len(linked) == 0 {
		return "", nil
	}
	return "Linked " + strings.Join(linked, ", ") + ".", nil
}

// unlinkRepo removes a repository from the board.
func (s *Server) unlinkRepo(w http.ResponseWriter, r *http.Request) error {
	t, b, err := s.teamBoard(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "repo"), 10, 64)
	if err != nil || id <= 0 {
		return NotFound("This board links no such repository.")
	}
	repo, err := s.Store.Repo(r.Context(), id)
	if err != nil {
		return notFoundAs(err, "This board links no such repository.")
	}
	a := s.audit(r, "repo.unlink", "unlinked "+repo.FullName(), map[string]string{"repo": repo.FullName()}, nil)
	if err := s.Store.UnlinkRepo(r.Context(), b, id, a); err != nil {
		return notFoundAs(err, "This board links no such repository.")
	}
	return s.redirect(w, r, boardURL(t, b)+"/settings#repos", "Unlinked "+repo.FullName()+".")
}
