package sync

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vger-dev/vger/internal/crashpoint"
	"github.com/vger-dev/vger/internal/store"
)

// SyncBoard brings a board's issues up to date: statuses and types, the
// board's configuration and filter, then every issue updated since the
// watermark (minus the overlap), a page per transaction together with the
// watermark that covers it; now and then a sweep for deleted and
// out-of-filter issues; finally the board's facts. full re-reads everything.
func (s *Syncer) SyncBoard(ctx context.Context, boardID int64, full bool) (Result, error) {
	sc := store.Scope{Kind: "board", BoardID: boardID}
	return s.run(ctx, sc, full, func(runID int64, res *Result) error {
		if s.Tracker == nil {
			return fmt.Errorf("JIRA: %w (set JIRA_URL and credentials)", ErrNotConfigured)
		}
		b, err := s.Store.Board(ctx, boardID)
		if err != nil {
			return err
		}
		s.progress(ctx, sc, runID, store.Progress{Phase: "metadata"})
		if _, err := s.Tracker.Info(ctx); err != nil {
			return err
		}
		if err := s.syncMeta(ctx); err != nil {
			return err
		}
		tb, err := s.Tracker.Board(ctx, b.JiraBoardID)
		if err != nil {
			return fmt.Errorf("JIRA board %d: %w", b.JiraBoardID, err)
		}
		if _, err := s.Store.SnapshotBoardConfig(ctx, boardID, tb, s.now()); err != nil {
			return err
		}
		if err := s.Store.SetBoardFilterJQL(ctx, boardID, tb.Filter); err != nil {
			return err
		}
		state, err := s.Store.SyncState(ctx, sc)
		if err != nil {
			return err
		}
		if full {
			// Start over; a full sync cut short by the budget continues
			// from the watermark like any other.
			if err := s.Store.ResetWatermark(ctx, sc); err != nil {
				return err
			}
			state.Watermark = nil
		}
		q := Query{BoardFilter: tb.Filter, Extra: b.ExtraJQL, OrderUpdated: true}
		switch {
		case state.Watermark != nil:
			since := state.Watermark.Add(-s.overlap())
			q.UpdatedSince = &since
		case b.SyncSince != nil:
			q.UpdatedSince = b.SyncSince
		case s.History > 0:
			since := s.now().Add(-s.History)
			q.UpdatedSince = &since
		}
		if err := s.pullIssues(ctx, sc, runID, q, res); err != nil {
			return err
		}
		if res.Partial {
			return nil
		}
		if full || s.sweepDue(state) {
			if err := s.sweep(ctx, sc, runID, Query{BoardFilter: tb.Filter, Extra: b.ExtraJQL}, res); err != nil {
				return err
			}
		}
		s.progress(ctx, sc, runID, store.Progress{Phase: "facts"})
		n, err := s.RebuildFacts(ctx, boardID)
		res.Facts = n
		return err
	})
}

func (s *Syncer) overlap() time.Duration {
	if s.Overlap > 0 {
		return s.Overlap
	}
	return 5 * time.Minute
}

func (s *Syncer) sweepDue(st store.SyncState) bool {
	every := s.SweepEvery
	if every <= 0 {
		every = time.Hour
	}
	return st.SweptAt == nil || s.now().Sub(*st.SweptAt) >= every
}

func (s *Syncer) syncMeta(ctx context.Context) error {
	sts, err := s.Tracker.Statuses(ctx)
	if err != nil {
		return fmt.Errorf("JIRA statuses: %w", err)
	}
	for i := range sts {
		sts[i].Name = Text(sts[i].Name)
	}
	if _, err := s.Store.UpsertJiraStatuses(ctx, sts); err != nil {
		return err
	}
	types, err := s.Tracker.IssueTypes(ctx)
	if err != nil {
		return fmt.Errorf("JIRA issue types: %w", err)
	}
	for i := range types {
		types[i].Name = Text(types[i].Name)
	}
	_, err = s.Store.UpsertJiraIssueTypes(ctx, types)
	return err
}

// pullIssues pages through the query, committing each page with its watermark.
func (s *Syncer) pullIssues(ctx context.Context, sc store.Scope, runID int64, q Query, res *Result) error {
	var total *int64
	if n, err := s.Tracker.Count(ctx, q); err == nil {
		t := int64(n)
		total = &t
		res.Requests++
	}
	var done int64
	cursor := ""
	began := time.Now() // the budget is wall time, whatever the injected clock says
	for {
		page, err := s.Tracker.Search(ctx, q, cursor)
		if err != nil {
			return fmt.Errorf("JIRA search: %w", err)
		}
		res.Requests += page.Requests
		res.Pages++
		done += int64(len(page.Issues))
		p := store.Progress{Phase: "issues", Done: done, Total: total}
		err = pgx.BeginFunc(ctx, s.Store.Pool, func(tx pgx.Tx) error {
			wc, err := store.WriteJiraIssues(ctx, tx, sc.BoardID, page.Issues)
			if err != nil {
				return err
			}
			crashpoint.Hit("page-written") // inside the page's transaction
			res.Written.Add(wc)
			if wm, ok := pageWatermark(page.Issues); ok {
				if err := store.AdvanceWatermark(ctx, tx, sc, wm); err != nil {
					return err
				}
			}
			return s.Store.UpdateRun(ctx, tx, runID, p)
		})
		if err != nil {
			return fmt.Errorf("store page: %w", err)
		}
		crashpoint.Hit("page-committed")
		if s.OnProgress != nil {
			s.OnProgress(sc, p)
		}
		if page.Next == "" {
			return nil
		}
		if s.Budget > 0 && time.Since(began) >= s.Budget {
			res.Partial = true
			return nil
		}
		cursor = page.Next
	}
}

// pageWatermark is the newest update on a page sorted oldest-updated first.
// Every issue updated before it has been read: later pages hold only
// issues updated at or after it (results shift, never skip back).
func pageWatermark(issues []store.JiraIssue) (time.Time, bool) {
	var wm time.Time
	for _, is := range issues {
		if is.Updated.After(wm) {
			wm = is.Updated
		}
	}
	return wm, !wm.IsZero()
}

// sweep finds issues that left the board's filter or were deleted: ids the
// filter no longer returns are marked out of filter, and those the tracker
// no longer has at all are marked deleted. Their history is kept.
func (s *Syncer) sweep(ctx context.Context, sc store.Scope, runID int64, q Query, res *Result) error {
	s.progress(ctx, sc, runID, store.Progress{Phase: "sweep"})
	ids, err := s.Tracker.IssueIDs(ctx, q)
	if err != nil {
		return fmt.Errorf("JIRA sweep: %w", err)
	}
	res.Requests++
	missing, err := s.Store.MarkBoardMembership(ctx, sc.BoardID, ids)
	if err != nil {
		return err
	}
	crashpoint.Hit("swept")
	if len(missing) > 0 {
		exist, err := s.Tracker.Existing(ctx, missing)
		if err != nil {
			return fmt.Errorf("JIRA sweep: %w", err)
		}
		var gone []int64
		for _, id := range missing {
			if !slices.Contains(exist, id) {
				gone = append(gone, id)
			}
		}
		n, err := s.Store.MarkDeleted(ctx, gone, s.now())
		if err != nil {
			return err
		}
		res.Written.Deleted += n
	}
	return s.Store.SetSweptAt(ctx, sc, s.now())
}
