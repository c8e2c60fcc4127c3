package sim

import (
	"net/http"
)

// routes is the whole route table: the JIRA site under /jira, admin under /_sim, GitHub (the next
// issue) under /github.
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
	mux.Handle("/jira/", s.guard(jiraVendor{cloud: s.cloud}, s.jiraAuth(j)))
	mux.HandleFunc("POST /_sim/advance", s.adminAdvance)
	mux.HandleFunc("GET /_sim/time", s.adminTime)
	mux.HandleFunc("GET /_sim/truth", s.adminTruth)
	mux.HandleFunc("/github/", func(w http.ResponseWriter, r *http.Request) {
		// The GitHub half is not built yet: answer as GitHub does for an unknown path.
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}`))
	})
	return mux
}
