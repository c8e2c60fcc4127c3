package sim

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

type jqlField int

const (
	fProject jqlField = iota
	fType
	fStatus
	fStatusCat
	fResolution
	fCreated
	fUpdated
	fResolved
	fKey
	fID
	fRank
	fPriority
)

var jqlFields = map[string]jqlField{
	"project": fProject, "issuetype": fType, "type": fType, "status": fStatus, "statuscategory": fStatusCat,
	"resolution": fResolution, "created": fCreated, "createddate": fCreated, "updated": fUpdated,
	"updateddate": fUpdated, "resolved": fResolved, "resolutiondate": fResolved, "key": fKey,
	"issuekey": fKey, "id": fID,
}

var orderFields = map[string]jqlField{
	"project": fProject, "issuetype": fType, "type": fType, "status": fStatus, "resolution": fResolution,
	"created": fCreated, "createddate": fCreated, "updated": fUpdated, "updateddate": fUpdated,
	"resolved": fResolved, "resolutiondate": fResolved, "key": fKey, "issuekey": fKey, "id": fID,
	"rank": fRank, "priority": fPriority,
}

// Real JIRA fields outside the simulator's subset: an honest 400 instead of a silent mismatch.
var knownUnsupported = []string{"assignee", "reporter", "creator", "labels", "label", "summary", "description",
	"text", "comment", "sprint", "fixversion", "affectedversion", "component", "parent", "epic link", "duedate",
	"due", "lastviewed", "watcher", "watchers", "voter", "votes", "flagged", "environment", "filter", "attachments",
	"issuelink", "issuelinktype", "statuscategorychangeddate", "labels", "team", "level", "originalestimate",
	"remainingestimate", "timespent", "worklogdate", "worklogauthor", "cf[10021]", "cf[10019]", "cf[10020]",
	"priority", "rank", "category", "subtasks", "project.property", "issue.property"}

type pred func(s *istate) bool

type orderKey struct {
	field jqlField
	desc  bool
}

type compiled struct {
	where    pred // nil = every issue
	order    []orderKey
	warnings []string
}

type jqlEnv struct {
	w       *World
	snap    *snapshot
	loc     *time.Location
	lenient bool // Data Center validateQuery=false|warn: bad values become warnings
}

func (env *jqlEnv) compile(q *astQuery) (*compiled, error) {
	c := &compiled{}
	if q.where != nil {
		p, err := env.node(q.where, c)
		if err != nil {
			return nil, err
		}
		c.where = p
	}
	for _, o := range q.order {
		name := strings.ToLower(o.field)
		f, ok := orderFields[name]
		if !ok {
			if slices.Contains(knownUnsupported, name) {
				return nil, errorf("The Vger simulator cannot order by '%s' (supported: created, updated, resolved, key, id, rank, status, priority, project, issuetype, resolution).", o.field)
			}
			return nil, errorf("Field '%s' does not exist or you do not have permission to view it.", o.field)
		}
		c.order = append(c.order, orderKey{f, o.desc})
	}
	if len(c.order) == 0 {
		// JIRA's navigator order when the query names none.
		c.order = []orderKey{{fKey, true}}
	}
	return c, nil
}

func (env *jqlEnv) node(n astNode, c *compiled) (pred, error) {
	switch n := n.(type) {
	case astAnd:
		l, err := env.node(n.l, c)
		if err != nil {
			return nil, err
		}
		r, err := env.node(n.r, c)
		if err != nil {
			return nil, err
		}
		return func(s *istate) bool { return l(s) && r(s) }, nil
	case astOr:
		l, err := env.node(n.l, c)
		if err != nil {
			return nil, err
		}
		r, err := env.node(n.r, c)
		if err != nil {
			return nil, err
		}
		return func(s *istate) bool { return l(s) || r(s) }, nil
	case astNot:
		x, err := env.node(n.x, c)
		if err != nil {
			return nil, err
		}
		return func(s *istate) bool { return !x(s) }, nil
	case astCmp:
		return env.cmp(n, c)
	}
	return nil, errorf("Error in the JQL Query: unexpected query structure.")
}

