package sim

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The GitHub REST responses are checked against GitHub's own OpenAPI description (vendored from
// @octokit/openapi, see testdata/github-openapi/README.md): for every served operation, real
// responses of the simulator — every pull request of the world in list and detail form, every
// tag, commits of each kind, annotated tags, refs, releases, repositories, rate limits and error
// bodies — are validated against the operation's 200 schema. The check is strict in both
// directions: required properties must be present with the right JSON type (null only where the
// description allows it, formats and enums included), and every property the simulator sends
// must be one the description defines.

type oaDoc struct {
	Paths map[string]map[string]struct {
		Responses map[string]struct {
			Content map[string]struct {
				Schema map[string]any `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]map[string]any `json:"schemas"`
	} `json:"components"`
}

func loadOpenAPI(t *testing.T) *oaDoc {
	t.Helper()
	b, err := os.ReadFile("testdata/github-openapi/api.github.com.subset.json")
	if err != nil {
		t.Fatal(err)
	}
	var d oaDoc
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return &d
}

func (d *oaDoc) responseSchema(t *testing.T, path string) map[string]any {
	t.Helper()
	op, ok := d.Paths[path]["get"]
	if !ok {
		t.Fatalf("no GET %s in the description", path)
	}
	return op.Responses["200"].Content["application/json"].Schema
}

// oaValidator checks a decoded JSON value against an OpenAPI 3.0 schema (the subset GitHub's
// description uses).
type oaValidator struct {
	d    *oaDoc
	errs []string
	// allowNull lists paths (dotted, array indices as []) where null is accepted although the
	// description does not say so: documented deviations of the real API.
	allowNull map[string]bool
}

func (v *oaValidator) fail(path, format string, args ...any) {
	if len(v.errs) < 40 {
		v.errs = append(v.errs, path+": "+fmt.Sprintf(format, args...))
	}
}

func (v *oaValidator) resolve(s map[string]any) map[string]any {
	for {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		next, ok := v.d.Components.Schemas[name]
		if !ok {
			v.fail("", "unresolved $ref %s", ref)
			return map[string]any{}
		}
		s = next
	}
}

// matches reports whether val validates without recording errors (for oneOf/anyOf).
func (v *oaValidator) matches(s map[string]any, val any, path string) bool {
	sub := &oaValidator{d: v.d, allowNull: v.allowNull}
	sub.check(s, val, path)
	return len(sub.errs) == 0
}

func (v *oaValidator) check(s map[string]any, val any, path string) {
	s = v.resolve(s)
	if val == nil {
		if s["nullable"] == true || v.allowNull[path] {
			return
		}
		if _, typed := s["type"]; typed || s["properties"] != nil || s["oneOf"] != nil || s["allOf"] != nil || s["anyOf"] != nil {
			v.fail(path, "null where the description does not allow it")
		}
		return
	}
	for _, sub := range asList(s["allOf"]) {
		v.check(sub, val, path)
	}
	if l := asList(s["anyOf"]); len(l) > 0 {
		ok := false
		for _, sub := range l {
			ok = ok || v.matches(sub, val, path)
		}
		if !ok {
			v.fail(path, "matches none of anyOf")
		}
	}
	if l := asList(s["oneOf"]); len(l) > 0 {
		n := 0
		for _, sub := range l {
			if v.matches(sub, val, path) {
				n++
			}
		}
		if n != 1 {
			v.fail(path, "matches %d of oneOf, want exactly 1", n)
		}
	}
	typ, _ := s["type"].(string)
	if typ == "" && s["properties"] != nil {
		typ = "object"
	}
	switch typ {
	case "object":
		obj, ok := val.(map[string]any)
		if !ok {
			v.fail(path, "want an object, got %T", val)
			return
		}
		props, _ := s["properties"].(map[string]any)
		req, _ := s["required"].([]any)
		for _, r := range req {
			if _, ok := obj[r.(string)]; !ok {
				v.fail(path, "required property %q missing", r)
			}
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ps, ok := props[k].(map[string]any)
			if !ok {
				if props != nil || s["additionalProperties"] == false {
					v.fail(path, "property %q is not in the description", k)
				}
				continue
			}
			v.check(ps, obj[k], path+"."+k)
		}
	case "array":
		arr, ok := val.([]any)
		if !ok {
			v.fail(path, "want an array, got %T", val)
			return
		}
		items, _ := s["items"].(map[string]any)
		for _, it := range arr {
			if items != nil {
				v.check(items, it, path+"[]")
			}
		}
	case "string":
		str, ok := val.(string)
		if !ok {
			v.fail(path, "want a string, got %T", val)
			return
		}
		switch s["format"] {
		case "date-time":
			if _, err := time.Parse(time.RFC3339, str); err != nil {
				v.fail(path, "not a date-time: %q", str)
			}
		case "uri":
			if u, err := url.Parse(str); err != nil || u.Scheme == "" {
				v.fail(path, "not a URI: %q", str)
			}
		}
		if n, ok := s["minLength"].(float64); ok && float64(len(str)) < n {
			v.fail(path, "shorter than %v: %q", n, str)
		}
		if n, ok := s["maxLength"].(float64); ok && float64(len(str)) > n {
			v.fail(path, "longer than %v: %q", n, str)
		}
	case "integer":
		f, ok := val.(float64)
		if !ok || f != math.Trunc(f) {
			v.fail(path, "want an integer, got %v", val)
		}
	case "number":
		if _, ok := val.(float64); !ok {
			v.fail(path, "want a number, got %T", val)
		}
	case "boolean":
		if _, ok := val.(bool); !ok {
			v.fail(path, "want a boolean, got %T", val)
		}
	}
	if enum := s["enum"]; enum != nil {
		ok := false
		for _, e := range enum.([]any) {
			ok = ok || e == val
		}
		if !ok {
			v.fail(path, "%v is not one of %v", val, enum)
		}
	}
}

func asList(x any) []map[string]any {
	l, _ := x.([]any)
	var out []map[string]any
	for _, e := range l {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// TestOpenAPIValidatorSelfCheck: the validator rejects what it should (so a pass means something).
func TestOpenAPIValidatorSelfCheck(t *testing.T) {
	t.Parallel()
	d := loadOpenAPI(t)
	v := &oaValidator{d: d}
	bad := map[string]any{"name": "v1", "commit": map[string]any{"sha": 5, "url": "not a uri"}, "node_id": nil, "extra": true}
	v.check(d.responseSchema(t, "/repos/{owner}/{repo}/tags"), []any{bad}, "$")
	want := []string{`required property "zipball_url" missing`, `commit.sha: want a string`, `commit.url: not a URI`,
		`node_id: null where`, `property "extra" is not in the description`}
	all := strings.Join(v.errs, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("validator missed %q; got:\n%s", w, all)
		}
	}
}

// TestGitHubShapesMatchOpenAPI validates real responses of every served REST operation.
func TestGitHubShapesMatchOpenAPI(t *testing.T) {
	t.Parallel()
	d := loadOpenAPI(t)
	s, err := New(Options{Seed: 3, Issues: 300, PRs: 450})
	if err != nil {
		t.Fatal(err)
	}
	s.Advance(30 * time.Hour) // some PRs open, some drafts, tags of both kinds
	h := s.Handler()
	checked := map[string]int{}
	validate := func(specPath, target string) []byte {
		t.Helper()
		code, _, body := ghGet(t, h, target)
		if code != 200 {
			t.Fatalf("GET %s: %d %s", target, code, body)
		}
		var val any
		if err := json.Unmarshal(body, &val); err != nil {
			t.Fatalf("GET %s: %v", target, err)
		}
		v := &oaValidator{d: d, allowNull: map[string]bool{
			// github/rest-api-description#1811 (and #161, #424): the head fork was deleted.
			"$[].head.repo": true, "$.head.repo": true,
		}}
		v.check(d.responseSchema(t, specPath), val, "$")
		if len(v.errs) > 0 {
			t.Fatalf("GET %s does not match %s:\n%s", target, specPath, strings.Join(v.errs, "\n"))
		}
		checked[specPath]++
		return body
	}
	validate("/user/repos", "/user/repos?per_page=100")
	validate("/orgs/{org}/repos", "/orgs/acme/repos?per_page=100")
	validate("/rate_limit", "/rate_limit")
	sawNullHead, sawFork, sawDraft, sawBot, sawAnnotated, sawLight := false, false, false, false, false, false
	for _, repo := range s.Repos() {
		base := "/repos/" + repo.FullName
		validate("/repos/{owner}/{repo}", base)
		for page := 1; ; page++ {
			body := validate("/repos/{owner}/{repo}/pulls", base+"/pulls?state=all&per_page=100&page="+strconv.Itoa(page))
			var prs []struct {
				Number int `json:"number"`
				Draft  bool
				User   struct{ Type string }
				Head   struct {
					Repo *struct{ Fork bool }
				}
			}
			json.Unmarshal(body, &prs)
			for _, p := range prs {
				sawNullHead = sawNullHead || p.Head.Repo == nil
				sawFork = sawFork || (p.Head.Repo != nil && p.Head.Repo.Fork)
				sawDraft = sawDraft || p.Draft
				sawBot = sawBot || p.User.Type == "Bot"
				if p.Number%5 == 0 || p.Head.Repo == nil || p.Draft || (p.User.Type == "Bot" && p.Number%2 == 0) {
					validate("/repos/{owner}/{repo}/pulls/{pull_number}", base+"/pulls/"+strconv.Itoa(p.Number))
				}
			}
			if len(prs) < 100 {
				break
			}
		}
		validate("/repos/{owner}/{repo}/tags", base+"/tags?per_page=100")
		validate("/repos/{owner}/{repo}/releases", base+"/releases?per_page=100")
		validate("/repos/{owner}/{repo}/git/matching-refs/{ref}", base+"/git/matching-refs/tags")
		validate("/repos/{owner}/{repo}/git/ref/{ref}", base+"/git/ref/heads/main")
		validate("/repos/{owner}/{repo}/commits/{ref}", base+"/commits/main")
	}
	// Commits of every kind (merge, squash, PR head, initial) and every tag's objects.
	seen := map[string]bool{}
	for k, tg := range s.TruthTags() {
		kind := tg.Repo + tg.Kind + strconv.FormatBool(tg.Annotated)
		if k%10 != 0 && seen[kind] {
			continue
		}
		seen[kind] = true
		base := "/repos/" + tg.Repo
		validate("/repos/{owner}/{repo}/commits/{ref}", base+"/commits/"+tg.SHA)
		validate("/repos/{owner}/{repo}/git/ref/{ref}", base+"/git/ref/tags/"+tg.Name)
		if tg.Annotated {
			sawAnnotated = true
			validate("/repos/{owner}/{repo}/git/tags/{tag_sha}", base+"/git/tags/"+tg.ObjectSHA)
		} else {
			sawLight = true
		}
	}
	n := 0
	for pr := range s.TruthPRs() {
		if n++; n%20 != 0 {
			continue
		}
		base := "/repos/" + pr.Repo
		_, _, body := ghGet(t, h, base+"/pulls/"+strconv.Itoa(pr.Number))
		var p struct{ Head struct{ SHA string } }
		json.Unmarshal(body, &p)
		validate("/repos/{owner}/{repo}/commits/{ref}", base+"/commits/"+p.Head.SHA)
		if pr.MergeCommit != "" {
			validate("/repos/{owner}/{repo}/commits/{ref}", base+"/commits/"+pr.MergeCommit)
		}
	}
	if !sawNullHead || !sawFork || !sawDraft || !sawBot || !sawAnnotated || !sawLight {
		t.Errorf("the world lacks a case: null head.repo %v, fork %v, draft %v, bot %v, annotated %v, lightweight %v",
			sawNullHead, sawFork, sawDraft, sawBot, sawAnnotated, sawLight)
	}
	// Error bodies are basic-error.
	for _, target := range []string{"/repos/acme/nope", "/repos/acme/nope/pulls/1"} {
		code, _, body := ghGet(t, h, target)
		var val any
		json.Unmarshal(body, &val)
		v := &oaValidator{d: d}
		v.check(map[string]any{"$ref": "#/components/schemas/basic-error"}, val, "$")
		if code != 404 || len(v.errs) > 0 {
			t.Errorf("%s: %d %v", target, code, v.errs)
		}
	}
	if len(checked) != 12 {
		t.Errorf("checked %d operations, want all 12 served: %v", len(checked), checked)
	}
	t.Logf("validated responses per operation: %v", checked)
}
