package sim

import (
	"sort"
	"sync"
)

// ghSnapshot is the GitHub side at one clock value, built lazily and shared by every request at
// that time (like the JIRA snapshot): each pull request's state, every merge per repository and
// branch (what tags and branch tips point at), and the tags that exist.

type prState struct {
	created, updated int64
	closed, merged   int64 // 0 = not (yet)
	idx              int32
	num              uint32
	repo             uint16
	comments         uint16
	open, draft      bool
	relBase          bool
	relMaj, relMin   int16
}

// mergeEntry is a pull request merged into a branch (0 = main, else release maj<<16|min + 1).
type mergeEntry struct {
	at     int64
	idx    int32
	branch int32
}

// commitRef names a commit: a PR's merge commit, or a repository's initial commit.
type commitRef struct {
	kind uint64 // shaMerge | shaInit
	item uint64
	at   int64
}

type ghTag struct {
	relTag
	name   string
	commit commitRef
}

type ghSnapshot struct {
	now    int64
	v      *prView
	states []prState // by PR index; len = PRs created by now
	byRepo [][]int32 // per repo, in number order
	merges [][]mergeEntry
	tags   [][]ghTag // per repo, in time order
	tagIdx []map[string]int

	mu    sync.Mutex
	cache map[string][]int32
	order []string
	rjson map[int][]byte // rendered repository objects (they embed pushed_at and counts)
}

func relBranch(maj, mnr int) int32 { return int32(maj)<<16 | int32(mnr) + 1 }

func (s *Sim) ghCurrent() *ghSnapshot {
	now := s.nowMs()
	s.ghMu.Lock()
	defer s.ghMu.Unlock()
	if s.ghSnap == nil || s.ghSnap.now != now {
		s.ghSnap = s.buildGHSnapshot(now)
	}
	return s.ghSnap
}

func (s *Sim) buildGHSnapshot(now int64) *ghSnapshot {
	v := s.prs.at(now)
	n := v.count(now)
	sn := &ghSnapshot{now: now, v: v, states: make([]prState, n), cache: map[string][]int32{}, rjson: map[int][]byte{}}
	nr := len(s.gh.repos)
	sn.byRepo = make([][]int32, nr)
	sn.merges = make([][]mergeEntry, nr)
	for r := range nr {
		l := v.byRepo[r]
		k := sort.Search(len(l), func(k int) bool { return int(l[k]) >= n })
		sn.byRepo[r] = l[:k]
	}
	for i := range n {
		p := s.planPR(v, int32(i))
		st := p.at(now)
		ps := prState{created: p.hdr.created, updated: st.updated, closed: st.closed, merged: st.mergedAt, idx: int32(i),
			num: p.hdr.num, repo: p.hdr.repo, comments: uint16(st.comments), open: st.open, draft: st.draft,
			relBase: p.relBase, relMaj: int16(p.relMaj), relMin: int16(p.relMin)}
		sn.states[i] = ps
		if st.merged {
			b := int32(0)
			if p.relBase {
				b = relBranch(p.relMaj, p.relMin)
			}
			sn.merges[p.hdr.repo] = append(sn.merges[p.hdr.repo], mergeEntry{at: st.mergedAt, idx: int32(i), branch: b})
		}
	}
	for r := range sn.merges {
		m := sn.merges[r]
		sort.Slice(m, func(a, b int) bool {
			if m[a].at != m[b].at {
				return m[a].at < m[b].at
			}
			return m[a].idx < m[b].idx
		})
	}
	sn.tags = make([][]ghTag, nr)
	sn.tagIdx = make([]map[string]int, nr)
	for _, repo := range s.gh.repos {
		var tags []ghTag
		for _, rt := range s.relTags(repo, now) {
			c := sn.tipAt(repo, 0, rt.at)
			if rt.kind == tkPatch {
				if fix := sn.tipAt(repo, relBranch(rt.maj, rt.mnr), rt.at); fix.kind == shaMerge {
					c = fix
				}
			}
			tags = append(tags, ghTag{relTag: rt, name: rt.name(), commit: c})
		}
		var last commitRef
		nightlySlots(repo, now, func(at, day int64) {
			c := sn.tipAt(repo, 0, at)
			if c.kind != shaMerge || c == last {
				return // nothing new merged since the last nightly
			}
			last = c
			rt := relTag{at: sec(at), id: 1<<40 | uint64(day), kind: tkNightly}
			name := rt.name()
			if hp := s.world.hostile; len(hp) > 0 {
				name += "-" + hostile(hp, hoTag+int(day)) // git allows <, >, quotes and = in a ref
			}
			tags = append(tags, ghTag{relTag: rt, name: name, commit: c})
		})
		sort.SliceStable(tags, func(a, b int) bool { return tags[a].at < tags[b].at })
		sn.tags[repo.idx] = tags
		idx := make(map[string]int, len(tags))
		for k, t := range tags {
			idx[t.name] = k
		}
		sn.tagIdx[repo.idx] = idx
	}
	return sn
}

