package web

import (
	"net/http"
	"slices"
	"strings"
)

// rejectUnknownParams answers a 400 naming the first (alphabetically)
// query parameter the page does not take: an unknown parameter must never
// silently give a different view.
func rejectUnknownParams(r *http.Request, allowed ...string) error {
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(allowed, k) {
			what := "none"
			if len(allowed) > 0 {
				what = strings.Join(allowed, ", ")
			}
			return InvalidParam(k, "this page does not take it", what)
		}
	}
	return nil
}
