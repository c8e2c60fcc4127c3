package sim

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Metadata endpoints: serverInfo, myself, statuses, types, fields, resolutions, priorities,
// projects, filters.

func (c *rctx) serverInfo(w http.ResponseWriter, r *http.Request) {
	j := &jw{}
	j.obj()
	j.kstr("baseUrl", c.base)
	if c.cloud {
		j.kstr("displayUrl", c.base)
		j.kstr("version", "1001.0.0-SNAPSHOT")
		j.key("versionNumbers")
		j.arr()
		j.int(1001)
		j.int(0)
		j.int(0)
		j.endArr()
		j.kstr("deploymentType", "Cloud")
		j.kint("buildNumber", 100291)
		j.kstr("buildDate", "2026-10-28T08:21:17.000-0700")
	} else {
		j.kstr("version", "9.12.15")
		j.key("versionNumbers")
		j.arr()
		j.int(9)
		j.int(12)
		j.int(15)
		j.endArr()
		// Data Center sites report "Server" here as often as "DataCenter": clients must treat
		// anything but "Cloud" as a self-managed deployment.
		j.kstr("deploymentType", "Server")
		j.kint("buildNumber", 9120015)
		j.kstr("buildDate", "2024-10-09T00:00:00.000-0700")
	}
	j.key("serverTime")
	c.time(j, c.snap.now)
	j.kstr("scmInfo", "6e5f0a2b8c1d4e3f9a7b5c2d1e0f8a9b7c6d5e4f")
	j.kstr("serverTitle", "Vger Simulated Jira")
	j.key("defaultLocale")
	j.obj()
	j.kstr("locale", "en_US")
	j.endObj()
	j.kstr("serverTimeZone", "Etc/UTC")
	j.endObj()
	writeJSON(w, http.StatusOK, j.b)
}

func (c *rctx) myself(w http.ResponseWriter, r *http.Request) {
	u := c.s.world.apiUsr
	j := &jw{}
	j.obj()
	if c.cloud {
		j.kstr("self", c.api()+"/user?accountId="+u.accountID)
		j.kstr("accountId", u.accountID)
		j.kstr("accountType", "atlassian")
	} else {
		j.kstr("self", c.api()+"/user?username="+u.name)
		j.kstr("key", u.key)
		j.kstr("name", u.name)
	}
	j.kstr("emailAddress", u.email)
	c.avatars(j, "useravatar", "10122")
	j.kstr("displayName", u.displayName)
	j.kbool("active", true)
	j.kstr("timeZone", u.tz)
	j.kstr("locale", "en_US")
	for _, g := range []string{"groups", "applicationRoles"} {
		j.key(g)
		j.obj()
		j.kint("size", 1)
		j.key("items")
		j.arr()
		j.endArr()
		j.endObj()
	}
	j.kstr("expand", "groups,applicationRoles")
	j.endObj()
	writeJSON(w, http.StatusOK, j.b)
}

func writeList(w http.ResponseWriter, items [][]byte) {
	j := &jw{}
	j.arr()
	for _, it := range items {
		j.raw(it)
	}
	j.endArr()
	writeJSON(w, http.StatusOK, j.b)
}

func (c *rctx) statusList(w http.ResponseWriter, r *http.Request)   { writeList(w, c.cat.statuses) }
func (c *rctx) categoryList(w http.ResponseWriter, r *http.Request) { writeList(w, c.cat.categories) }
func (c *rctx) typeList(w http.ResponseWriter, r *http.Request)     { writeList(w, c.cat.types) }
func (c *rctx) resolutionList(w http.ResponseWriter, r *http.Request) {
	writeList(w, c.cat.resolutions)
}
func (c *rctx) priorityList(w http.ResponseWriter, r *http.Request) { writeList(w, c.cat.priorities) }
func (c *rctx) projectList(w http.ResponseWriter, r *http.Request)  { writeList(w, c.cat.projects) }

