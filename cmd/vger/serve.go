package main

import (
	"context"
	"flag"
	"io"
	"os"

	"github.com/vger-dev/vger/internal/app"
	"github.com/vger-dev/vger/internal/config"
)

// loadConfig reads the environment; flags of a subcommand override it.
func loadConfig() (*config.Config, error) { return config.FromEnv() }

func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("vger "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fs.SetOutput(os.Stderr)
			fs.Usage()
			return usageError{"see the flags above"}
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{"unexpected argument " + fs.Arg(0)}
	}
	return nil
}

func runServe(ctx context.Context, args []string) error {
	fs := newFlagSet("serve")
	addr := fs.String("addr", "", "listen address (overrides VGER_ADDR)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *addr != "" {
		os.Setenv("VGER_ADDR", *addr)
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	log := app.NewLogger(cfg, os.Stderr)
	return app.Serve(ctx, cfg, log, versionString())
}

func runMigrate(ctx context.Context, args []string) error {
	if err := parseFlags(newFlagSet("migrate"), args); err != nil {
		return err
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	return app.Migrate(ctx, cfg, app.NewLogger(cfg, os.Stderr), stdout)
}
