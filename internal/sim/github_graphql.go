package sim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	gqlparse "github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// GitHub GraphQL (POST /github/graphql). Documents are parsed and validated by gqlparser against
// ghSDL; a static pass computes GitHub's cost (each connection costs one request per parent node,
// the sum divided by 100, rounded, at least 1) and rejects unbounded or oversized connections;
// the executor then walks the selection sets and writes exactly the fields asked for. Primary
// exhaustion answers 200 with a RATE_LIMITED error, as GitHub does.

type gqlRequest struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName string         `json:"operationName"`
}

// gqlErr is one entry of GitHub's "errors" array.
type gqlErr struct {
	Type       string         `json:"type,omitempty"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
	Locations  []gqlLoc       `json:"locations,omitempty"`
	Message    string         `json:"message"`
}

type gqlLoc struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

func locOf(p *ast.Position) []gqlLoc {
	if p == nil {
		return nil
	}
	return []gqlLoc{{p.Line, p.Column}}
}

func (s *Sim) graphql(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	ghCommonHeaders(h, s.requestID())
	now := s.opts.Wall()
	reply := func(body []byte) {
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		w.Write(body)
	}
	fail := func(errs ...gqlErr) {
		setRateHeaders(h, s.gqlBudget.peek(now))
		b, _ := json.Marshal(map[string]any{"errors": errs})
		reply(b)
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var req gqlRequest
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err != nil || dec.Decode(&req) != nil {
		setRateHeaders(h, s.gqlBudget.peek(now))
		ghMessage(w, http.StatusBadRequest, "Problems parsing JSON", "https://docs.github.com/graphql")
		return
	}
	if strings.TrimSpace(req.Query) == "" {
		fail(gqlErr{Message: "A query attribute must be specified and must be a string."})
		return
	}
	doc, perr := gqlparse.ParseQuery(&ast.Source{Name: "query", Input: req.Query})
	if perr != nil {
		fail(parseError(perr))
		return
	}
	schema := ghSchema()
	if errs := validator.ValidateWithRules(schema, doc, rules.NewDefaultRules()); len(errs) > 0 {
		var out []gqlErr
		for _, e := range errs {
			out = append(out, validationError(doc, e))
		}
		fail(out...)
		return
	}
	var op *ast.OperationDefinition
	switch {
	case req.OperationName != "":
		op = doc.Operations.ForName(req.OperationName)
		if op == nil {
			fail(gqlErr{Message: "No operation named \"" + req.OperationName + "\""})
			return
		}
	case len(doc.Operations) == 1:
		op = doc.Operations[0]
	default:
		fail(gqlErr{Message: "An operation name is required"})
		return
	}
	vars, verr := validator.VariableValues(schema, op, req.Variables)
	if verr != nil {
		fail(variableError(op, verr))
		return
	}
	e := &gqlExec{c: &ghCtx{s: s, sn: s.ghCurrent(), base: ghBase(r)}, vars: vars, schema: schema}
	e.analyse(op.SelectionSet, 1, []any{})
	if len(e.errs) > 0 {
		fail(e.errs...)
		return
	}
	e.cost = max(1, (e.requests+50)/100)
	if e.nodes > 500_000 {
		fail(gqlErr{Type: "MAX_NODE_LIMIT_EXCEEDED", Message: fmt.Sprintf("This query requests up to %d possible nodes which exceeds the maximum limit of 500,000.", e.nodes)})
		return
	}
	var st budgetState
	ok := true
	if e.dryRun {
		st = s.gqlBudget.peek(now)
	} else {
		st, ok = s.gqlBudget.take(now, e.cost)
	}
	setRateHeaders(h, st)
	if !ok {
		b, _ := json.Marshal(map[string]any{"errors": []gqlErr{{Type: "RATE_LIMITED",
			Message: "API rate limit already exceeded for user ID " + strconv.FormatInt(ghViewer.id, 10) + "."}}})
		reply(b)
		return
	}
	e.budget = st
	j := &jw{b: make([]byte, 0, 4096)}
	j.obj()
	j.key("data")
	e.object(j, "Query", gqlRoot{}, op.SelectionSet, []any{})
	if len(e.errs) > 0 {
		b, _ := json.Marshal(e.errs)
		j.key("errors")
		j.raw(b)
	}
	j.endObj()
	reply(j.b)
}

var foundRE = regexp.MustCompile(`found (.+)$`)

func parseError(err error) gqlErr {
	var ge *gqlerror.Error
	if !errors.As(err, &ge) {
		return gqlErr{Message: "Parse error: " + err.Error()}
	}
	out := gqlErr{Message: "Parse error: " + ge.Message}
	if len(ge.Locations) > 0 {
		l := ge.Locations[0]
		out.Locations = []gqlLoc{{l.Line, l.Column}}
		tok := "end of file"
		if m := foundRE.FindStringSubmatch(ge.Message); m != nil {
			tok = m[1]
		}
		out.Message = fmt.Sprintf("Parse error on %q at [%d, %d]", tok, l.Line, l.Column)
	}
	return out
}

var (
	undefinedFieldRE = regexp.MustCompile(`^Cannot query field "([^"]+)" on type "([^"]+)"`)
	unknownArgRE     = regexp.MustCompile(`^Unknown argument "([^"]+)" on field "([^".]+)\.([^"]+)"`)
)

