package main

import "context"

func runSimulate(ctx context.Context, args []string) error {
	return notBuilt("simulate", "the JIRA and GitHub simulator")(ctx, args)
}
