// Package static holds the CSS, the small progressive script and icons,
// embedded in the binary and served under /static/.
package static

import "embed"

// FS holds every static file.
//
//go:embed css js favicon.svg
var FS embed.FS
