package sim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"
)

const testGHToken = "sim-github-token"

func ghAuth(r *http.Request) { r.Header.Set("Authorization", "Bearer "+testGHToken) }

// ghServer starts the simulator on loopback and returns a go-github client pointed at it, used
// exactly as against api.github.com apart from the base URL.
func ghServer(t testing.TB, opts Options) (*Sim, *httptest.Server, *github.Client) {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return s, srv, ghClient(t, srv)
}

func ghClient(t testing.TB, srv *httptest.Server) *github.Client {
	client := github.NewClient(nil).WithAuthToken(testGHToken)
	u, err := url.Parse(srv.URL + "/github/")
	if err != nil {
		t.Fatal(err)
	}
	client.BaseURL = u
	return client
}

// ghGet fetches a GitHub path in-process (with the token) and returns status, headers and body.
func ghGet(t testing.TB, h http.Handler, path string) (int, http.Header, []byte) {
	t.Helper()
	w := call(t, h, "GET", "/github"+path, "", ghAuth)
	return w.Code, w.Header(), w.Body.Bytes()
}

// gqlPost runs a GraphQL document in-process and decodes the response.
func gqlPost(t testing.TB, h http.Handler, query string, vars map[string]any) (gqlResponse, http.Header) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	w := call(t, h, "POST", "/github/graphql", string(b), ghAuth)
	if w.Code != 200 {
		t.Fatalf("graphql: %d %s", w.Code, w.Body)
	}
	var out gqlResponse
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("graphql response: %v\n%s", err, w.Body)
	}
	out.raw = w.Body.Bytes()
	return out, w.Header()
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Type       string         `json:"type"`
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Locations  []gqlLoc       `json:"locations"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	raw []byte
}

func readAll(t testing.TB, r io.Reader) []byte {
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func hasSuffixAny(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}
