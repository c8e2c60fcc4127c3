package settings

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/vger-dev/vger/internal/store"
)

// knownFields are the Field values a Problem may carry (validate.go's
// Problem doc, plus flow.ConfigError's fields).
func fieldNamed(p Problem) bool {
	return p.Field != "" && !strings.ContainsAny(p.Field, " \n") && p.Message != ""
}

// Importing a board's settings file, whatever it holds: no panic; a file
// that is refused gets one readable error; a file that is read exports
// back to a file that reads the same (import(export(x)) == x, for the
// document and for the board it sets); every problem Apply or Validate
// finds names its field and, for a column or work type, one that exists.
func FuzzSettingsImport(f *testing.F) {
	f.Add(FromBoard(board(), catalog, []store.Repo{{Owner: "acme", Name: "pay"}}).JSON())
	doc := FromBoard(board(), catalog, nil)
	doc.LeadTime.Start = "Nowhere"
	doc.Holidays = []string{"25/12/2026"}
	doc.SyncSince = "yesterday"
	f.Add(doc.JSON())
	doc = FromBoard(board(), catalog, nil)
	doc.States[1].Statuses = append(doc.States[1].Statuses, Ref{ID: "1"})
	doc.RollingWeeks = 1000
	doc.TimeZone = "Mars/Olympus"
	doc.TagPattern = "(["
	doc.Annotations = &[]Annotation{{StartsOn: "2026-01-02", EndsOn: "2026-01-01", Label: "<script>"}}
	f.Add(doc.JSON())
	f.Add([]byte(`{"format":"vger-board-settings/1","colour":"red"}`))
	f.Add([]byte(`{"format":"vger-board-settings/1","rolling_weeks":"twelve"}`))
	f.Add([]byte(`{"format":"vger-board-settings/1","states":[{"name":"A","statuses":[{"id":"1"}]}],"lead_time":{"start":"A","end":"A"}}`))
	f.Add([]byte(`{"format":"other"}`))
	f.Add([]byte(`{"format":"vger-board-settings/1"} {}`))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(bytes.NewReader(data))
		if err != nil {
			if msg := err.Error(); msg == "" || strings.Contains(msg, "\n") {
				t.Fatalf("refused with %q", msg)
			}
			return
		}
		// The document survives its own export.
		back, err := Parse(bytes.NewReader(d.JSON()))
		if err != nil {
			t.Fatalf("an exported document does not read back: %v\n%s", err, d.JSON())
		}
		if !reflect.DeepEqual(back, d) {
			t.Fatalf("export changed the document:\n got %+v\nwant %+v", back, d)
		}
		base := store.Board{ID: 7, TeamID: 1, Slug: "payments", JiraBoardID: 3}
		b, probs := d.Apply(base)
		for _, p := range probs {
			if !fieldNamed(p) {
				t.Fatalf("problem names no field: %+v", p)
			}
		}
		for _, p := range Validate(b, catalog, now) {
			if !fieldNamed(p) {
				t.Fatalf("problem names no field: %+v", p)
			}
			n := max(len(b.States), len(b.WorkTypes))
			if p.Index < -1 || p.Index >= max(n, 1) {
				t.Fatalf("problem points at index %d of %d: %+v", p.Index, n, p)
			}
		}
		if len(probs) > 0 {
			return // parts of the file were unusable: nothing to round-trip
		}
		// The board it sets exports to a file that sets the same board.
		again, err := Parse(bytes.NewReader(FromBoard(b, catalog, nil).JSON()))
		if err != nil {
			t.Fatalf("the imported board's export does not read: %v", err)
		}
		b2, probs := again.Apply(base)
		if len(probs) > 0 {
			t.Fatalf("the imported board's export has problems: %v", probs)
		}
		if !reflect.DeepEqual(b2, b) {
			t.Fatalf("import(export(board)) changed it:\n got %+v\nwant %+v", b2, b)
		}
	})
}
