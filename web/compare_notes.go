package web

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/store"
)

// fromAnnotation fills the compare view's periods from ann=<id>: before is
// the 8 weeks before the annotation's date, after the 8 weeks from it (or
// the annotation's period). Dates given in the URL as well win. The page
// redirects to the dates written out, so the URL stays reproducible when
// the annotation is edited or deleted.
func (s *Server) fromAnnotation(ctx context.Context, b store.Board, q url.Values) (url.Values, error) {
	vs := q["ann"]
	if len(vs) == 0 {
		return q, nil
	}
	if len(vs) > 1 {
		return q, InvalidParam("ann", "it is given more than once", "one annotation id")
	}
	id, err := strconv.ParseInt(strings.TrimSpace(vs[0]), 10, 64)
	if err != nil || id <= 0 {
		return q, InvalidParam("ann", fmt.Sprintf("%q is not an annotation id", vs[0]), "the id of one of this board's annotations (see the team page)")
	}
	n, err := s.Store.Annotation(ctx, b.ID, id)
	if isNotFound(err) {
		return q, InvalidParam("ann", fmt.Sprintf("this board has no annotation %d", id), "the id of one of this board's annotations (see the team page)")
	}
	if err != nil {
		return q, err
	}
	out := url.Values{}
	for k, v := range q {
		if k != "ann" {
			out[k] = v
		}
	}
	a0, a1, b0, b1 := annotationPeriods(n)
	for k, d := range map[string]time.Time{"a0": a0, "a1": a1, "b0": b0, "b1": b1} {
		if strings.TrimSpace(out.Get(k)) == "" {
			out.Set(k, d.Format(time.DateOnly))
		}
	}
	return out, nil
}

// annotationPeriods are the before and after periods around an
// annotation (inclusive dates).
func annotationPeriods(n store.Annotation) (a0, a1, b0, b1 time.Time) {
	days := 7 * compareDefaultWeeks
	a0, a1 = n.StartsOn.AddDate(0, 0, -days), n.StartsOn.AddDate(0, 0, -1)
	b0, b1 = n.StartsOn, n.StartsOn.AddDate(0, 0, days-1)
	if n.IsPeriod() {
		b1 = n.EndsOn
	}
	return a0, a1, b0, b1
}
