package web

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/views"
)

// freshness is every board's and repository's sync state and the jobs
// queued for them.
type freshness struct {
	boards []store.BoardStatus
	repos  []store.RepoStatus
	jobs   jobIndex
}

type jobKey struct {
	kind string
	id   int64
}

// jobIndex holds the newest job per kind and board (or repository).
type jobIndex map[jobKey]store.Job

func (s *Server) freshness(ctx context.Context) (freshness, error) {
	var f freshness
	var err error
	if f.boards, err = s.Store.BoardStatuses(ctx); err != nil {
		return f, err
	}
	if f.repos, err = s.Store.RepoStatuses(ctx); err != nil {
		return f, err
	}
	jobs, err := s.Store.LatestJobs(ctx)
	if err != nil {
		return f, err
	}
	f.jobs = jobIndex{}
	for _, j := range jobs {
		id := j.BoardID
		if j.Kind == "sync_repo" {
			id = j.RepoID
		}
		f.jobs[jobKey{j.Kind, id}] = j
	}
	return f, nil
}

// waiting reports whether a job waits for a worker (not for its retry).
func waiting(j store.Job, ok bool) bool {
	return ok && j.Active() && j.State != "running" && j.State != "retryable" && !(j.Attempt > 0 && j.LastError != "")
}

// queued describes a job waiting for a worker or its retry ("" when none).
func (s *Server) queued(j store.Job, ok bool, what string) string {
	if !ok || !j.Active() || j.State == "running" {
		return ""
	}
	msg := what + " queued"
	if j.State == "retryable" || (j.Attempt > 0 && j.LastError != "") {
		msg = what + " will be retried"
	}
	if wait := s.now().Sub(j.CreatedAt); j.State == "available" && wait > 2*time.Minute {
		msg += fmt.Sprintf(" for %d min: is a worker (vger worker) running?", int(wait.Minutes()))
	}
	return msg
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func (s *Server) boardRow(b store.BoardStatus, jobs jobIndex) views.BoardRow {
	url := "/teams/" + b.TeamSlug + "/boards/" + b.BoardSlug
	row := views.BoardRow{ID: b.BoardID, Name: b.BoardName, Issues: b.Issues, URL: url, SettingsURL: url + "/settings"}
	if b.LastOKAt != nil {
		row.DataAsOf = ago(s.now(), *b.LastOKAt)
	}
	if b.Running != nil {
		row.Syncing = "syncing: " + b.Running.Phase
		row.Done = b.Running.Done
		if b.Running.Total != nil && *b.Running.Total > 0 {
			row.Syncing += fmt.Sprintf(" %s of %s", thousands(int(b.Running.Done)), thousands(int(*b.Running.Total)))
			row.Total = *b.Running.Total
		} else if b.Running.Done > 0 {
			row.Syncing += " " + thousands(int(b.Running.Done))
		}
	}
	if j, ok := jobs[jobKey{"sync_board", b.BoardID}]; row.Syncing == "" {
		row.Queued = s.queued(j, ok, "sync")
		row.Waiting = waiting(j, ok)
	}
	if j, ok := jobs[jobKey{"rebuild_facts", b.BoardID}]; ok && j.Active() {
		row.Rebuild = "rebuilding facts with new settings"
		if j.State != "running" {
			row.Rebuild = s.queued(j, ok, "facts rebuild")
		}
	}
	if b.LastError != "" && (b.LastOKAt == nil || (b.LastErrorAt != nil && b.LastErrorAt.After(*b.LastOKAt))) {
		row.Error = b.LastError
		row.Advice = adviceFor(b.LastError)
	}
	return row
}

func (s *Server) repoRow(r store.RepoStatus, boards string, jobs jobIndex) views.RepoRow {
	row := views.RepoRow{ID: r.RepoID, FullName: r.Owner + "/" + r.Name, Boards: boards, PRs: r.PullRequests, Tags: r.Tags}
	if r.LastOKAt != nil {
		row.DataAsOf = ago(s.now(), *r.LastOKAt)
	}
	if r.Running != nil {
		row.Syncing = "syncing: " + r.Running.Phase
		if r.Running.Done > 0 {
			row.Syncing += " " + thousands(int(r.Running.Done))
		}
	} else if j, ok := jobs[jobKey{"sync_repo", r.RepoID}]; ok {
		row.Queued = s.queued(j, ok, "check and sync")
		row.Waiting = waiting(j, ok)
	}
	if r.LastError != "" && (r.LastOKAt == nil || (r.LastErrorAt != nil && r.LastErrorAt.After(*r.LastOKAt))) {
		row.Error = r.LastError
		row.Advice = repoAdviceFor(r.LastError)
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

// repoAdviceFor says what to do about a repository sync error.
func repoAdviceFor(msg string) string {
	m := strings.ToLower(msg)
	switch {
	case strings.Contains(m, "not configured"):
		return "Set GITHUB_TOKEN for the worker (see vger help config); until then repositories are not synced."
	case strings.Contains(m, "401") || strings.Contains(m, "bad credentials"):
		return "GitHub refused the token: check GITHUB_TOKEN."
	case strings.Contains(m, "not found") || strings.Contains(m, "404"):
		return "GitHub has no such repository, or the token cannot see it: check the owner/name, and that GITHUB_TOKEN can read it."
	case strings.Contains(m, "rate limit") || strings.Contains(m, "403"):
		return "GitHub is limiting requests; the next sync retries. Lower VGER_GITHUB_RATE if this repeats."
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
