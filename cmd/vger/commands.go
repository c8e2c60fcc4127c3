package main

import (
	"context"
	"errors"
	"flag"
	"os"
	"strings"

	"github.com/vger-dev/vger/internal/app"
	vsync "github.com/vger-dev/vger/internal/sync"
)

func isFlagError(err error) bool {
	return strings.Contains(err.Error(), "flag") || errors.Is(err, flag.ErrHelp)
}

func runWorker(ctx context.Context, args []string) error {
	if err := parseFlags(newFlagSet("worker"), args); err != nil {
		return err
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	return app.Worker(ctx, cfg, app.NewLogger(cfg, os.Stderr))
}

func runSync(ctx context.Context, args []string) error {
	fs := newFlagSet("sync")
	board := fs.Int64("board", 0, "sync this board (its Vger id, see `vger status`)")
	repo := fs.String("repo", "", "sync this repository (OWNER/NAME)")
	all := fs.Bool("all", false, "sync every board and repository")
	full := fs.Bool("full", false, "re-read everything instead of changes since the last sync")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	given := 0
	for _, set := range []bool{*board != 0, *repo != "", *all} {
		if set {
			given++
		}
	}
	if given != 1 {
		return usageError{"give exactly one of --board ID, --repo OWNER/NAME or --all"}
	}
	if *repo != "" && !validRepo(*repo) {
		return usageError{"--repo wants OWNER/NAME, e.g. acme/payments-api"}
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	return app.Sync(ctx, cfg, app.NewLogger(cfg, os.Stderr), stdout, app.SyncOptions{BoardID: *board, Repo: *repo, All: *all, Full: *full})
}

func runBoard(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return usageError{"usage: vger board add --jira-board ID [--team NAME] [--name NAME] [--jql EXTRA]"}
	}
	fs := newFlagSet("board add")
	id := fs.Int64("jira-board", 0, "the JIRA board's id (in its URL: ...?rapidView=ID or /boards/ID)")
	team := fs.String("team", "", "team name (created when new)")
	name := fs.String("name", "", "board name in Vger (default: the JIRA board's)")
	jql := fs.String("jql", "", "extra JQL that narrows the board's filter")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *id <= 0 {
		return usageError{"--jira-board ID is required (a positive number)"}
	}
	if strings.TrimSpace(*team) == "" {
		return usageError{"--team NAME is required"}
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	return app.BoardAdd(ctx, cfg, app.NewLogger(cfg, os.Stderr), stdout, vsync.NewBoard{JiraBoardID: *id, TeamName: *team, Name: *name, ExtraJQL: *jql})
}

func runStatus(ctx context.Context, args []string) error {
	fs := newFlagSet("status")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	return app.Status(ctx, cfg, app.NewLogger(cfg, os.Stderr), stdout, *asJSON)
}

func runDemo(ctx context.Context, args []string) error {
	fs := newFlagSet("demo")
	seed := fs.Int64("seed", 0, "simulator seed (default 1, fixed per data directory)")
	issues := fs.Int("issues", 0, "simulated JIRA issues (default 5000)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	return app.Demo(ctx, cfg, app.NewLogger(cfg, os.Stderr), versionString(), app.DemoOptions{Seed: *seed, Issues: *issues})
}

func validRepo(s string) bool {
	owner, name, ok := strings.Cut(s, "/")
	return ok && owner != "" && name != "" && !strings.ContainsAny(name, "/ ") && !strings.ContainsAny(owner, " ")
}

func runRepo(ctx context.Context, args []string) error {
	usage := usageError{"usage: vger repo add OWNER/NAME --board ID"}
	if len(args) < 2 || args[0] != "add" {
		return usage
	}
	full := args[1]
	if !validRepo(full) {
		return usageError{"repository must be OWNER/NAME, e.g. acme/payments-api"}
	}
	fs := newFlagSet("repo add")
	board := fs.Int64("board", 0, "the Vger board to link it to (see `vger status`)")
	if err := parseFlags(fs, args[2:]); err != nil {
		return err
	}
	if *board <= 0 {
		return usageError{"--board ID is required"}
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	owner, name, _ := strings.Cut(full, "/")
	return app.RepoAdd(ctx, cfg, app.NewLogger(cfg, os.Stderr), stdout, owner, name, *board)
}

// parseFileArgs parses flags given before or after the one FILE argument.
func parseFileArgs(fs *flag.FlagSet, args []string, usage string) (string, error) {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				fs.SetOutput(os.Stderr)
				fs.Usage()
				return "", usageError{"see the flags above"}
			}
			return "", usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 || files[0] == "" {
		return "", usageError{usage}
	}
	return files[0], nil
}

func runBackup(ctx context.Context, args []string) error {
	fs := newFlagSet("backup")
	force := fs.Bool("force", false, "replace FILE if it exists")
	file, err := parseFileArgs(fs, args, "usage: vger backup [--force] FILE")
	if err != nil {
		return err
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	return app.Backup(ctx, cfg, app.NewLogger(cfg, os.Stderr), stdout, app.BackupOptions{File: file, Force: *force})
}

func runRestore(ctx context.Context, args []string) error {
	fs := newFlagSet("restore")
	force := fs.Bool("force", false, "replace the contents of a database that is not empty")
	file, err := parseFileArgs(fs, args, "usage: vger restore [--force] FILE")
	if err != nil {
		return err
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	return app.Restore(ctx, cfg, app.NewLogger(cfg, os.Stderr), stdout, app.RestoreOptions{File: file, Force: *force})
}

func runHealthCheck(ctx context.Context, args []string) error {
	fs := newFlagSet("healthcheck")
	url := fs.String("url", "", "the /readyz URL to ask (default: from VGER_ADDR, on loopback)")
	db := fs.Bool("db", false, "check the database instead (for workers): reachable, schema current")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *db && *url != "" {
		return usageError{"give --url or --db, not both"}
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	return app.HealthCheck(ctx, cfg, app.NewLogger(cfg, os.Stderr), stdout, *url, *db)
}
