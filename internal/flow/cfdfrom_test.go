package flow

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// TestCFDCountsHandBuilt: the tracks of TestCFDHandBuilt (UTC; bands unmapped | To Do | Dev |
// Review | Done) as stored CFD counts: per type, the bands at the end of each day they change.
//
//	A (Story): To Do Mon 3 → Dev Tue 4 → Done Wed 5 23:59 → Review Thu 6 00:00 → Done Fri 7
//	  changes: Mar 3 +To Do; Mar 4 −To Do +Dev; Mar 5 −Dev +Done; Mar 6 −Done +Review; Mar 7 −Review +Done
//	B (Story): unmapped from Tue 4 00:00 → To Do Thu 6 12:00
//	  changes: Mar 4 +unmapped; Mar 6 −unmapped +To Do
//	C deleted: nothing. D (Bug): Dev from Sun 2: Mar 2 +Dev.
//
// Story, summed day by day: Mar 3 [0 1 0 0 0]; Mar 4 [0 1 0 0 0]+[1 −1 1 0 0] = [1 0 1 0 0];
// Mar 5 [1 0 0 0 1]; Mar 6 [1 0 0 0 1]+[−1 1 0 1 −1] = [0 1 0 1 0]; Mar 7 [0 1 0 0 1].
func TestCFDCountsHandBuilt(t *testing.T) {
	t.Parallel()
	b := simpleBoard(t, func(c *BoardConfig) {
		c.WorkTypes = []WorkType{{"Features", []string{"Story"}}, {"Failures", []string{"Bug"}}}
	})
	a := hist(t, "A", "2025-03-03T10:00:00Z", "2025-03-04T10:00:00Z", "1", "2", "2025-03-05T23:59:00Z", "2", "4",
		"2025-03-06T00:00:00Z", "4", "3", "2025-03-07T12:00:00Z", "3", "4")
	bb := hist(t, "B", "2025-03-04T00:00:00Z", "2025-03-06T12:00:00Z", "91", "1")
	c := hist(t, "C", "2025-03-03T10:00:00Z", "2025-03-04T10:00:00Z", "1", "2")
	c.Deleted = true
	d := hist(t, "D", "2025-03-02T10:00:00Z")
	d.Status, d.Type = "2", "Bug"
	var cc CFDCounter
	for _, is := range []Issue{a, bb, c, d} {
		tr := b.Track(is)
		cc.Add(b, &tr)
	}
	var got []string
	for _, c := range cc.Counts() {
		got = append(got, fmt.Sprintf("%s %s %v", c.Type, c.Day, c.Bands))
	}
	want := []string{"Bug 2025-03-02 [0 0 1 0 0]",
		"Story 2025-03-03 [0 1 0 0 0]", "Story 2025-03-04 [1 0 1 0 0]", "Story 2025-03-05 [1 0 0 0 1]",
		"Story 2025-03-06 [0 1 0 1 0]", "Story 2025-03-07 [0 1 0 0 1]"}
	if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
		t.Errorf("counts:\n got %q\nwant %q", got, want)
	}
	// Mar 6 to Mar 31 from the counts of those days and the last one before them of each type
	// (Bug Mar 2, Story Mar 5), as the store selects them: Mar 6 = Story [0 1 0 1 0] + Bug
	// [0 0 1 0 0] = [0 1 1 1 0], WIP (Dev, Review) 2; Mar 7 [0 1 1 0 1], WIP 1 (today: the end).
	all := cc.Counts()
	sel := []CFDCount{all[0], all[3], all[4], all[5]}
	cfd, err := b.CFDFrom(sel, CFDQuery{From: Date{2025, 3, 6}, To: Date{2025, 3, 31}}, at(t, "2025-03-07T15:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, d := range cfd.Days {
		rows = append(rows, fmt.Sprintf("%s %v %d", d.Date, d.Bands, d.WIP))
	}
	if want := []string{"2025-03-06 [0 1 1 1 0] 2", "2025-03-07 [0 1 1 0 1] 1"}; fmt.Sprintf("%q", rows) != fmt.Sprintf("%q", want) {
		t.Errorf("days:\n got %q\nwant %q", rows, want)
	}
}

// cfdDirect is the CFD as computed before CFD counts existed: straight from every track's
// segments, clipped to the range. CFD (through the counts) must equal it.
func (b *Board) cfdDirect(tracks []Track, q CFDQuery, now time.Time) (CFD, error) {
	tf, err := b.filter(q.WorkTypes)
	if err != nil {
		return CFD{}, err
	}
	today := b.localDay(now)
	d0, d1 := today-182, today
	if !q.From.IsZero() {
		d0 = q.From.day()
	}
	if !q.To.IsZero() {
		d1 = min(q.To.day(), today)
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return CFD{}, ErrRange
	}
	out := CFD{Bands: append([]string{"unmapped"}, b.names...)}
	if d1 < d0 {
		return out, nil
	}
	days := int(d1 - d0 + 1)
	nb := b.n + 1
	diff := make([]int, (days+1)*nb)
	for i := range tracks {
		tr := &tracks[i]
		if !tr.InScope || !tf.keep(tr.Type) {
			continue
		}
		segs := tr.Segments
		for k := range segs {
			ds := b.localDay(segs[k].From)
			de := d1 + 1
			if k+1 < len(segs) {
				de = min(b.localDay(segs[k+1].From), de)
			}
			ds = max(ds, d0)
			if de <= ds {
				continue
			}
			band := int(segs[k].Pos) + 1
			diff[int(ds-d0)*nb+band]++
			diff[int(de-d0)*nb+band]--
		}
	}
	run := make([]int, nb)
	out.Days = make([]CFDDay, days)
	for d := 0; d < days; d++ {
		day := CFDDay{Date: dateOfDay(d0 + int64(d)), Bands: make([]int, nb)}
		for k := 0; k < nb; k++ {
			run[k] += diff[d*nb+k]
			day.Bands[k] = run[k]
		}
		for p := b.start; p < b.end; p++ {
			day.WIP += run[p+1]
		}
		out.Days[d] = day
	}
	return out, nil
}

