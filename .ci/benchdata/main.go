// Command benchdata builds (or reuses) the benchmark database of issue 13:
// `make bench-data`. See internal/benchdata and docs/performance.md.
//
//	go run ./.ci/benchdata [-dir .bench] [-issues 1000000] [-prs 200000] [-teams 100] [-portfolios 110000,175000]
//
// BENCH_DATABASE_URL uses an existing (empty) database instead of the
// private cluster under -dir.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/benchdata"
)

func main() {
	dir := flag.String("dir", ".bench", "data directory of the private benchmark cluster")
	var o benchdata.Options
	flag.Int64Var(&o.Seed, "seed", 1, "simulator seed")
	flag.IntVar(&o.Issues, "issues", 1_000_000, "JIRA issues")
	flag.IntVar(&o.PRs, "prs", 200_000, "GitHub pull requests")
	flag.IntVar(&o.Teams, "teams", 100, "teams (one board each)")
	portfolios := flag.String("portfolios", "110000,175000", "sizes of the portfolio boards over several teams (issues; empty: none)")
	flag.IntVar(&o.Parallel, "parallel", 2, "facts rebuilds at once")
	clean := flag.Bool("clean", false, "stop and remove the private benchmark cluster instead")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	for _, f := range strings.Split(*portfolios, ",") {
		if f = strings.TrimSpace(f); f != "" {
			n, err := strconv.Atoi(f)
			if err != nil || n <= 0 {
				fmt.Fprintln(os.Stderr, "bench-data: -portfolios wants sizes such as 110000,175000")
				os.Exit(2)
			}
			o.Portfolios = append(o.Portfolios, n)
		}
	}
	if *clean {
		if err := benchdata.Remove(ctx, *dir); err != nil {
			fmt.Fprintln(os.Stderr, "bench-data:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(ctx, *dir, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench-data:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dir string, o benchdata.Options) error {
	start := time.Now()
	db, err := benchdata.Open(ctx, dir)
	if err != nil {
		return err
	}
	defer db.Close()
	counts, err := db.Store.TableCounts(ctx)
	if err != nil {
		return err
	}
	if counts["boards"] > 0 {
		where := "in " + dir + " (`make bench-data-clean` to rebuild it)"
		if os.Getenv("BENCH_DATABASE_URL") != "" {
			where = "at BENCH_DATABASE_URL (drop and recreate it to rebuild)"
		}
		fmt.Printf("bench-data: reusing the database %s\n", where)
		o.Log = os.Stdout
		t := time.Now()
		n, err := benchdata.Refresh(ctx, db.Store, o)
		if err != nil {
			return err
		}
		if n > 0 {
			fmt.Printf("rebuilt the facts of %d boards whose weekly counts were missing or outdated in %s\n", n, time.Since(t).Round(time.Second))
		}
		printCounts(counts)
		return nil
	}
	o.Log = os.Stdout
	fmt.Printf("bench-data: %d issues, %d pull requests, %d teams, portfolio boards of ~%v issues, seed %d\n", o.Issues, o.PRs, o.Teams, o.Portfolios, o.Seed)
	rep, err := benchdata.Build(ctx, db.Store, o)
	if err != nil {
		return err
	}
	if counts, err = db.Store.TableCounts(ctx); err != nil {
		return err
	}
	printCounts(counts)
	fmt.Printf("generate %s (overlapping the load), load %s, facts %s (slowest board %s: %s), total %s\n",
		rep.Generate.Round(time.Second), rep.Load.Round(time.Second), rep.Facts.Round(time.Second),
		rep.BiggestRebuildBoard, rep.BiggestRebuild.Round(time.Millisecond), time.Since(start).Round(time.Second))
	fmt.Printf("portfolio boards %v: %v issues; data as of %s\n", rep.PortfolioSlugs, rep.PortfolioIssues, rep.SimNow.Format(time.RFC3339))
	if os.Getenv("BENCH_DATABASE_URL") == "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		return os.WriteFile(filepath.Join(dir, "bench-data.json"), append(b, '\n'), 0o644)
	}
	return nil
}

func printCounts(c map[string]int64) {
	fmt.Printf("rows: %d issues, %d status changes, %d flag changes, %d board memberships, %d boards, %d repos, %d pull requests, %d tags, %d facts\n",
		c["jira_issues"], c["jira_status_changes"], c["jira_flag_changes"], c["board_issues"], c["boards"], c["repos"],
		c["pull_requests"], c["tags"], c["board_issue_facts"])
}