func opUnsupported(op, field string) error {
	return errorf("The operator '%s' is not supported by the '%s' field.", strings.ToUpper(op), field)
}

func (env *jqlEnv) cmp(n astCmp, c *compiled) (pred, error) {
	name := strings.ToLower(n.field)
	f, ok := jqlFields[name]
	if !ok {
		if slices.Contains(knownUnsupported, name) || strings.HasPrefix(name, "cf[") {
			return nil, errorf("The Vger simulator does not support the field '%s' in JQL (supported: project, issuetype, status, statusCategory, resolution, created, updated, resolved, key, id).", n.field)
		}
		return nil, errorf("Field '%s' does not exist or you do not have permission to view it.", n.field)
	}
	for _, v := range n.values {
		if v.fn {
			return nil, errorf("The Vger simulator does not support JQL functions ('%s' in field '%s').", v.text, n.field)
		}
	}
	if n.op == "~" || n.op == "!~" {
		return nil, opUnsupported(n.op, n.field)
	}
	if n.op == "is" || n.op == "is not" {
		if len(n.values) != 1 || !n.values[0].empty {
			return nil, errorf("Error in the JQL Query: Expecting 'EMPTY' or 'NULL' after '%s' but got '%s'. (line 1, character %d)", strings.ToUpper(n.op), n.values[0].text, n.values[0].pos)
		}
		var empty pred
		switch f {
		case fResolution:
			empty = func(s *istate) bool { return s.res < 0 }
		case fResolved:
			empty = func(s *istate) bool { return s.resolved == 0 }
		default:
			empty = func(*istate) bool { return false }
		}
		if n.op == "is not" {
			return func(s *istate) bool { return !empty(s) }, nil
		}
		return empty, nil
	}
	for _, v := range n.values {
		if v.empty && n.op != "in" && n.op != "not in" && n.op != "=" && n.op != "!=" {
			return nil, opUnsupported(n.op, n.field)
		}
	}
	switch f {
	case fCreated, fUpdated, fResolved:
		return env.dateCmp(f, n)
	case fKey, fID:
		return env.keyCmp(f, n, c)
	}
	// Set-valued fields: project, issuetype, status, statusCategory, resolution.
	neg := false
	switch n.op {
	case "=", "in":
	case "!=", "not in":
		neg = true
	default:
		return nil, opUnsupported(n.op, n.field)
	}
	set := map[int]bool{}
	wantEmpty := false
	for _, v := range n.values {
		if v.empty || (f == fResolution && strings.EqualFold(v.text, "unresolved")) {
			wantEmpty = true
			continue
		}
		idx := env.lookup(f, v.text)
		if idx < 0 {
			msg := "The value '" + v.text + "' does not exist for the field '" + n.field + "'."
			if !env.lenient {
				return nil, errorf("%s", msg)
			}
			c.warnings = append(c.warnings, msg)
			continue
		}
		set[idx] = true
	}
	get := func(s *istate) (int, bool) {
		switch f {
		case fProject:
			return int(s.team), true
		case fType:
			return int(s.typ), true
		case fStatus:
			return int(s.status), true
		case fStatusCat:
			return catIndex(statuses[s.status].Category), true
		default: // resolution
			return int(s.res), s.res >= 0
		}
	}
	return func(s *istate) bool {
		v, has := get(s)
		if !has {
			// JQL's null semantics: an empty field matches only EMPTY, never a negation.
			return wantEmpty && !neg
		}
		return set[v] != neg
	}, nil
}

func catIndex(key string) int {
	for i, c := range categories {
		if c.key == key {
			return i
		}
	}
	return 0
}

func (env *jqlEnv) lookup(f jqlField, v string) int {
	switch f {
	case fProject:
		if t := env.w.teamByProject(v); t != nil {
			return t.Index
		}
	case fType:
		return typeIndex(v)
	case fStatus:
		return int(statusIndex(v))
	case fStatusCat:
		for i, c := range categories {
			if strings.EqualFold(c.key, v) || strings.EqualFold(c.name, v) || strconv.Itoa(c.id) == v {
				return i
			}
		}
	case fResolution:
		return resolutionIndex(v)
	}
	return -1
}

