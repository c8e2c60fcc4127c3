package web

import (
	"context"
	"fmt"
	"regexp"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/flowmap"
	"github.com/vger-dev/vger/internal/store"
)

// boardData is what every board view starts from: the board (with the
// view's overrides applied), the compiled engine board, the facts and the
// release tags.
type boardData struct {
	Board  store.Board
	Flow   *flow.Board
	Facts  []flow.IssueFacts
	Byid   map[string]*store.Fact // stored rows by issue id, for summaries and keys
	Tags   []flow.Tag
	Status store.BoardStatus
}

// loadBoardData reads a board's facts. When the view overrides what facts
// mean (start, end, day mode) they are recomputed from the stored
// histories with the overridden settings, which costs more.
func (s *Server) loadBoardData(ctx context.Context, b store.Board, p ViewParams) (*boardData, error) {
	return s.loadBoardDataWith(ctx, b, p, false)
}

// loadBoardDataWith is loadBoardData that also reads the CFD's position
// segments (in Byid's rows) when withSegments is set.
func (s *Server) loadBoardDataWith(ctx context.Context, b store.Board, p ViewParams, withSegments bool) (*boardData, error) {
	cat, err := s.catalog(ctx)
	if err != nil {
		return nil, err
	}
	eff := b
	eff.LeadStart, eff.LeadEnd = p.window(b)
	if p.Days != "" {
		eff.DayMode = p.Days
	}
	if p.Window != 0 {
		eff.RollingWeeks = p.Window
	}
	fb, err := flowmap.Board(eff, cat)
	if err != nil {
		return nil, fmt.Errorf("board %d settings: %w", b.ID, err)
	}
	d := &boardData{Board: eff, Flow: fb, Byid: map[string]*store.Fact{}}
	rows, err := s.Store.Facts(ctx, b.ID, withSegments)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		d.Byid[fmt.Sprint(rows[i].IssueID)] = &rows[i]
	}
	if p.Overrides(b) {
		now := s.now()
		err = s.Store.BoardIssues(ctx, b.ID, func(bi store.BoardIssue) error {
			d.Facts = append(d.Facts, fb.Facts(flowmap.Issue(bi), now))
			return nil
		})
		if err != nil {
			return nil, err
		}
	} else {
		d.Facts = make([]flow.IssueFacts, len(rows))
		for i, r := range rows {
			d.Facts[i] = flowmap.FromFact(r)
		}
	}
	if p.Tags {
		tags, err := s.Store.BoardTags(ctx, b.ID)
		if err != nil {
			return nil, err
		}
		var re *regexp.Regexp
		if b.TagPattern != "" {
			re, _ = regexp.Compile(b.TagPattern) // validated when saved; a bad one shows every tag
		}
		for _, t := range tags {
			if re == nil || re.MatchString(t.Name) {
				d.Tags = append(d.Tags, flow.Tag{Repo: t.Repo, Name: t.Name, At: t.At})
			}
		}
	}
	if d.Status, err = s.Store.BoardStatus(ctx, b.ID); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Server) catalog(ctx context.Context) (flowmap.Catalog, error) {
	sts, err := s.Store.JiraStatuses(ctx)
	if err != nil {
		return flowmap.Catalog{}, err
	}
	types, err := s.Store.JiraIssueTypes(ctx)
	if err != nil {
		return flowmap.Catalog{}, err
	}
	return flowmap.Catalog{Statuses: sts, IssueTypes: types}, nil
}
