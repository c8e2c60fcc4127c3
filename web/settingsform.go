package web

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/settings"
	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/views"
)

// settingsForm is the board settings form's state, as stored or as
// submitted. Columns and work types are keyed by their stored position
// ("0", "1", ...) or "new" (the empty row that adds one), so the status
// mapping and the lead-time window can refer to columns being renamed,
// moved or added in the same save.
type settingsForm struct {
	Version string
	Values  views.SettingsValues
	States  []views.StateRow
	New     views.StateRow
	Mapping map[string]string // status id -> column key ("" = not mapped)
	Types   []views.WorkTypeRow
	NewType views.WorkTypeRow
}

const newKey = "new"

func lines(xs []string) string { return strings.Join(xs, "\n") }

func formFromBoard(b store.Board) settingsForm {
	f := settingsForm{Version: strconv.FormatInt(b.UpdatedAt.UnixMicro(), 10), Mapping: map[string]string{}}
	v := &f.Values
	v.Name, v.ExtraJQL, v.TimeZone, v.DayMode = b.Name, b.ExtraJQL, b.TimeZone, b.DayMode
	if b.SyncSince != nil {
		v.SyncSince = b.SyncSince.Format(dateLayout)
	}
	var hol []string
	for _, h := range b.Holidays {
		hol = append(hol, h.Format(dateLayout))
	}
	v.Holidays = lines(hol)
	v.RollingWeeks = strconv.Itoa(b.RollingWeeks)
	v.FiscalMonth = strconv.Itoa(b.FiscalYearStartMonth)
	v.IncludeSubtasks = b.IncludeSubtasks
	v.InvalidResolutions = lines(b.InvalidResolutions)
	v.TagPattern = b.TagPattern
	v.PRExclude, v.PRBase = lines(b.PRExcludeAuthors), lines(b.PRBaseBranches)
	v.LeadStart, v.LeadEnd = strconv.Itoa(b.LeadStart), strconv.Itoa(b.LeadEnd)
	for _, st := range b.States {
		key := strconv.Itoa(st.Seq)
		f.States = append(f.States, views.StateRow{Key: key, Name: st.Name, Order: strconv.Itoa(st.Seq + 1), Active: st.Active})
		for _, id := range st.StatusIDs {
			f.Mapping[id] = key
		}
	}
	f.New = views.StateRow{Key: newKey, Order: strconv.Itoa(len(b.States) + 1), Active: true}
	for i, wt := range b.WorkTypes {
		f.Types = append(f.Types, views.WorkTypeRow{Key: strconv.Itoa(i), Name: wt.Name, Types: setOf(wt.IssueTypeIDs)})
	}
	f.NewType = views.WorkTypeRow{Key: newKey, Types: map[string]bool{}}
	return f
}

