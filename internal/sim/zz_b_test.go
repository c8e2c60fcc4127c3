package sim

import "testing"

func BenchmarkZZPulls(b *testing.B) {
	s, _ := New(Options{Seed: 11, Issues: 300, PRs: 1100})
	h := s.Handler()
	ghGet(b, h, "/repos/acme/platform-api/pulls?state=all&per_page=100")
	b.ResetTimer()
	n := 0
	for range b.N {
		_, _, body := ghGet(b, h, "/repos/acme/platform-api/pulls?state=all&per_page=100")
		n = len(body)
	}
	b.ReportMetric(float64(n), "bytes")
}