// validationError turns a gqlparser validation error into GitHub's wording and shape.
func validationError(doc *ast.QueryDocument, e *gqlerror.Error) gqlErr {
	out := gqlErr{Message: e.Message}
	for _, l := range e.Locations {
		out.Locations = append(out.Locations, gqlLoc{l.Line, l.Column})
	}
	if m := undefinedFieldRE.FindStringSubmatch(e.Message); m != nil {
		out.Message = fmt.Sprintf("Field '%s' doesn't exist on type '%s'", m[1], m[2])
		out.Extensions = map[string]any{"code": "undefinedField", "typeName": m[2], "fieldName": m[1]}
	} else if m := unknownArgRE.FindStringSubmatch(e.Message); m != nil {
		out.Message = fmt.Sprintf("Field '%s' doesn't accept argument '%s'", m[3], m[1])
		out.Extensions = map[string]any{"code": "argumentNotAccepted", "name": m[3], "typeName": "Field", "argumentName": m[1]}
	}
	if len(out.Locations) > 0 {
		out.Path = pathAt(doc, out.Locations[0])
	}
	return out
}

// pathAt names the field at a location the way GitHub's validation errors do
// (["query", "repository", "pullRequests", "nodes", "bogus"]).
func pathAt(doc *ast.QueryDocument, at gqlLoc) []any {
	var walk func(set ast.SelectionSet, path []any) []any
	walk = func(set ast.SelectionSet, path []any) []any {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				p := append(append([]any(nil), path...), s.Alias)
				if s.Position != nil && s.Position.Line == at.Line && s.Position.Column == at.Column {
					return p
				}
				if r := walk(s.SelectionSet, p); r != nil {
					return r
				}
			case *ast.InlineFragment:
				if r := walk(s.SelectionSet, append(append([]any(nil), path...), "... on "+s.TypeCondition)); r != nil {
					return r
				}
			}
		}
		return nil
	}
	for _, op := range doc.Operations {
		name := string(op.Operation)
		if op.Name != "" {
			name += " " + op.Name
		}
		if r := walk(op.SelectionSet, []any{name}); r != nil {
			return r
		}
	}
	for _, f := range doc.Fragments {
		if r := walk(f.SelectionSet, []any{"fragment " + f.Name}); r != nil {
			return r
		}
	}
	return nil
}

func variableError(op *ast.OperationDefinition, err error) gqlErr {
	var ge *gqlerror.Error
	name := ""
	msg := err.Error()
	if errors.As(err, &ge) {
		msg = ge.Message
		if len(ge.Path) > 1 {
			name = fmt.Sprint(ge.Path[1])
		}
	}
	out := gqlErr{Message: "Variable validation failed: " + msg}
	if v := op.VariableDefinitions.ForName(name); v != nil {
		out.Message = "Variable $" + name + " of type " + v.Type.String() + " was provided invalid value"
		out.Locations = locOf(v.Position)
		out.Extensions = map[string]any{"problems": []map[string]any{{"path": []any{}, "explanation": msg}}}
	}
	return out
}

// ---- static analysis: pagination bounds, cost, node count ----

type gqlExec struct {
	c        *ghCtx
	schema   *ast.Schema
	vars     map[string]any
	errs     []gqlErr
	requests int
	nodes    int
	cost     int
	dryRun   bool
	budget   budgetState
}

func argInt(v any) (int, bool) {
	switch n := v.(type) {
	case int64:
		return int(n), true
	case int:
		return n, true
	case float64:
		return int(n), true
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}

// allFields lists the fields of a selection set through fragments, regardless of type conditions
// (for the static pass, which assumes the worst case).
func allFields(set ast.SelectionSet, out []*ast.Field) []*ast.Field {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			out = append(out, s)
		case *ast.InlineFragment:
			out = allFields(s.SelectionSet, out)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				out = allFields(s.Definition.SelectionSet, out)
			}
		}
	}
	return out
}

func (e *gqlExec) analyse(set ast.SelectionSet, mult int, path []any) {
	for _, f := range allFields(set, nil) {
		if f.Definition == nil {
			continue
		}
		p := append(append([]any(nil), path...), f.Alias)
		args := f.ArgumentMap(e.vars)
		if f.Name == "rateLimit" {
			if d, _ := args["dryRun"].(bool); d {
				e.dryRun = true
			}
		}
		child := mult
		if strings.HasSuffix(f.Definition.Type.Name(), "Connection") {
			first, hasFirst := argInt(args["first"])
			last, hasLast := argInt(args["last"])
			wantsNodes := false
			for _, sub := range allFields(f.SelectionSet, nil) {
				if sub.Name == "nodes" || sub.Name == "edges" {
					wantsNodes = true
				}
			}
			page := 0
			switch {
			case hasFirst && hasLast:
				e.errs = append(e.errs, gqlErr{Type: "ARGUMENT_LIMIT", Path: p, Locations: locOf(f.Position),
					Message: "Passing both `first` and `last` to paginate the `" + f.Name + "` connection is not supported."})
				continue
			case hasFirst || hasLast:
				page = max(first, last)
				arg := "first"
				if hasLast {
					arg, page = "last", last
				}
				if page > 100 {
					e.errs = append(e.errs, gqlErr{Type: "EXCESSIVE_PAGINATION", Path: p, Locations: locOf(f.Position),
						Message: fmt.Sprintf("Requesting %d records on the `%s` connection exceeds the `%s` limit of 100 records.", page, f.Name, arg)})
					continue
				}
				if page < 0 {
					e.errs = append(e.errs, gqlErr{Type: "INVALID_ARGUMENTS", Path: p, Locations: locOf(f.Position),
						Message: fmt.Sprintf("`%s` on the `%s` connection cannot be less than zero.", arg, f.Name)})
					continue
				}
			case wantsNodes:
				e.errs = append(e.errs, gqlErr{Type: "MISSING_PAGINATION_BOUNDARIES", Path: p, Locations: locOf(f.Position),
					Message: "You must provide a `first` or `last` value to properly paginate the `" + f.Name + "` connection."})
				continue
			}
			e.requests += mult
			e.nodes += mult * page
			child = mult * max(page, 1)
		}
		e.analyse(f.SelectionSet, child, p)
	}
}

