package github

import (
	"context"
	"errors"
	"fmt"
	"time"

	gh "github.com/google/go-github/v60/github"
)

// Tag is a git tag dated by its commit (lightweight) or tagger (annotated).
type Tag struct {
	Name      string
	SHA       string // the commit it points to
	Annotated bool
	At        *time.Time
}

const tagQuery = `query($owner: String!, $name: String!, $after: String) {
  repository(owner: $owner, name: $name) {
    refs(refPrefix: "refs/tags/", first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        name
        target {
          __typename
          oid
          ... on Commit { committedDate }
          ... on Tag { tagger { date } target { __typename oid ... on Commit { committedDate } } }
        }
      }
    }
  }
}`

// Tags lists every tag of a repository with its date.
func (c *Client) Tags(ctx context.Context, owner, name string) ([]Tag, int, error) {
	if !c.rest {
		tags, n, err := c.tagsGraphQL(ctx, owner, name)
		if !errors.Is(err, errNoGraphQL) {
			return tags, n, err
		}
		c.rest = true
	}
	return c.tagsREST(ctx, owner, name)
}

func (c *Client) tagsGraphQL(ctx context.Context, owner, name string) ([]Tag, int, error) {
	var out []Tag
	requests := 0
	var after any
	for {
		var data struct {
			Repository *struct {
				Refs struct {
					PageInfo struct {
						HasNextPage bool   `json:"hasNextPage"`
						EndCursor   string `json:"endCursor"`
					} `json:"pageInfo"`
					Nodes []struct {
						Name   string `json:"name"`
						Target struct {
							Typename      string     `json:"__typename"`
							OID           string     `json:"oid"`
							CommittedDate *time.Time `json:"committedDate"`
							Tagger        *struct {
								Date *time.Time `json:"date"`
							} `json:"tagger"`
							Target *struct {
								Typename      string     `json:"__typename"`
								OID           string     `json:"oid"`
								CommittedDate *time.Time `json:"committedDate"`
							} `json:"target"`
						} `json:"target"`
					} `json:"nodes"`
				} `json:"refs"`
			} `json:"repository"`
		}
		requests++
		if err := c.graphql(ctx, tagQuery, map[string]any{"owner": owner, "name": name, "after": after}, &data); err != nil {
			return nil, requests, err
		}
		if data.Repository == nil {
			return nil, requests, fmt.Errorf("repository %s/%s: %w", owner, name, ErrNotFound)
		}
		for _, n := range data.Repository.Refs.Nodes {
			t := Tag{Name: n.Name, SHA: n.Target.OID, At: n.Target.CommittedDate}
			if n.Target.Typename == "Tag" {
				t.Annotated = true
				if n.Target.Tagger != nil {
					t.At = n.Target.Tagger.Date
				}
				if n.Target.Target != nil {
					t.SHA = n.Target.Target.OID
					if t.At == nil {
						t.At = n.Target.Target.CommittedDate
					}
				}
			}
			out = append(out, t)
		}
		pi := data.Repository.Refs.PageInfo
		if !pi.HasNextPage {
			return out, requests, nil
		}
		after = pi.EndCursor
	}
}

// tagsREST lists tags (no dates) and dates each by its commit, or by its
// tag object when annotated. ETags make repeated reads of old tags free.
func (c *Client) tagsREST(ctx context.Context, owner, name string) ([]Tag, int, error) {
	var out []Tag
	requests := 0
	for page := 1; ; page++ {
		var list []*gh.RepositoryTag
		res, err := c.getJSON(ctx, fmt.Sprintf("repos/%s/%s/tags?per_page=100&page=%d", owner, name, page), &list)
		requests++
		if err != nil {
			return nil, requests, fmt.Errorf("tags of %s/%s: %w", owner, name, err)
		}
		for _, rt := range list {
			t := Tag{Name: rt.GetName(), SHA: rt.GetCommit().GetSHA()}
			var ref gh.Reference
			if _, err := c.getJSON(ctx, fmt.Sprintf("repos/%s/%s/git/ref/tags/%s", owner, name, rt.GetName()), &ref); err == nil && ref.GetObject().GetType() == "tag" {
				var tagObj gh.Tag
				if _, err := c.getJSON(ctx, fmt.Sprintf("repos/%s/%s/git/tags/%s", owner, name, ref.GetObject().GetSHA()), &tagObj); err == nil {
					t.Annotated = true
					if d := tagObj.GetTagger().GetDate(); !d.IsZero() {
						at := d.Time
						t.At = &at
					}
				}
				requests += 2
			} else {
				requests++
			}
			if t.At == nil {
				var commit gh.RepositoryCommit
				if _, err := c.getJSON(ctx, fmt.Sprintf("repos/%s/%s/commits/%s", owner, name, t.SHA), &commit); err != nil {
					return nil, requests, fmt.Errorf("commit %s of tag %s: %w", t.SHA, t.Name, err)
				}
				requests++
				if d := commit.GetCommit().GetCommitter().GetDate(); !d.IsZero() {
					at := d.Time
					t.At = &at
				}
			}
			out = append(out, t)
		}
		if res == nil || res.NextPage == 0 {
			return out, requests, nil
		}
	}
}
