package app

import (
	"strings"
	"testing"

	"github.com/vger-dev/vger/internal/config"
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

func TestReadyURL(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"0.0.0.0:8080":   "http://127.0.0.1:8080/readyz",
		":9000":          "http://127.0.0.1:9000/readyz",
		"[::]:8080":      "http://[::1]:8080/readyz",
		"10.1.2.3:8080":  "http://10.1.2.3:8080/readyz",
		"127.0.0.1:8080": "http://127.0.0.1:8080/readyz",
	} {
		if got := ReadyURL(&config.Config{Addr: addr}); got != want {
			t.Errorf("ReadyURL(%q) = %q, want %q", addr, got, want)
		}
	}
}
