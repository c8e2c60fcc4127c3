package web

import (
	"strings"
	"testing"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/web/views"
)

// readingText is a reading as the page shows it.
func readingText(r views.Reading) string {
	if len(r.Items) == 0 {
		return r.Text
	}
	var b strings.Builder
	for _, it := range r.Items {
		b.WriteString(it.Before + it.Text + it.After)
	}
	return b.String()
}

// The readings: a sentence per likely real change and per untested
// measure; the measures the data cannot tell yet, and those with too few
// observations, gathered in one sentence each that names them.
func TestReadings(t *testing.T) {
	t.Parallel()
	tested := func(id, name, unit string, a, b, p float64) flow.Metric {
		v := flow.VerdictCannotTell
		if p <= flow.Likely {
			v = flow.VerdictLikely
		}
		return flow.Metric{ID: id, Name: name, Unit: unit, A: flow.Some(a), B: flow.Some(b), Change: flow.Some(b - a), P: flow.Some(p), NA: 8, NB: 8, Verdict: v}
	}
	few := func(id, name string, na, nb int) flow.Metric {
		return flow.Metric{ID: id, Name: name, Unit: "days", A: flow.Some(2.0), B: flow.Some(3.0), Change: flow.Some(1.0), NA: na, NB: nb, Verdict: flow.VerdictTooFew}
	}
	variation := flow.Metric{ID: "variation", Name: "Variation of weekly throughput", Unit: "ratio", A: flow.Some(0.36), B: flow.Some(0.59), Change: flow.Some(0.23), Verdict: flow.VerdictNotTested}
	tests := []struct {
		name    string
		metrics []flow.Metric
		want    map[string]string // test id -> text
		order   []string
		named   map[string][]string // group test id -> the measures it names
	}{
		{
			name: "several cannot tell, one likely",
			metrics: []flow.Metric{
				tested("throughput", "Delivered per week (mean)", "items", 6.3, 5.3, 0.542),
				tested("lead_time", "Lead time (mean)", "days", 12.5, 16.6, 0.17),
				tested("pr_lead_time", "PR lead time (mean)", "days", 1.6, 4.6, 0.033),
				tested("flow_efficiency", "Flow efficiency (mean)", "share", 0.997, 0.974, 0.966),
				variation,
			},
			order: []string{"reading-pr_lead_time", "reading-cannot-tell", "reading-variation"},
			want: map[string]string{
				"reading-pr_lead_time": "PR lead time (mean): 1.6 days before, 4.6 days after (+3.0 days). Likely a real change: a difference this large came up in only 3% of random reshuffles of the same observations (p = 0.033).",
				"reading-cannot-tell":  "The data cannot tell yet for Delivered per week (mean), Lead time (mean) and Flow efficiency (mean): random reshuffles of the same observations differ this much 17% to 97% of the time (each p-value is in the table), so these differences may be noise.",
				"reading-variation":    "Variation of weekly throughput: 0.36 before, 0.59 after (+0.23). Shown for context, not tested (one number per period).",
			},
			named: map[string][]string{"reading-cannot-tell": {"reading-throughput", "reading-lead_time", "reading-flow_efficiency"}},
		},
		{
			name:    "one cannot tell keeps its p-value",
			metrics: []flow.Metric{tested("lead_time", "Lead time (mean)", "days", 4, 3, 0.25)},
			order:   []string{"reading-cannot-tell"},
			want: map[string]string{
				"reading-cannot-tell": "The data cannot tell yet for Lead time (mean): random reshuffles of the same observations differ this much 25% of the time (p = 0.250), so the difference may be noise.",
			},
		},
		{
			name:    "p-values that round alike give one share",
			metrics: []flow.Metric{tested("a", "A", "days", 4, 3, 0.451), tested("b", "B", "days", 4, 3, 0.449)},
			order:   []string{"reading-cannot-tell"},
			want: map[string]string{
				"reading-cannot-tell": "The data cannot tell yet for A and B: random reshuffles of the same observations differ this much 45% of the time (each p-value is in the table), so these differences may be noise.",
			},
		},
		{
			name: "too few, grouped by their counts",
			metrics: []flow.Metric{
				{ID: "throughput", Name: "Delivered per week (mean)", Unit: "items", NA: 4, NB: 2, Verdict: flow.VerdictTooFew},
				few("lead_time", "Lead time (mean)", 3, 2), few("pr_lead_time", "PR lead time (mean)", 1, 0), few("state_Review", "Days in Review (mean)", 3, 2),
			},
			order: []string{"reading-too-few"},
			want: map[string]string{
				"reading-too-few": "Not enough data to test: Delivered per week (mean) has 4 weeks before and 2 after; Lead time (mean) and Days in Review (mean) have 3 items before and 2 after; PR lead time (mean) has 1 pull request before and 0 after. At least 4 are needed in each period.",
			},
			named: map[string][]string{"reading-too-few": {"reading-throughput", "reading-lead_time", "reading-state_Review", "reading-pr_lead_time"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rs := readings(tt.metrics)
			var order []string
			for _, r := range rs {
				order = append(order, r.TestID)
				if want, ok := tt.want[r.TestID]; !ok || readingText(r) != want {
					t.Errorf("%s:\n got %q\nwant %q", r.TestID, readingText(r), want)
				}
				if r.Warn != (r.TestID == "reading-pr_lead_time") {
					t.Errorf("%s: warn %v", r.TestID, r.Warn)
				}
				if want, ok := tt.named[r.TestID]; ok {
					var got []string
					for _, it := range r.Items {
						got = append(got, it.TestID)
					}
					if strings.Join(got, " ") != strings.Join(want, " ") {
						t.Errorf("%s names %v, want %v", r.TestID, got, want)
					}
				}
			}
			if strings.Join(order, " ") != strings.Join(tt.order, " ") {
				t.Errorf("order %v, want %v", order, tt.order)
			}
		})
	}
}

// A change has its sign (a true minus, U+2212) and unit, as in the
// sentences; a change that rounds to zero has no sign; a share's change
// is in percentage points.
func TestFmtChange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    float64
		unit string
		want string
	}{
		{-4.44, "days", "−4.4 days"},
		{4.06, "days", "+4.1 days"},
		{-0.04, "days", "0.0 days"},
		{0.25, "items", "+0.3 items"},
		{-1, "items", "−1.0 items"},
		{-0.0234, "share", "−2.3 percentage points"},
		{0.1, "share", "+10.0 percentage points"},
		{0.22, "ratio", "+0.22"},
		{-0.001, "ratio", "0.00"},
	}
	for _, tt := range tests {
		if got := fmtChange(tt.v, tt.unit); got != tt.want {
			t.Errorf("fmtChange(%v, %s) = %q, want %q", tt.v, tt.unit, got, tt.want)
		}
	}
}
