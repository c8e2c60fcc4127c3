package web_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web"
)

// The hand-worked quarterly board "qtr" (UTC, calendar days, fiscal year
// from April, history window 4 weeks; columns To Do | In Progress | Review
// | Done, lead time from In Progress to Done). Now = Wednesday 2025-05-14
// 12:00, so the current week starts Monday 12 May and the current quarter
// is Apr–Jun 2025 (calendar Q2, fiscal Q1). Items (UTC; start -> done,
// lead time in calendar days):
//
//	QTR-1  Story  Jul 1 2024 10:00 -> Jul 3 10:00                    2     (first issue, created Jul 1 09:00)
//	QTR-2  Story  Oct 7 -> Oct 8                                      1
//	QTR-3  Bug    Nov 4 -> Review Nov 6 -> Done Nov 8                 4
//	QTR-4  Story  Dec 2 -> Dec 9                                      7
//	QTR-5  Story  Jan 6 2025 -> Jan 9                                 3
//	QTR-6  Bug    Feb 3 -> Feb 13                                     10
//	QTR-12 Story  Feb 20 09:00 -> 09:05                               noise (5 minutes): counted, drawn, not in the lines
//	QTR-7  Story  Mar 3 -> Done Mar 10, reopened Mar 20, Done May 13  71 (Mar 3 -> May 13): counted once, in Q2 2025
//	QTR-8  Story  Apr 14 -> Apr 16                                    2     (week of Apr 14)
//	QTR-9  Story  Apr 21 -> Apr 24                                    3     (week of Apr 21)
//	QTR-10 Bug    Apr 28 -> Apr 29                                    1     (week of Apr 28)
//	QTR-11 Story  May 5 -> May 9                                      4     (week of May 5)
//	QTR-13 Bug    To Do -> Done Jan 15: closed, not delivered
//	QTR-14 Story  In Progress since May 1
//
// A release tag v2.0 of acme/pay is dated 2025-04-20 12:00.
var qtrNow = time.Date(2025, 5, 14, 12, 0, 0, 0, time.UTC)

const qtrURL = "/teams/payments/boards/qtr/quarterly"