var relDate = regexp.MustCompile(`^([+-]?)(\d+)([wdhm])((\s+[+-]?\d+[wdhm])*)$`)
var relPart = regexp.MustCompile(`([+-]?)(\d+)([wdhm])`)

var dateLayouts = []string{"2006/01/02 15:04", "2006-01-02 15:04", "2006/01/02", "2006-01-02", "2006/1/2 15:04", "2006-1-2 15:04", "2006/1/2", "2006-1-2"}

// parseJQLDate reads a JQL date literal: absolute dates are minute-precision wall-clock times in
// the API user's time zone; periods ("-30d", "-4w 2d") are relative to the simulated now.
func parseJQLDate(v string, now int64, loc *time.Location) (int64, bool) {
	v = strings.TrimSpace(v)
	if m := relDate.FindStringSubmatch(strings.ToLower(v)); m != nil {
		sign := int64(1)
		if m[1] == "-" {
			sign = -1
		}
		var total int64
		for _, p := range relPart.FindAllStringSubmatch(strings.ToLower(v), -1) {
			n, _ := strconv.ParseInt(p[2], 10, 64)
			unit := map[string]int64{"w": weekMs, "d": dayMs, "h": hourMs, "m": minMs}[p[3]]
			s := sign
			if p[1] == "-" {
				s = -1
			} else if p[1] == "+" {
				s = 1
			}
			total += s * n * unit
		}
		return now + total, true
	}
	if len(v) >= 10 && strings.Trim(v, "0123456789") == "" {
		ms, err := strconv.ParseInt(v, 10, 64)
		return ms, err == nil
	}
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, v, loc); err == nil {
			return t.UnixMilli(), true
		}
	}
	return 0, false
}

func (env *jqlEnv) dateCmp(f jqlField, n astCmp) (pred, error) {
	if len(n.values) != 1 || n.op == "in" || n.op == "not in" {
		return nil, opUnsupported(n.op, n.field)
	}
	v := n.values[0]
	at, ok := parseJQLDate(v.text, env.snap.now, env.loc)
	if !ok {
		return nil, errorf("Date value '%s' for field '%s' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.", v.text, n.field)
	}
	get := func(s *istate) int64 {
		switch f {
		case fCreated:
			return s.created
		case fUpdated:
			return s.updated
		default:
			return s.resolved
		}
	}
	var cmp func(t int64) bool
	switch n.op {
	case ">":
		cmp = func(t int64) bool { return t > at }
	case ">=":
		cmp = func(t int64) bool { return t >= at }
	case "<":
		cmp = func(t int64) bool { return t < at }
	case "<=":
		cmp = func(t int64) bool { return t <= at }
	case "=":
		cmp = func(t int64) bool { return t-t%minMs == at }
	case "!=":
		cmp = func(t int64) bool { return t-t%minMs != at }
	default:
		return nil, opUnsupported(n.op, n.field)
	}
	return func(s *istate) bool {
		t := get(s)
		return t != 0 && cmp(t)
	}, nil
}

// keyCmp handles key/issuekey (current or former keys) and id.
func (env *jqlEnv) keyCmp(f jqlField, n astCmp, c *compiled) (pred, error) {
	type target struct {
		idx  int32
		team int
		num  uint32
	}
	var ts []target
	for _, v := range n.values {
		if v.empty {
			continue
		}
		if f == fID {
			id, err := strconv.ParseInt(v.text, 10, 64)
			if err != nil {
				return nil, errorf("The value '%s' for field 'id' is invalid.", v.text)
			}
			ts = append(ts, target{idx: int32(id - idBase)})
			continue
		}
		tm, num, ok := env.parseKey(v.text)
		if !ok {
			return nil, errorf("The issue key '%s' for field '%s' is invalid.", v.text, n.field)
		}
		idx := env.snap.byKey(tm, num)
		if idx < 0 && n.op != "<" && n.op != "<=" && n.op != ">" && n.op != ">=" {
			msg := "An issue with key '" + v.text + "' does not exist for field '" + n.field + "'."
			if !env.lenient {
				return nil, errorf("%s", msg)
			}
			c.warnings = append(c.warnings, msg)
		}
		ts = append(ts, target{idx: idx, team: tm, num: num})
	}
	switch n.op {
	case "=", "in", "!=", "not in":
		set := map[int32]bool{}
		for _, t := range ts {
			set[t.idx] = true
		}
		neg := n.op == "!=" || n.op == "not in"
		return func(s *istate) bool { return set[s.idx] != neg }, nil
	case "<", "<=", ">", ">=":
		if len(ts) != 1 {
			return nil, opUnsupported(n.op, n.field)
		}
		t := ts[0]
		return func(s *istate) bool {
			var a, b int64
			if f == fID {
				a, b = int64(s.idx), int64(t.idx)
			} else {
				if int(s.team) != t.team {
					return false
				}
				a, b = int64(s.num), int64(t.num)
			}
			switch n.op {
			case "<":
				return a < b
			case "<=":
				return a <= b
			case ">":
				return a > b
			}
			return a >= b
		}, nil
	}
	return nil, opUnsupported(n.op, n.field)
}

