package sync

import (
	"context"
	"fmt"
	"time"

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
	// The weekly counts as they would be with the lead time starting at
	// each other column before the end one (a view may override it).
	alts := map[int]*flow.Board{}
	for start := 0; start < b.LeadEnd; start++ {
		if start == b.LeadStart {
			continue
		}
		eff := b
		eff.LeadStart = start
		eff.DayMode = "calendar" // counts do not depend on it; cheaper than working days
		if alts[start], err = flowmap.Board(eff, cat); err != nil {
			return 0, fmt.Errorf("board %d with start column %d: %w", boardID, start, err)
		}
	}
	altCounts := make(map[int]*flow.Counter, len(alts))
	for start := range alts {
		altCounts[start] = &flow.Counter{}
	}
	now := s.now()
	var facts []store.Fact
	var segs []flow.Segment
	var counts flow.Counter // the quadrant's weekly counts, from the same facts
	var cfd flow.CFDCounter // the CFD's daily counts, from the same segments
	var first *time.Time    // the earliest in-scope creation
	live := 0
	err = s.Store.BoardIssues(ctx, boardID, func(bi store.BoardIssue) error {
		if bi.InFilter && bi.DeletedAt == nil {
			live++
		}
		is := flowmap.Issue(bi)
		segs = fb.AppendSegments(segs[:0], is)
		f := fb.Facts(is, now)
		counts.Add(fb, &f)
		for start, ab := range alts {
			af := ab.Facts(is, now)
			altCounts[start].Add(ab, &af)
		}
		cfd.Add(fb, &flow.Track{ID: f.ID, Type: f.Type, InScope: f.InScope, Segments: segs})
		if f.InScope && (first == nil || f.Created.Before(*first)) {
			c := f.Created
			first = &c
		}
		facts = append(facts, flowmap.Fact(bi, f, segs))
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("load board %d issues: %w", boardID, err)
	}
	starts := make(map[int][]store.WeekCount, len(altCounts))
	for start, c := range altCounts {
		starts[start] = flowmap.Counts(c.Counts())
	}
	written, removed, err := s.Store.ReplaceFacts(ctx, boardID, facts, store.Aggregates{Counts: flowmap.Counts(counts.Counts()),
		CFD: flowmap.CFDCounts(cfd.Counts()), StartCounts: starts, Issues: live, FirstCreated: first})
	return written + removed, err
}
