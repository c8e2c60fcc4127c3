package sim

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// idBase makes issue ids look like JIRA's (issue index 0 is id 10000).
const idBase = 10000

const jiraTime = "2006-01-02T15:04:05.000-0700"

// catalog holds the pre-rendered JSON of the shared objects (statuses, types, projects, users...)
// for one base URL and API version: they carry `self` links, so they depend on both.
type catalog struct {
	statuses    [][]byte
	categories  [][]byte
	types       [][]byte
	projects    [][]byte
	resolutions [][]byte
	priorities  [][]byte
	users       [][][]byte // by team, user
	apiUser     []byte
}

// rctx is everything a JIRA response needs: the snapshot, base URL, API version and mode.
type rctx struct {
	s     *Sim
	snap  *snapshot
	base  string // e.g. http://127.0.0.1:8089/jira
	ver   string // "2" or "3" (what the request used)
	cloud bool
	cat   *catalog
	loc   *time.Location
	buf   []event
}

func (s *Sim) newRctx(r *http.Request) *rctx {
	ver := r.PathValue("v")
	if ver == "" || ver == "latest" {
		ver = "2"
	}
	base := "http://" + r.Host + "/jira"
	c := &rctx{s: s, snap: s.current(), base: base, ver: ver, cloud: s.cloud, loc: s.world.userTZ}
	key := base + "|" + ver
	if v, ok := s.catalogs.Load(key); ok {
		c.cat = v.(*catalog)
	} else {
		cat := c.buildCatalog()
		v, _ := s.catalogs.LoadOrStore(key, cat)
		c.cat = v.(*catalog)
	}
	return c
}

func (c *rctx) api() string { return c.base + "/rest/api/" + c.ver }

func (c *rctx) buildCatalog() *catalog {
	cat := &catalog{}
	for _, sc := range categories {
		j := &jw{}
		c.category(j, sc)
		cat.categories = append(cat.categories, j.b)
	}
	for i := range statuses {
		j := &jw{}
		c.statusObj(j, int16(i))
		cat.statuses = append(cat.statuses, j.b)
	}
	for i := range issueTypes {
		j := &jw{}
		c.typeObj(j, uint8(i))
		cat.types = append(cat.types, j.b)
	}
	for _, t := range c.s.world.Teams {
		j := &jw{}
		c.projectObj(j, t)
		cat.projects = append(cat.projects, j.b)
		var us [][]byte
		for _, u := range t.users {
			j := &jw{}
			c.userObj(j, u)
			us = append(us, j.b)
		}
		cat.users = append(cat.users, us)
	}
	for i := range resolutions {
		j := &jw{}
		c.resolutionObj(j, i)
		cat.resolutions = append(cat.resolutions, j.b)
	}
	for i := range priorities {
		j := &jw{}
		c.priorityObj(j, i)
		cat.priorities = append(cat.priorities, j.b)
	}
	j := &jw{}
	c.userObj(j, c.s.world.apiUsr)
	cat.apiUser = j.b
	return cat
}

func (c *rctx) category(j *jw, sc statusCategory) {
	j.obj()
	j.kstr("self", c.api()+"/statuscategory/"+strconv.Itoa(sc.id))
	j.kint("id", int64(sc.id))
	j.kstr("key", sc.key)
	j.kstr("colorName", sc.colorName)
	j.kstr("name", sc.name)
	j.endObj()
}

func (c *rctx) statusObj(j *jw, i int16) {
	s := c.s.world.stat[i]
	j.obj()
	j.kstr("self", c.api()+"/status/"+s.ID)
	j.kstr("description", s.Description)
	j.kstr("iconUrl", c.base+"/images/icons/statuses/generic.png")
	j.kstr("name", s.Name)
	j.kstr("untranslatedName", s.Name)
	j.kstr("id", s.ID)
	j.key("statusCategory")
	c.category(j, categoryByKey(s.Category))
	if c.cloud {
		j.key("scope")
		j.obj()
		j.kstr("type", "GLOBAL")
		j.endObj()
	}
	j.endObj()
}

