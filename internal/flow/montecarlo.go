package flow

import (
	"iter"
	"math/rand/v2"
	"slices"
	"time"
)

// DefaultTrials is the default number of Monte Carlo trials.
const DefaultTrials = 10_000

// maxSimWeeks: a "when" trial that has not reached N in this many weeks never finishes.
const maxSimWeeks = 1000

// NewRand returns the seeded source a forecast uses; the seed is in the URL so a bookmarked
// forecast is reproducible.
func NewRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

// Samples are the weekly throughputs of the last W complete weeks before the current week,
// oldest first, zeros included, leaving out weeks before the board's first issue. Nil (no
// forecast) with fewer than 4 such weeks.
func (b *Board) Samples(facts []IssueFacts, workTypes []string, now time.Time) ([]int, error) {
	return b.SamplesFrom(b.firstCreated(facts), facts, workTypes, now)
}

// SamplesSpan is when the items Samples counts were done: the last W complete weeks before the
// current week.
func (b *Board) SamplesSpan(now time.Time) (from, to time.Time) {
	cur := weekOf(b.localDay(now))
	loc := b.Location()
	return dateOfDay(mondayOf(cur - int64(b.window))).Start(loc), dateOfDay(mondayOf(cur)).Start(loc)
}

// SamplesFrom is Samples from the creation of the board's first in-scope issue (whatever the work
// types) and the facts of the items delivered within SamplesSpan (more may be given). Given every
// fact it equals Samples.
func (b *Board) SamplesFrom(first Opt[time.Time], facts []IssueFacts, workTypes []string, now time.Time) ([]int, error) {
	tf, err := b.filter(workTypes)
	if err != nil {
		return nil, err
	}
	fw := int64(noWeek)
	if first.OK {
		fw = weekOf(b.localDay(first.V))
	}
	return b.samples(fw, now, func(yield func(time.Time) bool) {
		for i := range facts {
			f := &facts[i]
			if f.InScope && f.Delivered && tf.keep(f.Type) && !yield(f.Done.V) {
				return
			}
		}
	}), nil
}

// samples counts completions per week over the last W complete weeks before the current week,
// leaving out the weeks before the week `first`; nil with fewer than 4 such weeks.
func (b *Board) samples(first int64, now time.Time, completed iter.Seq[time.Time]) []int {
	cur := weekOf(b.localDay(now))
	first = max(first, cur-int64(b.window))
	if first >= cur || cur-first < minWeeks {
		return nil
	}
	samples := make([]int, cur-first)
	for t := range completed {
		if k := weekOf(b.localDay(t)) - first; k >= 0 && k < int64(len(samples)) {
			samples[k]++
		}
	}
	return samples
}

func trialsOr(n int) int {
	if n <= 0 {
		return DefaultTrials
	}
	return n
}

// HowMany simulates `weeks` whole weeks per trial, sampling weeks with replacement, and answers
// at each likelihood with the count rule ("80% likely: at least 49"). Nil without samples.
func HowMany(samples []int, weeks, trials int, rng *rand.Rand, percents []int) []CountLevel {
	if len(samples) == 0 {
		return nil
	}
	return CountLevels(howManyTotals(samples, weeks, trials, rng), percents)
}

// howManyTotals is each trial's total over `weeks` whole weeks sampled with replacement.
func howManyTotals(samples []int, weeks, trials int, rng *rand.Rand) []int {
	totals := make([]int, trialsOr(trials))
	if weeks > 0 {
		n := len(samples)
		for t := range totals {
			sum := 0
			for w := 0; w < weeks; w++ {
				sum += samples[rng.IntN(n)]
			}
			totals[t] = sum
		}
	}
	return totals
}

// WeeksLevel is the "when" answer at one likelihood, in simulated weeks (week 1 = the current
// week); no value when the answer needs a trial that never finished.
type WeeksLevel struct {
	Percent int
	Weeks   Opt[int]
}

// WhenWeeks draws weeks until the sum reaches items, per trial, and answers at each likelihood
// with the type 7 percentile of the trials' week numbers, rounded up to a whole week. Nil
// without samples or for items < 1.
func WhenWeeks(samples []int, items, trials int, rng *rand.Rand, percents []int) []WeeksLevel {
	if len(samples) == 0 || items < 1 {
		return nil
	}
	weeks := whenTrials(samples, items, trials, rng)
	out := make([]WeeksLevel, len(percents))
	for i, p := range percents {
		out[i] = WeeksLevel{Percent: p, Weeks: ceilPercentile(weeks, p, neverWeek)}
	}
	return out
}

// neverWeek stands for a "when" trial that never reached N.
const neverWeek = maxSimWeeks + 1

