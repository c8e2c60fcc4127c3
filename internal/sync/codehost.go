package sync

import "context"

// CodeHost is a code host (GitHub): pull requests and tags of repos. The
// GitHub sync arrives with the GitHub half of the simulator.
type CodeHost interface {
	RepoExists(ctx context.Context, owner, name string) (bool, error)
}
