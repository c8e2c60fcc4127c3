package sim

import (
	_ "embed"
	"strconv"
	"strings"
)

// hostileText is the corpus of Options.Hostile: strings that try to run
// script in a page, an SVG or a spreadsheet (see the file's header).
//
//go:embed hostile.txt
var hostileText string

// HostileMarkerBase is the marker of payload 0: payload k calls alert(N)
// or sets window.__xss = N (and so on) with N = HostileMarkerBase + k, so a
// test that sees a dialog or a marker knows which payload ran.
const HostileMarkerBase = 1000

// Payloads returns the hostile corpus with each payload's marker filled in,
// in the file's order.
func Payloads() []string {
	var out []string
	for line := range strings.Lines(hostileText) {
		line = strings.TrimSuffix(line, "\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		mark := strconv.Itoa(HostileMarkerBase + len(out))
		switch {
		case strings.HasPrefix(line, "q:"):
			s, err := strconv.Unquote(strings.TrimPrefix(line, "q:"))
			if err != nil {
				panic("sim: hostile.txt: " + line + ": " + err.Error())
			}
			line = s
		case strings.HasPrefix(line, "long:"):
			line = strings.Repeat(strings.TrimPrefix(line, "long:"), 24)
		}
		out = append(out, strings.ReplaceAll(line, "XSS", mark))
	}
	return out
}

// hostile picks payload k (any k) of a corpus; "" without one.
func hostile(p []string, k int) string {
	if len(p) == 0 {
		return ""
	}
	return p[k%len(p)]
}

// withHostile adds payload k to a name (unchanged without a corpus). The
// payload comes last, so the name still starts as usual (PR titles
// lower-case a summary's first byte), except a spreadsheet formula, which
// only works at the start of a cell and so leads.
func withHostile(name string, p []string, k int) string {
	if len(p) == 0 {
		return name
	}
	h := hostile(p, k)
	if strings.ContainsRune("=+-@\t\r", rune(h[0])) {
		return h + " " + name
	}
	return name + " " + h
}

// Offsets that give each kind of name its own run of payloads.
const (
	hoStatus = 7
	hoType   = 41
	hoTeam   = 53
	hoColumn = 61
	hoUser   = 83
	hoTag    = 97
	hoRepo   = 113
)