func (c *rctx) statusOne(w http.ResponseWriter, r *http.Request) {
	if i := statusIndex(r.PathValue("id")); i >= 0 {
		writeJSON(w, http.StatusOK, c.cat.statuses[i])
		return
	}
	jiraError(w, http.StatusNotFound, "The status with id '"+r.PathValue("id")+"' does not exist")
}

func (c *rctx) typeOne(w http.ResponseWriter, r *http.Request) {
	if i := typeIndex(r.PathValue("id")); i >= 0 {
		writeJSON(w, http.StatusOK, c.cat.types[i])
		return
	}
	jiraError(w, http.StatusNotFound, "The issue type with id '"+r.PathValue("id")+"' does not exist.")
}

func (c *rctx) projectOne(w http.ResponseWriter, r *http.Request) {
	if t := c.s.world.teamByProject(r.PathValue("key")); t != nil {
		writeJSON(w, http.StatusOK, c.cat.projects[t.Index])
		return
	}
	jiraError(w, http.StatusNotFound, "No project could be found with key '"+r.PathValue("key")+"'.")
}

// projectSearch is Cloud's paged GET /rest/api/3/project/search (query matches key or name).
func (c *rctx) projectSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	start, n := 0, 50
	if v, err := strconv.Atoi(q.Get("startAt")); err == nil && v >= 0 {
		start = v
	}
	if v, err := strconv.Atoi(q.Get("maxResults")); err == nil && v >= 0 {
		n = min(v, 100)
	}
	var match []*Team
	for _, t := range c.s.world.Teams {
		s := strings.ToLower(q.Get("query"))
		if s == "" || strings.Contains(strings.ToLower(t.ProjectKey), s) || strings.Contains(strings.ToLower(t.Name), s) {
			match = append(match, t)
		}
	}
	lo := min(start, len(match))
	hi := min(lo+n, len(match))
	j := &jw{}
	j.obj()
	j.kstr("self", c.api()+"/project/search?maxResults="+strconv.Itoa(n)+"&startAt="+strconv.Itoa(start))
	if hi < len(match) {
		j.kstr("nextPage", c.api()+"/project/search?maxResults="+strconv.Itoa(n)+"&startAt="+strconv.Itoa(hi))
	}
	j.kint("maxResults", int64(n))
	j.kint("startAt", int64(start))
	j.kint("total", int64(len(match)))
	j.kbool("isLast", hi >= len(match))
	j.key("values")
	j.arr()
	for _, t := range match[lo:hi] {
		j.raw(c.cat.projects[t.Index])
	}
	j.endArr()
	j.endObj()
	writeJSON(w, http.StatusOK, j.b)
}

func (c *rctx) fieldList(w http.ResponseWriter, r *http.Request) {
	j := &jw{}
	j.arr()
	for _, f := range issueFields {
		id := f.id
		clauses := f.clauses
		var customID int64
		if f.custom {
			id = customFieldID(f.id, c.cloud)
			n, _ := strconv.ParseInt(strings.TrimPrefix(id, "customfield_"), 10, 64)
			customID = n
			clauses = append([]string{"cf[" + strconv.FormatInt(n, 10) + "]"}, clauses...)
		}
		j.obj()
		j.kstr("id", id)
		if c.cloud {
			j.kstr("key", id)
		}
		j.kstr("name", f.name)
		if c.cloud && f.custom {
			j.kstr("untranslatedName", f.name)
		}
		j.kbool("custom", f.custom)
		j.kbool("orderable", f.orderable)
		j.kbool("navigable", f.navigable)
		j.kbool("searchable", f.searchable)
		j.key("clauseNames")
		j.arr()
		for _, cn := range clauses {
			j.str(cn)
		}
		j.endArr()
		j.key("schema")
		j.obj()
		j.kstr("type", f.schemaType)
		if f.items != "" {
			j.kstr("items", f.items)
		}
		if f.custom {
			j.kstr("custom", f.system)
			j.kint("customId", customID)
		} else {
			j.kstr("system", f.system)
		}
		j.endObj()
		j.endObj()
	}
	j.endArr()
	writeJSON(w, http.StatusOK, j.b)
}

