package sim

import (
	"sync"
	"testing"
	"time"
)

// TestConcurrentRequestsAndAdvance: searches, changelogs and truth exports run while the clock
// moves; run under -race this checks the snapshot/view sharing.
func TestConcurrentRequestsAndAdvance(t *testing.T) {
	t.Parallel()
	s, _ := New(Options{Seed: 8, Issues: 1500})
	h := s.Handler()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 15 {
				switch (g + k) % 3 {
				case 0:
					call(t, h, "POST", "/jira/rest/api/3/search/jql", `{"jql":"updated >= -3d","fields":["*all"],"expand":"changelog"}`, basicAuth)
				case 1:
					call(t, h, "POST", "/jira/rest/api/3/changelog/bulkfetch", `{"issueIdsOrKeys":["10010","10020","PAY-3"]}`, basicAuth)
				default:
					for range s.TruthIssues() {
					}
				}
			}
		}()
	}
	for range 10 {
		s.Advance(6 * time.Hour)
		call(t, h, "GET", "/jira/rest/api/3/search/jql?jql=project%3DOPS", "", basicAuth)
	}
	wg.Wait()
}
