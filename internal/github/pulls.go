package github

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"
)

// PullRequest is a pull request with its size.
type PullRequest struct {
	Number       int
	NodeID       string
	Title        string
	Author       string
	State        string // open or closed
	Base, Head   string
	Draft        bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ClosedAt     *time.Time
	MergedAt     *time.Time
	Additions    *int
	Deletions    *int
	ChangedFiles *int
}

// PRPage is one page of pull requests, most recently updated first.
type PRPage struct {
	PRs      []PullRequest
	Next     string // "" on the last page
	Requests int
}

const prQuery = `query($owner: String!, $name: String!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequests(first: 100, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number id title state isDraft createdAt updatedAt closedAt mergedAt
        additions deletions changedFiles baseRefName headRefName
        author { __typename login }
      }
    }
  }
}`

// PullRequests reads one page of a repository's pull requests, most
// recently updated first; pass the previous page's Next to continue.
func (c *Client) PullRequests(ctx context.Context, owner, name, cursor string) (PRPage, error) {
	if !c.rest {
		p, err := c.prsGraphQL(ctx, owner, name, cursor)
		if !errors.Is(err, errNoGraphQL) {
			return p, err
		}
		c.rest = true // a server without GraphQL: REST from now on
	}
	return c.prsREST(ctx, owner, name, cursor)
}

func (c *Client) prsGraphQL(ctx context.Context, owner, name, cursor string) (PRPage, error) {
	vars := map[string]any{"owner": owner, "name": name, "after": nil}
	if cursor != "" {
		vars["after"] = cursor
	}
	var data struct {
		Repository *struct {
			PullRequests struct {
				PageInfo struct {
					HasNextPage bool   `json:"hasNextPage"`
					EndCursor   string `json:"endCursor"`
				} `json:"pageInfo"`
				Nodes []struct {
					Number       int        `json:"number"`
					ID           string     `json:"id"`
					Title        string     `json:"title"`
					State        string     `json:"state"`
					IsDraft      bool       `json:"isDraft"`
					CreatedAt    time.Time  `json:"createdAt"`
					UpdatedAt    time.Time  `json:"updatedAt"`
					ClosedAt     *time.Time `json:"closedAt"`
					MergedAt     *time.Time `json:"mergedAt"`
					Additions    int        `json:"additions"`
					Deletions    int        `json:"deletions"`
					ChangedFiles int        `json:"changedFiles"`
					BaseRefName  string     `json:"baseRefName"`
					HeadRefName  string     `json:"headRefName"`
					Author       *struct {
						Typename string `json:"__typename"`
						Login    string `json:"login"`
					} `json:"author"`
				} `json:"nodes"`
			} `json:"pullRequests"`
		} `json:"repository"`
	}
	if err := c.graphql(ctx, prQuery, vars, &data); err != nil {
		return PRPage{}, err
	}
	if data.Repository == nil {
		return PRPage{}, fmt.Errorf("repository %s/%s: %w", owner, name, ErrNotFound)
	}
	page := PRPage{Requests: 1}
	for _, n := range data.Repository.PullRequests.Nodes {
		pr := PullRequest{Number: n.Number, NodeID: n.ID, Title: n.Title, Draft: n.IsDraft, CreatedAt: n.CreatedAt,
			UpdatedAt: n.UpdatedAt, ClosedAt: n.ClosedAt, MergedAt: n.MergedAt, Base: n.BaseRefName, Head: n.HeadRefName,
			Additions: &n.Additions, Deletions: &n.Deletions, ChangedFiles: &n.ChangedFiles}
		pr.State = "open"
		if n.State != "OPEN" { // CLOSED or MERGED
			pr.State = "closed"
		}
		if n.Author != nil { // nil for deleted accounts ("ghost")
			pr.Author = n.Author.Login
			if n.Author.Typename == "Bot" && !strings.HasSuffix(pr.Author, "[bot]") {
				// GraphQL names a bot "dependabot" where REST (and people) say
				// "dependabot[bot]": store the REST form, as filters use it.
				pr.Author += "[bot]"
			}
		}
		page.PRs = append(page.PRs, pr)
	}
	if pi := data.Repository.PullRequests.PageInfo; pi.HasNextPage {
		page.Next = pi.EndCursor
	}
	return page, nil
}

// prsREST lists pull requests (simple shape, no sizes) and reads each
// one's detail for its size: one request per PR, so GraphQL is preferred.
func (c *Client) prsREST(ctx context.Context, owner, name, cursor string) (PRPage, error) {
	pageNo := 1
	if cursor != "" {
		fmt.Sscanf(cursor, "%d", &pageNo)
	}
	var list []*gh.PullRequest
	path := fmt.Sprintf("repos/%s/%s/pulls?state=all&sort=updated&direction=desc&per_page=100&page=%d", owner, name, pageNo)
	res, err := c.getJSON(ctx, path, &list)
	if err != nil {
		return PRPage{}, fmt.Errorf("pull requests of %s/%s: %w", owner, name, err)
	}
	page := PRPage{Requests: 1}
	for _, p := range list {
		var d gh.PullRequest
		if _, err := c.getJSON(ctx, fmt.Sprintf("repos/%s/%s/pulls/%d", owner, name, p.GetNumber()), &d); err != nil {
			return PRPage{}, fmt.Errorf("pull request %s/%s#%d: %w", owner, name, p.GetNumber(), err)
		}
		page.Requests++
		pr := PullRequest{Number: d.GetNumber(), NodeID: d.GetNodeID(), Title: d.GetTitle(), Author: d.GetUser().GetLogin(),
			State: d.GetState(), Base: d.GetBase().GetRef(), Head: d.GetHead().GetRef(), Draft: d.GetDraft(),
			CreatedAt: d.GetCreatedAt().Time, UpdatedAt: d.GetUpdatedAt().Time}
		if d.ClosedAt != nil {
			t := d.ClosedAt.Time
			pr.ClosedAt = &t
		}
		if d.MergedAt != nil {
			t := d.MergedAt.Time
			pr.MergedAt = &t
		}
		a, del, f := d.GetAdditions(), d.GetDeletions(), d.GetChangedFiles()
		pr.Additions, pr.Deletions, pr.ChangedFiles = &a, &del, &f
		page.PRs = append(page.PRs, pr)
	}
	if res != nil && res.NextPage != 0 {
		page.Next = itoa(res.NextPage)
	}
	return page, nil
}