// ---- execution ----

// gqlObj is a value the executor can write: its GraphQL type name decides which fields apply.
type gqlObj interface{ gqlType() string }

type (
	gqlRoot struct{}
	gqlRate struct{}
	gqlRepo struct {
		repo *ghRepo
		fork *ghUser // the contributor whose fork this is (nil = the repository itself)
	}
	gqlPR    struct{ p *prPlan }
	gqlActor struct{ u *ghUser }
	gqlLabel struct {
		repo *ghRepo
		k    int
	}
	gqlCommit struct {
		repo *ghRepo
		cr   commitRef
	}
	gqlTag struct {
		repo *ghRepo
		t    *ghTag
	}
	gqlRef struct {
		repo   *ghRepo
		prefix string
		name   string
		target gqlObj
		// sortAt orders TAG_COMMIT_DATE: git's creatordate (the tagger date of an annotated tag,
		// else the commit date), which is what GitHub's ordering behaves like.
		sortAt int64
	}
	gqlGitActor struct {
		u    *ghUser
		at   int64
		zone *time.Location
	}
	gqlPageInfo struct {
		start, end       string
		hasNext, hasPrev bool
	}
	gqlConn struct {
		typ     string
		total   int
		items   []gqlObj
		cursors []string
		info    gqlPageInfo
	}
	gqlEdge struct {
		typ    string
		cursor string
		node   gqlObj
	}
)

func (gqlRoot) gqlType() string     { return "Query" }
func (gqlRate) gqlType() string     { return "RateLimit" }
func (gqlRepo) gqlType() string     { return "Repository" }
func (gqlPR) gqlType() string       { return "PullRequest" }
func (gqlLabel) gqlType() string    { return "Label" }
func (gqlCommit) gqlType() string   { return "Commit" }
func (gqlTag) gqlType() string      { return "Tag" }
func (gqlRef) gqlType() string      { return "Ref" }
func (gqlGitActor) gqlType() string { return "GitActor" }
func (gqlPageInfo) gqlType() string { return "PageInfo" }
func (c gqlConn) gqlType() string   { return c.typ }
func (e gqlEdge) gqlType() string   { return e.typ }
func (a gqlActor) gqlType() string {
	switch a.u.typ {
	case "Bot":
		return "Bot"
	case "Organization":
		return "Organization"
	}
	return "User"
}

// applies reports whether a fragment's type condition matches a concrete type.
func (e *gqlExec) applies(cond, typ string) bool {
	if cond == "" || cond == typ {
		return true
	}
	def := e.schema.Types[cond]
	if def == nil {
		return false
	}
	for _, pt := range e.schema.GetPossibleTypes(def) {
		if pt.Name == typ {
			return true
		}
	}
	return false
}

func (e *gqlExec) included(dirs ast.DirectiveList) bool {
	for _, d := range dirs {
		args := d.ArgumentMap(e.vars)
		v, _ := args["if"].(bool)
		if (d.Name == "skip" && v) || (d.Name == "include" && !v) {
			return false
		}
	}
	return true
}

// collect is GraphQL's CollectFields: the fields that apply to a concrete type, merged by
// response key, in document order.
func (e *gqlExec) collect(set ast.SelectionSet, typ string, out []*ast.Field, seen map[string]int) []*ast.Field {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if !e.included(s.Directives) {
				continue
			}
			if k, ok := seen[s.Alias]; ok {
				merged := *out[k]
				merged.SelectionSet = append(append(ast.SelectionSet(nil), merged.SelectionSet...), s.SelectionSet...)
				out[k] = &merged
				continue
			}
			seen[s.Alias] = len(out)
			out = append(out, s)
		case *ast.InlineFragment:
			if e.included(s.Directives) && e.applies(s.TypeCondition, typ) {
				out = e.collect(s.SelectionSet, typ, out, seen)
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && e.included(s.Directives) && e.applies(s.Definition.TypeCondition, typ) {
				out = e.collect(s.Definition.SelectionSet, typ, out, seen)
			}
		}
	}
	return out
}

func (e *gqlExec) object(j *jw, typ string, o gqlObj, set ast.SelectionSet, path []any) {
	if t := o.gqlType(); t != "" {
		typ = t
	}
	j.obj()
	for _, f := range e.collect(set, typ, nil, map[string]int{}) {
		j.key(f.Alias)
		if f.Name == "__typename" {
			j.str(typ)
			continue
		}
		e.field(j, typ, o, f, append(path[:len(path):len(path)], f.Alias))
	}
	j.endObj()
}

// value writes a field's result: null, an object, or a list of objects.
func (e *gqlExec) value(j *jw, f *ast.Field, v any, path []any) {
	switch x := v.(type) {
	case nil:
		j.null()
	case gqlObj:
		e.object(j, f.Definition.Type.Name(), x, f.SelectionSet, path)
	case []gqlObj:
		j.arr()
		for k, o := range x {
			e.object(j, f.Definition.Type.Name(), o, f.SelectionSet, append(path[:len(path):len(path)], k))
		}
		j.endArr()
	}
}

