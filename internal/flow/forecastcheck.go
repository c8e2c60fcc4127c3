package flow

// ShortHistoryWeeks: a forecast from fewer weeks of history than this is flagged as short.
const ShortHistoryWeeks = 6

// UnstableShare: a forecast's history is unstable when the mean weekly throughput of its second
// half differs from the first half's by more than this share of the first half's.
const UnstableShare = 0.25

// HistoryCheck says how far a forecast's samples can be trusted.
type HistoryCheck struct {
	Weeks                 int
	Short                 bool    // fewer than ShortHistoryWeeks weeks
	FirstMean, SecondMean float64 // mean throughput of the older and the newer half
	Unstable              bool    // the halves' means differ by more than UnstableShare
}

// CheckHistory checks a forecast's samples (oldest first). The halves are the first and the
// last ⌊n/2⌋ weeks (an odd window's middle week is in neither). Unstable: |second − first| >
// 25 % of first; when the first half delivered nothing, any delivery in the second is unstable.
func CheckHistory(samples []int) HistoryCheck {
	n := len(samples)
	c := HistoryCheck{Weeks: n, Short: n < ShortHistoryWeeks}
	h := n / 2
	if h == 0 {
		return c
	}
	mean := func(xs []int) float64 {
		s := 0
		for _, x := range xs {
			s += x
		}
		return float64(s) / float64(len(xs))
	}
	c.FirstMean, c.SecondMean = mean(samples[:h]), mean(samples[n-h:])
	d := c.SecondMean - c.FirstMean
	if d < 0 {
		d = -d
	}
	c.Unstable = d > c.FirstMean*UnstableShare // 0.25 is exact in binary: 4 vs 5 is not unstable
	return c
}

// Bin is one bar of a histogram of whole numbers: the outcomes Lo..Hi (inclusive).
type Bin struct {
	Lo, Hi, Count int
}

// Histogram groups sorted whole numbers into at most maxBins bins of equal width (a whole
// number), from the smallest value up, empty bins included. Nil for no values.
func Histogram(sorted []int, maxBins int) []Bin {
	if len(sorted) == 0 {
		return nil
	}
	maxBins = max(maxBins, 1)
	lo, hi := sorted[0], sorted[len(sorted)-1]
	width := (hi - lo + maxBins) / maxBins // ceil((hi-lo+1) / maxBins)
	n := (hi-lo)/width + 1
	out := make([]Bin, n)
	for i := range out {
		out[i] = Bin{Lo: lo + i*width, Hi: lo + (i+1)*width - 1}
	}
	for _, v := range sorted {
		out[(v-lo)/width].Count++
	}
	return out
}
