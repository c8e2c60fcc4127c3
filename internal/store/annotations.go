package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Annotation is a team's dated note on a board: a day (EndsOn zero) or a
// period of days, both inclusive. Dates are calendar dates (UTC midnight).
type Annotation struct {
	ID        int64     `json:"-"`
	BoardID   int64     `json:"-"`
	StartsOn  time.Time `json:"starts_on"`
	EndsOn    time.Time `json:"ends_on,omitzero"`
	Label     string    `json:"label"`
	CreatedBy string    `json:"-"`
	CreatedAt time.Time `json:"-"`
}

// IsPeriod reports whether the annotation spans days (has an end date).
func (a Annotation) IsPeriod() bool { return !a.EndsOn.IsZero() }

// Annotations lists a board's annotations by date.
func (s *Store) Annotations(ctx context.Context, boardID int64) ([]Annotation, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, board_id, starts_on, ends_on, label, created_by, created_at
		FROM annotations WHERE board_id = $1 ORDER BY starts_on, ends_on NULLS FIRST, id`, boardID)
	if err != nil {
		return nil, fmt.Errorf("annotations of board %d: %w", boardID, err)
	}
	return pgx.CollectRows(rows, scanAnnotation)
}

// Annotation loads one of a board's annotations (ErrNotFound when the
// board has no such annotation).
func (s *Store) Annotation(ctx context.Context, boardID, id int64) (Annotation, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, board_id, starts_on, ends_on, label, created_by, created_at
		FROM annotations WHERE board_id = $1 AND id = $2`, boardID, id)
	if err != nil {
		return Annotation{}, err
	}
	a, err := pgx.CollectExactlyOneRow(rows, scanAnnotation)
	if err != nil {
		return Annotation{}, fmt.Errorf("annotation %d: %w", id, notFound(err))
	}
	return a, nil
}

func scanAnnotation(r pgx.CollectableRow) (Annotation, error) {
	var a Annotation
	var end *time.Time
	err := r.Scan(&a.ID, &a.BoardID, &a.StartsOn, &end, &a.Label, &a.CreatedBy, &a.CreatedAt)
	if end != nil {
		a.EndsOn = *end
	}
	return a, err
}

// CreateAnnotation adds an annotation to board b and records e (its
// actor and time become the annotation's), in one transaction.
func (s *Store) CreateAnnotation(ctx context.Context, b Board, n Annotation, e AuditEntry) (Annotation, error) {
	n.BoardID, n.CreatedBy, n.CreatedAt = b.ID, e.Actor, e.At
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO annotations (board_id, starts_on, ends_on, label, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, b.ID, n.StartsOn, dateOrNil(n.EndsOn), n.Label, n.CreatedBy, n.CreatedAt).Scan(&n.ID); err != nil {
			return fmt.Errorf("add annotation: %w", notFoundFK(err))
		}
		doc, _ := json.Marshal(n)
		e.After = doc
		if e.Summary == "" {
			e.Summary = "Added annotation " + n.Describe()
		}
		return boardAudit(ctx, tx, b, e)
	})
	return n, err
}

// DeleteAnnotation removes one of board b's annotations and records e.
func (s *Store) DeleteAnnotation(ctx context.Context, b Board, id int64, e AuditEntry) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `DELETE FROM annotations WHERE board_id = $1 AND id = $2
			RETURNING id, board_id, starts_on, ends_on, label, created_by, created_at`, b.ID, id)
		if err != nil {
			return err
		}
		n, err := pgx.CollectExactlyOneRow(rows, scanAnnotation)
		if err != nil {
			return fmt.Errorf("annotation %d: %w", id, notFound(err))
		}
		doc, _ := json.Marshal(n)
		e.Before = doc
		if e.Summary == "" {
			e.Summary = "Deleted annotation " + n.Describe()
		}
		return boardAudit(ctx, tx, b, e)
	})
}

// Describe is the annotation in words: "“label” (2026-03-02)" or with
// "2026-03-02 to 2026-03-13" for a period.
func (a Annotation) Describe() string {
	when := a.StartsOn.Format(time.DateOnly)
	if a.IsPeriod() {
		when += " to " + a.EndsOn.Format(time.DateOnly)
	}
	return fmt.Sprintf("“%s” (%s)", a.Label, when)
}

// boardAudit records e as a change to board b (with its team's name).
func boardAudit(ctx context.Context, tx pgx.Tx, b Board, e AuditEntry) error {
	e.TeamID, e.BoardID, e.BoardName = b.TeamID, b.ID, b.Name
	if err := tx.QueryRow(ctx, `SELECT name FROM teams WHERE id = $1`, b.TeamID).Scan(&e.TeamName); err != nil {
		return err
	}
	return addAudit(ctx, tx, e)
}

func dateOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// ReplaceAnnotations makes notes board b's annotations (an imported
// settings file) and records e with the list before and after, in one
// transaction. Nothing changes, and nothing is recorded, when the board
// already has exactly these (same days and labels, in date order).
func (s *Store) ReplaceAnnotations(ctx context.Context, b Board, notes []Annotation, e AuditEntry) (bool, error) {
	changed := false
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, board_id, starts_on, ends_on, label, created_by, created_at
			FROM annotations WHERE board_id = $1 ORDER BY starts_on, ends_on NULLS FIRST, id FOR UPDATE`, b.ID)
		if err != nil {
			return err
		}
		old, err := pgx.CollectRows(rows, scanAnnotation)
		if err != nil {
			return err
		}
		if sameNotes(old, notes) {
			return nil
		}
		changed = true
		if _, err := tx.Exec(ctx, `DELETE FROM annotations WHERE board_id = $1`, b.ID); err != nil {
			return err
		}
		for _, n := range notes {
			if _, err := tx.Exec(ctx, `INSERT INTO annotations (board_id, starts_on, ends_on, label, created_by, created_at)
				VALUES ($1, $2, $3, $4, $5, $6)`, b.ID, n.StartsOn, dateOrNil(n.EndsOn), n.Label, e.Actor, e.At); err != nil {
				return fmt.Errorf("import annotation: %w", err)
			}
		}
		e.Before, _ = json.Marshal(nonNilNotes(old))
		e.After, _ = json.Marshal(nonNilNotes(notes))
		if e.Summary == "" {
			e.Summary = fmt.Sprintf("Replaced %d annotations with %d", len(old), len(notes))
		}
		return boardAudit(ctx, tx, b, e)
	})
	return changed, err
}

func nonNilNotes(n []Annotation) []Annotation {
	if n == nil {
		return []Annotation{}
	}
	return n
}

func sameNotes(a, b []Annotation) bool {
	if len(a) != len(b) {
		return false
	}
	key := func(n Annotation) string {
		return n.StartsOn.Format(time.DateOnly) + "|" + n.EndsOn.Format(time.DateOnly) + "|" + n.Label
	}
	seen := map[string]int{}
	for _, n := range a {
		seen[key(n)]++
	}
	for _, n := range b {
		seen[key(n)]--
	}
	for _, v := range seen {
		if v != 0 {
			return false
		}
	}
	return true
}
