package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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

func (s *Store) boardIssueChunk(ctx context.Context, boardID, after int64, limit int) ([]BoardIssue, error) {
	var out []BoardIssue
	err := pgx.BeginTxFunc(ctx, s.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT i.id, i.key, i.project, i.type_id, coalesce(ty.name, i.type_id), i.status_id, i.resolution,
				i.summary, coalesce(i.parent_id, 0), i.created_at, i.updated_at, i.resolved_at, i.deleted_at, bi.in_filter
			FROM board_issues bi JOIN jira_issues i ON i.id = bi.issue_id LEFT JOIN jira_issue_types ty ON ty.id = i.type_id
			WHERE bi.board_id = $1 AND bi.issue_id > $2 ORDER BY bi.issue_id LIMIT $3`, boardID, after, limit)
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
		for i, bi := range out {
			index[bi.ID] = i
		}
		last := out[len(out)-1].ID
		rows, err = tx.Query(ctx, `SELECT c.issue_id, c.history_id, c.item_seq, c.at, c.from_status_id, c.to_status_id
			FROM jira_status_changes c JOIN board_issues bi ON bi.issue_id = c.issue_id AND bi.board_id = $1
			WHERE c.issue_id > $2 AND c.issue_id <= $3 ORDER BY c.issue_id, c.at, c.history_id, c.item_seq`, boardID, after, last)
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
			FROM jira_flag_changes f JOIN board_issues bi ON bi.issue_id = f.issue_id AND bi.board_id = $1
			WHERE f.issue_id > $2 AND f.issue_id <= $3 ORDER BY f.issue_id, f.at, f.history_id, f.item_seq`, boardID, after, last)
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
	MovedChanges       int
	StatusMismatch     bool
	Segments           []byte
}

var factCols = []string{"board_id", "issue_id", "key", "summary", "type_name", "created_at", "in_scope", "position", "position_since",
	"started_at", "done_at", "delivered", "abandoned", "closed_not_delivered", "lead_time", "calendar_days", "time_in_state",
	"outside", "flow_efficiency", "blocked", "blocked_share", "moved_changes", "status_mismatch", "segments"}

// ReplaceFacts writes a board's complete set of facts: changed rows are
// updated, unchanged ones untouched, and facts of issues not in the set
// removed. It returns the rows written and removed.
func (s *Store) ReplaceFacts(ctx context.Context, boardID int64, facts []Fact) (written, removed int64, err error) {
	rows := make([][]any, len(facts))
	ids := make([]int64, len(facts))
	for i, f := range facts {
		ids[i] = f.IssueID
		var tis any
		if f.TimeInState != nil {
			tis = f.TimeInState
		}
		rows[i] = []any{boardID, f.IssueID, f.Key, f.Summary, f.Type, f.Created, f.InScope, int32(f.Position), f.PositionSince,
			f.StartedAt, f.DoneAt, f.Delivered, f.Abandoned, f.ClosedNotDelivered, f.LeadTime, f.CalendarDays, tis,
			f.Outside, f.FlowEfficiency, f.Blocked, f.BlockedShare, int32(f.MovedChanges), f.StatusMismatch, f.Segments}
	}
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var err error
		if written, err = upsert(ctx, tx, upsertSpec{table: "board_issue_facts", cols: factCols, key: []string{"board_id", "issue_id"}}, rows); err != nil {
			return err
		}
		crashpoint.Hit("facts-written") // inside the facts transaction
		tag, err := tx.Exec(ctx, `DELETE FROM board_issue_facts WHERE board_id = $1 AND NOT (issue_id = ANY($2))`, boardID, ids)
		if err != nil {
			return fmt.Errorf("remove stale facts: %w", err)
		}
		removed = tag.RowsAffected()
		return nil
	})
	return written, removed, err
}

// Facts loads a board's stored facts (in scope or not; the engine filters).
// Segments are left out unless withSegments: only the CFD needs them.
func (s *Store) Facts(ctx context.Context, boardID int64, withSegments bool) ([]Fact, error) {
	seg := "NULL::bytea"
	if withSegments {
		seg = "segments"
	}
	rows, err := s.Pool.Query(ctx, `SELECT issue_id, key, summary, type_name, created_at, in_scope, position, position_since,
			started_at, done_at, delivered, abandoned, closed_not_delivered, lead_time, calendar_days, time_in_state,
			outside, flow_efficiency, blocked, blocked_share, moved_changes, status_mismatch, `+seg+`
		FROM board_issue_facts WHERE board_id = $1 ORDER BY issue_id`, boardID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Fact, error) {
		var f Fact
		var pos, moved int32
		err := r.Scan(&f.IssueID, &f.Key, &f.Summary, &f.Type, &f.Created, &f.InScope, &pos, &f.PositionSince,
			&f.StartedAt, &f.DoneAt, &f.Delivered, &f.Abandoned, &f.ClosedNotDelivered, &f.LeadTime, &f.CalendarDays, &f.TimeInState,
			&f.Outside, &f.FlowEfficiency, &f.Blocked, &f.BlockedShare, &moved, &f.StatusMismatch, &f.Segments)
		f.Position, f.MovedChanges = int(pos), int(moved)
		return f, err
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
