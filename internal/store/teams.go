package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Team is a group of people who share boards.
type Team struct {
	ID        int64
	Name      string
	Slug      string
	CreatedAt time.Time
}

// TeamSummary is a team with counts for the home page.
type TeamSummary struct {
	Team
	Boards int
	Repos  int
}

// CreateTeam inserts a team; a taken slug is ErrConflict.
func (s *Store) CreateTeam(ctx context.Context, name, slug string) (Team, error) {
	return createTeam(ctx, s.Pool, name, slug)
}

type queryRower interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func createTeam(ctx context.Context, db queryRower, name, slug string) (Team, error) {
	t := Team{Name: name, Slug: slug}
	err := db.QueryRow(ctx,
		`INSERT INTO teams (name, slug) VALUES ($1, $2) RETURNING id, created_at`, name, slug).
		Scan(&t.ID, &t.CreatedAt)
	if isUniqueViolation(err) {
		return Team{}, fmt.Errorf("team %q: %w", slug, ErrConflict)
	}
	if err != nil {
		return Team{}, fmt.Errorf("create team: %w", err)
	}
	return t, nil
}

// CreateTeamAudited inserts a team and its audit entry in one transaction.
func (s *Store) CreateTeamAudited(ctx context.Context, name, slug string, a AuditEntry) (Team, error) {
	var t Team
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var err error
		if t, err = createTeam(ctx, tx, name, slug); err != nil {
			return err
		}
		a.TeamID, a.TeamName = t.ID, t.Name
		return addAudit(ctx, tx, a)
	})
	return t, err
}

// RenameTeam changes a team's name and slug (its address); a slug taken by
// another team is ErrConflict.
func (s *Store) RenameTeam(ctx context.Context, id int64, name, slug string, a AuditEntry) (Team, error) {
	t := Team{ID: id, Name: name, Slug: slug}
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE teams SET name = $2, slug = $3, updated_at = now() WHERE id = $1 RETURNING created_at`, id, name, slug).Scan(&t.CreatedAt)
		if isUniqueViolation(err) {
			return fmt.Errorf("team %q: %w", slug, ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("rename team %d: %w", id, notFound(err))
		}
		a.TeamID, a.TeamName = id, name
		return addAudit(ctx, tx, a)
	})
	return t, err
}

// DeleteTeam removes a team, its boards with their settings and derived
// data, the JIRA issues and repositories only those boards used, and
// records the deletion. Issues and repositories another team's board
// uses stay.
func (s *Store) DeleteTeam(ctx context.Context, id int64, a AuditEntry) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id FROM boards WHERE team_id = $1`, id)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		if err := removeBoardsData(ctx, tx, ids); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM teams WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("delete team %d: %w", id, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("team %d: %w", id, ErrNotFound)
		}
		a.TeamID = 0 // the team is gone; the entry keeps its name
		return addAudit(ctx, tx, a)
	})
}

// removeBoardsData deletes the boards' source rows nobody else uses: JIRA
// issues no other board holds and repositories no other board links. The
// boards' own rows (settings, facts, sync state) go with the boards by
// cascade.
func removeBoardsData(ctx context.Context, tx pgx.Tx, boardIDs []int64) error {
	if len(boardIDs) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `DELETE FROM jira_issues i
		WHERE i.id IN (SELECT issue_id FROM board_issues WHERE board_id = ANY($1))
		  AND NOT EXISTS (SELECT 1 FROM board_issues o WHERE o.issue_id = i.id AND NOT (o.board_id = ANY($1)))`, boardIDs); err != nil {
		return fmt.Errorf("remove boards' issues: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM repos r
		WHERE r.id IN (SELECT repo_id FROM board_repos WHERE board_id = ANY($1))
		  AND NOT EXISTS (SELECT 1 FROM board_repos o WHERE o.repo_id = r.id AND NOT (o.board_id = ANY($1)))`, boardIDs); err != nil {
		return fmt.Errorf("remove boards' repositories: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM boards WHERE id = ANY($1)`, boardIDs); err != nil {
		return fmt.Errorf("remove boards: %w", err)
	}
	return nil
}

// ListTeams returns every team by name, with board and repo counts.
func (s *Store) ListTeams(ctx context.Context) ([]TeamSummary, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT t.id, t.name, t.slug, t.created_at,
		       (SELECT count(*) FROM boards b WHERE b.team_id = t.id),
		       (SELECT count(DISTINCT br.repo_id) FROM board_repos br JOIN boards b ON b.id = br.board_id WHERE b.team_id = t.id)
		FROM teams t ORDER BY lower(t.name), t.id`)
	if err != nil {
		return nil, fmt.Errorf("list teams: %w", err)
	}
	defer rows.Close()
	var out []TeamSummary
	for rows.Next() {
		var ts TeamSummary
		if err := rows.Scan(&ts.ID, &ts.Name, &ts.Slug, &ts.CreatedAt, &ts.Boards, &ts.Repos); err != nil {
			return nil, err
		}
		out = append(out, ts)
	}
	return out, rows.Err()
}

// TeamBySlug finds one team.
func (s *Store) TeamBySlug(ctx context.Context, slug string) (Team, error) {
	var t Team
	err := s.Pool.QueryRow(ctx, `SELECT id, name, slug, created_at FROM teams WHERE slug = $1`, slug).
		Scan(&t.ID, &t.Name, &t.Slug, &t.CreatedAt)
	if err != nil {
		return Team{}, fmt.Errorf("team %q: %w", slug, notFound(err))
	}
	return t, nil
}
