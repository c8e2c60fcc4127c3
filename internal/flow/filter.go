package flow

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Query errors: the web layer turns them into a 400 page naming the parameter.
var (
	ErrUnknownWorkType = errors.New("unknown work type")
	ErrRange           = errors.New("the range ends before it starts")
	ErrWindowTooShort  = errors.New("the rolling window must be at least 4 weeks")
)

// windowOr validates a view's rolling window; 0 = the board's.
func (b *Board) windowOr(w int) (int, error) {
	switch {
	case w == 0:
		return b.window, nil
	case w < minWeeks:
		return 0, fmt.Errorf("window %d: %w", w, ErrWindowTooShort)
	}
	return w, nil
}

// typeFilter decides which issues a view counts, by current issue type. No names = every work
// type of the board (or every issue when the board defines none); names must exist.
type typeFilter struct {
	all      bool
	selected []bool // by work type index
	typeWT   map[string][]int
}

func (b *Board) filter(names []string) (typeFilter, error) {
	f := typeFilter{typeWT: b.typeWT, selected: make([]bool, len(b.cfg.WorkTypes))}
	if len(names) == 0 {
		if len(b.cfg.WorkTypes) == 0 {
			f.all = true
		}
		for i := range f.selected {
			f.selected[i] = true
		}
		return f, nil
	}
	for _, n := range names {
		i, ok := b.wtIndex[n]
		if !ok {
			return f, fmt.Errorf("work type %q: %w", n, ErrUnknownWorkType)
		}
		f.selected[i] = true
	}
	return f, nil
}

func (f *typeFilter) keep(issueType string) bool {
	if f.all {
		return true
	}
	for _, i := range f.typeWT[issueType] {
		if f.selected[i] {
			return true
		}
	}
	return false
}

// WorkTypesOf lists the names of the work types an issue type belongs to.
func (b *Board) WorkTypesOf(issueType string) []string {
	var out []string
	for _, i := range b.typeWT[issueType] {
		out = append(out, b.cfg.WorkTypes[i].Name)
	}
	return out
}

// noWeek marks "no first issue": every week is before it.
const noWeek = math.MaxInt64

// firstWeek is the week of the board's earliest in-scope issue, whatever the work-type filter:
// weeks before it do not count in rolling statistics.
func (b *Board) firstWeek(facts []IssueFacts) int64 {
	first, ok := time.Time{}, false
	for i := range facts {
		f := &facts[i]
		if f.InScope && (!ok || f.Created.Before(first)) {
			first, ok = f.Created, true
		}
	}
	if !ok {
		return noWeek
	}
	return weekOf(b.localDay(first))
}

// weekRange resolves a view's dates into week indexes: rows w0..w1 (w1 stops at the current
// week), the current week cur. Zero dates give the default: the last 26 complete weeks and the
// current one.
func (b *Board) weekRange(from, to Date, now time.Time) (w0, w1, cur int64, err error) {
	cur = weekOf(b.localDay(now))
	w0, w1 = cur-26, cur
	if !from.IsZero() {
		w0 = weekOf(from.day())
	}
	if !to.IsZero() {
		w1 = min(weekOf(to.day()), cur)
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return 0, 0, 0, fmt.Errorf("from %s to %s: %w", from, to, ErrRange)
	}
	return w0, w1, cur, nil
}

// TypeFilter returns the work-type filter every series applies, for callers
// that list the items behind a number (CSV exports): it reports whether an
// issue of a given current type counts in a view of the named work types.
func (b *Board) TypeFilter(names []string) (func(issueType string) bool, error) {
	f, err := b.filter(names)
	if err != nil {
		return nil, err
	}
	return f.keep, nil
}
