package sim

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// GitHub REST: the endpoints a lean-metrics sync and the usual clients call, in GitHub's shapes
// (field order as api.github.com sends them; checked against the published OpenAPI description in
// github_openapi_test.go).

type ghCtx struct {
	s     *Sim
	sn    *ghSnapshot
	base  string
	dup   bool
	users map[*ghUser][]byte // rendered users: a page of pull requests repeats the same few
}

const ghTime = "2006-01-02T15:04:05Z"

func ghTS(t int64) string { return time.UnixMilli(t).UTC().Format(ghTime) }

func (j *jw) ktime(k string, t int64) {
	j.key(k)
	if t == 0 {
		j.null()
		return
	}
	j.str(ghTS(t))
}

func (j *jw) knullstr(k, v string) {
	j.key(k)
	if v == "" {
		j.null()
		return
	}
	j.str(v)
}

func (c *ghCtx) repoOf(r *http.Request) *ghRepo {
	return c.s.gh.repo(r.PathValue("owner"), r.PathValue("repo"))
}

func (c *ghCtx) repoURL(repo *ghRepo) string { return c.base + "/repos/" + repo.full }

// user writes a simple-user object.
func (c *ghCtx) user(j *jw, u *ghUser) {
	if u == nil {
		j.null()
		return
	}
	if b, ok := c.users[u]; ok {
		j.raw(b)
		return
	}
	start := len(j.b)
	defer func() {
		if c.users == nil {
			c.users = map[*ghUser][]byte{}
		}
		b := j.b[start:]
		if len(b) > 0 && b[0] == ',' {
			b = b[1:]
		}
		c.users[u] = append([]byte(nil), b...)
	}()
	api := c.base + "/users/" + u.login
	j.obj()
	j.kstr("login", u.login)
	j.kint("id", u.id)
	j.kstr("node_id", u.nodeID())
	j.kstr("avatar_url", "https://avatars.githubusercontent.com/u/"+strconv.FormatInt(u.id, 10)+"?v=4")
	j.kstr("gravatar_id", "")
	j.kstr("url", api)
	if u.typ == "Bot" {
		j.kstr("html_url", ghWeb+"/apps/"+u.gqlLogin)
	} else {
		j.kstr("html_url", ghWeb+"/"+u.login)
	}
	j.kstr("followers_url", api+"/followers")
	j.kstr("following_url", api+"/following{/other_user}")
	j.kstr("gists_url", api+"/gists{/gist_id}")
	j.kstr("starred_url", api+"/starred{/owner}{/repo}")
	j.kstr("subscriptions_url", api+"/subscriptions")
	j.kstr("organizations_url", api+"/orgs")
	j.kstr("repos_url", api+"/repos")
	j.kstr("events_url", api+"/events{/privacy}")
	j.kstr("received_events_url", api+"/received_events")
	j.kstr("type", u.typ)
	j.kstr("user_view_type", "public")
	j.kbool("site_admin", false)
	j.endObj()
}

// Repository shapes: minimal-repository (org lists), repository (user lists, PR head/base) and
// full-repository (GET /repos/{o}/{r}).
const (
	repoMinimal = iota
	repoStd
	repoDetail
)

func (c *ghCtx) repo(j *jw, repo *ghRepo, mode int) {
	if mode == repoStd {
		c.sn.mu.Lock()
		b, ok := c.sn.rjson[repo.idx]
		c.sn.mu.Unlock()
		if !ok {
			jj := &jw{}
			c.repoObj(jj, repo.owner, repo, false, mode)
			b = jj.b
			c.sn.mu.Lock()
			c.sn.rjson[repo.idx] = b
			c.sn.mu.Unlock()
		}
		j.raw(b)
		return
	}
	c.repoObj(j, repo.owner, repo, false, mode)
}

