package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Repo is a GitHub repository known to Vger.
type Repo struct {
	ID            int64
	Owner, Name   string
	DefaultBranch string
}

// FullName is owner/name.
func (r Repo) FullName() string { return r.Owner + "/" + r.Name }

// EnsureRepo finds a repository (case-insensitively) or adds it, with its
// sync state.
func (s *Store) EnsureRepo(ctx context.Context, owner, name, defaultBranch string) (Repo, error) {
	r := Repo{Owner: owner, Name: name, DefaultBranch: defaultBranch}
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT id, owner, name, default_branch FROM repos WHERE lower(owner) = lower($1) AND lower(name) = lower($2)`, owner, name).
			Scan(&r.ID, &r.Owner, &r.Name, &r.DefaultBranch)
		if err == nil {
			return nil
		}
		if err != pgx.ErrNoRows {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO repos (owner, name, default_branch) VALUES ($1, $2, $3) RETURNING id`, owner, name, defaultBranch).Scan(&r.ID); err != nil {
			return fmt.Errorf("add repo %s/%s: %w", owner, name, err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO sync_state (kind, repo_id) VALUES ('repo', $1)`, r.ID)
		return err
	})
	return r, err
}

// LinkRepo links a repository to a board (idempotent).
func (s *Store) LinkRepo(ctx context.Context, boardID, repoID int64) error {
	_, err := s.Pool.Exec(ctx, `INSERT INTO board_repos (board_id, repo_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, boardID, repoID)
	return err
}

// Repo loads one repository.
func (s *Store) Repo(ctx context.Context, id int64) (Repo, error) {
	var r Repo
	err := s.Pool.QueryRow(ctx, `SELECT id, owner, name, default_branch FROM repos WHERE id = $1`, id).Scan(&r.ID, &r.Owner, &r.Name, &r.DefaultBranch)
	if err != nil {
		return Repo{}, fmt.Errorf("repo %d: %w", id, notFound(err))
	}
	return r, nil
}

// RepoByName finds a repository by owner/name (case-insensitively).
func (s *Store) RepoByName(ctx context.Context, owner, name string) (Repo, error) {
	var r Repo
	err := s.Pool.QueryRow(ctx, `SELECT id, owner, name, default_branch FROM repos WHERE lower(owner) = lower($1) AND lower(name) = lower($2)`, owner, name).
		Scan(&r.ID, &r.Owner, &r.Name, &r.DefaultBranch)
	if err != nil {
		return Repo{}, fmt.Errorf("repo %s/%s: %w", owner, name, notFound(err))
	}
	return r, nil
}

// Repos lists every repository.
func (s *Store) Repos(ctx context.Context) ([]Repo, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, owner, name, default_branch FROM repos ORDER BY lower(owner), lower(name)`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Repo, error) {
		var x Repo
		return x, r.Scan(&x.ID, &x.Owner, &x.Name, &x.DefaultBranch)
	})
}

// PullRequest is a stored pull request.
type PullRequest struct {
	Number                  int
	NodeID, Author, Title   string
	State, BaseRef, HeadRef string
	Draft                   bool
	CreatedAt, UpdatedAt    time.Time
	ClosedAt, MergedAt      *time.Time
	Additions, Deletions    *int
	ChangedFiles            *int
}

// WritePullRequests upserts a page of a repo's pull requests in tx.
func WritePullRequests(ctx context.Context, tx pgx.Tx, repoID int64, prs []PullRequest) (int64, error) {
	last := map[int]int{}
	for i, p := range prs {
		last[p.Number] = i
	}
	var rows [][]any
	for i, p := range prs {
		if last[p.Number] != i {
			continue
		}
		rows = append(rows, []any{repoID, int32(p.Number), p.NodeID, p.Author, p.Title, p.State, p.BaseRef, p.HeadRef, p.Draft,
			p.CreatedAt, p.UpdatedAt, p.ClosedAt, p.MergedAt, intp(p.Additions), intp(p.Deletions), intp(p.ChangedFiles)})
	}
	return upsert(ctx, tx, upsertSpec{table: "pull_requests",
		cols: []string{"repo_id", "number", "node_id", "author", "title", "state", "base_ref", "head_ref", "draft",
			"created_at", "updated_at", "closed_at", "merged_at", "additions", "deletions", "changed_files"},
		key: []string{"repo_id", "number"}}, rows)
}

func intp(p *int) any {
	if p == nil {
		return nil
	}
	return int32(*p)
}

// Tag is a stored git tag.
type Tag struct {
	Name, SHA string
	Annotated bool
	At        *time.Time
}

// ReplaceTags stores a repository's complete tag list: new and changed tags
// are written, unchanged ones untouched, deleted ones removed.
func (s *Store) ReplaceTags(ctx context.Context, repoID int64, tags []Tag) (written, removed int64, err error) {
	rows := make([][]any, 0, len(tags))
	names := make([]string, 0, len(tags))
	seen := map[string]bool{}
	for _, t := range tags {
		if seen[t.Name] {
			continue
		}
		seen[t.Name] = true
		names = append(names, t.Name)
		rows = append(rows, []any{repoID, t.Name, t.SHA, t.At, t.Annotated})
	}
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var err error
		if written, err = upsert(ctx, tx, upsertSpec{table: "tags", cols: []string{"repo_id", "name", "sha", "at", "annotated"}, key: []string{"repo_id", "name"}}, rows); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM tags WHERE repo_id = $1 AND NOT (name = ANY($2))`, repoID, names)
		removed = tag.RowsAffected()
		return err
	})
	return written, removed, err
}

// BoardPR is a pull request of one of a board's repositories.
type BoardPR struct {
	Repo string // owner/name
	PullRequest
}

// BoardPullRequests lists the pull requests of a board's repositories.
func (s *Store) BoardPullRequests(ctx context.Context, boardID int64) ([]BoardPR, error) {
	rows, err := s.Pool.Query(ctx, `SELECT r.owner || '/' || r.name, p.number, p.node_id, p.author, p.title, p.state, p.base_ref, p.head_ref,
			p.draft, p.created_at, p.updated_at, p.closed_at, p.merged_at, p.additions, p.deletions, p.changed_files
		FROM pull_requests p JOIN repos r ON r.id = p.repo_id JOIN board_repos br ON br.repo_id = p.repo_id
		WHERE br.board_id = $1 ORDER BY p.created_at, r.owner, r.name, p.number`, boardID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (BoardPR, error) {
		var p BoardPR
		var add, del, files *int32
		var number int32
		err := r.Scan(&p.Repo, &number, &p.NodeID, &p.Author, &p.Title, &p.State, &p.BaseRef, &p.HeadRef, &p.Draft,
			&p.CreatedAt, &p.UpdatedAt, &p.ClosedAt, &p.MergedAt, &add, &del, &files)
		p.Number = int(number)
		p.Additions, p.Deletions, p.ChangedFiles = intOf(add), intOf(del), intOf(files)
		return p, err
	})
}

func intOf(p *int32) *int {
	if p == nil {
		return nil
	}
	v := int(*p)
	return &v
}

// BoardRepos lists the repositories linked to a board.
func (s *Store) BoardRepos(ctx context.Context, boardID int64) ([]Repo, error) {
	rows, err := s.Pool.Query(ctx, `SELECT r.id, r.owner, r.name, r.default_branch FROM repos r JOIN board_repos br ON br.repo_id = r.id
		WHERE br.board_id = $1 ORDER BY lower(r.owner), lower(r.name)`, boardID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Repo, error) {
		var x Repo
		return x, r.Scan(&x.ID, &x.Owner, &x.Name, &x.DefaultBranch)
	})
}
