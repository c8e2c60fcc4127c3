package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/vger-dev/vger/internal/config"
)

// Migrate applies pending migrations and says what it did.
func Migrate(ctx context.Context, cfg *config.Config, log *slog.Logger, out io.Writer) error {
	db, err := OpenDatabase(ctx, cfg, log, "vger-migrate")
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.Store.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(res.AppApplied) == 0 && len(res.RiverApplied) == 0 {
		fmt.Fprintln(out, "schema is up to date")
		return nil
	}
	for _, p := range res.AppApplied {
		fmt.Fprintln(out, "applied", p)
	}
	if len(res.RiverApplied) > 0 {
		fmt.Fprintf(out, "applied river job-queue migrations %v\n", res.RiverApplied)
	}
	return nil
}
