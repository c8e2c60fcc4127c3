package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/config"
	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/jira"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
	"github.com/vger-dev/vger/web/views"
)

// maxListed bounds the board picker's list.
const maxListed = 100

const dateLayout = "2006-01-02"

func (s *Server) tracker() vsync.Tracker {
	if s.Sources == nil {
		return nil
	}
	return s.Sources.Tracker
}

// lookup bounds one look-up in a source.
func (s *Server) lookup(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.lookupTimeout())
}

func (s *Server) lookupTimeout() time.Duration {
	if s.LookupTimeout <= 0 {
		return 5 * time.Second
	}
	return s.LookupTimeout
}

// problemOf describes a failed look-up for people, secrets masked.
func (s *Server) problemOf(ctx context.Context, err error, source string) views.Problem {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return views.Problem{Message: fmt.Sprintf("%s did not answer within %s.", source, s.lookupTimeout()),
			Advice: "Try again in a moment; if it keeps happening, type part of the board's name to ask for less."}
	}
	msg := config.Mask(err.Error(), s.Secrets...)
	return views.Problem{Message: source + ": " + msg, Advice: adviceFor(msg)}
}

// defaultSince is the history depth offered: the server's default.
func (s *Server) defaultSince() string {
	h := 3 * 365 * 24 * time.Hour
	if s.Sources != nil && s.Sources.History > 0 {
		h = s.Sources.History
	}
	return s.now().Add(-h).UTC().Format(dateLayout)
}

func (s *Server) boardNewPage(w http.ResponseWriter, r *http.Request, t store.Team) views.BoardNew {
	return views.BoardNew{Page: s.page(w, r, "Add a board · "+t.Name, teamCrumbs(t, views.Crumb{Label: "Add a board"})...),
		TeamName: t.Name, TeamURL: teamURL(t)}
}

const viewerNoLookups = "Only editors add boards, so this page asks JIRA nothing for you. Ask an editor (see VGER_EDITORS), or whoever runs Vger."

const notConfigured = "JIRA is not configured on this server, so its boards cannot be listed. Whoever runs Vger sets JIRA_URL and its credentials (see “vger help config”)."

// boardNew lists JIRA boards to pick from (?q= narrows by name), then,
// with ?board=ID, shows what Vger will make of the board and the form.
func (s *Server) boardNew(w http.ResponseWriter, r *http.Request) error {
	if err := rejectUnknownParams(r, "board", "extra_jql", "name", "q", "since"); err != nil {
		return err
	}
	t, err := s.team(r)
	if err != nil {
		return err
	}
	m := s.boardNewPage(w, r, t)
	q := r.URL.Query()
	m.Query = strings.TrimSpace(q.Get("q"))
	if !UserFrom(r.Context()).CanEdit() {
		// A viewer cannot add the board, and must not use the page as a
		// window on JIRA either: its look-ups list every board the token
		// sees and count the issues matching any extra JQL given.
		m.NotConfigured = viewerNoLookups
		return render(w, r, http.StatusOK, views.BoardNewPage(m))
	}
	if s.tracker() == nil {
		m.NotConfigured = notConfigured
		return render(w, r, http.StatusOK, views.BoardNewPage(m))
	}
	if !q.Has("board") {
		if err := s.listBoards(r, t, &m); err != nil {
			return err
		}
		return render(w, r, http.StatusOK, views.BoardNewPage(m))
	}
	id, err := strconv.ParseInt(q.Get("board"), 10, 64)
	if err != nil || id <= 0 {
		return InvalidParam("board", "it is not a JIRA board id", "a positive whole number, as listed on this page")
	}
	m.Name, m.ExtraJQL, m.Since = strings.TrimSpace(q.Get("name")), strings.TrimSpace(q.Get("extra_jql")), strings.TrimSpace(q.Get("since"))
	since := s.checkSince(&m)
	s.chooseBoard(r.Context(), t, id, since, &m)
	return render(w, r, http.StatusOK, views.BoardNewPage(m))
}

