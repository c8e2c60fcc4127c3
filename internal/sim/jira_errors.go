package sim

import (
	"net/http"
	"strconv"
	"time"
)

// JIRA's response shapes for errors, 401s, 404s and rate limiting, per deployment.

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// jiraError writes {"errorMessages":[...],"errors":{}}, JIRA's usual error body.
func jiraError(w http.ResponseWriter, status int, msgs ...string) {
	j := &jw{}
	j.obj()
	j.key("errorMessages")
	j.arr()
	for _, m := range msgs {
		j.str(m)
	}
	j.endArr()
	j.key("errors")
	j.obj()
	j.endObj()
	j.endObj()
	writeJSON(w, status, j.b)
}

// jiraFieldError writes {"errorMessages":[],"errors":{field: msg}}, used for invalid parameters.
func jiraFieldError(w http.ResponseWriter, status int, field, msg string) {
	j := &jw{}
	j.obj()
	j.key("errorMessages")
	j.arr()
	j.endArr()
	j.key("errors")
	j.obj()
	j.kstr(field, msg)
	j.endObj()
	j.endObj()
	writeJSON(w, status, j.b)
}

// notFound answers like JIRA's REST layer (Jersey) for a path it does not serve.
func notFound(w http.ResponseWriter, r *http.Request) {
	j := &jw{}
	j.obj()
	j.kstr("message", "null for uri: http://"+r.Host+r.URL.RequestURI())
	j.kint("status-code", 404)
	j.endObj()
	writeJSON(w, http.StatusNotFound, j.b)
}

type jiraVendor struct{ cloud bool }

func (v jiraVendor) rateLimited(w http.ResponseWriter, retry time.Duration, info rateInfo) {
	h := w.Header()
	h.Set("Retry-After", strconv.Itoa(int(retry/time.Second)))
	if v.cloud {
		h.Set("X-RateLimit-Reset", info.reset.UTC().Format("2006-01-02T15:04Z"))
		h.Set("X-RateLimit-Limit", strconv.Itoa(max(info.limit, 1)))
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("RateLimit-Reason", "jira-burst-based")
	} else {
		h.Set("X-RateLimit-Limit", strconv.Itoa(max(info.limit, 1)))
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-FillRate", strconv.FormatFloat(max(info.fillRate, 1), 'f', -1, 64))
		h.Set("X-RateLimit-Interval-Seconds", "1")
	}
	jiraError(w, http.StatusTooManyRequests, "Rate limit exceeded.")
}

func (v jiraVendor) serverError(w http.ResponseWriter, status int) {
	switch status {
	case http.StatusInternalServerError:
		jiraError(w, status, "Internal server error")
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "5")
		fallthrough
	default:
		// Gateway errors come from the proxy in front of JIRA: HTML, not JSON.
		body := "<html><head><title>" + strconv.Itoa(status) + " " + http.StatusText(status) + "</title></head><body><h1>" +
			http.StatusText(status) + "</h1><p>The server is temporarily unable to service your request.</p></body></html>\n"
		w.Header().Set("Content-Type", "text/html;charset=UTF-8")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

func (v jiraVendor) rateHeaders(h http.Header, info rateInfo) {
	if v.cloud || info.limit == 0 {
		return
	}
	// Data Center's admin-enabled rate limiting reports its bucket on every response.
	h.Set("X-RateLimit-Limit", strconv.Itoa(info.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(info.remaining))
	h.Set("X-RateLimit-FillRate", strconv.FormatFloat(max(info.fillRate, 1), 'f', -1, 64))
	h.Set("X-RateLimit-Interval-Seconds", "1")
}

// jiraAuth checks credentials: Cloud takes Basic email:api-token; Data Center takes Basic
// user:password or a Bearer personal access token. Failures look like the real thing.
func (s *Sim) jiraAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		ok, attempted := false, auth != ""
		if u, p, basic := r.BasicAuth(); basic {
			ok = u == s.opts.Email && p == s.opts.APIToken
		} else if len(auth) > 7 && (auth[:7] == "Bearer " || auth[:7] == "bearer ") && !s.cloud {
			ok = auth[7:] == s.opts.PAT
		}
		if ok {
			next.ServeHTTP(w, r)
			return
		}
		if s.cloud {
			if attempted {
				w.Header().Set("X-Seraph-LoginReason", "AUTHENTICATED_FAILED")
			}
			w.Header().Set("WWW-Authenticate", `Basic realm="protected"`)
			w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte("Client must be authenticated to access this resource."))
			return
		}
		w.Header().Set("WWW-Authenticate", `OAuth realm="`+"http%3A%2F%2F"+r.Host+`"`)
		if _, _, basic := r.BasicAuth(); basic {
			w.Header().Set("X-Seraph-LoginReason", "AUTHENTICATED_FAILED")
			w.Header().Set("Content-Type", "text/html;charset=UTF-8")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte("<html><head><title>Unauthorized (401)</title></head><body><h1>Unauthorized (401)</h1>" +
				"<p>Encountered a &quot;401 - Unauthorized&quot; error while loading this page.</p>" +
				"<p>Basic Authentication Failure - Reason : AUTHENTICATED_FAILED</p></body></html>\n"))
			return
		}
		if attempted {
			w.Header().Set("X-Seraph-LoginReason", "AUTHENTICATED_FAILED")
		}
		jiraError(w, http.StatusUnauthorized, "You are not authenticated. Authentication required to perform this operation.")
	})
}