func (e *gqlExec) field(j *jw, typ string, o gqlObj, f *ast.Field, path []any) {
	args := f.ArgumentMap(e.vars)
	switch x := o.(type) {
	case gqlRoot:
		e.rootField(j, f, args, path)
	case gqlRate:
		st := e.budget
		switch f.Name {
		case "cost":
			j.int(int64(e.cost))
		case "limit":
			j.int(int64(st.limit))
		case "nodeCount":
			j.int(int64(e.nodes))
		case "remaining":
			j.int(int64(st.remaining))
		case "used":
			j.int(int64(st.used))
		case "resetAt":
			j.str(st.reset.UTC().Format(ghTime))
		}
	case gqlRepo:
		e.repoField(j, x, f, args, path)
	case gqlPR:
		e.prField(j, x.p, f, args, path)
	case gqlActor:
		e.actorField(j, x.u, f, args, path)
	case gqlLabel:
		l := prLabels[x.k]
		switch f.Name {
		case "id":
			j.str("LA_" + nodeTail(uint64(x.repo.id)*10+uint64(x.k)))
		case "name":
			j.str(l.name)
		case "color":
			j.str(l.color)
		case "description":
			j.str(l.desc)
		}
	case gqlCommit:
		e.commitField(j, x, f, path)
	case gqlTag:
		e.tagField(j, x, f, path)
	case gqlRef:
		switch f.Name {
		case "id":
			j.str(refNodeID(x.repo, x.prefix+x.name))
		case "name":
			j.str(x.name)
		case "prefix":
			j.str(x.prefix)
		case "repository":
			e.value(j, f, gqlRepo{repo: x.repo}, path)
		case "target":
			e.value(j, f, x.target, path)
		}
	case gqlGitActor:
		switch f.Name {
		case "name":
			if x.u == ghWebFlow {
				j.str("GitHub")
			} else {
				j.str(actorName(x.u))
			}
		case "email":
			if x.u == ghWebFlow {
				j.str("noreply@github.com")
			} else {
				j.str(actorEmail(x.u))
			}
		case "date":
			j.str(time.UnixMilli(x.at).In(x.zone).Format("2006-01-02T15:04:05-07:00"))
		case "user":
			if x.u.typ == "User" {
				e.value(j, f, gqlActor{x.u}, path)
			} else {
				j.null()
			}
		}
	case gqlPageInfo:
		switch f.Name {
		case "hasNextPage":
			j.bool(x.hasNext)
		case "hasPreviousPage":
			j.bool(x.hasPrev)
		case "startCursor":
			if x.start == "" {
				j.null()
			} else {
				j.str(x.start)
			}
		case "endCursor":
			if x.end == "" {
				j.null()
			} else {
				j.str(x.end)
			}
		}
	case gqlConn:
		switch f.Name {
		case "totalCount":
			j.int(int64(x.total))
		case "pageInfo":
			e.value(j, f, x.info, path)
		case "nodes":
			e.value(j, f, x.items, path)
		case "edges":
			edges := make([]gqlObj, len(x.items))
			et := strings.TrimSuffix(x.typ, "Connection") + "Edge"
			for k := range x.items {
				edges[k] = gqlEdge{typ: et, cursor: x.cursors[k], node: x.items[k]}
			}
			e.value(j, f, edges, path)
		}
	case gqlEdge:
		switch f.Name {
		case "cursor":
			j.str(x.cursor)
		case "node":
			e.value(j, f, x.node, path)
		}
	default:
		j.null()
	}
}

func (e *gqlExec) rootField(j *jw, f *ast.Field, args map[string]any, path []any) {
	switch f.Name {
	case "rateLimit":
		e.value(j, f, gqlRate{}, path)
	case "viewer":
		e.value(j, f, gqlActor{ghViewer}, path)
	case "organization":
		login, _ := args["login"].(string)
		for _, o := range e.c.s.gh.orgs {
			if strings.EqualFold(o.login, login) {
				e.value(j, f, gqlActor{o}, path)
				return
			}
		}
		j.null()
		e.errs = append(e.errs, gqlErr{Type: "NOT_FOUND", Path: path, Locations: locOf(f.Position),
			Message: "Could not resolve to an Organization with the login of '" + login + "'."})
	case "repository":
		owner, _ := args["owner"].(string)
		name, _ := args["name"].(string)
		repo := e.c.s.gh.repo(owner, name)
		if repo == nil {
			j.null()
			e.errs = append(e.errs, gqlErr{Type: "NOT_FOUND", Path: path, Locations: locOf(f.Position),
				Message: "Could not resolve to a Repository with the name '" + owner + "/" + name + "'."})
			return
		}
		e.value(j, f, gqlRepo{repo: repo}, path)
	default:
		j.null()
		e.errs = append(e.errs, gqlErr{Path: path, Locations: locOf(f.Position), Message: "Introspection is not supported by the simulator"})
	}
}

