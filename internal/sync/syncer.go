package sync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/vger-dev/vger/internal/config"
	"github.com/vger-dev/vger/internal/crashpoint"
	"github.com/vger-dev/vger/internal/retry"
	"github.com/vger-dev/vger/internal/store"
)

// Syncer runs syncs. It is safe for concurrent use by several jobs; the
// job layer makes sure one board is never synced twice at once.
type Syncer struct {
	Store    *store.Store
	Tracker  Tracker  // nil: JIRA is not configured
	CodeHost CodeHost // nil: GitHub is not configured
	Now      func() time.Time
	Log      *slog.Logger
	// Overlap re-reads issues updated shortly before the watermark: JQL
	// dates are minute-precise and search results eventually consistent.
	Overlap time.Duration
	// History bounds a board's first sync when it sets no "sync since".
	History time.Duration
	// SweepEvery is how often the deleted-issue sweep runs per board.
	SweepEvery time.Duration
	// Secrets are masked out of recorded errors.
	Secrets []string
	// Budget bounds one sync's page walk in wall time (0: none). A sync
	// that runs out stops after a committed page with Result.Partial set;
	// the next sync continues from the watermark. Jobs stay short, so a
	// killed worker's job is rescued quickly.
	Budget time.Duration
	// JiraRequests and GitHubRequests count every HTTP attempt to each
	// source (metadata and retries included), when set.
	JiraRequests, GitHubRequests *atomic.Int64
	// OnProgress hears every progress update (the CLI draws bars with it).
	OnProgress func(scope store.Scope, p store.Progress)
}

func (s *Syncer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Syncer) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}

// ErrNotConfigured means the source the sync needs has no credentials.
var ErrNotConfigured = errors.New("not configured")

// Result summarises one sync.
type Result struct {
	Requests int
	Pages    int
	Written  store.WriteCounts
	Facts    int64
	Duration time.Duration
	// Partial: the budget ran out; sync again to continue.
	Partial bool
}

// Counts is the result as stored with the sync state.
func (r Result) Counts() map[string]any {
	return map[string]any{
		"requests": r.Requests, "pages": r.Pages, "issues_written": r.Written.Issues,
		"status_changes_written": r.Written.StatusChanges, "flag_changes_written": r.Written.FlagChanges,
		"history_items_removed": r.Written.Deleted, "facts_written": r.Facts,
		"pull_requests_written": r.Written.PullRequests, "tags_written": r.Written.Tags,
	}
}

// run wraps a sync with its run record and final state: success records
// "data as of", failure records the error and keeps every committed page.
func (s *Syncer) run(ctx context.Context, sc store.Scope, full bool, body func(runID int64, res *Result) error) (Result, error) {
	var res Result
	start := s.now()
	runID, err := s.Store.StartRun(ctx, sc, full, start)
	if err != nil {
		return res, fmt.Errorf("start run: %w", err)
	}
	crashpoint.Hit("run-started")
	err = body(runID, &res)
	res.Duration = s.now().Sub(start)
	// Bookkeeping must be written even when the sync was cancelled.
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err != nil {
		msg := config.Mask(err.Error(), s.Secrets...)
		status := "failed"
		if errors.Is(err, context.Canceled) {
			status = "cancelled"
		}
		s.Store.FinishRun(bctx, runID, status, msg, res.Counts(), s.now())
		s.Store.RecordSyncResult(bctx, sc, s.now(), msg, nil)
		return res, &maskedError{msg: msg, err: err}
	}
	if err := s.Store.FinishRun(bctx, runID, "ok", "", res.Counts(), s.now()); err != nil {
		return res, err
	}
	if res.Partial {
		return res, nil // "data as of" moves only when a sync completes
	}
	return res, s.Store.RecordSyncResult(bctx, sc, start, "", res.Counts())
}

func (s *Syncer) progress(ctx context.Context, sc store.Scope, runID int64, p store.Progress) {
	s.Store.UpdateRun(ctx, nil, runID, p)
	if s.OnProgress != nil {
		s.OnProgress(sc, p)
	}
}

// maskedError shows a message with secrets masked but keeps the cause for
// errors.Is/As (a rate limit's wait, a missing board).
type maskedError struct {
	msg string
	err error
}

func (e *maskedError) Error() string { return e.msg }
func (e *maskedError) Unwrap() error { return e.err }

// RateLimitWait reports whether err is a rate limit longer than a sync
// may wait, and for how long the service asked to wait.
func RateLimitWait(err error) (time.Duration, bool) {
	var re *retry.Error
	if errors.Is(err, retry.ErrRateLimited) && errors.As(err, &re) {
		return re.Wait, true
	}
	return 0, false
}
