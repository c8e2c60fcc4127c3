package sim

import (
	"strconv"
	"strings"
	"testing"
)

// The corpus has at least 100 payloads, each with its own marker where it
// carries one, and a hostile simulation puts them into the names the
// product shows, leaving keys, ids and slugs clean.
func TestHostile(t *testing.T) {
	ps := Payloads()
	if len(ps) < 100 {
		t.Fatalf("%d payloads, want at least 100", len(ps))
	}
	seen := map[string]bool{}
	for k, p := range ps {
		if seen[p] {
			t.Errorf("payload %d repeats: %q", k, p)
		}
		seen[p] = true
		if strings.Contains(p, "XSS") {
			t.Errorf("payload %d kept its placeholder: %q", k, p)
		}
		if (strings.Contains(p, "alert(") || strings.Contains(p, "__xss")) && !strings.Contains(p, strconv.Itoa(HostileMarkerBase+k)) {
			t.Errorf("payload %d has no marker: %q", k, p)
		}
	}
	s, err := New(Options{Seed: 3, Issues: 300, PRs: 50, Hostile: true})
	if err != nil {
		t.Fatal(err)
	}
	has := func(what, v string) {
		t.Helper()
		for _, p := range ps {
			if strings.HasSuffix(v, " "+p) || strings.HasSuffix(v, "-"+p) || strings.HasPrefix(v, p+" ") {
				return
			}
		}
		t.Errorf("%s %q carries no payload", what, v)
	}
	for _, b := range s.Boards() {
		has("board", b.Name)
		has("team", b.Team)
		for _, c := range b.Columns {
			has("column", c.Name)
		}
		if strings.ContainsAny(b.Project, "<> ") {
			t.Errorf("project key %q", b.Project)
		}
	}
	for _, st := range s.Statuses() {
		has("status", st.Name)
	}
	for _, ty := range s.IssueTypes() {
		has("issue type", ty.Name)
	}
	for ti := range s.TruthIssues() {
		has("summary", ti.Summary)
	}
	for _, t := range s.world.Teams {
		for _, u := range t.users {
			has("user", u.displayName)
		}
	}
	// Off, nothing changes.
	plain, err := New(Options{Seed: 3, Issues: 300, PRs: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range plain.Statuses() {
		if strings.Contains(st.Name, "<") {
			t.Fatalf("plain status %q", st.Name)
		}
	}
}
