package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrStale means the row changed since the caller read it: someone else
// saved in between.
var ErrStale = errors.New("changed by someone else since it was read")

// BoardBySlug loads a team's board by its slug, with states and work types.
func (s *Store) BoardBySlug(ctx context.Context, teamID int64, slug string) (Board, error) {
	b, err := scanBoard(s.Pool.QueryRow(ctx, `SELECT `+boardCols+` FROM boards b JOIN teams t ON t.id = b.team_id
		WHERE b.team_id = $1 AND b.slug = $2`, teamID, slug))
	if err != nil {
		return Board{}, fmt.Errorf("board %q: %w", slug, notFound(err))
	}
	if err := s.loadStates(ctx, &b); err != nil {
		return Board{}, err
	}
	return b, nil
}

// TeamBoards lists a team's boards (without states) by name.
func (s *Store) TeamBoards(ctx context.Context, teamID int64) ([]Board, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+boardCols+` FROM boards b JOIN teams t ON t.id = b.team_id
		WHERE b.team_id = $1 ORDER BY lower(b.name), b.id`, teamID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Board, error) { return scanBoard(r) })
}

// UpdateBoard saves a board's settings (everything but its team, slug and
// JIRA board), states, mapping and work types, and records a, in one
// transaction. b.UpdatedAt must be the version the caller edited:
// otherwise ErrStale. It returns the board with its new version.
func (s *Store) UpdateBoard(ctx context.Context, b Board, a AuditEntry) (Board, error) {
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var next time.Time
		err := tx.QueryRow(ctx, `UPDATE boards SET name = $3, extra_jql = $4, time_zone = $5, day_mode = $6,
				lead_start_seq = $7, lead_end_seq = $8, rolling_weeks = $9, include_subtasks = $10,
				invalid_resolutions = $11, holidays = $12, fiscal_year_start_month = $13, sync_since = $14,
				tag_pattern = $15, pr_exclude_authors = $16, pr_base_branches = $17,
				updated_at = greatest(clock_timestamp(), updated_at + interval '1 microsecond')
			WHERE id = $1 AND updated_at = $2 RETURNING updated_at`,
			b.ID, b.UpdatedAt, b.Name, b.ExtraJQL, b.TimeZone, b.DayMode, b.LeadStart, b.LeadEnd, b.RollingWeeks,
			b.IncludeSubtasks, nonNil(b.InvalidResolutions), nonNilTimes(b.Holidays), b.FiscalYearStartMonth, b.SyncSince,
			b.TagPattern, nonNil(b.PRExcludeAuthors), nonNil(b.PRBaseBranches)).Scan(&next)
		if errors.Is(err, pgx.ErrNoRows) {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM boards WHERE id = $1)`, b.ID).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return fmt.Errorf("board %d: %w", b.ID, ErrNotFound)
			}
			return fmt.Errorf("board %d: %w", b.ID, ErrStale)
		}
		if err != nil {
			return fmt.Errorf("update board %d: %w", b.ID, err)
		}
		b.UpdatedAt = next
		if err := writeStates(ctx, tx, b.ID, b.States, b.WorkTypes); err != nil {
			return err
		}
		a.TeamID, a.BoardID, a.BoardName = b.TeamID, b.ID, b.Name
		if err := tx.QueryRow(ctx, `SELECT name FROM teams WHERE id = $1`, b.TeamID).Scan(&a.TeamName); err != nil {
			return err
		}
		return addAudit(ctx, tx, a)
	})
	return b, err
}

// DeleteBoard removes a board with its settings and derived data, the JIRA
// issues and repositories no other board uses, and records a.
func (s *Store) DeleteBoard(ctx context.Context, b Board, a AuditEntry) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM boards WHERE id = $1)`, b.ID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return fmt.Errorf("board %d: %w", b.ID, ErrNotFound)
		}
		if err := removeBoardsData(ctx, tx, []int64{b.ID}); err != nil {
			return err
		}
		a.TeamID, a.BoardID, a.BoardName = b.TeamID, b.ID, b.Name
		if err := tx.QueryRow(ctx, `SELECT name FROM teams WHERE id = $1`, b.TeamID).Scan(&a.TeamName); err != nil {
			return err
		}
		return addAudit(ctx, tx, a)
	})
}

