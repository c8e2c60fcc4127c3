package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/vger-dev/vger/internal/crashpoint"
)

// BoardIssue is an issue of a board as the facts rebuild needs it.
type BoardIssue struct {
	JiraIssue
	TypeName string
	InFilter bool
}

// BoardIssues loads every issue ever matched by a board, with histories,
// calling fn for each in id order. It reads in chunks (keyset paging on
// the id) so memory stays flat however large the board.
func (s *Store) BoardIssues(ctx context.Context, boardID int64, fn func(BoardIssue) error) error {
	const chunk = 5000
	after := int64(-1 << 63)
	for {
		batch, err := s.boardIssueChunk(ctx, boardID, after, chunk)
		if err != nil {
			return err
		}
		for _, bi := range batch {
			if err := fn(bi); err != nil {
				return err
			}
		}
		if len(batch) < chunk {
			return nil
		}
		after = batch[len(batch)-1].ID
	}
}

// BoardIssuesByID is BoardIssues for the given issues of the board only
// (ids in increasing order).
func (s *Store) BoardIssuesByID(ctx context.Context, boardID int64, ids []int64, fn func(BoardIssue) error) error {
	const chunk = 5000
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		batch, err := s.boardIssueChunkOf(ctx, boardID, 0, n, ids[:n])
		if err != nil {
			return err
		}
		for _, bi := range batch {
			if err := fn(bi); err != nil {
				return err
			}
		}
		ids = ids[n:]
	}
	return nil
}

func (s *Store) boardIssueChunk(ctx context.Context, boardID, after int64, limit int) ([]BoardIssue, error) {
	return s.boardIssueChunkOf(ctx, boardID, after, limit, nil)
}

