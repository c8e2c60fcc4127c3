package flow

import (
	"fmt"
	"testing"
)

func TestCheckHistory(t *testing.T) {
	t.Parallel()
	tests := []struct {
		samples []int
		want    string // weeks short first second unstable
	}{
		{[]int{2, 2, 2, 2, 2, 2}, "6 false 2 2 false"},
		{[]int{1, 1, 1, 4, 4, 4}, "6 false 1 4 true"},
		{[]int{4, 4, 5, 5}, "4 true 4 5 false"},           // 1 is exactly 25 % of 4: not more
		{[]int{4, 4, 4, 6, 6, 6}, "6 false 4 6 true"},     // 2 > 1
		{[]int{6, 6, 6, 4, 4, 4}, "6 false 6 4 true"},     // 2 > 1.5: falling counts too
		{[]int{0, 0, 0, 0, 0, 0}, "6 false 0 0 false"},    // no throughput is stable (and no forecast)
		{[]int{0, 0, 0, 0, 1, 0}, "6 false 0 0.333 true"}, // from nothing to something
		{[]int{2, 9, 2}, "3 true 2 2 false"},              // the middle week is in neither half
		{[]int{3, 1, 2, 2, 1, 3, 2}, "7 false 2 2 false"}, // halves [3 1 2], [1 3 2]
		{nil, "0 true 0 0 false"},
	}
	for _, tt := range tests {
		c := CheckHistory(tt.samples)
		got := fmt.Sprintf("%d %v %.3g %.3g %v", c.Weeks, c.Short, c.FirstMean, c.SecondMean, c.Unstable)
		if got != tt.want {
			t.Errorf("%v: %s, want %s", tt.samples, got, tt.want)
		}
	}
}

func TestHistogram(t *testing.T) {
	t.Parallel()
	tests := []struct {
		sorted []int
		bins   int
		want   string
	}{
		// 1..7 in 3 bins: width ceil(7/3) = 3 -> 1-3, 4-6, 7-9.
		{[]int{1, 2, 2, 3, 7}, 3, "[{1 3 4} {4 6 0} {7 9 1}]"},
		{[]int{1, 2, 2, 3, 7}, 10, "[{1 1 1} {2 2 2} {3 3 1} {4 4 0} {5 5 0} {6 6 0} {7 7 1}]"},
		{[]int{5, 5}, 10, "[{5 5 2}]"},
		{[]int{0, 100}, 0, "[{0 100 2}]"},
		{nil, 5, "[]"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(Histogram(tt.sorted, tt.bins)); got != tt.want {
			t.Errorf("Histogram(%v, %d) = %s, want %s", tt.sorted, tt.bins, got, tt.want)
		}
	}
}

// TestForecastOutcomes: the trials behind the answers, for the histogram.
func TestForecastOutcomes(t *testing.T) {
	t.Parallel()
	b := simpleBoard(t, nil)
	now := at(t, "2025-03-19T12:00:00Z") // current week Mon 17 .. Sun 23 Mar
	// 3 a week, by Sun 30 Mar = 2 whole weeks: every trial delivers 6.
	hm := b.HowManyBy([]int{3, 3, 3, 3}, Date{2025, 3, 30}, now, 50, NewRand(1), []int{85})
	if len(hm.Outcomes) != 50 || hm.Outcomes[0] != 6 || hm.Outcomes[49] != 6 || fmt.Sprint(hm.Likelihood) != "[{85 6}]" {
		t.Errorf("how many: %v %v", hm.Likelihood, Histogram(hm.Outcomes, 10))
	}
	// 7 items at 2 a week: every trial finishes in week 4 (Sun 13 Apr).
	w := b.When([]int{2, 2, 2, 2}, 7, now, 50, NewRand(1), []int{85})
	if len(w.Outcomes) != 50 || w.Never != 0 || w.Outcomes[0] != 4 || w.Likelihood[0].Date != Some(Date{2025, 4, 13}) {
		t.Errorf("when: %+v", w.Likelihood)
	}
	// No throughput: no trial ever finishes.
	w = b.When([]int{0, 0, 0, 0}, 1, now, 50, NewRand(1), []int{50})
	if len(w.Outcomes) != 0 || w.Never != 50 || w.Likelihood[0].Date.OK {
		t.Errorf("zero throughput: %+v", w)
	}
	if hm := b.HowManyBy(nil, Date{2025, 3, 30}, now, 50, NewRand(1), nil); hm.Outcomes != nil || hm.Likelihood != nil {
		t.Errorf("no samples: %+v", hm)
	}
}

// BenchmarkForecast10k: both questions of the forecast page at 10,000 trials each, from 12
// weeks of history: how many in 12 weeks, and when 200 items will be done (about 20 weeks per
// trial).
func BenchmarkForecast10k(b *testing.B) {
	bd := simpleBoard(b, nil)
	now := at(b, "2025-03-19T12:00:00Z")
	samples := []int{8, 12, 9, 0, 14, 11, 10, 7, 13, 9, 12, 10}
	for b.Loop() {
		hm := bd.HowManyBy(samples, Date{2025, 6, 8}, now, DefaultTrials, NewRand(1), ForecastPercents())
		w := bd.When(samples, 200, now, DefaultTrials, NewRand(1), ForecastPercents())
		_ = Histogram(hm.Outcomes, 40)
		_ = Histogram(w.Outcomes, 40)
	}
}
