package app

import (
	"strings"
	"testing"
)

func TestWithoutPassword(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"postgres://vger:s3cret-pw@db:5432/vger?sslmode=disable":      "postgres://vger@db:5432/vger?sslmode=disable",
		"postgresql://db/vger?password=s3cret-pw&sslmode=require":     "postgresql://db/vger?sslmode=require",
		"host=db user=vger password=s3cret-pw dbname=vger":            "host=db user=vger dbname=vger",
		"host=db password='s3cret-pw with \\' quote' dbname=vger":     "host=db dbname=vger",
		"password=s3cret-pw host=db":                                  "host=db",
		"host=/tmp/s port=5432 user=vger dbname=vger sslmode=disable": "host=/tmp/s port=5432 user=vger dbname=vger sslmode=disable",
	} {
		got := withoutPassword(in)
		if strings.Contains(got, "s3cret") || strings.Join(strings.Fields(got), " ") != want {
			t.Errorf("withoutPassword(%q) = %q, want %q", in, got, want)
		}
	}
}
