package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// SyncState is a board's or repo's sync bookkeeping.
type SyncState struct {
	Watermark   *time.Time
	Cursor      string
	SweptAt     *time.Time
	LastOKAt    *time.Time
	LastError   string
	LastErrorAt *time.Time
	Counts      map[string]any
}

// Scope names what a sync run covers.
type Scope struct {
	Kind    string // "board" or "repo"
	BoardID int64
	RepoID  int64
}

func (sc Scope) args() (any, any) {
	var b, r any
	if sc.Kind == "board" {
		b = sc.BoardID
	} else {
		r = sc.RepoID
	}
	return b, r
}

func (sc Scope) where() string {
	if sc.Kind == "board" {
		return "board_id = $1"
	}
	return "repo_id = $1"
}

func (sc Scope) id() int64 {
	if sc.Kind == "board" {
		return sc.BoardID
	}
	return sc.RepoID
}

// SyncState reads a scope's state (zero when it has none yet).
func (s *Store) SyncState(ctx context.Context, sc Scope) (SyncState, error) {
	var st SyncState
	var counts []byte
	err := s.Pool.QueryRow(ctx, `SELECT watermark, cursor, swept_at, last_ok_at, last_error, last_error_at, counts FROM sync_state WHERE `+sc.where(), sc.id()).
		Scan(&st.Watermark, &st.Cursor, &st.SweptAt, &st.LastOKAt, &st.LastError, &st.LastErrorAt, &counts)
	if err == pgx.ErrNoRows {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("sync state: %w", err)
	}
	json.Unmarshal(counts, &st.Counts)
	return st, nil
}

// AdvanceWatermark moves a scope's watermark forward (never back) in tx,
// so a page of data and the watermark covering it commit together.
func AdvanceWatermark(ctx context.Context, tx pgx.Tx, sc Scope, wm time.Time) error {
	b, r := sc.args()
	_, err := tx.Exec(ctx, `INSERT INTO sync_state (kind, board_id, repo_id, watermark) VALUES ($1, $2, $3, $4)
		ON CONFLICT (`+map[string]string{"board": "board_id", "repo": "repo_id"}[sc.Kind]+`) DO UPDATE
		SET watermark = GREATEST(coalesce(sync_state.watermark, EXCLUDED.watermark), EXCLUDED.watermark)
		WHERE sync_state.watermark IS DISTINCT FROM GREATEST(coalesce(sync_state.watermark, EXCLUDED.watermark), EXCLUDED.watermark)`,
		sc.Kind, b, r, wm)
	if err != nil {
		return fmt.Errorf("advance watermark: %w", err)
	}
	return nil
}

// ResetWatermark forgets a scope's watermark (a full sync).
func (s *Store) ResetWatermark(ctx context.Context, sc Scope) error {
	_, err := s.Pool.Exec(ctx, `UPDATE sync_state SET watermark = NULL, cursor = '' WHERE `+sc.where(), sc.id())
	return err
}

// RecordSyncResult stores the outcome of a sync: success clears the last
// error; failure keeps the last success and the data.
func (s *Store) RecordSyncResult(ctx context.Context, sc Scope, at time.Time, syncErr string, counts map[string]any) error {
	raw, _ := json.Marshal(counts)
	b, r := sc.args()
	conflict := map[string]string{"board": "board_id", "repo": "repo_id"}[sc.Kind]
	var err error
	if syncErr == "" {
		_, err = s.Pool.Exec(ctx, `INSERT INTO sync_state (kind, board_id, repo_id, last_ok_at, counts) VALUES ($1,$2,$3,$4,$5)
			ON CONFLICT (`+conflict+`) DO UPDATE SET last_ok_at = $4, last_error = '', last_error_at = NULL, counts = $5, updated_at = $4`,
			sc.Kind, b, r, at, raw)
	} else {
		_, err = s.Pool.Exec(ctx, `INSERT INTO sync_state (kind, board_id, repo_id, last_error, last_error_at) VALUES ($1,$2,$3,$4,$5)
			ON CONFLICT (`+conflict+`) DO UPDATE SET last_error = $4, last_error_at = $5, updated_at = $5`,
			sc.Kind, b, r, syncErr, at)
	}
	if err != nil {
		return fmt.Errorf("record sync result: %w", err)
	}
	return nil
}

