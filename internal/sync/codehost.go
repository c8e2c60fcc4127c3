package sync

import (
	"context"

	"github.com/vger-dev/vger/internal/github"
	"github.com/vger-dev/vger/internal/store"
)

// CodePage is one page of pull requests, most recently updated first.
type CodePage struct {
	PRs      []store.PullRequest
	Next     string
	Requests int
}

// CodeHost is a code host (GitHub): repositories, pull requests, tags.
type CodeHost interface {
	Repo(ctx context.Context, owner, name string) (store.Repo, error)
	PullRequests(ctx context.Context, owner, name, cursor string) (CodePage, error)
	Tags(ctx context.Context, owner, name string) ([]store.Tag, int, error)
}

// GitHubHost adapts the GitHub client to CodeHost.
type GitHubHost struct{ Client *github.Client }

// Repo checks a repository.
func (g GitHubHost) Repo(ctx context.Context, owner, name string) (store.Repo, error) {
	r, err := g.Client.Repo(ctx, owner, name)
	if err != nil {
		return store.Repo{}, err
	}
	return store.Repo{Owner: r.Owner, Name: r.Name, DefaultBranch: r.DefaultBranch}, nil
}

// PullRequests reads a page.
func (g GitHubHost) PullRequests(ctx context.Context, owner, name, cursor string) (CodePage, error) {
	p, err := g.Client.PullRequests(ctx, owner, name, cursor)
	if err != nil {
		return CodePage{}, err
	}
	out := CodePage{Next: p.Next, Requests: p.Requests, PRs: make([]store.PullRequest, len(p.PRs))}
	for i, pr := range p.PRs {
		out.PRs[i] = store.PullRequest{Number: pr.Number, NodeID: pr.NodeID, Author: Text(pr.Author), Title: Text(pr.Title), State: pr.State,
			BaseRef: Text(pr.Base), HeadRef: Text(pr.Head), Draft: pr.Draft, CreatedAt: pr.CreatedAt, UpdatedAt: pr.UpdatedAt,
			ClosedAt: pr.ClosedAt, MergedAt: pr.MergedAt, Additions: pr.Additions, Deletions: pr.Deletions, ChangedFiles: pr.ChangedFiles}
	}
	return out, nil
}

// Tags reads every tag.
func (g GitHubHost) Tags(ctx context.Context, owner, name string) ([]store.Tag, int, error) {
	ts, n, err := g.Client.Tags(ctx, owner, name)
	if err != nil {
		return nil, n, err
	}
	out := make([]store.Tag, len(ts))
	for i, t := range ts {
		out[i] = store.Tag{Name: Text(t.Name), SHA: t.SHA, Annotated: t.Annotated, At: t.At}
	}
	return out, n, nil
}
