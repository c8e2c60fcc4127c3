package sim

import (
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Release tags. A repository that ships on a cadence has a schedule of release slots (its
// release weekday every `cadence` days, in the afternoon of the team's zone); a slot is sometimes
// skipped (holidays, a freeze), usually bumps the minor version and now and then the major. Some
// releases get a release candidate the day before and a hotfix or two in the days after. The
// schedule is a pure function of the seed; which commit a tag points at comes from the pull
// requests merged by then (snapshot.go's ghSnapshot), so tags appear as the clock moves.

// Tag kinds.
const (
	tkRelease uint8 = iota
	tkRC
	tkPatch
	tkNightly
)

type relTag struct {
	at        int64
	id        uint64 // unique per repo: slot*8 + variant (nightlies: 1<<40 + day)
	kind      uint8
	maj, mnr  int
	pat       int
	annotated bool
}

func (t *relTag) name() string {
	switch t.kind {
	case tkRC:
		return fmt.Sprintf("v%d.%d.0-rc.1", t.maj, t.mnr)
	case tkNightly: // named after the local day of the build (id = 1<<40 | local epoch day)
		return "nightly-" + time.UnixMilli(int64(t.id&(1<<40-1))*dayMs).UTC().Format("20060102")
	}
	return "v" + strconv.Itoa(t.maj) + "." + strconv.Itoa(t.mnr) + "." + strconv.Itoa(t.pat)
}

// schedule holds every repository's release tags, generated lazily and only ever appended to.
type schedule struct {
	mu      sync.Mutex
	upto    int64
	tags    [][]relTag // per repo, sorted by time, complete up to upto
	pending [][]relTag // per repo: generated tags after upto (hotfixes of the last slot)
	state   []schedState
}

type schedState struct {
	slot     int
	maj, mnr int
	started  bool
}

// relTags returns a repository's release tags made at or before t.
func (s *Sim) relTags(repo *ghRepo, t int64) []relTag {
	sc := &s.sched
	sc.mu.Lock()
	if t > sc.upto {
		s.extendSchedule(t + 90*dayMs)
	}
	all := sc.tags[repo.idx]
	sc.mu.Unlock()
	n := len(all)
	for n > 0 && all[n-1].at > t {
		n--
	}
	return all[:n]
}

// extendSchedule generates release slots until `upto` (caller holds sc.mu).
func (s *Sim) extendSchedule(upto int64) {
	sc := &s.sched
	if sc.tags == nil {
		sc.tags = make([][]relTag, len(s.gh.repos))
		sc.pending = make([][]relTag, len(s.gh.repos))
		sc.state = make([]schedState, len(s.gh.repos))
	}
	for _, repo := range s.gh.repos {
		if repo.cadence == 0 {
			continue
		}
		st := &sc.state[repo.idx]
		cal := &repo.team.cal
		// The first release is two weeks after the repository was created, on its weekday.
		first := floorDiv(cal.toLocal(repo.created), dayMs) + 14
		for weekdayOf(first) != int64(repo.relDow) {
			first++
		}
		batch := sc.pending[repo.idx]
		for {
			day := first + int64(st.slot*repo.cadence)
			r := newRNG(s.opts.Seed, streamRelease, uint64(repo.idx)<<32|uint64(st.slot))
			local := day*dayMs + int64(repo.relHour*float64(hourMs)) + int64(r.intn(int(90*minMs)))
			at := sec(cal.toUTC(local))
			if at-2*dayMs > upto {
				break // neither this slot's release candidate nor anything later can be due yet
			}
			slot := st.slot
			st.slot++
			if r.chance(0.08) {
				continue // skipped: nothing this time
			}
			switch {
			case !st.started:
				st.started, st.maj, st.mnr = true, repo.major0, 0
			case r.chance(0.03):
				st.maj, st.mnr = st.maj+1, 0
			default:
				st.mnr++
			}
			id := uint64(slot) * 8
			if r.chance(0.15) {
				batch = append(batch, relTag{at: sec(cal.toUTC(local - dayMs)), id: id + 1, kind: tkRC, maj: st.maj, mnr: st.mnr})
			}
			batch = append(batch, relTag{at: at, id: id, kind: tkRelease, maj: st.maj, mnr: st.mnr, annotated: r.float() < repo.annotated})
			if r.chance(0.15) {
				fix := sec(cal.addWork(at, 4+r.float()*12))
				batch = append(batch, relTag{at: fix, id: id + 2, kind: tkPatch, maj: st.maj, mnr: st.mnr, pat: 1, annotated: r.float() < repo.annotated})
				if r.chance(0.3) {
					batch = append(batch, relTag{at: sec(cal.addWork(fix, 2+r.float()*6)), id: id + 3, kind: tkPatch, maj: st.maj, mnr: st.mnr, pat: 2, annotated: r.float() < repo.annotated})
				}
			}
		}
		// Hotfixes may land after the next slot's release candidate: keep the list in time order,
		// and hold back what is not due yet so later extensions keep it sorted.
		sortRelTags(batch)
		n := 0
		for n < len(batch) && batch[n].at <= upto {
			n++
		}
		sc.tags[repo.idx] = append(sc.tags[repo.idx], batch[:n]...)
		sc.pending[repo.idx] = append([]relTag(nil), batch[n:]...)
	}
	sc.upto = upto
}

func sortRelTags(t []relTag) {
	for i := 1; i < len(t); i++ {
		for j := i; j > 0 && t[j].at < t[j-1].at; j-- {
			t[j], t[j-1] = t[j-1], t[j]
		}
	}
}

// releaseAt is the version of the newest release at or before t (a hotfix targets its branch).
func (s *Sim) releaseAt(repo *ghRepo, t int64) (maj, mnr int, ok bool) {
	tags := s.relTags(repo, t)
	for k := len(tags) - 1; k >= 0; k-- {
		if tags[k].kind == tkRelease {
			return tags[k].maj, tags[k].mnr, true
		}
	}
	return 0, 0, false
}

// nightlies lists a repository's nightly build slots from its first nightly to t: 02:00 local on
// weekdays. Whether a slot becomes a tag depends on merges (a night without changes is skipped).
func nightlySlots(repo *ghRepo, t int64, yield func(at int64, day int64)) {
	if !repo.nightly {
		return
	}
	cal := &repo.team.cal
	d0 := floorDiv(cal.toLocal(repo.nightlyFrom), dayMs)
	for d := d0; ; d++ {
		if weekdayOf(d) >= 5 {
			continue
		}
		at := cal.toUTC(d*dayMs + 2*hourMs)
		if at > t {
			return
		}
		yield(at, d)
	}
}

// Object ids. A SHA encodes what it names (kind and item) under an invertible mix keyed by the
// seed, followed by a checksum, so any SHA the simulator hands out resolves without a lookup
// table and anything else is rejected.
const (
	shaMerge  uint64 = 1 // merge (or squash) commit of PR item
	shaHead   uint64 = 2 // commit k of PR i: item = i<<5 | k
	shaInit   uint64 = 4 // initial commit of repository item
	shaTagObj uint64 = 5 // annotated tag object: item = repo<<48 | tag id
	shaTree   uint64 = 6 // a commit's tree
)

func (s *Sim) sha(kind, item uint64) string {
	x := kind<<56 | item&(1<<56-1)
	enc := mix64(x ^ s.shaKey)
	return fmt.Sprintf("%016x%016x%08x", enc, hash3(s.opts.Seed, streamSHA, x), uint32(hash3(s.opts.Seed, streamSHA, ^x)))
}

// parseSHA returns the kind and item a SHA names, or ok=false for anything the simulator did not
// hand out.
func (s *Sim) parseSHA(v string) (kind, item uint64, ok bool) {
	if len(v) != 40 {
		return 0, 0, false
	}
	enc, err := strconv.ParseUint(v[:16], 16, 64)
	if err != nil {
		return 0, 0, false
	}
	x := unmix64(enc) ^ s.shaKey
	kind, item = x>>56, x&(1<<56-1)
	if s.sha(kind, item) != v {
		return 0, 0, false
	}
	return kind, item, true
}

// unmix64 inverts mix64.
func unmix64(x uint64) uint64 {
	x = unxorshift(x, 31)
	x *= inverse64(0x94d049bb133111eb)
	x = unxorshift(x, 27)
	x *= inverse64(0xbf58476d1ce4e5b9)
	x = unxorshift(x, 30)
	return x
}

func unxorshift(y uint64, s uint) uint64 {
	x := y
	for k := s; k < 64; k += s {
		x = y ^ x>>s
	}
	return x
}

// inverse64 is the multiplicative inverse of an odd number modulo 2^64 (Newton's iteration).
func inverse64(a uint64) uint64 {
	x := a
	for range 6 {
		x *= 2 - a*x
	}
	return x
}
