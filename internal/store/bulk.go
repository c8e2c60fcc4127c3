package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// upsertSpec describes an idempotent bulk write: rows are COPYed into a
// temporary table, then merged with INSERT ... ON CONFLICT DO UPDATE that
// touches only rows whose values differ, so writing the same data twice
// changes nothing (no dead tuples, no bumped statistics).
type upsertSpec struct {
	table string
	cols  []string
	key   []string
	// keep lists columns written on insert but never updated (e.g. first_seen_at).
	keep []string
}

// upsert merges rows and returns how many were inserted or changed.
func upsert(ctx context.Context, tx pgx.Tx, s upsertSpec, rows [][]any) (int64, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	tmp := "tmp_" + s.table
	cols := strings.Join(s.cols, ", ")
	if _, err := tx.Exec(ctx, fmt.Sprintf(`CREATE TEMP TABLE %s ON COMMIT DROP AS SELECT %s FROM %s WITH NO DATA`, tmp, cols, s.table)); err != nil {
		return 0, fmt.Errorf("upsert %s: temp table: %w", s.table, err)
	}
	defer tx.Exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+tmp)
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{tmp}, s.cols, pgx.CopyFromRows(rows)); err != nil {
		return 0, fmt.Errorf("upsert %s: copy: %w", s.table, err)
	}
	var set, old, new []string
	for _, c := range s.cols {
		if contains(s.key, c) || contains(s.keep, c) {
			continue
		}
		set = append(set, fmt.Sprintf("%s = EXCLUDED.%s", c, c))
		old = append(old, "t."+c)
		new = append(new, "EXCLUDED."+c)
	}
	q := fmt.Sprintf(`INSERT INTO %s AS t (%s) SELECT DISTINCT ON (%s) %s FROM %s ON CONFLICT (%s) `,
		s.table, cols, strings.Join(s.key, ", "), cols, tmp, strings.Join(s.key, ", "))
	if len(set) == 0 {
		q += "DO NOTHING"
	} else {
		q += fmt.Sprintf("DO UPDATE SET %s WHERE (%s) IS DISTINCT FROM (%s)",
			strings.Join(set, ", "), strings.Join(old, ", "), strings.Join(new, ", "))
	}
	tag, err := tx.Exec(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("upsert %s: %w", s.table, err)
	}
	return tag.RowsAffected(), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
