package web

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/store"
)

// ViewParams is the whole state of a board view, read from its URL. Its
// query-string form is a public contract (see README "URL scheme"): every
// view is a GET URL, so a URL pasted in a retro reproduces the view.
type ViewParams struct {
	Weeks     int       // relative range: the last N complete weeks (0 = default 26)
	From, To  flow.Date // absolute range (inclusive local dates); zero = relative
	Types     []string  // work type names; empty = all
	Start     string    // lead-time start state; "" = the board's
	End       string    // lead-time end state; "" = the board's
	Days      string    // "working" or "calendar"; "" = the board's
	Window    int       // rolling window in weeks; 0 = the board's
	Backlog   string    // "relative" (default) or "absolute"
	Tags      bool      // show release tags (default true)
	Notes     bool      // show the board's annotations (default true)
	Hide      []string  // states hidden in the detailed lead-time view
	Format    string    // "" (HTML) or "json"
	explicitT bool      // tags=on was written explicitly
}

// unnamedParam names a query parameter whose name is empty ("?=x").
const unnamedParam = "(unnamed)"

// DefaultWeeks is the default relative range.
const DefaultWeeks = 26

// viewParamOrder is the canonical order of query parameters.
var viewParamOrder = []string{"weeks", "from", "to", "type", "start", "end", "days", "window", "backlog", "tags", "notes", "hide", "format"}

// prParams are the parameters of the pull-request views (see prparams.go
// for the three of their own), in canonical order.
var prParamOrder = []string{"weeks", "from", "to", "repo", "base", "exclude", "days", "window", "tags", "notes", "format"}

// ParseViewParams reads and validates a view's query string against the
// board. Every problem is a 400 naming the parameter and what it allows.
// extra lists further parameters the page accepts (they are not checked).
func ParseViewParams(q url.Values, b store.Board, extra ...string) (ViewParams, error) {
	return parseParams(q, b, viewParamOrder, extra...)
}

