package sync_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vger-dev/vger/internal/github"
	"github.com/vger-dev/vger/internal/jira"
	"github.com/vger-dev/vger/internal/sim"
	"github.com/vger-dev/vger/internal/store"
	vsync "github.com/vger-dev/vger/internal/sync"
)

// Bad input never costs data: a board whose extra JQL JIRA rejects, a JIRA
// board that does not exist, wrong credentials (a canary token that must
// not show up anywhere), a repository that is not there, and JIRA going
// away each fail with a clear message for that board or repo alone; the
// other boards sync, and everything stored before stays.
func TestBadInputIsClearAndLosesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := setup(t, sim.Options{Seed: 12, Issues: 300})
	e.syncAll(t, false)
	counts := func() (issues, changes int) {
		e.store.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM jira_issues), (SELECT count(*) FROM jira_status_changes)`).Scan(&issues, &changes)
		return
	}
	issues0, changes0 := counts()
	var ids []int64
	for _, id := range e.boards {
		ids = append(ids, id)
	}
	good, badJQL, badBoard := ids[0], ids[1], ids[2]
	if _, err := e.store.Pool.Exec(ctx, `UPDATE boards SET extra_jql = 'fixVersion = "1.0"' WHERE id = $1`, badJQL); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Pool.Exec(ctx, `UPDATE boards SET jira_board_id = 9999 WHERE id = $1`, badBoard); err != nil {
		t.Fatal(err)
	}
	failing := map[int64]string{badJQL: "rejected", badBoard: "9999"}
	for id, want := range failing {
		_, err := e.syncer.SyncBoard(ctx, id, false)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("board %d: error %v, want it to mention %q", id, err, want)
		}
		st, _ := e.store.SyncState(ctx, store.Scope{Kind: "board", BoardID: id})
		if !strings.Contains(st.LastError, want) || st.LastOKAt == nil {
			t.Errorf("board %d state: error %q, last success %v (the earlier success must stay)", id, st.LastError, st.LastOKAt)
		}
	}
	if _, err := e.syncer.SyncBoard(ctx, good, false); err != nil {
		t.Fatalf("the good board failed too: %v", err)
	}

	// Wrong credentials: the canary never appears in errors or stored state.
	const canary = "canary-0f9e8d7c-token"
	tr := noWait()
	bad, _ := jira.New(jira.Config{BaseURL: e.url + "/jira/", Email: "demo@example.com", APIToken: canary, Transport: tr})
	wrong := &vsync.Syncer{Store: e.store, Tracker: vsync.NewJiraTracker(bad), Now: e.sim.Now, Secrets: []string{canary}}
	_, err := wrong.SyncBoard(ctx, good, false)
	if !errors.Is(err, jira.ErrUnauthorized) || strings.Contains(err.Error(), canary) {
		t.Fatalf("wrong credentials: %v", err)
	}
	var stored string
	e.store.Pool.QueryRow(ctx, `SELECT string_agg(error, ' ') FROM sync_runs`).Scan(&stored)
	st, _ := e.store.SyncState(ctx, store.Scope{Kind: "board", BoardID: good})
	if strings.Contains(stored+st.LastError, canary) || !strings.Contains(st.LastError, "credentials") {
		t.Fatalf("stored errors %q / %q", stored, st.LastError)
	}

	// JIRA goes away.
	down, _ := jira.New(jira.Config{BaseURL: "http://127.0.0.1:1/jira/", Email: "x", APIToken: "y", Transport: tr})
	offline := &vsync.Syncer{Store: e.store, Tracker: vsync.NewJiraTracker(down), Now: e.sim.Now}
	if _, err := offline.SyncBoard(ctx, good, false); err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("network down: %v", err)
	}

	// A repository that does not exist is refused when linked.
	gh, _ := github.New(github.Config{APIURL: e.url + "/github/", Token: "sim-github-token", Transport: tr})
	withGH := &vsync.Syncer{Store: e.store, CodeHost: vsync.GitHubHost{Client: gh}, Now: e.sim.Now}
	if _, err := withGH.AddRepo(ctx, "acme", "no-such-repo", good); !errors.Is(err, github.ErrNotFound) {
		t.Fatalf("missing repo: %v", err)
	}
	if issues, changes := counts(); issues < issues0 || changes < changes0 {
		t.Fatalf("data lost: %d/%d issues, %d/%d changes", issues, issues0, changes, changes0)
	}
}
