package flow

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// Comparing two periods ("before and after our experiment"). Numbers of
// two short periods always differ; the question is whether the difference
// is larger than the week-to-week noise. A permutation test answers it
// without assuming a distribution: pool both periods' observations, split
// them again at random into groups of the same sizes many times, and count
// how often a split differs at least as much as the real one. That share
// is the p-value; a difference counts as likely real at the 90 % level
// (p <= 0.10), otherwise the data cannot tell yet.

// Likely is the p-value at or below which a difference counts as likely real.
const Likely = 0.10

// MinSample is the fewest observations per period a test is run on.
const MinSample = 4

// Verdict is the plain-language reading of one comparison.
type Verdict string

// Verdicts.
const (
	VerdictLikely     Verdict = "likely real"       // p <= 0.10
	VerdictCannotTell Verdict = "cannot tell yet"   // p > 0.10
	VerdictTooFew     Verdict = "not enough data"   // fewer than MinSample on a side
	VerdictNotTested  Verdict = "shown, not tested" // a summary with no test (likelihood lines)
)

// Statistic summarises a sample (mean or median).
type Statistic func(sorted []float64) float64

// Mean is the arithmetic mean of a sample.
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// Median is the type-7 50th percentile of a sorted sample.
func Median(sorted []float64) float64 {
	v, ok := Percentile(sorted, 50)
	if !ok {
		return math.NaN()
	}
	return v
}

// PermutationP is the two-sided permutation p-value of stat(b) - stat(a):
// the share of splits of the pooled sample into groups of len(a) and
// len(b) whose difference is at least as far from zero as the observed
// one. When there are at most `trials` distinct splits they are all
// enumerated (an exact p-value); otherwise `trials` random splits drawn
// with rng estimate it as (k+1)/(trials+1), which never gives p = 0.
func PermutationP(a, b []float64, stat Statistic, trials int, rng *rand.Rand) float64 {
	na, nb := len(a), len(b)
	if na == 0 || nb == 0 {
		return math.NaN()
	}
	pool := append(slices.Clone(a), b...)
	observed := math.Abs(statOf(b, stat) - statOf(a, stat))
	// A tolerance keeps splits equal to the observed difference, but for
	// rounding in the last bits, counted as "at least as extreme".
	tol := 1e-9 * math.Max(1, observed)
	ga, gb := make([]float64, 0, na), make([]float64, 0, nb)
	extreme := func(pick []bool) bool {
		ga, gb = ga[:0], gb[:0]
		for i, x := range pool {
			if pick[i] {
				ga = append(ga, x)
			} else {
				gb = append(gb, x)
			}
		}
		return math.Abs(statOf(gb, stat)-statOf(ga, stat)) >= observed-tol
	}
	n := na + nb
	if splits := binomial(n, na); splits <= float64(trials) {
		pick := make([]bool, n)
		hits, total := 0, 0
		var rec func(i, left int)
		rec = func(i, left int) {
			if left == 0 {
				total++
				if extreme(pick) {
					hits++
				}
				return
			}
			for j := i; j <= n-left; j++ {
				pick[j] = true
				rec(j+1, left-1)
				pick[j] = false
			}
		}
		rec(0, na)
		return float64(hits) / float64(total)
	}
	pick := make([]bool, n)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	hits := 0
	for t := 0; t < trials; t++ {
		rng.Shuffle(n, func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		clear(pick)
		for _, k := range idx[:na] {
			pick[k] = true
		}
		if extreme(pick) {
			hits++
		}
	}
	return float64(hits+1) / float64(trials+1)
}

// statOf sorts a copy when the statistic needs order (median).
func statOf(xs []float64, stat Statistic) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return stat(s)
}

func binomial(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
		if r > 1e12 {
			return r
		}
	}
	return r
}

// Period is an inclusive range of local dates, widened to whole weeks.
type Period struct{ From, To Date }

