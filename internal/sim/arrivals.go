package sim

import (
	"math"
	"sort"
	"time"
)

// historyDays is how far back the generated history reaches before the clock's start.
const historyDays = 3 * 365

// Arrivals: each team has a weight function over time (working hours in its zone, weekly and daily
// noise, holidays, slow growth). Issue j of a team is placed at quantile (j+u_j)/density of that
// weight ("stratified sampling"), so
//   - exactly Options.Issues issues exist at the clock's start (the quotas add up),
//   - issue j's creation time is computable on its own, in order, without generating the others,
//   - issues created after the start (clock advance) continue the same process seamlessly.

// activity is the share of a team's arrivals in each local hour of the week (Monday 00:00 = 0).
func activity(t *template) [168]float64 {
	var a [168]float64
	onCall := t.wf.onCall
	for h := range 168 {
		day, hr := h/24, float64(h%24)+0.5
		weekend := day >= 5
		switch {
		case weekend && hr >= 8 && hr < 20:
			a[h] = 0.02 + onCall*0.5
		case weekend:
			a[h] = 0.004 + onCall*0.2
		case hr >= t.workStart && hr < t.workEnd:
			a[h] = 1
		case hr >= t.workStart-1 && hr < t.workEnd+1:
			a[h] = 0.25
		case hr >= 7 && hr < 22:
			a[h] = 0.04 + onCall*0.4
		default:
			a[h] = 0.005 + onCall*0.3
		}
	}
	return a
}

type teamStream struct {
	act     [168]float64
	cum     []float64 // cumulative weight through block k (blocks are 24 h, aligned to the start)
	scale   []float64 // the block's multiplier on the activity profile
	hw0     []uint8   // local hour-of-week at the block's start
	density float64   // issues per unit of weight
	quota   int       // issues before the start
	next    int       // next issue number to place after the start
	last    int64     // creation time of the previous issue (kept strictly increasing)
}

type arrivals struct {
	seed      int64
	spanStart int64
	start     int64
	world     *World
	teams     []*teamStream
}

func newArrivals(seed int64, w *World, start int64, n int) *arrivals {
	a := &arrivals{seed: seed, spanStart: start - historyDays*dayMs, start: start, world: w}
	total := 0.0
	for _, tm := range w.Teams {
		ts := &teamStream{act: activity(tm.tmpl)}
		a.teams = append(a.teams, ts)
		a.extendTeam(tm, ts, historyDays)
		total += ts.cum[historyDays-1]
	}
	// Split n into per-team quotas by largest remainder, so they add up to n exactly.
	type rem struct {
		t int
		r float64
	}
	var rems []rem
	given := 0
	for i, ts := range a.teams {
		exact := float64(n) * ts.cum[historyDays-1] / total
		ts.quota = int(exact)
		given += ts.quota
		rems = append(rems, rem{i, exact - float64(ts.quota)})
	}
	sort.SliceStable(rems, func(i, j int) bool { return rems[i].r > rems[j].r })
	for k := 0; given < n; k++ {
		a.teams[rems[k%len(rems)].t].quota++
		given++
	}
	for _, ts := range a.teams {
		ts.next = ts.quota
		if ts.quota > 0 {
			ts.density = float64(ts.quota) / ts.cum[historyDays-1]
		}
	}
	return a
}

// extendTeam appends blocks until the team's tables hold `blocks` of them.
func (a *arrivals) extendTeam(tm *Team, ts *teamStream, blocks int) {
	for k := len(ts.cum); k < blocks; k++ {
		bs := a.spanStart + int64(k)*dayMs
		off := tm.cal.offsetMs(bs)
		local := bs + off
		hw0 := int(((floorDiv(local, hourMs)+72)%168 + 168) % 168)
		base := 0.0
		for h := range 24 {
			base += ts.act[(hw0+h)%168]
		}
		localDay := floorDiv(local, dayMs)
		week := floorDiv(localDay+3, 7)
		growth := 0.6 + 0.8*math.Min(float64(k)/historyDays, 1.5)
		wr := newRNG(a.seed, streamWeek, uint64(tm.Index)<<32|uint64(week))
		dr := newRNG(a.seed, streamBlock, uint64(tm.Index)<<32|uint64(k))
		scale := tm.weight * growth * wr.lognormal(1, 0.3) * dr.lognormal(1, 0.3)
		if d := time.UnixMilli(local).UTC(); (d.Month() == time.December && d.Day() >= 23) || (d.Month() == time.January && d.Day() <= 2) {
			scale *= 0.25
		}
		prev := 0.0
		if k > 0 {
			prev = ts.cum[k-1]
		}
		ts.cum = append(ts.cum, prev+base*scale)
		ts.scale = append(ts.scale, scale)
		ts.hw0 = append(ts.hw0, uint8(hw0))
	}
}

// created places issue j of team tm in time (ms since epoch).
func (a *arrivals) created(tm *Team, ts *teamStream, j int) int64 {
	u := unit(hash3(a.seed, streamArrival, uint64(tm.Index)<<40|uint64(j)))
	q := (float64(j) + u) / ts.density
	k := sort.Search(len(ts.cum), func(k int) bool { return ts.cum[k] > q })
	for k == len(ts.cum) {
		a.extendTeam(tm, ts, len(ts.cum)+90)
		k = sort.Search(len(ts.cum), func(k int) bool { return ts.cum[k] > q })
	}
	x := q
	if k > 0 {
		x -= ts.cum[k-1]
	}
	x /= ts.scale[k]
	bs := a.spanStart + int64(k)*dayMs
	hw0 := int(ts.hw0[k])
	at := bs + 23*hourMs
	for h := range 24 {
		w := ts.act[(hw0+h)%168]
		if x < w {
			at = bs + int64(h)*hourMs + int64(x/w*float64(hourMs))
			break
		}
		x -= w
	}
	return at
}

type arrival struct {
	at   int64
	team uint16
}

// past returns every issue created before the start, in creation order.
func (a *arrivals) past() []arrival {
	var out []arrival
	for ti, ts := range a.teams {
		tm := a.world.Teams[ti]
		for j := range ts.quota {
			at := a.created(tm, ts, j)
			if at <= ts.last {
				at = ts.last + 1
			}
			ts.last = at
			out = append(out, arrival{at, uint16(ti)})
		}
	}
	sortArrivals(out)
	return out
}

// until returns the issues created after the previous call and at or before horizon.
func (a *arrivals) until(horizon int64) []arrival {
	var out []arrival
	for ti, ts := range a.teams {
		if ts.density == 0 {
			continue
		}
		tm := a.world.Teams[ti]
		for {
			at := a.created(tm, ts, ts.next)
			if at <= ts.last {
				at = ts.last + 1
			}
			if at <= a.start {
				at = a.start + 1
			}
			if at > horizon {
				break
			}
			ts.last = at
			ts.next++
			out = append(out, arrival{at, uint16(ti)})
		}
	}
	sortArrivals(out)
	return out
}

func sortArrivals(s []arrival) {
	sort.Slice(s, func(i, j int) bool {
		if s[i].at != s[j].at {
			return s[i].at < s[j].at
		}
		return s[i].team < s[j].team
	})
}
