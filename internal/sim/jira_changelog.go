package sim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

const issueMissing = "Issue does not exist or you do not have permission to see it."

// resolve finds an issue by id or key (current or former); nil when it does not exist now.
func (c *rctx) resolve(idOrKey string) *istate {
	if n, err := strconv.ParseInt(idOrKey, 10, 64); err == nil {
		return c.snap.state(int32(n - idBase))
	}
	env := &jqlEnv{w: c.s.world}
	tm, num, ok := env.parseKey(idOrKey)
	if !ok {
		return nil
	}
	return c.snap.state(c.snap.byKey(tm, num))
}

// getIssue is GET /rest/api/{v}/issue/{idOrKey} (fields default *all, expand=changelog).
func (c *rctx) getIssue(w http.ResponseWriter, r *http.Request) {
	st := c.resolve(r.PathValue("key"))
	if st == nil {
		jiraError(w, http.StatusNotFound, issueMissing)
		return
	}
	q := r.URL.Query()
	var expand []string
	for _, e := range q["expand"] {
		expand = append(expand, splitList(e)...)
	}
	var cl *changelogMode
	for _, e := range expand {
		if e == "changelog" {
			cl = &changelogMode{}
			if c.cloud {
				cl.limit = cloudIssueLog
			}
		}
	}
	sel := parseFields(q["fields"], "*all", c.cloud)
	j := &jw{}
	c.issue(j, st, sel, cl)
	writeJSON(w, http.StatusOK, j.b)
}

// issueChangelog is Cloud's GET /rest/api/{v}/issue/{idOrKey}/changelog: oldest first, paged.
func (c *rctx) issueChangelog(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	st := c.resolve(key)
	if st == nil {
		jiraError(w, http.StatusNotFound, issueMissing)
		return
	}
	start, n := 0, 100
	for _, p := range []struct {
		name string
		dst  *int
	}{{"startAt", &start}, {"maxResults", &n}} {
		if s := r.URL.Query().Get(p.name); s != "" {
			v, err := strconv.Atoi(s)
			if err != nil || v < 0 {
				jiraFieldError(w, http.StatusBadRequest, p.name, "The value '"+s+"' is not a valid number.")
				return
			}
			*p.dst = v
		}
	}
	n = min(n, 100)
	ev := c.histories(st.idx)
	lo := min(start, len(ev))
	hi := min(lo+n, len(ev))
	j := &jw{}
	j.obj()
	j.kstr("self", c.api()+"/issue/"+key+"/changelog?maxResults="+strconv.Itoa(n)+"&startAt="+strconv.Itoa(start))
	if hi < len(ev) {
		j.kstr("nextPage", c.api()+"/issue/"+key+"/changelog?maxResults="+strconv.Itoa(n)+"&startAt="+strconv.Itoa(hi))
	}
	j.kint("maxResults", int64(n))
	j.kint("startAt", int64(start))
	j.kint("total", int64(len(ev)))
	j.kbool("isLast", hi >= len(ev))
	j.key("values")
	j.arr()
	for k := lo; k < hi; k++ {
		c.history(j, st.idx, k, ev, nil)
	}
	j.endArr()
	j.endObj()
	writeJSON(w, http.StatusOK, j.b)
}

type bulkReq struct {
	IssueIDsOrKeys []string `json:"issueIdsOrKeys"`
	FieldIDs       []string `json:"fieldIds"`
	MaxResults     *int     `json:"maxResults"`
	NextPageToken  string   `json:"nextPageToken"`
}

const (
	bulkMaxIssues  = 1000
	bulkMaxFields  = 10
	bulkMaxResults = 10000
	bulkDefault    = 1000
)