// StartRun records a sync attempt and returns its id.
func (s *Store) StartRun(ctx context.Context, sc Scope, full bool, at time.Time) (int64, error) {
	b, r := sc.args()
	var id int64
	err := s.Pool.QueryRow(ctx, `INSERT INTO sync_runs (kind, board_id, repo_id, full_sync, started_at, phase) VALUES ($1,$2,$3,$4,$5,'starting') RETURNING id`,
		sc.Kind, b, r, full, at).Scan(&id)
	return id, err
}

// Progress is a run's live state.
type Progress struct {
	Phase string
	Done  int64
	Total *int64
}

// UpdateRun saves a run's progress (in tx when given, else directly).
func (s *Store) UpdateRun(ctx context.Context, tx pgx.Tx, runID int64, p Progress) error {
	q := `UPDATE sync_runs SET phase = $2, done = $3, total = $4 WHERE id = $1`
	var err error
	if tx != nil {
		_, err = tx.Exec(ctx, q, runID, p.Phase, p.Done, p.Total)
	} else {
		_, err = s.Pool.Exec(ctx, q, runID, p.Phase, p.Done, p.Total)
	}
	return err
}

// FinishRun closes a run.
func (s *Store) FinishRun(ctx context.Context, runID int64, status, errText string, counts map[string]any, at time.Time) error {
	raw, _ := json.Marshal(counts)
	_, err := s.Pool.Exec(ctx, `UPDATE sync_runs SET status = $2, error = $3, counts = $4, finished_at = $5, phase = 'finished' WHERE id = $1`,
		runID, status, errText, raw, at)
	return err
}

// Run is one sync attempt as shown to people.
type Run struct {
	ID         int64
	Status     string
	Phase      string
	Done       int64
	Total      *int64
	StartedAt  time.Time
	FinishedAt *time.Time
	Error      string
}

// LatestRun returns a scope's newest run (ErrNotFound when none).
func (s *Store) LatestRun(ctx context.Context, sc Scope) (Run, error) {
	var r Run
	err := s.Pool.QueryRow(ctx, `SELECT id, status, phase, done, total, started_at, finished_at, error FROM sync_runs WHERE `+sc.where()+` ORDER BY started_at DESC, id DESC LIMIT 1`, sc.id()).
		Scan(&r.ID, &r.Status, &r.Phase, &r.Done, &r.Total, &r.StartedAt, &r.FinishedAt, &r.Error)
	if err != nil {
		return Run{}, notFound(err)
	}
	return r, nil
}

// SetSweptAt records when a scope's deleted-issue sweep last ran.
func (s *Store) SetSweptAt(ctx context.Context, sc Scope, at time.Time) error {
	_, err := s.Pool.Exec(ctx, `UPDATE sync_state SET swept_at = $2 WHERE `+sc.where(), sc.id(), at)
	return err
}

// MarkBoardMembership sets in_filter for a board's stored issues from the
// ids its filter returns now, and returns the ids that just left the
// filter (to be checked for deletion).
func (s *Store) MarkBoardMembership(ctx context.Context, boardID int64, ids []int64) ([]int64, error) {
	var left []int64
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE board_issues SET in_filter = true WHERE board_id = $1 AND NOT in_filter AND issue_id = ANY($2)`, boardID, ids); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `UPDATE board_issues bi SET in_filter = false
			WHERE bi.board_id = $1 AND bi.in_filter AND NOT (bi.issue_id = ANY($2)) RETURNING bi.issue_id`, boardID, ids)
		if err != nil {
			return err
		}
		left, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("mark board membership: %w", err)
	}
	return left, nil
}

// MarkDeleted records that JIRA no longer has these issues; their history stays.
func (s *Store) MarkDeleted(ctx context.Context, ids []int64, at time.Time) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	tag, err := s.Pool.Exec(ctx, `UPDATE jira_issues SET deleted_at = $2 WHERE id = ANY($1) AND deleted_at IS NULL`, ids, at)
	if err != nil {
		return 0, fmt.Errorf("mark deleted: %w", err)
	}
	return tag.RowsAffected(), nil
}