// repoObj writes a repository (or, with fork, the contributor's fork of it).
func (c *ghCtx) repoObj(j *jw, owner *ghUser, repo *ghRepo, fork bool, mode int) {
	full := owner.login + "/" + repo.name
	api := c.base + "/repos/" + full
	id := repo.id
	if fork {
		id = 800_000_000 + owner.id%100_000*100 + int64(repo.idx)
	}
	created, pushed := sec(repo.created), c.sn.pushedAt(repo)
	openN := c.sn.openCount(repo)
	if fork {
		openN = 0
	}
	j.obj()
	j.kint("id", id)
	j.kstr("node_id", "R_"+nodeTail(uint64(id)))
	j.kstr("name", repo.name)
	j.kstr("full_name", full)
	j.kbool("private", !fork)
	j.key("owner")
	c.user(j, owner)
	j.kstr("html_url", ghWeb+"/"+full)
	j.kstr("description", repo.desc)
	j.kbool("fork", fork)
	j.kstr("url", api)
	for _, u := range [][2]string{
		{"forks_url", "/forks"}, {"keys_url", "/keys{/key_id}"}, {"collaborators_url", "/collaborators{/collaborator}"},
		{"teams_url", "/teams"}, {"hooks_url", "/hooks"}, {"issue_events_url", "/issues/events{/number}"},
		{"events_url", "/events"}, {"assignees_url", "/assignees{/user}"}, {"branches_url", "/branches{/branch}"},
		{"tags_url", "/tags"}, {"blobs_url", "/git/blobs{/sha}"}, {"git_tags_url", "/git/tags{/sha}"},
		{"git_refs_url", "/git/refs{/sha}"}, {"trees_url", "/git/trees{/sha}"}, {"statuses_url", "/statuses/{sha}"},
		{"languages_url", "/languages"}, {"stargazers_url", "/stargazers"}, {"contributors_url", "/contributors"},
		{"subscribers_url", "/subscribers"}, {"subscription_url", "/subscription"}, {"commits_url", "/commits{/sha}"},
		{"git_commits_url", "/git/commits{/sha}"}, {"comments_url", "/comments{/number}"},
		{"issue_comment_url", "/issues/comments{/number}"}, {"contents_url", "/contents/{+path}"},
		{"compare_url", "/compare/{base}...{head}"}, {"merges_url", "/merges"}, {"archive_url", "/{archive_format}{/ref}"},
		{"downloads_url", "/downloads"}, {"issues_url", "/issues{/number}"}, {"pulls_url", "/pulls{/number}"},
		{"milestones_url", "/milestones{/number}"}, {"notifications_url", "/notifications{?since,all,participating}"},
		{"labels_url", "/labels{/name}"}, {"releases_url", "/releases{/id}"}, {"deployments_url", "/deployments"},
	} {
		j.kstr(u[0], api+u[1])
	}
	j.ktime("created_at", created)
	j.ktime("updated_at", pushed)
	j.ktime("pushed_at", pushed)
	j.kstr("git_url", "git://github.com/"+full+".git")
	j.kstr("ssh_url", "git@github.com:"+full+".git")
	j.kstr("clone_url", ghWeb+"/"+full+".git")
	j.kstr("svn_url", ghWeb+"/"+full)
	j.key("homepage")
	j.null()
	j.kint("size", 2000+int64(len(c.sn.merges[repo.idx]))*37)
	j.kint("stargazers_count", 0)
	j.kint("watchers_count", 0)
	j.kstr("language", repo.kind.lang)
	j.kbool("has_issues", true)
	j.kbool("has_projects", true)
	j.kbool("has_downloads", true)
	j.kbool("has_wiki", false)
	j.kbool("has_pages", false)
	j.kbool("has_discussions", false)
	j.kint("forks_count", 0)
	j.key("mirror_url")
	j.null()
	j.kbool("archived", false)
	j.kbool("disabled", false)
	j.kint("open_issues_count", int64(openN))
	j.key("license")
	j.null()
	j.kbool("allow_forking", true)
	j.kbool("is_template", false)
	j.kbool("web_commit_signoff_required", false)
	j.key("topics")
	j.arr()
	j.str(strings.ToLower(repo.team.Name))
	j.str(strings.ToLower(repo.kind.lang))
	j.endArr()
	if fork {
		j.kstr("visibility", "public")
	} else {
		j.kstr("visibility", "private")
	}
	j.kint("forks", 0)
	j.kint("open_issues", int64(openN))
	j.kint("watchers", 0)
	j.kstr("default_branch", "main")
	if mode != repoStd || !fork {
		j.key("permissions")
		j.obj()
		j.kbool("admin", false)
		j.kbool("maintain", false)
		j.kbool("push", !fork)
		j.kbool("triage", !fork)
		j.kbool("pull", true)
		j.endObj()
	}
	if mode == repoDetail {
		j.kbool("allow_squash_merge", true)
		j.kbool("allow_merge_commit", !repo.squash)
		j.kbool("allow_rebase_merge", false)
		j.kbool("allow_auto_merge", repo.kind.bot == ghRenovate)
		j.kbool("delete_branch_on_merge", true)
		j.kbool("allow_update_branch", true)
		j.kbool("use_squash_pr_title_as_default", repo.squash)
		j.kstr("squash_merge_commit_message", "COMMIT_MESSAGES")
		j.kstr("squash_merge_commit_title", "COMMIT_OR_PR_TITLE")
		j.kstr("merge_commit_message", "PR_TITLE")
		j.kstr("merge_commit_title", "MERGE_MESSAGE")
		j.key("organization")
		c.user(j, repo.owner)
		j.kint("network_count", 0)
		j.kint("subscribers_count", int64(len(repo.members)))
	}
	j.endObj()
}

// ---- repositories ----

func (c *ghCtx) repoList(r *http.Request, repos []*ghRepo, defSort string, mode int) ghResp {
	q := r.URL.Query()
	srt := q.Get("sort")
	if srt == "" {
		srt = defSort
	}
	dir := q.Get("direction")
	if dir == "" {
		dir = "desc"
		if srt == "full_name" {
			dir = "asc"
		}
	}
	if (srt != "created" && srt != "updated" && srt != "pushed" && srt != "full_name") || (dir != "asc" && dir != "desc") {
		return ghValidation("Repository", "sort", "https://docs.github.com/rest/repos/repos")
	}
	list := append([]*ghRepo(nil), repos...)
	key := func(repo *ghRepo) int64 {
		switch srt {
		case "created":
			return repo.created
		default:
			return c.sn.pushedAt(repo)
		}
	}
	sort.SliceStable(list, func(a, b int) bool {
		x, y := list[a], list[b]
		if srt == "full_name" {
			if dir == "asc" {
				return x.full < y.full
			}
			return x.full > y.full
		}
		if key(x) != key(y) {
			return (key(x) < key(y)) == (dir == "asc")
		}
		return x.full < y.full
	})
	perPage, page := paging(r)
	from, to := c.window(page, perPage, len(list))
	j := &jw{}
	j.arr()
	for _, repo := range list[from:to] {
		c.repo(j, repo, mode)
	}
	j.endArr()
	return ghResp{status: 200, body: j.b, link: linkHeader(c.base, r, page, perPage, len(list))}
}

func ghValidation(resource, field, doc string) ghResp {
	j := &jw{}
	j.obj()
	j.kstr("message", "Validation Failed")
	j.key("errors")
	j.arr()
	j.obj()
	j.kstr("resource", resource)
	j.kstr("field", field)
	j.kstr("code", "invalid")
	j.endObj()
	j.endArr()
	j.kstr("documentation_url", doc)
	j.kstr("status", "422")
	j.endObj()
	return ghResp{status: http.StatusUnprocessableEntity, body: j.b}
}

