// Package github reads pull requests (with sizes) and tags (with dates)
// from GitHub or GitHub Enterprise: GraphQL where it can (about one point
// per 100 pull requests), REST through go-github v60 otherwise, with ETags,
// and every rate limit waited out. It knows HTTP and JSON, never SQL.
package github

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/vger-dev/vger/internal/retry"
)

// Config says where GitHub is and how to sign in.
type Config struct {
	APIURL     string // REST base, e.g. https://api.github.com/ or https://ghe.example.com/api/v3/
	GraphQLURL string // e.g. https://api.github.com/graphql
	Token      string
	// Transport carries retries and pacing; nil: retry.New(nil).
	Transport *retry.Transport
	// Sleep waits out go-github's own rate-limit refusals (tests inject it).
	Sleep func(ctx context.Context, d time.Duration) error
	Now   func() time.Time
	// PreferREST skips GraphQL (for servers without it).
	PreferREST bool
}

// Client reads one GitHub host with one token.
type Client struct {
	gh      *gh.Client
	hc      *http.Client
	gql     string
	token   string
	sleep   func(ctx context.Context, d time.Duration) error
	now     func() time.Time
	rest    bool
	etagsMu sync.Mutex
	etags   map[string]cached
}

type cached struct {
	etag string
	body []byte
	next int // the page after this one: a 304 carries no Link header
}

// Errors callers can act on.
var (
	ErrUnauthorized = errors.New("GitHub refused the token (check GITHUB_TOKEN)")
	ErrNotFound     = errors.New("not found on GitHub (or the token cannot see it)")
)

// Classify marks GitHub's rate-limit answers for the retry transport:
// 403 with x-ratelimit-remaining: 0 (primary: wait for the reset), and
// 403/429 with retry-after (secondary).
func Classify(res *http.Response, body []byte, now time.Time) (bool, time.Duration) {
	if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusTooManyRequests {
		return false, 0
	}
	if w := retry.RetryAfter(res.Header, now); w > 0 {
		return true, w
	}
	if res.Header.Get("X-RateLimit-Remaining") == "0" {
		return true, retry.ResetWait(res.Header, now)
	}
	if res.StatusCode == http.StatusForbidden && bytes.Contains(bytes.ToLower(body), []byte("secondary rate limit")) {
		return true, time.Minute // GitHub's advice without retry-after
	}
	return false, 0
}

// New builds a client. It makes no request.
func New(cfg Config) (*Client, error) {
	tr := cfg.Transport
	if tr == nil {
		tr = retry.New(nil)
	}
	if tr.Classify == nil {
		tr.Classify = Classify
	}
	hc := &http.Client{Transport: &authTransport{token: cfg.Token, next: tr}}
	c := &Client{gh: gh.NewClient(hc), hc: hc, token: cfg.Token, rest: cfg.PreferREST, etags: map[string]cached{},
		sleep: cfg.Sleep, now: cfg.Now}
	if c.sleep == nil {
		c.sleep = retry.SleepContext
	}
	if c.now == nil {
		c.now = time.Now
	}
	api := cfg.APIURL
	if api == "" {
		api = "https://api.github.com/"
	}
	if !strings.HasSuffix(api, "/") {
		api += "/"
	}
	u, err := url.Parse(api)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("GITHUB_API_URL %q is not an http(s) URL", cfg.APIURL)
	}
	c.gh.BaseURL = u
	c.gql = cfg.GraphQLURL
	if c.gql == "" {
		c.gql = DeriveGraphQLURL(api)
	}
	return c, nil
}

// DeriveGraphQLURL maps a REST base to its GraphQL endpoint.
func DeriveGraphQLURL(api string) string {
	u, err := url.Parse(api)
	if err != nil {
		return ""
	}
	if u.Host == "api.github.com" {
		return "https://api.github.com/graphql"
	}
	p := strings.TrimSuffix(u.Path, "/")
	p = strings.TrimSuffix(p, "/v3")
	u.Path = p + "/graphql"
	return u.String()
}

type authTransport struct {
	token string
	next  http.RoundTripper
}

func (a *authTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if a.token != "" {
		r.Header.Set("Authorization", "Bearer "+a.token)
	}
	r.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	return a.next.RoundTrip(r)
}

// call runs a go-github call, waiting out the rate-limit refusals go-github
// makes itself (without a request) after it saw a limit.
func (c *Client) call(ctx context.Context, fn func() (*gh.Response, error)) (*gh.Response, error) {
	for attempt := 0; ; attempt++ {
		res, err := fn()
		var rl *gh.RateLimitError
		var ab *gh.AbuseRateLimitError
		switch {
		case errors.As(err, &rl) && attempt < 3:
			if err := c.sleep(ctx, time.Until(rl.Rate.Reset.Time)+time.Second); err != nil {
				return res, err
			}
			continue
		case errors.As(err, &ab) && attempt < 3:
			wait := time.Minute
			if ab.RetryAfter != nil {
				wait = *ab.RetryAfter
			}
			if err := c.sleep(ctx, wait); err != nil {
				return res, err
			}
			continue
		}
		return res, classify(res, err)
	}
}

