package sim

import (
	"encoding/json"
	"math"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// The GraphQL side is checked in two steps. First, the simulator's SDL must be a faithful subset
// of GitHub's public GraphQL schema (vendored from @octokit/graphql-schema, see
// testdata/github-graphql): every type, field, argument, interface and enum value it declares
// exists at GitHub with exactly the same type and nullability. Second, real responses are
// type-checked against that SDL along the query's selection: every selected field present (and
// nothing else), non-null fields never null, scalars of the right JSON type and format.

type ghGQLSubset struct {
	Types map[string]struct {
		Kind   string `json:"kind"`
		Fields map[string]struct {
			Type string            `json:"type"`
			Args map[string]string `json:"args"`
		} `json:"fields"`
		InputFields map[string]string `json:"inputFields"`
		Interfaces  []string          `json:"interfaces"`
		EnumValues  []string          `json:"enumValues"`
	} `json:"types"`
}

func TestGraphQLSchemaIsGitHubs(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/github-graphql/schema.subset.json")
	if err != nil {
		t.Fatal(err)
	}
	var gh ghGQLSubset
	if err := json.Unmarshal(b, &gh); err != nil {
		t.Fatal(err)
	}
	kinds := map[ast.DefinitionKind]string{ast.Object: "OBJECT", ast.Interface: "INTERFACE", ast.Enum: "ENUM",
		ast.InputObject: "INPUT_OBJECT", ast.Scalar: "SCALAR", ast.Union: "UNION"}
	checked := 0
	for name, def := range ghSchema().Types {
		if def.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		g, ok := gh.Types[name]
		if !ok {
			t.Errorf("type %s does not exist at GitHub", name)
			continue
		}
		if kinds[def.Kind] != g.Kind {
			t.Errorf("%s is a %s here, a %s at GitHub", name, def.Kind, g.Kind)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if def.Kind == ast.InputObject {
				if g.InputFields[f.Name] != f.Type.String() {
					t.Errorf("%s.%s: %s here, %q at GitHub", name, f.Name, f.Type, g.InputFields[f.Name])
				}
				continue
			}
			gf, ok := g.Fields[f.Name]
			if !ok {
				t.Errorf("%s.%s does not exist at GitHub", name, f.Name)
				continue
			}
			if gf.Type != f.Type.String() {
				t.Errorf("%s.%s: %s here, %s at GitHub", name, f.Name, f.Type, gf.Type)
			}
			for _, a := range f.Arguments {
				if gf.Args[a.Name] != a.Type.String() {
					t.Errorf("%s.%s(%s): %s here, %q at GitHub", name, f.Name, a.Name, a.Type, gf.Args[a.Name])
				}
			}
			checked++
		}
		for _, i := range def.Interfaces {
			if !containsStr(g.Interfaces, i) {
				t.Errorf("%s implements %s here but not at GitHub", name, i)
			}
		}
		for _, v := range def.EnumValues {
			if !containsStr(g.EnumValues, v.Name) {
				t.Errorf("enum %s has %s here but not at GitHub", name, v.Name)
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d fields checked", checked)
	}
}

var oidRE = regexp.MustCompile(`^[0-9a-f]{40}$`)

// gqlTypeCheck checks a response's data against the document's selection and the schema.
type gqlTypeCheck struct {
	t      *testing.T
	schema *ast.Schema
	doc    *ast.QueryDocument
	errs   []string
}

func (c *gqlTypeCheck) fail(path, msg string) {
	if len(c.errs) < 20 {
		c.errs = append(c.errs, path+": "+msg)
	}
}

// fields lists the selected fields that apply to an object of concrete type typ (typ "" when the
// response does not say: then fragments on other types may or may not apply).
func (c *gqlTypeCheck) fields(set ast.SelectionSet, declared, typ string, out map[string]*ast.Field, optional map[string]bool, opt bool) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if _, ok := out[s.Alias]; !ok {
				out[s.Alias] = s
				optional[s.Alias] = opt
			} else if !opt {
				optional[s.Alias] = false
			}
		case *ast.InlineFragment:
			c.fragment(s.TypeCondition, s.SelectionSet, declared, typ, out, optional, opt)
		case *ast.FragmentSpread:
			f := c.doc.Fragments.ForName(s.Name)
			c.fragment(f.TypeCondition, f.SelectionSet, declared, typ, out, optional, opt)
		}
	}
}