func (c *ghCtx) userRepos(r *http.Request) ghResp {
	return c.repoList(r, c.s.gh.repos, "full_name", repoStd)
}

func (c *ghCtx) orgRepos(r *http.Request) ghResp {
	org := r.PathValue("org")
	var repos []*ghRepo
	found := false
	for _, o := range c.s.gh.orgs {
		if strings.EqualFold(o.login, org) {
			found = true
		}
	}
	if !found {
		return ghNotFound()
	}
	for _, repo := range c.s.gh.repos {
		if strings.EqualFold(repo.owner.login, org) {
			repos = append(repos, repo)
		}
	}
	return c.repoList(r, repos, "created", repoMinimal)
}

func (c *ghCtx) repoGet(r *http.Request) ghResp {
	repo := c.repoOf(r)
	if repo == nil {
		return ghNotFound()
	}
	j := &jw{}
	c.repo(j, repo, repoDetail)
	return ghResp{status: 200, body: j.b}
}

func (c *ghCtx) viewer(r *http.Request) ghResp {
	j := &jw{}
	c.user(j, ghViewer)
	// GET /user adds the private-user fields to the simple-user ones.
	j.b = j.b[:len(j.b)-1]
	j.kstr("name", ghViewer.name)
	j.key("company")
	j.str("Acme")
	j.kint("public_repos", 0)
	j.kint("total_private_repos", int64(len(c.s.gh.repos)))
	j.ktime("created_at", c.s.start-5*365*dayMs)
	j.endObj()
	return ghResp{status: 200, body: j.b}
}

// ---- pull requests ----

func (c *ghCtx) pulls(r *http.Request) ghResp {
	repo := c.repoOf(r)
	if repo == nil {
		return ghNotFound()
	}
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	srt := q.Get("sort")
	if srt == "" {
		srt = "created"
	}
	dir := q.Get("direction")
	if dir == "" {
		dir = "asc"
		if srt == "created" {
			dir = "desc"
		}
	}
	const doc = "https://docs.github.com/rest/pulls/pulls#list-pull-requests"
	switch {
	case state != "open" && state != "closed" && state != "all":
		return ghValidation("PullRequest", "state", doc)
	case srt != "created" && srt != "updated" && srt != "popularity" && srt != "long-running":
		return ghValidation("PullRequest", "sort", doc)
	case dir != "asc" && dir != "desc":
		return ghValidation("PullRequest", "direction", doc)
	}
	base, head := q.Get("base"), q.Get("head")
	sn := c.sn
	list := sn.cached(strings.Join([]string{"pulls", repo.full, state, srt, dir, base, head}, "\x00"), func() []int32 {
		var out []int32
		for _, i := range sn.byRepo[repo.idx] {
			ps := &sn.states[i]
			switch {
			case state == "open" && !ps.open, state == "closed" && ps.open:
				continue
			case srt == "long-running" && (sn.now-ps.created < 30*dayMs || sn.now-ps.updated > 30*dayMs):
				continue
			}
			if base != "" || head != "" {
				p := c.s.planPR(sn.v, i)
				if base != "" && p.baseRef() != base {
					continue
				}
				if head != "" && c.headLabel(&p) != head {
					continue
				}
			}
			out = append(out, i)
		}
		key := func(ps *prState) int64 {
			switch srt {
			case "updated":
				return ps.updated
			case "popularity":
				return int64(ps.comments)
			case "long-running":
				return -ps.created
			}
			return ps.created
		}
		asc := dir == "asc"
		sort.SliceStable(out, func(a, b int) bool {
			x, y := &sn.states[out[a]], &sn.states[out[b]]
			if kx, ky := key(x), key(y); kx != ky {
				return (kx < ky) == asc
			}
			return (x.num < y.num) == asc
		})
		return out
	})
	perPage, page := paging(r)
	from, to := c.window(page, perPage, len(list))
	j := &jw{b: make([]byte, 0, 8192*(to-from+1))}
	j.arr()
	for _, i := range list[from:to] {
		p := c.s.planPR(sn.v, i)
		c.pull(j, &p, false)
	}
	j.endArr()
	return ghResp{status: 200, body: j.b, link: linkHeader(c.base, r, page, perPage, len(list))}
}

func (c *ghCtx) pullGet(r *http.Request) ghResp {
	repo := c.repoOf(r)
	if repo == nil {
		return ghNotFound()
	}
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil {
		return ghNotFound()
	}
	ps := c.sn.pr(repo, n)
	if ps == nil {
		return ghNotFound()
	}
	p := c.s.planPR(c.sn.v, ps.idx)
	j := &jw{b: make([]byte, 0, 16384)}
	c.pull(j, &p, true)
	return ghResp{status: 200, body: j.b}
}

// headOwner is who owns the head branch's repository: the organisation, or the contributor.
func headOwner(p *prPlan) *ghUser {
	if p.fork {
		return p.author
	}
	return p.repo.owner
}

func (c *ghCtx) headLabel(p *prPlan) string {
	return headOwner(p).login + ":" + c.s.prHeadRef(p)
}

// headSHA is the PR's newest commit at the snapshot.
func (c *ghCtx) headSHA(p *prPlan, st *prAt) string {
	return c.s.sha(shaHead, uint64(p.idx)<<5|uint64(max(0, st.commits-1)))
}

// baseSHA is the base branch's tip when the PR last changed (before its own merge).
func (c *ghCtx) baseRef(p *prPlan, st *prAt) commitRef {
	b := int32(0)
	if p.relBase {
		b = relBranch(p.relMaj, p.relMin)
	}
	at := st.updated
	if st.closed > 0 {
		at = st.closed
	}
	return c.sn.prevOnBranch(p.repo, b, at, p.idx)
}