func (c *rctx) teamByFilter(id string) *Team {
	for _, t := range c.s.world.Teams {
		if strconv.Itoa(t.FilterID) == id {
			return t
		}
	}
	return nil
}

func (c *rctx) filter(w http.ResponseWriter, r *http.Request) {
	t := c.teamByFilter(r.PathValue("id"))
	if t == nil {
		jiraError(w, http.StatusBadRequest, "The selected filter is not available to you, perhaps it has been deleted or had its permissions changed.")
		return
	}
	id := strconv.Itoa(t.FilterID)
	j := &jw{}
	j.obj()
	j.kstr("self", c.api()+"/filter/"+id)
	j.kstr("id", id)
	j.kstr("name", "Filter for "+t.BoardName)
	j.kstr("description", "")
	j.key("owner")
	j.raw(c.cat.users[t.Index][0])
	j.kstr("jql", t.FilterJQL)
	j.kstr("viewUrl", c.base+"/issues/?filter="+id)
	j.kstr("searchUrl", c.api()+"/search?jql="+url.QueryEscape(t.FilterJQL))
	j.kbool("favourite", false)
	j.kint("favouritedCount", 0)
	j.key("sharePermissions")
	j.arr()
	j.endArr()
	if c.cloud {
		j.key("editPermissions")
		j.arr()
		j.endArr()
		j.kbool("isWritable", true)
	}
	j.key("subscriptions")
	j.obj()
	j.kint("size", 0)
	j.key("items")
	j.arr()
	j.endArr()
	j.kint("max-results", 0)
	j.kint("start-index", 0)
	j.kint("end-index", 0)
	j.endObj()
	j.endObj()
	writeJSON(w, http.StatusOK, j.b)
}

// --- Agile 1.0 ---

func (c *rctx) boardObj(j *jw, t *Team) {
	j.obj()
	j.kint("id", int64(t.BoardID))
	j.kstr("self", c.base+"/rest/agile/1.0/board/"+strconv.Itoa(t.BoardID))
	j.kstr("name", t.BoardName)
	if t.Kanban {
		j.kstr("type", "kanban")
	} else {
		j.kstr("type", "scrum")
	}
	j.key("location")
	j.obj()
	pid, _ := strconv.Atoi(t.ProjectID)
	j.kint("projectId", int64(pid))
	j.kstr("displayName", t.Name+" ("+t.ProjectKey+")")
	j.kstr("projectName", t.Name)
	j.kstr("projectKey", t.ProjectKey)
	j.kstr("projectTypeKey", "software")
	j.kstr("avatarURI", c.base+"/secure/projectavatar?size=small&s=small&pid="+t.ProjectID+"&avatarId=10410")
	j.kstr("name", t.Name+" ("+t.ProjectKey+")")
	j.endObj()
	if c.cloud {
		j.kbool("isPrivate", false)
	}
	j.endObj()
}

func (c *rctx) boardByID(id string) *Team {
	for _, t := range c.s.world.Teams {
		if strconv.Itoa(t.BoardID) == id {
			return t
		}
	}
	return nil
}

const boardMissing = "Board does not exist or you do not have permission to see it."

