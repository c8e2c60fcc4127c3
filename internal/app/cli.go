package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/vger-dev/vger/internal/config"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
)

// openForCLI opens the database for an operator command, which needs a
// current schema like the servers do.
func openForCLI(ctx context.Context, cfg *config.Config, log *slog.Logger, name string) (*Database, error) {
	db, err := OpenDatabase(ctx, cfg, log, name)
	if err != nil {
		return nil, err
	}
	if err := db.RequireCurrentSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// BoardAdd registers a JIRA board from the command line.
func BoardAdd(ctx context.Context, cfg *config.Config, log *slog.Logger, out io.Writer, nb vsync.NewBoard) error {
	db, err := openForCLI(ctx, cfg, log, "vger-board")
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := NewSyncer(cfg, db.Store, log)
	if err != nil {
		return err
	}
	b, err := s.AddBoard(ctx, nb)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "added board %d %q (JIRA board %d) to team %q with %d columns; lead time from %q to %q\n",
		b.ID, b.Name, b.JiraBoardID, nb.TeamName, len(b.States), b.States[b.LeadStart].Name, b.States[b.LeadEnd].Name)
	fmt.Fprintf(out, "sync it now with: vger sync --board %d\n", b.ID)
	return nil
}

// RepoAdd registers a GitHub repository and links it to a board.
func RepoAdd(ctx context.Context, cfg *config.Config, log *slog.Logger, out io.Writer, owner, name string, boardID int64) error {
	db, err := openForCLI(ctx, cfg, log, "vger-repo")
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := NewSyncer(cfg, db.Store, log)
	if err != nil {
		return err
	}
	r, err := s.AddRepo(ctx, owner, name, boardID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "linked repository %s (id %d) to board %d\nsync it now with: vger sync --repo %s\n", r.FullName(), r.ID, boardID, r.FullName())
	return nil
}

// SyncOptions select what `vger sync` covers.
type SyncOptions struct {
	BoardID int64
	Repo    string // owner/name
	All     bool
	Full    bool
}

type syncTarget struct {
	label string
	run   func() (vsync.Result, error)
}

// Sync runs syncs in the foreground with progress, a summary, and an error
// when any failed.
func Sync(ctx context.Context, cfg *config.Config, log *slog.Logger, out io.Writer, opts SyncOptions) error {
	db, err := openForCLI(ctx, cfg, log, "vger-sync")
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := NewForegroundSyncer(cfg, db.Store, log)
	if err != nil {
		return err
	}
	s.Budget = 0 // in the foreground, run to the end
	board := func(id int64) syncTarget {
		return syncTarget{fmt.Sprintf("board %d", id), func() (vsync.Result, error) { return s.SyncBoard(ctx, id, opts.Full) }}
	}
	repo := func(r store.Repo) syncTarget {
		return syncTarget{"repo " + r.FullName(), func() (vsync.Result, error) { return s.SyncRepo(ctx, r.ID, opts.Full) }}
	}
	var targets []syncTarget
	switch {
	case opts.All:
		boards, err := db.Store.Boards(ctx)
		if err != nil {
			return err
		}
		for _, b := range boards {
			targets = append(targets, board(b.ID))
		}
		repos, err := db.Store.Repos(ctx)
		if err != nil {
			return err
		}
		for _, r := range repos {
			targets = append(targets, repo(r))
		}
		if len(targets) == 0 {
			fmt.Fprintln(out, "nothing to sync: add a board with `vger board add`")
			return nil
		}
	case opts.Repo != "":
		owner, name, _ := strings.Cut(opts.Repo, "/")
		r, err := db.Store.RepoByName(ctx, owner, name)
		if err != nil {
			return fmt.Errorf("%w: add it first with `vger repo add %s --board ID`", err, opts.Repo)
		}
		targets = append(targets, repo(r))
	default:
		targets = append(targets, board(opts.BoardID))
	}
	bar := newProgress(out)
	s.OnProgress = bar.update
	var failed []string
	began := time.Now()
	defer func() {
		fmt.Fprintf(out, "total: %d syncs in %s; HTTP requests (metadata and retries included): JIRA %d, GitHub %d; peak memory %d MB\n", len(targets),
			time.Since(began).Round(time.Millisecond), s.JiraRequests.Load(), s.GitHubRequests.Load(), peakRSSMB())
	}()
	for _, tg := range targets {
		bar.start(tg.label)
		res, err := tg.run()
		bar.finish()
		if err != nil {
			fmt.Fprintf(out, "%s: FAILED: %v\n", tg.label, err)
			failed = append(failed, tg.label)
			if ctx.Err() != nil {
				break
			}
			continue
		}
		fmt.Fprintf(out, "%s: ok in %s: %d requests, %d pages; written: %d issues, %d history items, %d pull requests, %d tags; %d facts changed\n",
			tg.label, res.Duration.Round(time.Millisecond), res.Requests, res.Pages, res.Written.Issues,
			res.Written.StatusChanges+res.Written.FlagChanges, res.Written.PullRequests, res.Written.Tags, res.Facts)
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d syncs failed (%s); data stored before stays as it was", len(failed), len(targets), strings.Join(failed, ", "))
	}
	return nil
}

