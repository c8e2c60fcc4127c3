package store

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Board is a team's JIRA board with its settings.
type Board struct {
	ID                   int64
	TeamID               int64
	TeamSlug             string
	Name, Slug           string
	JiraBoardID          int64
	FilterJQL, ExtraJQL  string
	TimeZone             string
	DayMode              string
	LeadStart, LeadEnd   int
	RollingWeeks         int
	IncludeSubtasks      bool
	InvalidResolutions   []string
	Holidays             []time.Time
	FiscalYearStartMonth int
	SyncSince            *time.Time
	TagPattern           string
	PRExcludeAuthors     []string
	PRBaseBranches       []string
	// UpdatedAt changes with every settings change: a save names the
	// version it edited, so a concurrent change is not silently lost.
	UpdatedAt time.Time

	States    []BoardState
	WorkTypes []WorkType
}

// BoardState is one column with the status ids mapped to it.
type BoardState struct {
	Seq       int
	Name      string
	Active    bool
	StatusIDs []string
}

// WorkType groups issue type ids under a name.
type WorkType struct {
	Name         string
	IssueTypeIDs []string
}

const boardCols = `b.id, b.team_id, t.slug, b.name, b.slug, b.jira_board_id, b.filter_jql, b.extra_jql, b.time_zone, b.day_mode,
	b.lead_start_seq, b.lead_end_seq, b.rolling_weeks, b.include_subtasks, b.invalid_resolutions, b.holidays,
	b.fiscal_year_start_month, b.sync_since, b.tag_pattern, b.pr_exclude_authors, b.pr_base_branches, b.updated_at`

func scanBoard(row pgx.Row) (Board, error) {
	var b Board
	err := row.Scan(&b.ID, &b.TeamID, &b.TeamSlug, &b.Name, &b.Slug, &b.JiraBoardID, &b.FilterJQL, &b.ExtraJQL, &b.TimeZone, &b.DayMode,
		&b.LeadStart, &b.LeadEnd, &b.RollingWeeks, &b.IncludeSubtasks, &b.InvalidResolutions, &b.Holidays,
		&b.FiscalYearStartMonth, &b.SyncSince, &b.TagPattern, &b.PRExcludeAuthors, &b.PRBaseBranches, &b.UpdatedAt)
	return b, err
}

// CreateBoard inserts a board with its states, status mapping and work
// types in one transaction, and its sync state.
func (s *Store) CreateBoard(ctx context.Context, b Board) (Board, error) {
	return s.CreateBoardAudited(ctx, b, nil)
}

