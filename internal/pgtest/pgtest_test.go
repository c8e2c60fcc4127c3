package pgtest_test

import (
	"context"
	"testing"

	"github.com/vger-dev/vger/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// Two tests write the same natural key: each has its own database, so
// neither sees the other's row.
func TestDatabasesAreIsolated(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"a", "b"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := pgtest.Store(t)
			ctx := context.Background()
			if _, err := s.CreateTeam(ctx, "Team", "same-slug"); err != nil {
				t.Fatal(err)
			}
			teams, err := s.ListTeams(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(teams) != 1 {
				t.Fatalf("want 1 team in a fresh database, got %d", len(teams))
			}
		})
	}
}

func TestTemplateIsMigrated(t *testing.T) {
	t.Parallel()
	s := pgtest.Store(t)
	st, err := s.CheckSchema(context.Background())
	if err != nil {
		t.Fatalf("fresh test database not current: %+v %v", st, err)
	}
	if st.AppTarget < 1 || st.RiverTarget < 1 {
		t.Fatalf("targets: %+v", st)
	}
}
