package flow

import (
	"sort"
	"time"
)

// Issue is one JIRA issue as the engine needs it.
type Issue struct {
	ID         string // source id (stable across key changes)
	Key        string
	Type       string // current issue type; work types group these
	Created    time.Time
	Status     string // current status id (the issue's status field)
	Resolution string // "" = none (valid)
	// Changes are status changes in history order: by time, ties by history id then item order.
	// They are used as JIRA sent them; the engine applies METRICS.md's history repair.
	Changes []StatusChange
	// Flags are changes of JIRA's Flagged field, in history order.
	Flags       []FlagChange
	Deleted     bool
	OutOfFilter bool // no longer matches the board's filter
}

// StatusChange is one status transition (status ids).
type StatusChange struct {
	At       time.Time
	From, To string
}

// FlagChange sets (Flagged = true: impediment) or clears the Flagged field.
type FlagChange struct {
	At      time.Time
	Flagged bool
}

// InScope reports whether the issue takes part in the board's views: deleted issues and issues
// that no longer match the board's filter are left out of every view, past weeks included.
func (is *Issue) InScope() bool { return !is.Deleted && !is.OutOfFilter }

// initialStatus: at creation the issue enters the `from` of its first change (in time order),
// or its current status when it has none (Vger hard-coded "Open").
func initialStatus(is *Issue, ordered []StatusChange) string {
	if len(ordered) > 0 {
		return ordered[0].From
	}
	return is.Status
}

// orderedChanges returns the changes sorted by time, keeping the given order for ties. The
// input is normally already sorted, and then no copy is made.
func orderedChanges(cs []StatusChange) []StatusChange {
	for i := 1; i < len(cs); i++ {
		if cs[i].At.Before(cs[i-1].At) {
			out := append([]StatusChange(nil), cs...)
			sort.SliceStable(out, func(a, b int) bool { return out[a].At.Before(out[b].At) })
			return out
		}
	}
	return cs
}

func orderedFlags(fs []FlagChange) []FlagChange {
	for i := 1; i < len(fs); i++ {
		if fs[i].At.Before(fs[i-1].At) {
			out := append([]FlagChange(nil), fs...)
			sort.SliceStable(out, func(a, b int) bool { return out[a].At.Before(out[b].At) })
			return out
		}
	}
	return fs
}
