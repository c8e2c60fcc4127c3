package web

import (
	"net/url"
	"strings"
)

// localPath accepts only a path on this site as a return address: never
// another host, a scheme, or a protocol-relative //host (open redirects).
func localPath(p string) bool {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return false
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && !strings.ContainsAny(p, "\r\n\t")
}
