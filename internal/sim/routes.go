package sim

import (
	"net/http"
)

// routes is the whole route table: the JIRA site under /jira, admin under /_sim, GitHub under
// /github (REST paths as on api.github.com, GraphQL at /github/graphql).
func (s *Sim) routes() http.Handler {
	j := http.NewServeMux()
	api := func(pattern string, cloudOnly bool, h func(*rctx, http.ResponseWriter, *http.Request)) {
		j.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			v := r.PathValue("v")
			switch {
			case v == "2" || v == "latest":
			case v == "3" && s.cloud:
			case v == "":
			default: // Data Center has no v3
				notFound(w, r)
				return
			}
			if cloudOnly && !s.cloud {
				notFound(w, r)
				return
			}
			h(s.newRctx(r), w, r)
		})
	}
	const a = "/jira/rest/api/{v}"
	api("GET "+a+"/serverInfo", false, (*rctx).serverInfo)
	api("GET "+a+"/myself", false, (*rctx).myself)
	api("GET "+a+"/search/jql", true, (*rctx).searchJQL)
	api("POST "+a+"/search/jql", true, (*rctx).searchJQL)
	api("POST "+a+"/search/approximate-count", true, (*rctx).approximateCount)
	api("GET "+a+"/search", false, (*rctx).searchOld)
	api("POST "+a+"/search", false, (*rctx).searchOld)
	api("POST "+a+"/changelog/bulkfetch", true, (*rctx).bulkfetch)
	api("GET "+a+"/issue/{key}", false, (*rctx).getIssue)
	api("GET "+a+"/issue/{key}/changelog", true, (*rctx).issueChangelog)
	api("GET "+a+"/status", false, (*rctx).statusList)
	api("GET "+a+"/status/{id}", false, (*rctx).statusOne)
	api("GET "+a+"/statuscategory", false, (*rctx).categoryList)
	api("GET "+a+"/issuetype", false, (*rctx).typeList)
	api("GET "+a+"/issuetype/{id}", false, (*rctx).typeOne)
	api("GET "+a+"/field", false, (*rctx).fieldList)
	api("GET "+a+"/resolution", false, (*rctx).resolutionList)
	api("GET "+a+"/priority", false, (*rctx).priorityList)
	api("GET "+a+"/project", false, (*rctx).projectList)
	api("GET "+a+"/project/search", true, (*rctx).projectSearch)
	api("GET "+a+"/project/{key}", false, (*rctx).projectOne)
	api("GET "+a+"/filter/{id}", false, (*rctx).filter)
	api("GET /jira/rest/agile/1.0/board", false, (*rctx).boardList)
	api("GET /jira/rest/agile/1.0/board/{id}", false, (*rctx).boardOne)
	api("GET /jira/rest/agile/1.0/board/{id}/configuration", false, (*rctx).boardConfig)
	j.HandleFunc("/jira/", notFound)

	mux := http.NewServeMux()
	mux.Handle("/jira/", s.guard(jiraVendor{cloud: s.cloud}, s.limiter, s.jiraAuth(j)))
	mux.HandleFunc("POST /_sim/advance", s.adminAdvance)
	mux.HandleFunc("GET /_sim/time", s.adminTime)
	mux.HandleFunc("GET /_sim/truth", s.adminTruth)
	mux.Handle("/github/", s.guard(ghVendor{s}, s.ghLimiter, s.githubAuth(s.githubRoutes())))
	return mux
}

// githubRoutes is the GitHub half's table (behind the guard and the token check).
func (s *Sim) githubRoutes() http.Handler {
	g := http.NewServeMux()
	get := func(p string, h func(*ghCtx, *http.Request) ghResp) { g.HandleFunc("GET /github"+p, s.rest(h)) }
	const repo = "/repos/{owner}/{repo}"
	get("/user", (*ghCtx).viewer)
	get("/user/repos", (*ghCtx).userRepos)
	get("/orgs/{org}/repos", (*ghCtx).orgRepos)
	get(repo, (*ghCtx).repoGet)
	get(repo+"/pulls", (*ghCtx).pulls)
	get(repo+"/pulls/{number}", (*ghCtx).pullGet)
	get(repo+"/tags", (*ghCtx).tags)
	get(repo+"/commits/{ref...}", (*ghCtx).commitGet)
	get(repo+"/git/tags/{sha}", (*ghCtx).gitTag)
	get(repo+"/git/ref/{ref...}", (*ghCtx).gitRefOne)
	get(repo+"/git/matching-refs/{ref...}", gitRefsMatching(false))
	get(repo+"/git/refs/{ref...}", gitRefsMatching(true))
	get(repo+"/releases", (*ghCtx).releases)
	get("/rate_limit", (*ghCtx).rateLimit)
	g.HandleFunc("POST /github/graphql", s.graphql)
	g.HandleFunc("/github/", s.rest(func(*ghCtx, *http.Request) ghResp { return ghNotFound() }))
	return g
}
