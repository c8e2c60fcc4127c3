package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// GitHub's HTTP conventions: token auth, the hourly primary budgets (REST requests and GraphQL
// points) with their x-ratelimit-* headers, secondary limits (the --rate token bucket and 429
// faults), ETags with If-None-Match, Link paging, and GitHub's error bodies.

const (
	ghDocsREST      = "https://docs.github.com/rest"
	ghDocsRateLimit = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
	// go-github (CheckResponse) recognises a secondary limit by this documentation URL's suffix.
	ghDocsSecondary = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
	ghSecondaryMsg  = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID %s."
	ghAPIVersion    = "2022-11-28"
)

// ghBudget is a primary rate limit: `limit` units per hour, the window starting with the first
// use (GitHub's reset is likewise an hour after the window's first request).
type ghBudget struct {
	mu       sync.Mutex
	limit    int
	used     int
	reset    time.Time
	resource string
}

type budgetState struct {
	limit, used, remaining int
	reset                  time.Time
	resource               string
}

func (b *ghBudget) roll(now time.Time) {
	if b.reset.IsZero() || !now.Before(b.reset) {
		b.used = 0
		b.reset = now.Add(time.Hour).Truncate(time.Second).Add(time.Second)
	}
}

func (b *ghBudget) state() budgetState {
	return budgetState{limit: b.limit, used: b.used, remaining: max(0, b.limit-b.used), reset: b.reset, resource: b.resource}
}

// take spends n units if at least n remain.
func (b *ghBudget) take(now time.Time, n int) (budgetState, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.roll(now)
	if b.limit-b.used < n {
		return b.state(), false
	}
	b.used += n
	return b.state(), true
}

func (b *ghBudget) peek(now time.Time) budgetState {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.roll(now)
	return b.state()
}

func setRateHeaders(h http.Header, st budgetState) {
	h.Set("X-Ratelimit-Limit", strconv.Itoa(st.limit))
	h.Set("X-Ratelimit-Remaining", strconv.Itoa(st.remaining))
	h.Set("X-Ratelimit-Reset", strconv.FormatInt(st.reset.Unix(), 10))
	h.Set("X-Ratelimit-Used", strconv.Itoa(st.used))
	h.Set("X-Ratelimit-Resource", st.resource)
}

// requestID imitates x-github-request-id ("C3A4:2B9F:1A2B3C:1D2E3F:6720A1B2"), deterministic in
// the order requests arrive.
func (s *Sim) requestID() string {
	n := s.ghReqs.Add(1)
	h := hash3(s.opts.Seed, streamGHID, n)
	return fmt.Sprintf("%04X:%04X:%06X:%06X:%08X", h>>48, (h>>32)&0xffff, (h>>8)&0xffffff, mix64(h)&0xffffff, uint32(mix64(h>>1)))
}

func ghCommonHeaders(h http.Header, reqID string) {
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Github-Request-Id", reqID)
	h.Set("X-Github-Media-Type", "github.v3; format=json")
	h.Set("X-Github-Api-Version-Selected", ghAPIVersion)
}

// ghMessage writes GitHub's usual error body {"message","documentation_url","status"}.
func ghMessage(w http.ResponseWriter, status int, msg, doc string) {
	j := &jw{}
	j.obj()
	j.kstr("message", msg)
	j.kstr("documentation_url", doc)
	j.kstr("status", strconv.Itoa(status))
	j.endObj()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(j.b)))
	w.WriteHeader(status)
	w.Write(j.b)
}

// ghVendor is GitHub's side of the fault machinery. The --rate token bucket and 429 faults are
// secondary limits: the bucket answers 403 (what go-github maps to AbuseRateLimitError), a 429
// fault answers 429 (which go-github leaves as a plain ErrorResponse); both carry retry-after and
// the secondary-limit documentation URL, and the primary budget's headers.
type ghVendor struct{ s *Sim }

