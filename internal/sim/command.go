package sim

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// Command runs `vger simulate`: it parses flags, serves the simulator until ctx is cancelled and
// prints the base URLs and credentials. Flag errors name the flag.
func Command(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o Options
	addr := fs.String("addr", "127.0.0.1:8089", "listen address (loopback)")
	fs.Int64Var(&o.Seed, "seed", 1, "random seed: the same flags give the same data")
	fs.IntVar(&o.Issues, "issues", 5000, "JIRA issues at the clock's start")
	fs.IntVar(&o.PRs, "prs", 1000, "GitHub pull requests")
	fs.IntVar(&o.Teams, "teams", 5, "teams (each with a project, a board and repos)")
	fs.StringVar(&o.Mode, "mode", ModeCloud, "JIRA deployment: cloud or datacenter")
	fs.StringVar(&o.Faults, "faults", "", "fault schedule, e.g. 429:0.05,500:0.02,slow:0.01:2s,truncate:0.005,dup:0.01")
	fs.Float64Var(&o.Rate, "rate", 0, "requests per second before answering 429 (0 = unlimited)")
	fs.StringVar(&o.UserTZ, "user-tz", "America/Los_Angeles", "the API user's time zone (JIRA timestamps and JQL dates)")
	fs.StringVar(&o.Email, "jira-email", "demo@example.com", "JIRA Basic auth user")
	fs.StringVar(&o.APIToken, "jira-token", "sim-jira-token", "JIRA API token (Basic auth password)")
	fs.StringVar(&o.PAT, "jira-pat", "sim-jira-pat", "JIRA Data Center personal access token")
	fs.StringVar(&o.GitHubToken, "github-token", "sim-github-token", "GitHub token (Authorization: Bearer or token)")
	fs.IntVar(&o.GitHubRESTLimit, "github-rest-limit", 5000, "GitHub REST requests per hour (primary rate limit)")
	fs.IntVar(&o.GitHubGraphQLLimit, "github-graphql-limit", 5000, "GitHub GraphQL points per hour (primary rate limit)")
	fs.BoolVar(&o.Hostile, "hostile", false, "put XSS and CSV-formula payloads into every name and summary (security tests)")
	start := fs.String("start", DefaultStart.Format(time.RFC3339), "simulated clock start (RFC 3339)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("simulate: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("simulate: unexpected argument %q", fs.Arg(0))
	}
	switch {
	case o.Mode != ModeCloud && o.Mode != ModeDataCenter:
		return fmt.Errorf("simulate: flag --mode: %q is not cloud or datacenter", o.Mode)
	case o.Issues <= 0:
		return fmt.Errorf("simulate: flag --issues: must be positive, got %d", o.Issues)
	case o.PRs < 0:
		return fmt.Errorf("simulate: flag --prs: must not be negative, got %d", o.PRs)
	case o.Teams <= 0 || o.Teams > 1000:
		return fmt.Errorf("simulate: flag --teams: must be between 1 and 1000, got %d", o.Teams)
	case o.Rate < 0:
		return fmt.Errorf("simulate: flag --rate: must not be negative, got %g", o.Rate)
	case o.GitHubRESTLimit <= 0:
		return fmt.Errorf("simulate: flag --github-rest-limit: must be positive, got %d", o.GitHubRESTLimit)
	case o.GitHubGraphQLLimit <= 0:
		return fmt.Errorf("simulate: flag --github-graphql-limit: must be positive, got %d", o.GitHubGraphQLLimit)
	}
	if _, err := ParseFaults(o.Faults); err != nil {
		return fmt.Errorf("simulate: flag --faults: %w", err)
	}
	if _, err := time.LoadLocation(o.UserTZ); err != nil {
		return fmt.Errorf("simulate: flag --user-tz: %w", err)
	}
	st, err := time.Parse(time.RFC3339, *start)
	if err != nil {
		return fmt.Errorf("simulate: flag --start: %w", err)
	}
	o.Now = func() time.Time { return st }
	began := time.Now()
	s, err := New(o)
	if err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("simulate: flag --addr: %w", err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	base := "http://" + ln.Addr().String()
	o = s.Options()
	auth := fmt.Sprintf("Basic %s / %s", o.Email, o.APIToken)
	if o.Mode == ModeDataCenter {
		auth += fmt.Sprintf(", or Bearer PAT %s", o.PAT)
	}
	var boards, repos []string
	for _, b := range s.Boards() {
		boards = append(boards, fmt.Sprintf("%d %s (%s)", b.ID, b.Name, b.Project))
		repos = append(repos, fmt.Sprintf("board %d: %s", b.ID, strings.Join(b.Repos, " ")))
	}
	fmt.Fprintf(stdout, "vger simulate: %d issues, %d pull requests, %d teams, seed %d, mode %s, clock %s (ready in %s)\n",
		o.Issues, o.PRs, o.Teams, o.Seed, o.Mode, s.Now().Format(time.RFC3339), time.Since(began).Round(time.Millisecond))
	fmt.Fprintf(stdout, "  JIRA:   %s/jira/  (%s; user time zone %s)\n", base, auth, o.UserTZ)
	fmt.Fprintf(stdout, "  boards: %s\n", strings.Join(boards, ", "))
	fmt.Fprintf(stdout, "  GitHub: %s/github/  (REST; token %s as Bearer or token; %d requests/h)\n", base, o.GitHubToken, o.GitHubRESTLimit)
	fmt.Fprintf(stdout, "  GraphQL: POST %s/github/graphql  (%d points/h)\n", base, o.GitHubGraphQLLimit)
	fmt.Fprintf(stdout, "  repos:  %s (orgs %s)\n", strings.Join(repos, "; "), strings.Join(s.Orgs(), ", "))
	fmt.Fprintf(stdout, "  admin:  POST %s/_sim/advance?hours=N, GET %s/_sim/time, GET %s/_sim/truth\n", base, base, base)
	if o.Faults != "" || o.Rate > 0 {
		fmt.Fprintf(stdout, "  faults: %q, rate limit %g req/s\n", o.Faults, o.Rate)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("simulate: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("simulate: shutdown: %w", err)
	}
	return nil
}
