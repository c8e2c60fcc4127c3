package flow

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"testing/quick"
)

func TestPercentileType7(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		sorted []float64
		p      int
		want   float64
	}{
		// h = (n-1)p: [1,2,3,4] at 50% -> h 1.5 -> 2 + 0.5 x 1 = 2.5 (type 6 would give 2.5 too,
		// but at 80% type 6 gives 4.0 and type 7 h 2.4 -> 3.4).
		{"median of four", []float64{1, 2, 3, 4}, 50, 2.5},
		{"80% of four", []float64{1, 2, 3, 4}, 80, 3.4},
		{"90% of four", []float64{1, 2, 3, 4}, 90, 3.7},
		// NumPy: np.percentile([15, 20, 35, 40, 50], 40) = 29: h 1.6 -> 20 + 0.6 x 15.
		{"numpy example", []float64{15, 20, 35, 40, 50}, 40, 29},
		{"0% is the minimum", []float64{3, 5, 8}, 0, 3},
		{"100% is the maximum", []float64{3, 5, 8}, 100, 8},
		{"single item", []float64{2.75}, 90, 2.75},
		// 70% of 0..10: h = 7 exactly (in floats 0.7 x 10 = 7.000000000000001 would interpolate).
		{"exact rank", []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 70, 7},
		{"ties", []float64{2, 2, 2, 5}, 50, 2},
		// Out-of-range percents clamp.
		{"below 0", []float64{3, 5}, -10, 3},
		{"above 100", []float64{3, 5}, 150, 5},
	}
	for _, tt := range tests {
		got, ok := Percentile(tt.sorted, tt.p)
		if !ok || !near(got, tt.want) {
			t.Errorf("%s: got %v (%v), want %v", tt.name, got, ok, tt.want)
		}
	}
	if _, ok := Percentile(nil, 50); ok {
		t.Error("empty input must have no value")
	}
	if Percentiles(nil, DefaultPercents()) != nil {
		t.Error("Percentiles of nothing must be a gap (nil)")
	}
	// Percentiles sorts a copy and leaves the input alone.
	in := []float64{4, 1, 3, 2}
	got := Percentiles(in, []int{50, 80})
	if fmt.Sprint(got) != "[{50 2.5} {80 3.4}]" || fmt.Sprint(in) != "[4 1 3 2]" {
		t.Errorf("Percentiles = %v, input now %v", got, in)
	}
}

func TestCountRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		counts []int
		p      int
		want   int
	}{
		// "p likely" = the ceil(p·n)-th largest: [2,0,3,0] -> 3,2,0,0.
		{"50% of four", []int{2, 0, 3, 0}, 50, 2}, // 2 of 4 weeks >= 2 (type 7 would say 1.0)
		{"80% of four", []int{2, 0, 3, 0}, 80, 0}, // ceil(3.2) = 4th
		{"constant", []int{2, 2, 2, 2}, 90, 2},
		{"single week", []int{5}, 95, 5},
		// [0,0,10]: 30% -> 1st = 10 (1 of 3 = 33% >= 30%); 34% -> 2nd = 0.
		{"just enough weeks", []int{0, 0, 10}, 30, 10},
		{"just too few weeks", []int{0, 0, 10}, 34, 0},
		// 1..10 at 70%: 7th largest = 4, and exactly 7 of 10 weeks are >= 4.
		{"exact share", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 70, 4},
		{"0% is the maximum", []int{1, 9, 4}, 0, 9},
		{"100% is the minimum", []int{1, 9, 4}, 100, 1},
	}
	for _, tt := range tests {
		got, ok := CountLikely(tt.counts, tt.p)
		if !ok || got != tt.want {
			t.Errorf("%s: got %d (%v), want %d", tt.name, got, ok, tt.want)
		}
		// The definition, checked directly: at least p% of the observations are >= the answer,
		// and fewer than p% are >= answer+1.
		atLeast := func(x int) int {
			n := 0
			for _, c := range tt.counts {
				if c >= x {
					n++
				}
			}
			return n
		}
		if 100*atLeast(got) < tt.p*len(tt.counts) || (tt.p > 0 && 100*atLeast(got+1) >= tt.p*len(tt.counts)) {
			t.Errorf("%s: %d does not satisfy the definition", tt.name, got)
		}
	}
	if _, ok := CountLikely(nil, 50); ok || CountLevels(nil, DefaultPercents()) != nil {
		t.Error("empty input must have no value")
	}
}

func TestVariation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		counts []int
		want   float64
	}{
		{[]int{2, 0, 3, 0}, 1.0392}, // mean 1.25, variance 1.6875, std 1.2990
		{[]int{1, 0, 1, 4}, 1},      // mean 1.5, variance 2.25
		{[]int{0, 0, 0, 0}, 0},      // mean 0: defined as 0
		{[]int{5, 5, 5}, 0},
		{[]int{1_000_000_000, 1_000_000_001}, 0.5 / 1_000_000_000.5}, // no cancellation
	}
	for _, tt := range tests {
		got, ok := Variation(tt.counts)
		if !ok || math.Abs(got-tt.want) > 0.00005*math.Max(1, tt.want) || (tt.want < 1e-6 && math.Abs(got-tt.want) > 1e-15) {
			t.Errorf("Variation(%v) = %v, want %v", tt.counts, got, tt.want)
		}
	}
	if _, ok := Variation(nil); ok {
		t.Error("empty input must have no value")
	}
}

// TestPercentileProperties: for any data, type 7 lines are monotone in p and stay within
// [min, max]; the count rule is monotone (non-increasing) in p and is one of the observations.
func TestPercentileProperties(t *testing.T) {
	t.Parallel()
	prop := func(raw []float64, counts []uint8) bool {
		var xs []float64
		for _, x := range raw {
			if !math.IsNaN(x) && !math.IsInf(x, 0) {
				xs = append(xs, math.Mod(x, 1e6))
			}
		}
		if len(xs) > 0 {
			slices.Sort(xs)
			prev := math.Inf(-1)
			for p := 0; p <= 100; p++ {
				v, _ := Percentile(xs, p)
				if v < prev || v < xs[0] || v > xs[len(xs)-1] {
					return false
				}
				prev = v
			}
		}
		if len(counts) > 0 {
			cs := make([]int, len(counts))
			for i, c := range counts {
				cs[i] = int(c)
			}
			prevC := math.MaxInt
			for p := 0; p <= 100; p++ {
				c, _ := CountLikely(cs, p)
				if c > prevC || !slices.Contains(cs, c) {
					return false
				}
				prevC = c
			}
		}
		return true
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 500}); err != nil {
		t.Error(err)
	}
}
