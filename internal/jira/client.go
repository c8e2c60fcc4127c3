// Package jira reads what Vger needs from JIRA Cloud and Data Center:
// deployment, statuses, issue types, fields, boards and their columns,
// filters, and issues with complete status and Flagged histories. It uses
// go-jira v1.17.0 for the client, auth and the endpoints it covers, and its
// NewRequest/Do for the rest. It knows HTTP and JSON, never SQL.
package jira

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/vger-dev/vger/internal/retry"
)

// Config says where JIRA is and how to sign in.
type Config struct {
	BaseURL  string
	Email    string // Basic auth user (Cloud: email; DC: user name)
	APIToken string // Basic auth secret (Cloud API token; DC password)
	PAT      string // Data Center personal access token (Bearer)
	// Transport carries retries and pacing; nil: retry.New(nil).
	Transport *retry.Transport
	// PageSize for searches (Cloud caps expand=changelog pages at 100).
	PageSize int
}

// Client is a JIRA client for one site and credential.
type Client struct {
	jc       *gojira.Client
	base     string
	cloud    bool
	detected bool
	pageSize int
}

// Errors callers can act on.
var (
	ErrUnauthorized = errors.New("JIRA refused the credentials (check JIRA_EMAIL + JIRA_API_TOKEN, or JIRA_PAT)")
	ErrForbidden    = errors.New("JIRA denied access (the account lacks permission)")
	ErrNotFound     = errors.New("not found in JIRA")
	ErrBadRequest   = errors.New("JIRA rejected the request")
)

// APIError is a JIRA error response with its messages.
type APIError struct {
	Status   int
	Messages []string
	Kind     error
}

func (e *APIError) Error() string {
	msg := e.Kind.Error()
	if len(e.Messages) > 0 {
		msg += ": " + strings.Join(e.Messages, "; ")
	}
	return fmt.Sprintf("%s (HTTP %d)", msg, e.Status)
}

func (e *APIError) Unwrap() error { return e.Kind }

// New builds a client. It makes no request.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		return nil, errors.New("JIRA_URL is not set")
	}
	tr := cfg.Transport
	if tr == nil {
		tr = retry.New(nil)
	}
	var hc *http.Client
	switch {
	case cfg.PAT != "":
		hc = (&gojira.PATAuthTransport{Token: cfg.PAT, Transport: tr}).Client()
	case cfg.Email != "" || cfg.APIToken != "":
		hc = (&gojira.BasicAuthTransport{Username: cfg.Email, Password: cfg.APIToken, Transport: tr}).Client()
	default:
		hc = &http.Client{Transport: tr}
	}
	base := strings.TrimSuffix(cfg.BaseURL, "/") + "/"
	jc, err := gojira.NewClient(hc, base)
	if err != nil {
		return nil, fmt.Errorf("JIRA_URL: %w", err)
	}
	ps := cfg.PageSize
	if ps <= 0 {
		ps = 100
	}
	return &Client{jc: jc, base: base, pageSize: ps}, nil
}

// BaseURL is the site's base URL with a trailing slash.
func (c *Client) BaseURL() string { return c.base }

// do sends one API call and decodes the JSON answer into out.
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var req *http.Request
	var err error
	if body != nil {
		req, err = c.jc.NewRequestWithContext(ctx, method, path, body)
	} else {
		req, err = c.jc.NewRequestWithContext(ctx, method, path, nil)
	}
	if err != nil {
		return fmt.Errorf("JIRA request %s: %w", path, err)
	}
	res, err := c.jc.Do(req, nil)
	if err != nil && res == nil {
		return fmt.Errorf("JIRA %s: %w", path, retry.Redact(err))
	}
	defer res.Body.Close()
	raw, rerr := io.ReadAll(res.Body)
	if rerr != nil {
		return fmt.Errorf("JIRA %s: read: %w", path, rerr)
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return apiError(res.StatusCode, raw)
	}
	if out == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("JIRA %s: malformed answer: %w", path, err)
	}
	return nil
}

func apiError(status int, raw []byte) error {
	var body struct {
		ErrorMessages []string          `json:"errorMessages"`
		Errors        map[string]string `json:"errors"`
		Message       string            `json:"message"`
	}
	json.Unmarshal(raw, &body)
	msgs := body.ErrorMessages
	for k, v := range body.Errors {
		msgs = append(msgs, k+": "+v)
	}
	if body.Message != "" {
		msgs = append(msgs, body.Message)
	}
	kind := fmt.Errorf("JIRA answered HTTP %d", status)
	switch status {
	case http.StatusUnauthorized:
		kind = ErrUnauthorized
		msgs = nil // the vendor's body adds nothing and may echo the user
	case http.StatusForbidden:
		kind = ErrForbidden
	case http.StatusNotFound:
		kind = ErrNotFound
	case http.StatusBadRequest:
		kind = ErrBadRequest
	}
	return &APIError{Status: status, Messages: msgs, Kind: kind}
}

// ServerInfo is GET /rest/api/2/serverInfo.
type ServerInfo struct {
	DeploymentType string `json:"deploymentType"`
	Version        string `json:"version"`
	VersionNumbers []int  `json:"versionNumbers"`
	BaseURL        string `json:"baseUrl"`
	ServerTitle    string `json:"serverTitle"`
}

// Cloud reports a JIRA Cloud site.
func (s ServerInfo) Cloud() bool { return strings.EqualFold(s.DeploymentType, "Cloud") }

// ServerInfo reads the deployment and remembers whether it is Cloud, which
// decides the search API used.
func (c *Client) ServerInfo(ctx context.Context) (ServerInfo, error) {
	var si ServerInfo
	if err := c.do(ctx, http.MethodGet, "rest/api/2/serverInfo", nil, &si); err != nil {
		return si, err
	}
	c.cloud, c.detected = si.Cloud(), true
	return si, nil
}

func (c *Client) detect(ctx context.Context) error {
	if c.detected {
		return nil
	}
	_, err := c.ServerInfo(ctx)
	return err
}

func (c *Client) api() string {
	if c.cloud {
		return "rest/api/3/"
	}
	return "rest/api/2/"
}

// Myself is the API user, whose time zone JIRA uses for JQL dates and
// time stamps.
type Myself struct {
	AccountID   string `json:"accountId"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	TimeZone    string `json:"timeZone"`
}

// Location is the user's time zone, UTC when unknown.
func (m Myself) Location() *time.Location {
	if loc, err := time.LoadLocation(m.TimeZone); err == nil && m.TimeZone != "" {
		return loc
	}
	return time.UTC
}

// Myself reads the API user.
func (c *Client) Myself(ctx context.Context) (Myself, error) {
	var m Myself
	if err := c.detect(ctx); err != nil {
		return m, err
	}
	err := c.do(ctx, http.MethodGet, c.api()+"myself", nil, &m)
	return m, err
}
