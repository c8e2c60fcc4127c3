package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// BoardFlags loads the Flagged histories of a board's issues, by issue id,
// in history order: cheaper than BoardIssues when only flags are needed.
func (s *Store) BoardFlags(ctx context.Context, boardID int64) (map[int64][]JiraFlagChange, error) {
	rows, err := s.Pool.Query(ctx, `SELECT f.issue_id, f.history_id, f.item_seq, f.at, f.flagged
		FROM jira_flag_changes f JOIN board_issues bi ON bi.issue_id = f.issue_id AND bi.board_id = $1
		ORDER BY f.issue_id, f.at, f.history_id, f.item_seq`, boardID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]JiraFlagChange{}
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

// KeyChange is an issue of a board that has had more than one key (moved
// between projects).
type KeyChange struct {
	IssueID int64
	Key     string   // the current key
	Keys    []string // every key seen, oldest first
}

// SourceSync is one source of a board's data and its last successful sync.
type SourceSync struct {
	Kind     string // "board" (JIRA) or "repo" (GitHub)
	Name     string
	LastOKAt *time.Time
	Error    string
}

// ConfigHistory is how often the JIRA board's column configuration has
// changed since Vger first read (and mapped) it.
type ConfigHistory struct {
	Snapshots   int // distinct configurations seen
	First, Last *time.Time
}

// BoardQuality is what only the store knows for the data-quality page.
type BoardQuality struct {
	KeyChanges []KeyChange
	Config     ConfigHistory
	Sources    []SourceSync
}

// BoardQuality reads a board's key changes, configuration history and the
// last successful sync of each of its sources.
func (s *Store) BoardQuality(ctx context.Context, boardID int64) (BoardQuality, error) {
	var q BoardQuality
	err := pgx.BeginTxFunc(ctx, s.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT i.id, i.key, array_agg(k.key ORDER BY k.first_seen_at, k.key)
			FROM board_issues bi JOIN jira_issues i ON i.id = bi.issue_id JOIN jira_issue_keys k ON k.issue_id = i.id
			WHERE bi.board_id = $1 GROUP BY i.id, i.key HAVING count(*) > 1 ORDER BY i.key`, boardID)
		if err != nil {
			return err
		}
		q.KeyChanges, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (KeyChange, error) {
			var k KeyChange
			return k, r.Scan(&k.IssueID, &k.Key, &k.Keys)
		})
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT count(*), min(taken_at), max(taken_at) FROM board_config_snapshots WHERE board_id = $1`,
			boardID).Scan(&q.Config.Snapshots, &q.Config.First, &q.Config.Last); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT kind, name, last_ok_at, last_error FROM (
			SELECT 'board' AS kind, 'JIRA board ' || b.jira_board_id AS name, ss.last_ok_at, coalesce(ss.last_error, '') AS last_error
			FROM boards b LEFT JOIN sync_state ss ON ss.board_id = b.id WHERE b.id = $1
			UNION ALL
			SELECT 'repo', r.owner || '/' || r.name, ss.last_ok_at, coalesce(ss.last_error, '')
			FROM board_repos br JOIN repos r ON r.id = br.repo_id LEFT JOIN sync_state ss ON ss.repo_id = r.id
			WHERE br.board_id = $1) src ORDER BY kind, lower(name)`, boardID)
		if err != nil {
			return err
		}
		q.Sources, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (SourceSync, error) {
			var s SourceSync
			return s, r.Scan(&s.Kind, &s.Name, &s.LastOKAt, &s.Error)
		})
		return err
	})
	return q, err
}