// bulkfetch is Cloud's POST /rest/api/3/changelog/bulkfetch: complete changelogs of up to 1000
// issues, oldest first, optionally filtered by field ids, paged by histories with a token.
func (c *rctx) bulkfetch(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	var q bulkReq
	if err := json.Unmarshal(body, &q); err != nil {
		jiraError(w, http.StatusBadRequest, "Invalid request payload. Refer to the REST API documentation and try again.")
		return
	}
	switch {
	case len(q.IssueIDsOrKeys) == 0:
		jiraFieldError(w, http.StatusBadRequest, "issueIdsOrKeys", "The list of issue IDs or keys must contain between 1 and 1000 entries.")
		return
	case len(q.IssueIDsOrKeys) > bulkMaxIssues:
		jiraFieldError(w, http.StatusBadRequest, "issueIdsOrKeys", fmt.Sprintf("The list of issue IDs or keys must contain between 1 and 1000 entries (got %d).", len(q.IssueIDsOrKeys)))
		return
	case len(q.FieldIDs) > bulkMaxFields:
		jiraFieldError(w, http.StatusBadRequest, "fieldIds", fmt.Sprintf("You can filter by at most 10 field IDs (got %d).", len(q.FieldIDs)))
		return
	}
	n := bulkDefault
	if q.MaxResults != nil {
		n = *q.MaxResults
		if n < 1 || n > bulkMaxResults {
			jiraFieldError(w, http.StatusBadRequest, "maxResults", fmt.Sprintf("maxResults must be between 1 and 10000 (got %d).", n))
			return
		}
	}
	// Issues in id order, each once; unknown or deleted ones are silently left out (as issues the
	// caller may not see are).
	seen := map[int32]bool{}
	var issues []int32
	for _, k := range q.IssueIDsOrKeys {
		if st := c.resolve(strings.TrimSpace(k)); st != nil && !seen[st.idx] {
			seen[st.idx] = true
			issues = append(issues, st.idx)
		}
	}
	slices.Sort(issues)
	var want map[string]bool
	if len(q.FieldIDs) > 0 {
		want = map[string]bool{}
		for _, f := range q.FieldIDs {
			want[f] = true
		}
	}
	reqHash := bulkHash(q)
	pos, skip := 0, 0
	if q.NextPageToken != "" {
		var ok bool
		if pos, skip, ok = readBulkToken(q.NextPageToken, reqHash); !ok {
			jiraError(w, http.StatusBadRequest, "The provided next page token is invalid or expired.")
			return
		}
	}
	j := &jw{}
	j.obj()
	j.key("issueChangeLogs")
	j.arr()
	budget := n
	next := ""
	for ; pos < len(issues); pos, skip = pos+1, 0 {
		idx := issues[pos]
		ev := c.histories(idx)
		var ks []int
		for k, e := range ev {
			if c.hasItem(e, want) {
				ks = append(ks, k)
			}
		}
		if skip >= len(ks) {
			continue
		}
		if budget == 0 {
			next = bulkToken(pos, skip, reqHash)
			break
		}
		take := min(len(ks)-skip, budget)
		j.obj()
		j.kstr("issueId", issueID(idx))
		j.key("changeHistories")
		j.arr()
		for _, k := range ks[skip : skip+take] {
			c.history(j, idx, k, ev, want)
		}
		j.endArr()
		j.endObj()
		budget -= take
		if skip+take < len(ks) {
			next = bulkToken(pos, skip+take, reqHash)
			break
		}
	}
	j.endArr()
	if next != "" {
		j.kstr("nextPageToken", next)
	}
	j.endObj()
	writeJSON(w, http.StatusOK, j.b)
}

func bulkHash(q bulkReq) uint32 {
	h := fnv.New32a()
	io.WriteString(h, strings.Join(q.IssueIDsOrKeys, ","))
	io.WriteString(h, "|"+strings.Join(q.FieldIDs, ","))
	return h.Sum32()
}

func bulkToken(pos, skip int, sum uint32) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("b1;%d;%d;%08x", pos, skip, sum)))
}

func readBulkToken(tok string, sum uint32) (pos, skip int, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, 0, false
	}
	var s uint32
	if _, err := fmt.Sscanf(string(b), "b1;%d;%d;%08x", &pos, &skip, &s); err != nil || pos < 0 || skip < 0 {
		return 0, 0, false
	}
	return pos, skip, s == sum
}