func (c *ghCtx) commitSHA(cr commitRef) string { return c.s.sha(cr.kind, cr.item) }

// pull writes a pull request: the list's simple shape, or (full) the detail shape with sizes.
func (c *ghCtx) pull(j *jw, p *prPlan, full bool) {
	st := p.at(c.sn.now)
	repo := p.repo
	num := strconv.FormatUint(uint64(p.hdr.num), 10)
	api := c.repoURL(repo)
	html := ghWeb + "/" + repo.full + "/pull/" + num
	j.obj()
	j.kstr("url", api+"/pulls/"+num)
	j.kint("id", prID(p.idx))
	j.kstr("node_id", prNodeID(p.idx))
	j.kstr("html_url", html)
	j.kstr("diff_url", html+".diff")
	j.kstr("patch_url", html+".patch")
	j.kstr("issue_url", api+"/issues/"+num)
	j.kint("number", int64(p.hdr.num))
	if st.open {
		j.kstr("state", "open")
	} else {
		j.kstr("state", "closed")
	}
	j.kbool("locked", false)
	j.kstr("title", c.s.prTitle(p))
	j.key("user")
	c.user(j, p.author)
	j.knullstr("body", c.s.prBody(p))
	j.ktime("created_at", p.hdr.created)
	j.ktime("updated_at", st.updated)
	j.ktime("closed_at", st.closed)
	j.ktime("merged_at", st.mergedAt)
	if st.merged {
		j.kstr("merge_commit_sha", c.s.sha(shaMerge, uint64(p.idx)))
	} else {
		j.key("merge_commit_sha")
		j.null()
	}
	assignee := p.author
	if p.akind != akMember {
		assignee = nil
	}
	j.key("assignee")
	c.user(j, assignee)
	j.key("assignees")
	j.arr()
	if assignee != nil {
		c.user(j, assignee)
	}
	j.endArr()
	j.key("requested_reviewers")
	j.arr()
	if st.open && !st.draft {
		c.user(j, reviewer(p))
	}
	j.endArr()
	j.key("requested_teams")
	j.arr()
	j.endArr()
	j.key("labels")
	j.arr()
	for k, l := range prLabels {
		if p.labels&(1<<k) == 0 {
			continue
		}
		lid := int64(repo.id)*10 + int64(k)
		j.obj()
		j.kint("id", lid)
		j.kstr("node_id", "LA_"+nodeTail(uint64(lid)))
		j.kstr("url", api+"/labels/"+strings.ReplaceAll(l.name, " ", "%20"))
		j.kstr("name", l.name)
		j.kstr("color", l.color)
		j.kbool("default", k == 1 || k == 2)
		j.kstr("description", l.desc)
		j.endObj()
	}
	j.endArr()
	j.key("milestone")
	j.null()
	j.kbool("draft", st.draft)
	j.kstr("commits_url", api+"/pulls/"+num+"/commits")
	j.kstr("review_comments_url", api+"/pulls/"+num+"/comments")
	j.kstr("review_comment_url", api+"/pulls/comments{/number}")
	j.kstr("comments_url", api+"/issues/"+num+"/comments")
	headSHA := c.headSHA(p, &st)
	j.kstr("statuses_url", api+"/statuses/"+headSHA)
	ho := headOwner(p)
	j.key("head")
	j.obj()
	j.kstr("label", ho.login+":"+c.s.prHeadRef(p))
	j.kstr("ref", c.s.prHeadRef(p))
	j.kstr("sha", headSHA)
	j.key("user")
	c.user(j, ho)
	j.key("repo")
	switch {
	case p.forkGone:
		j.null() // the contributor deleted the fork
	case p.fork:
		c.repoObj(j, ho, repo, true, repoStd)
	default:
		c.repo(j, repo, repoStd)
	}
	j.endObj()
	j.key("base")
	j.obj()
	j.kstr("label", repo.owner.login+":"+p.baseRef())
	j.kstr("ref", p.baseRef())
	j.kstr("sha", c.commitSHA(c.baseRef(p, &st)))
	j.key("user")
	c.user(j, repo.owner)
	j.key("repo")
	c.repo(j, repo, repoStd)
	j.endObj()
	j.key("_links")
	j.obj()
	for _, l := range [][2]string{{"self", api + "/pulls/" + num}, {"html", html}, {"issue", api + "/issues/" + num},
		{"comments", api + "/issues/" + num + "/comments"}, {"review_comments", api + "/pulls/" + num + "/comments"},
		{"review_comment", api + "/pulls/comments{/number}"}, {"commits", api + "/pulls/" + num + "/commits"},
		{"statuses", api + "/statuses/" + headSHA}} {
		j.key(l[0])
		j.obj()
		j.kstr("href", l[1])
		j.endObj()
	}
	j.endObj()
	switch {
	case p.akind == akExternal:
		j.kstr("author_association", "CONTRIBUTOR")
	case p.akind != akMember:
		j.kstr("author_association", "NONE")
	default:
		j.kstr("author_association", "MEMBER")
	}
	j.key("auto_merge")
	j.null()
	j.key("active_lock_reason")
	j.null()
	if full {
		j.kbool("merged", st.merged)
		j.key("mergeable")
		switch {
		case st.open:
			j.bool(true)
		default:
			j.null()
		}
		j.key("rebaseable")
		if st.open {
			j.bool(true)
		} else {
			j.null()
		}
		switch {
		case st.open && st.draft:
			j.kstr("mergeable_state", "draft")
		case st.open:
			j.kstr("mergeable_state", "clean")
		default:
			j.kstr("mergeable_state", "unknown")
		}
		j.key("merged_by")
		if st.merged {
			c.user(j, p.mergedBy)
		} else {
			j.null()
		}
		j.kint("comments", int64(st.comments))
		j.kint("review_comments", int64(st.reviews))
		j.kbool("maintainer_can_modify", p.fork && !p.forkGone)
		j.kint("commits", int64(max(1, st.commits)))
		j.kint("additions", int64(p.adds))
		j.kint("deletions", int64(p.dels))
		j.kint("changed_files", int64(p.files))
	}
	j.endObj()
}

