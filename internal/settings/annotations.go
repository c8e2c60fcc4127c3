package settings

import (
	"fmt"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/store"
)

// WithAnnotations is the document with the board's annotations.
func (d Document) WithAnnotations(notes []store.Annotation) Document {
	out := make([]Annotation, 0, len(notes))
	for _, n := range notes {
		a := Annotation{StartsOn: n.StartsOn.Format(dateLayout), Label: n.Label}
		if n.IsPeriod() {
			a.EndsOn = n.EndsOn.Format(dateLayout)
		}
		out = append(out, a)
	}
	d.Annotations = &out
	return d
}

// ApplyAnnotations reads the document's annotations: ok is false when the
// document has none (the board's stay as they are).
func (d Document) ApplyAnnotations() (notes []store.Annotation, ok bool, probs []Problem) {
	if d.Annotations == nil {
		return nil, false, nil
	}
	for i, a := range *d.Annotations {
		bad := func(msg string) {
			probs = append(probs, Problem{Field: "annotations", Index: i, Message: fmt.Sprintf("annotation %d: %s", i+1, msg)})
		}
		n := store.Annotation{Label: strings.TrimSpace(a.Label)}
		var err error
		if n.StartsOn, err = time.Parse(dateLayout, a.StartsOn); err != nil {
			bad(fmt.Sprintf("starts_on %q is not a date (YYYY-MM-DD)", a.StartsOn))
			continue
		}
		if a.EndsOn != "" {
			if n.EndsOn, err = time.Parse(dateLayout, a.EndsOn); err != nil {
				bad(fmt.Sprintf("ends_on %q is not a date (YYYY-MM-DD)", a.EndsOn))
				continue
			}
			if n.EndsOn.Before(n.StartsOn) {
				bad(fmt.Sprintf("ends_on %s is before starts_on %s", a.EndsOn, a.StartsOn))
				continue
			}
		}
		if l := len([]rune(n.Label)); l == 0 || l > 200 {
			bad("the label must have 1 to 200 characters")
			continue
		}
		notes = append(notes, n)
	}
	return notes, true, probs
}