func (v ghVendor) rateLimited(w http.ResponseWriter, retry time.Duration, info rateInfo) {
	h := w.Header()
	id := v.s.requestID()
	ghCommonHeaders(h, id)
	setRateHeaders(h, v.s.restBudget.peek(v.s.opts.Wall()))
	h.Set("Retry-After", strconv.Itoa(max(1, int(retry/time.Second))))
	status := http.StatusForbidden
	if info.fault {
		status = http.StatusTooManyRequests
	}
	j := &jw{}
	j.obj()
	j.kstr("message", fmt.Sprintf(ghSecondaryMsg, id))
	j.kstr("documentation_url", ghDocsSecondary)
	j.endObj()
	h.Set("Content-Length", strconv.Itoa(len(j.b)))
	w.WriteHeader(status)
	w.Write(j.b)
}

func (v ghVendor) serverError(w http.ResponseWriter, status int) {
	ghCommonHeaders(w.Header(), v.s.requestID())
	var msg string
	switch status {
	case http.StatusBadGateway:
		// GitHub's front end answers gateway errors with its "Unicorn" HTML page.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		w.Write([]byte("<!DOCTYPE html>\n<html><head><title>Unicorn! &middot; GitHub</title></head><body><h1>502 Bad Gateway</h1>" +
			"<p>We had issues producing the response to your request. Sorry about that. Please try resubmitting your request and contact us if the problem persists.</p></body></html>\n"))
		return
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "5")
		msg = "Service Unavailable"
	case http.StatusGatewayTimeout:
		msg = "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists."
	default:
		msg = "Server Error"
	}
	j := &jw{}
	j.obj()
	j.kstr("message", msg)
	j.kstr("documentation_url", ghDocsREST)
	j.endObj()
	w.Header().Set("Content-Length", strconv.Itoa(len(j.b)))
	w.WriteHeader(status)
	w.Write(j.b)
}

func (v ghVendor) rateHeaders(h http.Header, info rateInfo) {} // the bucket is a secondary limit: no headers

// githubAuth accepts the token as "Bearer", "token" or a Basic password; anything else is 401
// with GitHub's body.
func (s *Sim) githubAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		tok := ""
		switch l := strings.ToLower(auth); {
		case strings.HasPrefix(l, "bearer "):
			tok = strings.TrimSpace(auth[7:])
		case strings.HasPrefix(l, "token "):
			tok = strings.TrimSpace(auth[6:])
		default:
			if _, p, ok := r.BasicAuth(); ok {
				tok = p
			}
		}
		if tok != "" && tok == s.opts.GitHubToken {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("X-Github-Request-Id", s.requestID())
		gql := strings.HasSuffix(r.URL.Path, "/graphql")
		switch {
		case auth == "" && gql:
			ghMessage(w, http.StatusUnauthorized, "This endpoint requires you to be authenticated.",
				"https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql")
		case auth == "":
			ghMessage(w, http.StatusUnauthorized, "Requires authentication", ghDocsREST)
		case gql:
			ghMessage(w, http.StatusUnauthorized, "Bad credentials", "https://docs.github.com/graphql")
		default:
			ghMessage(w, http.StatusUnauthorized, "Bad credentials", ghDocsREST)
		}
	})
}

// ghResp is what a REST handler produces; rest() adds ETag, budget and headers.
type ghResp struct {
	status int
	body   []byte
	link   string
	free   bool // not counted against the primary budget (GET /rate_limit)
}

func ghNotFound() ghResp {
	return ghErr(http.StatusNotFound, "Not Found", ghDocsREST)
}

func ghErr(status int, msg, doc string) ghResp {
	j := &jw{}
	j.obj()
	j.kstr("message", msg)
	j.kstr("documentation_url", doc)
	j.kstr("status", strconv.Itoa(status))
	j.endObj()
	return ghResp{status: status, body: j.b}
}

// etag is GitHub's weak ETag of a response body.
func etag(body []byte) string {
	sum := sha256.Sum256(body)
	return `W/"` + hex.EncodeToString(sum[:]) + `"`
}

func etagMatches(header, tag string) bool {
	if header == "" {
		return false
	}
	weak := strings.TrimPrefix(tag, "W/")
	for _, c := range strings.Split(header, ",") {
		c = strings.TrimSpace(c)
		if c == "*" || c == tag || strings.TrimPrefix(c, "W/") == weak {
			return true
		}
	}
	return false
}