func prID(i int32) int64 { return 2_000_000_000 + int64(i)*3 }

func prNodeID(i int32) string { return "PR_" + nodeTail(uint64(prID(i))) }

func reviewer(p *prPlan) *ghUser {
	ms := p.repo.members
	u := ms[int(p.idx)%len(ms)]
	if u == p.author {
		u = ms[(int(p.idx)+1)%len(ms)]
	}
	return u
}

// ---- tags, refs, commits, releases ----

func (c *ghCtx) tags(r *http.Request) ghResp {
	repo := c.repoOf(r)
	if repo == nil {
		return ghNotFound()
	}
	tags := c.sn.tags[repo.idx]
	// GitHub lists tags by name, in reverse.
	order := make([]int, len(tags))
	for k := range order {
		order[k] = k
	}
	sort.Slice(order, func(a, b int) bool { return tags[order[a]].name > tags[order[b]].name })
	perPage, page := paging(r)
	from, to := c.window(page, perPage, len(order))
	api := c.repoURL(repo)
	j := &jw{}
	j.arr()
	for _, k := range order[from:to] {
		t := &tags[k]
		sha := c.commitSHA(t.commit)
		j.obj()
		j.kstr("name", t.name)
		j.kstr("zipball_url", api+"/zipball/refs/tags/"+t.name)
		j.kstr("tarball_url", api+"/tarball/refs/tags/"+t.name)
		j.key("commit")
		j.obj()
		j.kstr("sha", sha)
		j.kstr("url", api+"/commits/"+sha)
		j.endObj()
		j.kstr("node_id", refNodeID(repo, "refs/tags/"+t.name))
		j.endObj()
	}
	j.endArr()
	return ghResp{status: 200, body: j.b, link: linkHeader(c.base, r, page, perPage, len(order))}
}

func refNodeID(repo *ghRepo, ref string) string {
	h := uint64(repo.id)
	for i := 0; i < len(ref); i++ {
		h = mix64(h ^ uint64(ref[i]))
	}
	return "REF_" + nodeTail(h)
}

// tagObjSHA is an annotated tag's own object id (a lightweight tag has none).
func (c *ghCtx) tagObjSHA(repo *ghRepo, t *ghTag) string {
	return c.s.sha(shaTagObj, uint64(repo.idx)<<48|t.id)
}

// resolveRef finds the commit a ref names: a SHA the simulator made, a branch or a tag.
func (c *ghCtx) resolveRef(repo *ghRepo, ref string) (commitRef, bool) {
	if kind, item, ok := c.s.parseSHA(strings.ToLower(ref)); ok {
		return c.commitBySHA(repo, kind, item)
	}
	ref = strings.TrimPrefix(ref, "refs/")
	if b, ok := strings.CutPrefix(ref, "heads/"); ok {
		ref = b
	}
	if cr, ok := c.branchTip(repo, ref); ok {
		return cr, true
	}
	ref = strings.TrimPrefix(ref, "tags/")
	if k, ok := c.sn.tagIdx[repo.idx][ref]; ok {
		return c.sn.tags[repo.idx][k].commit, true
	}
	return commitRef{}, false
}

// branches: main, and release/X.Y for every release made (its tip: the last hotfix merged into
// it, else the release's commit).
func (c *ghCtx) branchTip(repo *ghRepo, name string) (commitRef, bool) {
	if name == "main" {
		return c.sn.tipAt(repo, 0, c.sn.now), true
	}
	v, ok := strings.CutPrefix(name, "release/")
	if !ok {
		return commitRef{}, false
	}
	for _, t := range c.sn.tags[repo.idx] {
		if t.kind == tkRelease && strconv.Itoa(t.maj)+"."+strconv.Itoa(t.mnr) == v {
			if fix := c.sn.tipAt(repo, relBranch(t.maj, t.mnr), c.sn.now); fix.kind == shaMerge {
				return fix, true
			}
			return t.commit, true
		}
	}
	return commitRef{}, false
}

// commitBySHA checks that a decoded commit belongs to the repository and exists by now.
func (c *ghCtx) commitBySHA(repo *ghRepo, kind, item uint64) (commitRef, bool) {
	n := uint64(len(c.sn.states))
	switch kind {
	case shaMerge:
		if item < n && c.sn.states[item].repo == uint16(repo.idx) && c.sn.states[item].merged > 0 {
			return commitRef{kind: kind, item: item, at: c.sn.states[item].merged}, true
		}
	case shaHead:
		i := item >> 5
		if i < n && c.sn.states[i].repo == uint16(repo.idx) {
			p := c.s.planPR(c.sn.v, int32(i))
			if at, ok := p.pushAt(int(item & 31)); ok && at <= c.sn.now {
				return commitRef{kind: kind, item: item, at: at}, true
			}
		}
	case shaInit:
		if item == uint64(repo.idx) {
			return commitRef{kind: kind, item: item, at: sec(repo.created)}, true
		}
	}
	return commitRef{}, false
}

func gitActor(j *jw, u *ghUser, at int64) {
	j.obj()
	if u == ghWebFlow {
		j.kstr("name", "GitHub")
		j.kstr("email", "noreply@github.com")
	} else {
		j.kstr("name", actorName(u))
		j.kstr("email", actorEmail(u))
	}
	j.kstr("date", ghTS(at))
	j.endObj()
}