func (env *jqlEnv) parseKey(k string) (team int, num uint32, ok bool) {
	dash := strings.LastIndexByte(k, '-')
	if dash <= 0 {
		return 0, 0, false
	}
	n, err := strconv.ParseUint(k[dash+1:], 10, 32)
	if err != nil || n == 0 {
		return 0, 0, false
	}
	for _, t := range env.w.Teams {
		if strings.EqualFold(t.ProjectKey, k[:dash]) {
			return t.Index, uint32(n), true
		}
	}
	return -1, uint32(n), true
}

// byKey resolves a (project, number) key, current or former, to an issue index (-1 = none).
func (s *snapshot) byKey(team int, num uint32) int32 {
	if team < 0 || team >= len(s.v.byNum) || num == 0 || int(num) > len(s.v.byNum[team]) {
		return -1
	}
	idx := s.v.byNum[team][num-1]
	st := s.state(idx)
	if st == nil {
		return -1
	}
	// A key handed to a moved-in issue is only valid once the move has happened.
	if int(st.team) == team && st.num == num {
		return idx
	}
	if int(s.v.hdr[idx].team) == team && s.v.hdr[idx].num == num {
		return idx
	}
	return -1
}

// run evaluates a compiled query over the snapshot and returns positions in order.
func (c *compiled) run(s *snapshot, w *World) []int32 {
	out := make([]int32, 0, 1024)
	for p := range s.states {
		if c.where == nil || c.where(&s.states[p]) {
			out = append(out, int32(p))
		}
	}
	slices.SortStableFunc(out, func(a, b int32) int {
		x, y := &s.states[a], &s.states[b]
		for _, o := range c.order {
			r := compareBy(o.field, x, y, w)
			if o.desc {
				r = -r
			}
			if r != 0 {
				return r
			}
		}
		return cmpInt(int64(x.idx), int64(y.idx))
	})
	return out
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compareBy(f jqlField, x, y *istate, w *World) int {
	switch f {
	case fCreated:
		return cmpInt(x.created, y.created)
	case fUpdated:
		return cmpInt(x.updated, y.updated)
	case fResolved:
		a, b := x.resolved, y.resolved
		if a == 0 {
			a = 1 << 62
		}
		if b == 0 {
			b = 1 << 62
		}
		return cmpInt(a, b)
	case fKey:
		if r := strings.Compare(w.Teams[x.team].ProjectKey, w.Teams[y.team].ProjectKey); r != 0 {
			return r
		}
		return cmpInt(int64(x.num), int64(y.num))
	case fID:
		return cmpInt(int64(x.idx), int64(y.idx))
	case fRank:
		if x.rank < y.rank {
			return -1
		} else if x.rank > y.rank {
			return 1
		}
		return 0
	case fStatus:
		return cmpInt(int64(x.status), int64(y.status))
	case fPriority:
		return cmpInt(int64(x.prio), int64(y.prio))
	case fProject:
		return strings.Compare(w.Teams[x.team].ProjectKey, w.Teams[y.team].ProjectKey)
	case fType:
		return cmpInt(int64(x.typ), int64(y.typ))
	case fResolution:
		return cmpInt(int64(x.res), int64(y.res))
	}
	return 0
}