func ts(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

// move is one status change.
type move struct {
	from, to string
	at       time.Time
}

type fixtureIssue struct {
	id      int64
	key     string
	typ     string // "10" Story, "11" Bug
	summary string
	created time.Time
	moves   []move
}

func ip(at time.Time) move     { return move{"1", "3", at} }
func done(at time.Time) move   { return move{"3", "5", at} }
func review(at time.Time) move { return move{"3", "4", at} }

func qtrIssues() []fixtureIssue {
	d10 := func(y int, m time.Month, d int) time.Time { return ts(y, m, d, 10, 0) }
	return []fixtureIssue{
		{1, "QTR-1", "10", "Item 1", ts(2024, 7, 1, 9, 0), []move{ip(d10(2024, 7, 1)), done(d10(2024, 7, 3))}},
		{2, "QTR-2", "10", "Item 2", ts(2024, 10, 1, 9, 0), []move{ip(d10(2024, 10, 7)), done(d10(2024, 10, 8))}},
		{3, "QTR-3", "11", "Item 3", ts(2024, 11, 4, 9, 0), []move{ip(d10(2024, 11, 4)), review(d10(2024, 11, 6)), {"4", "5", d10(2024, 11, 8)}}},
		{4, "QTR-4", "10", "Item 4", ts(2024, 12, 2, 9, 0), []move{ip(d10(2024, 12, 2)), done(d10(2024, 12, 9))}},
		{5, "QTR-5", "10", "Item 5", ts(2025, 1, 6, 9, 0), []move{ip(d10(2025, 1, 6)), done(d10(2025, 1, 9))}},
		{6, "QTR-6", "11", "Item 6", ts(2025, 2, 3, 9, 0), []move{ip(d10(2025, 2, 3)), done(d10(2025, 2, 13))}},
		{7, "QTR-7", "10", "Reopened login fix", ts(2025, 3, 3, 9, 0), []move{ip(d10(2025, 3, 3)), done(d10(2025, 3, 10)),
			{"5", "3", d10(2025, 3, 20)}, done(d10(2025, 5, 13))}},
		{8, "QTR-8", "10", "Item 8", ts(2025, 4, 14, 9, 0), []move{ip(d10(2025, 4, 14)), done(d10(2025, 4, 16))}},
		{9, "QTR-9", "10", "=HYPERLINK(\"http://evil\")", ts(2025, 4, 21, 9, 0), []move{ip(d10(2025, 4, 21)), done(d10(2025, 4, 24))}},
		{10, "QTR-10", "11", "Item 10", ts(2025, 4, 28, 9, 0), []move{ip(d10(2025, 4, 28)), done(d10(2025, 4, 29))}},
		{11, "QTR-11", "10", `<b>Fix</b> "login" & more`, ts(2025, 5, 5, 9, 0), []move{ip(d10(2025, 5, 5)), done(d10(2025, 5, 9))}},
		{12, "QTR-12", "10", "Item 12", ts(2025, 2, 20, 8, 0), []move{ip(ts(2025, 2, 20, 9, 0)), done(ts(2025, 2, 20, 9, 5))}},
		{13, "QTR-13", "11", "Item 13", ts(2025, 1, 14, 9, 0), []move{{"1", "5", d10(2025, 1, 15)}}},
		{14, "QTR-14", "10", "Item 14", ts(2025, 4, 30, 9, 0), []move{ip(d10(2025, 5, 1))}},
	}
}

// loadQuarterlyFixture stores the "qtr" board and three small ones for
// the empty states: "fresh" (one item delivered, two weeks of history),
// "idle" (nothing delivered) and "new" (never synced, no issues).
func loadQuarterlyFixture(t *testing.T) (*web.Server, *store.Store) {
	t.Helper()
	s, st, team := fixtureServer(t, qtrNow)
	ctx := context.Background()
	qtr := addBoard(t, st, team.ID, "qtr", 0, qtrIssues(), true)
	addBoard(t, st, team.ID, "fresh", 1000, []fixtureIssue{
		{1, "NEW-1", "10", "First", ts(2025, 5, 1, 9, 0), []move{ip(ts(2025, 5, 1, 10, 0)), done(ts(2025, 5, 2, 10, 0))}}}, true)
	addBoard(t, st, team.ID, "idle", 2000, []fixtureIssue{
		{1, "IDLE-1", "10", "Busy", ts(2025, 1, 6, 9, 0), []move{ip(ts(2025, 1, 6, 10, 0))}}}, true)
	addBoard(t, st, team.ID, "new", 3000, nil, false)

	repo, err := st.EnsureRepo(ctx, "acme", "pay", "main")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.LinkRepo(ctx, qtr, repo.ID); err != nil {
		t.Fatal(err)
	}
	tagAt := ts(2025, 4, 20, 12, 0)
	if _, _, err := st.ReplaceTags(ctx, repo.ID, []store.Tag{{Name: "v2.0", SHA: "abc", At: &tagAt}}); err != nil {
		t.Fatal(err)
	}
	return s, st
}

// addBoard stores a board with the fixture's columns and work types, its
// issues (ids offset by base), their facts and, if synced, a good sync.
func addBoard(t *testing.T, st *store.Store, teamID int64, slug string, base int64, issues []fixtureIssue, synced bool) int64 {
	t.Helper()
	ctx := context.Background()
	b, err := st.CreateBoard(ctx, fixtureBoard(teamID, "Board "+slug, slug, 100+base, 4))
	if err != nil {
		t.Fatal(err)
	}
	var rows []store.JiraIssue
	hid := base * 100
	for _, fi := range issues {
		is := store.JiraIssue{ID: base + fi.id, Key: fi.key, Project: "QTR", TypeID: fi.typ, StatusID: "1", Summary: fi.summary,
			Created: fi.created, Updated: fi.created}
		for _, m := range fi.moves {
			hid++
			is.StatusChanges = append(is.StatusChanges, store.JiraStatusChange{HistoryID: hid, At: m.at, From: m.from, To: m.to})
			is.StatusID, is.Updated = m.to, m.at
		}
		rows = append(rows, is)
	}
	storeFixtureIssues(t, st, b.ID, rows, qtrNow, synced)
	return b.ID
}

var _ = strconv.Itoa