func (c *rctx) typeObj(j *jw, i uint8) {
	t := c.s.world.types[i]
	j.obj()
	j.kstr("self", c.api()+"/issuetype/"+t.ID)
	j.kstr("id", t.ID)
	j.kstr("description", t.Description)
	j.kstr("iconUrl", c.base+"/rest/api/2/universal_avatar/view/type/issuetype/avatar/"+strconv.Itoa(t.AvatarID)+"?size=medium")
	j.kstr("name", t.Name)
	if c.cloud {
		j.kstr("untranslatedName", t.Name)
	}
	j.kbool("subtask", t.Subtask)
	j.kint("avatarId", int64(t.AvatarID))
	if c.cloud {
		j.kint("hierarchyLevel", int64(t.Hierarchy))
	}
	j.endObj()
}

func (c *rctx) avatars(j *jw, kind, id string) {
	j.key("avatarUrls")
	j.obj()
	for _, sz := range []string{"48x48", "24x24", "16x16", "32x32"} {
		j.kstr(sz, c.base+"/secure/"+kind+"?size="+sz+"&avatarId="+id)
	}
	j.endObj()
}

func (c *rctx) projectObj(j *jw, t *Team) {
	j.obj()
	j.kstr("self", c.api()+"/project/"+t.ProjectID)
	j.kstr("id", t.ProjectID)
	j.kstr("key", t.ProjectKey)
	j.kstr("name", t.Name)
	j.kstr("projectTypeKey", "software")
	if c.cloud {
		j.kbool("simplified", false)
	}
	c.avatars(j, "projectavatar", "104"+strconv.Itoa(10+t.Index))
	j.endObj()
}

func (c *rctx) userObj(j *jw, u user) {
	j.obj()
	if c.cloud {
		j.kstr("self", c.api()+"/user?accountId="+u.accountID)
		j.kstr("accountId", u.accountID)
		j.kstr("emailAddress", u.email)
	} else {
		j.kstr("self", c.api()+"/user?username="+u.name)
		j.kstr("name", u.name)
		j.kstr("key", u.key)
		j.kstr("emailAddress", u.email)
	}
	c.avatars(j, "useravatar", "10122")
	j.kstr("displayName", u.displayName)
	j.kbool("active", true)
	j.kstr("timeZone", u.tz)
	if c.cloud {
		j.kstr("accountType", "atlassian")
	}
	j.endObj()
}

func (c *rctx) resolutionObj(j *jw, i int) {
	r := resolutions[i]
	j.obj()
	j.kstr("self", c.api()+"/resolution/"+r.ID)
	j.kstr("id", r.ID)
	j.kstr("description", r.Description)
	j.kstr("name", r.Name)
	j.endObj()
}

func (c *rctx) priorityObj(j *jw, i int) {
	p := priorities[i]
	j.obj()
	j.kstr("self", c.api()+"/priority/"+p.id)
	j.kstr("iconUrl", c.base+"/images/icons/priorities/"+strings.ToLower(p.name)+".svg")
	j.kstr("name", p.name)
	j.kstr("id", p.id)
	j.endObj()
}

// time writes a JIRA timestamp in the API user's zone (offset without a colon).
func (c *rctx) time(j *jw, ms int64) {
	j.sep()
	j.b = append(j.b, '"')
	j.b = time.UnixMilli(ms).In(c.loc).AppendFormat(j.b, jiraTime)
	j.b = append(j.b, '"')
	j.need = true
}

func issueID(i int32) string { return strconv.Itoa(idBase + int(i)) }

func (c *rctx) key(st *istate) string {
	return c.s.world.Teams[st.team].ProjectKey + "-" + strconv.FormatUint(uint64(st.num), 10)
}

// reporter is the team member who filed the issue.
func (c *rctx) reporter(i int32) []byte {
	h := &c.snap.v.hdr[i]
	us := c.cat.users[h.team]
	return us[hash3(c.s.opts.Seed, streamUser, uint64(i))%uint64(len(us))]
}

// showParent: Cloud's `parent` covers epics and sub-tasks; Data Center's only sub-tasks (epics
// use the Epic Link custom field there).
func (c *rctx) showParent(st *istate) bool {
	return st.parent >= 0 && (c.cloud || st.typ == tySubtask)
}

func rankString(r uint64) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	b := []byte("0|i00000:")
	for k := 7; k >= 3; k-- {
		b[k] = digits[r%36]
		r /= 36
	}
	return string(b)
}

