package flow

import (
	"math"
	"slices"
	"sort"
	"testing"
	"testing/quick"
	"time"
)

// Property tests run on random histories from genIssues: forward and backward moves, unmapped
// statuses (Blocked, done-category Closed), same-instant changes, changes before creation,
// stale status fields, reopens, invalid resolutions, flags, deleted and out-of-filter issues.

var propStart = time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)

const propSpan = 180 * 24 * time.Hour

func propNow() time.Time { return propStart.Add(propSpan + 120*24*time.Hour) }

// TestFactsProperties: lead time >= 0; time in state adds up to it; started <= done; the
// outcome flags are consistent; age only in progress; blocked time within the lead time; flow
// efficiency within [0, 1]; the segments end in the facts' position. In both day modes.
func TestFactsProperties(t *testing.T) {
	t.Parallel()
	for _, mode := range []DayMode{Working, Calendar} {
		b := genBoard(t, mode)
		prop := func(seed uint64) bool {
			for _, is := range genIssues(NewRand(seed), 200, 14, propStart, propSpan) {
				f := b.Facts(is, propNow())
				if msg := factsViolation(b, &f); msg != "" {
					t.Logf("%s (mode %s): %s; facts %+v", is.Key, mode, msg, f)
					return false
				}
				segs := b.AppendSegments(nil, is)
				if PositionAt(segs, propNow().Add(1000*24*time.Hour)) != f.Position {
					t.Logf("%s: segments end in %d, facts say %d", is.Key, PositionAt(segs, propNow()), f.Position)
					return false
				}
			}
			return true
		}
		if err := quick.Check(prop, &quick.Config{MaxCount: 40}); err != nil {
			t.Error(err)
		}
	}
}

func factsViolation(b *Board, f *IssueFacts) string {
	switch {
	case f.LeadTime.OK && (f.LeadTime.V < 0 || f.CalendarDays.V < 0):
		return "negative lead time"
	case f.LeadTime.OK != (f.Started.OK && f.Done.OK):
		return "lead time without start and done"
	case f.Started.OK && f.Done.OK && f.Done.V.Before(f.Started.V):
		return "done before started"
	case f.Delivered && (!f.Started.OK || !f.Done.OK || f.Abandoned):
		return "delivered without start/done"
	case f.ClosedNotDelivered != (f.Done.OK && !f.Delivered):
		return "closed-not-delivered inconsistent"
	case f.Done.OK != b.IsDone(f.Position):
		return "done at without a done position"
	case f.Age.OK != (b.InProgress(f.Position)):
		return "age outside work in progress"
	case f.Age.OK && f.Age.V < 0:
		return "negative age"
	case f.Blocked.OK != f.Started.OK:
		return "blocked time without a start"
	case f.Blocked.OK && f.Done.OK && f.Blocked.V > f.LeadTime.V+1e-9:
		return "blocked longer than the lead time"
	case f.BlockedShare.OK && (f.BlockedShare.V < 0 || f.BlockedShare.V > 1+1e-9):
		return "blocked share outside [0, 1]"
	case f.FlowEfficiency.OK && (f.FlowEfficiency.V < 0 || f.FlowEfficiency.V > 1+1e-9):
		return "flow efficiency outside [0, 1]"
	}
	if f.TimeInState.OK {
		sum := f.TimeInState.V.Outside
		for _, v := range f.TimeInState.V.InState {
			if v < 0 {
				return "negative time in state"
			}
			sum += v
		}
		if math.Abs(sum-f.LeadTime.V) > 1e-9*math.Max(1, f.LeadTime.V) {
			return "time in state does not add up to the lead time"
		}
	}
	return ""
}

// TestWorkingWithinCalendar: working days <= calendar days, plus at most 1/24 day per DST change
// day touched: a 23-hour working day counts as a whole day, so every hour of it counts 1/23,
// whether or not the interval spans the change itself.
func TestWorkingWithinCalendar(t *testing.T) {
	t.Parallel()
	for _, zone := range []string{"UTC", "Europe/Berlin", "America/New_York", "Asia/Jerusalem", "Australia/Lord_Howe",
		"America/Santiago", "Pacific/Auckland"} {
		b := simpleBoard(t, func(c *BoardConfig) {
			c.Location = loadLoc(t, zone)
			c.Holidays = []Date{{2024, 12, 25}, {2025, 1, 1}}
		})
		rng := NewRand(uint64(len(zone)))
		prop := func() bool {
			a := propStart.Add(time.Duration(rng.Int64N(int64(2 * 365 * 24 * time.Hour))))
			c := a.Add(time.Duration(rng.Int64N(int64(60 * 24 * time.Hour))))
			if rng.IntN(4) == 0 {
				c = a.Add(time.Duration(rng.Int64N(int64(30 * time.Hour)))) // short spans too
			}
			w, cal := b.WorkingDays(a, c), CalendarDays(a, c)
			crossed := 0
			// Only transitions within a day of the interval can make its days shorter or longer.
			lo := sort.Search(len(b.zone.starts), func(i int) bool { return b.zone.starts[i] > instant(a)-nsPerDay*2 })
			for _, s := range b.zone.starts[max(lo, 1):] {
				if s > instant(c)+2*nsPerDay {
					break
				}
				d := b.zone.localDay(s)
				if b.zone.dayStart(d) < instant(c) && b.zone.dayStart(d+1) > instant(a) {
					crossed++
				}
			}
			if w < 0 || w > cal+float64(crossed)/24+1e-9 {
				t.Logf("%s: %s -> %s: working %v, calendar %v, %d DST days", zone, a, c, w, cal, crossed)
				return false
			}
			return true
		}
		if err := quick.Check(prop, &quick.Config{MaxCount: 3000}); err != nil {
			t.Errorf("%s: %v", zone, err)
		}
	}
}

