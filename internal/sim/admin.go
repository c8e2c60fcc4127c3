package sim

import (
	"net/http"
	"strconv"
	"time"
)

// Admin endpoints live under /_sim, never under vendor paths, and need no credentials: the
// simulator only listens on loopback.

func (s *Sim) writeTime(w http.ResponseWriter) {
	j := &jw{}
	j.obj()
	j.kstr("now", s.Now().Format(time.RFC3339Nano))
	j.kstr("start", time.UnixMilli(s.start).UTC().Format(time.RFC3339Nano))
	j.endObj()
	w.Header().Set("Content-Type", "application/json")
	w.Write(j.b)
}

// adminAdvance is POST /_sim/advance?hours=N (or ?duration=90m).
func (s *Sim) adminAdvance(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var d time.Duration
	switch {
	case q.Get("hours") != "":
		h, err := strconv.ParseFloat(q.Get("hours"), 64)
		if err != nil || h < 0 || h > 24*365*10 {
			http.Error(w, "hours: want a non-negative number of hours", http.StatusBadRequest)
			return
		}
		d = time.Duration(h * float64(time.Hour))
	case q.Get("duration") != "":
		var err error
		if d, err = time.ParseDuration(q.Get("duration")); err != nil || d < 0 {
			http.Error(w, "duration: want a non-negative Go duration such as 90m", http.StatusBadRequest)
			return
		}
	default:
		http.Error(w, "want ?hours=N or ?duration=D", http.StatusBadRequest)
		return
	}
	s.Advance(d)
	s.writeTime(w)
}

func (s *Sim) adminTime(w http.ResponseWriter, r *http.Request) { s.writeTime(w) }

func (s *Sim) adminTruth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	s.Truth(w) // a write error means the client went away; nothing left to tell it
}
