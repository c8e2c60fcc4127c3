package sim

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

func TestZZTiming(t *testing.T) {
	t0 := time.Now()
	s, _, client := ghServer(t, Options{Seed: 11, Issues: 300, PRs: 1100, GitHubRESTLimit: 1 << 30})
	fmt.Println("new", time.Since(t0))
	t0 = time.Now()
	s.ghCurrent()
	fmt.Println("snap", time.Since(t0))
	ctx := context.Background()
	t0 = time.Now()
	n := 0
	for _, repo := range s.Repos() {
		prs, _, _ := client.PullRequests.List(ctx, repo.Owner, repo.Name, &github.PullRequestListOptions{State: "all", ListOptions: github.ListOptions{PerPage: 100}})
		n += len(prs)
	}
	fmt.Println("list", time.Since(t0), n)
	t0 = time.Now()
	for _, repo := range s.Repos()[:1] {
		prs, _, _ := client.PullRequests.List(ctx, repo.Owner, repo.Name, &github.PullRequestListOptions{State: "all", ListOptions: github.ListOptions{PerPage: 100}})
		for _, p := range prs {
			client.PullRequests.Get(ctx, repo.Owner, repo.Name, p.GetNumber())
		}
		fmt.Println("detail", time.Since(t0), len(prs))
	}
	t0 = time.Now()
	for range 100 {
		client.Git.GetRef(ctx, "acme", "mobile-api", "tags/v1.0.0")
	}
	fmt.Println("100 refs", time.Since(t0))
	t0 = time.Now()
	tr := s.TruthTags()
	fmt.Println("truth tags", time.Since(t0), len(tr))
	t0 = time.Now()
	for range s.TruthPRs() {
	}
	fmt.Println("truth prs", time.Since(t0))
}
