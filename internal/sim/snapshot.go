package sim

import (
	"runtime"
	"sync"
)

// istate is one issue's current state at the snapshot's clock, compact enough that searches can
// scan every issue (JQL is evaluated here, not on generated histories).
type istate struct {
	created    int64
	updated    int64
	resolved   int64 // 0 = unresolved
	catChanged int64 // last status-category change (statuscategorychangedate)
	rank       uint64
	idx        int32
	parent     int32
	num        uint32 // current key number
	nhist      uint16 // visible changelog histories
	team       uint16 // current project
	aTeam      uint16 // assignee's team
	status     int16
	prio       int16
	assignee   int16 // -1 = unassigned
	res        int8  // -1 = unresolved
	typ        uint8
	flagged    bool
	labels     uint8 // bit set of labels
}

// snapshot is the world at one instant of the simulated clock; it is immutable once built.
type snapshot struct {
	now      int64
	v        *view
	states   []istate // visible issues (created, not deleted), by index
	pos      []int32  // index -> position in states, -1 when deleted; len = issues created by now
	children map[int32][]int32

	mu    sync.Mutex
	cache map[string][]int32 // search results by (normalised) query
	order []string
}

func (g *generator) snapshot(now int64) *snapshot {
	v := g.at(now)
	n := v.count(now)
	all := make([]istate, n)
	vis := make([]bool, n)
	workers := min(runtime.GOMAXPROCS(0), 8)
	chunk := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*chunk, min(n, (w+1)*chunk)
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]event, 0, 64)
			for i := lo; i < hi; i++ {
				p := g.plan(v, int32(i), buf)
				buf = p.ev
				if p.deleteAt > 0 && p.deleteAt <= now {
					continue
				}
				vis[i] = true
				all[i] = g.stateAt(v, int32(i), &p, now)
			}
		}()
	}
	wg.Wait()
	s := &snapshot{now: now, v: v, pos: make([]int32, n), children: map[int32][]int32{}, cache: map[string][]int32{}}
	for i := range all {
		if !vis[i] {
			s.pos[i] = -1
			continue
		}
		s.pos[i] = int32(len(s.states))
		s.states = append(s.states, all[i])
		if all[i].typ == tySubtask && all[i].parent >= 0 {
			s.children[all[i].parent] = append(s.children[all[i].parent], int32(i))
		}
	}
	return s
}

// stateAt replays the visible part of a plan.
func (g *generator) stateAt(v *view, i int32, p *plan, now int64) istate {
	h := &v.hdr[i]
	st := istate{
		idx: i, created: h.created, updated: h.created, catChanged: h.created, parent: h.parent,
		team: h.team, num: h.num, status: p.initStatus, prio: p.initPrio, assignee: -1, res: -1, typ: h.typ,
		rank: hash3(g.seed, streamRank, uint64(i)),
	}
	for _, e := range p.ev {
		if e.at > now {
			break
		}
		st.nhist++
		st.updated = e.at
		switch e.kind {
		case evStatus:
			if statuses[e.from].Category != statuses[e.to].Category {
				st.catChanged = e.at
			}
			st.status = e.to
			switch {
			case e.res >= 0:
				st.res, st.resolved = e.res, e.at
			case e.res == resClear:
				st.res, st.resolved = -1, 0
			}
		case evMove:
			if e.from != e.to {
				st.catChanged = e.at
			}
			st.status = e.to
			st.team = e.team
			st.num = v.moves[i].num
		case evFlag:
			st.flagged = true
		case evUnflag:
			st.flagged = false
		case evAssignee:
			st.assignee, st.aTeam = e.to, e.team
		case evPriority:
			st.prio = e.to
		case evLabel:
			st.labels |= 1 << uint(e.to)
		}
	}
	return st
}

// state returns the visible state of issue i, or nil if it does not exist (yet or any more).
func (s *snapshot) state(i int32) *istate {
	if i < 0 || int(i) >= len(s.pos) || s.pos[i] < 0 {
		return nil
	}
	return &s.states[s.pos[i]]
}

// cached returns a search result computed at most once per snapshot (small LRU).
func (s *snapshot) cached(key string, compute func() []int32) []int32 {
	s.mu.Lock()
	if r, ok := s.cache[key]; ok {
		s.mu.Unlock()
		return r
	}
	s.mu.Unlock()
	r := compute()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.cache[key]; !ok {
		if len(s.order) >= 32 {
			delete(s.cache, s.order[0])
			s.order = s.order[1:]
		}
		s.cache[key] = r
		s.order = append(s.order, key)
	}
	return s.cache[key]
}
