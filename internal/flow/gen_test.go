package flow

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// genBoard is a six-column board in a DST zone with holidays, like a real team's.
func genBoard(t testing.TB, mode DayMode) *Board {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	cfg := BoardConfig{
		Location: loc, DayMode: mode, RollingWeeks: 12,
		Holidays: []Date{{2024, 5, 1}, {2024, 12, 25}, {2025, 5, 1}, {2025, 12, 25}},
		Statuses: []Status{{"1", "To Do", CategoryNew}, {"2", "Ready", CategoryNew},
			{"3", "In Progress", CategoryIndeterminate}, {"4", "Code Review", CategoryIndeterminate},
			{"5", "Awaiting QA", CategoryIndeterminate}, {"6", "Done", CategoryDone},
			{"7", "Blocked", CategoryIndeterminate}, {"8", "Closed", CategoryDone}},
		States: []WorkState{{"To Do", []string{"1"}, true}, {"Ready", []string{"2"}, true},
			{"Dev", []string{"3"}, true}, {"Review", []string{"4"}, true}, {"QA", []string{"5"}, false},
			{"Done", []string{"6"}, true}},
		Start: 2, End: 5,
		WorkTypes: []WorkType{{"Features", []string{"Story", "Task"}}, {"Failures", []string{"Bug"}}},
	}
	b, err := NewBoard(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var genTypes = []string{"Story", "Task", "Bug"}

// genIssues makes n random issues created over `span` from `start`, each with up to `maxChanges`
// status changes (forward moves mostly, some backward moves, unmapped Blocked/Closed, reopens,
// invalid resolutions, flags), deterministic for a seed.
func genIssues(rng *rand.Rand, n, maxChanges int, start time.Time, span time.Duration) []Issue {
	statuses := []string{"1", "2", "3", "4", "5", "6", "7", "8"}
	out := make([]Issue, n)
	for i := range out {
		created := start.Add(time.Duration(rng.Int64N(int64(span))))
		is := Issue{ID: fmt.Sprint(100000 + i), Key: fmt.Sprintf("G-%d", i), Type: genTypes[rng.IntN(3)],
			Created: created, Resolution: "", Deleted: rng.IntN(50) == 0, OutOfFilter: rng.IntN(50) == 0}
		cur := statuses[rng.IntN(3)] // created in To Do, Ready or (sometimes) In Progress
		at := created
		k := rng.IntN(maxChanges + 1)
		for j := 0; j < k; j++ {
			// Mostly minutes to days apart; a few at the same instant; one in 50 dated before
			// creation (the history repair).
			switch r := rng.IntN(50); {
			case r == 0 && j == 0:
				at = created.Add(-time.Minute)
			case r < 3:
			default:
				at = at.Add(time.Duration(rng.Int64N(int64(96 * time.Hour))))
			}
			to := statuses[rng.IntN(len(statuses))]
			if to == cur {
				continue
			}
			is.Changes = append(is.Changes, StatusChange{At: at, From: cur, To: to})
			cur = to
		}
		is.Status = cur
		if rng.IntN(20) == 0 {
			is.Status = "1" // a stale status field: the history wins
		}
		if cur == "6" || cur == "8" {
			is.Resolution = "Done"
			if rng.IntN(10) == 0 {
				is.Resolution = "Won't Do"
			}
		}
		if rng.IntN(5) == 0 {
			f := created.Add(time.Duration(rng.Int64N(int64(10 * 24 * time.Hour))))
			is.Flags = []FlagChange{{f, true}, {f.Add(time.Duration(rng.Int64N(int64(72 * time.Hour)))), false}}
		}
		out[i] = is
	}
	return out
}
