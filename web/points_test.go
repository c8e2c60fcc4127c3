package web

import (
	"encoding/json"
	"strings"
	"testing"
)

// The hover details' JSON decodes to the texts given, whatever they hold,
// and never carries markup characters or line separators raw.
func TestPointsJSONEscapes(t *testing.T) {
	t.Parallel()
	hostile := []string{`<img src=x onerror="alert(1)">`, `a "quoted" \ back\slash & more`, "tab\tnew\nline\x00nul\x1f",
		"line\u2028sep\u2029para", "bad \xff\xfe utf-8", "ünïcödé ✓ 🚀", "</script><script>alert(1)</script>", ""}
	var pd pointsJSON
	for i, h := range hostile {
		pd.add(h+string(rune('A'+i)), h, "Blocked: 1.0 working days")
	}
	out := pd.done()
	for _, c := range []string{"<", ">", "&", "\u2028", "\u2029", "\n\""} {
		if strings.Contains(string(out), c) {
			t.Errorf("raw %q in %s", c, out)
		}
	}
	var got map[string][]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	// What encoding/json makes of a string (each invalid byte a U+FFFD).
	viaJSON := func(s string) string {
		b, _ := json.Marshal(s)
		var out string
		json.Unmarshal(b, &out)
		return out
	}
	for i, h := range hostile {
		want := viaJSON(h)
		d := got[viaJSON(h+string(rune('A'+i)))]
		if len(d) != 2 || d[0] != want || d[1] != "Blocked: 1.0 working days" {
			t.Errorf("%q: got %q", h, d)
		}
	}
	var empty pointsJSON
	if s := string(empty.done()); s != "{}\n" {
		t.Errorf("no points: %q", s)
	}
}