func setOf(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// formFromRequest reads a submitted settings form for board b (whose
// stored columns and work types the keys refer to).
func formFromRequest(r *http.Request, b store.Board) settingsForm {
	pf := r.PostForm
	get := func(k string) string { return pf.Get(k) }
	f := settingsForm{Version: get("version"), Mapping: map[string]string{}}
	v := &f.Values
	v.Name, v.ExtraJQL, v.SyncSince, v.TimeZone = get("name"), get("extra_jql"), get("sync_since"), get("time_zone")
	v.DayMode, v.Holidays, v.RollingWeeks, v.FiscalMonth = get("day_mode"), get("holidays"), get("rolling_weeks"), get("fiscal_year_start")
	v.IncludeSubtasks = get("include_subtasks") == "on"
	v.InvalidResolutions, v.TagPattern = get("invalid_resolutions"), get("tag_pattern")
	v.PRExclude, v.PRBase = get("pr_exclude_authors"), get("pr_base_branches")
	v.LeadStart, v.LeadEnd = get("lead_start"), get("lead_end")
	row := func(key string) views.StateRow {
		p := "state." + key + "."
		return views.StateRow{Key: key, Name: pf.Get(p + "name"), Order: pf.Get(p + "order"), Active: pf.Get(p+"active") == "on", Remove: pf.Get(p+"remove") == "on"}
	}
	for _, st := range b.States {
		f.States = append(f.States, row(strconv.Itoa(st.Seq)))
	}
	f.New = row(newKey)
	for k, vs := range pf {
		if id, ok := strings.CutPrefix(k, "status."); ok && len(vs) > 0 {
			f.Mapping[id] = vs[0]
		}
	}
	wt := func(key string) views.WorkTypeRow {
		p := "wt." + key + "."
		return views.WorkTypeRow{Key: key, Name: pf.Get(p + "name"), Types: setOf(pf[p+"type"]), Remove: pf.Get(p+"remove") == "on"}
	}
	for i := range b.WorkTypes {
		f.Types = append(f.Types, wt(strconv.Itoa(i)))
	}
	f.NewType = wt(newKey)
	return f
}

// keys remember which form row became which column or work type, so the
// engine's problems ("column 3 ...") go beside the right row.
type keys struct {
	states []string // new position -> form key
	types  []string
}

func (k keys) field(p settings.Problem) string {
	switch p.Field {
	case "state":
		if p.Index >= 0 && p.Index < len(k.states) {
			return "state." + k.states[p.Index]
		}
		return "states"
	case "work_type":
		if p.Index >= 0 && p.Index < len(k.types) {
			return "wt." + k.types[p.Index]
		}
		return "work_types"
	case "status":
		return "mapping"
	case "fiscal_year_start", "rolling_weeks", "time_zone", "day_mode", "name", "sync_since", "tag_pattern", "holidays", "window", "states", "extra_jql":
		return p.Field
	}
	return "states"
}

// toBoard applies the form to base: the board to validate and save, with
// the problems only the form can have (a number that is not one, a
// removed column still in use).
func (f settingsForm) toBoard(base store.Board) (store.Board, keys, views.Errors) {
	var errs views.Errors
	var k keys
	b := base
	v := f.Values
	b.Name = strings.TrimSpace(v.Name)
	b.ExtraJQL = strings.TrimSpace(v.ExtraJQL)
	b.TimeZone = strings.TrimSpace(v.TimeZone)
	b.DayMode = v.DayMode
	b.IncludeSubtasks = v.IncludeSubtasks
	b.TagPattern = strings.TrimSpace(v.TagPattern)
	b.InvalidResolutions = settings.CleanList(strings.Split(v.InvalidResolutions, "\n"))
	b.PRExcludeAuthors = settings.CleanList(strings.Split(v.PRExclude, "\n"))
	b.PRBaseBranches = settings.CleanList(strings.Split(v.PRBase, "\n"))
	if n, err := strconv.Atoi(strings.TrimSpace(v.RollingWeeks)); err != nil {
		errs.Add("rolling_weeks", fmt.Sprintf("Use a whole number of weeks from %d to %d.", settings.MinRollingWeeks, settings.MaxRollingWeeks))
		b.RollingWeeks = 12
	} else {
		b.RollingWeeks = n
	}
	if n, err := strconv.Atoi(v.FiscalMonth); err != nil {
		errs.Add("fiscal_year_start", "Choose a month from January to December.")
		b.FiscalYearStartMonth = 1
	} else {
		b.FiscalYearStartMonth = n
	}
	b.SyncSince = nil
	if s := strings.TrimSpace(v.SyncSince); s != "" {
		if d, err := time.Parse(dateLayout, s); err != nil {
			errs.Add("sync_since", "Choose a date (YYYY-MM-DD), or leave it empty for the server's default history.")
		} else {
			b.SyncSince = &d
		}
	}
	b.Holidays = nil
	for i, line := range strings.Split(v.Holidays, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		d, err := time.Parse(dateLayout, line)
		if err != nil {
			errs.Add("holidays", fmt.Sprintf("Line %d, %q, is not a date: write one date per line as YYYY-MM-DD.", i+1, line))
			continue
		}
		if !slices.ContainsFunc(b.Holidays, d.Equal) {
			b.Holidays = append(b.Holidays, d)
		}
	}
	slices.SortFunc(b.Holidays, func(x, y time.Time) int { return x.Compare(y) })

	// Columns: the kept rows, then the new one when named, by their order.
	type col struct {
		row   views.StateRow
		order int
		pos   int
	}
	var cols []col
	removed := map[string]bool{}
	for i, row := range append(slices.Clone(f.States), f.New) {
		if row.Key == newKey && strings.TrimSpace(row.Name) == "" {
			continue
		}
		if row.Remove {
			removed[row.Key] = true
			continue
		}
		o, err := strconv.Atoi(strings.TrimSpace(row.Order))
		if err != nil {
			errs.Add("state."+row.Key, "The position must be a whole number.")
			o = i + 1
		}
		cols = append(cols, col{row, o, i})
	}
	slices.SortStableFunc(cols, func(x, y col) int { return cmp.Or(cmp.Compare(x.order, y.order), cmp.Compare(x.pos, y.pos)) })
	seq := map[string]int{}
	b.States = nil
	for i, c := range cols {
		seq[c.row.Key] = i
		k.states = append(k.states, c.row.Key)
		b.States = append(b.States, store.BoardState{Seq: i, Name: strings.TrimSpace(c.row.Name), Active: c.row.Active})
	}
	stillMapped := map[string][]string{}
	ids := make([]string, 0, len(f.Mapping))
	for id := range f.Mapping {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		key := f.Mapping[id]
		if key == "" {
			continue
		}
		if removed[key] {
			stillMapped[key] = append(stillMapped[key], id)
			continue
		}
		i, ok := seq[key]
		if !ok {
			if key == newKey {
				errs.Add("state.new", "Name the new column to map statuses to it.")
			}
			continue
		}
		b.States[i].StatusIDs = append(b.States[i].StatusIDs, id)
	}
	for _, row := range f.States {
		if ids := stillMapped[row.Key]; len(ids) > 0 {
			errs.Add("state."+row.Key, fmt.Sprintf("This column still maps %s: choose another column for %s in the status mapping (or “not mapped”) before removing it.",
				plural(len(ids), "status", "statuses"), pluralWord(len(ids), "it", "them")))
		}
	}
	lead := func(key, which string) int {
		if removed[key] {
			errs.Add("window", fmt.Sprintf("The lead-time %s column is being removed: choose another.", which))
			return -1
		}
		i, ok := seq[key]
		if !ok {
			errs.Add("window", fmt.Sprintf("Choose the column where lead time %ss.", which))
			return -1
		}
		return i
	}
	b.LeadStart, b.LeadEnd = lead(v.LeadStart, "start"), lead(v.LeadEnd, "end")

	b.WorkTypes = nil
	for _, row := range append(slices.Clone(f.Types), f.NewType) {
		if row.Remove || (row.Key == newKey && strings.TrimSpace(row.Name) == "" && len(row.Types) == 0) {
			continue
		}
		wt := store.WorkType{Name: strings.TrimSpace(row.Name)}
		for id, on := range row.Types {
			if on {
				wt.IssueTypeIDs = append(wt.IssueTypeIDs, id)
			}
		}
		slices.Sort(wt.IssueTypeIDs)
		k.types = append(k.types, row.Key)
		b.WorkTypes = append(b.WorkTypes, wt)
	}
	// Stored order is by name; keep the keys in step.
	order := make([]int, len(b.WorkTypes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(b.WorkTypes[x].Name, b.WorkTypes[y].Name) })
	wts, tks := make([]store.WorkType, len(order)), make([]string, len(order))
	for i, j := range order {
		wts[i], tks[i] = b.WorkTypes[j], k.types[j]
	}
	b.WorkTypes, k.types = wts, tks
	return b, k, errs
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