func (e *gqlExec) actorField(j *jw, u *ghUser, f *ast.Field, args map[string]any, path []any) {
	switch f.Name {
	case "id":
		j.str(u.nodeID())
	case "databaseId":
		j.int(u.id)
	case "login":
		j.str(u.gqlLogin)
	case "name":
		j.str(actorName(u))
	case "email":
		j.str("")
	case "avatarUrl":
		j.str("https://avatars.githubusercontent.com/u/" + strconv.FormatInt(u.id, 10) + "?v=4")
	case "url":
		if u.typ == "Bot" {
			j.str(ghWeb + "/apps/" + u.gqlLogin)
		} else {
			j.str(ghWeb + "/" + u.login)
		}
	case "resourcePath":
		if u.typ == "Bot" {
			j.str("/apps/" + u.gqlLogin)
		} else {
			j.str("/" + u.login)
		}
	case "repositories":
		var repos []*ghRepo
		for _, r := range e.c.s.gh.repos {
			if u == ghViewer || r.owner == u {
				repos = append(repos, r)
			}
		}
		e.repoConnection(j, repos, f, args, path)
	}
}

func (e *gqlExec) repoConnection(j *jw, repos []*ghRepo, f *ast.Field, args map[string]any, path []any) {
	sn := e.c.sn
	key := func(r *ghRepo) int64 { return r.created }
	field, desc := "CREATED_AT", false
	if ob, ok := args["orderBy"].(map[string]any); ok {
		field, _ = ob["field"].(string)
		d, _ := ob["direction"].(string)
		desc = d == "DESC"
	}
	switch field {
	case "UPDATED_AT", "PUSHED_AT":
		key = func(r *ghRepo) int64 { return sn.pushedAt(r) }
	case "STARGAZERS":
		key = func(*ghRepo) int64 { return 0 }
	}
	list := append([]*ghRepo(nil), repos...)
	sort.SliceStable(list, func(a, b int) bool {
		x, y := list[a], list[b]
		if desc {
			x, y = y, x
		}
		if field == "NAME" {
			return x.name < y.name
		}
		if key(x) != key(y) {
			return key(x) < key(y)
		}
		return x.id < y.id
	})
	lo, hi, info, ok := e.offsetPage(len(list), f, args, path)
	if !ok {
		j.null()
		return
	}
	conn := gqlConn{typ: "RepositoryConnection", total: len(list), info: info}
	for k := lo; k < hi; k++ {
		conn.items = append(conn.items, gqlRepo{repo: list[k]})
		conn.cursors = append(conn.cursors, offsetCursor(k+1))
	}
	e.value(j, f, conn, path)
}

func offsetCursor(n int) string { return base64.StdEncoding.EncodeToString([]byte(strconv.Itoa(n))) }