// progress draws a bar on a terminal and plain lines elsewhere.
type progress struct {
	mu      sync.Mutex
	out     io.Writer
	tty     bool
	label   string
	began   time.Time
	phase   string
	lastOut time.Time
}

func newProgress(out io.Writer) *progress {
	p := &progress{out: out}
	if f, ok := out.(*os.File); ok {
		p.tty = term.IsTerminal(int(f.Fd()))
	}
	return p
}

func (p *progress) start(label string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.label, p.began, p.phase = label, time.Now(), ""
}

func (p *progress) update(_ store.Scope, pr store.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	elapsed := time.Since(p.began).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(pr.Done) / elapsed
	}
	line := fmt.Sprintf("%s: %s %d", p.label, pr.Phase, pr.Done)
	if pr.Total != nil && *pr.Total > 0 {
		frac := min(1, float64(pr.Done)/float64(*pr.Total))
		line = fmt.Sprintf("%s: %-8s [%-30s] %d/%d", p.label, pr.Phase, strings.Repeat("#", int(frac*30)), pr.Done, *pr.Total)
		if rate > 0 && pr.Done < *pr.Total {
			line += fmt.Sprintf(" ETA %s", (time.Duration(float64(*pr.Total-pr.Done)/rate) * time.Second).Round(time.Second))
		}
	}
	if rate > 0 {
		line += fmt.Sprintf(" %.0f/s", rate)
	}
	if p.tty {
		fmt.Fprintf(p.out, "\r\033[K%s", line)
		return
	}
	// Plain output: a line per phase, and at most one every 2 s within one.
	if pr.Phase != p.phase || time.Since(p.lastOut) > 2*time.Second {
		fmt.Fprintln(p.out, line)
		p.phase, p.lastOut = pr.Phase, time.Now()
	}
}

func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		fmt.Fprint(p.out, "\r\033[K")
	}
}

// StatusRow is one board's sync status.
type StatusRow struct {
	Kind         string     `json:"kind"`
	ID           int64      `json:"id"`
	Team         string     `json:"team"`
	Name         string     `json:"name"`
	JiraBoardID  int64      `json:"jira_board_id,omitempty"`
	LastOKAt     *time.Time `json:"last_ok_at"`
	LastError    string     `json:"last_error,omitempty"`
	LastErrorAt  *time.Time `json:"last_error_at,omitempty"`
	Watermark    *time.Time `json:"watermark"`
	Issues       int64      `json:"issues,omitempty"`
	PullRequests int64      `json:"pull_requests,omitempty"`
	Tags         int64      `json:"tags,omitempty"`
	Boards       []int64    `json:"boards,omitempty"`
	Running      string     `json:"running,omitempty"`
}

// Status prints every board's sync state.
func Status(ctx context.Context, cfg *config.Config, log *slog.Logger, out io.Writer, asJSON bool) error {
	db, err := openForCLI(ctx, cfg, log, "vger-status")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := StatusRows(ctx, db.Store)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(out, "no boards yet: add one with `vger board add --jira-board ID --team NAME`")
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tID\tTEAM\tNAME\tROWS\tLAST SUCCESS\tWATERMARK\tLAST ERROR")
	for _, r := range rows {
		n := fmt.Sprintf("%d issues", r.Issues)
		if r.Kind == "repo" {
			n = fmt.Sprintf("%d PRs, %d tags", r.PullRequests, r.Tags)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Kind, r.ID, r.Team, r.Name, n, when(r.LastOKAt), when(r.Watermark), oneLine(r.LastError))
	}
	return tw.Flush()
}

// StatusRows reads the status of every board.
func StatusRows(ctx context.Context, st *store.Store) ([]StatusRow, error) {
	all, err := st.BoardStatuses(ctx)
	if err != nil {
		return nil, err
	}
	repos, err := st.RepoStatuses(ctx)
	if err != nil {
		return nil, err
	}
	rows := []StatusRow{}
	for _, b := range all {
		r := StatusRow{Kind: "board", ID: b.BoardID, Team: b.TeamSlug, Name: b.BoardName, JiraBoardID: b.JiraBoardID,
			LastOKAt: b.LastOKAt, LastError: b.LastError, LastErrorAt: b.LastErrorAt, Watermark: b.Watermark, Issues: b.Issues}
		if b.Running != nil {
			r.Running = b.Running.Phase
		}
		rows = append(rows, r)
	}
	for _, r := range repos {
		row := StatusRow{Kind: "repo", ID: r.RepoID, Name: r.Owner + "/" + r.Name, LastOKAt: r.LastOKAt, LastError: r.LastError,
			LastErrorAt: r.LastErrorAt, Watermark: r.Watermark, PullRequests: r.PullRequests, Tags: r.Tags, Boards: r.Boards}
		if r.Running != nil {
			row.Running = r.Running.Phase
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func when(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return t.Local().Format("2006-01-02 15:04")
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

// peakRSSMB is this process's peak resident memory (Linux: KB in Maxrss).
func peakRSSMB() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return int64(ru.Maxrss) / 1024
}