// fields writes an issue's "fields" object for the selected fields.
func (c *rctx) fields(j *jw, st *istate, sel fieldSel) {
	i := st.idx
	j.obj()
	for fi, f := range issueFields {
		if !sel.want[fi] {
			continue
		}
		id := f.id
		if f.custom {
			id = customFieldID(f.id, c.cloud)
		}
		j.key(id)
		switch f.id {
		case "statuscategorychangedate":
			c.time(j, st.catChanged)
		case "issuetype":
			j.raw(c.cat.types[st.typ])
		case "parent":
			if !c.showParent(st) {
				j.null()
				break
			}
			p := c.snap.state(st.parent)
			if p == nil {
				j.null()
				break
			}
			j.obj()
			j.kstr("id", issueID(p.idx))
			j.kstr("key", c.key(p))
			j.kstr("self", c.api()+"/issue/"+issueID(p.idx))
			j.key("fields")
			j.obj()
			j.kstr("summary", c.s.gen.summary(p.idx, p.typ))
			j.key("status")
			j.raw(c.cat.statuses[p.status])
			j.key("priority")
			j.raw(c.cat.priorities[p.prio])
			j.key("issuetype")
			j.raw(c.cat.types[p.typ])
			j.endObj()
			j.endObj()
		case "project":
			j.raw(c.cat.projects[st.team])
		case "fixVersions", "versions", "issuelinks", "components", "attachment":
			j.arr()
			j.endArr()
		case "resolution":
			if st.res < 0 {
				j.null()
			} else {
				j.raw(c.cat.resolutions[st.res])
			}
		case "resolutiondate":
			if st.resolved == 0 {
				j.null()
			} else {
				c.time(j, st.resolved)
			}
		case "workratio":
			j.int(-1)
		case "watches":
			j.obj()
			j.kstr("self", c.api()+"/issue/"+c.key(st)+"/watchers")
			j.kint("watchCount", 1)
			j.kbool("isWatching", false)
			j.endObj()
		case "created":
			c.time(j, st.created)
		case "updated":
			c.time(j, st.updated)
		case cfFlagged:
			if !st.flagged {
				j.null()
				break
			}
			j.arr()
			j.obj()
			j.kstr("self", c.api()+"/customFieldOption/10019")
			j.kstr("value", "Impediment")
			j.kstr("id", "10019")
			j.endObj()
			j.endArr()
		case cfRank:
			j.str(rankString(st.rank))
		case "priority":
			j.raw(c.cat.priorities[st.prio])
		case "labels":
			j.arr()
			for li, l := range labels {
				if st.labels&(1<<uint(li)) != 0 {
					j.str(l)
				}
			}
			j.endArr()
		case "assignee":
			if st.assignee < 0 {
				j.null()
			} else {
				j.raw(c.cat.users[st.aTeam][st.assignee])
			}
		case "status":
			j.raw(c.cat.statuses[st.status])
		case "description":
			d := c.s.gen.description(i, st.typ)
			if c.ver == "3" {
				j.obj()
				j.kstr("type", "doc")
				j.kint("version", 1)
				j.key("content")
				j.arr()
				j.obj()
				j.kstr("type", "paragraph")
				j.key("content")
				j.arr()
				j.obj()
				j.kstr("type", "text")
				j.kstr("text", d)
				j.endObj()
				j.endArr()
				j.endObj()
				j.endArr()
				j.endObj()
			} else {
				j.str(d)
			}
		case "timetracking":
			j.obj()
			j.endObj()
		case "summary":
			j.str(c.s.gen.summary(i, st.typ))
		case "creator", "reporter":
			j.raw(c.reporter(i))
		case "subtasks":
			j.arr()
			for _, ci := range c.snap.children[i] {
				cs := c.snap.state(ci)
				if cs == nil {
					continue
				}
				j.obj()
				j.kstr("id", issueID(ci))
				j.kstr("key", c.key(cs))
				j.kstr("self", c.api()+"/issue/"+issueID(ci))
				j.key("fields")
				j.obj()
				j.kstr("summary", c.s.gen.summary(ci, cs.typ))
				j.key("status")
				j.raw(c.cat.statuses[cs.status])
				j.key("priority")
				j.raw(c.cat.priorities[cs.prio])
				j.key("issuetype")
				j.raw(c.cat.types[cs.typ])
				j.endObj()
				j.endObj()
			}
			j.endArr()
		case "aggregateprogress", "progress":
			j.obj()
			j.kint("progress", 0)
			j.kint("total", 0)
			j.endObj()
		case "votes":
			j.obj()
			j.kstr("self", c.api()+"/issue/"+c.key(st)+"/votes")
			j.kint("votes", 0)
			j.kbool("hasVoted", false)
			j.endObj()
		case "comment":
			j.obj()
			j.key("comments")
			j.arr()
			j.endArr()
			j.kstr("self", c.api()+"/issue/"+issueID(i)+"/comment")
			j.kint("maxResults", 0)
			j.kint("total", 0)
			j.kint("startAt", 0)
			j.endObj()
		case "worklog":
			j.obj()
			j.kint("startAt", 0)
			j.kint("maxResults", 20)
			j.kint("total", 0)
			j.key("worklogs")
			j.arr()
			j.endArr()
			j.endObj()
		default: // timespent, estimates, lastViewed, environment, duedate, sprint
			j.null()
		}
	}
	j.endObj()
}

