package web

import (
	"time"

	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/chart"
)

// noteLayers draw a board's annotations between from and to: a day as a
// labelled vertical marker at its start, a period as a labelled band over
// its days. Both are nil when none falls in the range.
func noteLayers(loc *time.Location, notes []store.Annotation, from, to time.Time) []chart.Layer {
	var days []chart.Marker
	var periods []chart.Span
	for _, n := range notes {
		start := dayStart(n.StartsOn, loc)
		if !n.IsPeriod() {
			if !start.Before(from) && start.Before(to) {
				days = append(days, chart.Marker{X: chart.T(start), Label: n.Label, Title: n.Label + " (" + noteWhen(n) + ")"})
			}
			continue
		}
		end := dayStart(n.EndsOn, loc).AddDate(0, 0, 1)
		if !end.After(from) || !start.Before(to) {
			continue
		}
		periods = append(periods, chart.Span{X0: chart.T(maxTime(start, from)), X1: chart.T(minTime(end, to)), Label: n.Label,
			Title: n.Label + " (" + noteWhen(n) + ")"})
	}
	var out []chart.Layer
	if len(periods) > 0 {
		out = append(out, &chart.Bands{ID: "note-periods", Name: "Annotations (periods)", Style: chart.AnnotationStyle, Items: periods, Labels: true})
	}
	if len(days) > 0 {
		st := chart.AnnotationStyle
		st.Width = 1.5
		out = append(out, &chart.Markers{ID: "notes", Name: "Annotations", Style: st, Items: days, Labels: true})
	}
	return out
}

// dayStart is the local midnight starting a calendar date.
func dayStart(d time.Time, loc *time.Location) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
