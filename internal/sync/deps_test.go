package sync_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The source clients and the sync must work against the real services:
// none of them may depend on the simulator (only their tests use it).
func TestSourcesDoNotImportSimulator(t *testing.T) {
	t.Parallel()
	for _, pkg := range []string{"internal/sync", "internal/jira", "internal/github", "internal/retry"} {
		out, err := exec.Command("go", "list", "-deps", "github.com/vger-dev/vger/"+pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 10 {
			t.Fatalf("go list %s printed too little to trust: %q", pkg, out)
		}
		for _, d := range deps {
			if d == "github.com/vger-dev/vger/internal/sim" || strings.HasPrefix(d, "github.com/vger-dev/vger/internal/sim/") {
				t.Errorf("%s depends on %s", pkg, d)
			}
		}
	}
}