// parseParams reads the parameters a view allows (others are a 400).
func parseParams(q url.Values, b store.Board, allowed []string, extra ...string) (ViewParams, error) {
	p := ViewParams{Tags: true, Notes: true}
	if q.Has("apply") {
		// A submitted form sends every field: a date range replaces the
		// relative one, and empty fields mean "the default".
		q = cleanForm(q)
	}
	for k := range q {
		if k == "" {
			return p, InvalidParam(unnamedParam, "a value without a parameter name (\"=…\")", strings.Join(append(slices.Clone(allowed), extra...), ", "))
		}
		if !slices.Contains(allowed, k) && !slices.Contains(extra, k) && k != "apply" {
			return p, InvalidParam(k, "this view does not take it", strings.Join(append(slices.Clone(allowed), extra...), ", "))
		}
	}
	single := func(k string) (string, bool, error) {
		vs, ok := q[k]
		if !ok {
			return "", false, nil
		}
		if len(vs) != 1 {
			return "", false, InvalidParam(k, "it is given more than once", "one value")
		}
		return strings.TrimSpace(vs[0]), true, nil
	}
	if v, ok, err := single("weeks"); err != nil {
		return p, err
	} else if ok && v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 520 {
			return p, InvalidParam("weeks", fmt.Sprintf("%q is not a number of weeks", v), "a whole number from 1 to 520")
		}
		p.Weeks = n
	}
	for _, k := range []string{"from", "to"} {
		v, ok, err := single(k)
		if err != nil {
			return p, err
		}
		if !ok || v == "" {
			continue
		}
		d, err := flow.ParseDate(v)
		if err != nil || d.Year < 1990 || d.Year > 2200 {
			return p, InvalidParam(k, fmt.Sprintf("%q is not a date", v), "a date as YYYY-MM-DD, e.g. 2025-03-03")
		}
		if k == "from" {
			p.From = d
		} else {
			p.To = d
		}
	}
	switch {
	case !p.To.IsZero() && p.From.IsZero():
		return p, InvalidParam("to", "it needs a from date", "from=YYYY-MM-DD together with to")
	case !p.From.IsZero() && !p.To.IsZero() && p.To.Before(p.From):
		return p, InvalidParam("to", fmt.Sprintf("%s is before from (%s)", p.To, p.From), fmt.Sprintf("a date on or after %s (from)", p.From))
	case p.Weeks != 0 && !p.From.IsZero():
		return p, InvalidParam("weeks", "it cannot be combined with from/to", "either weeks (a live range) or from/to (fixed dates)")
	}
	if !p.From.IsZero() && !p.To.IsZero() && p.To.AddDays(-7*520).After(p.From) {
		weeks := (p.To.Start(time.UTC).Sub(p.From.Start(time.UTC))/(24*time.Hour) + 1 + 6) / 7
		return p, InvalidParam("from", fmt.Sprintf("from %s to %s spans %d weeks", p.From, p.To, weeks), "a range of at most 520 weeks (10 years)")
	}
	for _, v := range q["type"] {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		name, ok := matchName(v, workTypeNames(b))
		if !ok {
			return p, InvalidParam("type", fmt.Sprintf("%q is not a work type of this board", v), strings.Join(workTypeNames(b), ", "))
		}
		if !slices.Contains(p.Types, name) {
			p.Types = append(p.Types, name)
		}
	}
	// Keep the board's order, so equal selections give equal URLs.
	slices.SortStableFunc(p.Types, func(a, c string) int {
		return slices.Index(workTypeNames(b), a) - slices.Index(workTypeNames(b), c)
	})
	states := stateNames(b)
	for _, k := range []string{"start", "end"} {
		v, ok, err := single(k)
		if err != nil {
			return p, err
		}
		if !ok || v == "" {
			continue
		}
		name, found := matchName(v, states)
		if !found {
			return p, InvalidParam(k, fmt.Sprintf("%q is not a column of this board", v), strings.Join(states, ", "))
		}
		if k == "start" {
			p.Start = name
		} else {
			p.End = name
		}
	}
	s, e := p.window(b)
	if s >= e {
		after := "none: the start column is the board's last"
		if s+1 < len(states) {
			after = strings.Join(states[s+1:], ", ")
		}
		return p, InvalidParam("end", fmt.Sprintf("%q is not after the start column %q", states[e], states[s]), after)
	}
	if v, ok, err := single("days"); err != nil {
		return p, err
	} else if ok && v != "" {
		if v != "working" && v != "calendar" {
			return p, InvalidParam("days", fmt.Sprintf("%q is not a day mode", v), "working or calendar")
		}
		p.Days = v
	}
	if v, ok, err := single("window"); err != nil {
		return p, err
	} else if ok && v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 4 || n > 104 {
			return p, InvalidParam("window", fmt.Sprintf("%q is not a rolling window", v), "a whole number of weeks from 4 to 104")
		}
		p.Window = n
	}
	if v, ok, err := single("backlog"); err != nil {
		return p, err
	} else if ok && v != "" {
		if v != "relative" && v != "absolute" {
			return p, InvalidParam("backlog", fmt.Sprintf("%q is not a backlog mode", v), "relative (from the range start) or absolute (since the first record)")
		}
		p.Backlog = v
	}
	if v, ok, err := single("tags"); err != nil {
		return p, err
	} else if ok && v != "" {
		if v != "on" && v != "off" {
			return p, InvalidParam("tags", fmt.Sprintf("%q is not a switch setting", v), "on or off")
		}
		p.Tags, p.explicitT = v == "on", true
	}
	if v, ok, err := single("notes"); err != nil {
		return p, err
	} else if ok && v != "" {
		if v != "on" && v != "off" {
			return p, InvalidParam("notes", fmt.Sprintf("%q is not a switch setting", v), "on or off")
		}
		p.Notes = v == "on"
	}
	hideable := append(slices.Clone(states), "outside")
	for _, v := range q["hide"] {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		name, ok := matchName(v, hideable)
		if !ok {
			return p, InvalidParam("hide", fmt.Sprintf("%q is not a column of this board", v), strings.Join(hideable, ", "))
		}
		if !slices.Contains(p.Hide, name) {
			p.Hide = append(p.Hide, name)
		}
	}
	if v, ok, err := single("format"); err != nil {
		return p, err
	} else if ok && v != "" {
		if v != "json" {
			return p, InvalidParam("format", fmt.Sprintf("%q is not a format", v), "json (or leave it out for the page)")
		}
		p.Format = v
	}
	return p, nil
}

func matchName(v string, names []string) (string, bool) {
	for _, n := range names {
		if strings.EqualFold(n, v) {
			return n, true
		}
	}
	return "", false
}

func workTypeNames(b store.Board) []string {
	out := make([]string, len(b.WorkTypes))
	for i, wt := range b.WorkTypes {
		out[i] = wt.Name
	}
	return out
}

func stateNames(b store.Board) []string {
	out := make([]string, len(b.States))
	for i, st := range b.States {
		out[i] = st.Name
	}
	return out
}

// window resolves the lead-time start and end column indexes.
func (p ViewParams) window(b store.Board) (int, int) {
	s, e := b.LeadStart, b.LeadEnd
	if i := slices.Index(stateNames(b), p.Start); p.Start != "" && i >= 0 {
		s = i
	}
	if i := slices.Index(stateNames(b), p.End); p.End != "" && i >= 0 {
		e = i
	}
	return s, e
}

