// Command vger is Vger's one binary: web server, sync workers, simulator,
// demo and operator tools. main parses arguments and runs a subcommand;
// the work lives in internal/app and the packages it calls.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"text/tabwriter"

	"github.com/vger-dev/vger/internal/config"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = ""

// Exit codes: 1 for a failure while running, 2 for bad usage or configuration.
const (
	exitFailure = 1
	exitUsage   = 2
)

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string) error
}

// usageError is bad command-line usage (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// notBuilt is the honest answer of a subcommand whose release has not landed.
func notBuilt(name, what string) func(context.Context, []string) error {
	return func(context.Context, []string) error {
		return fmt.Errorf("vger %s is not built yet: %s arrives in a later release", name, what)
	}
}

func commands() []command {
	return []command{
		{"serve", "run the web server", runServe},
		{"worker", "run sync workers (periodic and on-demand syncs)", runWorker},
		{"sync", "run one sync in the foreground: --board ID | --all [--full]", runSync},
		{"migrate", "apply database schema migrations (idempotent)", runMigrate},
		{"simulate", "serve the simulated JIRA and GitHub APIs", runSimulate},
		{"demo", "private database + simulator + worker + server, with demo data", runDemo},
		{"backup", "back up the database to FILE (pg_dump custom format): backup [--force] FILE", runBackup},
		{"restore", "restore a backup into an empty database: restore [--force] FILE", runRestore},
		{"status", "show sync state per board and repository [--json]", runStatus},
		{"board", "register a JIRA board: board add --jira-board ID --team NAME", runBoard},
		{"repo", "link a GitHub repository to a board: repo add OWNER/NAME --board ID", runRepo},
		{"healthcheck", "exit 0 if the server's /readyz answers 200 [--url URL], or --db: the database is ready", runHealthCheck},
		{"version", "print the version", runVersion},
		{"help", "show help; `vger help config` lists every setting", runHelp},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

var stdout io.Writer = os.Stdout

func run(ctx context.Context, args []string, out, errOut io.Writer) int {
	stdout = out
	if len(args) == 0 {
		printUsage(errOut)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	if name == "-h" || name == "--help" {
		name = "help"
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		err := c.run(ctx, rest)
		if err == nil {
			return 0
		}
		fmt.Fprintln(errOut, "vger "+name+": "+err.Error())
		var ue usageError
		var ce *config.Error
		if errors.As(err, &ue) || errors.As(err, &ce) {
			return exitUsage
		}
		return exitFailure
	}
	fmt.Fprintf(errOut, "vger: unknown command %q\n\n", name)
	printUsage(errOut)
	return exitUsage
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Vger: lean delivery metrics from JIRA and GitHub.")
	fmt.Fprintln(w, "\nUsage: vger <command> [flags]\n\nCommands:")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nConfiguration is read from environment variables: see `vger help config`.")
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			if dirty {
				rev += "-dirty"
			}
			return "devel-" + rev
		}
	}
	return "devel"
}

func runVersion(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return usageError{"version takes no arguments"}
	}
	fmt.Fprintln(stdout, "vger", versionString())
	return nil
}

func runHelp(ctx context.Context, args []string) error {
	switch {
	case len(args) == 0:
		printUsage(stdout)
		return nil
	case len(args) == 1 && args[0] == "config":
		return helpConfig(stdout)
	}
	return usageError{fmt.Sprintf("no help topic %q (try `vger help config`)", args[0])}
}

// helpConfig prints every setting: its current value (secrets masked), its
// default, and what it does. An invalid environment still prints the table.
func helpConfig(w io.Writer) error {
	cfg, err := config.FromEnv()
	fmt.Fprintln(w, "Vger reads these environment variables (secrets also from NAME_FILE):")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIABLE\tVALUE\tDEFAULT\tDESCRIPTION")
	if cfg != nil {
		for _, r := range cfg.Rows() {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Name, dash(r.Value), dash(r.Default), r.Help)
		}
	} else {
		for _, s := range config.Settings() {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, "?", dash(s.Default), s.Help)
		}
	}
	tw.Flush()
	return err
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
