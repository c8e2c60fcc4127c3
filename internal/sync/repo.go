package sync

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vger-dev/vger/internal/crashpoint"
	"github.com/vger-dev/vger/internal/store"
)

// SyncRepo brings a repository's pull requests and tags up to date. GitHub
// lists pull requests most recently updated first, so each page commits on
// its own, but the watermark moves only when the walk reaches the previous
// watermark: a walk cut short is simply redone from the top next time.
func (s *Syncer) SyncRepo(ctx context.Context, repoID int64, full bool) (Result, error) {
	sc := store.Scope{Kind: "repo", RepoID: repoID}
	return s.run(ctx, sc, full, func(runID int64, res *Result) error {
		if s.CodeHost == nil {
			return fmt.Errorf("GitHub: %w (set GITHUB_TOKEN)", ErrNotConfigured)
		}
		r, err := s.Store.Repo(ctx, repoID)
		if err != nil {
			return err
		}
		state, err := s.Store.SyncState(ctx, sc)
		if err != nil {
			return err
		}
		var stopBefore *time.Time
		if !full && state.Watermark != nil {
			t := state.Watermark.Add(-s.overlap())
			stopBefore = &t
		} else if s.History > 0 {
			t := s.now().Add(-s.History)
			stopBefore = &t
		}
		var newest time.Time
		var done int64
		cursor := ""
		for {
			page, err := s.CodeHost.PullRequests(ctx, r.Owner, r.Name, cursor)
			if err != nil {
				return fmt.Errorf("GitHub %s: %w", r.FullName(), err)
			}
			res.Requests += page.Requests
			res.Pages++
			reached := false
			keep := page.PRs[:0:0]
			for _, pr := range page.PRs {
				if pr.UpdatedAt.After(newest) {
					newest = pr.UpdatedAt
				}
				if stopBefore != nil && pr.UpdatedAt.Before(*stopBefore) {
					reached = true // older than what the last walk covered
					continue
				}
				keep = append(keep, pr)
			}
			done += int64(len(keep))
			p := store.Progress{Phase: "pull requests", Done: done}
			err = pgx.BeginFunc(ctx, s.Store.Pool, func(tx pgx.Tx) error {
				n, err := store.WritePullRequests(ctx, tx, repoID, keep)
				res.Written.PullRequests += n
				if err != nil {
					return err
				}
				crashpoint.Hit("pr-page-written")
				return s.Store.UpdateRun(ctx, tx, runID, p)
			})
			if err != nil {
				return fmt.Errorf("store pull requests: %w", err)
			}
			if s.OnProgress != nil {
				s.OnProgress(sc, p)
			}
			if reached || page.Next == "" {
				break
			}
			cursor = page.Next
		}
		if !newest.IsZero() {
			if err := pgx.BeginFunc(ctx, s.Store.Pool, func(tx pgx.Tx) error {
				return store.AdvanceWatermark(ctx, tx, sc, newest)
			}); err != nil {
				return err
			}
		}
		s.progress(ctx, sc, runID, store.Progress{Phase: "tags"})
		tags, n, err := s.CodeHost.Tags(ctx, r.Owner, r.Name)
		res.Requests += n
		if err != nil {
			return fmt.Errorf("GitHub %s tags: %w", r.FullName(), err)
		}
		written, removed, err := s.Store.ReplaceTags(ctx, repoID, tags)
		res.Written.Tags += written + removed
		return err
	})
}

// AddRepo registers a repository (checked on the code host) and links it
// to a board.
func (s *Syncer) AddRepo(ctx context.Context, owner, name string, boardID int64) (store.Repo, error) {
	if s.CodeHost == nil {
		return store.Repo{}, fmt.Errorf("GitHub: %w (set GITHUB_TOKEN)", ErrNotConfigured)
	}
	if _, err := s.Store.Board(ctx, boardID); err != nil {
		return store.Repo{}, err
	}
	found, err := s.CodeHost.Repo(ctx, owner, name)
	if err != nil {
		return store.Repo{}, err
	}
	r, err := s.Store.EnsureRepo(ctx, found.Owner, found.Name, found.DefaultBranch)
	if err != nil {
		return store.Repo{}, err
	}
	return r, s.Store.LinkRepo(ctx, boardID, r.ID)
}
