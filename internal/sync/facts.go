package sync

import (
	"context"
	"fmt"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/flowmap"
	"github.com/vger-dev/vger/internal/store"
)

// Catalog loads the stored statuses and issue types.
func Catalog(ctx context.Context, st *store.Store) (flowmap.Catalog, error) {
	sts, err := st.JiraStatuses(ctx)
	if err != nil {
		return flowmap.Catalog{}, err
	}
	types, err := st.JiraIssueTypes(ctx)
	if err != nil {
		return flowmap.Catalog{}, err
	}
	return flowmap.Catalog{Statuses: sts, IssueTypes: types}, nil
}

// RebuildFacts recomputes every fact of a board from its stored issues
// (after a sync, or when the board's mapping changes) and returns how many
// fact rows changed. Unchanged facts are not rewritten.
func (s *Syncer) RebuildFacts(ctx context.Context, boardID int64) (int64, error) {
	b, err := s.Store.Board(ctx, boardID)
	if err != nil {
		return 0, err
	}
	cat, err := Catalog(ctx, s.Store)
	if err != nil {
		return 0, err
	}
	fb, err := flowmap.Board(b, cat)
	if err != nil {
		return 0, fmt.Errorf("board %d settings: %w", boardID, err)
	}
	now := s.now()
	var facts []store.Fact
	var segs []flow.Segment
	var counts flow.Counter // the quadrant's weekly counts, from the same facts
	live := 0
	err = s.Store.BoardIssues(ctx, boardID, func(bi store.BoardIssue) error {
		if bi.InFilter && bi.DeletedAt == nil {
			live++
		}
		is := flowmap.Issue(bi)
		segs = fb.AppendSegments(segs[:0], is)
		f := fb.Facts(is, now)
		counts.Add(fb, &f)
		facts = append(facts, flowmap.Fact(bi, f, segs))
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("load board %d issues: %w", boardID, err)
	}
	written, removed, err := s.Store.ReplaceFacts(ctx, boardID, facts, store.Aggregates{Counts: flowmap.Counts(counts.Counts()), Issues: live})
	return written + removed, err
}
