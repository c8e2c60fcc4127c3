package flow

import "time"

// step is one moment the issue's position changed (the first is the creation event).
type step struct {
	at  time.Time
	ns  int64 // instant(at)
	pos int16
}

// Segment is a stretch of an issue's position: from From until the next segment's From (the
// last one lasts until now). Segments are what the CFD needs; store them beside the facts.
type Segment struct {
	From time.Time
	Pos  int16 // column index, or BeforeBoard
}

// posAfter is the position after entering status id from position cur: a mapped status gives
// its column; an unmapped done-category status the last column; any other unmapped (or unknown)
// status leaves the position unchanged, so its time counts toward the last mapped state.
func (b *Board) posAfter(id string, cur int16) int16 {
	p, ok := b.statusPos[id]
	if !ok || p == unmappedPos {
		return cur
	}
	return p
}

// replay appends the issue's position steps to buf, applying the history repair: changes dated
// before creation move to creation; the history (not the status field) decides the current
// status. It also reports how many changes were moved and whether the status field disagreed.
func (b *Board) replay(is *Issue, buf []step) (steps []step, moved int, mismatch bool) {
	created := is.Created
	cns := instant(created)
	changes := orderedChanges(is.Changes)
	pos := b.posAfter(initialStatus(is, changes), BeforeBoard)
	steps = append(buf[:0], step{at: created, ns: cns, pos: pos})
	for i := range changes {
		c := &changes[i]
		at, ns := c.At, instant(c.At)
		if ns < cns || at.Before(created) {
			at, ns = created, cns
			moved++
		}
		np := b.posAfter(c.To, pos)
		if np != pos {
			steps = append(steps, step{at: at, ns: ns, pos: np})
			pos = np
		}
	}
	if n := len(changes); n > 0 && changes[n-1].To != is.Status {
		mismatch = true
	}
	return steps, moved, mismatch
}

// AppendSegments appends the issue's position segments to dst (one backing array can serve a
// whole batch): the creation event first, then one segment per change of position. Zero-length
// stays (several changes at one instant) keep only the last position of that instant.
func (b *Board) AppendSegments(dst []Segment, is Issue) []Segment {
	var buf [32]step
	steps, _, _ := b.replay(&is, buf[:0])
	first := len(dst)
	for _, s := range steps {
		k := len(dst)
		if k > first && dst[k-1].From.Equal(s.at) {
			dst = dst[:k-1] // same instant: the later position wins
			k--
		}
		if k > first && dst[k-1].Pos == s.pos {
			continue
		}
		dst = append(dst, Segment{From: s.at, Pos: s.pos})
	}
	return dst
}

// PositionAt is the position recorded by segs at instant t (BeforeBoard before creation is not
// distinguished: check the first segment's From). Half-open: a change at exactly t counts.
func PositionAt(segs []Segment, t time.Time) int {
	pos := BeforeBoard
	for _, s := range segs {
		if s.From.After(t) {
			break
		}
		pos = int(s.Pos)
	}
	return pos
}
