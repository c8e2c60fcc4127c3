package web

import (
	"net/url"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/store"
)

// PRQuarterlyParams is the whole state of the pull-request quarterly view:
// the PR views' filters (repo, base, exclude) and settings (days, window,
// tags, format) with the quarterly views' own parameters.
type PRQuarterlyParams struct {
	PRParams
	QuarterParams
}

// prQuarterlyParamOrder is the canonical order of the view's parameters.
var prQuarterlyParamOrder = []string{"qfrom", "qto", "fiscal", "repo", "base", "exclude", "days", "window", "tags", "notes", "pct", "seed", "zx0", "zx1", "zy0", "zy1", "format"}

// ParsePRQuarterlyParams reads and validates the PR quarterly view's query
// string. Every problem is a 400 naming the parameter and what it allows.
func ParsePRQuarterlyParams(q url.Values, b store.Board, repos []store.Repo) (PRQuarterlyParams, error) {
	p := PRQuarterlyParams{QuarterParams: QuarterParams{Seed: DefaultSeed}}
	if err := rejectNotQuarterly(q, prQuarterlyParamOrder, "the pull-request quarterly view"); err != nil {
		return p, err
	}
	pp, err := parsePRParams(q, b, repos, prQuarterlyParamOrder)
	if err != nil {
		return p, err
	}
	p.PRParams = pp
	p.QuarterParams, err = parseQuarterParams(q)
	return p, err
}

// Canonical is the view's query with defaults (the board's settings, every
// base branch seen) left out.
func (p PRQuarterlyParams) Canonical(b store.Board, repos []store.Repo, seenBases []string) url.Values {
	q := p.PRParams.Canonical(b, repos, seenBases)
	p.QuarterParams.setCanonical(q, b)
	return q
}

// Permalink freezes the view: the quarters shown, the repositories, base
// branches and authors left out, and every setting written out.
func (p PRQuarterlyParams) Permalink(b store.Board, repos []store.Repo, firstQ, lastQ flow.Date) url.Values {
	q := p.PRParams.Permalink(b, repos, firstQ, lastQ)
	q.Del("from")
	q.Del("to")
	p.QuarterParams.setPermalink(q, b, firstQ, lastQ)
	return q
}
