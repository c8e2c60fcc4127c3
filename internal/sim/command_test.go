package sim

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestCommandFlagErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--mode", "mars"}, "--mode"},
		{[]string{"--issues", "0"}, "--issues"},
		{[]string{"--faults", "500:2"}, "--faults"},
		{[]string{"--user-tz", "Mars/Olympus"}, "--user-tz"},
		{[]string{"--rate", "-1"}, "--rate"},
		{[]string{"--teams", "0"}, "--teams"},
		{[]string{"--github-rest-limit", "0"}, "--github-rest-limit"},
		{[]string{"--github-graphql-limit", "-5"}, "--github-graphql-limit"},
		{[]string{"--start", "yesterday"}, "--start"},
		{[]string{"--seed", "abc"}, "-seed"},
		{[]string{"--nope"}, "-nope"},
		{[]string{"--addr", "256.0.0.1:bad", "--issues", "10"}, "--addr"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		var stderr strings.Builder
		err := Command(context.Background(), tc.args, io.Discard, &stderr)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want it to name %q", tc.args, err, tc.want)
		}
	}
}

// TestCommandServes: the command prints its URLs and credentials, serves, and stops on cancel.
func TestCommandServes(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Command(ctx, []string{"--addr", "127.0.0.1:0", "--issues", "200", "--mode", "datacenter", "--seed", "3"}, pw, io.Discard)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var jiraURL, githubURL string
	var out []string
	for sc.Scan() {
		line := sc.Text()
		out = append(out, line)
		if f := strings.Fields(line); len(f) > 1 && f[0] == "JIRA:" {
			jiraURL = f[1]
		}
		if f := strings.Fields(line); len(f) > 1 && f[0] == "GitHub:" {
			githubURL = f[1]
		}
		if strings.HasPrefix(strings.TrimSpace(line), "admin:") {
			break
		}
	}
	text := strings.Join(out, "\n")
	for _, want := range []string{"demo@example.com", "sim-jira-token", "sim-jira-pat", "/github/", "sim-github-token", "POST http://", "/github/graphql",
		"acme/platform-api", "/_sim/advance"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	req, _ := http.NewRequest("GET", jiraURL+"rest/api/2/serverInfo", nil)
	req.Header.Set("Authorization", "Bearer sim-jira-pat")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET serverInfo at %q: %v %v", jiraURL, resp, err)
	}
	resp.Body.Close()
	req, _ = http.NewRequest("GET", githubURL+"user/repos", nil)
	req.Header.Set("Authorization", "token sim-github-token")
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET user/repos at %q: %v %v", githubURL, resp, err)
	}
	resp.Body.Close()
	go io.Copy(io.Discard, pr)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("command returned %v", err)
	}
}
