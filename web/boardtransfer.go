package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/vger-dev/vger/internal/settings"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
	"github.com/vger-dev/vger/web/views"
)

// boardExport downloads the board's settings as JSON.
func (s *Server) boardExport(w http.ResponseWriter, r *http.Request) error {
	if err := rejectUnknownParams(r); err != nil {
		return err
	}
	t, b, err := s.teamBoard(r)
	if err != nil {
		return err
	}
	cat, err := vsync.Catalog(r.Context(), s.Store)
	if err != nil {
		return err
	}
	repos, err := s.Store.BoardRepos(r.Context(), b.ID)
	if err != nil {
		return err
	}
	notes, err := s.Store.Annotations(r.Context(), b.ID)
	if err != nil {
		return err
	}
	body := settings.FromBoard(b, cat, repos).WithAnnotations(notes).JSON()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s-settings.json"`, t.Slug, b.Slug))
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodHead {
		w.Write(body)
	}
	return nil
}

// boardImport replaces the board's settings with an uploaded (or pasted)
// settings file, validated like the form; the file's repositories are
// linked as well.
func (s *Server) boardImport(w http.ResponseWriter, r *http.Request) error {
	t, b, err := s.teamBoard(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, settings.MaxSize+64<<10)
	raw, text, err := importBody(r)
	fail := func(msgs ...string) error {
		return s.renderSettings(w, r, t, b, formFromBoard(b), errorsNone(), settingsExtra{importText: text, importErrors: msgs}, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return fail(err.Error())
	}
	doc, err := settings.Parse(strings.NewReader(raw))
	if err != nil {
		return fail(err.Error())
	}
	nb, probs := doc.Apply(b)
	var msgs []string
	for _, p := range probs {
		msgs = append(msgs, p.Message)
	}
	repos, bad := parseRepos(doc.Repos)
	msgs = append(msgs, bad...)
	notes, hasNotes, noteProbs := doc.ApplyAnnotations()
	for _, p := range noteProbs {
		msgs = append(msgs, p.Message)
	}
	cat, err := vsync.Catalog(r.Context(), s.Store)
	if err != nil {
		return err
	}
	if len(probs) == 0 {
		for _, p := range settings.Validate(nb, cat, s.now()) {
			msgs = append(msgs, importLabel(p)+p.Message)
		}
	}
	if len(msgs) > 0 {
		return fail(msgs...)
	}
	notice, err := s.saveBoard(r, t, b, nb, cat, "board.import")
	if err != nil {
		if errors.Is(err, store.ErrStale) {
			return fail("Someone else saved this board's settings at the same moment: import the file again.")
		}
		return err
	}
	if len(repos) > 0 {
		linked, err := s.linkRepos(r, b, repos)
		if err != nil {
			return err
		}
		notice += " " + linked
	}
	if hasNotes {
		changed, err := s.Store.ReplaceAnnotations(r.Context(), nb, notes, s.audit(r, "annotation.import", "", nil, nil))
		if err != nil {
			return err
		}
		if changed {
			notice += " " + plural(len(notes), "annotation", "annotations") + " imported."
		}
	}
	return s.redirect(w, r, boardURL(t, nb)+"/settings", "Imported. "+strings.TrimPrefix(notice, "Settings saved. "))
}

func errorsNone() views.Errors { return views.Errors{} }

// importBody is the uploaded file, or else the pasted text.
func importBody(r *http.Request) (raw, text string, err error) {
	if err := r.ParseMultipartForm(settings.MaxSize); err != nil {
		if errors.As(err, new(*http.MaxBytesError)) {
			return "", "", fmt.Errorf("the file is larger than %d KB: is it a Vger settings file?", settings.MaxSize>>10)
		}
		if !errors.Is(err, http.ErrNotMultipart) {
			return "", "", errors.New("the upload could not be read: try again")
		}
	}
	text = r.FormValue("json")
	if f, _, err := r.FormFile("file"); err == nil {
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, settings.MaxSize+1))
		if err != nil {
			return "", text, errors.New("the file could not be read: try again")
		}
		if len(strings.TrimSpace(string(b))) > 0 {
			return string(b), text, nil
		}
	}
	if strings.TrimSpace(text) == "" {
		return "", text, errors.New("Choose a settings file (exported from a board), or paste its JSON.")
	}
	return text, text, nil
}

var importLabels = map[string]string{"name": "name", "time_zone": "time_zone", "day_mode": "day_mode", "rolling_weeks": "rolling_weeks",
	"fiscal_year_start": "fiscal_year_start_month", "sync_since": "sync_since", "tag_pattern": "tag_pattern", "holidays": "holidays",
	"window": "lead_time", "states": "states", "state": "states", "status": "states", "work_type": "work_types"}

// importLabel names the file's field a problem is about.
func importLabel(p settings.Problem) string {
	l, ok := importLabels[p.Field]
	if !ok {
		return ""
	}
	if p.Index >= 0 {
		return fmt.Sprintf("%s[%d]: ", l, p.Index)
	}
	return l + ": "
}

var repoRe = regexp.MustCompile(`^([A-Za-z0-9_.-]{1,100})/([A-Za-z0-9_.-]{1,100})$`)

// parseRepo reads owner/name (or a GitHub URL of a repository).
func parseRepo(s string) (owner, name string, ok bool) {
	s = strings.TrimSpace(s)
	for _, p := range []string{"https://", "http://"} {
		if rest, found := strings.CutPrefix(s, p); found {
			if _, path, found := strings.Cut(rest, "/"); found {
				s = path
			}
		}
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, "/"), ".git")
	m := repoRe.FindStringSubmatch(s)
	if m == nil || m[1] == "." || m[1] == ".." || m[2] == "." || m[2] == ".." {
		return "", "", false
	}
	return m[1], m[2], true
}

func parseRepos(in []string) (out [][2]string, bad []string) {
	for _, s := range in {
		o, n, ok := parseRepo(s)
		if !ok {
			bad = append(bad, fmt.Sprintf("repos: %q is not owner/name", s))
			continue
		}
		out = append(out, [2]string{o, n})
	}
	return out, bad
}
