package flow

import (
	"errors"
	"fmt"
	"testing"
)

func TestSamples(t *testing.T) {
	t.Parallel()
	b, facts, _ := weeklyFixture(t) // throughput Jan 6..Feb 10: 1, 2, 0, 1, 1, 0; W = 4
	tests := []struct {
		name  string
		now   string
		types []string
		want  string
	}{
		// The last 4 complete weeks before the current week (Feb 17), oldest first, zeros kept.
		{"last W weeks", "2025-02-19T12:00:00Z", nil, "[0 1 1 0]"},
		{"work type", "2025-02-19T12:00:00Z", []string{"Failures"}, "[0 0 1 0]"},
		// Current week Feb 3: 4 complete weeks since the first issue (Jan 6).
		{"exactly 4 weeks", "2025-02-05T12:00:00Z", nil, "[1 2 0 1]"},
		// Current week Jan 27: only 3 weeks since the first issue: no forecast.
		{"fewer than 4 weeks", "2025-01-29T12:00:00Z", nil, "[]"},
	}
	for _, tt := range tests {
		got, err := b.Samples(facts, tt.types, at(t, tt.now))
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != tt.want || (tt.want == "[]") != (got == nil) {
			t.Errorf("%s: samples %v, want %s", tt.name, got, tt.want)
		}
	}
	// A board with W = 6 and 5 weeks of history uses the 5.
	b6 := simpleBoard(t, func(c *BoardConfig) { c.RollingWeeks = 6 })
	got, _ := b6.Samples(facts, nil, at(t, "2025-02-12T12:00:00Z"))
	if fmt.Sprint(got) != "[1 2 0 1 1]" {
		t.Errorf("W = 6 on a 5-week board: %v", got)
	}
	if _, err := b.Samples(facts, []string{"Nope"}, at(t, "2025-02-19T12:00:00Z")); !errors.Is(err, ErrUnknownWorkType) {
		t.Errorf("unknown work type: %v", err)
	}
	if got, _ := b.Samples(nil, nil, at(t, "2025-02-19T12:00:00Z")); got != nil {
		t.Errorf("no issues: %v", got)
	}
}

func TestHowMany(t *testing.T) {
	t.Parallel()
	// Constant samples: every trial is the same, whatever the seed.
	if got := fmt.Sprint(HowMany([]int{3, 3, 3, 3}, 4, 100, NewRand(1), []int{50, 95})); got != "[{50 12} {95 12}]" {
		t.Errorf("constant: %s", got)
	}
	// Zero weeks: nothing is done, at every likelihood.
	if got := fmt.Sprint(HowMany([]int{1, 5}, 0, 100, NewRand(1), []int{50, 95})); got != "[{50 0} {95 0}]" {
		t.Errorf("zero weeks: %s", got)
	}
	// No samples: cannot forecast.
	if HowMany(nil, 4, 100, NewRand(1), []int{50}) != nil {
		t.Error("no samples must give no forecast")
	}
	// Samples {0, 10}, one week: about half the trials give 10. The count rule at 30% must say
	// 10 (about 50% of trials are >= 10) and at 70% 0; the chance that 10,000 fair coin flips
	// give fewer than 30% or more than 70% tens is nil.
	if got := fmt.Sprint(HowMany([]int{0, 10}, 1, 0, NewRand(3), []int{30, 70})); got != "[{30 10} {70 0}]" {
		t.Errorf("coin: %s", got)
	}
	// The same seed reproduces the forecast (a bookmarked URL shows the same numbers).
	s := []int{0, 3, 1, 7, 2, 2, 0, 5}
	a := fmt.Sprint(HowMany(s, 13, 2000, NewRand(42), ForecastPercents()))
	if b := fmt.Sprint(HowMany(s, 13, 2000, NewRand(42), ForecastPercents())); a != b {
		t.Errorf("same seed, different forecasts: %s vs %s", a, b)
	}
}

func TestWhenWeeks(t *testing.T) {
	t.Parallel()
	w := func(l []WeeksLevel) string {
		var s []string
		for _, x := range l {
			if x.Weeks.OK {
				s = append(s, fmt.Sprintf("%d:%d", x.Percent, x.Weeks.V))
			} else {
				s = append(s, fmt.Sprintf("%d:-", x.Percent))
			}
		}
		return fmt.Sprint(s)
	}
	tests := []struct {
		name    string
		samples []int
		items   int
		want    string
	}{
		// 7 items at 2 a week: 4 weeks, in every trial.
		{"constant", []int{2, 2, 2, 2}, 7, "[50:4 95:4]"},
		// Nothing is ever delivered: no trial finishes, no answer ("cannot forecast").
		{"zero throughput", []int{0, 0, 0, 0}, 1, "[50:- 95:-]"},
		// One week in four delivers 1: weeks to the first item are geometric(1/4); P(<= 2) =
		// 0.4375 and P(<= 3) = 0.578, so the median trial needs 3 weeks; P(<= 10) = 0.944 and
		// P(<= 11) = 0.958, so 95% needs 11.
		{"geometric", []int{0, 0, 0, 1}, 1, "[50:3 95:11]"},
		{"no samples", nil, 1, "[]"},
		{"nothing to do", []int{1, 2}, 0, "[]"},
	}
	for _, tt := range tests {
		if s := w(WhenWeeks(tt.samples, tt.items, 0, NewRand(11), []int{50, 95})); s != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, s, tt.want)
		}
	}
	// 256 items at 1/4 a week: 1,000 weeks deliver 250 ± 14, so about a third of the trials
	// finish (late: after 900 weeks) and the rest never do: an answer at 20%, none at 50%.
	got := WhenWeeks([]int{0, 0, 0, 1}, 256, 0, NewRand(11), []int{20, 50})
	if !got[0].Weeks.OK || got[0].Weeks.V <= 900 || got[0].Weeks.V > maxSimWeeks || got[1].Weeks.OK {
		t.Errorf("some trials never finish: %s", w(got))
	}
}

