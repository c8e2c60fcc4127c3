package static

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// The version in a file's address is the start of its content's SHA-256:
// change the file and its address changes.
func TestURLVersionIsContentHash(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"css/vger.css", "js/chart.js", "favicon.svg"} {
		b, err := FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		want := "/static/" + name + "?v=" + hex.EncodeToString(sum[:6])
		if got := URL(name); got != want {
			t.Errorf("URL(%q) = %q, want %q", name, got, want)
		}
		if !Current(name, strings.TrimPrefix(want, "/static/"+name+"?v=")) || Current(name, "") || Current(name, "0") {
			t.Errorf("Current(%q) accepts the wrong versions", name)
		}
	}
	if got := URL("nope.css"); got != "/static/nope.css" || Current("nope.css", "x") {
		t.Errorf("a missing file: %q", got)
	}
}