// The CFD page reads the stored CFD counts of the days it shows plus, per type, the last count
// before them (CFDFrom) instead of every track (CFD, the segments of every fact). Over random
// boards and queries both equal the direct computation from the segments, bit for bit.
func TestCFDFromEqualsCFD(t *testing.T) {
	t.Parallel()
	for _, mode := range []DayMode{Working, Calendar} {
		b := genBoard(t, mode)
		rng := NewRand(37)
		issues := genIssues(rng, 3000, 12, propStart, propSpan)
		now := propNow()
		tracks := make([]Track, len(issues))
		var cc CFDCounter
		for i := range issues {
			tracks[i] = b.Track(issues[i])
			cc.Add(b, &tracks[i])
		}
		counts := cc.Counts()
		loc := b.Location()
		queries := []CFDQuery{
			{},
			{WorkTypes: []string{"Failures"}},
			{From: DateOf(propStart, loc).AddDays(-10), To: DateOf(now, loc).AddDays(30)},
			{From: DateOf(propStart, loc).AddDays(40), To: DateOf(propStart, loc).AddDays(40)},
			{From: DateOf(now, loc).AddDays(5)},
			{To: DateOf(propStart, loc).AddDays(-1)},
		}
		for k := range 30 {
			from := propStart.Add(time.Duration(rng.Int64N(int64(propSpan))))
			to := from.Add(time.Duration(rng.Int64N(int64(400 * 24 * time.Hour))))
			q := CFDQuery{From: DateOf(from, loc), To: DateOf(to, loc)}
			switch k % 3 {
			case 1:
				q.WorkTypes = []string{"Features"}
			case 2:
				q.From = Date{}
			}
			queries = append(queries, q)
		}
		for i, q := range queries {
			want, err := b.cfdDirect(tracks, q, now)
			if err != nil {
				t.Fatal(err)
			}
			all, err := b.CFD(tracks, q, now)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(all, want) {
				t.Fatalf("mode %v query %d %+v: CFD over every track differs from the direct computation", mode, i, q)
			}
			from, to, err := b.CFDSpan(q, now)
			if err != nil {
				t.Fatal(err)
			}
			// As the store selects them: the counts of [from, to] and the last one before from of
			// each type, grouped by type in day order.
			var sel []CFDCount
			for j, c := range counts {
				last := j+1 == len(counts) || counts[j+1].Type != c.Type || !counts[j+1].Day.Before(from)
				if (!c.Day.Before(from) && !c.Day.After(to)) || (c.Day.Before(from) && last) {
					sel = append(sel, c)
				}
			}
			got, err := b.CFDFrom(sel, q, now)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("mode %v query %d %+v: CFDFrom the selected counts differs from CFD", mode, i, q)
			}
			if len(sel) == len(counts) && len(counts) > 100 && i > 0 && q.From != (Date{}) {
				t.Logf("query %d selected every count", i)
			}
		}
		if _, err := b.CFDFrom(counts, CFDQuery{From: Date{2025, 2, 1}, To: Date{2025, 1, 1}}, now); err != ErrRange {
			t.Errorf("reversed range: %v", err)
		}
	}
}

// The aging view reads the in-progress facts, the weekly counts and the delivered facts done
// within AgingSpan (AgingWIPFrom) instead of every fact (AgingWIP). Over random boards and work
// types the two are identical.
func TestAgingWIPFromEqualsAgingWIP(t *testing.T) {
	t.Parallel()
	withLines := false
	for _, mode := range []DayMode{Working, Calendar} {
		b := genBoard(t, mode)
		issues := genIssues(NewRand(43), 3000, 12, propStart, propSpan)
		for _, now := range []time.Time{propStart.Add(propSpan / 2), propStart.Add(propSpan), propNow()} {
			facts := make([]IssueFacts, len(issues))
			var c Counter
			for i := range issues {
				facts[i] = b.Facts(issues[i], now)
				c.Add(b, &facts[i])
			}
			lo, hi, err := b.AgingSpan(now)
			if err != nil {
				t.Fatal(err)
			}
			var wip, lead []IssueFacts // as the store selects them, in issue order
			for _, f := range facts {
				if f.InScope && f.Started.OK && !f.Done.OK && b.InProgress(f.Position) {
					wip = append(wip, f)
				}
				if f.Delivered && !f.Done.V.Before(lo) && f.Done.V.Before(hi) {
					lead = append(lead, f)
				}
			}
			for _, types := range [][]string{nil, {"Failures"}, {"Features"}} {
				want, err := b.AgingWIP(facts, types, now)
				if err != nil {
					t.Fatal(err)
				}
				got, err := b.AgingWIPFrom(wip, c.Counts(), lead, types, now)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("mode %v now %v types %v: AgingWIPFrom differs from AgingWIP", mode, now, types)
				}
				if len(want.Items) == 0 {
					t.Fatalf("mode %v now %v types %v: no item to compare", mode, now, types)
				}
				withLines = withLines || len(want.Lines) > 0
			}
		}
	}
	if !withLines {
		t.Error("no query had aging lines")
	}
}
