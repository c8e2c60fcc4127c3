package flow

// DataQuality is what the data-quality page shows for a board's issues (the sync layer adds
// what only it knows: key changes, column configuration changes, last successful syncs).
type DataQuality struct {
	// UnmappedStatuses: status id -> number of in-scope issues that were ever in it (initial
	// status or entered by a change), for every status no column maps (done-category included).
	UnmappedStatuses map[string]int
	NoHistory        int // in-scope issues without any status change
	MovedChanges     int // in-scope issues with changes dated before creation (moved to creation)
	StatusMismatch   int // in-scope issues whose status field disagrees with the history (history wins)
	Deleted          int
	OutOfFilter      int // not deleted, but no longer matching the board's filter
}

// DataQuality counts the repairs and gaps the engine worked around.
func (b *Board) DataQuality(issues []Issue) DataQuality {
	q := DataQuality{UnmappedStatuses: map[string]int{}}
	for i := range issues {
		is := &issues[i]
		switch {
		case is.Deleted:
			q.Deleted++
			continue
		case is.OutOfFilter:
			q.OutOfFilter++
			continue
		}
		if len(is.Changes) == 0 {
			q.NoHistory++
		}
		var seen []string // an issue counts once per status; histories are short
		visit := func(id string) {
			if b.mapped[id] {
				return
			}
			for _, s := range seen {
				if s == id {
					return
				}
			}
			seen = append(seen, id)
			q.UnmappedStatuses[id]++
		}
		changes := orderedChanges(is.Changes)
		visit(initialStatus(is, changes))
		moved := false
		for _, c := range changes {
			visit(c.To)
			if c.At.Before(is.Created) {
				moved = true
			}
		}
		if moved {
			q.MovedChanges++
		}
		if n := len(changes); n > 0 && changes[n-1].To != is.Status {
			q.StatusMismatch++
		}
	}
	return q
}
