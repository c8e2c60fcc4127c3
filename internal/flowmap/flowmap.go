// Package flowmap translates between stored rows (internal/store) and the
// metric engine's plain values (internal/flow): a board's settings into a
// flow.Board, stored issues into flow.Issue, facts into rows and back,
// and position segments into compact bytes.
package flowmap

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/store"
)

// Catalog is what names mean: statuses and issue types by id.
type Catalog struct {
	Statuses   []store.JiraStatus
	IssueTypes []store.JiraIssueType
}

// Board compiles a stored board into the engine's board.
func Board(b store.Board, cat Catalog) (*flow.Board, error) {
	loc, err := time.LoadLocation(b.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("board %d time zone %q: %w", b.ID, b.TimeZone, err)
	}
	mode, err := flow.ParseDayMode(b.DayMode)
	if err != nil {
		return nil, err
	}
	cfg := flow.BoardConfig{
		Location:           loc,
		DayMode:            mode,
		Start:              b.LeadStart,
		End:                b.LeadEnd,
		InvalidResolutions: b.InvalidResolutions,
		RollingWeeks:       b.RollingWeeks,
		FiscalYearStart:    time.Month(b.FiscalYearStartMonth),
		PRExcludeAuthors:   b.PRExcludeAuthors,
		PRBaseBranches:     b.PRBaseBranches,
	}
	for _, h := range b.Holidays {
		cfg.Holidays = append(cfg.Holidays, flow.Date{Year: h.Year(), Month: h.Month(), Day: h.Day()})
	}
	for _, s := range cat.Statuses {
		cfg.Statuses = append(cfg.Statuses, flow.Status{ID: s.ID, Name: s.Name, Category: flow.ParseCategory(s.Category)})
	}
	for _, st := range b.States {
		cfg.States = append(cfg.States, flow.WorkState{Name: st.Name, StatusIDs: st.StatusIDs, Active: st.Active})
	}
	typeName := map[string]string{}
	for _, t := range cat.IssueTypes {
		typeName[t.ID] = t.Name
	}
	for _, wt := range b.WorkTypes {
		w := flow.WorkType{Name: wt.Name}
		for _, id := range wt.IssueTypeIDs {
			if n, ok := typeName[id]; ok {
				w.IssueTypes = append(w.IssueTypes, n)
			} else {
				w.IssueTypes = append(w.IssueTypes, id)
			}
		}
		cfg.WorkTypes = append(cfg.WorkTypes, w)
	}
	return flow.NewBoard(cfg)
}

// Issue converts a stored board issue.
func Issue(bi store.BoardIssue) flow.Issue {
	is := flow.Issue{
		ID:          strconv.FormatInt(bi.ID, 10),
		Key:         bi.Key,
		Type:        bi.TypeName,
		Created:     bi.Created,
		Status:      bi.StatusID,
		Resolution:  bi.Resolution,
		Deleted:     bi.DeletedAt != nil,
		OutOfFilter: !bi.InFilter,
		Changes:     make([]flow.StatusChange, len(bi.StatusChanges)),
	}
	for i, c := range bi.StatusChanges {
		is.Changes[i] = flow.StatusChange{At: c.At, From: c.From, To: c.To}
	}
	if len(bi.FlagChanges) > 0 {
		is.Flags = make([]flow.FlagChange, len(bi.FlagChanges))
		for i, f := range bi.FlagChanges {
			is.Flags[i] = flow.FlagChange{At: f.At, Flagged: f.Flagged}
		}
	}
	return is
}

// Fact turns engine facts into a stored row. Values that depend on `now`
// (age; blocked time of unfinished work) are not stored.
func Fact(bi store.BoardIssue, f flow.IssueFacts, segs []flow.Segment) store.Fact {
	row := store.Fact{
		IssueID: bi.ID, Key: bi.Key, Summary: bi.Summary, Type: f.Type, Created: f.Created, InScope: f.InScope,
		Position: f.Position, PositionSince: f.Since, Delivered: f.Delivered, Abandoned: f.Abandoned,
		ClosedNotDelivered: f.ClosedNotDelivered, MovedChanges: f.MovedChanges, StatusMismatch: f.StatusMismatch,
		Segments: EncodeSegments(segs),
	}
	row.StartedAt = f.Started.Ptr()
	row.DoneAt = f.Done.Ptr()
	row.LeadTime = f.LeadTime.Ptr()
	row.CalendarDays = f.CalendarDays.Ptr()
	row.FlowEfficiency = f.FlowEfficiency.Ptr()
	if f.TimeInState.OK {
		row.TimeInState = f.TimeInState.V.InState
		o := f.TimeInState.V.Outside
		row.Outside = &o
		if bl := f.TimeInState.V.Blocked; bl != nil {
			row.BlockedInState = bl
			bo := f.TimeInState.V.BlockedOutside
			row.BlockedOutside = &bo
		}
	}
	if f.Done.OK {
		row.Blocked = f.Blocked.Ptr()
		row.BlockedShare = f.BlockedShare.Ptr()
	}
	return row
}

// EncodeSegments packs segments as varints: the first time in Unix
// milliseconds, then deltas, each followed by the position (zig-zag).
func EncodeSegments(segs []flow.Segment) []byte {
	buf := make([]byte, 0, len(segs)*6)
	var prev int64
	for i, s := range segs {
		ms := s.From.UnixMilli()
		if i == 0 {
			buf = binary.AppendVarint(buf, ms)
		} else {
			buf = binary.AppendVarint(buf, ms-prev)
		}
		prev = ms
		buf = binary.AppendVarint(buf, int64(s.Pos))
	}
	return buf
}

