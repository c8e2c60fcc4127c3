package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// AuditEntry is one change made by a person: who, what, when, and for
// settings the document before and after (JSON; nil when there is none).
type AuditEntry struct {
	ID        int64
	At        time.Time
	Actor     string
	TeamID    int64 // 0: none (or the team was deleted since)
	TeamName  string
	BoardID   int64
	BoardName string
	Action    string // e.g. "team.create", "board.settings"
	Summary   string
	Before    json.RawMessage
	After     json.RawMessage
}

// execer is a pool or a transaction.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

func addAudit(ctx context.Context, db execer, e AuditEntry) error {
	var team, board any
	if e.TeamID != 0 {
		team = e.TeamID
	}
	if e.BoardID != 0 {
		board = e.BoardID
	}
	_, err := db.Exec(ctx, `INSERT INTO audit_log (at, actor, team_id, team_name, board_id, board_name, action, summary, before, after)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
		e.At, e.Actor, team, e.TeamName, board, e.BoardName, e.Action, e.Summary, rawOrNil(e.Before), rawOrNil(e.After))
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

func rawOrNil(m json.RawMessage) any {
	if len(m) == 0 {
		return nil
	}
	return []byte(m)
}

// AddAudit records an entry on its own (changes that write nothing else
// transactional, such as a refresh request).
func (s *Store) AddAudit(ctx context.Context, e AuditEntry) error {
	return addAudit(ctx, s.Pool, e)
}

// AuditLog lists a team's entries newest first (teamID 0: every entry,
// those of deleted teams included), older than beforeID when it is > 0.
func (s *Store) AuditLog(ctx context.Context, teamID, beforeID int64, limit int) ([]AuditEntry, error) {
	if beforeID <= 0 {
		beforeID = 1<<63 - 1
	}
	rows, err := s.Pool.Query(ctx, `SELECT id, at, actor, coalesce(team_id, 0), team_name, coalesce(board_id, 0), board_name,
			action, summary, before, after
		FROM audit_log WHERE ($1 = 0 OR team_id = $1) AND id < $2 ORDER BY id DESC LIMIT $3`, teamID, beforeID, limit)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (AuditEntry, error) {
		var e AuditEntry
		var before, after []byte
		err := r.Scan(&e.ID, &e.At, &e.Actor, &e.TeamID, &e.TeamName, &e.BoardID, &e.BoardName, &e.Action, &e.Summary, &before, &after)
		e.Before, e.After = before, after
		return e, err
	})
}