func (c *gqlTypeCheck) fragment(cond string, set ast.SelectionSet, declared, typ string, out map[string]*ast.Field, optional map[string]bool, opt bool) {
	switch {
	case cond == "" || cond == declared || cond == typ:
		c.fields(set, declared, typ, out, optional, opt)
	case typ == "":
		c.fields(set, declared, typ, out, optional, true)
	default:
		for _, p := range c.schema.GetPossibleTypes(c.schema.Types[cond]) {
			if p.Name == typ {
				c.fields(set, declared, typ, out, optional, opt)
			}
		}
	}
}

func (c *gqlTypeCheck) value(typ *ast.Type, set ast.SelectionSet, v any, path string) {
	if v == nil {
		if typ.NonNull {
			c.fail(path, "null for a non-null "+typ.String())
		}
		return
	}
	if typ.Elem != nil {
		l, ok := v.([]any)
		if !ok {
			c.fail(path, "want a list")
			return
		}
		for _, e := range l {
			c.value(typ.Elem, set, e, path+"[]")
		}
		return
	}
	def := c.schema.Types[typ.NamedType]
	switch def.Kind {
	case ast.Object, ast.Interface, ast.Union:
		obj, ok := v.(map[string]any)
		if !ok {
			c.fail(path, "want an object")
			return
		}
		concrete, _ := obj["__typename"].(string)
		if def.Kind == ast.Object {
			concrete = def.Name
		}
		sel, optional := map[string]*ast.Field{}, map[string]bool{}
		c.fields(set, def.Name, concrete, sel, optional, false)
		for k := range obj {
			if sel[k] == nil {
				c.fail(path, "unselected field "+k)
			}
		}
		keys := make([]string, 0, len(sel))
		for k := range sel {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			f := sel[k]
			fv, present := obj[k]
			if !present {
				if !optional[k] {
					c.fail(path, "selected field "+k+" missing")
				}
				continue
			}
			if f.Name == "__typename" {
				if s, _ := fv.(string); s == "" || (def.Kind == ast.Object && s != def.Name) {
					c.fail(path+"."+k, "bad __typename")
				}
				continue
			}
			fd := c.schema.Types[concreteOr(concrete, def.Name)].Fields.ForName(f.Name)
			if fd == nil {
				fd = def.Fields.ForName(f.Name)
			}
			c.value(fd.Type, f.SelectionSet, fv, path+"."+k)
		}
	case ast.Enum:
		s, ok := v.(string)
		if !ok || def.EnumValues.ForName(s) == nil {
			c.fail(path, "not a "+def.Name+" value")
		}
	default:
		c.scalar(def.Name, v, path)
	}
}

func concreteOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (c *gqlTypeCheck) scalar(name string, v any, path string) {
	s, isStr := v.(string)
	switch name {
	case "Int":
		if f, ok := v.(float64); !ok || f != math.Trunc(f) || math.Abs(f) > 1<<31 {
			c.fail(path, "not an Int")
		}
	case "Boolean":
		if _, ok := v.(bool); !ok {
			c.fail(path, "not a Boolean")
		}
	case "DateTime":
		if tm, err := time.Parse(time.RFC3339, s); !isStr || err != nil || tm.Location() != time.UTC {
			c.fail(path, "not a UTC DateTime")
		}
	case "GitTimestamp":
		if _, err := time.Parse(time.RFC3339, s); !isStr || err != nil {
			c.fail(path, "not a GitTimestamp")
		}
	case "GitObjectID":
		if !isStr || !oidRE.MatchString(s) {
			c.fail(path, "not a GitObjectID")
		}
	case "URI":
		if u, err := url.Parse(s); !isStr || err != nil || (u.Scheme == "" && !strings.HasPrefix(s, "/")) {
			c.fail(path, "not a URI")
		}
	default: // String, ID
		if !isStr {
			c.fail(path, "not a "+name)
		}
	}
}