// rest adapts a REST handler: conditional requests answered 304 cost nothing; everything else
// spends one unit of the hourly budget, and an exhausted budget answers 403 with
// x-ratelimit-remaining: 0 (go-github's RateLimitError).
func (s *Sim) rest(h func(*ghCtx, *http.Request) ghResp) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := &ghCtx{s: s, sn: s.ghCurrent(), base: ghBase(r), dup: dupFault(r.Context())}
		res := h(c, r)
		hd := w.Header()
		id := s.requestID()
		ghCommonHeaders(hd, id)
		now := s.opts.Wall()
		var tag string
		if res.status == http.StatusOK {
			tag = etag(res.body)
			hd.Set("Cache-Control", "private, max-age=60, s-maxage=60")
			hd.Set("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP")
			hd.Set("Etag", tag)
			if etagMatches(r.Header.Get("If-None-Match"), tag) {
				setRateHeaders(hd, s.restBudget.peek(now))
				hd.Del("Content-Type")
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		if !res.free {
			st, ok := s.restBudget.take(now, 1)
			setRateHeaders(hd, st)
			if !ok {
				hd.Del("Etag")
				hd.Del("Cache-Control")
				j := &jw{}
				j.obj()
				j.kstr("message", "API rate limit exceeded for user ID "+strconv.FormatInt(ghViewer.id, 10)+". If you reach out to GitHub Support for help, please include the request ID "+id+" and timestamp "+now.UTC().Format("2006-01-02 15:04:05 UTC")+".")
				j.kstr("documentation_url", ghDocsRateLimit)
				j.endObj()
				hd.Set("Content-Length", strconv.Itoa(len(j.b)))
				w.WriteHeader(http.StatusForbidden)
				w.Write(j.b)
				return
			}
		} else {
			setRateHeaders(hd, s.restBudget.peek(now))
		}
		if res.link != "" {
			hd.Set("Link", res.link)
		}
		hd.Set("Content-Length", strconv.Itoa(len(res.body)))
		w.WriteHeader(res.status)
		w.Write(res.body)
	}
}

// ghBase is the API's base URL as the client reached it ("http://127.0.0.1:8089/github").
func ghBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/github"
}

// ghWeb is where html_url links point (the simulator does not serve GitHub's web pages).
const ghWeb = "https://github.com"

// paging reads per_page (default 30, at most 100) and page (from 1).
func paging(r *http.Request) (perPage, page int) {
	q := r.URL.Query()
	perPage, page = 30, 1
	if v, err := strconv.Atoi(q.Get("per_page")); err == nil && v > 0 {
		perPage = min(v, 100)
	}
	if v, err := strconv.Atoi(q.Get("page")); err == nil && v > 0 {
		page = v
	}
	return perPage, page
}

// linkHeader builds GitHub's Link header for page-numbered lists.
func linkHeader(base string, r *http.Request, page, perPage, total int) string {
	last := max(1, (total+perPage-1)/perPage)
	mk := func(p int, rel string) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		if _, ok := q["per_page"]; !ok && perPage != 30 {
			q.Set("per_page", strconv.Itoa(perPage))
		}
		return "<" + base + strings.TrimPrefix(r.URL.Path, "/github") + "?" + encodeQuery(q) + `>; rel="` + rel + `"`
	}
	var parts []string
	if page > 1 {
		parts = append(parts, mk(min(page-1, last), "prev"))
	}
	if page < last {
		parts = append(parts, mk(page+1, "next"), mk(last, "last"))
	}
	if page > 1 {
		parts = append(parts, mk(1, "first"))
	}
	return strings.Join(parts, ", ")
}

// encodeQuery keeps the client's parameter order stable (sorted) with page last, as GitHub does.
func encodeQuery(q url.Values) string {
	page := q.Get("page")
	q.Del("page")
	s := q.Encode()
	if s != "" {
		s += "&"
	}
	return s + "page=" + page
}

// window returns the slice bounds of a page, starting a little early on a dup fault.
func (c *ghCtx) window(page, perPage, total int) (from, to int) {
	lo := min((page-1)*perPage, total)
	hi := min(lo+perPage, total)
	from = lo
	if c.dup && lo > 0 {
		from = max(0, lo-1-int(hash3(c.s.opts.Seed, streamFault, uint64(lo))%3))
	}
	return from, hi
}
