package sim

import "math"

type evKind uint8

const (
	evStatus   evKind = iota // status from -> to, maybe with a resolution change
	evFlag                   // Flagged (impediment) set
	evUnflag                 // Flagged cleared
	evMove                   // moved to another project: key (and maybe status) change
	evAssignee               // assignee from -> to (user indices of the event's team, -1 = none)
	evPriority               // priority from -> to
	evRank                   // re-ranked on the board
	evLabel                  // label added (to = label index)
)

// Resolution changes carried by a status event.
const (
	resKeep  int8 = -1
	resClear int8 = -2
)

// event is one planned change; each becomes one changelog history.
type event struct {
	at   int64
	from int16
	to   int16
	team uint16 // the team whose workflow/users apply after this event (destination for evMove)
	kind evKind
	res  int8
}

// plan is an issue's whole life, past and future: the simulated clock only decides how much of it
// is visible, which is why advancing the clock moves the world on deterministically.
type plan struct {
	ev         []event
	initStatus int16
	initPrio   int16
	deleteAt   int64
}

// maxEvents caps one issue's histories so history ids (index*256 + n) never collide.
const maxEvents = 250

var labels = []string{"tech-debt", "customer", "security", "performance", "ux", "flaky", "needs-design", "quick-win"}

var prioWeights = []float64{0.05, 0.15, 0.6, 0.15, 0.05}

type planner struct {
	g      *generator
	r      rng
	tm     *Team
	typ    uint8
	status int16
	t      int64 // time of the next status change
	maxAt  int64
	ev     []event
	cx     float64 // this complexity: scales every stay, gives the lead-time tail
}

func (p *planner) emit(e event) {
	if len(p.ev) >= maxEvents {
		return
	}
	if e.at > p.maxAt {
		p.maxAt = e.at
	}
	p.ev = append(p.ev, e)
}

// after adds working hours in the current team's calendar; on-call work (incidents, the odd late
// fix) runs on the calendar clock instead, which is where weekend and night transitions come from.
func (p *planner) after(t int64, hours float64) int64 {
	onCall := p.tm.tmpl.wf.onCall
	if p.typ == tyIncident {
		onCall = 0.45
	}
	jitter := int64(p.r.intn(int(10 * minMs)))
	if p.r.chance(onCall) {
		return t + int64(hours*2.2*float64(hourMs)) + jitter
	}
	return p.tm.cal.addWork(t, hours) + jitter
}

// to moves the issue to a status at p.t (kept after every event planned so far).
func (p *planner) to(st int16, res int8) {
	if p.t <= p.maxAt {
		p.t = p.maxAt + minMs + int64(p.r.intn(int(5*minMs)))
	}
	if st == p.status && res == resKeep {
		return
	}
	p.emit(event{at: p.t, kind: evStatus, from: p.status, to: st, res: res, team: uint16(p.tm.Index)})
	p.status = st
}

func (p *planner) wf() *workflow { return &p.tm.tmpl.wf }

// train holds a finished item until the team's weekly "release train" takes it: how much leaves
// in a week varies (capacity, releases, holidays), which is what gives weekly throughput its
// realistic variation instead of a flat Poisson trickle.
func (p *planner) train(t int64) int64 {
	sigma := p.wf().train
	if sigma == 0 {
		return t
	}
	for range 8 {
		local := p.tm.cal.toLocal(t)
		week := floorDiv(floorDiv(local, dayMs)+3, 7)
		wr := newRNG(p.g.seed, streamTrain, uint64(p.tm.Index)<<32|uint64(week))
		if p.r.float() < math.Min(1, wr.lognormal(1, sigma)) {
			return t
		}
		monday := (week*7 - 3 + 7) * dayMs // next local Monday 00:00
		t = p.after(p.tm.cal.toUTC(monday+p.tm.cal.start), p.r.float()*6)
	}
	return t
}

