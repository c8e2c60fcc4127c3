package web

import (
	"encoding/json"
	"net/http"
)

// The compact scatterplots (over maxDetailed points) carry only each
// point's key, lead time and date; chart.js fetches the rest of the hover
// text from these, with the view's query, on the first hover: a JSON
// object of key -> [summary or title, further lines]. Summaries are JIRA's
// and GitHub's text (hostile input): JSON-encoded here (with <, > and &
// escaped), set as text only by chart.js.

// pointsCache: the details change only with a sync; a browser may reuse
// them for a few minutes (per user: they are the board's data).
const pointsCache = "private, max-age=300"

// quarterlyPointsJSON serves the quarterly scatterplot's hover texts.
func (s *Server) quarterlyPointsJSON(w http.ResponseWriter, r *http.Request) error {
	q, err := s.loadQuarterlyPoints(r)
	if err != nil {
		return err
	}
	return writePoints(w, q.pointDetails())
}

// prQuarterlyPointsJSON serves the PR quarterly scatterplot's hover texts.
func (s *Server) prQuarterlyPointsJSON(w http.ResponseWriter, r *http.Request) error {
	q, err := s.loadPRQuarterlyPoints(r)
	if err != nil {
		return err
	}
	return writePoints(w, q.pointDetails())
}

func writePoints(w http.ResponseWriter, details map[string][]string) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", pointsCache)
	return json.NewEncoder(w).Encode(details)
}