func TestCeilPercentile(t *testing.T) {
	t.Parallel()
	const never = 1001
	tests := []struct {
		sorted []int
		p      int
		want   string
	}{
		{[]int{1, 2, 3, 4}, 50, "3"}, // h 1.5 -> 2.5, rounded up to a whole week
		{[]int{1, 2, 3, 4}, 0, "1"},
		{[]int{1, 2, 3, 4}, 100, "4"},
		{[]int{2, 2}, 50, "2"},
		{[]int{1, 5}, 10, "2"},          // 1 + 0.4 -> 2
		{[]int{1, never}, 0, "1"},       // exactly on a finished trial
		{[]int{1, never}, 1, "-"},       // interpolating towards a trial that never finished
		{[]int{never, never}, 0, "-"},   // nothing finished
		{[]int{3, 3, never}, 50, "3"},   // h = 1 exactly
		{[]int{1, 2, 3, 4, 5}, 70, "4"}, // h = 2.8 -> 3.8 -> 4
		{[]int{10, 20}, 95, "20"},       // 10 + 9.5 -> 20
	}
	for _, tt := range tests {
		got := ceilPercentile(tt.sorted, tt.p, never)
		s := "-"
		if got.OK {
			s = fmt.Sprint(got.V)
		}
		if s != tt.want {
			t.Errorf("ceilPercentile(%v, %d) = %s, want %s", tt.sorted, tt.p, s, tt.want)
		}
	}
}

// TestForecastDates: the board-level forecasts in a zone where the week boundary matters.
// Lisbon, now Wed 13 Mar 2024 12:00: the current week is Mon 11 .. Sun 17 Mar.
func TestForecastDates(t *testing.T) {
	t.Parallel()
	b := simpleBoard(t, func(c *BoardConfig) { c.Location = loadLoc(t, "Europe/Lisbon") })
	now := at(t, "2024-03-13T12:00:00Z")
	s := []int{2, 2, 2, 2}
	for by, want := range map[Date]string{
		{2024, 3, 16}: "0 [{50 0}]", // Saturday: the current week is not over by then
		{2024, 3, 17}: "1 [{50 2}]", // its Sunday
		{2024, 3, 10}: "0 [{50 0}]", // before the current week
		{2024, 4, 3}:  "3 [{50 6}]",
	} {
		got := b.HowManyBy(s, by, now, 10, NewRand(1), []int{50})
		if g := fmt.Sprintf("%d %v", got.Weeks, got.Likelihood); g != want || got.By != by {
			t.Errorf("how many by %s: %s, want %s", by, g, want)
		}
	}
	if got := b.HowManyBy(s, Date{2024, 4, 3}, now, 10, NewRand(1), nil); len(got.Likelihood) != 6 {
		t.Errorf("default likelihoods: %v", got.Likelihood)
	}
	when := b.When(s, 7, now, 10, NewRand(1), nil)
	if len(when.Likelihood) != 6 || when.Likelihood[0].Date != Some(Date{2024, 4, 7}) || when.Likelihood[0].Weeks != Some(4) {
		t.Errorf("when 7: %+v", when)
	}
	if w := b.When(nil, 7, now, 10, NewRand(1), nil); w.Likelihood != nil || w.Items != 7 {
		t.Errorf("no samples: %+v", w)
	}
	if w := b.When([]int{0, 0, 0, 0}, 1, now, 10, NewRand(1), []int{90}); len(w.Likelihood) != 1 || w.Likelihood[0].Date.OK {
		t.Errorf("zero throughput: %+v", w)
	}
	nq := b.ForecastNextQuarter(s, now, 10, NewRand(1), nil)
	if fmt.Sprintf("%s %d %v", nq.Start, nq.Weeks, nq.Likelihood) != "2024-04-01 13 [{50 26} {80 26} {90 26}]" {
		t.Errorf("next quarter: %+v", nq)
	}
	if nq := b.ForecastNextQuarter(nil, now, 10, NewRand(1), nil); nq.Likelihood != nil || nq.Weeks != 13 {
		t.Errorf("next quarter without samples: %+v", nq)
	}
}