// CompareQuery selects a comparison.
type CompareQuery struct {
	A, B      Period
	WorkTypes []string
	Trials    int // permutations per test; 0 = 10,000
}

// Metric is one compared number.
type Metric struct {
	ID      string // stable identifier (throughput, lead_time_median, ...)
	Name    string
	Unit    string
	A, B    Opt[float64]
	NA, NB  int          // observations behind A and B
	Change  Opt[float64] // B - A
	P       Opt[float64] // permutation p-value, when tested
	Verdict Verdict
}

// PeriodSummary describes one period.
type PeriodSummary struct {
	From, To   Date  // widened to whole weeks (Monday, Sunday)
	Weeks      []int // delivered per complete week
	Likelihood []CountLevel
	LeadTime   []Level
	ByState    Opt[StateTimes]
	Items      int // delivered items (lead-time statistics use the non-noise ones)
}

// Comparison is the compare view.
type Comparison struct {
	A, B    PeriodSummary
	States  []string
	Metrics []Metric
}

// Compare sets two periods side by side. Only complete weeks count (a
// period reaching into the current week stops before it). Throughput is
// tested on weekly counts (difference of means); lead time on items
// (difference of means; the percentile lines are shown beside it); flow
// efficiency, blocked share and time per state on items (difference of
// means); PR lead time on merged PRs (difference of means). prs may be nil.
func (b *Board) Compare(facts []IssueFacts, prs []PullRequest, q CompareQuery, now time.Time, rng *rand.Rand) (Comparison, error) {
	tf, err := b.filter(q.WorkTypes)
	if err != nil {
		return Comparison{}, err
	}
	trials := q.Trials
	if trials <= 0 {
		trials = DefaultTrials
	}
	cur := weekOf(b.localDay(now))
	type side struct {
		w0, w1     int64
		counts     []int
		leads, eff []float64
		blocked    []float64
		states     []StateTimes
		prLeads    []float64
		summary    PeriodSummary
	}
	mk := func(p Period) (*side, error) {
		if p.From.IsZero() || p.To.IsZero() || p.To.Before(p.From) {
			return nil, ErrRange
		}
		w0, w1 := weekOf(p.From.day()), min(weekOf(p.To.day()), cur-1)
		s := &side{w0: w0, w1: w1}
		if w1 >= w0 {
			s.counts = make([]int, w1-w0+1)
		}
		s.summary.From, s.summary.To = dateOfDay(mondayOf(w0)), dateOfDay(mondayOf(w1)+6)
		return s, nil
	}
	sa, err := mk(q.A)
	if err != nil {
		return Comparison{}, err
	}
	sb, err := mk(q.B)
	if err != nil {
		return Comparison{}, err
	}
	for i := range facts {
		f := &facts[i]
		if !f.InScope || !f.Delivered || !f.Done.OK || !tf.keep(f.Type) {
			continue
		}
		w := weekOf(b.localDay(f.Done.V))
		for _, s := range []*side{sa, sb} {
			if w < s.w0 || w > s.w1 {
				continue
			}
			s.counts[w-s.w0]++
			s.summary.Items++
			if !f.countsForLeadTime() {
				continue
			}
			s.leads = append(s.leads, f.LeadTime.V)
			if v, ok := f.FlowEfficiency.Get(); ok {
				s.eff = append(s.eff, v)
			}
			if v, ok := f.BlockedShare.Get(); ok {
				s.blocked = append(s.blocked, v)
			}
			if ts, ok := f.TimeInState.Get(); ok {
				s.states = append(s.states, ts)
			}
		}
	}
	for i := range prs {
		pr := &prs[i]
		if !b.KeepPR(pr) || !pr.Merged() || prNoise(pr) {
			continue
		}
		w := weekOf(b.localDay(pr.MergedAt))
		for _, s := range []*side{sa, sb} {
			if w >= s.w0 && w <= s.w1 {
				s.prLeads = append(s.prLeads, b.Days(pr.CreatedAt, pr.MergedAt))
			}
		}
	}
	out := Comparison{States: b.InProgressStates()}
	for _, s := range []*side{sa, sb} {
		s.summary.Weeks = s.counts
		s.summary.Likelihood = CountLevels(s.counts, defaultPercents)
		sorted := slices.Clone(s.leads)
		slices.Sort(sorted)
		s.summary.LeadTime = percentilesSorted(sorted, defaultPercents)
		s.summary.ByState = meanStates(s.states, b.end-b.start)
	}
	out.A, out.B = sa.summary, sb.summary
	weekly := func(c []int) []float64 {
		out := make([]float64, len(c))
		for i, v := range c {
			out[i] = float64(v)
		}
		return out
	}
	test := func(id, name, unit string, a, c []float64, stat Statistic) {
		m := Metric{ID: id, Name: name, Unit: unit, NA: len(a), NB: len(c)}
		if len(a) > 0 {
			m.A = Some(statOf(a, stat))
		}
		if len(c) > 0 {
			m.B = Some(statOf(c, stat))
		}
		if m.A.OK && m.B.OK {
			m.Change = Some(m.B.V - m.A.V)
		}
		switch {
		case len(a) < MinSample || len(c) < MinSample:
			m.Verdict = VerdictTooFew
		default:
			p := PermutationP(a, c, stat, trials, rng)
			m.P = Some(p)
			m.Verdict = VerdictCannotTell
			if p <= Likely {
				m.Verdict = VerdictLikely
			}
		}
		out.Metrics = append(out.Metrics, m)
	}
	test("throughput", "Delivered per week (mean)", "items", weekly(sa.counts), weekly(sb.counts), Mean)
	// Lead times are tested on their mean: with the ties of short
	// histories (many items of exactly 1 or 2 days) the median moves in
	// jumps and a random split reaches the observed median difference far
	// too often, so the test would almost never see a real shift. The
	// percentile lines are shown beside it (PeriodSummary.LeadTime).
	test("lead_time", "Lead time (mean)", "days", sa.leads, sb.leads, Mean)
	test("flow_efficiency", "Flow efficiency (mean)", "share", sa.eff, sb.eff, Mean)
	test("blocked_share", "Blocked share of lead time (mean)", "share", sa.blocked, sb.blocked, Mean)
	if len(prs) > 0 {
		test("pr_lead_time", "PR lead time (mean)", "days", sa.prLeads, sb.prLeads, Mean)
	}
	for k, name := range out.States {
		var xa, xb []float64
		for _, ts := range sa.states {
			xa = append(xa, ts.InState[k])
		}
		for _, ts := range sb.states {
			xb = append(xb, ts.InState[k])
		}
		test("state_"+name, "Days in "+name+" (mean)", "days", xa, xb, Mean)
	}
	// Variation is one number per period: shown, not tested.
	va, okA := Variation(sa.counts)
	vb, okB := Variation(sb.counts)
	m := Metric{ID: "variation", Name: "Variation of weekly throughput", Unit: "ratio", NA: len(sa.counts), NB: len(sb.counts), Verdict: VerdictNotTested}
	if okA {
		m.A = Some(va)
	}
	if okB {
		m.B = Some(vb)
	}
	if okA && okB {
		m.Change = Some(vb - va)
	}
	out.Metrics = append(out.Metrics, m)
	return out, nil
}

func meanStates(all []StateTimes, n int) Opt[StateTimes] {
	if len(all) == 0 || n <= 0 {
		return Opt[StateTimes]{}
	}
	mean := StateTimes{InState: make([]float64, n)}
	for _, ts := range all {
		for k := 0; k < n && k < len(ts.InState); k++ {
			mean.InState[k] += ts.InState[k]
		}
		mean.Outside += ts.Outside
	}
	for k := range mean.InState {
		mean.InState[k] /= float64(len(all))
	}
	mean.Outside /= float64(len(all))
	return Some(mean)
}