const issueExpand = "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"

// changelogMode says how much history an embedded changelog carries.
type changelogMode struct {
	limit       int  // 0 = all
	newestFirst bool // Cloud's truncated search changelog
}

// issue writes one issue object.
func (c *rctx) issue(j *jw, st *istate, sel fieldSel, cl *changelogMode) {
	id := issueID(st.idx)
	j.obj()
	j.kstr("expand", issueExpand)
	j.kstr("id", id)
	j.kstr("self", c.api()+"/issue/"+id)
	j.kstr("key", c.key(st))
	if sel.any {
		j.key("fields")
		c.fields(j, st, sel)
	}
	if cl != nil {
		j.key("changelog")
		c.embeddedChangelog(j, st, *cl)
	}
	j.endObj()
}

// histories returns the issue's visible events (its changelog), oldest first.
func (c *rctx) histories(idx int32) []event {
	p := c.s.gen.plan(c.snap.v, idx, c.buf)
	c.buf = p.ev
	n := 0
	for n < len(p.ev) && p.ev[n].at <= c.snap.now {
		n++
	}
	return p.ev[:n]
}

func (c *rctx) embeddedChangelog(j *jw, st *istate, m changelogMode) {
	ev := c.histories(st.idx)
	total := len(ev)
	lo, hi := 0, total
	if m.limit > 0 && total > m.limit {
		if m.newestFirst {
			lo = total - m.limit
		} else {
			hi = m.limit
		}
	}
	j.obj()
	j.kint("startAt", 0)
	j.kint("maxResults", int64(hi-lo))
	j.kint("total", int64(total))
	j.key("histories")
	j.arr()
	if m.newestFirst {
		for k := hi - 1; k >= lo; k-- {
			c.history(j, st.idx, k, ev, nil)
		}
	} else {
		for k := lo; k < hi; k++ {
			c.history(j, st.idx, k, ev, nil)
		}
	}
	j.endArr()
	j.endObj()
}

// historyID is unique per (issue, event) and increases with time within an issue.
func historyID(idx int32, k int) string {
	return strconv.FormatInt(idBase+int64(idx)*256+int64(k), 10)
}

// itemFieldIDs are the fieldIds of the items an event renders as (for bulkfetch filtering).
func (c *rctx) itemFieldIDs(e event) []string {
	switch e.kind {
	case evStatus:
		if e.res != resKeep {
			return []string{"resolution", "status"}
		}
		return []string{"status"}
	case evMove:
		if e.from != e.to {
			return []string{"project", "issuekey", "workflow", "status"}
		}
		return []string{"project", "issuekey", "workflow"}
	case evFlag, evUnflag:
		return []string{customFieldID(cfFlagged, c.cloud)}
	case evAssignee:
		return []string{"assignee"}
	case evPriority:
		return []string{"priority"}
	case evRank:
		return []string{customFieldID(cfRank, c.cloud)}
	case evLabel:
		return []string{"labels"}
	}
	return nil
}

