package flow

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// PRQuarterlyQuery selects the pull-request quarterly view; the fields mean what they mean in
// QuarterlyQuery.
type PRQuarterlyQuery struct {
	From, To Date
	Percents []int // lead-time lines per quarter; nil = 50/80/90
}

// PRQuarterlySeries is the pull-request quarterly view: in each Quarter, Throughput is the
// number of PRs merged and LeadTime the PR lead-time lines (noise left out).
type PRQuarterlySeries struct {
	QuarterlySeries
	// PRs lists, per quarter, the indexes (into the PRs given) of the PRs counted in it, by
	// repository then number.
	PRs [][]int
}

// PRQuarterly counts the merged pull requests per quarter of merged_at (local date), each once,
// after the board's author and base-branch filters; a PR closed without merge is not counted.
// The per-quarter lead-time lines are over merged_at - created_at in the day mode, leaving out
// noise (under 0.01 calendar day). Quarters run from the quarter of the first PR after filters
// (or From) to the current one (or To); flat lines use the complete ones from the first PR's.
func (b *Board) PRQuarterly(prs []PullRequest, q PRQuarterlyQuery, now time.Time) (PRQuarterlySeries, error) {
	merged := func(yield func(completion) bool) {
		for i := range prs {
			pr := &prs[i]
			if !pr.Merged() || !b.KeepPR(pr) {
				continue
			}
			c := completion{i: i, at: pr.MergedAt}
			if !prNoise(pr) {
				c.lead = Some(b.Days(pr.CreatedAt, pr.MergedAt))
			}
			if !yield(c) {
				return
			}
		}
	}
	series, idx, err := b.quarterly(b.FirstPR(prs), q.From, q.To, q.Percents, now, merged, true)
	if err != nil {
		return PRQuarterlySeries{}, err
	}
	for _, is := range idx {
		slices.SortFunc(is, func(a, c int) int {
			return cmp.Or(strings.Compare(prs[a].Repo, prs[c].Repo), cmp.Compare(prs[a].Number, prs[c].Number), cmp.Compare(a, c))
		})
	}
	return PRQuarterlySeries{QuarterlySeries: series, PRs: idx}, nil
}

// PRPoint is one merged pull request on the PR lead-time scatterplot (noise PRs are drawn too).
type PRPoint struct {
	PR       int    // index into the PRs given to PRScatter
	Repo     string // owner/name: link <GitHub>/<Repo>/pull/<Number>
	Number   int
	Merged   time.Time
	LeadTime float64 // merged_at - created_at in the day mode
	Noise    bool    // left out of the percentile lines
}

// PRScatter lists the merged pull requests left after the board's filters whose merge date is
// in [from, to] (local dates, inclusive; zero = open), oldest merge first.
func (b *Board) PRScatter(prs []PullRequest, from, to Date) []PRPoint {
	var keys []timeKey
	for i := range prs {
		pr := &prs[i]
		if pr.Merged() && b.KeepPR(pr) && b.inDates(pr.MergedAt, from, to) {
			keys = append(keys, timeKey{pr.MergedAt.UnixNano(), int32(i)})
		}
	}
	sortTimeKeys(keys)
	out := make([]PRPoint, len(keys))
	for k, ky := range keys {
		pr := &prs[ky.i]
		out[k] = PRPoint{PR: int(ky.i), Repo: pr.Repo, Number: pr.Number, Merged: pr.MergedAt,
			LeadTime: b.Days(pr.CreatedAt, pr.MergedAt), Noise: prNoise(pr)}
	}
	return out
}

// PRSamples are the weekly merge counts of the last W complete weeks before the current week,
// oldest first, zeros included, after the board's filters, leaving out the weeks before the
// first PR's: the next-quarter forecast's history. Nil (no forecast) with fewer than 4 weeks.
func (b *Board) PRSamples(prs []PullRequest, now time.Time) []int {
	return b.samples(b.firstPRWeek(prs), now, func(yield func(time.Time) bool) {
		for i := range prs {
			if pr := &prs[i]; pr.Merged() && b.KeepPR(pr) && !yield(pr.MergedAt) {
				return
			}
		}
	})
}
