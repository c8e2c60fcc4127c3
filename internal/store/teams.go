package store

import (
	"context"
	"fmt"
	"time"
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
	t := Team{Name: name, Slug: slug}
	err := s.Pool.QueryRow(ctx,
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