func actorName(u *ghUser) string {
	if u.name != "" {
		return u.name
	}
	return u.login
}

func actorEmail(u *ghUser) string {
	return strconv.FormatInt(u.id, 10) + "+" + u.login + "@users.noreply.github.com"
}

// commitInfo is what a commit object says.
type commitInfo struct {
	sha                 string
	author, committer   *ghUser
	authored, committed int64
	message             string
	parents             []commitRef
	adds, dels          int
}

func (c *ghCtx) commitInfo(repo *ghRepo, cr commitRef) commitInfo {
	ci := commitInfo{sha: c.commitSHA(cr), authored: cr.at, committed: cr.at}
	switch cr.kind {
	case shaMerge:
		p := c.s.planPR(c.sn.v, int32(cr.item))
		num := strconv.FormatUint(uint64(p.hdr.num), 10)
		title := c.s.prTitle(&p)
		b := int32(0)
		if p.relBase {
			b = relBranch(p.relMaj, p.relMin)
		}
		ci.parents = []commitRef{c.sn.prevOnBranch(repo, b, p.mergedAt, p.idx)}
		ci.committer = ghWebFlow
		ci.adds, ci.dels = int(p.adds), int(p.dels)
		if repo.squash {
			ci.author = p.author
			ci.message = title + " (#" + num + ")"
			if body := c.s.prBody(&p); body != "" {
				ci.message += "\n\n" + body
			}
		} else {
			ci.author = p.mergedBy
			ci.message = "Merge pull request #" + num + " from " + headOwner(&p).login + "/" + c.s.prHeadRef(&p) + "\n\n" + title
			st := p.at(p.mergedAt)
			ci.parents = append(ci.parents, commitRef{kind: shaHead, item: uint64(p.idx)<<5 | uint64(max(0, st.commits-1))})
		}
	case shaHead:
		i, k := int32(cr.item>>5), int(cr.item&31)
		p := c.s.planPR(c.sn.v, i)
		ci.author, ci.committer = p.author, p.author
		ci.authored = sec(cr.at - int64(k)*7*minMs)
		ci.message = c.s.prTitle(&p)
		if k > 0 {
			ci.message = []string{"Address review comments", "Fix tests", "Rebase on main", "Tidy up", "Handle the empty case"}[k%5]
			ci.parents = []commitRef{{kind: shaHead, item: uint64(i)<<5 | uint64(k-1)}}
		} else {
			b := int32(0)
			if p.relBase {
				b = relBranch(p.relMaj, p.relMin)
			}
			ci.parents = []commitRef{c.sn.prevOnBranch(repo, b, p.hdr.created, -1)}
		}
		ci.adds, ci.dels = int(p.adds)/(k+1), int(p.dels)/(k+1)
	case shaInit:
		ci.author, ci.committer = repo.releaser, repo.releaser
		ci.message = "Initial commit"
		ci.adds = 12
	}
	return ci
}

func (c *ghCtx) commitGet(r *http.Request) ghResp {
	repo := c.repoOf(r)
	if repo == nil {
		return ghNotFound()
	}
	ref := r.PathValue("ref")
	cr, ok := c.resolveRef(repo, ref)
	if !ok {
		return ghErr(http.StatusUnprocessableEntity, "No commit found for SHA: "+ref, "https://docs.github.com/rest/commits/commits#get-a-commit")
	}
	ci := c.commitInfo(repo, cr)
	api := c.repoURL(repo)
	j := &jw{}
	j.obj()
	j.kstr("sha", ci.sha)
	j.kstr("node_id", "C_"+nodeTail(hash3(c.s.opts.Seed, streamSHA, cr.item^cr.kind<<56)))
	j.key("commit")
	j.obj()
	j.key("author")
	gitActor(j, ci.author, ci.authored)
	j.key("committer")
	gitActor(j, ci.committer, ci.committed)
	j.kstr("message", ci.message)
	j.key("tree")
	j.obj()
	tree := c.s.sha(shaTree, cr.kind<<48|cr.item)
	j.kstr("sha", tree)
	j.kstr("url", api+"/git/trees/"+tree)
	j.endObj()
	j.kstr("url", api+"/git/commits/"+ci.sha)
	j.kint("comment_count", 0)
	j.key("verification")
	unsigned(j)
	j.endObj()
	j.kstr("url", api+"/commits/"+ci.sha)
	j.kstr("html_url", ghWeb+"/"+repo.full+"/commit/"+ci.sha)
	j.kstr("comments_url", api+"/commits/"+ci.sha+"/comments")
	j.key("author")
	c.user(j, ci.author)
	j.key("committer")
	c.user(j, ci.committer)
	j.key("parents")
	j.arr()
	for _, p := range ci.parents {
		ps := c.commitSHA(p)
		j.obj()
		j.kstr("sha", ps)
		j.kstr("url", api+"/commits/"+ps)
		j.kstr("html_url", ghWeb+"/"+repo.full+"/commit/"+ps)
		j.endObj()
	}
	j.endArr()
	j.key("stats")
	j.obj()
	j.kint("total", int64(ci.adds+ci.dels))
	j.kint("additions", int64(ci.adds))
	j.kint("deletions", int64(ci.dels))
	j.endObj()
	j.key("files")
	j.arr()
	j.endArr()
	j.endObj()
	return ghResp{status: 200, body: j.b}
}

func unsigned(j *jw) {
	j.obj()
	j.kbool("verified", false)
	j.kstr("reason", "unsigned")
	j.key("signature")
	j.null()
	j.key("payload")
	j.null()
	j.key("verified_at")
	j.null()
	j.endObj()
}

