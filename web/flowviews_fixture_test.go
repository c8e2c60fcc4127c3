package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web"
)

// The hand-worked flow board (UTC, calendar days, window 4 weeks; columns
// To Do | In Progress | Review | Done, plus the unmapped status Triage;
// lead time from In Progress to Done). Now = Wed 2025-03-26 12:00, so the
// current week starts Mon 24 Mar. All times UTC.
//
//	S1 created Feb 24 09:00, IP Feb 24 10:00, Done Feb 25 10:00          LT 1
//	S2 created Feb 24 09:00, IP Feb 25 10:00, Done Feb 27 10:00          LT 2
//	S3 created Mar 3 09:00,  IP Mar 3 10:00,  Done Mar 4 10:00           LT 1
//	S4 created Mar 3 09:00,  IP Mar 4 10:00,  Review Mar 5 10:00, Done Mar 6 10:00   LT 2
//	S5 created Mar 10 09:00, IP Mar 10 10:00, Done Mar 12 10:00          LT 2
//	S6 created Mar 10 09:00, IP Mar 11 10:00, Done Mar 13 10:00          LT 2
//	S7 created Mar 17 09:00, IP Mar 17 10:00, Review Mar 19 10:00, Done Mar 20 10:00  LT 3;
//	   flagged Mar 17 12:00 - Mar 18 12:00 (1 blocked day)
//	S8 created Mar 17 09:00, IP Mar 18 10:00, Done Mar 21 10:00          LT 3
//	A1 created Mar 3 09:00,  IP Mar 5 12:00, still in progress; flagged Mar 18 12:00 - Mar 20 12:00
//	A2 created Mar 17 09:00, IP Mar 19 12:00, Review Mar 21 12:00; flagged Mar 24 12:00, still flagged
//	A3 (Bug) created Mar 18 09:00, IP Mar 25 00:00
//	T1 created Mar 19 09:00 in Triage (unmapped), no change since
//	T2 created Mar 12 09:00 in To Do, no change since
//
// Throughput: 2 a week in the weeks of Feb 24, Mar 3, Mar 10 and Mar 17.
var flowNow = time.Date(2025, 3, 26, 12, 0, 0, 0, time.UTC)

const flowURL = "/teams/flow/boards/flo"

func day(month time.Month, d, hour int) time.Time {
	return time.Date(2025, month, d, hour, 0, 0, 0, time.UTC)
}

// issueBuilder makes fixture issues: moves are (from, to, at) triples.
type issueBuilder struct {
	project string
	hid     int64
}

func (ib *issueBuilder) issue(id int64, typ, status string, created time.Time, moves ...any) store.JiraIssue {
	key := ib.project + "-" + itoa(id)
	is := store.JiraIssue{ID: id, Key: key, Project: ib.project, TypeID: typ, StatusID: status, Summary: "Item " + key,
		Created: created, Updated: created}
	for i := 0; i < len(moves); i += 3 {
		ib.hid++
		at := moves[i+2].(time.Time)
		is.StatusChanges = append(is.StatusChanges, store.JiraStatusChange{HistoryID: ib.hid, At: at, From: moves[i].(string), To: moves[i+1].(string)})
		is.Updated = at
	}
	return is
}

func (ib *issueBuilder) flag(is *store.JiraIssue, on bool, at time.Time) {
	ib.hid++
	is.FlagChanges = append(is.FlagChanges, store.JiraFlagChange{HistoryID: ib.hid, At: at, Flagged: on})
}

// flowBoard creates the statuses, types, team and board shared by the flow fixtures.
func flowBoard(t testing.TB, st *store.Store, team, slug string) store.Board {
	t.Helper()
	ctx := context.Background()
	fixtureCatalog(t, st, store.JiraStatus{ID: "6", Name: "Triage", Category: "new"}, store.JiraStatus{ID: "7", Name: "Waiting", Category: "indeterminate"})
	tm, err := st.CreateTeam(ctx, "Flow team", team)
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.CreateBoard(ctx, fixtureBoard(tm.ID, "Flow board", slug, 8, 1))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// storeIssues writes issues, rebuilds the facts at flowNow and records a sync.
func storeIssues(t *testing.T, st *store.Store, b store.Board, issues []store.JiraIssue) {
	t.Helper()
	storeFixtureIssues(t, st, b.ID, issues, flowNow, true)
}

func loadFlowFixture(t *testing.T) (*web.Server, *store.Store) {
	t.Helper()
	s, st := newServer(t)
	s.Now = func() time.Time { return flowNow }
	s.JiraURL = "https://jira.example.com"
	b := flowBoard(t, st, "flow", "flo")
	ib := &issueBuilder{project: "FLO"}
	const story, bug = "10", "11"
	s7 := ib.issue(7, story, "5", day(3, 17, 9), "1", "3", day(3, 17, 10), "3", "4", day(3, 19, 10), "4", "5", day(3, 20, 10))
	ib.flag(&s7, true, day(3, 17, 12))
	ib.flag(&s7, false, day(3, 18, 12))
	a1 := ib.issue(11, story, "3", day(3, 3, 9), "1", "3", day(3, 5, 12))
	ib.flag(&a1, true, day(3, 18, 12))
	ib.flag(&a1, false, day(3, 20, 12))
	a2 := ib.issue(12, story, "4", day(3, 17, 9), "1", "3", day(3, 19, 12), "3", "4", day(3, 21, 12))
	ib.flag(&a2, true, day(3, 24, 12))
	issues := []store.JiraIssue{
		ib.issue(1, story, "5", day(2, 24, 9), "1", "3", day(2, 24, 10), "3", "5", day(2, 25, 10)),
		ib.issue(2, story, "5", day(2, 24, 9), "1", "3", day(2, 25, 10), "3", "5", day(2, 27, 10)),
		ib.issue(3, story, "5", day(3, 3, 9), "1", "3", day(3, 3, 10), "3", "5", day(3, 4, 10)),
		ib.issue(4, story, "5", day(3, 3, 9), "1", "3", day(3, 4, 10), "3", "4", day(3, 5, 10), "4", "5", day(3, 6, 10)),
		ib.issue(5, story, "5", day(3, 10, 9), "1", "3", day(3, 10, 10), "3", "5", day(3, 12, 10)),
		ib.issue(6, story, "5", day(3, 10, 9), "1", "3", day(3, 11, 10), "3", "5", day(3, 13, 10)),
		s7,
		ib.issue(8, story, "5", day(3, 17, 9), "1", "3", day(3, 18, 10), "3", "5", day(3, 21, 10)),
		a1, a2,
		ib.issue(13, bug, "3", day(3, 18, 9), "1", "3", day(3, 25, 0)),
		ib.issue(14, story, "6", day(3, 19, 9)),
		ib.issue(15, story, "1", day(3, 12, 9)),
	}
	storeIssues(t, st, b, issues)
	return s, st
}
