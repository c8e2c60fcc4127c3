package logctx

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestContextAttrsOnEveryLine(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := Logger(Logger(slog.New(slog.NewJSONHandler(&buf, nil))))
	ctx := With(context.Background(), slog.String("request_id", "abc123"))
	log.InfoContext(ctx, "one")
	log.With("k", "v").ErrorContext(ctx, "two")
	log.Info("three")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines: %s", len(lines), buf.String())
	}
	for _, l := range lines[:2] {
		if strings.Count(l, `"request_id":"abc123"`) != 1 {
			t.Errorf("line without (or with twice) the id: %s", l)
		}
	}
	if strings.Contains(lines[2], "request_id") {
		t.Errorf("line without context has an id: %s", lines[2])
	}
	// Derived contexts keep the parent's attributes and do not change it.
	child := With(ctx, slog.String("job", "7"))
	if len(Attrs(child)) != 2 || len(Attrs(ctx)) != 1 {
		t.Fatalf("attrs: %v / %v", Attrs(child), Attrs(ctx))
	}
}