func (g *generator) plan(v *view, i int32, buf []event) plan {
	h := &v.hdr[i]
	p := planner{g: g, r: newRNG(g.seed, streamHistory, uint64(i)), tm: g.world.Teams[h.team], typ: h.typ, ev: buf[:0], t: h.created}
	p.maxAt = h.created
	wf := p.wf()
	p.status = wf.initial
	pr := prioWeights
	if h.typ == tyBug || h.typ == tyIncident {
		pr = []float64{0.12, 0.3, 0.45, 0.1, 0.03}
	}
	out := plan{initPrio: int16(p.r.pick(pr))}
	p.cx = p.r.lognormal(0.8, 1.1)
	switch h.typ {
	case tyEpic:
		p.epic()
	case tySubtask:
		p.subtask()
	default:
		if wf.triage >= 0 && h.flags&hMoves == 0 && p.r.chance(wf.triageP) {
			p.status = wf.triage
		} else if wf.selected >= 0 && p.r.chance(0.07) {
			p.status = wf.selected
		}
		out.initStatus = p.status
		var mv *moveInfo
		if h.flags&hMoves != 0 {
			m := v.moves[i]
			mv = &m
		}
		p.standard(mv)
	}
	if h.typ == tyEpic || h.typ == tySubtask {
		out.initStatus = wf.initial
	}
	p.fieldEdits(h, out.initPrio)
	sortEvents(p.ev)
	out.deleteAt = g.deleteAt(i, h)
	if out.deleteAt > 0 {
		n := 0
		for n < len(p.ev) && p.ev[n].at < out.deleteAt {
			n++
		}
		p.ev = p.ev[:n]
	}
	out.ev = p.ev
	return out
}

func (p *planner) standard(mv *moveInfo) {
	wf := p.wf()
	incident := p.typ == tyIncident
	if p.status == wf.triage {
		p.t = p.after(p.t, p.r.lognormal(5, 1))
		p.to(wf.initial, resKeep)
	}
	wait := p.r.lognormal(45, 1.5)
	if incident {
		wait = p.r.lognormal(0.7, 1)
	}
	end := p.after(p.t, wait)
	if mv != nil {
		// Triage moves happen while the issue still waits in the backlog.
		if end <= mv.at {
			end = p.after(mv.at, p.r.lognormal(20, 1))
		}
		dest := p.g.world.Teams[mv.to]
		next := p.status
		if dest.column(next) < 0 || !contains(dest.workflowStatuses(), next) {
			next = dest.tmpl.wf.initial
		}
		p.emit(event{at: mv.at, kind: evMove, from: p.status, to: next, team: mv.to})
		p.status = next
		p.tm = dest
		wf = p.wf()
	}
	p.t = end
	u := p.r.float()
	switch {
	case u < 0.10 && !incident: // never started: the backlog's long tail; some get cleaned up
		if p.r.chance(0.35) {
			p.t = p.after(p.t, p.r.lognormal(500, 0.8))
			p.to(wf.done, int8(p.pickInvalid()))
		}
		return
	case u < 0.16: // abandoned from the backlog
		p.to(wf.done, int8(p.pickInvalid()))
		return
	case u < 0.20: // closed straight from the backlog: done, never started
		p.to(wf.done, resDone)
		return
	}
	if wf.selected >= 0 && p.status != wf.selected {
		p.to(wf.selected, resKeep)
		p.t = p.after(p.t, p.r.lognormal(8, 1.1))
	}
	p.emit(event{at: p.t - minMs, kind: evAssignee, from: -1, to: int16(p.r.intn(len(p.tm.users))), team: uint16(p.tm.Index)})
	p.steps(0, 1)
	p.finish()
	reopen := 0.085
	if p.typ == tyBug {
		reopen = 0.13
	}
	for n := 0; n < 2 && p.r.chance(reopen); n++ {
		p.t = p.after(p.t, p.r.lognormal(30, 1.1))
		p.to(wf.reopen, resClear)
		k := 0
		for j, s := range wf.steps {
			if s.status == wf.reopen {
				k = j
			}
		}
		if wf.steps[k].status != wf.reopen {
			p.t = p.after(p.t, p.r.lognormal(6, 1))
		}
		p.steps(k, 0.5)
		p.finish()
		reopen = 0.15
	}
}

