package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web"
)

// The hand-worked pull requests of the quarterly board "qtr" (see
// loadQuarterlyFixture: UTC, calendar days, fiscal year from April, history
// window 4 weeks, now Wed 2025-05-14 12:00, current week Mon May 12,
// current quarter Apr–Jun 2025). Its repositories acme/pay (with the
// release tag v2.0 on 2025-04-20) and acme/web; every PR into main.
// Opened -> merged (09:00 UTC unless said), lead time in calendar days:
//
//	Q3 2024  pay#1  alice   Jul 1 -> Jul 3                  2     (the first PR)
//	         web#1  bob     Aug 5 -> Aug 9                  4
//	Q4 2024  pay#2  carol   Oct 7 -> Oct 8                  1
//	         pay#3  dave    Oct 14, closed Oct 20 unmerged  rejected: never counted
//	         web#2  alice   Nov 4 -> Nov 10                 6
//	         pay#4  dependabot[bot] Dec 2 -> Dec 3          1     (counted unless exclude=dependabot[bot])
//	Q1 2025  web#3  bob     Dec 20 2024 -> Jan 6            17    (opened in Q4, counted in Q1: 11 + 6 days)
//	         pay#5  carol   Feb 3 09:00 -> 09:05            noise (5 minutes): counted, drawn, not in the lines
//	         pay#6  alice   Mar 3 -> Mar 6                  3
//	Q2 2025  week of Apr 14: pay#7 Apr 14 -> 15 (1), web#4 Apr 14 -> 16 (2)
//	         week of Apr 21: pay#8 Apr 21 -> 22 (1), web#5 Apr 21 -> 24 (3)
//	         week of Apr 28: pay#9 Apr 28 -> 29 (1), web#6 Apr 28 -> Fri May 2 (4)
//	         week of May 5:  pay#10 May 5 -> 6 (1),  web#7 May 5 -> 9 (4)
//	         current week:   pay#11 May 12 -> 13 (1); web#8 opened May 13, still open
func loadPRQuarterlyFixture(t *testing.T) (*web.Server, *store.Store) {
	t.Helper()
	s, st := loadQuarterlyFixture(t)
	s.GitHubURL = "https://github.com"
	ctx := context.Background()
	b, err := st.BoardBySlugs(ctx, "payments", "qtr")
	if err != nil {
		t.Fatal(err)
	}
	pay, err := st.RepoByName(ctx, "acme", "pay")
	if err != nil {
		t.Fatal(err)
	}
	webRepo, err := st.EnsureRepo(ctx, "acme", "web", "main")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.LinkRepo(ctx, b.ID, webRepo.ID); err != nil {
		t.Fatal(err)
	}
	d9 := func(y int, m time.Month, d int) time.Time { return ts(y, m, d, 9, 0) }
	merged := func(n int, author, title string, opened, at time.Time, add, del int) store.PullRequest {
		return prRow(n, author, title, opened, &at, &at, add, del)
	}
	payPRs := []store.PullRequest{
		merged(1, "alice", "Card payments", d9(2024, 7, 1), d9(2024, 7, 3), 120, 10),
		merged(2, "carol", "Refund API", d9(2024, 10, 7), d9(2024, 10, 8), 40, 4),
		prRow(3, "dave", "Experimental ledger", d9(2024, 10, 14), ptr(d9(2024, 10, 20)), nil, 300, 0),
		merged(4, "dependabot[bot]", "Bump pgx from 5.6 to 5.7", d9(2024, 12, 2), d9(2024, 12, 3), 2, 2),
		merged(5, "carol", "Fix typo", d9(2025, 2, 3), ts(2025, 2, 3, 9, 5), 1, 1),
		merged(6, "alice", "Idempotency keys", d9(2025, 3, 3), d9(2025, 3, 6), 200, 30),
		merged(7, "alice", "Retry card payments", d9(2025, 4, 14), d9(2025, 4, 15), 30, 5),
		merged(8, "bob", "Payout schedule", d9(2025, 4, 21), d9(2025, 4, 22), 50, 10),
		merged(9, "carol", `=HYPERLINK("http://evil")`, d9(2025, 4, 28), d9(2025, 4, 29), 5, 5),
		merged(10, "alice", "Currency rounding", d9(2025, 5, 5), d9(2025, 5, 6), 20, 2),
		merged(11, "bob", "Statement export", d9(2025, 5, 12), d9(2025, 5, 13), 60, 6),
	}
	webPRs := []store.PullRequest{
		merged(1, "bob", "Checkout page", d9(2024, 8, 5), d9(2024, 8, 9), 400, 20),
		merged(2, "alice", "Basket", d9(2024, 11, 4), d9(2024, 11, 10), 300, 40),
		merged(3, "bob", "Design system", d9(2024, 12, 20), d9(2025, 1, 6), 900, 100),
		merged(4, "carol", "Address form", d9(2025, 4, 14), d9(2025, 4, 16), 80, 8),
		merged(5, "dave", "Order history", d9(2025, 4, 21), d9(2025, 4, 24), 120, 12),
		merged(6, "alice", `<b>Faster</b> "checkout" & more`, d9(2025, 4, 28), d9(2025, 5, 2), 70, 7),
		merged(7, "bob", "Receipts", d9(2025, 5, 5), d9(2025, 5, 9), 90, 9),
		prRow(8, "carol", "Dark mode", d9(2025, 5, 13), nil, nil, 10, 1),
	}
	for repoID, prs := range map[int64][]store.PullRequest{pay.ID: payPRs, webRepo.ID: webPRs} {
		if err := pgx.BeginFunc(ctx, st.Pool, func(tx pgx.Tx) error {
			_, err := store.WritePullRequests(ctx, tx, repoID, prs)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	return s, st
}

// prRow is a stored pull request into main: closed and merged may be nil.
func prRow(n int, author, title string, opened time.Time, closed, merged *time.Time, add, del int) store.PullRequest {
	p := store.PullRequest{Number: n, Author: author, Title: title, State: "open", BaseRef: "main", HeadRef: "topic", CreatedAt: opened, UpdatedAt: opened,
		ClosedAt: closed, MergedAt: merged, Additions: &add, Deletions: &del, ChangedFiles: ptr(1)}
	if closed != nil {
		p.State, p.UpdatedAt = "closed", *closed
	}
	return p
}

func ptr[T any](v T) *T { return &v }

const prqURL = "/teams/payments/boards/qtr/prs/quarterly"