// TestGraphQLResponsesTypeCheck runs real documents (the sync's and a broad one touching every
// type) and type-checks the answers against the schema along the selection.
func TestGraphQLResponsesTypeCheck(t *testing.T) {
	t.Parallel()
	s, err := New(Options{Seed: 14, Issues: 200, PRs: 400})
	if err != nil {
		t.Fatal(err)
	}
	s.Advance(20 * time.Hour)
	h := s.Handler()
	broad := `query Broad($c: String) {
	  __typename
	  rateLimit { cost limit nodeCount remaining resetAt used }
	  viewer { __typename id databaseId login name email avatarUrl url resourcePath
	    repositories(first: 3, orderBy: {field: PUSHED_AT, direction: DESC}) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
	      edges { cursor node { nameWithOwner } } } }
	  organization(login: "acme") { id login name url repositories(last: 2) { nodes { name owner { __typename login } } } }
	  repository(owner: "acme", name: "mobile-api") {
	    id databaseId name nameWithOwner description createdAt updatedAt pushedAt isPrivate isArchived isFork url resourcePath
	    owner { __typename id login url avatarUrl resourcePath }
	    defaultBranchRef { id name prefix target { __typename oid abbreviatedOid commitUrl id ... on Commit { committedDate authoredDate message messageHeadline url additions deletions
	      author { name email date user { login } } committer { name email date user { login } } repository { name } } } }
	    ref(qualifiedName: "main") { name target { oid } }
	    pullRequests(first: 60, after: $c, states: [OPEN, MERGED, CLOSED], orderBy: {field: CREATED_AT, direction: DESC}) {
	      totalCount pageInfo { hasNextPage endCursor startCursor hasPreviousPage }
	      edges { cursor node {
	        __typename id databaseId number title body state isDraft closed merged locked createdAt updatedAt closedAt mergedAt publishedAt
	        additions deletions changedFiles baseRefName headRefName baseRefOid headRefOid isCrossRepository url permalink resourcePath
	        author { __typename login avatarUrl url resourcePath ... on User { id name databaseId } ... on Bot { id databaseId } }
	        mergedBy { login }
	        headRepository { nameWithOwner isFork owner { login } }
	        headRepositoryOwner { login }
	        repository { nameWithOwner }
	        mergeCommit { oid committedDate message }
	        commits { totalCount }
	        comments { totalCount }
	        labels(first: 5) { totalCount nodes { id name color description } }
	      } }
	    }
	    refs(refPrefix: "refs/", first: 100) { totalCount nodes { id name prefix repository { name }
	      target { __typename oid ... on Tag { id name message abbreviatedOid commitUrl tagger { name email date user { login } } target { oid ... on Commit { committedDate } } } } } }
	  }
	}`
	docs := []struct {
		q    string
		vars map[string]any
	}{
		{syncQuery, map[string]any{"owner": "acme", "name": "platform-web", "n": 100}},
		{broad, nil},
	}
	for _, d := range docs {
		res, _ := gqlPost(t, h, d.q, d.vars)
		if len(res.Errors) > 0 {
			t.Fatalf("errors: %s", res.raw)
		}
		// Parsed and validated, so fields and fragments carry their definitions.
		doc, errs := gqlparser.LoadQueryWithRules(ghSchema(), d.q, rules.NewDefaultRules())
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		var data any
		json.Unmarshal(res.Data, &data)
		c := &gqlTypeCheck{t: t, schema: ghSchema(), doc: doc}
		c.value(&ast.Type{NamedType: "Query", NonNull: true}, doc.Operations[0].SelectionSet, data, "data")
		if len(c.errs) > 0 {
			t.Fatalf("response does not type-check:\n%s", strings.Join(c.errs, "\n"))
		}
	}
}