func (s *Server) listBoards(r *http.Request, t store.Team, m *views.BoardNew) error {
	ctx, cancel := s.lookup(r.Context())
	defer cancel()
	found, err := s.tracker().Boards(ctx, m.Query)
	if err != nil {
		m.Lookup = s.problemOf(ctx, err, "JIRA")
		return nil
	}
	existing, err := s.Store.Boards(r.Context())
	if err != nil {
		return err
	}
	for i, b := range found {
		if i == maxListed {
			m.More = len(found) - maxListed
			break
		}
		opt := views.JiraBoardOpt{ID: b.ID, Name: b.Name, Type: b.Type, Project: b.Project,
			ChooseURL: teamURL(t) + "/boards/new?board=" + strconv.FormatInt(b.ID, 10)}
		for _, e := range existing {
			if e.JiraBoardID != b.ID {
				continue
			}
			if e.TeamID == t.ID {
				opt.Note = "already on this team"
				break
			}
			opt.Note = "also used by team " + e.TeamSlug
		}
		m.Results = append(m.Results, opt)
	}
	return nil
}

// checkSince reads the history date of the form ("" = the default).
func (s *Server) checkSince(m *views.BoardNew) *time.Time {
	if m.Since == "" {
		m.Since = s.defaultSince()
	}
	d, err := time.Parse(dateLayout, m.Since)
	if err != nil {
		m.Errors.Add("since", "Choose a date (YYYY-MM-DD).")
		return nil
	}
	if d.After(s.now()) {
		m.Errors.Add("since", "History cannot start in the future: choose a date on or before "+s.now().UTC().Format(dateLayout)+".")
		return nil
	}
	return &d
}

// chooseBoard reads the chosen JIRA board, previews its work states,
// warns about clauses that hide finished work, and estimates the first
// sync. It reports whether JIRA accepted the query.
func (s *Server) chooseBoard(ctx context.Context, t store.Team, id int64, since *time.Time, m *views.BoardNew) bool {
	c := &views.ChosenBoard{ID: id, Name: fmt.Sprintf("JIRA board %d", id), BackURL: teamURL(t) + "/boards/new"}
	m.Chosen = c
	lctx, cancel := s.lookup(ctx)
	defer cancel()
	tb, err := s.tracker().Board(lctx, id)
	if err != nil {
		c.Lookup = s.problemOf(lctx, err, "JIRA")
		return false
	}
	c.Name, c.Filter = tb.Name, tb.Filter
	if m.Name == "" {
		m.Name = tb.Name
	}
	var states []string
	for _, col := range tb.Columns {
		c.Columns = append(c.Columns, views.ColumnPreview{Name: col.Name, Statuses: len(col.StatusIDs), Skipped: len(col.StatusIDs) == 0})
		if len(col.StatusIDs) > 0 {
			states = append(states, col.Name)
		}
	}
	if len(states) < 2 {
		c.Lookup = views.Problem{Message: fmt.Sprintf("This board has %d columns with statuses; Vger needs at least two.", len(states)),
			Advice: "Map the board's statuses to columns in JIRA (board settings, Columns), or choose another board."}
		return false
	}
	start, end := flow.DefaultWindow(len(states))
	c.LeadStart, c.LeadEnd = states[start], states[end]
	for _, h := range jira.HidesFinishedWork(tb.Filter) {
		c.Warnings = append(c.Warnings, views.Warning{Source: "The board's filter", Clause: h.Clause, Why: h.Why})
	}
	for _, h := range jira.HidesFinishedWork(m.ExtraJQL) {
		c.Warnings = append(c.Warnings, views.Warning{Source: "The extra JQL", Clause: h.Clause, Why: h.Why})
	}
	if since == nil {
		return true
	}
	n, err := s.tracker().Count(lctx, vsync.Query{BoardFilter: tb.Filter, Extra: m.ExtraJQL, UpdatedSince: since})
	switch {
	case errors.Is(err, jira.ErrBadRequest) && m.ExtraJQL != "":
		m.Errors.Add("extra_jql", "JIRA rejected this query: "+jiraMessages(err, s.Secrets))
		return false
	case err != nil:
		p := s.problemOf(lctx, err, "Counting the board's issues in JIRA failed")
		c.Estimate = p.Message + " " + p.Advice
	case n == 0:
		c.Estimate = "JIRA finds no issues updated since " + since.Format(dateLayout) + " for this query: the board would stay empty. Check the filter, the extra JQL and the history date."
	default:
		c.Estimate = fmt.Sprintf("First sync: JIRA counts about %s updated since %s. Vger reads each with its full history; the team page shows the progress, and the charts fill in as it goes.",
			count(n, "issue", "issues"), since.Format(dateLayout))
	}
	return true
}