// whenTrials is each trial's finishing week (neverWeek: never), sorted.
func whenTrials(samples []int, items, trials int, rng *rand.Rand) []int {
	never := neverWeek
	weeks := make([]int, trialsOr(trials))
	if slices.Max(samples) == 0 {
		for t := range weeks {
			weeks[t] = never // nothing is ever delivered: no need to draw 1,000 weeks per trial
		}
	} else {
		n := len(samples)
		for t := range weeks {
			sum, w := 0, 0
			for sum < items && w < maxSimWeeks {
				sum += samples[rng.IntN(n)]
				w++
			}
			if sum < items {
				w = never
			}
			weeks[t] = w
		}
	}
	slices.Sort(weeks)
	return weeks
}

// ceilPercentile is type 7 on sorted whole numbers, rounded up, in integers; no value when the
// ranks it interpolates between include `never`.
func ceilPercentile(sorted []int, p, never int) Opt[int] {
	p = min(max(p, 0), 100)
	num := (len(sorted) - 1) * p
	lo, rem := num/100, num%100
	a := sorted[lo]
	if a >= never {
		return Opt[int]{}
	}
	if rem == 0 {
		return Some(a)
	}
	c := sorted[lo+1]
	if c >= never {
		return Opt[int]{}
	}
	return Some(a + (rem*(c-a)+99)/100)
}

// HowManyForecast answers "how many by date D".
type HowManyForecast struct {
	By         Date
	Weeks      int          // whole simulated weeks whose Sunday is on or before By
	Likelihood []CountLevel // nil = cannot forecast (fewer than 4 weeks of samples)
	Outcomes   []int        // every trial's total, sorted (for a histogram); nil without samples
}

// HowManyBy forecasts how many items will be done by date `by`: trials start with the current
// week (simulated whole) and sum the weeks whose Sunday is on or before `by`.
func (b *Board) HowManyBy(samples []int, by Date, now time.Time, trials int, rng *rand.Rand, percents []int) HowManyForecast {
	if percents == nil {
		percents = forecastPercents
	}
	monday := mondayOf(weekOf(b.localDay(now)))
	weeks := int(max(floorDiv(by.day()-monday+1, 7), 0))
	out := HowManyForecast{By: by, Weeks: weeks}
	if len(samples) == 0 {
		return out
	}
	out.Outcomes = howManyTotals(samples, weeks, trials, rng)
	out.Likelihood = CountLevels(out.Outcomes, percents)
	slices.Sort(out.Outcomes)
	return out
}

// DateLevel is a "when" answer at one likelihood: the Sunday ending the week by which that
// share of the trials finished; no value = cannot forecast.
type DateLevel struct {
	Percent int
	Date    Opt[Date]
	Weeks   Opt[int]
}

// WhenForecast answers "when will N items be done".
type WhenForecast struct {
	Items      int
	Likelihood []DateLevel // nil = cannot forecast (no samples)
	Outcomes   []int       // the finishing week of every trial that finished, sorted (week 1 = the current week)
	Never      int         // trials that had not reached Items after 1,000 weeks
}

// When forecasts when `items` items will be done.
func (b *Board) When(samples []int, items int, now time.Time, trials int, rng *rand.Rand, percents []int) WhenForecast {
	if percents == nil {
		percents = forecastPercents
	}
	out := WhenForecast{Items: items}
	if len(samples) == 0 || items < 1 {
		return out
	}
	weeks := whenTrials(samples, items, trials, rng)
	finished, _ := slices.BinarySearch(weeks, neverWeek)
	out.Outcomes, out.Never = weeks[:finished:finished], len(weeks)-finished
	monday := mondayOf(weekOf(b.localDay(now)))
	for _, p := range percents {
		dl := DateLevel{Percent: p, Weeks: ceilPercentile(weeks, p, neverWeek)}
		if dl.Weeks.OK {
			dl.Date = Some(dateOfDay(monday + 7*int64(dl.Weeks.V) - 1))
		}
		out.Likelihood = append(out.Likelihood, dl)
	}
	return out
}

// NextQuarterForecast is the quarterly view's next-quarter likelihood.
type NextQuarterForecast struct {
	Start      Date
	Weeks      int // Monday-to-Sunday weeks overlapping the quarter (13 or 14)
	Likelihood []CountLevel
}

// ForecastNextQuarter runs "how many" over the real number of weeks of the next quarter.
func (b *Board) ForecastNextQuarter(samples []int, now time.Time, trials int, rng *rand.Rand, percents []int) NextQuarterForecast {
	if percents == nil {
		percents = defaultPercents
	}
	start, weeks := b.NextQuarter(now)
	return NextQuarterForecast{Start: start, Weeks: weeks, Likelihood: HowMany(samples, weeks, trials, rng, percents)}
}
