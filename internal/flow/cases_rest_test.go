package flow

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func checkCFD(t *testing.T, b *Board, issues []Issue, now time.Time, raw json.RawMessage) {
	t.Helper()
	t.Log("cfd: not built yet")
}

func checkQuarterly(t *testing.T, b *Board, facts []IssueFacts, now time.Time, raw json.RawMessage) {
	t.Helper()
	t.Log("quarterly: not built yet")
}

type PullRequest struct {
	Repo                          string
	Number                        int
	Author, Base                  string
	CreatedAt, ClosedAt, MergedAt time.Time
	Additions, Deletions          int
}

func checkPRLeadTimes(t *testing.T, b *Board, prs []PullRequest, raw json.RawMessage) {
	t.Log("pr: not built yet")
}

func checkPRWeekly(t *testing.T, b *Board, prs []PullRequest, now time.Time, raw json.RawMessage) {
	t.Log("pr: not built yet")
}

func checkMonteCarlo(t *testing.T, b *Board, facts []IssueFacts, now time.Time, raw json.RawMessage) {
	t.Log("mc: not built yet")
}
