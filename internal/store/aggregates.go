package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// snapshot is how a page reads: one read-only, consistent view of the
// data however many queries it runs.
var snapshot = pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}

// withCounts runs fn in one snapshot after checking the board's stored
// aggregates are of this binary's version (ErrNoCounts otherwise), with
// the board's first issue's creation and its weekly counts.
func (s *Store) withCounts(ctx context.Context, boardID int64, fn func(tx pgx.Tx, first *time.Time, counts []WeekCount) error) error {
	return pgx.BeginTxFunc(ctx, s.Pool, snapshot, func(tx pgx.Tx) error {
		first, err := aggregateVersion(ctx, tx, boardID)
		if err != nil {
			return err
		}
		counts, err := weeklyCounts(ctx, tx, boardID)
		if err != nil {
			return err
		}
		return fn(tx, first, counts)
	})
}

// CFDCount is one row of board_cfd_counts (flow.CFDCount, stored): the
// in-scope issues of one type at each position at the end of a local day
// on which they changed.
type CFDCount struct {
	Day   time.Time // a date
	Type  string
	Bands []int32 // unmapped, then the columns in order
}

func replaceCFDCounts(ctx context.Context, tx pgx.Tx, boardID int64, counts []CFDCount) error {
	if _, err := tx.Exec(ctx, `DELETE FROM board_cfd_counts WHERE board_id = $1`, boardID); err != nil {
		return fmt.Errorf("replace CFD counts: %w", err)
	}
	rows := make([][]any, len(counts))
	for i, c := range counts {
		rows[i] = []any{boardID, c.Type, c.Day, c.Bands}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"board_cfd_counts"}, []string{"board_id", "type_name", "day", "bands"}, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("write CFD counts: %w", err)
	}
	return nil
}

// aggregateVersion checks that a board has aggregates of this binary's
// version (ErrNoCounts otherwise) and returns its first issue's creation.
func aggregateVersion(ctx context.Context, tx pgx.Tx, boardID int64) (first *time.Time, err error) {
	var version int
	err = tx.QueryRow(ctx, `SELECT version, first_created FROM board_aggregates WHERE board_id = $1`, boardID).Scan(&version, &first)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, ErrNoCounts
	case err != nil:
		return nil, err
	case version != WeeklyCountsVersion:
		return nil, ErrNoCounts
	}
	return first, nil
}

func weeklyCounts(ctx context.Context, tx pgx.Tx, boardID int64) ([]WeekCount, error) {
	rows, err := tx.Query(ctx, `SELECT week, type_name, created, started, delivered, closed_not_delivered
		FROM board_weekly_counts WHERE board_id = $1 ORDER BY week, type_name`, boardID)
	if err != nil {
		return nil, err
	}
	return collectWeekCounts(rows)
}

// FlowCounts reads what a CFD view needs, in one snapshot: the board's
// weekly counts (arrivals and departures) and its CFD counts of the days
// [from, to] plus, per type, the last one before from, grouped by type in
// day order (flow.CFDFrom's input). ErrNoCounts: the board has no
// aggregates of this version.
func (s *Store) FlowCounts(ctx context.Context, boardID int64, from, to time.Time) (counts []WeekCount, cfd []CFDCount, err error) {
	err = s.withCounts(ctx, boardID, func(tx pgx.Tx, _ *time.Time, c []WeekCount) error {
		counts = c
		var err error
		// The types come from the weekly counts (every in-scope issue is
		// created in some week), so the last count before the range is one
		// index probe per type.
		rows, err := tx.Query(ctx, `SELECT c.type_name, c.day, c.bands FROM board_cfd_counts c
			WHERE c.board_id = $1 AND c.day >= $2 AND c.day <= $3
			UNION ALL
			SELECT t.type_name, l.day, l.bands FROM (SELECT DISTINCT type_name FROM board_weekly_counts WHERE board_id = $1) t
			CROSS JOIN LATERAL (SELECT day, bands FROM board_cfd_counts c
				WHERE c.board_id = $1 AND c.type_name = t.type_name AND c.day < $2 ORDER BY c.day DESC LIMIT 1) l
			ORDER BY 1, 2`, boardID, from, to)
		if err != nil {
			return err
		}
		cfd, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (CFDCount, error) {
			var c CFDCount
			return c, r.Scan(&c.Type, &c.Day, &c.Bands)
		})
		return err
	})
	return counts, cfd, err
}

