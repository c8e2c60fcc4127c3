package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// BoardStatus is a board's freshness as shown to people: "data as of",
// the last error, and the running sync's progress.
type BoardStatus struct {
	BoardID     int64
	TeamName    string
	TeamSlug    string
	BoardName   string
	BoardSlug   string
	JiraBoardID int64
	Issues      int64
	LastOKAt    *time.Time
	LastError   string
	LastErrorAt *time.Time
	Watermark   *time.Time
	// Running is set while a sync runs.
	Running *Progress
}

// BoardStatuses lists every board's status, by team and board name.
func (s *Store) BoardStatuses(ctx context.Context) ([]BoardStatus, error) {
	return s.boardStatuses(ctx, 0)
}

// BoardStatus is one board's status.
func (s *Store) BoardStatus(ctx context.Context, boardID int64) (BoardStatus, error) {
	all, err := s.boardStatuses(ctx, boardID)
	if err != nil {
		return BoardStatus{}, err
	}
	if len(all) == 0 {
		return BoardStatus{}, fmt.Errorf("board %d: %w", boardID, ErrNotFound)
	}
	return all[0], nil
}

func (s *Store) boardStatuses(ctx context.Context, only int64) ([]BoardStatus, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT b.id, t.name, t.slug, b.name, b.slug, b.jira_board_id,
		       coalesce((SELECT a.issues FROM board_aggregates a WHERE a.board_id = b.id AND a.version = $2),
		         (SELECT count(*) FROM board_issues bi JOIN jira_issues i ON i.id = bi.issue_id
		          WHERE bi.board_id = b.id AND bi.in_filter AND i.deleted_at IS NULL)),
		       ss.last_ok_at, coalesce(ss.last_error, ''), ss.last_error_at, ss.watermark,
		       r.phase, r.done, r.total
		FROM boards b JOIN teams t ON t.id = b.team_id
		LEFT JOIN sync_state ss ON ss.board_id = b.id
		LEFT JOIN LATERAL (SELECT phase, done, total FROM sync_runs WHERE board_id = b.id AND status = 'running'
		                   ORDER BY started_at DESC LIMIT 1) r ON true
		WHERE $1 = 0 OR b.id = $1
		ORDER BY lower(t.name), t.id, lower(b.name), b.id`, only, WeeklyCountsVersion)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (BoardStatus, error) {
		var bs BoardStatus
		var phase *string
		var done *int64
		var total *int64
		err := r.Scan(&bs.BoardID, &bs.TeamName, &bs.TeamSlug, &bs.BoardName, &bs.BoardSlug, &bs.JiraBoardID, &bs.Issues,
			&bs.LastOKAt, &bs.LastError, &bs.LastErrorAt, &bs.Watermark, &phase, &done, &total)
		if phase != nil {
			bs.Running = &Progress{Phase: *phase, Done: *done, Total: total}
		}
		return bs, err
	})
}

// RepoStatus is a repository's freshness.
type RepoStatus struct {
	RepoID       int64
	Owner, Name  string
	Boards       []int64
	PullRequests int64
	Tags         int64
	LastOKAt     *time.Time
	LastError    string
	LastErrorAt  *time.Time
	Watermark    *time.Time
	Running      *Progress
}

// RepoStatuses lists every repository's status.
func (s *Store) RepoStatuses(ctx context.Context) ([]RepoStatus, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT r.id, r.owner, r.name,
		       coalesce((SELECT array_agg(board_id ORDER BY board_id) FROM board_repos WHERE repo_id = r.id), '{}'),
		       (SELECT count(*) FROM pull_requests WHERE repo_id = r.id),
		       (SELECT count(*) FROM tags WHERE repo_id = r.id),
		       ss.last_ok_at, coalesce(ss.last_error, ''), ss.last_error_at, ss.watermark,
		       rr.phase, rr.done, rr.total
		FROM repos r LEFT JOIN sync_state ss ON ss.repo_id = r.id
		LEFT JOIN LATERAL (SELECT phase, done, total FROM sync_runs WHERE repo_id = r.id AND status = 'running'
		                   ORDER BY started_at DESC LIMIT 1) rr ON true
		ORDER BY lower(r.owner), lower(r.name)`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (RepoStatus, error) {
		var rs RepoStatus
		var phase *string
		var done, total *int64
		err := r.Scan(&rs.RepoID, &rs.Owner, &rs.Name, &rs.Boards, &rs.PullRequests, &rs.Tags,
			&rs.LastOKAt, &rs.LastError, &rs.LastErrorAt, &rs.Watermark, &phase, &done, &total)
		if phase != nil {
			rs.Running = &Progress{Phase: *phase, Done: *done, Total: total}
		}
		return rs, err
	})
}

// BoardSyncAge is what the staleness metrics need of one board.
type BoardSyncAge struct {
	BoardID     int64
	TeamSlug    string
	BoardSlug   string
	CreatedAt   time.Time
	LastOKAt    *time.Time
	LastErrorAt *time.Time
}

// BoardSyncAges lists every board's last successful and failed sync; one
// cheap query, for each Prometheus scrape.
func (s *Store) BoardSyncAges(ctx context.Context) ([]BoardSyncAge, error) {
	rows, err := s.Pool.Query(ctx, `SELECT b.id, t.slug, b.slug, b.created_at, ss.last_ok_at, ss.last_error_at
		FROM boards b JOIN teams t ON t.id = b.team_id LEFT JOIN sync_state ss ON ss.board_id = b.id ORDER BY b.id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[BoardSyncAge])
}
