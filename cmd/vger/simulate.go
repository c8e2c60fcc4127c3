package main

import (
	"context"
	"os"

	"github.com/vger-dev/vger/internal/sim"
)

func runSimulate(ctx context.Context, args []string) error {
	err := sim.Command(ctx, args, stdout, os.Stderr)
	if err != nil && isFlagError(err) {
		return usageError{err.Error()}
	}
	return err
}