// gitTag is GET /repos/{o}/{r}/git/tags/{sha}: an annotated tag object.
func (c *ghCtx) gitTag(r *http.Request) ghResp {
	repo := c.repoOf(r)
	if repo == nil {
		return ghNotFound()
	}
	t := c.tagByObjSHA(repo, r.PathValue("sha"))
	if t == nil {
		return ghNotFound()
	}
	obj := c.tagObjSHA(repo, t)
	csha := c.commitSHA(t.commit)
	api := c.repoURL(repo)
	j := &jw{}
	j.obj()
	j.kstr("node_id", "TA_"+nodeTail(hash3(c.s.opts.Seed, streamSHA, uint64(repo.idx)<<48|t.id)))
	j.kstr("sha", obj)
	j.kstr("url", api+"/git/tags/"+obj)
	j.key("tagger")
	gitActor(j, repo.releaser, t.at)
	j.key("object")
	j.obj()
	j.kstr("sha", csha)
	j.kstr("type", "commit")
	j.kstr("url", api+"/git/commits/"+csha)
	j.endObj()
	j.kstr("tag", t.name)
	j.kstr("message", tagMessage(t))
	j.key("verification")
	unsigned(j)
	j.endObj()
	return ghResp{status: 200, body: j.b}
}

func tagMessage(t *ghTag) string { return "Release " + t.name + "\n" }

func (c *ghCtx) tagByObjSHA(repo *ghRepo, sha string) *ghTag {
	kind, item, ok := c.s.parseSHA(strings.ToLower(sha))
	if !ok || kind != shaTagObj || item>>48 != uint64(repo.idx) {
		return nil
	}
	id := item & (1<<48 - 1)
	for k := range c.sn.tags[repo.idx] {
		t := &c.sn.tags[repo.idx][k]
		if t.id == id && t.annotated {
			return t
		}
	}
	return nil
}

// refs: every tag (refs/tags/...), main and each release branch (refs/heads/...), sorted by name.
type gitRef struct {
	name   string // full ref name
	objTyp string
	sha    string
}

func (c *ghCtx) allRefs(repo *ghRepo) []gitRef {
	out := []gitRef{{"refs/heads/main", "commit", c.commitSHA(c.sn.tipAt(repo, 0, c.sn.now))}}
	for k := range c.sn.tags[repo.idx] {
		t := &c.sn.tags[repo.idx][k]
		if t.kind == tkRelease {
			b := "release/" + strconv.Itoa(t.maj) + "." + strconv.Itoa(t.mnr)
			cr, _ := c.branchTip(repo, b)
			out = append(out, gitRef{"refs/heads/" + b, "commit", c.commitSHA(cr)})
		}
		if t.annotated {
			out = append(out, gitRef{"refs/tags/" + t.name, "tag", c.tagObjSHA(repo, t)})
		} else {
			out = append(out, gitRef{"refs/tags/" + t.name, "commit", c.commitSHA(t.commit)})
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].name < out[b].name })
	return out
}

func (c *ghCtx) writeRef(j *jw, repo *ghRepo, ref gitRef) {
	api := c.repoURL(repo)
	j.obj()
	j.kstr("ref", ref.name)
	j.kstr("node_id", refNodeID(repo, ref.name))
	j.kstr("url", api+"/git/"+ref.name)
	j.key("object")
	j.obj()
	j.kstr("sha", ref.sha)
	j.kstr("type", ref.objTyp)
	if ref.objTyp == "tag" {
		j.kstr("url", api+"/git/tags/"+ref.sha)
	} else {
		j.kstr("url", api+"/git/commits/"+ref.sha)
	}
	j.endObj()
	j.endObj()
}

// gitRefOne is GET .../git/ref/{ref}: exactly one ref ("tags/v1.2.0", "heads/main").
func (c *ghCtx) gitRefOne(r *http.Request) ghResp {
	repo := c.repoOf(r)
	if repo == nil {
		return ghNotFound()
	}
	want := "refs/" + strings.TrimPrefix(r.PathValue("ref"), "refs/")
	var ref gitRef
	if name, ok := strings.CutPrefix(want, "refs/tags/"); ok {
		k, ok := c.sn.tagIdx[repo.idx][name]
		if !ok {
			return ghNotFound()
		}
		t := &c.sn.tags[repo.idx][k]
		ref = gitRef{want, "commit", c.commitSHA(t.commit)}
		if t.annotated {
			ref = gitRef{want, "tag", c.tagObjSHA(repo, t)}
		}
	} else if name, ok := strings.CutPrefix(want, "refs/heads/"); ok {
		cr, ok := c.branchTip(repo, name)
		if !ok {
			return ghNotFound()
		}
		ref = gitRef{want, "commit", c.commitSHA(cr)}
	} else {
		return ghNotFound()
	}
	j := &jw{}
	c.writeRef(j, repo, ref)
	return ghResp{status: 200, body: j.b}
}

