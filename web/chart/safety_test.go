package chart

import (
	"strings"
	"testing"
)

func TestSafeHref(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://jira.example.com/browse/PROJ-1", "https://jira.example.com/browse/PROJ-1"},
		{"  http://jira/browse/A-1 ", "http://jira/browse/A-1"},
		{"/teams/a/boards/b?from=2025-01-01", "/teams/a/boards/b?from=2025-01-01"},
		{"HTTPS://Example.com/x", "HTTPS://Example.com/x"},
		{"javascript:alert(1)", ""},
		{"JavaScript:alert(1)", ""},
		{"java\tscript:alert(1)", ""},
		{"\x01javascript:alert(1)", ""},
		{"data:text/html,<script>alert(1)</script>", ""},
		{"vbscript:msgbox", ""},
		{"//evil.example/x", ""},
		{`/\evil.example`, ""},
		{"browse/PROJ-1", ""},
		{"https://", ""},
		{"https://a b/", ""},
		{"https://x/\ufffe", ""},
		{"https://x/\xff", ""},
		{"http://[::1", ""},
		{"https://x/" + strings.Repeat("a", 3000), ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := safeHref(tt.in); got != tt.want {
			t.Errorf("safeHref(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestHrefCheckerAgreesWithSafeHref(t *testing.T) {
	t.Parallel()
	var c hrefChecker
	for _, h := range []string{
		"https://jira.example.com/browse/A-1", "https://jira.example.com/browse/A-2", "https://jira.example.com/browse/A 3",
		"https://jira.example.com/browse/A\\4", "https://jira.example.com/browse/\x01", "https://jira.example.com/browse/é",
		"https://jira.example.com/browse/\ufffe", "https://jira.example.com/", "https://jira.example.com.evil/x",
		"javascript:alert(1)", "https://jira.example.com/browse/" + strings.Repeat("a", 2100), "/local/path", "https://x",
	} {
		if got, want := c.safe(h), safeHref(h); got != want {
			t.Errorf("checker(%q) = %q; safeHref %q", h, got, want)
		}
	}
}

func TestSanitizing(t *testing.T) {
	t.Parallel()
	ids := []struct{ in, want string }{
		{"Throughput", "throughput"},
		{"80% likely", "80-likely"},
		{`"><script>`, "script"},
		{"Équipe", "quipe"},
		{"", "def"},
		{"---", "def"},
		{"a__b  c", "a__b-c"},
		{strings.Repeat("x", 100), strings.Repeat("x", 48)},
	}
	for _, tt := range ids {
		if got := sanitizeID(tt.in, "def"); got != tt.want {
			t.Errorf("sanitizeID(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
	for in, want := range map[string]string{"2025": "c2025", "_x": "c_x", "": "chart", "Quadrant": "quadrant"} {
		if got := rootID(in); got != want {
			t.Errorf("rootID(%q) = %q; want %q", in, got, want)
		}
	}
	styles := []struct {
		s                  Style
		color, dash, class string
		width              float64
	}{
		{Style{Color: "#abc", Dash: "4 2", Class: "p80 x", Width: 3}, "#abc", "4 2", "p80 x", 3},
		{Style{Color: "red", Dash: "4;stroke:red", Class: `a"b<c`, Width: 99}, "#000", "", "abc", 2},
		{Style{Color: "#12345g", Dash: strings.Repeat("1 ", 30)}, "#000", "", "", 2},
		{Style{Color: "url(#x)"}, "#000", "", "", 2},
	}
	for _, tt := range styles {
		if c, d, cl, w := tt.s.color("#000"), tt.s.dash(), tt.s.class(), tt.s.width(2); c != tt.color || d != tt.dash || cl != tt.class || w != tt.width {
			t.Errorf("%+v: %q %q %q %v", tt.s, c, d, cl, w)
		}
	}
	// Every named percentile differs from the others in colour and dash.
	seen := map[string]int{}
	for _, p := range []int{50, 70, 80, 85, 90, 95} {
		s := Likelihood(p)
		if q, ok := seen[s.Color+s.Dash]; ok {
			t.Errorf("likelihood %d looks like %d", p, q)
		}
		seen[s.Color+s.Dash] = p
	}
	if Likelihood(42).Dash == "" {
		t.Error("unnamed likelihood not dashed")
	}
	if Categorical(-1) != Categorical(1) || Categorical(8) != Categorical(0) {
		t.Error("categorical palette does not cycle")
	}
}

func TestEscaping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in         string
		text, attr string
	}{
		{`<a href="x">&'`, `&lt;a href="x"&gt;&amp;'`, `&lt;a href=&#34;x&#34;&gt;&amp;'`},
		{"]]>", "]]&gt;", "]]&gt;"},
		{"a\x00b\x0bc\x7fd\u0085e", "abcde", "abcde"},
		{"tab\tnl\n", "tab\tnl\n", "tab&#9;nl&#10;"},
		{"\xffok", "\ufffdok", "\ufffdok"},
		{"\ufffe\uffff日本", "日本", "日本"},
	}
	for _, tt := range tests {
		if got := string(appendEscaped(nil, tt.in, inText)); got != tt.text {
			t.Errorf("text %q: %q; want %q", tt.in, got, tt.text)
		}
		if got := string(appendEscaped(nil, tt.in, inDouble)); got != tt.attr {
			t.Errorf("attr %q: %q; want %q", tt.in, got, tt.attr)
		}
	}
	if got := string(appendEscaped(nil, `'"`, inSingle)); got != `&#39;"` {
		t.Errorf("single-quoted: %q", got)
	}
	if got := clean("a\x00b\xffc\ufffe"); got != "ab\ufffdc" {
		t.Errorf("clean: %q", got)
	}
	if got := string(appendJSONString(nil, "a\"b\\c\x01\xff")); got != `"a\"b\\c\u0001`+"\ufffd"+`"` {
		t.Errorf("json: %s", got)
	}
	if commonPrefix([]string{"PROJ-1", "PROJ-2"}) != "PROJ-" || commonPrefix([]string{"a"}) != "" || commonPrefix([]string{"日本", "日x"}) != "日" || commonPrefix([]string{"x", "y"}) != "" {
		t.Error("commonPrefix")
	}
	if truncate("a long label", tickSize, 30) != "a l…" && !strings.HasSuffix(truncate("a long label", tickSize, 30), "…") {
		t.Error("truncate")
	}
	if truncate("WWWW", 20, 5) != "" {
		t.Error("truncate to nothing")
	}
}