// QuarterlyRead says what QuarterlyFacts reads and where it goes.
type QuarterlyRead struct {
	// Full: every column but the segments (the lead-time CSV). Otherwise
	// only what the view's counts, lines and points use: id, key, type,
	// scope, start, done, lead time and blocked time, and the summary
	// when Summaries is set.
	Full, Summaries bool
	// Span computes the facts' span (done in [from, to)) from the board's
	// first issue's creation.
	Span func(first *time.Time) (from, to time.Time)
	// Reserve, when set, learns how many facts Each will get, before the
	// first (so the caller allocates once).
	Reserve func(n int)
	// Each gets the facts in done order, ties in issue order; it copies
	// what it keeps of a fact, which is reused.
	Each func(*Fact) error
}

// QuarterlyFacts reads what a quarterly view needs, in one snapshot: the
// board's weekly counts, its first issue's creation, and the delivered
// facts of in-scope issues (the only ones the views count) done in the
// span rd.Span computes from that first creation.
// ErrNoCounts: the board has no aggregates of this version.
func (s *Store) QuarterlyFacts(ctx context.Context, boardID int64, rd QuarterlyRead) (counts []WeekCount, first *time.Time, err error) {
	err = s.withCounts(ctx, boardID, func(tx pgx.Tx, fc *time.Time, c []WeekCount) error {
		first, counts = fc, c
		var err error
		from, to := rd.Span(first)
		const where = ` FROM board_issue_facts WHERE board_id = $1 AND done_at >= $2 AND done_at < $3 AND delivered AND in_scope`
		if rd.Reserve != nil {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*)`+where, boardID, from, to).Scan(&n); err != nil {
				return err
			}
			rd.Reserve(n)
		}
		summary := `''`
		if rd.Summaries {
			summary = `summary`
		}
		cols := `issue_id, key, ` + summary + `, type_name, in_scope, started_at, done_at, lead_time, blocked`
		if rd.Full {
			cols = factSelect + `, NULL::bytea`
		}
		rows, err := tx.Query(ctx, `SELECT `+cols+where+` ORDER BY done_at, issue_id`, boardID, from, to)
		if err != nil {
			return err
		}
		defer rows.Close()
		var f Fact
		// Narrow rows are scanned as values into the fact's pointers (Each
		// copies what it keeps): no allocation per nullable column; issue
		// types, a handful per board, are read once each.
		var started, done pgtype.Timestamptz
		var lead, blocked pgtype.Float8
		var typ pgtype.DriverBytes
		types := map[string]string{}
		for rows.Next() {
			f = Fact{}
			var err error
			if rd.Full {
				err = scanFact(rows, &f)
			} else {
				f.Delivered = true
				err = rows.Scan(&f.IssueID, &f.Key, &f.Summary, &typ, &f.InScope, &started, &done, &lead, &blocked)
				f.Type = internType(types, typ)
				if started.Valid {
					f.StartedAt = &started.Time
				}
				if done.Valid {
					f.DoneAt = &done.Time
				}
				if lead.Valid {
					f.LeadTime = &lead.Float64
				}
				if blocked.Valid {
					f.Blocked = &blocked.Float64
				}
			}
			if err != nil {
				return err
			}
			if err := rd.Each(&f); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return counts, first, err
}

// Summaries reads the summaries of some of a board's issues (a detailed
// scatterplot's points), by issue id.
func (s *Store) Summaries(ctx context.Context, boardID int64, ids []int64) (map[int64]string, error) {
	rows, err := s.Pool.Query(ctx, `SELECT issue_id, summary FROM board_issue_facts WHERE board_id = $1 AND issue_id = ANY($2)`, boardID, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(ids))
	var id int64
	var summary string
	_, err = pgx.ForEachRow(rows, []any{&id, &summary}, func() error {
		out[id] = summary
		return nil
	})
	return out, err
}

// AgingFacts reads what an aging view needs, in one snapshot: the
// board's weekly counts, the facts (without segments) of its work in
// progress, in-scope issues started and not done whose position is in
// [start, end), in issue order, and the delivered facts done in [from,
// to) (the lead-time lines' items), in issue order, with the columns the
// lead-time statistics use. ErrNoCounts: the board has no aggregates of
// this version.
func (s *Store) AgingFacts(ctx context.Context, boardID int64, start, end int, from, to time.Time) (counts []WeekCount, wip []Fact, lead []LeadFact, err error) {
	err = s.withCounts(ctx, boardID, func(tx pgx.Tx, _ *time.Time, c []WeekCount) error {
		counts = c
		var err error
		// The predicate is board_issue_facts_wip's.
		rows, err := tx.Query(ctx, `SELECT `+factSelect+`, NULL::bytea FROM board_issue_facts
			WHERE board_id = $1 AND in_scope AND started_at IS NOT NULL AND done_at IS NULL AND position >= $2 AND position < $3
			ORDER BY issue_id`, boardID, start, end)
		if err != nil {
			return err
		}
		if wip, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Fact, error) {
			var f Fact
			return f, scanFact(r, &f)
		}); err != nil {
			return err
		}
		// The columns and scan of QuadrantFacts' window read.
		rows, err = tx.Query(ctx, `SELECT `+leadColumns+`
			FROM board_issue_facts WHERE board_id = $1 AND done_at >= $2 AND done_at < $3 AND delivered AND in_scope ORDER BY issue_id`, boardID, from, to)
		if err != nil {
			return err
		}
		types := map[string]string{}
		lead, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (LeadFact, error) {
			var f LeadFact
			return f, scanLeadFact(r, &f, types)
		})
		return err
	})
	return counts, wip, lead, err
}

// IssueFlags lists the flag changes of the given issues, by issue, in
// history order (BoardFlags for a few issues).
func (s *Store) IssueFlags(ctx context.Context, ids []int64) (map[int64][]JiraFlagChange, error) {
	return issueFlags(ctx, s.Pool, ids)
}

func issueFlags(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, ids []int64) (map[int64][]JiraFlagChange, error) {
	out := map[int64][]JiraFlagChange{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `SELECT f.issue_id, f.history_id, f.item_seq, f.at, f.flagged
		FROM jira_flag_changes f WHERE f.issue_id = ANY($1) ORDER BY f.issue_id, f.at, f.history_id, f.item_seq`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var f JiraFlagChange
		var seq int16
		if err := rows.Scan(&id, &f.HistoryID, &seq, &f.At, &f.Flagged); err != nil {
			return nil, err
		}
		f.ItemSeq = int(seq)
		out[id] = append(out[id], f)
	}
	return out, rows.Err()
}

// BlockedFacts reads what an impediments view needs, in one snapshot: the
// board's weekly counts, and the facts (id, key, summary, type, scope,
// creation, start, done) and flag changes of the in-scope issues that can
// add to it (flow.ImpedimentsSpan): flagged and started, and either not
// done or done at or after from and started before to; in issue order.
// ErrNoCounts: the board has no aggregates of this version.
func (s *Store) BlockedFacts(ctx context.Context, boardID int64, from, to time.Time) (counts []WeekCount, facts []Fact, flags map[int64][]JiraFlagChange, err error) {
	err = s.withCounts(ctx, boardID, func(tx pgx.Tx, _ *time.Time, c []WeekCount) error {
		counts = c
		var err error
		// Two arms, each on its index: work in progress (the partial
		// board_issue_facts_wip) and done in the span (board_issue_facts_done).
		const cols = `SELECT issue_id, key, summary, type_name, in_scope, created_at, started_at, done_at FROM board_issue_facts x`
		const flagged = ` AND EXISTS (SELECT 1 FROM jira_flag_changes f WHERE f.issue_id = x.issue_id)`
		rows, err := tx.Query(ctx, cols+` WHERE board_id = $1 AND in_scope AND started_at IS NOT NULL AND done_at IS NULL`+flagged+`
			UNION ALL `+cols+` WHERE board_id = $1 AND done_at >= $2 AND started_at < $3 AND in_scope`+flagged+`
			ORDER BY issue_id`, boardID, from, to)
		if err != nil {
			return err
		}
		if facts, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Fact, error) {
			var f Fact
			return f, r.Scan(&f.IssueID, &f.Key, &f.Summary, &f.Type, &f.InScope, &f.Created, &f.StartedAt, &f.DoneAt)
		}); err != nil {
			return err
		}
		ids := make([]int64, len(facts))
		for i := range facts {
			ids[i] = facts[i].IssueID
		}
		flags, err = issueFlags(ctx, tx, ids)
		return err
	})
	return counts, facts, flags, err
}

func replaceStartCounts(ctx context.Context, tx pgx.Tx, boardID int64, starts map[int][]WeekCount) error {
	if _, err := tx.Exec(ctx, `DELETE FROM board_start_counts WHERE board_id = $1`, boardID); err != nil {
		return fmt.Errorf("replace start counts: %w", err)
	}
	var rows [][]any
	for start, counts := range starts {
		for _, c := range counts {
			rows = append(rows, []any{boardID, int32(start), c.Week, c.Type, int32(c.Created), int32(c.Started), int32(c.Delivered), int32(c.ClosedNotDelivered)})
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"board_start_counts"},
		[]string{"board_id", "start_seq", "week", "type_name", "created", "started", "delivered", "closed_not_delivered"}, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("write start counts: %w", err)
	}
	return nil
}

// ReplayIDs reads, in one snapshot, what a view that changes the start
// column or the day mode (not the end column) needs besides the
// histories of its lead-time window's items: the board's weekly counts
// with the lead time starting at column start (the stored ones when it is
// the board's own, own), and the ids of the items to replay, in issue
// order: the facts done in [from, to) that are delivered (own start: the
// same items) or done at all (another start may deliver others).
// ErrNoCounts: the board has no aggregates of this version.
func (s *Store) ReplayIDs(ctx context.Context, boardID int64, start int, own bool, from, to time.Time) (counts []WeekCount, ids []int64, err error) {
	err = pgx.BeginTxFunc(ctx, s.Pool, snapshot, func(tx pgx.Tx) error {
		if _, err := aggregateVersion(ctx, tx, boardID); err != nil {
			return err
		}
		var err error
		if own {
			counts, err = weeklyCounts(ctx, tx, boardID)
		} else {
			counts, err = startCounts(ctx, tx, boardID, start)
		}
		if err != nil {
			return err
		}
		delivered := "AND delivered"
		if !own {
			delivered = ""
		}
		rows, err := tx.Query(ctx, `SELECT issue_id FROM board_issue_facts
			WHERE board_id = $1 AND done_at >= $2 AND done_at < $3 `+delivered+` ORDER BY issue_id`, boardID, from, to)
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	return counts, ids, err
}

// collectWeekCounts reads rows of (week, type_name, created, started,
// delivered, closed_not_delivered): board_weekly_counts' and
// board_start_counts' columns.
func collectWeekCounts(rows pgx.Rows) ([]WeekCount, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (WeekCount, error) {
		var c WeekCount
		var a, b, d, e int32
		err := r.Scan(&c.Week, &c.Type, &a, &b, &d, &e)
		c.Created, c.Started, c.Delivered, c.ClosedNotDelivered = int(a), int(b), int(d), int(e)
		return c, err
	})
}

func startCounts(ctx context.Context, tx pgx.Tx, boardID int64, start int) ([]WeekCount, error) {
	var stored bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM board_start_counts WHERE board_id = $1 AND start_seq = $2)
		OR NOT EXISTS (SELECT 1 FROM board_weekly_counts WHERE board_id = $1)`, boardID, start).Scan(&stored); err != nil {
		return nil, err
	}
	if !stored { // a start column the rebuild did not count (another end column)
		return nil, ErrNoCounts
	}
	rows, err := tx.Query(ctx, `SELECT week, type_name, created, started, delivered, closed_not_delivered
		FROM board_start_counts WHERE board_id = $1 AND start_seq = $2 ORDER BY week, type_name`, boardID, start)
	if err != nil {
		return nil, err
	}
	return collectWeekCounts(rows)
}
