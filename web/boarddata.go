package web

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/flowmap"
	"github.com/vger-dev/vger/internal/store"
)

// boardData is what every board view starts from: the board (with the
// view's overrides applied), the compiled engine board, the facts and the
// release tags. The quadrant's fast path (quadrantSeries) leaves Facts and
// Byid empty: it reads the board's weekly counts and only the facts of
// its lead-time window.
type boardData struct {
	Board  store.Board
	Flow   *flow.Board
	Facts  []flow.IssueFacts
	Byid   map[string]*factRow // stored rows by issue id: summaries, histories' ids, CFD segments
	Tags   []flow.Tag
	Notes  []store.Annotation // the board's annotations (none with notes=off)
	Status store.BoardStatus
	Items  int // in-scope issues
	// Delivered counts the in-scope delivered issues and First is when
	// the earliest in-scope issue was created (whatever the work types):
	// from every fact, or from the stored aggregates when Facts holds only
	// the delivered facts of a span (the quarterly view).
	Delivered int
	First     flow.Opt[time.Time]
	// Stored: the facts are the board's stored ones (no override), so
	// exports may read them from the database instead of Facts.
	Stored bool
}

// factRow is what views read of a stored fact besides the engine's facts.
type factRow struct {
	IssueID  int64
	Summary  string
	Segments []byte
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
	d, err := s.loadBoardMeta(ctx, b, p)
	if err != nil {
		return nil, err
	}
	if err := s.admitFacts(ctx, d.Status.Issues); err != nil {
		return nil, err
	}
	rows, err := s.pages().Facts(ctx, b.ID, withSegments)
	if err != nil {
		return nil, err
	}
	// Views keep a few columns of each row by id; the facts themselves are
	// converted, so the rows can go (a third of the memory of a big board).
	extra := make([]factRow, len(rows))
	d.Byid = make(map[string]*factRow, len(rows))
	for i := range rows {
		extra[i] = factRow{IssueID: rows[i].IssueID, Summary: rows[i].Summary, Segments: rows[i].Segments}
		d.Byid[strconv.FormatInt(rows[i].IssueID, 10)] = &extra[i]
	}
	if p.Overrides(b) {
		now := s.now()
		err = s.pages().BoardIssues(ctx, b.ID, func(bi store.BoardIssue) error {
			d.Facts = append(d.Facts, d.Flow.Facts(flowmap.Issue(bi), now))
			return nil
		})
		if err != nil {
			return nil, err
		}
	} else {
		d.Facts = make([]flow.IssueFacts, len(rows))
		for i := range rows {
			d.Facts[i] = flowmap.FromFact(rows[i])
			rows[i] = store.Fact{}
		}
	}
	rows = nil
	d.countFacts()
	return d, nil
}

// countFacts sets Items, Delivered and First from every fact in Facts.
func (d *boardData) countFacts() {
	d.Items, d.Delivered = 0, 0
	for i := range d.Facts {
		f := &d.Facts[i]
		if f.InScope {
			d.Items++
			if f.Delivered {
				d.Delivered++
			}
		}
	}
	d.First = firstCreated(d.Facts)
}

// loadBoardMeta reads everything of a board view but its facts: the
// compiled board with the view's overrides, release tags, annotations,
// sync status.
func (s *Server) loadBoardMeta(ctx context.Context, b store.Board, p ViewParams) (*boardData, error) {
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
	d := &boardData{Board: eff, Flow: fb, Stored: !p.Overrides(b)}
	if d.Tags, d.Notes, d.Status, err = s.boardExtras(ctx, b, p.Tags, p.Notes); err != nil {
		return nil, err
	}
	return d, nil
}

// boardExtras reads what a board view shows besides its data: the
// release tags (with tags on), the annotations (with notes on) and the
// sync status.
func (s *Server) boardExtras(ctx context.Context, b store.Board, tags, notes bool) (t []flow.Tag, n []store.Annotation, st store.BoardStatus, err error) {
	if tags {
		if t, err = s.tagsOf(ctx, b); err != nil {
			return nil, nil, st, err
		}
	}
	if notes {
		if n, err = s.pages().Annotations(ctx, b.ID); err != nil {
			return nil, nil, st, err
		}
	}
	if st, err = s.pages().BoardStatus(ctx, b.ID); err != nil {
		return nil, nil, st, err
	}
	return t, n, st, nil
}