// boardIssueChunkOf reads up to limit issues of a board after the id
// after, or (ids not nil) the issues of ids.
func (s *Store) boardIssueChunkOf(ctx context.Context, boardID, after int64, limit int, ids []int64) ([]BoardIssue, error) {
	var out []BoardIssue
	err := pgx.BeginTxFunc(ctx, s.Pool, snapshot, func(tx pgx.Tx) error {
		const cols = `SELECT i.id, i.key, i.project, i.type_id, coalesce(ty.name, i.type_id), i.status_id, i.resolution,
				i.summary, coalesce(i.parent_id, 0), i.created_at, i.updated_at, i.resolved_at, i.deleted_at, bi.in_filter
			FROM board_issues bi JOIN jira_issues i ON i.id = bi.issue_id LEFT JOIN jira_issue_types ty ON ty.id = i.type_id`
		var rows pgx.Rows
		var err error
		if ids != nil {
			rows, err = tx.Query(ctx, cols+` WHERE bi.board_id = $1 AND bi.issue_id = ANY($2) ORDER BY bi.issue_id`, boardID, ids)
		} else {
			rows, err = tx.Query(ctx, cols+` WHERE bi.board_id = $1 AND bi.issue_id > $2 AND i.id > $2 ORDER BY bi.issue_id LIMIT $3`, boardID, after, limit)
		}
		if err != nil {
			return err
		}
		index := map[int64]int{}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (BoardIssue, error) {
			var bi BoardIssue
			err := r.Scan(&bi.ID, &bi.Key, &bi.Project, &bi.TypeID, &bi.TypeName, &bi.StatusID, &bi.Resolution,
				&bi.Summary, &bi.ParentID, &bi.Created, &bi.Updated, &bi.ResolvedAt, &bi.DeletedAt, &bi.InFilter)
			return bi, err
		})
		if err != nil || len(out) == 0 {
			return err
		}
		ids := make([]int64, len(out))
		for i, bi := range out {
			index[bi.ID] = i
			ids[i] = bi.ID
		}
		// Histories by the chunk's ids (index probes), not by id range: a
		// board's issues are interleaved with every other project's, so a
		// range would read and join every board's history.
		rows, err = tx.Query(ctx, `SELECT c.issue_id, c.history_id, c.item_seq, c.at, c.from_status_id, c.to_status_id
			FROM jira_status_changes c WHERE c.issue_id = ANY($1) ORDER BY c.issue_id, c.at, c.history_id, c.item_seq`, ids)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var c JiraStatusChange
			var seq int16
			if err := rows.Scan(&id, &c.HistoryID, &seq, &c.At, &c.From, &c.To); err != nil {
				rows.Close()
				return err
			}
			c.ItemSeq = int(seq)
			if i, ok := index[id]; ok {
				out[i].StatusChanges = append(out[i].StatusChanges, c)
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT f.issue_id, f.history_id, f.item_seq, f.at, f.flagged
			FROM jira_flag_changes f WHERE f.issue_id = ANY($1) ORDER BY f.issue_id, f.at, f.history_id, f.item_seq`, ids)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var f JiraFlagChange
			var seq int16
			if err := rows.Scan(&id, &f.HistoryID, &seq, &f.At, &f.Flagged); err != nil {
				rows.Close()
				return err
			}
			f.ItemSeq = int(seq)
			if i, ok := index[id]; ok {
				out[i].FlagChanges = append(out[i].FlagChanges, f)
			}
		}
		return rows.Err()
	})
	return out, err
}

// Fact is one row of board_issue_facts.
type Fact struct {
	IssueID            int64
	Key, Summary, Type string
	Created            time.Time
	InScope            bool
	Position           int
	PositionSince      time.Time
	StartedAt, DoneAt  *time.Time
	Delivered          bool
	Abandoned          bool
	ClosedNotDelivered bool
	LeadTime           *float64
	CalendarDays       *float64
	TimeInState        []float64
	Outside            *float64
	FlowEfficiency     *float64
	Blocked            *float64
	BlockedShare       *float64
	BlockedInState     []float64 // blocked time per in-progress column, parallel to TimeInState
	BlockedOutside     *float64  // blocked time outside the window
	MovedChanges       int
	StatusMismatch     bool
	Segments           []byte
}

var factCols = []string{"board_id", "issue_id", "key", "summary", "type_name", "created_at", "in_scope", "position", "position_since",
	"started_at", "done_at", "delivered", "abandoned", "closed_not_delivered", "lead_time", "calendar_days", "time_in_state",
	"outside", "flow_efficiency", "blocked", "blocked_share", "moved_changes", "status_mismatch", "segments",
	"blocked_in_state", "blocked_outside"}

// WeekCount is one row of board_weekly_counts (flow.WeekCount, stored).
type WeekCount struct {
	Week                                            time.Time // the Monday, a date
	Type                                            string
	Created, Started, Delivered, ClosedNotDelivered int
}

// Aggregates are what a rebuild derives for a board besides its facts.
type Aggregates struct {
	Counts []WeekCount
	CFD    []CFDCount // by type, then day
	// StartCounts are the weekly counts with the lead time starting at
	// another column (the key), up to the board's end column.
	StartCounts  map[int][]WeekCount
	Issues       int        // live in-filter issues (not deleted)
	FirstCreated *time.Time // the earliest in-scope issue's creation; nil: none
}

// WeeklyCountsVersion names the definition of the board aggregates
// (board_weekly_counts, board_cfd_counts, board_aggregates) that this
// binary writes and reads; aggregates of another version are ignored (the
// pages read every fact) until the board's next rebuild. 2: CFD counts and
// the first issue's creation; 3: weekly counts per other start column.
const WeeklyCountsVersion = 3

// ReplaceFacts writes a board's complete set of facts and its weekly
// counts: changed facts are updated, unchanged ones untouched, facts of
// issues not in the set removed; the counts are replaced. It returns the
// fact rows written and removed.
func (s *Store) ReplaceFacts(ctx context.Context, boardID int64, facts []Fact, agg Aggregates) (written, removed int64, err error) {
	rows := make([][]any, len(facts))
	ids := make([]int64, len(facts))
	for i, f := range facts {
		ids[i] = f.IssueID
		var tis, bis any
		if f.TimeInState != nil {
			tis = f.TimeInState
		}
		if f.BlockedInState != nil {
			bis = f.BlockedInState
		}
		rows[i] = []any{boardID, f.IssueID, f.Key, f.Summary, f.Type, f.Created, f.InScope, int32(f.Position), f.PositionSince,
			f.StartedAt, f.DoneAt, f.Delivered, f.Abandoned, f.ClosedNotDelivered, f.LeadTime, f.CalendarDays, tis,
			f.Outside, f.FlowEfficiency, f.Blocked, f.BlockedShare, int32(f.MovedChanges), f.StatusMismatch, f.Segments,
			bis, f.BlockedOutside}
	}
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		// A board without facts (its first rebuild) takes a plain COPY: no
		// temporary table, no merge. The row lock on the board serialises
		// rebuilds of one board, so "no facts" stays true until commit.
		var empty bool
		if _, err := tx.Exec(ctx, `SELECT 1 FROM boards WHERE id = $1 FOR UPDATE`, boardID); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM board_issue_facts WHERE board_id = $1)`, boardID).Scan(&empty); err != nil {
			return err
		}
		var err error
		if empty && len(rows) > 0 && uniqueIDs(ids) {
			written, err = tx.CopyFrom(ctx, pgx.Identifier{"board_issue_facts"}, factCols, pgx.CopyFromRows(rows))
		} else {
			written, err = upsert(ctx, tx, upsertSpec{table: "board_issue_facts", cols: factCols, key: []string{"board_id", "issue_id"}}, rows)
		}
		if err != nil {
			return err
		}
		crashpoint.Hit("facts-written") // inside the facts transaction
		tag, err := tx.Exec(ctx, `DELETE FROM board_issue_facts WHERE board_id = $1 AND NOT (issue_id = ANY($2))`, boardID, ids)
		if err != nil {
			return fmt.Errorf("remove stale facts: %w", err)
		}
		removed = tag.RowsAffected()
		return replaceAggregates(ctx, tx, boardID, agg)
	})
	return written, removed, err
}

