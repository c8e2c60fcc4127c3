package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/views"
)

// annotationInput is a submitted annotation form, cleaned and checked.
type annotationInput struct {
	Date, End, Label string
	Note             store.Annotation
	Errors           views.Errors
}

func readAnnotationForm(r *http.Request) annotationInput {
	in := annotationInput{Date: strings.TrimSpace(r.PostFormValue("date")), End: strings.TrimSpace(r.PostFormValue("end")),
		Label: strings.TrimSpace(r.PostFormValue("label"))}
	parse := func(key, v string) time.Time {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil || d.Year() < 1990 || d.Year() > 2200 {
			in.Errors.Add(key, "Give a date as YYYY-MM-DD, e.g. 2026-03-02.")
			return time.Time{}
		}
		return d
	}
	if in.Date == "" {
		in.Errors.Add("date", "Give the day it starts.")
	} else {
		in.Note.StartsOn = parse("date", in.Date)
	}
	if in.End != "" {
		in.Note.EndsOn = parse("end", in.End)
		if !in.Note.EndsOn.IsZero() && !in.Note.StartsOn.IsZero() && in.Note.EndsOn.Before(in.Note.StartsOn) {
			in.Errors.Add("end", "The end date is before the start date: give a day on or after it.")
		}
	}
	switch n := len([]rune(in.Label)); {
	case n == 0:
		in.Errors.Add("label", "Say what changed, e.g. \"WIP limit 3 from here\".")
	case n > 200:
		in.Errors.Add("label", "Use at most 200 characters.")
	}
	in.Note.Label = in.Label
	return in
}

func (s *Server) annotationsView(w http.ResponseWriter, r *http.Request, t store.Team, b store.Board) (views.AnnotationsView, error) {
	notes, err := s.Store.Annotations(r.Context(), b.ID)
	if err != nil {
		return views.AnnotationsView{}, err
	}
	h, err := s.boardPageHeader(r, b, "annotations")
	if err != nil {
		return views.AnnotationsView{}, err
	}
	// The board strip carries the trail (Teams › team › board).
	m := views.AnnotationsView{Page: s.page(w, r, "Annotations · "+b.Name), Board: h, BoardName: b.Name, BoardURL: boardURL(t, b),
		Action: boardURL(t, b) + "/annotations", Notes: noteRows(r, t, b, notes)}
	s.forUser(r, &m.Page, &m.Board)
	return m, nil
}

// noteRows are a board's annotations as listed (delete only for editors).
func noteRows(r *http.Request, t store.Team, b store.Board, notes []store.Annotation) []views.NoteRow {
	canEdit := UserFrom(r.Context()).CanEdit()
	var out []views.NoteRow
	for _, n := range notes {
		row := views.NoteRow{ID: n.ID, When: noteWhen(n), Label: n.Label, By: n.CreatedBy,
			CompareURL: boardURL(t, b) + "/compare?ann=" + strconv.FormatInt(n.ID, 10)}
		if canEdit {
			row.DeleteURL = boardURL(t, b) + "/annotations/" + strconv.FormatInt(n.ID, 10) + "/delete"
		}
		out = append(out, row)
	}
	return out
}

func noteWhen(n store.Annotation) string {
	when := n.StartsOn.Format(time.DateOnly)
	if n.IsPeriod() {
		when += " to " + n.EndsOn.Format(time.DateOnly)
	}
	return when
}

// annotationsPage lists a board's annotations with the form that adds one.
func (s *Server) annotationsPage(w http.ResponseWriter, r *http.Request) error {
	if err := rejectUnknownParams(r); err != nil {
		return err
	}
	t, b, err := s.teamBoard(r)
	if err != nil {
		return err
	}
	m, err := s.annotationsView(w, r, t, b)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, views.AnnotationsPage(m))
}

// annotationCreate adds an annotation, or shows the form with what to fix.
func (s *Server) annotationCreate(w http.ResponseWriter, r *http.Request) error {
	t, b, err := s.teamBoard(r)
	if err != nil {
		return err
	}
	in := readAnnotationForm(r)
	if !in.Errors.Any() {
		a := s.audit(r, "annotation.create", "", nil, nil)
		if _, err := s.Store.CreateAnnotation(r.Context(), b, in.Note, a); err != nil {
			return err
		}
		return s.redirect(w, r, boardURL(t, b)+"/annotations", "Annotation added.")
	}
	m, err := s.annotationsView(w, r, t, b)
	if err != nil {
		return err
	}
	m.Date, m.EndDate, m.Label, m.Errors = in.Date, in.End, in.Label, in.Errors
	return render(w, r, http.StatusUnprocessableEntity, views.AnnotationsPage(m))
}

// annotationDelete removes one annotation.
func (s *Server) annotationDelete(w http.ResponseWriter, r *http.Request) error {
	t, b, err := s.teamBoard(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "note"), 10, 64)
	if err != nil || id <= 0 {
		return NotFound("This board has no such annotation.")
	}
	if err := s.Store.DeleteAnnotation(r.Context(), b, id, s.audit(r, "annotation.delete", "", nil, nil)); err != nil {
		return notFoundAs(err, "This board has no such annotation: it may have been deleted already.")
	}
	return s.redirect(w, r, boardURL(t, b)+"/annotations", "Annotation deleted.")
}