// DecodeSegments unpacks EncodeSegments' bytes, appending to dst.
func DecodeSegments(dst []flow.Segment, b []byte) ([]flow.Segment, error) {
	var prev int64
	for first := true; len(b) > 0; first = false {
		v, n := binary.Varint(b)
		if n <= 0 {
			return dst, errors.New("segments: bad time")
		}
		b = b[n:]
		if first {
			prev = v
		} else {
			prev += v
		}
		p, n := binary.Varint(b)
		if n <= 0 {
			return dst, errors.New("segments: bad position")
		}
		b = b[n:]
		dst = append(dst, flow.Segment{From: time.UnixMilli(prev).UTC(), Pos: int16(p)})
	}
	return dst, nil
}

// FromFact turns a stored fact back into engine facts (Age and the
// blocked time of unfinished work are not stored: AgingWIP recomputes age).
func FromFact(f store.Fact) flow.IssueFacts {
	out := flow.IssueFacts{
		ID: strconv.FormatInt(f.IssueID, 10), Key: f.Key, Type: f.Type, Created: f.Created, InScope: f.InScope,
		Position: f.Position, Since: f.PositionSince, Delivered: f.Delivered, Abandoned: f.Abandoned,
		ClosedNotDelivered: f.ClosedNotDelivered, MovedChanges: f.MovedChanges, StatusMismatch: f.StatusMismatch,
		Started: flow.OptOf(f.StartedAt), Done: flow.OptOf(f.DoneAt), LeadTime: flow.OptOf(f.LeadTime),
		CalendarDays: flow.OptOf(f.CalendarDays), FlowEfficiency: flow.OptOf(f.FlowEfficiency),
		Blocked: flow.OptOf(f.Blocked), BlockedShare: flow.OptOf(f.BlockedShare),
	}
	if f.TimeInState != nil && f.Outside != nil {
		ts := flow.StateTimes{InState: f.TimeInState, Outside: *f.Outside}
		if f.BlockedInState != nil && f.BlockedOutside != nil && len(f.BlockedInState) == len(f.TimeInState) {
			ts.Blocked, ts.BlockedOutside = f.BlockedInState, *f.BlockedOutside
		}
		out.TimeInState = flow.Some(ts)
	}
	return out
}

// Counts turns the engine's weekly counts into stored rows.
func Counts(cs []flow.WeekCount) []store.WeekCount {
	out := make([]store.WeekCount, len(cs))
	for i, c := range cs {
		out[i] = store.WeekCount{Week: time.Date(c.Week.Year, c.Week.Month, c.Week.Day, 0, 0, 0, 0, time.UTC), Type: c.Type,
			Created: c.Created, Started: c.Started, Delivered: c.Delivered, ClosedNotDelivered: c.ClosedNotDelivered}
	}
	return out
}

// FromCounts turns stored weekly counts back into the engine's.
func FromCounts(cs []store.WeekCount) []flow.WeekCount {
	out := make([]flow.WeekCount, len(cs))
	for i, c := range cs {
		y, m, d := c.Week.Date()
		out[i] = flow.WeekCount{Week: flow.Date{Year: y, Month: m, Day: d}, Type: c.Type,
			Created: c.Created, Started: c.Started, Delivered: c.Delivered, ClosedNotDelivered: c.ClosedNotDelivered}
	}
	return out
}

// FromLeadFact turns the lead-time part of a delivered fact into engine
// facts (what flow.WeeklyFrom reads of them; no id or key).
func FromLeadFact(f *store.LeadFact) flow.IssueFacts {
	out := flow.IssueFacts{Type: f.Type, InScope: f.InScope, Delivered: true}
	if f.HasStarted {
		out.Started = flow.Some(f.StartedAt)
	}
	if f.HasDone {
		out.Done = flow.Some(f.DoneAt)
	}
	if f.HasLeadTime {
		out.LeadTime = flow.Some(f.LeadTime)
	}
	if f.HasBlock {
		out.Blocked = flow.Some(f.Blocked)
	}
	if f.TimeInState != nil && f.HasOutside {
		ts := flow.StateTimes{InState: f.TimeInState, Outside: f.Outside}
		if f.BlockedInState != nil && f.HasBlockedOutside && len(f.BlockedInState) == len(f.TimeInState) {
			ts.Blocked, ts.BlockedOutside = f.BlockedInState, f.BlockedOutside
		}
		out.TimeInState = flow.Some(ts)
	}
	return out
}

// CFDCounts turns the engine's CFD counts into stored rows.
func CFDCounts(cs []flow.CFDCount) []store.CFDCount {
	out := make([]store.CFDCount, len(cs))
	for i, c := range cs {
		bands := make([]int32, len(c.Bands))
		for k, v := range c.Bands {
			bands[k] = int32(v)
		}
		out[i] = store.CFDCount{Day: time.Date(c.Day.Year, c.Day.Month, c.Day.Day, 0, 0, 0, 0, time.UTC), Type: c.Type, Bands: bands}
	}
	return out
}

// FromCFDCounts turns stored CFD counts back into the engine's.
func FromCFDCounts(cs []store.CFDCount) []flow.CFDCount {
	out := make([]flow.CFDCount, len(cs))
	for i, c := range cs {
		y, m, d := c.Day.Date()
		bands := make([]int, len(c.Bands))
		for k, v := range c.Bands {
			bands[k] = int(v)
		}
		out[i] = flow.CFDCount{Day: flow.Date{Year: y, Month: m, Day: d}, Type: c.Type, Bands: bands}
	}
	return out
}
