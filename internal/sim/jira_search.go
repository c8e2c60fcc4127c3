package sim

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"strconv"
	"strings"
)

const (
	cloudPageDefault = 50
	cloudPageMax     = 100  // with fields beyond id/key
	cloudPageIDsMax  = 5000 // ids/keys only
	cloudSearchLog   = 40   // histories kept by Cloud's truncated expand=changelog on search
	cloudIssueLog    = 100  // histories in Cloud's GET issue expand=changelog
	dcPageDefault    = 50
	dcPageMax        = 1000
	dcPageMaxLog     = 200 // Data Center applies a smaller page when changelogs are expanded
)

const unboundedMsg = "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."

// searchReq is a search's parameters, from the query string (GET) or the JSON body (POST).
type searchReq struct {
	JQL           string          `json:"jql"`
	NextPageToken string          `json:"nextPageToken"`
	MaxResults    *int            `json:"maxResults"`
	StartAt       *int            `json:"startAt"`
	Fields        []string        `json:"fields"`
	Expand        json.RawMessage `json:"expand"`        // string (Cloud) or []string (Data Center)
	ValidateQuery json.RawMessage `json:"validateQuery"` // bool or "strict"|"warn"|"none"
	expand        []string
	validate      string
}

func readSearch(r *http.Request) (*searchReq, error) {
	q := &searchReq{}
	if r.Method == http.MethodPost {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return nil, err
		}
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := json.Unmarshal(body, q); err != nil {
				return nil, errors.New("Invalid request payload. Refer to the REST API documentation and try again.")
			}
		}
		var s string
		var l []string
		if json.Unmarshal(q.Expand, &s) == nil {
			q.expand = splitList(s)
		} else if json.Unmarshal(q.Expand, &l) == nil {
			q.expand = l
		}
		var b bool
		if json.Unmarshal(q.ValidateQuery, &s) == nil {
			q.validate = s
		} else if json.Unmarshal(q.ValidateQuery, &b) == nil {
			q.validate = strconv.FormatBool(b)
		}
		return q, nil
	}
	v := r.URL.Query()
	q.JQL = v.Get("jql")
	q.NextPageToken = v.Get("nextPageToken")
	q.Fields = v["fields"]
	for _, e := range v["expand"] {
		q.expand = append(q.expand, splitList(e)...)
	}
	q.validate = v.Get("validateQuery")
	for _, p := range []struct {
		name string
		dst  **int
	}{{"maxResults", &q.MaxResults}, {"startAt", &q.StartAt}} {
		if s := v.Get(p.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return nil, fmt.Errorf("%s: The value '%s' is not a valid number.", p.name, s)
			}
			*p.dst = &n
		}
	}
	return q, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (q *searchReq) expands(what string) bool {
	for _, e := range q.expand {
		if strings.EqualFold(e, what) {
			return true
		}
	}
	return false
}

// badRequest reports a JQL or parameter problem in JIRA's shape.
func badRequest(w http.ResponseWriter, err error) {
	jiraError(w, http.StatusBadRequest, err.Error())
}

// query parses, compiles and runs JQL against the snapshot (results cached per snapshot).
func (c *rctx) query(jql string, lenient, mustBound bool) (*compiled, []int32, error) {
	ast, err := parseJQL(jql)
	if err != nil {
		return nil, nil, err
	}
	if mustBound && ast.where == nil {
		return nil, nil, errors.New(unboundedMsg)
	}
	env := &jqlEnv{w: c.s.world, snap: c.snap, loc: c.loc, lenient: lenient}
	comp, err := env.compile(ast)
	if err != nil {
		return nil, nil, err
	}
	key := strconv.FormatBool(lenient) + "\x00" + strings.TrimSpace(jql)
	res := c.snap.cached(key, func() []int32 { return comp.run(c.snap, c.s.world) })
	return comp, res, nil
}

// pageToken is Cloud's opaque continuation: the offset, bound to the query it continues.
func pageToken(offset int, jql string) string {
	h := fnv.New32a()
	io.WriteString(h, jql)
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("v1;%d;%08x", offset, h.Sum32())))
}

func readPageToken(tok, jql string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	var off int
	var sum uint32
	if _, err := fmt.Sscanf(string(b), "v1;%d;%08x", &off, &sum); err != nil || off < 0 {
		return 0, false
	}
	h := fnv.New32a()
	io.WriteString(h, jql)
	return off, h.Sum32() == sum
}