// gitRefsMatching is GET .../git/matching-refs/{prefix} (an empty list when nothing matches) and
// the older GET .../git/refs/{prefix} (one object for an exact match, 404 when nothing matches).
func gitRefsMatching(legacy bool) func(*ghCtx, *http.Request) ghResp {
	return func(c *ghCtx, r *http.Request) ghResp {
		repo := c.repoOf(r)
		if repo == nil {
			return ghNotFound()
		}
		prefix := "refs/" + strings.TrimPrefix(r.PathValue("ref"), "refs/")
		var out []gitRef
		for _, ref := range c.allRefs(repo) {
			if strings.HasPrefix(ref.name, prefix) {
				out = append(out, ref)
			}
		}
		if legacy {
			if len(out) == 0 {
				return ghNotFound()
			}
			if len(out) == 1 && out[0].name == prefix {
				j := &jw{}
				c.writeRef(j, repo, out[0])
				return ghResp{status: 200, body: j.b}
			}
		}
		from, to, link := 0, len(out), ""
		if r.URL.Query().Has("per_page") || r.URL.Query().Has("page") {
			perPage, page := paging(r)
			from, to = c.window(page, perPage, len(out))
			link = linkHeader(c.base, r, page, perPage, len(out))
		}
		j := &jw{}
		j.arr()
		for _, ref := range out[from:to] {
			c.writeRef(j, repo, ref)
		}
		j.endArr()
		return ghResp{status: 200, body: j.b, link: link}
	}
}

// releases: repositories that publish them get one per semver tag (release candidates are
// pre-releases), newest first.
func (c *ghCtx) releases(r *http.Request) ghResp {
	repo := c.repoOf(r)
	if repo == nil {
		return ghNotFound()
	}
	var list []*ghTag
	if repo.releases {
		tags := c.sn.tags[repo.idx]
		for k := len(tags) - 1; k >= 0; k-- {
			if tags[k].kind != tkNightly {
				list = append(list, &tags[k])
			}
		}
	}
	perPage, page := paging(r)
	from, to := c.window(page, perPage, len(list))
	api := c.repoURL(repo)
	j := &jw{}
	j.arr()
	for _, t := range list[from:to] {
		id := 150_000_000 + int64(repo.idx)*1_000_000 + int64(t.id%1_000_000)
		ids := strconv.FormatInt(id, 10)
		j.obj()
		j.kstr("url", api+"/releases/"+ids)
		j.kstr("assets_url", api+"/releases/"+ids+"/assets")
		j.kstr("upload_url", "https://uploads.github.com/repos/"+repo.full+"/releases/"+ids+"/assets{?name,label}")
		j.kstr("html_url", ghWeb+"/"+repo.full+"/releases/tag/"+t.name)
		j.kint("id", id)
		j.key("author")
		c.user(j, repo.releaser)
		j.kstr("node_id", "RE_"+nodeTail(uint64(id)))
		j.kstr("tag_name", t.name)
		j.kstr("target_commitish", "main")
		j.kstr("name", t.name)
		j.kbool("draft", false)
		j.kbool("immutable", false)
		j.kbool("prerelease", t.kind == tkRC)
		j.ktime("created_at", t.commit.at)
		j.ktime("updated_at", t.at)
		j.ktime("published_at", t.at)
		j.key("assets")
		j.arr()
		j.endArr()
		j.kstr("tarball_url", api+"/tarball/"+t.name)
		j.kstr("zipball_url", api+"/zipball/"+t.name)
		j.kstr("body", c.releaseNotes(repo, t))
		j.endObj()
	}
	j.endArr()
	return ghResp{status: 200, body: j.b, link: linkHeader(c.base, r, page, perPage, len(list))}
}

// releaseNotes lists what was merged since the previous release, like GitHub's generated notes.
func (c *ghCtx) releaseNotes(repo *ghRepo, t *ghTag) string {
	var prev int64
	for k := range c.sn.tags[repo.idx] {
		o := &c.sn.tags[repo.idx][k]
		if o.kind == tkRelease && o.commit.at < t.commit.at {
			prev = o.commit.at
		}
	}
	var b strings.Builder
	b.WriteString("## What's Changed\n")
	n := 0
	for _, m := range c.sn.merges[repo.idx] {
		if m.at <= prev || m.at > t.commit.at {
			continue
		}
		if n == 25 {
			b.WriteString("* ...and more\n")
			break
		}
		p := c.s.planPR(c.sn.v, m.idx)
		b.WriteString("* " + c.s.prTitle(&p) + " by @" + p.author.login + " in " + ghWeb + "/" + repo.full + "/pull/" + strconv.FormatUint(uint64(p.hdr.num), 10) + "\n")
		n++
	}
	return b.String()
}

// rateLimit is GET /rate_limit (free of charge, as on GitHub).
func (c *ghCtx) rateLimit(r *http.Request) ghResp {
	now := c.s.opts.Wall()
	core := c.s.restBudget.peek(now)
	gql := c.s.gqlBudget.peek(now)
	res := func(j *jw, st budgetState) {
		j.obj()
		j.kint("limit", int64(st.limit))
		j.kint("used", int64(st.used))
		j.kint("remaining", int64(st.remaining))
		j.kint("reset", st.reset.Unix())
		j.endObj()
	}
	fixed := func(limit int, window time.Duration) budgetState {
		return budgetState{limit: limit, remaining: limit, reset: now.Add(window).Truncate(time.Second)}
	}
	j := &jw{}
	j.obj()
	j.key("resources")
	j.obj()
	j.key("core")
	res(j, core)
	j.key("search")
	res(j, fixed(30, time.Minute))
	j.key("graphql")
	res(j, gql)
	j.key("integration_manifest")
	res(j, fixed(5000, time.Hour))
	j.key("source_import")
	res(j, fixed(100, time.Minute))
	j.key("code_scanning_autofix")
	res(j, fixed(10, time.Minute))
	j.key("actions_runner_registration")
	res(j, fixed(10000, time.Hour))
	j.key("scim")
	res(j, fixed(15000, time.Hour))
	j.key("dependency_snapshots")
	res(j, fixed(100, time.Minute))
	j.key("dependency_sbom")
	res(j, fixed(100, time.Minute))
	j.key("code_search")
	res(j, fixed(10, time.Minute))
	j.endObj()
	j.key("rate")
	res(j, core)
	j.endObj()
	return ghResp{status: 200, body: j.b, free: true}
}
