package jira_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/vger-dev/vger/internal/jira"
	"github.com/vger-dev/vger/internal/retry"
	"github.com/vger-dev/vger/internal/sim"
	"github.com/vger-dev/vger/internal/synctest"
)

func newSim(t *testing.T, opts sim.Options) (*sim.Sim, string) {
	t.Helper()
	s, url := synctest.ServeSim(t, opts)
	return s, url + "/jira/"
}

func noWait() *retry.Transport {
	tr := retry.New(nil)
	tr.Sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	return tr
}

// readAll searches a board's filter to the end, as the sync will.
func readAll(t *testing.T, c *jira.Client, jql, flag string) (map[int64]jira.Issue, int) {
	t.Helper()
	ctx := context.Background()
	got := map[int64]jira.Issue{}
	next, requests := "", 0
	for {
		p, err := c.Search(ctx, jql, next, flag)
		if err != nil {
			t.Fatal(err)
		}
		requests += p.Requests
		for _, is := range p.Issues {
			got[is.ID] = is
		}
		if p.Next == "" {
			return got, requests
		}
		next = p.Next
	}
}

func TestClientAgainstSimulator(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{sim.ModeCloud, sim.ModeDataCenter} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			s, base := newSim(t, sim.Options{Seed: 3, Issues: 400, Mode: mode})
			cfg := jira.Config{BaseURL: base, Transport: noWait(), PageSize: 30} // several pages per board
			if mode == sim.ModeCloud {
				cfg.Email, cfg.APIToken = "demo@example.com", "sim-jira-token"
			} else {
				cfg.PAT = "sim-jira-pat"
			}
			c, err := jira.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			si, err := c.ServerInfo(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if si.Cloud() != (mode == sim.ModeCloud) {
				t.Fatalf("deployment %q", si.DeploymentType)
			}
			me, err := c.Myself(ctx)
			if err != nil || me.TimeZone == "" {
				t.Fatalf("myself %+v %v", me, err)
			}
			sts, err := c.Statuses(ctx)
			if err != nil || len(sts) == 0 {
				t.Fatalf("statuses %d %v", len(sts), err)
			}
			flag, err := c.FlaggedFieldID(ctx)
			if err != nil || flag == "" {
				t.Fatalf("flagged field %q %v", flag, err)
			}
			boards, err := c.Boards(ctx, "")
			if err != nil || len(boards) != len(s.Boards()) {
				t.Fatalf("boards %d vs truth %d: %v", len(boards), len(s.Boards()), err)
			}
			truth := map[int64]sim.TruthIssue{}
			for ti := range s.TruthIssues() {
				id, _ := strconv.ParseInt(ti.ID, 10, 64)
				truth[id] = ti
			}
			for _, tb := range s.Boards() {
				bc, err := c.BoardConfiguration(ctx, tb.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(bc.Columns) != len(tb.Columns) {
					t.Fatalf("board %d: %d columns, truth %d", tb.ID, len(bc.Columns), len(tb.Columns))
				}
				jql, err := c.FilterJQL(ctx, bc.FilterID)
				if err != nil || jql != tb.FilterJQL {
					t.Fatalf("filter %q vs %q: %v", jql, tb.FilterJQL, err)
				}
				where, _ := jira.SplitOrderBy(jql)
				got, requests := readAll(t, c, jira.And(where)+" ORDER BY updated ASC", flag)
				t.Logf("board %d: %d issues in %d requests", tb.ID, len(got), requests)
				if len(got) == 0 {
					t.Fatalf("board %d: nothing found", tb.ID)
				}
				for id, is := range got {
					ti, ok := truth[id]
					if !ok {
						t.Fatalf("issue %d not in truth", id)
					}
					compare(t, is, ti)
				}
			}
		})
	}
}

func compare(t *testing.T, is jira.Issue, ti sim.TruthIssue) {
	t.Helper()
	if is.Key != ti.Key || is.StatusID != ti.Status || is.TypeID != ti.TypeID || is.Resolution != ti.Resolution ||
		!is.Created.Equal(ti.Created) || !is.Updated.Equal(ti.Updated) || is.Summary != ti.Summary {
		t.Fatalf("issue %d differs:\n got %+v\nwant %+v", is.ID, is, ti)
	}
	if len(is.StatusChanges) != len(ti.StatusChanges) {
		t.Fatalf("issue %s: %d status changes, truth %d", is.Key, len(is.StatusChanges), len(ti.StatusChanges))
	}
	for i, c := range is.StatusChanges {
		w := ti.StatusChanges[i]
		if strconv.FormatInt(c.HistoryID, 10) != w.HistoryID || !c.At.Equal(w.At) || c.From != w.From || c.To != w.To {
			t.Fatalf("issue %s change %d: got %+v want %+v", is.Key, i, c, w)
		}
	}
	if len(is.FlagChanges) != len(ti.FlagChanges) {
		t.Fatalf("issue %s: %d flag changes, truth %d", is.Key, len(is.FlagChanges), len(ti.FlagChanges))
	}
	for i, f := range is.FlagChanges {
		w := ti.FlagChanges[i]
		if !f.At.Equal(w.At) || f.Flagged != w.Flagged {
			t.Fatalf("issue %s flag %d: got %+v want %+v", is.Key, i, f, w)
		}
	}
}

func TestBadCredentials(t *testing.T) {
	t.Parallel()
	_, base := newSim(t, sim.Options{Seed: 1, Issues: 50})
	c, _ := jira.New(jira.Config{BaseURL: base, Email: "demo@example.com", APIToken: "canary-wrong-token", Transport: noWait()})
	_, err := c.ServerInfo(context.Background())
	if err == nil {
		// serverInfo may be anonymous on real sites; myself never is.
		_, err = c.Myself(context.Background())
	}
	if !errors.Is(err, jira.ErrUnauthorized) {
		t.Fatalf("want ErrUnauthorized, got %v", err)
	}
	if slices.Contains([]string{err.Error()}, "canary-wrong-token") {
		t.Fatal("token in error")
	}
}