// history writes event k of ev as a changelog history; want (optional) filters items by fieldId.
func (c *rctx) history(j *jw, idx int32, k int, ev []event, want map[string]bool) {
	e := ev[k]
	j.obj()
	j.kstr("id", historyID(idx, k))
	j.key("author")
	tm := c.s.world.Teams[e.team]
	j.raw(c.cat.users[tm.Index][hash3(c.s.opts.Seed, streamUser, uint64(idx)*256+uint64(k))%uint64(len(tm.users))])
	j.key("created")
	c.time(j, e.at)
	j.key("items")
	j.arr()
	item := func(field, fieldtype, fieldID string, from, fromS, to, toS *string) {
		if want != nil && !want[fieldID] {
			return
		}
		j.obj()
		j.kstr("field", field)
		j.kstr("fieldtype", fieldtype)
		if c.cloud && fieldID != "" {
			j.kstr("fieldId", fieldID)
		}
		for _, kv := range []struct {
			k string
			v *string
		}{{"from", from}, {"fromString", fromS}, {"to", to}, {"toString", toS}} {
			j.key(kv.k)
			if kv.v == nil {
				j.null()
			} else {
				j.str(*kv.v)
			}
		}
		j.endObj()
	}
	ps := func(s string) *string { return &s }
	switch e.kind {
	case evStatus:
		switch {
		case e.res >= 0:
			r := resolutions[e.res]
			item("resolution", "jira", "resolution", nil, nil, ps(r.ID), ps(r.Name))
		case e.res == resClear:
			r := c.lastResolution(ev[:k])
			item("resolution", "jira", "resolution", ps(r.ID), ps(r.Name), nil, nil)
		}
		f, t := c.s.world.stat[e.from], c.s.world.stat[e.to]
		item("status", "jira", "status", ps(f.ID), ps(f.Name), ps(t.ID), ps(t.Name))
	case evMove:
		from := c.s.world.Teams[c.snap.v.hdr[idx].team]
		to := c.s.world.Teams[e.team]
		item("project", "jira", "project", ps(from.ProjectID), ps(from.Name), ps(to.ProjectID), ps(to.Name))
		oldKey := from.ProjectKey + "-" + strconv.FormatUint(uint64(c.snap.v.hdr[idx].num), 10)
		newKey := to.ProjectKey + "-" + strconv.FormatUint(uint64(c.snap.v.moves[idx].num), 10)
		item("Key", "jira", "issuekey", nil, ps(oldKey), nil, ps(newKey))
		item("Workflow", "jira", "workflow", ps(strconv.Itoa(10100+from.Index)), ps(from.ProjectKey+" Workflow"), ps(strconv.Itoa(10100+to.Index)), ps(to.ProjectKey+" Workflow"))
		if e.from != e.to {
			f, t := c.s.world.stat[e.from], c.s.world.stat[e.to]
			item("status", "jira", "status", ps(f.ID), ps(f.Name), ps(t.ID), ps(t.Name))
		}
	case evFlag:
		item("Flagged", "custom", customFieldID(cfFlagged, c.cloud), nil, nil, ps("[10019]"), ps("Impediment"))
	case evUnflag:
		item("Flagged", "custom", customFieldID(cfFlagged, c.cloud), ps("[10019]"), ps("Impediment"), nil, nil)
	case evAssignee:
		u := tm.users[e.to]
		id := u.key
		if c.cloud {
			id = u.accountID
		}
		item("assignee", "jira", "assignee", nil, nil, ps(id), ps(u.displayName))
	case evPriority:
		f, t := priorities[e.from], priorities[e.to]
		item("priority", "jira", "priority", ps(f.id), ps(f.name), ps(t.id), ps(t.name))
	case evRank:
		item("Rank", "custom", customFieldID(cfRank, c.cloud), ps(""), ps(""), ps(""), ps("Ranked higher"))
	case evLabel:
		var before []string
		set := uint8(0)
		for _, p := range ev[:k] {
			if p.kind == evLabel {
				set |= 1 << uint(p.to)
			}
		}
		for li, l := range labels {
			if set&(1<<uint(li)) != 0 {
				before = append(before, l)
			}
		}
		after := before
		if set&(1<<uint(e.to)) == 0 {
			after = append(append([]string(nil), before...), labels[e.to])
		}
		item("labels", "jira", "labels", nil, ps(strings.Join(before, " ")), nil, ps(strings.Join(after, " ")))
	}
	j.endArr()
	j.endObj()
}

func (c *rctx) lastResolution(ev []event) Resolution {
	for k := len(ev) - 1; k >= 0; k-- {
		if ev[k].kind == evStatus && ev[k].res >= 0 {
			return resolutions[ev[k].res]
		}
	}
	return resolutions[resDone]
}

// hasItem reports whether an event renders at least one item in the wanted field set.
func (c *rctx) hasItem(e event, want map[string]bool) bool {
	if want == nil {
		return true
	}
	for _, f := range c.itemFieldIDs(e) {
		if want[f] {
			return true
		}
	}
	return false
}
