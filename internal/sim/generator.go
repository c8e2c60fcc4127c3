package sim

import (
	"maps"
	"sort"
	"sync"
	"sync/atomic"
)

// header is the compact record kept per issue (24 bytes): everything else about an issue, its
// whole history included, is re-derived on demand from (seed, index) by plan().
type header struct {
	created int64
	parent  int32 // index of the parent issue (sub-task parent or epic), -1 for none
	num     uint32
	team    uint16 // the project the issue was created in
	typ     uint8
	flags   uint8
}

const (
	hMoves   uint8 = 1 << iota // moved to another project once (its key changes)
	hDeleted                   // deleted at some point (see deleteAt)
)

type moveInfo struct {
	at  int64
	to  uint16
	num uint32 // number in the new project, 0 until the generated horizon passes the move
}

// view is an immutable picture of the generated population up to a horizon. Extending the world
// builds a new view; slices are only ever appended to, so older views stay valid for readers.
type view struct {
	horizon int64
	hdr     []header
	moves   map[int32]moveInfo
	byNum   [][]int32 // per project: issue index by key number - 1 (creations and moves in)
}

type pendingMove struct {
	at  int64
	idx int32
	to  uint16
}

type generator struct {
	seed  int64
	world *World
	arr   *arrivals

	mu         sync.Mutex // serialises extension; readers use cur
	cur        atomic.Pointer[view]
	counters   []uint32
	pending    []pendingMove
	recentStd  [][]int32 // per team: recent issues that may parent a sub-task
	recentEpic [][]int32
}

const (
	moveShare   = 0.03
	deleteShare = 0.012
)

func newGenerator(seed int64, w *World, start int64, n int) *generator {
	g := &generator{seed: seed, world: w, arr: newArrivals(seed, w, start, n)}
	nt := len(w.Teams)
	g.counters = make([]uint32, nt)
	g.recentStd = make([][]int32, nt)
	g.recentEpic = make([][]int32, nt)
	v := &view{horizon: start, moves: map[int32]moveInfo{}, byNum: make([][]int32, nt)}
	g.apply(v, g.arr.past(), start)
	g.cur.Store(v)
	return g
}

// at returns a view whose horizon reaches t, extending the world if needed.
func (g *generator) at(t int64) *view {
	if v := g.cur.Load(); v.horizon >= t {
		return v
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	old := g.cur.Load()
	if old.horizon >= t {
		return old
	}
	v := &view{horizon: t, hdr: old.hdr, moves: maps.Clone(old.moves), byNum: append([][]int32(nil), old.byNum...)}
	g.apply(v, g.arr.until(t), t)
	g.cur.Store(v)
	return v
}

// apply turns a batch of arrivals (sorted, all after the previous horizon) into headers and
// assigns key numbers to creations and moves in time order up to the horizon.
func (g *generator) apply(v *view, batch []arrival, horizon int64) {
	nt := len(g.world.Teams)
	first := len(v.hdr)
	for _, a := range batch {
		i := int32(len(v.hdr))
		tm := g.world.Teams[a.team]
		r := newRNG(g.seed, streamHeader, uint64(i))
		h := header{created: a.at, team: a.team, parent: -1}
		h.typ = uint8(r.pick(tm.tmpl.types[:]))
		if h.typ == tySubtask {
			if rs := g.recentStd[a.team]; len(rs) > 0 {
				h.parent = rs[r.intn(len(rs))]
			} else {
				h.typ = tyTask
			}
		} else if (h.typ == tyStory || h.typ == tyTask || h.typ == tyBug) && r.chance(0.45) {
			if re := g.recentEpic[a.team]; len(re) > 0 {
				h.parent = re[r.intn(len(re))]
			}
		}
		mr := newRNG(g.seed, streamMove, uint64(i))
		if nt > 1 && (h.typ == tyStory || h.typ == tyTask || h.typ == tyBug) && mr.chance(moveShare) {
			h.flags |= hMoves
			at := a.at + int64(mr.lognormal(3*float64(dayMs), 0.7))
			at = min(max(at, a.at+2*hourMs), a.at+45*dayMs)
			to := uint16((int(a.team) + 1 + mr.intn(nt-1)) % nt)
			g.pending = append(g.pending, pendingMove{at: at, idx: i, to: to})
			v.moves[i] = moveInfo{at: at, to: to}
		}
		dr := newRNG(g.seed, streamDelete, uint64(i))
		if h.typ != tyEpic && dr.chance(deleteShare) {
			h.flags |= hDeleted
		}
		// Parents are chosen among issues that never move or vanish, so a child's parent
		// link stays valid (JIRA moves and deletes sub-tasks with their parent).
		if h.flags == 0 {
			switch h.typ {
			case tyStory, tyTask, tyBug:
				g.recentStd[a.team] = ring(g.recentStd[a.team], i, 48)
			case tyEpic:
				g.recentEpic[a.team] = ring(g.recentEpic[a.team], i, 6)
			}
		}
		v.hdr = append(v.hdr, h)
	}
	sort.Slice(g.pending, func(i, j int) bool {
		if g.pending[i].at != g.pending[j].at {
			return g.pending[i].at < g.pending[j].at
		}
		return g.pending[i].idx < g.pending[j].idx
	})
	// Merge creations and moves by time: both consume the next number of their project.
	ci, mi := first, 0
	for {
		hasC := ci < len(v.hdr)
		hasM := mi < len(g.pending) && g.pending[mi].at <= horizon
		if !hasC && !hasM {
			break
		}
		if hasC && (!hasM || v.hdr[ci].created <= g.pending[mi].at) {
			t := v.hdr[ci].team
			g.counters[t]++
			v.hdr[ci].num = g.counters[t]
			v.byNum[t] = append(v.byNum[t], int32(ci))
			ci++
			continue
		}
		pm := g.pending[mi]
		g.counters[pm.to]++
		mv := v.moves[pm.idx]
		mv.num = g.counters[pm.to]
		v.moves[pm.idx] = mv
		v.byNum[pm.to] = append(v.byNum[pm.to], pm.idx)
		mi++
	}
	g.pending = g.pending[mi:]
}

func ring(s []int32, v int32, n int) []int32 {
	if len(s) < n {
		return append(s, v)
	}
	copy(s, s[1:])
	s[len(s)-1] = v
	return s
}

// deleteAt is when a deleted issue disappears (0 = never): some are mistakes removed within hours,
// others are cleaned up weeks later.
func (g *generator) deleteAt(i int32, h *header) int64 {
	if h.flags&hDeleted == 0 {
		return 0
	}
	r := newRNG(g.seed, streamDelete, uint64(i))
	r.float() // the draw apply() used to decide the deletion
	if r.chance(0.5) {
		return h.created + hourMs/4 + int64(r.lognormal(3*float64(hourMs), 1))
	}
	return h.created + dayMs + int64(r.lognormal(40*float64(dayMs), 0.8))
}

// count returns how many issues exist (created, deleted or not) at time t.
func (v *view) count(t int64) int {
	return sort.Search(len(v.hdr), func(i int) bool { return v.hdr[i].created > t })
}