// searchJQL is Cloud's GET|POST /rest/api/{2,3}/search/jql: token paging, no total, default
// fields = id only, bounded JQL required, truncated changelogs.
func (c *rctx) searchJQL(w http.ResponseWriter, r *http.Request) {
	q, err := readSearch(r)
	if err != nil {
		badRequest(w, err)
		return
	}
	_, res, err := c.query(q.JQL, false, true)
	if err != nil {
		badRequest(w, err)
		return
	}
	offset := 0
	if q.NextPageToken != "" {
		var ok bool
		if offset, ok = readPageToken(q.NextPageToken, q.JQL); !ok {
			jiraError(w, http.StatusBadRequest, "The provided next page token is invalid or expired.")
			return
		}
	}
	limit := cloudPageMax
	if onlyIDs(q.Fields) && len(q.expand) == 0 {
		limit = cloudPageIDsMax
	}
	n := cloudPageDefault
	if q.MaxResults != nil {
		if *q.MaxResults < 0 {
			jiraFieldError(w, http.StatusBadRequest, "maxResults", "The maxResults parameter must be greater than or equal to 0.")
			return
		}
		n = *q.MaxResults
	}
	n = min(n, limit)
	lo := min(offset, len(res))
	hi := min(lo+n, len(res))
	from := lo
	if dupFault(r.Context()) && lo > 0 {
		// Eventual consistency: the page starts a little early and repeats items.
		from = max(0, lo-1-int(hash3(c.s.opts.Seed, streamFault, uint64(lo))%3))
	}
	sel := parseFields(q.Fields, "id", c.cloud)
	var cl *changelogMode
	if q.expands("changelog") {
		cl = &changelogMode{limit: cloudSearchLog, newestFirst: true}
	}
	bareIDs := !sel.any && onlyIDs(q.Fields) && cl == nil && !strings.Contains(strings.Join(q.Fields, ","), "key")
	j := &jw{b: make([]byte, 0, 256*(hi-from+1))}
	j.obj()
	j.key("issues")
	j.arr()
	for p := from; p < hi; p++ {
		st := &c.snap.states[res[p]]
		if bareIDs {
			j.obj()
			j.kstr("id", issueID(st.idx))
			j.endObj()
			continue
		}
		c.issue(j, st, sel, cl)
	}
	j.endArr()
	if hi < len(res) {
		j.kstr("nextPageToken", pageToken(hi, q.JQL))
	}
	j.kbool("isLast", hi >= len(res))
	j.endObj()
	writeJSON(w, http.StatusOK, j.b)
}

// approximateCount is Cloud's POST /rest/api/3/search/approximate-count.
func (c *rctx) approximateCount(w http.ResponseWriter, r *http.Request) {
	q, err := readSearch(r)
	if err != nil {
		badRequest(w, err)
		return
	}
	_, res, err := c.query(q.JQL, false, true)
	if err != nil {
		badRequest(w, err)
		return
	}
	j := &jw{}
	j.obj()
	j.kint("count", int64(len(res)))
	j.endObj()
	writeJSON(w, http.StatusOK, j.b)
}

// searchOld is /rest/api/{2,3}/search: removed on Cloud (410), the normal search on Data Center.
func (c *rctx) searchOld(w http.ResponseWriter, r *http.Request) {
	if c.cloud {
		jiraError(w, http.StatusGone, "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046")
		return
	}
	q, err := readSearch(r)
	if err != nil {
		badRequest(w, err)
		return
	}
	lenient := false
	switch strings.ToLower(q.validate) {
	case "", "strict", "true":
	case "warn", "false", "none":
		lenient = true
	default:
		jiraFieldError(w, http.StatusBadRequest, "validateQuery", "The validateQuery value '"+q.validate+"' is invalid. Valid values are 'strict', 'warn' and 'none'.")
		return
	}
	comp, res, err := c.query(q.JQL, lenient, false)
	if err != nil {
		badRequest(w, err)
		return
	}
	start := 0
	if q.StartAt != nil {
		start = max(0, *q.StartAt)
	}
	n := dcPageDefault
	if q.MaxResults != nil {
		n = max(0, *q.MaxResults)
	}
	var cl *changelogMode
	limit := dcPageMax
	if q.expands("changelog") {
		cl = &changelogMode{}
		limit = dcPageMaxLog
	}
	n = min(n, limit)
	lo := min(start, len(res))
	hi := min(lo+n, len(res))
	from := lo
	if dupFault(r.Context()) && lo > 0 {
		from = max(0, lo-1-int(hash3(c.s.opts.Seed, streamFault, uint64(lo))%3))
	}
	sel := parseFields(q.Fields, "*navigable", c.cloud)
	j := &jw{b: make([]byte, 0, 2048*(hi-from+1))}
	j.obj()
	j.kstr("expand", "schema,names")
	j.kint("startAt", int64(start))
	j.kint("maxResults", int64(n))
	j.kint("total", int64(len(res)))
	j.key("issues")
	j.arr()
	for p := from; p < hi; p++ {
		c.issue(j, &c.snap.states[res[p]], sel, cl)
	}
	j.endArr()
	if len(comp.warnings) > 0 {
		j.key("warningMessages")
		j.arr()
		for _, m := range comp.warnings {
			j.str(m)
		}
		j.endArr()
	}
	j.endObj()
	writeJSON(w, http.StatusOK, j.b)
}