// offsetPage pages a list with offset cursors (GitHub's ref and repository connections use the
// base64 of a position): items after `after` and before `before`, then the first or last N.
func (e *gqlExec) offsetPage(n int, f *ast.Field, args map[string]any, path []any) (lo, hi int, info gqlPageInfo, ok bool) {
	lo, hi = 0, n
	for _, a := range []string{"after", "before"} {
		c, has := args[a].(string)
		if !has {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(c)
		pos, err2 := strconv.Atoi(string(raw))
		if err != nil || err2 != nil || pos < 0 {
			e.errs = append(e.errs, gqlErr{Type: "INVALID_CURSOR_ARGUMENTS", Path: path, Locations: locOf(f.Position),
				Message: "`" + c + "` does not appear to be a valid cursor."})
			return 0, 0, info, false
		}
		if a == "after" {
			lo = min(max(lo, pos), n)
		} else {
			hi = max(min(hi, pos-1), 0)
		}
	}
	if hi < lo {
		hi = lo
	}
	lo, hi, info = pageWindow(lo, hi, n, args)
	if hi > lo {
		info.start, info.end = offsetCursor(lo+1), offsetCursor(hi)
	}
	return lo, hi, info, true
}

// pageWindow applies first/last to the window [lo, hi) of a list of n.
func pageWindow(lo, hi, n int, args map[string]any) (int, int, gqlPageInfo) {
	var info gqlPageInfo
	if first, ok := argInt(args["first"]); ok {
		if hi-lo > first {
			hi = lo + first
		}
	}
	if last, ok := argInt(args["last"]); ok {
		if hi-lo > last {
			lo = hi - last
		}
	}
	info.hasNext = hi < n
	info.hasPrev = lo > 0
	return lo, hi, info
}

func (e *gqlExec) repoField(j *jw, x gqlRepo, f *ast.Field, args map[string]any, path []any) {
	repo, sn := x.repo, e.c.sn
	owner := repo.owner
	id := repo.id
	if x.fork != nil {
		owner = x.fork
		id = 800_000_000 + owner.id%100_000*100 + int64(repo.idx)
	}
	full := owner.login + "/" + repo.name
	switch f.Name {
	case "id":
		j.str("R_" + nodeTail(uint64(id)))
	case "databaseId":
		j.int(id)
	case "name":
		j.str(repo.name)
	case "nameWithOwner":
		j.str(full)
	case "owner":
		e.value(j, f, gqlActor{owner}, path)
	case "url":
		j.str(ghWeb + "/" + full)
	case "resourcePath":
		j.str("/" + full)
	case "description":
		j.str(repo.desc)
	case "createdAt":
		j.str(ghTS(sec(repo.created)))
	case "updatedAt", "pushedAt":
		j.str(ghTS(sn.pushedAt(repo)))
	case "isPrivate":
		j.bool(x.fork == nil)
	case "isArchived":
		j.bool(false)
	case "isFork":
		j.bool(x.fork != nil)
	case "defaultBranchRef":
		if x.fork != nil {
			j.null()
			return
		}
		tip := sn.tipAt(repo, 0, sn.now)
		e.value(j, f, gqlRef{repo: repo, prefix: "refs/heads/", name: "main", target: gqlCommit{repo, tip}, sortAt: tip.at}, path)
	case "pullRequest":
		n, _ := argInt(args["number"])
		ps := sn.pr(repo, n)
		if ps == nil || x.fork != nil {
			j.null()
			e.errs = append(e.errs, gqlErr{Type: "NOT_FOUND", Path: path, Locations: locOf(f.Position),
				Message: fmt.Sprintf("Could not resolve to a PullRequest with the number of %d.", n)})
			return
		}
		p := e.c.s.planPR(sn.v, ps.idx)
		e.value(j, f, gqlPR{&p}, path)
	case "pullRequests":
		e.pullRequests(j, x, f, args, path)
	case "refs":
		prefix, _ := args["refPrefix"].(string)
		e.refs(j, x, prefix, f, args, path)
	case "ref":
		q, _ := args["qualifiedName"].(string)
		full := q
		if !strings.HasPrefix(full, "refs/") {
			full = "refs/heads/" + q
			if _, ok := sn.tagIdx[repo.idx][q]; ok {
				full = "refs/tags/" + q
			}
		}
		for _, rf := range e.refList(repo, "refs/") {
			if rf.prefix+rf.name == full {
				// A ref read directly is named in full under its own prefix.
				k := strings.Index(full[5:], "/") + 6
				rf.prefix, rf.name = full[:k], full[k:]
				e.value(j, f, rf, path)
				return
			}
		}
		j.null()
	}
}

// prCursor encodes a position in an ordered pull request list: the sort key and the number, so
// that the next page starts after that item even if the list changed in between.
func prCursor(key int64, num uint32) string {
	return base64.StdEncoding.EncodeToString([]byte("cursor:v2:" + strconv.FormatInt(key, 10) + ":" + strconv.FormatUint(uint64(num), 10)))
}

func parsePRCursor(c string) (key int64, num uint32, ok bool) {
	raw, err := base64.StdEncoding.DecodeString(c)
	if err != nil {
		return 0, 0, false
	}
	rest, found := strings.CutPrefix(string(raw), "cursor:v2:")
	k, n, found2 := strings.Cut(rest, ":")
	kv, err1 := strconv.ParseInt(k, 10, 64)
	nv, err2 := strconv.ParseUint(n, 10, 32)
	if !found || !found2 || err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return kv, uint32(nv), true
}

func (e *gqlExec) pullRequests(j *jw, x gqlRepo, f *ast.Field, args map[string]any, path []any) {
	sn, repo := e.c.sn, x.repo
	field, dir := "CREATED_AT", "ASC"
	if ob, ok := args["orderBy"].(map[string]any); ok {
		field, _ = ob["field"].(string)
		dir, _ = ob["direction"].(string)
	}
	var states []string
	if l, ok := args["states"].([]any); ok {
		for _, v := range l {
			s, _ := v.(string)
			states = append(states, s)
		}
	}
	base, _ := args["baseRefName"].(string)
	head, _ := args["headRefName"].(string)
	var labels []string
	if l, ok := args["labels"].([]any); ok {
		for _, v := range l {
			s, _ := v.(string)
			labels = append(labels, s)
		}
	}
	key := func(ps *prState) int64 {
		switch field {
		case "UPDATED_AT":
			return ps.updated
		case "COMMENTS":
			return int64(ps.comments)
		}
		return ps.created
	}
	desc := dir == "DESC"
	// before(a, b): a comes first in the order.
	before := func(ka int64, na uint32, kb int64, nb uint32) bool {
		if ka != kb {
			return (ka < kb) != desc
		}
		if na != nb {
			return (na < nb) != desc
		}
		return false
	}
	var list []int32
	if x.fork == nil {
		ck := strings.Join([]string{"gql", repo.full, field, dir, strings.Join(states, ","), base, head, strings.Join(labels, ",")}, "\x00")
		list = sn.cached(ck, func() []int32 {
			var out []int32
			for _, i := range sn.byRepo[repo.idx] {
				ps := &sn.states[i]
				if len(states) > 0 {
					st := "OPEN"
					switch {
					case ps.merged > 0:
						st = "MERGED"
					case !ps.open:
						st = "CLOSED"
					}
					if !containsStr(states, st) {
						continue
					}
				}
				if base != "" || head != "" || len(labels) > 0 {
					p := e.c.s.planPR(sn.v, i)
					if base != "" && p.baseRef() != base || head != "" && e.c.s.prHeadRef(&p) != head {
						continue
					}
					if len(labels) > 0 && !hasAnyLabel(&p, labels) {
						continue
					}
				}
				out = append(out, i)
			}
			sort.SliceStable(out, func(a, b int) bool {
				x, y := &sn.states[out[a]], &sn.states[out[b]]
				return before(key(x), x.num, key(y), y.num)
			})
			return out
		})
	}
	n := len(list)
	lo, hi := 0, n
	for _, a := range []string{"after", "before"} {
		c, has := args[a].(string)
		if !has {
			continue
		}
		ck, cn, ok := parsePRCursor(c)
		if !ok {
			j.null()
			e.errs = append(e.errs, gqlErr{Type: "INVALID_CURSOR_ARGUMENTS", Path: path, Locations: locOf(f.Position),
				Message: "`" + c + "` does not appear to be a valid cursor."})
			return
		}
		// The first item that comes after the cursor's position.
		pos := sort.Search(n, func(k int) bool {
			ps := &sn.states[list[k]]
			return before(ck, cn, key(ps), ps.num)
		})
		if a == "after" {
			lo = max(lo, pos)
		} else {
			// Items strictly before the cursor: those not at or after it.
			at := sort.Search(n, func(k int) bool {
				ps := &sn.states[list[k]]
				return !before(key(ps), ps.num, ck, cn)
			})
			hi = min(hi, at)
		}
	}
	if hi < lo {
		hi = lo
	}
	lo, hi, info := pageWindow(lo, hi, n, args)
	conn := gqlConn{typ: "PullRequestConnection", total: n, info: info}
	for k := lo; k < hi; k++ {
		ps := &sn.states[list[k]]
		p := e.c.s.planPR(sn.v, ps.idx)
		conn.items = append(conn.items, gqlPR{&p})
		conn.cursors = append(conn.cursors, prCursor(key(ps), ps.num))
	}
	if hi > lo {
		conn.info.start, conn.info.end = conn.cursors[0], conn.cursors[len(conn.cursors)-1]
	}
	e.value(j, f, conn, path)
}

func containsStr(l []string, v string) bool {
	for _, x := range l {
		if x == v {
			return true
		}
	}
	return false
}

func hasAnyLabel(p *prPlan, names []string) bool {
	for k, l := range prLabels {
		if p.labels&(1<<k) != 0 && containsStr(names, l.name) {
			return true
		}
	}
	return false
}

func (e *gqlExec) prField(j *jw, p *prPlan, f *ast.Field, args map[string]any, path []any) {
	sn := e.c.sn
	st := p.at(sn.now)
	repo := p.repo
	num := strconv.FormatUint(uint64(p.hdr.num), 10)
	switch f.Name {
	case "id":
		j.str(prNodeID(p.idx))
	case "databaseId":
		j.int(prID(p.idx))
	case "number":
		j.int(int64(p.hdr.num))
	case "title":
		j.str(e.c.s.prTitle(p))
	case "body":
		j.str(e.c.s.prBody(p))
	case "state":
		switch {
		case st.merged:
			j.str("MERGED")
		case !st.open:
			j.str("CLOSED")
		default:
			j.str("OPEN")
		}
	case "isDraft":
		j.bool(st.draft)
	case "closed":
		j.bool(!st.open)
	case "merged":
		j.bool(st.merged)
	case "locked", "isCrossRepository":
		j.bool(f.Name == "isCrossRepository" && p.fork)
	case "createdAt", "publishedAt":
		j.str(ghTS(p.hdr.created))
	case "updatedAt":
		j.str(ghTS(st.updated))
	case "closedAt":
		nullTime(j, st.closed)
	case "mergedAt":
		nullTime(j, st.mergedAt)
	case "additions":
		j.int(int64(p.adds))
	case "deletions":
		j.int(int64(p.dels))
	case "changedFiles":
		j.int(int64(p.files))
	case "author":
		e.value(j, f, gqlActor{p.author}, path)
	case "mergedBy":
		if st.merged {
			e.value(j, f, gqlActor{p.mergedBy}, path)
		} else {
			j.null()
		}
	case "baseRefName":
		j.str(p.baseRef())
	case "headRefName":
		j.str(e.c.s.prHeadRef(p))
	case "baseRefOid":
		j.str(e.c.commitSHA(e.c.baseRef(p, &st)))
	case "headRefOid":
		j.str(e.c.headSHA(p, &st))
	case "headRepository":
		switch {
		case p.forkGone:
			j.null()
		case p.fork:
			e.value(j, f, gqlRepo{repo: repo, fork: p.author}, path)
		default:
			e.value(j, f, gqlRepo{repo: repo}, path)
		}
	case "headRepositoryOwner":
		if p.forkGone {
			j.null()
		} else {
			e.value(j, f, gqlActor{headOwner(p)}, path)
		}
	case "repository":
		e.value(j, f, gqlRepo{repo: repo}, path)
	case "url", "permalink":
		j.str(ghWeb + "/" + repo.full + "/pull/" + num)
	case "resourcePath":
		j.str("/" + repo.full + "/pull/" + num)
	case "mergeCommit":
		if st.merged {
			e.value(j, f, gqlCommit{repo, commitRef{kind: shaMerge, item: uint64(p.idx), at: st.mergedAt}}, path)
		} else {
			j.null()
		}
	case "commits":
		e.value(j, f, gqlConn{typ: "PullRequestCommitConnection", total: max(1, st.commits)}, path)
	case "comments":
		e.value(j, f, gqlConn{typ: "IssueCommentConnection", total: st.comments}, path)
	case "labels":
		var ls []gqlObj
		for k := range prLabels {
			if p.labels&(1<<k) != 0 {
				ls = append(ls, gqlLabel{repo, k})
			}
		}
		lo, hi, info, ok := e.offsetPage(len(ls), f, args, path)
		if !ok {
			j.null()
			return
		}
		conn := gqlConn{typ: "LabelConnection", total: len(ls), items: ls[lo:hi], info: info}
		for k := lo; k < hi; k++ {
			conn.cursors = append(conn.cursors, offsetCursor(k+1))
		}
		e.value(j, f, conn, path)
	}
}

func nullTime(j *jw, t int64) {
	if t == 0 {
		j.null()
		return
	}
	j.str(ghTS(t))
}

func (e *gqlExec) commitField(j *jw, x gqlCommit, f *ast.Field, path []any) {
	c := e.c
	switch f.Name {
	case "id":
		j.str("C_" + nodeTail(hash3(c.s.opts.Seed, streamSHA, x.cr.item^x.cr.kind<<56)))
	case "oid":
		j.str(c.commitSHA(x.cr))
	case "abbreviatedOid":
		j.str(c.commitSHA(x.cr)[:7])
	case "commitUrl", "url":
		j.str(ghWeb + "/" + x.repo.full + "/commit/" + c.commitSHA(x.cr))
	case "repository":
		e.value(j, f, gqlRepo{repo: x.repo}, path)
	case "committedDate":
		j.str(ghTS(x.cr.at))
	default:
		ci := c.commitInfo(x.repo, x.cr)
		switch f.Name {
		case "authoredDate":
			j.str(ghTS(ci.authored))
		case "message":
			j.str(ci.message)
		case "messageHeadline":
			h, _, _ := strings.Cut(ci.message, "\n")
			j.str(h)
		case "additions":
			j.int(int64(ci.adds))
		case "deletions":
			j.int(int64(ci.dels))
		case "author":
			e.value(j, f, gqlGitActor{ci.author, ci.authored, x.repo.team.loc}, path)
		case "committer":
			zone := x.repo.team.loc
			if ci.committer == ghWebFlow {
				zone = time.UTC
			}
			e.value(j, f, gqlGitActor{ci.committer, ci.committed, zone}, path)
		}
	}
}

func (e *gqlExec) tagField(j *jw, x gqlTag, f *ast.Field, path []any) {
	c := e.c
	oid := c.tagObjSHA(x.repo, x.t)
	switch f.Name {
	case "id":
		j.str("TA_" + nodeTail(hash3(c.s.opts.Seed, streamSHA, uint64(x.repo.idx)<<48|x.t.id)))
	case "oid":
		j.str(oid)
	case "abbreviatedOid":
		j.str(oid[:7])
	case "commitUrl":
		j.str(ghWeb + "/" + x.repo.full + "/commit/" + c.commitSHA(x.t.commit))
	case "repository":
		e.value(j, f, gqlRepo{repo: x.repo}, path)
	case "name":
		j.str(x.t.name)
	case "message":
		j.str(tagMessage(x.t))
	case "tagger":
		// GitTimestamp keeps the tagger's zone (the team's).
		e.value(j, f, gqlGitActor{x.repo.releaser, x.t.at, x.repo.team.loc}, path)
	case "target":
		e.value(j, f, gqlCommit{x.repo, x.t.commit}, path)
	}
}

// refList lists a repository's refs under a prefix, named relative to it, alphabetically.
func (e *gqlExec) refList(repo *ghRepo, prefix string) []gqlRef {
	sn := e.c.sn
	var out []gqlRef
	add := func(full string, target gqlObj, at int64) {
		if name, ok := strings.CutPrefix(full, prefix); ok && name != "" {
			out = append(out, gqlRef{repo: repo, prefix: prefix, name: name, target: target, sortAt: at})
		}
	}
	tip := sn.tipAt(repo, 0, sn.now)
	add("refs/heads/main", gqlCommit{repo, tip}, tip.at)
	for k := range sn.tags[repo.idx] {
		t := &sn.tags[repo.idx][k]
		if t.kind == tkRelease {
			b := "release/" + strconv.Itoa(t.maj) + "." + strconv.Itoa(t.mnr)
			cr, _ := e.c.branchTip(repo, b)
			add("refs/heads/"+b, gqlCommit{repo, cr}, cr.at)
		}
		if t.annotated {
			add("refs/tags/"+t.name, gqlTag{repo, t}, t.at)
		} else {
			add("refs/tags/"+t.name, gqlCommit{repo, t.commit}, t.commit.at)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].name < out[b].name })
	return out
}

