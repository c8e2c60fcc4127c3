package flow

import (
	"math"
	"slices"
)

// Level is a duration line: "Percent % of items finished in <= Value days".
type Level struct {
	Percent int
	Value   float64
}

// CountLevel is a count line: "in Percent % of weeks we finished at least Count".
type CountLevel struct {
	Percent int
	Count   int
}

// DefaultPercents are the lines drawn by default (50/80/90 %).
var defaultPercents = []int{50, 80, 90}

// ForecastPercents are the Monte Carlo likelihoods shown by default.
var forecastPercents = []int{50, 70, 80, 85, 90, 95}

// DefaultPercents returns the 50/80/90 lines drawn by default.
func DefaultPercents() []int { return slices.Clone(defaultPercents) }

// ForecastPercents returns the default Monte Carlo likelihoods 50/70/80/85/90/95.
func ForecastPercents() []int { return slices.Clone(forecastPercents) }

// Percentile is the type 7 percentile (Hyndman–Fan; Excel PERCENTILE.INC, NumPy's default) of
// sorted (ascending) values at percent p (0..100): linear interpolation between closest ranks.
// No value for empty input.
func Percentile(sorted []float64, p int) (float64, bool) {
	n := len(sorted)
	if n == 0 {
		return 0, false
	}
	p = min(max(p, 0), 100)
	// h = (n-1)p/100, split exactly into an integer rank and a fraction in hundredths so that
	// e.g. p = 70, n = 11 does not land a hair below rank 7.
	num := (n - 1) * p
	lo, rem := num/100, num%100
	if rem == 0 || lo+1 >= n {
		return sorted[lo], true
	}
	return sorted[lo] + float64(rem)/100*(sorted[lo+1]-sorted[lo]), true
}

// Percentiles sorts a copy of values and returns the type 7 lines at each percent; nil (a gap)
// for empty input.
func Percentiles(values []float64, percents []int) []Level {
	if len(values) == 0 {
		return nil
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	return percentilesSorted(sorted, percents)
}

func percentilesSorted(sorted []float64, percents []int) []Level {
	if len(sorted) == 0 {
		return nil
	}
	out := make([]Level, len(percents))
	for i, p := range percents {
		v, _ := Percentile(sorted, p)
		out[i] = Level{p, v}
	}
	return out
}

// CountLikely is the count rule: the largest whole number x such that at least p % of the
// observations are >= x, i.e. the ceil(p·n/100)-th largest observation. Never fractional; no
// value for empty input. p <= 0 is treated as "at least one observation" (the maximum).
func CountLikely(counts []int, p int) (int, bool) {
	if len(counts) == 0 {
		return 0, false
	}
	desc := slices.Clone(counts)
	slices.Sort(desc)
	slices.Reverse(desc)
	return countLikelyDesc(desc, p), true
}

func countLikelyDesc(desc []int, p int) int {
	n := len(desc)
	p = min(max(p, 0), 100)
	k := (p*n + 99) / 100 // ceil(p·n/100) in integers: no float rounding at 70 % of 10
	k = max(k, 1)
	return desc[k-1]
}

// CountLevels applies the count rule at each percent; nil for empty input.
func CountLevels(counts []int, percents []int) []CountLevel {
	if len(counts) == 0 {
		return nil
	}
	desc := slices.Clone(counts)
	slices.Sort(desc)
	slices.Reverse(desc)
	out := make([]CountLevel, len(percents))
	for i, p := range percents {
		out[i] = CountLevel{p, countLikelyDesc(desc, p)}
	}
	return out
}

// Variation is the population standard deviation ÷ mean of weekly counts; 0 when the mean is 0;
// no value for empty input.
func Variation(counts []int) (float64, bool) {
	if len(counts) == 0 {
		return 0, false
	}
	// Two passes: sum of squares minus squared mean cancels badly on large, steady counts.
	n := float64(len(counts))
	sum := 0.0
	for _, c := range counts {
		sum += float64(c)
	}
	mean := sum / n
	if mean == 0 {
		return 0, true
	}
	v := 0.0
	for _, c := range counts {
		d := float64(c) - mean
		v += d * d
	}
	v /= n
	return math.Sqrt(v) / mean, true
}