// tagsOf reads a board's release tags, filtered by its tag pattern.
func (s *Server) tagsOf(ctx context.Context, b store.Board) ([]flow.Tag, error) {
	tags, err := s.pages().BoardTags(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	var re *regexp.Regexp
	if b.TagPattern != "" {
		re, _ = regexp.Compile(b.TagPattern) // validated when saved; a bad one shows every tag
	}
	var out []flow.Tag
	for _, t := range tags {
		if re == nil || re.MatchString(t.Name) {
			out = append(out, flow.Tag{Repo: t.Repo, Name: t.Name, At: t.At})
		}
	}
	return out, nil
}

// readDelivered reads into d, in one snapshot (store.QuarterlyFacts), the
// delivered facts done in the span that span computes from the board's
// first issue's creation (allocated once), the board's weekly counts
// (d.Items, d.Delivered) and that first creation (d.First). With full
// (every column) or summaries, each fact's summary is kept in d.Byid.
// store.ErrNoCounts: the board's aggregates predate this binary.
func (s *Server) readDelivered(ctx context.Context, boardID int64, d *boardData, full, summaries bool, span func(first *time.Time) (time.Time, time.Time)) error {
	d.Byid = map[string]*factRow{}
	keep := full || summaries
	counts, first, err := s.pages().QuarterlyFacts(ctx, boardID, store.QuarterlyRead{
		Full: full, Summaries: summaries, Span: span,
		Reserve: func(n int) {
			d.Facts = make([]flow.IssueFacts, 0, n)
			if keep {
				d.Byid = make(map[string]*factRow, n)
			}
		},
		Each: func(f *store.Fact) error {
			d.Facts = append(d.Facts, flowmap.FromFact(*f))
			if keep {
				d.Byid[d.Facts[len(d.Facts)-1].ID] = &factRow{IssueID: f.IssueID, Summary: f.Summary}
			}
			return nil
		},
	})
	if err != nil {
		return err
	}
	d.addCounts(counts)
	d.First = flow.OptOf(first)
	return nil
}

// addCounts adds a board's stored weekly counts to its items and delivered
// items (what a view read from aggregates shows of the whole board).
func (d *boardData) addCounts(counts []store.WeekCount) {
	for _, c := range counts {
		d.Items += c.Created
		d.Delivered += c.Delivered
	}
}

// admitFacts bounds how many facts the requests in flight hold in memory
// at once (FactsInFlight, weighed in issues): a request that would load
// every fact of a board waits for earlier ones to finish, so memory stays
// bounded however many clients ask for big boards at once; it holds its
// share until it has answered (its context ends). A board bigger than
// the whole budget runs alone. Reads of fewer than smallRead facts (a few
// MB) go ahead at once: most pages read a few hundred, and queueing them
// behind a big board's read would make every page as slow as the biggest.
func (s *Server) admitFacts(ctx context.Context, issues int64) error {
	if s.heavy == nil || issues < smallRead {
		return nil
	}
	n := min(max(issues, 1), FactsInFlight)
	if err := s.heavy.Acquire(ctx, n); err != nil {
		return fmt.Errorf("wait for memory to load %d facts: %w", issues, err) // a timeout answers 503
	}
	context.AfterFunc(ctx, func() { s.heavy.Release(n) })
	return nil
}

// smallRead: reads this small skip admitFacts (some 3 MB of facts).
const smallRead = 5_000

func (s *Server) catalog(ctx context.Context) (flowmap.Catalog, error) {
	sts, err := s.pages().JiraStatuses(ctx)
	if err != nil {
		return flowmap.Catalog{}, err
	}
	types, err := s.pages().JiraIssueTypes(ctx)
	if err != nil {
		return flowmap.Catalog{}, err
	}
	return flowmap.Catalog{Statuses: sts, IssueTypes: types}, nil
}