func (e *gqlExec) refs(j *jw, x gqlRepo, prefix string, f *ast.Field, args map[string]any, path []any) {
	if !strings.HasSuffix(prefix, "/") || !strings.HasPrefix(prefix, "refs/") {
		j.null()
		e.errs = append(e.errs, gqlErr{Path: path, Locations: locOf(f.Position), Message: "refPrefix must start with \"refs/\" and end with \"/\""})
		return
	}
	var list []gqlRef
	if x.fork == nil {
		list = e.refList(x.repo, prefix)
	}
	if q, ok := args["query"].(string); ok && q != "" {
		var kept []gqlRef
		for _, rf := range list {
			if strings.Contains(rf.name, q) {
				kept = append(kept, rf)
			}
		}
		list = kept
	}
	field, dir := "ALPHABETICAL", "ASC"
	if d, ok := args["direction"].(string); ok {
		dir = d
	}
	if ob, ok := args["orderBy"].(map[string]any); ok {
		field, _ = ob["field"].(string)
		dir, _ = ob["direction"].(string)
	}
	desc := dir == "DESC"
	sort.SliceStable(list, func(a, b int) bool {
		x, y := &list[a], &list[b]
		if desc {
			x, y = y, x
		}
		if field == "TAG_COMMIT_DATE" && x.sortAt != y.sortAt {
			return x.sortAt < y.sortAt
		}
		return x.name < y.name
	})
	lo, hi, info, ok := e.offsetPage(len(list), f, args, path)
	if !ok {
		j.null()
		return
	}
	conn := gqlConn{typ: "RefConnection", total: len(list), info: info}
	for k := lo; k < hi; k++ {
		conn.items = append(conn.items, list[k])
		conn.cursors = append(conn.cursors, offsetCursor(k+1))
	}
	e.value(j, f, conn, path)
}