// Overrides reports whether the view changes what facts mean (start, end
// or day mode differ from the board's), so facts must be recomputed.
func (p ViewParams) Overrides(b store.Board) bool {
	s, e := p.window(b)
	return s != b.LeadStart || e != b.LeadEnd || (p.Days != "" && p.Days != b.DayMode)
}

// Canonical is the view's query string with values equal to the board's
// defaults left out, parameters in a fixed order.
func (p ViewParams) Canonical(b store.Board) url.Values {
	q := url.Values{}
	if p.Weeks != 0 && p.Weeks != DefaultWeeks {
		q.Set("weeks", strconv.Itoa(p.Weeks))
	}
	if !p.From.IsZero() {
		q.Set("from", p.From.String())
	}
	if !p.To.IsZero() {
		q.Set("to", p.To.String())
	}
	if len(p.Types) > 0 && len(p.Types) < len(b.WorkTypes) {
		q["type"] = slices.Clone(p.Types)
	}
	s, e := p.window(b)
	if s != b.LeadStart {
		q.Set("start", b.States[s].Name)
	}
	if e != b.LeadEnd {
		q.Set("end", b.States[e].Name)
	}
	if p.Days != "" && p.Days != b.DayMode {
		q.Set("days", p.Days)
	}
	if p.Window != 0 && p.Window != b.RollingWeeks {
		q.Set("window", strconv.Itoa(p.Window))
	}
	if p.Backlog == "absolute" {
		q.Set("backlog", "absolute")
	}
	if !p.Tags {
		q.Set("tags", "off")
	}
	if !p.Notes {
		q.Set("notes", "off")
	}
	if len(p.Hide) > 0 {
		q["hide"] = slices.Clone(p.Hide)
	}
	if p.Format != "" {
		q.Set("format", p.Format)
	}
	return q
}

// Permalink freezes the view: absolute dates (the range actually shown)
// and every setting written out, so it shows the same view even after the
// board's settings change.
func (p ViewParams) Permalink(b store.Board, shownFrom, shownTo flow.Date) url.Values {
	q := url.Values{}
	q.Set("from", shownFrom.String())
	q.Set("to", shownTo.String())
	types := p.Types
	if len(types) == 0 {
		types = workTypeNames(b)
	}
	if len(types) > 0 {
		q["type"] = slices.Clone(types)
	}
	s, e := p.window(b)
	q.Set("start", b.States[s].Name)
	q.Set("end", b.States[e].Name)
	q.Set("days", cmp.Or(p.Days, b.DayMode))
	q.Set("window", strconv.Itoa(cmp.Or(p.Window, b.RollingWeeks)))
	q.Set("backlog", cmp.Or(p.Backlog, "relative"))
	if p.Tags {
		q.Set("tags", "on")
	} else {
		q.Set("tags", "off")
	}
	q.Set("notes", onOff(p.Notes))
	if len(p.Hide) > 0 {
		q["hide"] = slices.Clone(p.Hide)
	}
	return q
}

// Encode writes values in the canonical parameter order (url.Values.Encode
// sorts alphabetically, which would still be stable, but this order reads
// better: range first).
func Encode(q url.Values) string {
	var b strings.Builder
	order := viewParamOrder
	if q.Has("repo") || q.Has("base") || q.Has("exclude") {
		order = prParamOrder
	}
	for _, k := range append(slices.Clone(order), sortedExtra(q, order)...) {
		for _, v := range q[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	}
	return b.String()
}

func sortedExtra(q url.Values, order []string) []string {
	var out []string
	for k := range q {
		if !slices.Contains(order, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Range resolves the dates to query: an absolute range as given, or the
// last Weeks complete weeks before the current one, plus the current week.
func (p ViewParams) Range(fb *flow.Board, now time.Time) (flow.Date, flow.Date) {
	if !p.From.IsZero() {
		return p.From, p.To // a zero To = up to today
	}
	weeks := p.Weeks
	if weeks == 0 {
		weeks = DefaultWeeks
	}
	cur := fb.WeekOf(now)
	return cur.AddDays(-7 * weeks), fb.Today(now)
}

// cleanForm drops a submitted form's empty fields, and its relative range
// when fixed dates were given.
func cleanForm(q url.Values) url.Values {
	out := url.Values{}
	for k, vs := range q {
		for _, v := range vs {
			if strings.TrimSpace(v) != "" {
				out.Add(k, v)
			}
		}
	}
	if out.Get("from") != "" {
		out.Del("weeks")
	}
	return out
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
