package sim

import (
	"math"
	"sort"
	"strings"
	"testing"
	"time"
)

// flowStats is a small, independent reading of the ground truth with METRICS.md's rules (board
// columns, unmapped statuses, started/done, delivered), used only to check the data is realistic.
// The product's metric engine lives in internal/flow and is deliberately not used here.
type flowStats struct {
	issues, doneNow, reopened, unmapped, moved int
	transitions, weekday                       int
	boards                                     []boardStats
}

type boardStats struct {
	name      string
	weekly    []int // last 12 complete weeks, oldest first
	cv        float64
	leadDays  []float64
	p50, p90  float64
	delivered int
}

var invalidResolutions = []string{"abandon", "abort", "descoped", "discard", "duplicate", "invalid", "not a bug", "won't do", "won't fix", "cannot reproduce"}

func percentile7(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	h := (float64(len(s)) - 1) * p
	lo := math.Floor(h)
	if int(lo)+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[int(lo)] + (h-lo)*(s[int(lo)+1]-s[int(lo)])
}

func measure(t *testing.T, tr *Truth) flowStats {
	t.Helper()
	cat := map[string]string{}
	for _, s := range tr.Statuses {
		cat[s.ID] = s.Category
	}
	var fs flowStats
	byProject := map[string]TruthBoard{}
	for _, b := range tr.Boards {
		byProject[b.Project] = b
	}
	type delivered struct {
		at   time.Time
		lead float64
	}
	perBoard := map[string][]delivered{}
	for _, is := range tr.Issues {
		if is.Deleted {
			continue
		}
		fs.issues++
		b := byProject[is.Project]
		loc, err := time.LoadLocation(b.TimeZone)
		if err != nil {
			t.Fatal(err)
		}
		if len(is.KeyHistory) > 0 {
			fs.moved++
		}
		if cat[is.Status] == "done" {
			fs.doneNow++
			for _, c := range is.StatusChanges {
				if cat[c.From] == "done" && cat[c.To] != "done" {
					fs.reopened++
					break
				}
			}
		}
		unm := map[string]bool{}
		for _, id := range b.UnmappedStatusIDs {
			unm[id] = true
		}
		touched := unm[is.Status]
		for _, c := range is.StatusChanges {
			touched = touched || unm[c.From] || unm[c.To]
			fs.transitions++
			if wd := c.At.In(loc).Weekday(); wd != time.Saturday && wd != time.Sunday {
				fs.weekday++
			}
		}
		if touched {
			fs.unmapped++
		}
		// Board scope: issue types the filter admits, work types without epics and sub-tasks.
		if len(b.IssueTypes) > 0 && !contains2(b.IssueTypes, is.Type) || is.Type == "Epic" || is.Type == "Sub-task" {
			continue
		}
		col := map[string]int{}
		for i, c := range b.Columns {
			for _, id := range c.StatusIDs {
				col[id] = i
			}
		}
		n := len(b.Columns)
		s, e := 1, n-1
		posOf := func(id string, prev int) int {
			if p, ok := col[id]; ok {
				return p
			}
			if cat[id] == "done" {
				return n - 1
			}
			return prev
		}
		initial := is.Status
		if len(is.StatusChanges) > 0 {
			initial = is.StatusChanges[0].From
		}
		pos := posOf(initial, -1)
		var started, done time.Time
		if pos >= s && pos < e {
			started = is.Created
		}
		if pos >= e {
			done = is.Created
		}
		for _, c := range is.StatusChanges {
			np := posOf(c.To, pos)
			if started.IsZero() && np >= s && np < e {
				started = c.At
			}
			if np >= e && pos < e {
				done = c.At
			}
			pos = np
		}
		if pos < e || done.IsZero() || started.IsZero() || started.After(done) {
			continue
		}
		if contains2(invalidResolutions, strings.ToLower(is.Resolution)) {
			continue
		}
		perBoard[b.Name] = append(perBoard[b.Name], delivered{done, done.Sub(started).Hours() / 24})
	}
	for _, b := range tr.Boards {
		loc, _ := time.LoadLocation(b.TimeZone)
		now := tr.Now.In(loc)
		day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
		monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		first := monday.AddDate(0, 0, -7*12)
		bs := boardStats{name: b.Name, weekly: make([]int, 12)}
		for _, d := range perBoard[b.Name] {
			if d.lead >= 0.01 {
				bs.leadDays = append(bs.leadDays, d.lead)
			}
			bs.delivered++
			if !d.at.Before(first) && d.at.Before(monday) {
				w := int(d.at.Sub(first).Hours() / (24 * 7))
				// DST shifts by an hour at most; clamp rather than misfile.
				w = min(max(w, 0), 11)
				bs.weekly[w]++
			}
		}
		mean, sd := 0.0, 0.0
		for _, c := range bs.weekly {
			mean += float64(c)
		}
		mean /= 12
		for _, c := range bs.weekly {
			sd += (float64(c) - mean) * (float64(c) - mean)
		}
		sd = math.Sqrt(sd / 12)
		if mean > 0 {
			bs.cv = sd / mean
		}
		bs.p50, bs.p90 = percentile7(bs.leadDays, 0.5), percentile7(bs.leadDays, 0.9)
		fs.boards = append(fs.boards, bs)
	}
	return fs
}

func contains2(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestRealism checks, at seed 1 with 5,000 issues, that the data would make believable flow
// metrics (the thresholds of issue 3).
func TestRealism(t *testing.T) {
	t.Parallel()
	s, err := New(Options{Seed: 1, Issues: 5000})
	if err != nil {
		t.Fatal(err)
	}
	tr := truthOf(t, s)
	fs := measure(t, tr)
	reopenShare := float64(fs.reopened) / float64(fs.doneNow)
	movedShare := float64(fs.moved) / float64(fs.issues)
	weekdayShare := float64(fs.weekday) / float64(fs.transitions)
	t.Logf("issues %d, done %d, reopened %.1f%%, unmapped-touching %d, moved %.2f%%, weekday transitions %.1f%%",
		fs.issues, fs.doneNow, 100*reopenShare, fs.unmapped, 100*movedShare, 100*weekdayShare)
	if reopenShare < 0.05 {
		t.Errorf("reopened share of done issues = %.3f, want >= 0.05", reopenShare)
	}
	if fs.unmapped < 50 {
		t.Errorf("issues touching an unmapped status = %d, want >= 50", fs.unmapped)
	}
	if movedShare < 0.01 {
		t.Errorf("moved share = %.4f, want >= 0.01", movedShare)
	}
	if weekdayShare < 0.7 {
		t.Errorf("weekday transitions = %.3f, want >= 0.7", weekdayShare)
	}
	for _, b := range fs.boards {
		ratio := b.p90 / b.p50
		t.Logf("%-22s delivered %4d  weekly %v  CV %.2f  lead p50 %.1fd p90 %.1fd (x%.1f)", b.name, b.delivered, b.weekly, b.cv, b.p50, b.p90, ratio)
		if b.cv < 0.2 || b.cv > 0.8 {
			t.Errorf("%s: weekly throughput CV = %.2f, want 0.2..0.8", b.name, b.cv)
		}
		if !(ratio >= 3) {
			t.Errorf("%s: lead time p90/p50 = %.2f, want >= 3", b.name, ratio)
		}
	}
}