// TestCFDProperties: each day's bands sum to the in-scope issues created by the end of that day,
// and each band equals a brute-force count of issues at that position just before midnight.
func TestCFDProperties(t *testing.T) {
	t.Parallel()
	b := genBoard(t, Working)
	prop := func(seed uint64) bool {
		issues := genIssues(NewRand(seed), 150, 14, propStart, 60*24*time.Hour)
		tracks := make([]Track, len(issues))
		for i, is := range issues {
			tracks[i] = b.Track(is)
		}
		now := propStart.Add(100 * 24 * time.Hour)
		from := DateOf(propStart, b.Location()).AddDays(-2)
		cfd, err := b.CFD(tracks, CFDQuery{From: from, To: from.AddDays(80)}, now)
		if err != nil {
			t.Log(err)
			return false
		}
		for _, day := range cfd.Days {
			end := day.Date.AddDays(1).Start(b.Location())
			created, sum := 0, 0
			want := make([]int, len(day.Bands))
			for i := range tracks {
				tr := &tracks[i]
				if !tr.InScope || !tr.Segments[0].From.Before(end) {
					continue
				}
				created++
				want[PositionAt(tr.Segments, end.Add(-time.Nanosecond))+1]++
			}
			for _, n := range day.Bands {
				sum += n
			}
			wip := 0
			for p := 2; p < 5; p++ {
				wip += day.Bands[p+1]
			}
			if sum != created || !slices.Equal(want, day.Bands) || wip != day.WIP {
				t.Logf("%s: bands %v (sum %d, wip %d), brute force %v (created %d, wip %d)", day.Date, day.Bands, sum, day.WIP, want, created, wip)
				return false
			}
		}
		return true
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 25}); err != nil {
		t.Error(err)
	}
}

// TestSeriesProperties: weekly throughput sums to the delivered count; the work types'
// throughputs add up (they partition the issue types); the absolute backlog's last point
// leaves exactly the open issues; quarterly totals equal the sum of weekly throughput; Monte
// Carlo "how many" stays within weeks x [min, max] sample and never rises with the likelihood.
func TestSeriesProperties(t *testing.T) {
	t.Parallel()
	b := genBoard(t, Working)
	prop := func(seed uint64) bool {
		now := propNow()
		issues := genIssues(NewRand(seed), 300, 14, propStart, propSpan)
		facts := make([]IssueFacts, len(issues))
		delivered, open := 0, 0
		for i, is := range issues {
			facts[i] = b.Facts(is, now)
			if f := &facts[i]; f.InScope {
				if f.Delivered {
					delivered++
				}
				if !f.Done.OK {
					open++
				}
			}
		}
		from := DateOf(propStart, b.Location()).AddDays(-10)
		all, err := b.Weekly(facts, WeeklyQuery{From: from, To: DateOf(now, b.Location()), Absolute: true}, now)
		if err != nil {
			t.Log(err)
			return false
		}
		feat, _ := b.Weekly(facts, WeeklyQuery{From: from, WorkTypes: []string{"Features"}}, now)
		fail, _ := b.Weekly(facts, WeeklyQuery{From: from, WorkTypes: []string{"Failures"}}, now)
		sum := 0
		for i, w := range all.Weeks {
			sum += w.Throughput
			if feat.Weeks[i].Throughput+fail.Weeks[i].Throughput != w.Throughput {
				t.Logf("week %s: %d + %d != %d", w.Monday, feat.Weeks[i].Throughput, fail.Weeks[i].Throughput, w.Throughput)
				return false
			}
		}
		last := all.Weeks[len(all.Weeks)-1].Backlog
		if sum != delivered || last.Created-last.Delivered-last.ClosedNotDelivered != open {
			t.Logf("throughput %d, delivered %d; backlog %+v, open %d", sum, delivered, last, open)
			return false
		}
		qs, err := b.Quarterly(facts, QuarterlyQuery{From: from}, now)
		if err != nil {
			t.Log(err)
			return false
		}
		qsum := 0
		for _, q := range qs.Quarters {
			qsum += q.Throughput
		}
		if qsum != sum {
			t.Logf("quarterly %d, weekly %d", qsum, sum)
			return false
		}
		samples, _ := b.Samples(facts, nil, now)
		if samples == nil {
			return true
		}
		weeks := 1 + int(seed%20)
		levels := HowMany(samples, weeks, 500, NewRand(seed), []int{5, 50, 80, 95, 100})
		for i, l := range levels {
			if l.Count < weeks*slices.Min(samples) || l.Count > weeks*slices.Max(samples) ||
				(i > 0 && l.Count > levels[i-1].Count) {
				t.Logf("how many %v with samples %v over %d weeks", levels, samples, weeks)
				return false
			}
		}
		return true
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 25}); err != nil {
		t.Error(err)
	}
}
