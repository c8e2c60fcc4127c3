package github

import (
	"net/http"
	"testing"
	"time"
)

func TestDeriveGraphQLURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://api.github.com/":         "https://api.github.com/graphql",
		"https://ghe.example.com/api/v3/": "https://ghe.example.com/api/graphql",
		"https://ghe.example.com/api/v3":  "https://ghe.example.com/api/graphql",
		"http://127.0.0.1:8089/github/":   "http://127.0.0.1:8089/github/graphql",
	} {
		if got := DeriveGraphQLURL(in); got != want {
			t.Errorf("DeriveGraphQLURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClassifyRateLimits(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	cases := []struct {
		name    string
		status  int
		header  http.Header
		body    string
		limited bool
		wait    time.Duration
	}{
		{"primary 403", 403, h("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "1700000100"), `{"message":"API rate limit exceeded"}`, true, 101 * time.Second},
		{"secondary 403 retry-after", 403, h("Retry-After", "30"), `{"message":"You have exceeded a secondary rate limit"}`, true, 30 * time.Second},
		{"secondary 429", 429, h("Retry-After", "5"), ``, true, 5 * time.Second},
		{"secondary 403 without retry-after", 403, h(), `{"message":"You have exceeded a secondary rate limit"}`, true, time.Minute},
		{"permission 403", 403, h("X-RateLimit-Remaining", "4000"), `{"message":"Resource not accessible by integration"}`, false, 0},
		{"404", 404, h(), ``, false, 0},
	}
	for _, tc := range cases {
		limited, wait := Classify(&http.Response{StatusCode: tc.status, Header: tc.header}, []byte(tc.body), now)
		if limited != tc.limited || wait != tc.wait {
			t.Errorf("%s: got %v %v, want %v %v", tc.name, limited, wait, tc.limited, tc.wait)
		}
	}
}

func TestWebURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://api.github.com/":         "https://github.com",
		"https://ghe.example.com/api/v3/": "https://ghe.example.com",
		"":                                "",
	} {
		if got := WebURL(in); got != want {
			t.Errorf("WebURL(%q) = %q, want %q", in, got, want)
		}
	}
}