// LinkRepoByName links owner/name to a board, adding the repository (with
// its sync state) when Vger does not know it yet, and records a. It
// reports whether the link is new.
func (s *Store) LinkRepoByName(ctx context.Context, b Board, owner, name string, a AuditEntry) (Repo, bool, error) {
	r := Repo{Owner: owner, Name: name}
	var linked bool
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT id, owner, name, default_branch FROM repos WHERE lower(owner) = lower($1) AND lower(name) = lower($2)`, owner, name).
			Scan(&r.ID, &r.Owner, &r.Name, &r.DefaultBranch)
		if errors.Is(err, pgx.ErrNoRows) {
			if err := tx.QueryRow(ctx, `INSERT INTO repos (owner, name) VALUES ($1, $2) RETURNING id`, owner, name).Scan(&r.ID); err != nil {
				return fmt.Errorf("add repo %s/%s: %w", owner, name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO sync_state (kind, repo_id) VALUES ('repo', $1)`, r.ID); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO board_repos (board_id, repo_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, b.ID, r.ID)
		if err != nil {
			return fmt.Errorf("link repo: %w", notFoundFK(err))
		}
		linked = tag.RowsAffected() == 1
		if !linked {
			return nil
		}
		a.TeamID, a.BoardID, a.BoardName = b.TeamID, b.ID, b.Name
		if err := tx.QueryRow(ctx, `SELECT name FROM teams WHERE id = $1`, b.TeamID).Scan(&a.TeamName); err != nil {
			return err
		}
		return addAudit(ctx, tx, a)
	})
	return r, linked, err
}

// UnlinkRepo removes a repository from a board; a repository no board
// links any more is removed with its pull requests and tags. It records a.
func (s *Store) UnlinkRepo(ctx context.Context, b Board, repoID int64, a AuditEntry) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM board_repos WHERE board_id = $1 AND repo_id = $2`, b.ID, repoID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("repo %d of board %d: %w", repoID, b.ID, ErrNotFound)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM repos r WHERE r.id = $1 AND NOT EXISTS (SELECT 1 FROM board_repos WHERE repo_id = r.id)`, repoID); err != nil {
			return err
		}
		a.TeamID, a.BoardID, a.BoardName = b.TeamID, b.ID, b.Name
		if err := tx.QueryRow(ctx, `SELECT name FROM teams WHERE id = $1`, b.TeamID).Scan(&a.TeamName); err != nil {
			return err
		}
		return addAudit(ctx, tx, a)
	})
}

// BoardVersion is a board's settings version (its UpdatedAt).
func (s *Store) BoardVersion(ctx context.Context, id int64) (time.Time, error) {
	var v time.Time
	err := s.Pool.QueryRow(ctx, `SELECT updated_at FROM boards WHERE id = $1`, id).Scan(&v)
	if err != nil {
		return v, fmt.Errorf("board %d: %w", id, notFound(err))
	}
	return v, nil
}

// Impact is what deleting some boards would remove besides their settings.
type Impact struct {
	Issues int64    // JIRA issues no other board holds
	Repos  []string // owner/name of repositories no other board links
}

// DeletionImpact says what deleting the boards would remove.
func (s *Store) DeletionImpact(ctx context.Context, boardIDs []int64) (Impact, error) {
	var im Impact
	if len(boardIDs) == 0 {
		return im, nil
	}
	err := s.Pool.QueryRow(ctx, `SELECT count(DISTINCT bi.issue_id) FROM board_issues bi
		WHERE bi.board_id = ANY($1)
		  AND NOT EXISTS (SELECT 1 FROM board_issues o WHERE o.issue_id = bi.issue_id AND NOT (o.board_id = ANY($1)))`, boardIDs).Scan(&im.Issues)
	if err != nil {
		return im, err
	}
	rows, err := s.Pool.Query(ctx, `SELECT DISTINCT r.owner || '/' || r.name FROM repos r JOIN board_repos br ON br.repo_id = r.id
		WHERE br.board_id = ANY($1)
		  AND NOT EXISTS (SELECT 1 FROM board_repos o WHERE o.repo_id = r.id AND NOT (o.board_id = ANY($1)))
		ORDER BY 1`, boardIDs)
	if err != nil {
		return im, err
	}
	im.Repos, err = pgx.CollectRows(rows, pgx.RowTo[string])
	return im, err
}
