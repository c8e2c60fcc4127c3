package sync_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/vger-dev/vger/internal/logbuf"
	"github.com/vger-dev/vger/internal/logctx"
	"github.com/vger-dev/vger/internal/pgtest"
	vsync "github.com/vger-dev/vger/internal/sync"
)

// Each job a worker runs leaves one line naming its kind, id, attempt and
// args; the job's id rides the context as a request's id does.
func TestJobLogLine(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t)
	var buf logbuf.Buffer
	log := slog.New(logctx.Handler(slog.NewJSONHandler(&buf, nil)))
	client, err := vsync.NewClient(st, &vsync.Syncer{Store: st}, vsync.ClientOptions{Concurrency: 1, JobLog: log})
	if err != nil {
		t.Fatal(err)
	}
	events, cancel := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancel()
	ctx, stop := context.WithTimeout(context.Background(), 60*time.Second)
	defer stop()
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer client.Stop(context.Background())
	res, err := client.Insert(ctx, vsync.SyncAllArgs{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-events:
		if ev.Kind != river.EventKindJobCompleted {
			t.Fatalf("job %s: %v", ev.Kind, ev.Job.Errors)
		}
	case <-ctx.Done():
		t.Fatal("the job never ran")
	}
	var line map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == "job done" {
			line = m
		}
	}
	if line == nil {
		t.Fatalf("no job line in %q", buf.String())
	}
	if line["job"] != "sync_all" || line["job_id"] != float64(res.Job.ID) || line["attempt"] != float64(1) || line["args"] != "{}" {
		t.Fatalf("job line %v", line)
	}
}