// CreateBoardAudited is CreateBoard that also records a (when not nil) in
// the same transaction, with the new board's ids filled in.
func (s *Store) CreateBoardAudited(ctx context.Context, b Board, a *AuditEntry) (Board, error) {
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO boards (team_id, name, slug, jira_board_id, filter_jql, extra_jql, time_zone, day_mode,
				lead_start_seq, lead_end_seq, rolling_weeks, include_subtasks, invalid_resolutions, holidays,
				fiscal_year_start_month, sync_since, tag_pattern, pr_exclude_authors, pr_base_branches)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19) RETURNING id, updated_at`,
			b.TeamID, b.Name, b.Slug, b.JiraBoardID, b.FilterJQL, b.ExtraJQL, b.TimeZone, b.DayMode,
			b.LeadStart, b.LeadEnd, b.RollingWeeks, b.IncludeSubtasks, nonNil(b.InvalidResolutions), nonNilTimes(b.Holidays),
			b.FiscalYearStartMonth, b.SyncSince, b.TagPattern, nonNil(b.PRExcludeAuthors), nonNil(b.PRBaseBranches)).Scan(&b.ID, &b.UpdatedAt)
		if isUniqueViolation(err) {
			return fmt.Errorf("board %q: %w", b.Slug, ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("create board: %w", err)
		}
		if err := writeStates(ctx, tx, b.ID, b.States, b.WorkTypes); err != nil {
			return err
		}
		if _, err = tx.Exec(ctx, `INSERT INTO sync_state (kind, board_id) VALUES ('board', $1)`, b.ID); err != nil {
			return err
		}
		if a == nil {
			return nil
		}
		a.TeamID, a.BoardID, a.BoardName = b.TeamID, b.ID, b.Name
		if a.TeamName == "" {
			if err := tx.QueryRow(ctx, `SELECT name FROM teams WHERE id = $1`, b.TeamID).Scan(&a.TeamName); err != nil {
				return err
			}
		}
		return addAudit(ctx, tx, *a)
	})
	return b, err
}

func writeStates(ctx context.Context, tx pgx.Tx, boardID int64, states []BoardState, wts []WorkType) error {
	for _, q := range []string{`DELETE FROM work_types WHERE board_id = $1`, `DELETE FROM board_states WHERE board_id = $1`} {
		if _, err := tx.Exec(ctx, q, boardID); err != nil {
			return err
		}
	}
	for _, st := range states {
		if _, err := tx.Exec(ctx, `INSERT INTO board_states (board_id, seq, name, active) VALUES ($1,$2,$3,$4)`, boardID, st.Seq, st.Name, st.Active); err != nil {
			return fmt.Errorf("board state %q: %w", st.Name, err)
		}
		for _, id := range st.StatusIDs {
			if _, err := tx.Exec(ctx, `INSERT INTO board_status_map (board_id, status_id, seq) VALUES ($1,$2,$3)`, boardID, id, st.Seq); err != nil {
				if isUniqueViolation(err) {
					return fmt.Errorf("status %s is mapped by two columns: %w", id, ErrConflict)
				}
				return err
			}
		}
	}
	for _, wt := range wts {
		if _, err := tx.Exec(ctx, `INSERT INTO work_types (board_id, name, issue_type_ids) VALUES ($1,$2,$3)`, boardID, wt.Name, wt.IssueTypeIDs); err != nil {
			return fmt.Errorf("work type %q: %w", wt.Name, err)
		}
	}
	return nil
}

// Board loads one board with its states and work types.
func (s *Store) Board(ctx context.Context, id int64) (Board, error) {
	b, err := scanBoard(s.Pool.QueryRow(ctx, `SELECT `+boardCols+` FROM boards b JOIN teams t ON t.id = b.team_id WHERE b.id = $1`, id))
	if err != nil {
		return Board{}, fmt.Errorf("board %d: %w", id, notFound(err))
	}
	if err := s.loadStates(ctx, &b); err != nil {
		return Board{}, err
	}
	return b, nil
}

func (s *Store) loadStates(ctx context.Context, b *Board) error {
	rows, err := s.Pool.Query(ctx, `SELECT s.seq, s.name, s.active,
			coalesce(array_agg(m.status_id ORDER BY m.status_id) FILTER (WHERE m.status_id IS NOT NULL), '{}')
		FROM board_states s LEFT JOIN board_status_map m ON m.board_id = s.board_id AND m.seq = s.seq
		WHERE s.board_id = $1 GROUP BY s.seq, s.name, s.active ORDER BY s.seq`, b.ID)
	if err != nil {
		return err
	}
	b.States, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (BoardState, error) {
		var st BoardState
		return st, r.Scan(&st.Seq, &st.Name, &st.Active, &st.StatusIDs)
	})
	if err != nil {
		return err
	}
	rows, err = s.Pool.Query(ctx, `SELECT name, issue_type_ids FROM work_types WHERE board_id = $1 ORDER BY name`, b.ID)
	if err != nil {
		return err
	}
	b.WorkTypes, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (WorkType, error) {
		var wt WorkType
		return wt, r.Scan(&wt.Name, &wt.IssueTypeIDs)
	})
	return err
}

// Boards lists every board (without states), by team and name.
func (s *Store) Boards(ctx context.Context) ([]Board, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+boardCols+` FROM boards b JOIN teams t ON t.id = b.team_id ORDER BY t.slug, b.slug`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Board, error) { return scanBoard(r) })
}

// SetBoardFilterJQL records the JIRA board's filter as last read.
func (s *Store) SetBoardFilterJQL(ctx context.Context, boardID int64, jql string) error {
	_, err := s.Pool.Exec(ctx, `UPDATE boards SET filter_jql = $2 WHERE id = $1 AND filter_jql IS DISTINCT FROM $2`, boardID, jql)
	return err
}

// SnapshotBoardConfig stores the JIRA board configuration when its hash is
// new, and reports whether it differs from the previous snapshot.
func (s *Store) SnapshotBoardConfig(ctx context.Context, boardID int64, config any, at time.Time) (changed bool, err error) {
	raw, err := json.Marshal(config)
	if err != nil {
		return false, err
	}
	sum := sha256.Sum256(raw)
	tag, err := s.Pool.Exec(ctx, `INSERT INTO board_config_snapshots (board_id, hash, config, taken_at) VALUES ($1,$2,$3,$4)
		ON CONFLICT (board_id, hash) DO NOTHING`, boardID, sum[:], raw, at)
	if err != nil {
		return false, fmt.Errorf("snapshot board config: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return false, nil
	}
	var n int
	err = s.Pool.QueryRow(ctx, `SELECT count(*) FROM board_config_snapshots WHERE board_id = $1`, boardID).Scan(&n)
	return n > 1, err
}

// TeamByName finds a team by slug, or creates it.
func (s *Store) EnsureTeam(ctx context.Context, name, slug string) (Team, error) {
	t, err := s.TeamBySlug(ctx, slug)
	if err == nil {
		return t, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return Team{}, err
	}
	t, err = s.CreateTeam(ctx, name, slug)
	if errors.Is(err, ErrConflict) { // created concurrently
		return s.TeamBySlug(ctx, slug)
	}
	return t, err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilTimes(s []time.Time) []time.Time {
	if s == nil {
		return []time.Time{}
	}
	return s
}

// BoardIssueCount counts a board's live, in-filter issues.
func (s *Store) BoardIssueCount(ctx context.Context, boardID int64) (int64, error) {
	var n int64
	err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM board_issues bi JOIN jira_issues i ON i.id = bi.issue_id
		WHERE bi.board_id = $1 AND bi.in_filter AND i.deleted_at IS NULL`, boardID).Scan(&n)
	return n, err
}

// BoardBySlugs finds a board by its team's slug and its own.
func (s *Store) BoardBySlugs(ctx context.Context, team, board string) (Board, error) {
	b, err := scanBoard(s.Pool.QueryRow(ctx, `SELECT `+boardCols+` FROM boards b JOIN teams t ON t.id = b.team_id WHERE t.slug = $1 AND b.slug = $2`, team, board))
	if err != nil {
		return Board{}, fmt.Errorf("board %s/%s: %w", team, board, notFound(err))
	}
	if err := s.loadStates(ctx, &b); err != nil {
		return Board{}, err
	}
	return b, nil
}