func uniqueIDs(ids []int64) bool {
	seen := make(map[int64]struct{}, len(ids))
	for _, id := range ids {
		if _, ok := seen[id]; ok {
			return false
		}
		seen[id] = struct{}{}
	}
	return true
}

func replaceAggregates(ctx context.Context, tx pgx.Tx, boardID int64, agg Aggregates) error {
	counts := agg.Counts
	if _, err := tx.Exec(ctx, `DELETE FROM board_weekly_counts WHERE board_id = $1`, boardID); err != nil {
		return fmt.Errorf("replace weekly counts: %w", err)
	}
	rows := make([][]any, len(counts))
	for i, c := range counts {
		rows[i] = []any{boardID, c.Week, c.Type, int32(c.Created), int32(c.Started), int32(c.Delivered), int32(c.ClosedNotDelivered)}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"board_weekly_counts"},
		[]string{"board_id", "week", "type_name", "created", "started", "delivered", "closed_not_delivered"}, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("write weekly counts: %w", err)
	}
	if err := replaceStartCounts(ctx, tx, boardID, agg.StartCounts); err != nil {
		return err
	}
	if err := replaceCFDCounts(ctx, tx, boardID, agg.CFD); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO board_aggregates (board_id, version, issues, first_created, built_at) VALUES ($1, $2, $3, $4, now())
		ON CONFLICT (board_id) DO UPDATE SET version = EXCLUDED.version, issues = EXCLUDED.issues,
			first_created = EXCLUDED.first_created, built_at = EXCLUDED.built_at`,
		boardID, WeeklyCountsVersion, agg.Issues, agg.FirstCreated)
	return err
}

// ErrNoCounts means a board has no weekly counts of this binary's version
// (its facts predate them): read every fact instead.
var ErrNoCounts = errors.New("no weekly counts")

// LeadFact is the part of a delivered fact the quadrant's lead-time
// statistics use. Values with a flag instead of pointers: a page scans
// thousands of them, and pointers cost an allocation each.
type LeadFact struct {
	Type                 string
	InScope              bool
	StartedAt, DoneAt    time.Time
	HasStarted, HasDone  bool
	LeadTime             float64
	HasLeadTime          bool
	TimeInState          []float64
	Outside, Blocked     float64
	HasOutside, HasBlock bool
	// BlockedInState is nil for facts written before it was kept.
	BlockedInState    []float64
	BlockedOutside    float64
	HasBlockedOutside bool
}

// DeliveredBetween is at least how many delivered facts of in-scope issues
// are done in [from, to): the weekly counts of the weeks that touch it. A
// page weighs the memory of its read with it before reading, and sizes
// what it reads into.
func (s *Store) DeliveredBetween(ctx context.Context, boardID int64, from, to time.Time) (int64, error) {
	var n int64
	err := s.Pool.QueryRow(ctx, `SELECT coalesce(sum(delivered), 0) FROM board_weekly_counts
		WHERE board_id = $1 AND week >= $2::date AND week <= $3::date`,
		boardID, from.UTC().AddDate(0, 0, -7).Format(time.DateOnly), to.UTC().Format(time.DateOnly)).Scan(&n)
	return n, err
}

// QuadrantFacts reads what a quadrant view needs, in one snapshot: the
// board's weekly counts and the delivered facts of in-scope issues (the
// only ones the views count) done in [from, to), in issue order, with
// only the columns the lead-time statistics use. The facts go to each, a
// fresh LeadFact each time (DeliveredBetween says about how many come).
func (s *Store) QuadrantFacts(ctx context.Context, boardID int64, from, to time.Time, each func(*LeadFact)) (counts []WeekCount, err error) {
	err = s.withCounts(ctx, boardID, func(tx pgx.Tx, _ *time.Time, c []WeekCount) error {
		counts = c
		rows, err := tx.Query(ctx, `SELECT `+leadColumns+`
			FROM board_issue_facts WHERE board_id = $1 AND done_at >= $2 AND done_at < $3 AND delivered AND in_scope ORDER BY issue_id`, boardID, from, to)
		if err != nil {
			return err
		}
		defer rows.Close()
		types := map[string]string{} // a handful per board, read once each
		for rows.Next() {
			var f LeadFact
			if err := scanLeadFact(rows, &f, types); err != nil {
				return err
			}
			each(&f)
		}
		return rows.Err()
	})
	return counts, err
}

// leadColumns are what scanLeadFact reads.
const leadColumns = `type_name, in_scope, started_at, done_at, lead_time, time_in_state, outside, blocked, blocked_in_state, blocked_outside`

// scanLeadFact scans leadColumns into f: nullable columns as values with a
// flag (no allocation each), the issue type interned in types.
func scanLeadFact(r pgx.Row, f *LeadFact, types map[string]string) error {
	var started, done pgtype.Timestamptz
	var leadTime, outside, blocked, blockedOutside pgtype.Float8
	var typ pgtype.DriverBytes
	if err := r.Scan(&typ, &f.InScope, &started, &done, &leadTime, &f.TimeInState, &outside, &blocked,
		&f.BlockedInState, &blockedOutside); err != nil {
		return err
	}
	f.Type = internType(types, typ)
	f.StartedAt, f.HasStarted = started.Time, started.Valid
	f.DoneAt, f.HasDone = done.Time, done.Valid
	f.LeadTime, f.HasLeadTime = leadTime.Float64, leadTime.Valid
	f.Outside, f.HasOutside = outside.Float64, outside.Valid
	f.Blocked, f.HasBlock = blocked.Float64, blocked.Valid
	f.BlockedOutside, f.HasBlockedOutside = blockedOutside.Float64, blockedOutside.Valid
	return nil
}

// internType is the issue type in b, allocated once per distinct type.
func internType(seen map[string]string, b []byte) string {
	if t, ok := seen[string(b)]; ok {
		return t
	}
	t := string(b)
	seen[t] = t
	return t
}

// DeliveredFacts streams the delivered facts done in [from, to) by done
// time (ties in issue order), without segments, through one cursor: an
// export of any size holds one row at a time.
func (s *Store) DeliveredFacts(ctx context.Context, boardID int64, from, to time.Time, fn func(*Fact) error) error {
	rows, err := s.Pool.Query(ctx, `SELECT `+factSelect+`, NULL::bytea
		FROM board_issue_facts WHERE board_id = $1 AND done_at >= $2 AND done_at < $3 AND delivered ORDER BY done_at, issue_id`, boardID, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	var f Fact
	for rows.Next() {
		f = Fact{}
		if err := scanFact(rows, &f); err != nil {
			return err
		}
		if err := fn(&f); err != nil {
			return err
		}
	}
	return rows.Err()
}

const factSelect = `issue_id, key, summary, type_name, created_at, in_scope, position, position_since,
			started_at, done_at, delivered, abandoned, closed_not_delivered, lead_time, calendar_days, time_in_state,
			outside, flow_efficiency, blocked, blocked_share, moved_changes, status_mismatch, blocked_in_state, blocked_outside`

func scanFact(r pgx.Row, f *Fact) error {
	var pos, moved int32
	err := r.Scan(&f.IssueID, &f.Key, &f.Summary, &f.Type, &f.Created, &f.InScope, &pos, &f.PositionSince,
		&f.StartedAt, &f.DoneAt, &f.Delivered, &f.Abandoned, &f.ClosedNotDelivered, &f.LeadTime, &f.CalendarDays, &f.TimeInState,
		&f.Outside, &f.FlowEfficiency, &f.Blocked, &f.BlockedShare, &moved, &f.StatusMismatch, &f.BlockedInState, &f.BlockedOutside, &f.Segments)
	f.Position, f.MovedChanges = int(pos), int(moved)
	return err
}

// Facts loads a board's stored facts (in scope or not; the engine filters).
// Segments are left out unless withSegments: only the CFD needs them.
func (s *Store) Facts(ctx context.Context, boardID int64, withSegments bool) ([]Fact, error) {
	seg := "NULL::bytea"
	if withSegments {
		seg = "segments"
	}
	rows, err := s.Pool.Query(ctx, `SELECT `+factSelect+`, `+seg+`
		FROM board_issue_facts WHERE board_id = $1 ORDER BY issue_id`, boardID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Fact, error) {
		var f Fact
		return f, scanFact(r, &f)
	})
}

// BoardTag is a tag of one of a board's repositories.
type BoardTag struct {
	Repo, Name string
	At         time.Time
}

// BoardTags lists the dated tags of a board's linked repositories.
func (s *Store) BoardTags(ctx context.Context, boardID int64) ([]BoardTag, error) {
	rows, err := s.Pool.Query(ctx, `SELECT r.owner || '/' || r.name, t.name, t.at FROM tags t
		JOIN board_repos br ON br.repo_id = t.repo_id JOIN repos r ON r.id = t.repo_id
		WHERE br.board_id = $1 AND t.at IS NOT NULL ORDER BY t.at, t.name`, boardID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (BoardTag, error) {
		var t BoardTag
		return t, r.Scan(&t.Repo, &t.Name, &t.At)
	})
}
