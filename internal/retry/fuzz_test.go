package retry

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A server's rate-limit headers, whatever they say, give a wait from zero
// (meaning "use the backoff") to MaxHeaderWait: never negative, never an
// overflow, never longer than a day. Seconds in range are obeyed exactly,
// and more seconds never give a shorter wait.
func FuzzHeaderWait(f *testing.F) {
	for _, s := range []string{"0", "1", "2.5", "120", "86400", "86401", "1e300", "9300000000", "-5", "NaN", "Inf",
		"Wed, 21 Oct 2026 07:28:00 GMT", "Mon, 02 Jan 2006 15:04:05 GMT", "", "soon"} {
		f.Add(s, "", int64(1_790_000_000))
	}
	for _, s := range []string{"1790003600", "2026-09-21T10:00Z", "2026-09-21T10:00:00Z", "2026-09-21T10:00:00+02:00", "99999999999999", "-1"} {
		f.Add("", s, int64(1_790_000_000))
	}
	f.Fuzz(func(t *testing.T, retryAfterValue, resetValue string, nowUnix int64) {
		now := time.Unix(nowUnix%(1<<34), 0).UTC()
		h := http.Header{}
		h.Set("Retry-After", retryAfterValue)
		h.Set("X-RateLimit-Reset", resetValue)
		ra, rs := RetryAfter(h, now), ResetWait(h, now)
		for _, w := range []time.Duration{ra, rs} {
			if w < 0 || w > MaxHeaderWait {
				t.Fatalf("Retry-After %q, reset %q at %v: wait %v", retryAfterValue, resetValue, now, w)
			}
		}
		n, err := strconv.ParseFloat(strings.TrimSpace(retryAfterValue), 64)
		if err != nil || math.IsNaN(n) || n < 0 {
			return
		}
		want := time.Duration(math.Min(n, MaxHeaderWait.Seconds()) * float64(time.Second))
		if d := ra - want; d < -time.Microsecond || d > time.Microsecond {
			t.Fatalf("Retry-After %q: wait %v, want %v", retryAfterValue, ra, want)
		}
		more := http.Header{"Retry-After": {strconv.FormatFloat(n*2+1, 'g', -1, 64)}}
		if RetryAfter(more, now) < ra {
			t.Fatalf("Retry-After %v waits less than %q", more, retryAfterValue)
		}
	})
}