func (c *rctx) boardList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	start, n := 0, 50
	for _, p := range []struct {
		name string
		dst  *int
	}{{"startAt", &start}, {"maxResults", &n}} {
		if s := q.Get(p.name); s != "" {
			v, err := strconv.Atoi(s)
			if err != nil || v < 0 {
				jiraError(w, http.StatusBadRequest, "The value of '"+p.name+"' must be a positive integer.")
				return
			}
			*p.dst = v
		}
	}
	n = min(n, 50)
	name, typ, proj := strings.ToLower(q.Get("name")), strings.ToLower(q.Get("type")), q.Get("projectKeyOrId")
	var match []*Team
	for _, t := range c.s.world.Teams {
		if name != "" && !strings.Contains(strings.ToLower(t.BoardName), name) {
			continue
		}
		if typ != "" && (typ == "kanban") != t.Kanban {
			continue
		}
		if proj != "" && !strings.EqualFold(proj, t.ProjectKey) && proj != t.ProjectID {
			continue
		}
		match = append(match, t)
	}
	lo := min(start, len(match))
	hi := min(lo+n, len(match))
	j := &jw{}
	j.obj()
	j.kint("maxResults", int64(n))
	j.kint("startAt", int64(start))
	j.kint("total", int64(len(match)))
	j.kbool("isLast", hi >= len(match))
	j.key("values")
	j.arr()
	for _, t := range match[lo:hi] {
		c.boardObj(j, t)
	}
	j.endArr()
	j.endObj()
	writeJSON(w, http.StatusOK, j.b)
}

func (c *rctx) boardOne(w http.ResponseWriter, r *http.Request) {
	t := c.boardByID(r.PathValue("id"))
	if t == nil {
		jiraError(w, http.StatusNotFound, boardMissing)
		return
	}
	j := &jw{}
	c.boardObj(j, t)
	writeJSON(w, http.StatusOK, j.b)
}

func (c *rctx) boardConfig(w http.ResponseWriter, r *http.Request) {
	t := c.boardByID(r.PathValue("id"))
	if t == nil {
		jiraError(w, http.StatusNotFound, boardMissing)
		return
	}
	j := &jw{}
	j.obj()
	j.kint("id", int64(t.BoardID))
	j.kstr("name", t.BoardName)
	if t.Kanban {
		j.kstr("type", "kanban")
	} else {
		j.kstr("type", "scrum")
	}
	j.kstr("self", c.base+"/rest/agile/1.0/board/"+strconv.Itoa(t.BoardID)+"/configuration")
	j.key("location")
	j.obj()
	j.kstr("type", "project")
	j.kstr("key", t.ProjectKey)
	j.kstr("id", t.ProjectID)
	j.kstr("self", c.api()+"/project/"+t.ProjectID)
	j.kstr("name", t.Name)
	j.endObj()
	j.key("filter")
	j.obj()
	j.kstr("id", strconv.Itoa(t.FilterID))
	j.kstr("self", c.api()+"/filter/"+strconv.Itoa(t.FilterID))
	j.endObj()
	if t.Kanban {
		// Kanban boards hide released work with a sub-filter; it is not part of the board's scope
		// for flow metrics, but real responses carry it.
		j.key("subQuery")
		j.obj()
		j.kstr("query", "fixVersion in unreleasedVersions() OR fixVersion is EMPTY")
		j.endObj()
	}
	j.key("columnConfig")
	j.obj()
	j.key("columns")
	j.arr()
	for _, col := range t.Columns {
		j.obj()
		j.kstr("name", col.Name)
		j.key("statuses")
		j.arr()
		for _, id := range col.StatusIDs {
			j.obj()
			j.kstr("id", id)
			j.kstr("self", c.api()+"/status/"+id)
			j.endObj()
		}
		j.endArr()
		j.endObj()
	}
	j.endArr()
	j.kstr("constraintType", "issueCount")
	j.endObj()
	j.key("estimation")
	j.obj()
	j.kstr("type", "none")
	j.endObj()
	j.key("ranking")
	j.obj()
	n, _ := strconv.Atoi(strings.TrimPrefix(customFieldID(cfRank, c.cloud), "customfield_"))
	j.kint("rankCustomFieldId", int64(n))
	j.endObj()
	j.endObj()
	writeJSON(w, http.StatusOK, j.b)
}
