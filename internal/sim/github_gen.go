package sim

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Pull requests are generated like issues: an arrival process per team (working hours in the
// team's zone, weekly noise, growth; see arrivals.go) places exactly Options.PRs of them before
// the clock's start, each lands in one of its team's repositories and takes that repository's
// next number, and PR i's whole life (author, draft, pushes, comments, merge or close, size) is a
// pure function of (seed, i) planned by planPR. The clock only reveals more of it.

// prHeader is what is kept per pull request (16 bytes); the rest is re-planned on demand.
type prHeader struct {
	created int64 // ms, whole seconds (GitHub's timestamps have no fractions)
	num     uint32
	repo    uint16
}

type prView struct {
	horizon int64
	hdr     []prHeader
	byRepo  [][]int32 // per repo: PR indices in number order
}

// count returns how many pull requests exist at time t.
func (v *prView) count(t int64) int {
	return sort.Search(len(v.hdr), func(i int) bool { return v.hdr[i].created > t })
}

type prGenerator struct {
	seed int64
	gh   *ghWorld
	arr  *arrivals

	mu       sync.Mutex
	cur      atomic.Pointer[prView]
	counters []uint32
}

func newPRGenerator(seed int64, w *World, gh *ghWorld, start int64, n int) *prGenerator {
	arrSeed := int64(hash3(seed, streamPRArrival, 0))
	g := &prGenerator{seed: seed, gh: gh, arr: newArrivals(arrSeed, w, start, n), counters: make([]uint32, len(gh.repos))}
	v := &prView{horizon: start, byRepo: make([][]int32, len(gh.repos))}
	g.apply(v, g.arr.past())
	g.cur.Store(v)
	return g
}

func (g *prGenerator) at(t int64) *prView {
	if v := g.cur.Load(); v.horizon >= t {
		return v
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	old := g.cur.Load()
	if old.horizon >= t {
		return old
	}
	v := &prView{horizon: t, hdr: old.hdr, byRepo: append([][]int32(nil), old.byRepo...)}
	g.apply(v, g.arr.until(t))
	g.cur.Store(v)
	return v
}

// apply turns arrivals (sorted, after the previous horizon) into headers with repo and number.
func (g *prGenerator) apply(v *prView, batch []arrival) {
	for _, a := range batch {
		i := int32(len(v.hdr))
		at := floorDiv(a.at, secMs) * secMs
		repos := g.gh.byTeam[a.team]
		var ws []float64
		for _, r := range repos {
			w := r.kind.weight
			if r.created > at {
				w = 0
			}
			ws = append(ws, w)
		}
		rr := newRNG(g.seed, streamPRRepo, uint64(i))
		k := 0
		if len(repos) > 1 {
			k = rr.pick(ws)
		}
		if ws[k] == 0 {
			k = 0 // the first repository predates the history
		}
		repo := repos[k]
		// Issues and pull requests share a repository's numbers: skip a few for the issues.
		nr := newRNG(g.seed, streamPRNum, uint64(i))
		gap := uint32(0)
		if nr.chance(0.15) {
			gap = 1 + uint32(nr.intn(3))
		}
		g.counters[repo.idx] += 1 + gap
		v.hdr = append(v.hdr, prHeader{created: at, num: g.counters[repo.idx], repo: uint16(repo.idx)})
		v.byRepo[repo.idx] = append(v.byRepo[repo.idx], i)
	}
}

// Author kinds.
const (
	akMember uint8 = iota
	akDependabot
	akRenovate
	akExternal
)

// PR event kinds (the activity that moves updated_at).
const (
	peCommit uint8 = iota
	peComment
	peReview
)

const maxPREvents = 24

type prEvent struct {
	at   int64
	kind uint8
}

// prPlan is one pull request's whole life.
type prPlan struct {
	idx      int32
	hdr      prHeader
	repo     *ghRepo
	akind    uint8
	author   *ghUser
	mergedBy *ghUser
	draft    bool
	readyAt  int64 // when a draft was marked ready (0 = never)
	mergedAt int64 // 0 = never
	closedAt int64 // 0 = never (merged PRs close when they merge)
	fork     bool  // opened from a fork
	forkGone bool  // ...which was deleted since (head.repo is null)
	relBase  bool  // targets the release branch current at creation
	relMaj   int
	relMin   int
	adds     int32
	dels     int32
	files    int32
	labels   uint8 // bit set over prLabels
	key      string
	issue    int32 // referenced JIRA issue index, -1 = none
	form     uint8
	ev       [maxPREvents]prEvent
	nev      int
	dep      int
	depFrom  string
	depTo    string
}

var prLabels = []struct{ name, color, desc string }{
	{"dependencies", "0366d6", "Pull requests that update a dependency file"},
	{"bug", "d73a4a", "Something isn't working"},
	{"enhancement", "a2eeef", "New feature or request"},
	{"tech-debt", "fbca04", "Cleanup and refactoring"},
	{"hotfix", "b60205", "Goes straight to a release branch"},
}

const (
	lblDeps = 1 << iota
	lblBug
	lblEnhancement
	lblTechDebt
	lblHotfix
)

func sec(t int64) int64 { return floorDiv(t, secMs) * secMs }

// planPR plans PR i. jv is a JIRA view whose horizon covers the PR's creation (titles cite the
// team's issue keys that exist by then).
func (s *Sim) planPR(v *prView, i int32) prPlan {
	h := v.hdr[i]
	repo := s.gh.repos[h.repo]
	tm := repo.team
	p := prPlan{idx: i, hdr: h, repo: repo, issue: -1}
	r := newRNG(s.opts.Seed, streamPR, uint64(i))
	cal := &tm.cal
	u := r.float()
	switch {
	case u < 0.07:
		if repo.kind.bot == ghRenovate {
			p.akind, p.author = akRenovate, ghRenovate
		} else {
			p.akind, p.author = akDependabot, ghDependabot
		}
		p.labels |= lblDeps
	case u < 0.10:
		p.akind, p.fork = akExternal, true
		p.author = s.gh.ext[r.intn(len(s.gh.ext))]
		p.forkGone = r.chance(0.4)
	default:
		// A few members open most of the pull requests.
		p.author = repo.members[r.pick([]float64{5, 4, 3, 2, 1.5, 1})]
	}
	p.mergedBy = repo.members[r.intn(len(repo.members))]
	if p.akind == akMember && r.chance(0.3) {
		p.mergedBy = p.author
	}
	created := h.created
	start := created
	// Outcome: merged, closed without merging, or left open.
	o := r.float()
	var merged, closed bool
	switch p.akind {
	case akMember:
		if r.chance(0.12) {
			p.draft = true
			if r.chance(0.75) {
				p.readyAt = sec(cal.addWork(created, r.lognormal(10, 1)))
				start = p.readyAt
			}
		}
		merged, closed = o < 0.86, o >= 0.86 && o < 0.95
		if p.draft && p.readyAt == 0 {
			merged, closed = false, o < 0.6
		}
	case akExternal:
		merged, closed = o < 0.5, o >= 0.5 && o < 0.9
	default:
		merged, closed = o < 0.7, o >= 0.7 && o < 0.96
	}
	switch {
	case merged && p.akind == akRenovate && r.chance(0.35):
		p.mergedAt = sec(created + int64(r.lognormal(45, 0.6)*float64(minMs))) // automerge once CI passes
	case merged && r.chance(0.04):
		p.mergedAt = sec(start + int64(r.lognormal(3, 1)*float64(hourMs))) // merged after hours
	case merged:
		median := 9.0
		if p.akind != akMember {
			median = 16
		}
		hrs := r.lognormal(median, 1.2)
		if r.chance(0.07) {
			hrs += r.lognormal(80, 0.8) // parked: waiting on a release, a reviewer on leave, a dependency
		}
		p.mergedAt = sec(cal.addWork(start, hrs))
	case closed && (p.akind == akDependabot || p.akind == akRenovate):
		p.closedAt = sec(created + int64(r.lognormal(8, 0.6)*float64(dayMs))) // superseded by a newer bump
	case closed:
		p.closedAt = sec(cal.addWork(start, r.lognormal(25, 1.4)))
	}
	if p.mergedAt > 0 {
		p.mergedAt = max(p.mergedAt, created+secMs)
		p.closedAt = p.mergedAt
	} else if p.closedAt > 0 {
		p.closedAt = max(p.closedAt, created+secMs)
	}
	if p.readyAt > 0 && p.closedAt > 0 && p.readyAt >= p.closedAt {
		p.readyAt = p.closedAt - secMs
	}
	// Base: the default branch, or (hotfixes) the release branch current at creation.
	if p.akind == akMember && repo.cadence > 0 && r.chance(0.07) {
		if maj, mnr, ok := s.releaseAt(repo, created); ok {
			p.relBase, p.relMaj, p.relMin = true, maj, mnr
			p.labels |= lblHotfix
		}
	}
	// Size: a heavy tail from one-liners to generated code and vendored dependencies.
	switch p.akind {
	case akDependabot, akRenovate:
		if repo.kind.lang == "TypeScript" {
			p.adds = int32(2 + r.lognormal(30, 1.2))
		} else {
			p.adds = int32(2 + r.intn(6))
		}
		p.dels = p.adds - int32(r.intn(int(p.adds/2+1)))
		p.files = int32(1 + r.intn(2))
	default:
		a := r.lognormal(40, 1.5)
		if r.chance(0.03) {
			a = r.lognormal(2500, 0.8)
		}
		p.adds = int32(min(a, 60000))
		d := a * r.lognormal(0.3, 1.1)
		p.dels = int32(min(d, 3*a+5, 40000))
		p.files = int32(min(3000, max(1, 0.5+0.5*math.Sqrt(float64(p.adds+p.dels))*r.lognormal(1, 0.5))))
	}
	switch {
	case p.labels&(lblDeps|lblHotfix) != 0:
	case r.chance(0.15):
		p.labels |= lblBug
	case r.chance(0.15):
		p.labels |= lblEnhancement
	case r.chance(0.05):
		p.labels |= lblTechDebt
	}
	// Activity between opening and closing (or for a while, if it stays open).
	end := p.closedAt
	if end == 0 {
		end = created + int64(r.lognormal(10, 0.8)*float64(dayMs))
	}
	p.add(created, peCommit)
	pushes := r.intn(4)
	if p.akind == akRenovate {
		pushes += r.intn(4) // rebases
	}
	for range pushes {
		p.add(created+int64(r.float()*float64(end-created)), peCommit)
	}
	for range r.intn(5) {
		p.add(created+int64(r.float()*float64(end-created)), peComment)
	}
	if p.akind != akDependabot && p.akind != akRenovate {
		for range r.intn(7) {
			p.add(created+int64(r.float()*float64(end-created)), peReview)
		}
	}
	if p.closedAt > 0 && r.chance(0.05) {
		p.add(p.closedAt+int64(r.lognormal(3, 1)*float64(dayMs)), peComment) // a comment after closing
	}
	sortPREvents(p.ev[:p.nev])
	// Text: the JIRA issue it works on, or the dependency it bumps.
	tr := newRNG(s.opts.Seed, streamPRText, uint64(i))
	p.form = uint8(tr.pick([]float64{55, 15, 10, 10, 10}))
	switch p.akind {
	case akDependabot, akRenovate:
		p.dep = tr.intn(len(depsFor(repo.kind.lang)))
		maj, mnr, pat := tr.intn(5), tr.intn(30), tr.intn(20)
		p.depFrom = fmt.Sprintf("%d.%d.%d", maj, mnr, pat)
		if tr.chance(0.7) {
			p.depTo = fmt.Sprintf("%d.%d.%d", maj, mnr, pat+1+tr.intn(3))
		} else {
			p.depTo = fmt.Sprintf("%d.%d.0", maj, mnr+1)
		}
	default:
		if p.form != 4 {
			jv := s.gen.at(created)
			if n := keysAt(jv, int(tm.Index), created); n > 0 {
				num := n - tr.intn(min(n, 40))
				p.issue = jv.byNum[tm.Index][num-1]
				p.key = tm.ProjectKey + "-" + strconv.Itoa(num)
			} else {
				p.form = 4
			}
		}
		p.dep = tr.intn(len(chores))
	}
	return p
}

func (p *prPlan) add(at int64, kind uint8) {
	if p.nev < maxPREvents {
		p.ev[p.nev] = prEvent{sec(at), kind}
		p.nev++
	}
}

func sortPREvents(ev []prEvent) {
	for i := 1; i < len(ev); i++ {
		for j := i; j > 0 && ev[j].at < ev[j-1].at; j-- {
			ev[j], ev[j-1] = ev[j-1], ev[j]
		}
	}
}

// keysAt is how many keys project (team) t had handed out by time c: byNum grows in time order
// (creations and moves in), so a binary search on the entries' times answers it.
func keysAt(v *view, t int, c int64) int {
	nums := v.byNum[t]
	return sort.Search(len(nums), func(k int) bool {
		idx := nums[k]
		h := &v.hdr[idx]
		at := h.created
		if !(int(h.team) == t && int(h.num) == k+1) {
			at = v.moves[idx].at
		}
		return at > c
	})
}

// prAt is a pull request's state at a clock value.
type prAt struct {
	open     bool
	draft    bool
	merged   bool
	closed   int64 // 0 = not closed (yet)
	mergedAt int64
	updated  int64
	commits  int
	comments int
	reviews  int
}

func (p *prPlan) at(now int64) prAt {
	st := prAt{open: true, draft: p.draft, updated: p.hdr.created}
	if p.draft && p.readyAt > 0 && p.readyAt <= now {
		st.draft = false
		st.updated = max(st.updated, p.readyAt)
	}
	if p.closedAt > 0 && p.closedAt <= now {
		st.open = false
		st.closed = p.closedAt
		st.updated = max(st.updated, p.closedAt)
		if p.mergedAt > 0 {
			st.merged, st.mergedAt = true, p.mergedAt
		}
	}
	for _, e := range p.ev[:p.nev] {
		if e.at > now {
			break
		}
		st.updated = max(st.updated, e.at)
		switch e.kind {
		case peCommit:
			st.commits++
		case peComment:
			st.comments++
		case peReview:
			st.reviews++
		}
	}
	return st
}

// pushAt returns the time of the PR's k-th commit (0-based) and whether there is one.
func (p *prPlan) pushAt(k int) (int64, bool) {
	n := 0
	for _, e := range p.ev[:p.nev] {
		if e.kind == peCommit {
			if n == k {
				return e.at, true
			}
			n++
		}
	}
	return 0, false
}

func (p *prPlan) baseRef() string {
	if p.relBase {
		return "release/" + strconv.Itoa(p.relMaj) + "." + strconv.Itoa(p.relMin)
	}
	return "main"
}

var deps = map[string][]string{
	"Go":         {"golang.org/x/net", "github.com/stretchr/testify", "google.golang.org/grpc", "github.com/jackc/pgx/v5", "golang.org/x/crypto", "github.com/prometheus/client_golang"},
	"TypeScript": {"eslint", "typescript", "react", "vite", "@types/node", "vitest", "prettier"},
	"HCL":        {"hashicorp/aws", "hashicorp/google", "hashicorp/kubernetes", "terraform-aws-modules/vpc/aws"},
}

func depsFor(lang string) []string { return deps[lang] }

var depEcosystem = map[string]string{"Go": "go_modules", "TypeScript": "npm_and_yarn", "HCL": "terraform"}

var chores = []string{"Bump CI cache key", "Tidy up lint warnings", "Update CODEOWNERS", "Speed up the test suite",
	"Fix flaky integration test", "Pin the build image", "Add missing license headers", "Improve README"}

// title and headRef derive a PR's text from its plan.
func (s *Sim) prTitle(p *prPlan) string {
	switch p.akind {
	case akDependabot:
		return "Bump " + depsFor(p.repo.kind.lang)[p.dep] + " from " + p.depFrom + " to " + p.depTo
	case akRenovate:
		return "Update dependency " + depsFor(p.repo.kind.lang)[p.dep] + " to v" + p.depTo
	}
	if p.form == 4 || p.issue < 0 {
		return chores[p.dep]
	}
	sum := s.issueSummary(p.issue)
	switch p.form {
	case 1:
		return "[" + p.key + "] " + sum
	case 2:
		return sum + " (" + p.key + ")"
	case 3:
		prefix := "feat: "
		if p.labels&lblBug != 0 {
			prefix = "fix: "
		}
		return prefix + strings.ToLower(sum[:1]) + sum[1:]
	}
	return p.key + ": " + sum
}

func (s *Sim) issueSummary(idx int32) string {
	v := s.gen.cur.Load()
	return s.gen.summary(idx, v.hdr[idx].typ)
}

func (s *Sim) prHeadRef(p *prPlan) string {
	switch p.akind {
	case akDependabot:
		return "dependabot/" + depEcosystem[p.repo.kind.lang] + "/" + depsFor(p.repo.kind.lang)[p.dep] + "-" + p.depTo
	case akRenovate:
		return "renovate/" + strings.ReplaceAll(depsFor(p.repo.kind.lang)[p.dep], "@", "") + "-" + strings.SplitN(p.depTo, ".", 2)[0] + ".x"
	}
	if p.form == 4 || p.issue < 0 {
		return "chore/" + slug(chores[p.dep], 40)
	}
	sl := slug(s.issueSummary(p.issue), 32)
	switch {
	case p.labels&lblHotfix != 0:
		return "hotfix/" + p.key + "-" + sl
	case p.labels&lblBug != 0:
		return "bugfix/" + p.key + "-" + sl
	case p.idx%3 == 0:
		return "feature/" + p.key + "-" + sl
	}
	return p.key + "-" + sl
}

func slug(s string, n int) string {
	var b []byte
	dash := false
	for i := 0; i < len(s) && len(b) < n; i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 32
			fallthrough
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			b = append(b, c)
			dash = false
		default:
			if !dash && len(b) > 0 {
				b = append(b, '-')
				dash = true
			}
		}
	}
	return strings.TrimRight(string(b), "-")
}

// prBody is a short description; bots write their usual boilerplate.
func (s *Sim) prBody(p *prPlan) string {
	switch p.akind {
	case akDependabot:
		return "Bumps " + depsFor(p.repo.kind.lang)[p.dep] + " from " + p.depFrom + " to " + p.depTo + ".\n\nDependabot will resolve any conflicts with this PR as long as you don't alter it yourself."
	case akRenovate:
		return "This PR contains the following updates: " + depsFor(p.repo.kind.lang)[p.dep] + " `" + p.depFrom + "` -> `" + p.depTo + "`.\n\n---\n\nThis PR was generated by Mend Renovate."
	}
	if p.issue >= 0 {
		return "Closes " + p.key + ".\n\n## Testing\n\nUnit tests added; verified locally."
	}
	return ""
}