// tipAt is the newest commit on a branch at time t: the last PR merged into it, else the
// repository's initial commit (release branches without a fix start at their release, which the
// caller handles).
func (sn *ghSnapshot) tipAt(repo *ghRepo, branch int32, t int64) commitRef {
	m := sn.merges[repo.idx]
	k := sort.Search(len(m), func(k int) bool { return m[k].at > t })
	for k--; k >= 0; k-- {
		if m[k].branch == branch {
			return commitRef{kind: shaMerge, item: uint64(m[k].idx), at: m[k].at}
		}
	}
	return commitRef{kind: shaInit, item: uint64(repo.idx), at: sec(repo.created)}
}

// prevOnBranch is the commit before a merge on its branch (the merge commit's first parent).
func (sn *ghSnapshot) prevOnBranch(repo *ghRepo, branch int32, at int64, idx int32) commitRef {
	m := sn.merges[repo.idx]
	k := sort.Search(len(m), func(k int) bool { return m[k].at > at || (m[k].at == at && m[k].idx >= idx) })
	for k--; k >= 0; k-- {
		if m[k].branch == branch {
			return commitRef{kind: shaMerge, item: uint64(m[k].idx), at: m[k].at}
		}
	}
	return commitRef{kind: shaInit, item: uint64(repo.idx), at: sec(repo.created)}
}

// pr finds a repository's pull request by number.
func (sn *ghSnapshot) pr(repo *ghRepo, num int) *prState {
	l := sn.byRepo[repo.idx]
	k := sort.Search(len(l), func(k int) bool { return sn.states[l[k]].num >= uint32(num) })
	if k < len(l) && sn.states[l[k]].num == uint32(num) {
		return &sn.states[l[k]]
	}
	return nil
}

// cached memoises a sorted/filtered list per snapshot (small LRU).
func (sn *ghSnapshot) cached(key string, compute func() []int32) []int32 {
	sn.mu.Lock()
	if r, ok := sn.cache[key]; ok {
		sn.mu.Unlock()
		return r
	}
	sn.mu.Unlock()
	r := compute()
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if _, ok := sn.cache[key]; !ok {
		if len(sn.order) >= 64 {
			delete(sn.cache, sn.order[0])
			sn.order = sn.order[1:]
		}
		sn.cache[key] = r
		sn.order = append(sn.order, key)
	}
	return sn.cache[key]
}

// openCount is the number of open pull requests of a repository (GitHub's open_issues_count
// counts them with the issues; the simulated repositories have no issues).
func (sn *ghSnapshot) openCount(repo *ghRepo) int {
	n := 0
	for _, i := range sn.byRepo[repo.idx] {
		if sn.states[i].open {
			n++
		}
	}
	return n
}

// pushedAt is the last push to the repository: the newest merge or PR commit, or its creation.
func (sn *ghSnapshot) pushedAt(repo *ghRepo) int64 {
	t := sec(repo.created)
	if m := sn.merges[repo.idx]; len(m) > 0 {
		t = max(t, m[len(m)-1].at)
	}
	return t
}
