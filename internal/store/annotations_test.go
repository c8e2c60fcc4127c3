package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/pgtest"
	"github.com/vger-dev/vger/internal/store"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// Annotations round-trip, list by date, are checked by the schema, go in
// the audit log, and go with their board.
func TestAnnotationsRoundTripAndAudit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := pgtest.Store(t)
	team, err := s.CreateTeam(ctx, "Payments", "payments")
	if err != nil {
		t.Fatal(err)
	}
	b := newBoard(t, s, team.ID, "a", 1)
	add := store.AuditEntry{At: at, Actor: "alice@example.com", Action: "annotation.create"}
	freeze, err := s.CreateAnnotation(ctx, b, store.Annotation{StartsOn: day("2026-03-10"), EndsOn: day("2026-03-20"), Label: "Release freeze"}, add)
	if err != nil {
		t.Fatal(err)
	}
	wip, err := s.CreateAnnotation(ctx, b, store.Annotation{StartsOn: day("2026-02-02"), Label: "WIP limit 3 from here"}, add)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Annotations(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != wip.ID || got[1].ID != freeze.ID {
		t.Fatalf("annotations %+v, want the WIP limit first", got)
	}
	if !got[1].EndsOn.Equal(day("2026-03-20")) || got[1].Label != "Release freeze" || got[0].IsPeriod() || got[1].CreatedBy != "alice@example.com" {
		t.Fatalf("round trip: %+v", got)
	}
	one, err := s.Annotation(ctx, b.ID, wip.ID)
	if err != nil || one.Label != wip.Label {
		t.Fatalf("one: %+v, %v", one, err)
	}

	for _, bad := range []store.Annotation{
		{StartsOn: day("2026-03-10"), EndsOn: day("2026-03-09"), Label: "ends before it starts"},
		{StartsOn: day("2026-03-10"), Label: ""},
	} {
		if _, err := s.CreateAnnotation(ctx, b, bad, add); err == nil {
			t.Errorf("%+v was accepted", bad)
		}
	}

	del := store.AuditEntry{At: at, Actor: "bob@example.com", Action: "annotation.delete"}
	if err := s.DeleteAnnotation(ctx, b, wip.ID, del); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAnnotation(ctx, b, wip.ID, del); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	log, err := s.AuditLog(ctx, team.ID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		if e.BoardID == b.ID {
			actions = append(actions, e.Action+" "+e.Actor+" "+e.Summary)
		}
	}
	want := []string{
		"annotation.delete bob@example.com Deleted annotation “WIP limit 3 from here” (2026-02-02)",
		"annotation.create alice@example.com Added annotation “WIP limit 3 from here” (2026-02-02)",
		"annotation.create alice@example.com Added annotation “Release freeze” (2026-03-10 to 2026-03-20)",
	}
	if len(actions) < len(want) {
		t.Fatalf("audit %q", actions)
	}
	for i, w := range want {
		if actions[i] != w {
			t.Errorf("audit[%d] = %q, want %q", i, actions[i], w)
		}
	}

	if err := s.DeleteBoard(ctx, b, store.AuditEntry{At: at, Actor: "alice@example.com", Action: "board.delete"}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM annotations`); n != 0 {
		t.Fatalf("%d annotations outlived their board", n)
	}
}
