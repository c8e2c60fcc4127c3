package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/vger-dev/vger/internal/retry"
	"github.com/vger-dev/vger/internal/store"
)

// Limiter is a request-rate budget kept in Postgres, shared by every
// worker that uses the same credential.
type Limiter struct {
	Store *store.Store
	Key   string
	Rate  float64 // requests per second
	Burst float64
	Sleep func(ctx context.Context, d time.Duration) error
}

var _ retry.Limiter = (*Limiter)(nil)

// BucketKey names a credential's bucket without revealing it.
func BucketKey(service, baseURL, credential string) string {
	h := sha256.Sum256([]byte(service + "\x00" + baseURL + "\x00" + credential))
	return service + ":" + hex.EncodeToString(h[:8])
}

// Wait reserves a request slot and sleeps until it comes.
func (l *Limiter) Wait(ctx context.Context) error {
	if l.Rate <= 0 {
		return nil
	}
	burst := l.Burst
	if burst < 1 {
		burst = 1
	}
	d, err := l.Store.ReserveToken(ctx, l.Key, l.Rate, burst)
	if err != nil {
		return err
	}
	sleep := l.Sleep
	if sleep == nil {
		sleep = retry.SleepContext
	}
	return sleep(ctx, d)
}
