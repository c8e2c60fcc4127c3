package config

import (
	"fmt"
	"strings"
)

// Markdown renders the settings as docs/configuration.md, so the document
// cannot drift from the code (a test compares them).
func Markdown() string {
	var b strings.Builder
	b.WriteString("# Configuration\n\n")
	b.WriteString("Vger reads environment variables only. A secret may instead be read from a file named by\n")
	b.WriteString("`NAME_FILE` (e.g. `GITHUB_TOKEN_FILE=/run/secrets/github`). `vger help config` prints the same\n")
	b.WriteString("table with the values in effect, secrets masked. An invalid value stops Vger at start with one\n")
	b.WriteString("line naming the variable and the accepted form (exit code 2).\n\n")
	b.WriteString("This file is generated from `internal/config`; `go test ./internal/config -update` rewrites it.\n\n")
	b.WriteString("| variable | default | secret | accepted | description |\n|---|---|---|---|---|\n")
	for _, s := range settings {
		secret := ""
		if s.Secret {
			secret = "yes"
		}
		def := s.Default
		if def != "" {
			def = "`" + def + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", s.Name, def, secret, s.Form, strings.ReplaceAll(s.Help, "|", "\\|"))
	}
	return b.String()
}