func jiraMessages(err error, secrets []string) string {
	var ae *jira.APIError
	if errors.As(err, &ae) && len(ae.Messages) > 0 {
		return config.Mask(strings.Join(ae.Messages, "; "), secrets...)
	}
	return config.Mask(err.Error(), secrets...)
}

// boardCreate adds the chosen board with METRICS.md's defaults and queues
// its first sync.
func (s *Server) boardCreate(w http.ResponseWriter, r *http.Request) error {
	t, err := s.team(r)
	if err != nil {
		return err
	}
	if s.tracker() == nil {
		m := s.boardNewPage(w, r, t)
		m.NotConfigured = notConfigured
		return render(w, r, http.StatusServiceUnavailable, views.BoardNewPage(m))
	}
	id, err := strconv.ParseInt(r.PostFormValue("board"), 10, 64)
	if err != nil || id <= 0 {
		return &Error{Status: http.StatusBadRequest, Heading: "Bad request", Message: "The form names no JIRA board: choose one from the list."}
	}
	m := s.boardNewPage(w, r, t)
	m.Name, m.ExtraJQL, m.Since = strings.TrimSpace(r.PostFormValue("name")), strings.TrimSpace(r.PostFormValue("extra_jql")), strings.TrimSpace(r.PostFormValue("since"))
	switch {
	case m.Name == "":
		m.Errors.Add("name", "Give the board a name.")
	case len([]rune(m.Name)) > 200:
		m.Errors.Add("name", "Use at most 200 characters.")
	case slugFrom(m.Name) == "":
		m.Errors.Add("name", "Use at least one letter or digit: the board's address is made from its name.")
	default:
		if _, err := s.Store.BoardBySlug(r.Context(), t.ID, slugFrom(m.Name)); err == nil {
			m.Errors.Add("name", fmt.Sprintf("This team already has a board at /teams/%s/boards/%s: choose another name.", t.Slug, slugFrom(m.Name)))
		} else if !isNotFound(err) {
			return err
		}
	}
	since := s.checkSince(&m)
	ok := s.chooseBoard(r.Context(), t, id, since, &m)
	if !ok || m.Errors.Any() {
		return render(w, r, http.StatusUnprocessableEntity, views.BoardNewPage(m))
	}
	// Adding reads the board, statuses and issue types: a few look-ups.
	ctx, cancel := context.WithTimeout(r.Context(), 3*s.lookupTimeout())
	defer cancel()
	a := s.audit(r, "board.create", fmt.Sprintf("added JIRA board %d", id), nil, nil)
	b, err := s.Sources.AddBoard(ctx, vsync.NewBoard{JiraBoardID: id, TeamID: t.ID, Name: m.Name, ExtraJQL: m.ExtraJQL, SyncSince: since, Audit: &a})
	if err != nil {
		if errors.Is(err, store.ErrConflict) {
			m.Errors.Add("name", "This team already has a board with that address: choose another name.")
		} else {
			p := s.problemOf(ctx, err, "Adding the board failed")
			m.Errors.Top = p.Message + " " + p.Advice
		}
		return render(w, r, http.StatusUnprocessableEntity, views.BoardNewPage(m))
	}
	notice := "Board " + b.Name + " added. "
	if err := s.enqueue(r, vsync.SyncBoardArgs{BoardID: b.ID}); err != nil {
		if !errors.Is(err, errNoQueue) {
			return err
		}
		notice += "No worker queue is configured: run “vger sync --board " + strconv.FormatInt(b.ID, 10) + "”."
	} else {
		notice += "Its first sync has started: progress shows below."
	}
	return s.redirect(w, r, teamURL(t), notice)
}