func classify(res *gh.Response, err error) error {
	if err == nil {
		return nil
	}
	if res != nil {
		switch res.StatusCode {
		case http.StatusUnauthorized:
			return ErrUnauthorized
		case http.StatusNotFound:
			return ErrNotFound
		}
	}
	var er *gh.ErrorResponse
	if errors.As(err, &er) {
		return fmt.Errorf("GitHub answered HTTP %d: %s", er.Response.StatusCode, er.Message)
	}
	return retry.Redact(err)
}

// Repo is a repository's identity.
type Repo struct {
	Owner, Name   string
	DefaultBranch string
}

// Repo checks a repository exists and the token can read it.
func (c *Client) Repo(ctx context.Context, owner, name string) (Repo, error) {
	var r *gh.Repository
	_, err := c.call(ctx, func() (res *gh.Response, err error) {
		r, res, err = c.gh.Repositories.Get(ctx, owner, name)
		return res, err
	})
	if err != nil {
		return Repo{}, fmt.Errorf("repository %s/%s: %w", owner, name, err)
	}
	return Repo{Owner: r.GetOwner().GetLogin(), Name: r.GetName(), DefaultBranch: r.GetDefaultBranch()}, nil
}

// getJSON is a REST GET with an ETag cache: an unchanged resource answers
// 304, which GitHub does not count against the rate limit.
func (c *Client) getJSON(ctx context.Context, path string, out any) (*gh.Response, error) {
	req, err := c.gh.NewRequest(http.MethodGet, path, nil)
	if err != nil {
		return nil, err
	}
	key := req.URL.String()
	c.etagsMu.Lock()
	prev, have := c.etags[key]
	c.etagsMu.Unlock()
	if have {
		req.Header.Set("If-None-Match", prev.etag)
	}
	var buf bytes.Buffer
	res, err := c.call(ctx, func() (*gh.Response, error) {
		buf.Reset()
		return c.gh.Do(ctx, req, &buf)
	})
	if res != nil && res.StatusCode == http.StatusNotModified && have {
		res.NextPage = prev.next
		return res, json.Unmarshal(prev.body, out)
	}
	if err != nil {
		return res, err
	}
	body := buf.Bytes()
	if etag := res.Header.Get("ETag"); etag != "" {
		c.etagsMu.Lock()
		c.etags[key] = cached{etag: etag, body: append([]byte(nil), body...), next: res.NextPage}
		c.etagsMu.Unlock()
	}
	return res, json.Unmarshal(body, out)
}

// graphql posts a query and decodes data into out. GitHub answers an
// exhausted GraphQL budget with 200 and a RATE_LIMITED error: wait for the
// reset and ask again.
func (c *Client) graphql(ctx context.Context, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.gql, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := c.hc.Do(req)
		if err != nil {
			return fmt.Errorf("GitHub GraphQL: %w", retry.Redact(err))
		}
		raw, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return err
		}
		switch res.StatusCode {
		case http.StatusOK:
		case http.StatusUnauthorized:
			return ErrUnauthorized
		case http.StatusNotFound:
			return errNoGraphQL
		default:
			return fmt.Errorf("GitHub GraphQL answered HTTP %d", res.StatusCode)
		}
		var env struct {
			Data   json.RawMessage `json:"data"`
			Errors []struct {
				Type    string `json:"type"`
				Message string `json:"message"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(raw, &env); err != nil {
			return fmt.Errorf("GitHub GraphQL: malformed answer: %w", err)
		}
		if len(env.Errors) > 0 {
			if env.Errors[0].Type == "RATE_LIMITED" && attempt < 3 {
				wait := retry.ResetWait(res.Header, c.now())
				if wait <= 0 {
					wait = time.Minute
				}
				if err := c.sleep(ctx, wait); err != nil {
					return err
				}
				continue
			}
			msgs := make([]string, len(env.Errors))
			for i, e := range env.Errors {
				msgs[i] = e.Message
			}
			if env.Errors[0].Type == "NOT_FOUND" {
				return fmt.Errorf("%w: %s", ErrNotFound, strings.Join(msgs, "; "))
			}
			return fmt.Errorf("GitHub GraphQL: %s", strings.Join(msgs, "; "))
		}
		return json.Unmarshal(env.Data, out)
	}
}

var errNoGraphQL = errors.New("GitHub GraphQL endpoint not found")

func itoa(n int) string { return strconv.Itoa(n) }

// WebURL is the web address matching a REST base: https://github.com for
// the public API, https://HOST for Enterprise (https://HOST/api/v3/).
func WebURL(api string) string {
	u, err := url.Parse(api)
	if err != nil || u.Host == "" {
		return ""
	}
	if u.Host == "api.github.com" {
		return "https://github.com"
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/api/v3")
	u.RawQuery = ""
	return strings.TrimSuffix(u.String(), "/")
}
