package store

import (
	"context"
	"fmt"
	"time"
)

// ReserveToken takes one token from a shared bucket refilled at rate per
// second up to burst, and returns how long the caller must wait before
// using it (0 when one was available). Waiting callers queue fairly: each
// reservation moves the balance further below zero. The database's clock
// is used, so workers on several machines agree.
func (s *Store) ReserveToken(ctx context.Context, key string, rate, burst float64) (time.Duration, error) {
	var tokens float64
	err := s.Pool.QueryRow(ctx, `INSERT INTO rate_buckets AS b (key, tokens, updated_at) VALUES ($1, $3 - 1, clock_timestamp())
		ON CONFLICT (key) DO UPDATE SET
			tokens = LEAST($3, b.tokens + extract(epoch FROM clock_timestamp() - b.updated_at) * $2) - 1,
			updated_at = clock_timestamp()
		RETURNING tokens`, key, rate, burst).Scan(&tokens)
	if err != nil {
		return 0, fmt.Errorf("rate budget: %w", err)
	}
	if tokens >= 0 {
		return 0, nil
	}
	return time.Duration(-tokens / rate * float64(time.Second)), nil
}
