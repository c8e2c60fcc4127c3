package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/views"
)

// home lists the teams and their boards with data freshness.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	if err := rejectUnknownParams(r); err != nil {
		return err
	}
	teams, err := s.Store.ListTeams(r.Context())
	if err != nil {
		return err
	}
	statuses, err := s.Store.BoardStatuses(r.Context())
	if err != nil {
		return err
	}
	m := views.Home{Page: views.Page{Title: "Teams", Version: s.Version}}
	index := map[string]int{}
	for _, t := range teams {
		index[t.Slug] = len(m.Teams)
		m.Teams = append(m.Teams, views.TeamRow{Name: t.Name, Slug: t.Slug})
	}
	for _, b := range statuses {
		i, ok := index[b.TeamSlug]
		if !ok {
			continue
		}
		m.Teams[i].Boards = append(m.Teams[i].Boards, s.boardRow(b))
	}
	return render(w, r, http.StatusOK, views.HomePage(m))
}

func (s *Server) boardRow(b store.BoardStatus) views.BoardRow {
	row := views.BoardRow{ID: b.BoardID, Name: b.BoardName, Issues: b.Issues, URL: "/teams/" + b.TeamSlug + "/boards/" + b.BoardSlug}
	if b.LastOKAt != nil {
		row.DataAsOf = ago(s.now(), *b.LastOKAt)
	}
	if b.Running != nil {
		row.Syncing = "syncing: " + b.Running.Phase
		if b.Running.Total != nil && *b.Running.Total > 0 {
			row.Syncing += fmt.Sprintf(" %d of %d", b.Running.Done, *b.Running.Total)
		} else if b.Running.Done > 0 {
			row.Syncing += fmt.Sprintf(" %d", b.Running.Done)
		}
	}
	if b.LastError != "" && (b.LastOKAt == nil || (b.LastErrorAt != nil && b.LastErrorAt.After(*b.LastOKAt))) {
		row.Error = b.LastError
		row.Advice = adviceFor(b.LastError)
	}
	return row
}

// adviceFor says what to do about a sync error, in the operator's terms.
func adviceFor(msg string) string {
	m := strings.ToLower(msg)
	switch {
	case strings.Contains(m, "credentials") || strings.Contains(m, "401"):
		return "Check JIRA_EMAIL and JIRA_API_TOKEN (Cloud) or JIRA_PAT (Data Center); the data shown is from the last successful sync."
	case strings.Contains(m, "denied") || strings.Contains(m, "403"):
		return "The JIRA account cannot see this board or its issues: grant it browse permission on the board's projects."
	case strings.Contains(m, "not found") || strings.Contains(m, "404"):
		return "JIRA no longer has this board (or the account cannot see it): check the board id."
	case strings.Contains(m, "rejected") || strings.Contains(m, "400"):
		return "JIRA refused the board's query: check the board filter and the extra JQL."
	case strings.Contains(m, "not configured"):
		return "Set JIRA_URL and credentials for the worker (see vger help config)."
	case strings.Contains(m, "rate limited"):
		return "JIRA is throttling requests; the next sync retries. Lower VGER_JIRA_RATE if this repeats."
	case strings.Contains(m, "not reachable") || strings.Contains(m, "connection") || strings.Contains(m, "timed out") || strings.Contains(m, "timeout"):
		return "JIRA could not be reached; the next sync retries automatically."
	}
	return "The next sync retries automatically; the data shown is from the last successful sync."
}

// ago says how long ago t was, with the absolute time.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	var rel string
	switch {
	case d < time.Minute:
		rel = "just now"
	case d < time.Hour:
		rel = fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		rel = fmt.Sprintf("%d h ago", int(d.Hours()))
	default:
		rel = fmt.Sprintf("%d days ago", int(d.Hours()/24))
	}
	return fmt.Sprintf("%s (%s UTC)", rel, t.UTC().Format("2006-01-02 15:04"))
}
