package flow

import (
	"regexp"
	"slices"
	"time"
)

// PullRequest is one GitHub pull request of a board's repos.
type PullRequest struct {
	Repo                 string // owner/name
	Number               int
	Author               string
	Base                 string // base branch
	CreatedAt            time.Time
	ClosedAt             time.Time // zero = still open
	MergedAt             time.Time // zero = not merged
	Additions, Deletions int
}

// Merged reports whether the PR was merged (a PR closed without merge is not completed).
func (pr *PullRequest) Merged() bool { return !pr.MergedAt.IsZero() }

// closedAt is when the PR stopped being open: a merge closes it even if closed_at is missing.
func (pr *PullRequest) closedAt() (time.Time, bool) {
	if !pr.ClosedAt.IsZero() {
		return pr.ClosedAt, true
	}
	return pr.MergedAt, pr.Merged()
}

// KeepPR applies the board's PR filters: excluded authors and unselected base branches are left
// out of every PR view.
func (b *Board) KeepPR(pr *PullRequest) bool {
	if b.prExclude[pr.Author] {
		return false
	}
	return b.prBase == nil || b.prBase[pr.Base]
}

// PRLeadTime is merged_at - created_at in the board's day mode; no value unless merged.
func (b *Board) PRLeadTime(pr *PullRequest) Opt[float64] {
	if !pr.Merged() {
		return Opt[float64]{}
	}
	return Some(b.Days(pr.CreatedAt, pr.MergedAt))
}

// FirstPR is the creation time of the earliest pull request left after the board's filters:
// PR views count weeks and quarters from it, as JIRA views do from the board's first issue.
func (b *Board) FirstPR(prs []PullRequest) Opt[time.Time] {
	var first Opt[time.Time]
	for i := range prs {
		if pr := &prs[i]; b.KeepPR(pr) && (!first.OK || pr.CreatedAt.Before(first.V)) {
			first = Some(pr.CreatedAt)
		}
	}
	return first
}

// firstPRWeek is the week of FirstPR; noWeek without pull requests.
func (b *Board) firstPRWeek(prs []PullRequest) int64 {
	if f := b.FirstPR(prs); f.OK {
		return weekOf(b.localDay(f.V))
	}
	return noWeek
}

// prNoise: the 0.01-day noise filter applies to PR lead times too.
func prNoise(pr *PullRequest) bool { return pr.MergedAt.Sub(pr.CreatedAt) < noiseLimit }

// PRQuery selects a PR quadrant view; the fields mean what they mean in WeeklyQuery.
type PRQuery struct {
	From, To Date
	Percents []int
	Window   int
}

// PRWeek is one week of the PR quadrant.
type PRWeek struct {
	Monday  Date
	Partial bool

	Merged int // PRs merged in the week (PR throughput)
	// Volume: lines added + deleted of the PRs closed in the week, each PR counted once, when
	// it closes (Vger spread a PR over every week it was open).
	VolumeMerged, VolumeRejected int

	WindowWeeks Opt[int]
	Likelihood  []CountLevel
	Variation   Opt[float64]
	LeadTime    []Level
	LeadItems   int
}

// PRSeries is the PR quadrant view.
type PRSeries struct {
	From, To    Date
	Window      int
	Percents    []int
	Weeks       []PRWeek
	Flat        []CountLevel
	FlatWeeks   int
	CurrentWeek Date
}

// PRWeekly computes PR throughput, likelihood, variation, rolling lead time and volume per week,
// after the board's author and base-branch filters. Pass the PRs of the repos to show (a
// board's repos, or one repo). Weeks before the first PR (after filters) do not count.
func (b *Board) PRWeekly(prs []PullRequest, q PRQuery, now time.Time) (PRSeries, error) {
	w0, w1, cur, err := b.weekRange(q.From, q.To, now)
	if err != nil {
		return PRSeries{}, err
	}
	window, err := b.windowOr(q.Window)
	if err != nil {
		return PRSeries{}, err
	}
	percents := q.Percents
	if percents == nil {
		percents = defaultPercents
	}
	out := PRSeries{Window: window, Percents: percents, From: dateOfDay(mondayOf(w0)),
		To: dateOfDay(mondayOf(w1) + 6), CurrentWeek: dateOfDay(mondayOf(cur))}
	r := newRolling(window, b.firstPRWeek(prs), w0-int64(window)+1, w1, 0, percents)
	rows := max(int(w1-w0+1), 0)
	volM, volR := make([]int, rows), make([]int, rows)
	for i := range prs {
		pr := &prs[i]
		if !b.KeepPR(pr) {
			continue
		}
		if pr.Merged() {
			w := weekOf(b.localDay(pr.MergedAt))
			r.complete(w)
			if !prNoise(pr) {
				r.lead(w, b.Days(pr.CreatedAt, pr.MergedAt), nil, Opt[float64]{})
			}
		}
		if c, ok := pr.closedAt(); ok {
			if k := weekOf(b.localDay(c)) - w0; k >= 0 && k < int64(rows) {
				if pr.Merged() {
					volM[k] += pr.Additions + pr.Deletions
				} else {
					volR[k] += pr.Additions + pr.Deletions
				}
			}
		}
	}
	out.Weeks = make([]PRWeek, 0, rows)
	for k := 0; k < rows; k++ {
		w := w0 + int64(k)
		row := PRWeek{Monday: dateOfDay(mondayOf(w)), Partial: w == cur, Merged: r.count(w),
			VolumeMerged: volM[k], VolumeRejected: volR[k]}
		if !row.Partial {
			st := r.stats(w)
			row.WindowWeeks = Some(st.weeks)
			row.Likelihood, row.Variation = st.likelihood, st.variation
			row.LeadTime, row.LeadItems = st.leadTime, st.leadItems
		}
		out.Weeks = append(out.Weeks, row)
	}
	out.Flat, out.FlatWeeks = r.flat(w0, min(w1, cur-1))
	return out, nil
}

// Tag is a git tag of a board's repo, placed at the commit time of the commit it points to (the
// tagger date for annotated tags): the sync layer picks At.
type Tag struct {
	Repo, Name string
	At         time.Time
}

// TagMarkers returns the tags whose name matches pattern (nil = every tag) with At in
// [from, to), sorted by time: the vertical markers drawn on every time chart of the board.
func TagMarkers(tags []Tag, pattern *regexp.Regexp, from, to time.Time) []Tag {
	var out []Tag
	for _, t := range tags {
		if t.At.Before(from) || !t.At.Before(to) {
			continue
		}
		if pattern != nil && !pattern.MatchString(t.Name) {
			continue
		}
		out = append(out, t)
	}
	slices.SortStableFunc(out, func(a, b Tag) int { return a.At.Compare(b.At) })
	return out
}

// Tags returns the board's tag markers in [from, to): TagMarkers with the board's tag pattern.
func (b *Board) Tags(tags []Tag, from, to time.Time) []Tag {
	return TagMarkers(tags, b.tagRe, from, to)
}
