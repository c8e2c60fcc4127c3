package app

import (
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/vger-dev/vger/internal/config"
	"github.com/vger-dev/vger/internal/github"
	"github.com/vger-dev/vger/internal/jira"
	"github.com/vger-dev/vger/internal/retry"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
)

// requestCounter counts HTTP attempts to the sources (retries included).
type requestCounter struct {
	next http.RoundTripper
	n    *atomic.Int64
}

func (c requestCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// NewSyncer wires the source clients (with retries and the shared request
// budget) into a Syncer. A source without configuration is left nil, and
// syncs that need it say so.
//
// A background syncer (the worker's) waits out rate limits for at most
// 10 minutes and then lets River retry the job when the limit resets; a
// foreground one (`vger sync`) waits as long as the service asks.
func NewSyncer(cfg *config.Config, st *store.Store, log *slog.Logger) (*vsync.Syncer, error) {
	return newSyncer(cfg, st, log, 10*time.Minute)
}

// NewForegroundSyncer is NewSyncer for `vger sync`: it waits out any rate limit.
func NewForegroundSyncer(cfg *config.Config, st *store.Store, log *slog.Logger) (*vsync.Syncer, error) {
	return newSyncer(cfg, st, log, 2*time.Hour)
}

func newSyncer(cfg *config.Config, st *store.Store, log *slog.Logger, maxWait time.Duration) (*vsync.Syncer, error) {
	s := &vsync.Syncer{
		Store:   st,
		Log:     log,
		Now:     time.Now,
		History: time.Duration(cfg.SyncHistoryDays) * 24 * time.Hour,
		Budget:  10 * time.Minute,
		Secrets: cfg.Secrets(),
	}
	s.JiraRequests, s.GitHubRequests = &atomic.Int64{}, &atomic.Int64{}
	if cfg.JiraURL != "" {
		tr := retry.New(requestCounter{next: http.DefaultTransport, n: s.JiraRequests})
		tr.MaxWait = maxWait
		cred := cfg.JiraPAT + cfg.JiraEmail + ":" + cfg.JiraAPIToken
		tr.Limiter = &vsync.Limiter{Store: st, Key: vsync.BucketKey("jira", cfg.JiraURL, cred), Rate: cfg.JiraRate, Burst: max(1, cfg.JiraRate)}
		c, err := jira.New(jira.Config{BaseURL: cfg.JiraURL, Email: cfg.JiraEmail, APIToken: cfg.JiraAPIToken, PAT: cfg.JiraPAT, Transport: tr})
		if err != nil {
			return nil, err
		}
		s.Tracker = vsync.NewJiraTracker(c)
	}
	if cfg.GitHubToken != "" {
		tr := retry.New(requestCounter{next: http.DefaultTransport, n: s.GitHubRequests})
		// GitHub's primary limit resets within the hour: a foreground sync
		// waits for it; a worker's job is snoozed until then (jobs.go).
		tr.MaxWait = maxWait
		tr.Limiter = &vsync.Limiter{Store: st, Key: vsync.BucketKey("github", cfg.GitHubAPIURL, cfg.GitHubToken), Rate: cfg.GitHubRate, Burst: max(1, cfg.GitHubRate)}
		c, err := github.New(github.Config{APIURL: cfg.GitHubAPIURL, GraphQLURL: cfg.GitHubGraphQLURL, Token: cfg.GitHubToken, Transport: tr})
		if err != nil {
			return nil, err
		}
		s.CodeHost = vsync.GitHubHost{Client: c}
	}
	return s, nil
}