// steps walks the in-progress columns from step k0 with rework loops, flags and blocks.
func (p *planner) steps(k0 int, scale float64) {
	wf := p.wf()
	loops := 0
	for k := k0; k < len(wf.steps); {
		s := wf.steps[k]
		if k > k0 && p.r.chance(s.skip) {
			k++
			continue
		}
		p.to(s.status, resKeep)
		start := p.t
		stay := p.r.lognormal(s.median*p.cx*scale, 0.45)
		if k == k0 && scale == 1 && p.r.chance(0.06+0.1*math.Min(p.cx, 2)) {
			// Parked: waiting on another team, a customer or a release; a minority of items,
			// but they are what makes the 90th percentile several times the median.
			stay += p.r.lognormal(100, 0.7)
		}
		if k <= 1 && p.r.chance(0.12) {
			at := p.after(start, stay*p.r.float())
			d := p.r.lognormal(14, 1.1)
			p.emit(event{at: at, kind: evFlag, team: uint16(p.tm.Index)})
			p.emit(event{at: p.after(at, d), kind: evUnflag, team: uint16(p.tm.Index)})
			stay += d
		}
		if wf.blocked >= 0 && k == k0 && p.r.chance(wf.blockedP) {
			p.t = p.after(start, stay*0.4)
			p.to(wf.blocked, resKeep)
			p.t = p.after(p.t, p.r.lognormal(18, 1))
			p.to(s.status, resKeep)
			stay *= 0.6
			start = p.t
		}
		p.t = p.after(start, stay)
		if s.rework > 0 && loops < 3 && p.r.chance(s.rework) {
			k = s.reworkTo
			loops++
			scale *= 0.6
			continue
		}
		k++
	}
}

// finish moves an in-progress issue to done (through the release train).
func (p *planner) finish() {
	wf := p.wf()
	if p.t <= p.maxAt {
		p.t = p.maxAt + minMs
	}
	p.t = p.train(p.t)
	done := wf.done
	if wf.altDone >= 0 && p.r.chance(wf.altDoneP) {
		done = wf.altDone
	}
	res := resDone
	if p.r.chance(0.03) {
		res = resWontFix // abandoned after work started
	}
	p.to(done, res)
}

func (p *planner) pickInvalid() int8 {
	switch u := p.r.float(); {
	case p.typ == tyBug && u < 0.4:
		return resCannotReproduce
	case u < 0.7:
		return resWontDo
	default:
		return resDuplicate
	}
}

func (p *planner) epic() {
	wf := p.wf()
	p.t = p.after(p.t, p.r.lognormal(120, 1))
	if p.r.chance(0.06) {
		p.to(wf.done, resWontDo)
		return
	}
	p.to(wf.steps[0].status, resKeep)
	if p.r.chance(0.1) {
		return
	}
	p.t = p.after(p.t, p.r.lognormal(380, 0.8))
	p.to(wf.done, resDone)
}

func (p *planner) subtask() {
	wf := p.wf()
	p.t = p.after(p.t, p.r.lognormal(12, 1.1))
	switch u := p.r.float(); {
	case u < 0.05:
		return
	case u < 0.12:
		p.to(wf.done, resDone)
		return
	}
	p.to(wf.steps[0].status, resKeep)
	p.t = p.after(p.t, p.r.lognormal(10*p.cx, 0.8))
	p.to(wf.done, resDone)
}

// fieldEdits adds the non-status noise real changelogs are full of (rank, labels, priority); a
// few "busy" issues get dozens, so Cloud's truncated expand=changelog is visibly truncated.
func (p *planner) fieldEdits(h *header, prio int16) {
	end := p.maxAt
	if end-h.created < 14*dayMs {
		end = h.created + 14*dayMs
	}
	n := p.r.intn(3)
	if p.r.chance(0.015) {
		n += 40 + p.r.intn(30)
	}
	team := p.tm // the team at the end of the plan; edits are spread before
	for range n {
		at := h.created + minMs + int64(p.r.float()*float64(end-h.created))
		at = team.cal.addWork(at, p.r.float()*0.5)
		if p.r.chance(0.75) {
			p.emit(event{at: at, kind: evRank, team: uint16(team.Index)})
		} else {
			p.emit(event{at: at, kind: evLabel, to: int16(p.r.intn(len(labels))), team: uint16(team.Index)})
		}
	}
	if p.r.chance(0.1) {
		at := team.cal.addWork(h.created+int64(p.r.float()*float64(end-h.created)), 0.2)
		to := int16(p.r.intn(len(priorities)))
		if to != prio {
			p.emit(event{at: at, kind: evPriority, from: prio, to: to, team: uint16(team.Index)})
		}
	}
}

func contains(s []int16, v int16) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// sortEvents orders by time, keeping the planned order for equal times (insertion sort: plans
// are short and nearly sorted).
func sortEvents(ev []event) {
	for i := 1; i < len(ev); i++ {
		for j := i; j > 0 && ev[j].at < ev[j-1].at; j-- {
			ev[j], ev[j-1] = ev[j-1], ev[j]
		}
	}
}
