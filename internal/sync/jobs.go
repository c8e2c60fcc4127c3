package sync

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/vger-dev/vger/internal/logctx"
	"github.com/vger-dev/vger/internal/store"
)

// Queue is the River queue of sync jobs.
const Queue = "sync"

// JobTimeout bounds one job; syncs longer than that continue in a new job
// (see Syncer.Budget), so a killed worker's job is rescued soon.
const JobTimeout = 15 * time.Minute

// RescueAfter is when River hands a job of a dead worker to another.
const RescueAfter = JobTimeout + 5*time.Minute

// uniqueWhileActive: one queued or running job per board (or repo);
// a completed one does not block the next.
var uniqueWhileActive = river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateRetryable, rivertype.JobStateScheduled,
}}

// SyncBoardArgs asks for one board's sync. Args never hold secrets.
type SyncBoardArgs struct {
	BoardID int64 `json:"board_id" river:"unique"`
	Full    bool  `json:"full"`
}

// Kind names the job.
func (SyncBoardArgs) Kind() string { return "sync_board" }

// InsertOpts makes board syncs unique while queued or running.
func (SyncBoardArgs) InsertOpts() river.InsertOpts {
	// Syncs are idempotent and resumable: retrying often is safe.
	return river.InsertOpts{Queue: Queue, MaxAttempts: 25, UniqueOpts: uniqueWhileActive}
}

// SyncRepoArgs asks for one repository's sync.
type SyncRepoArgs struct {
	RepoID int64 `json:"repo_id" river:"unique"`
	Full   bool  `json:"full"`
}

// Kind names the job.
func (SyncRepoArgs) Kind() string { return "sync_repo" }

// InsertOpts makes repo syncs unique while queued or running.
func (SyncRepoArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: 25, UniqueOpts: uniqueWhileActive}
}

// RebuildFactsArgs asks for a board's facts to be recomputed (after a
// mapping change).
type RebuildFactsArgs struct {
	BoardID int64 `json:"board_id" river:"unique"`
}

// Kind names the job.
func (RebuildFactsArgs) Kind() string { return "rebuild_facts" }

// InsertOpts makes rebuilds unique while queued or running.
func (RebuildFactsArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: 3, UniqueOpts: uniqueWhileActive}
}

// SyncAllArgs is the periodic job that enqueues a sync of every board and repository.
type SyncAllArgs struct{}

// Kind names the job.
func (SyncAllArgs) Kind() string { return "sync_all" }

// InsertOpts keeps one periodic fan-out at a time.
func (SyncAllArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: 3, UniqueOpts: uniqueWhileActive}
}

// boardLock holds a session advisory lock on a board for the duration of
// a job, so periodic and on-demand syncs (and rebuilds) of one board never
// overlap. A dead worker's connection closes and frees it.
func boardLock(ctx context.Context, st *store.Store, boardID int64) (release func(), ok bool, err error) {
	return scopeLock(ctx, st, "board", boardID)
}

func scopeLock(ctx context.Context, st *store.Store, kind string, id int64) (release func(), ok bool, err error) {
	conn, err := st.Pool.Acquire(ctx)
	if err != nil {
		return nil, false, err
	}
	key := lockKey(kind, id)
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil || !ok {
		conn.Release()
		return nil, false, err
	}
	return func() {
		conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key)
		conn.Release()
	}, true, nil
}

func lockKey(kind string, id int64) int64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "vger:%s:%d", kind, id)
	return int64(h.Sum64())
}

// SyncBoardWorker runs board syncs.
type SyncBoardWorker struct {
	river.WorkerDefaults[SyncBoardArgs]
	Syncer *Syncer
}

// Timeout bounds the job.
func (w *SyncBoardWorker) Timeout(*river.Job[SyncBoardArgs]) time.Duration { return JobTimeout }

// Work syncs the board; a budget-limited partial sync continues at once.
func (w *SyncBoardWorker) Work(ctx context.Context, job *river.Job[SyncBoardArgs]) error {
	release, ok, err := boardLock(ctx, w.Syncer.Store, job.Args.BoardID)
	if err != nil {
		return err
	}
	if !ok {
		return river.JobSnooze(30 * time.Second) // another sync of this board runs
	}
	defer release()
	res, err := w.Syncer.SyncBoard(ctx, job.Args.BoardID, job.Args.Full && job.Attempt == 1)
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(err) // the board was deleted
	}
	if wait, ok := RateLimitWait(err); ok {
		return river.JobSnooze(wait) // a long rate limit: come back when it ends
	}
	if err != nil {
		return err
	}
	if res.Partial {
		return river.JobSnooze(0)
	}
	return nil
}

// SyncRepoWorker runs repository syncs.
type SyncRepoWorker struct {
	river.WorkerDefaults[SyncRepoArgs]
	Syncer *Syncer
}

// Timeout bounds the job.
func (w *SyncRepoWorker) Timeout(*river.Job[SyncRepoArgs]) time.Duration { return JobTimeout }

// Work syncs the repository under its own lock.
func (w *SyncRepoWorker) Work(ctx context.Context, job *river.Job[SyncRepoArgs]) error {
	release, ok, err := scopeLock(ctx, w.Syncer.Store, "repo", job.Args.RepoID)
	if err != nil {
		return err
	}
	if !ok {
		return river.JobSnooze(30 * time.Second)
	}
	defer release()
	_, err = w.Syncer.SyncRepo(ctx, job.Args.RepoID, job.Args.Full && job.Attempt == 1)
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(err)
	}
	if wait, ok := RateLimitWait(err); ok {
		return river.JobSnooze(wait)
	}
	return err
}

// RebuildFactsWorker recomputes facts.
type RebuildFactsWorker struct {
	river.WorkerDefaults[RebuildFactsArgs]
	Syncer *Syncer
}

// Timeout bounds the job.
func (w *RebuildFactsWorker) Timeout(*river.Job[RebuildFactsArgs]) time.Duration { return JobTimeout }

// Work rebuilds the board's facts.
func (w *RebuildFactsWorker) Work(ctx context.Context, job *river.Job[RebuildFactsArgs]) error {
	release, ok, err := boardLock(ctx, w.Syncer.Store, job.Args.BoardID)
	if err != nil {
		return err
	}
	if !ok {
		return river.JobSnooze(30 * time.Second)
	}
	defer release()
	// Settings saved while this job runs cannot queue another rebuild (River
	// keeps one per board while it runs): rebuild again until the settings
	// read are still the current ones. A change in the instant before the
	// job completes is caught by the next periodic sync's rebuild.
	for range 5 {
		before, err := w.Syncer.Store.BoardVersion(ctx, job.Args.BoardID)
		if err == nil {
			_, err = w.Syncer.RebuildFacts(ctx, job.Args.BoardID)
		}
		if errors.Is(err, store.ErrNotFound) {
			return river.JobCancel(err)
		}
		if err != nil {
			return err
		}
		after, err := w.Syncer.Store.BoardVersion(ctx, job.Args.BoardID)
		if err != nil || after.Equal(before) {
			return err
		}
	}
	return nil
}

// SyncAllWorker enqueues a sync of every board.
type SyncAllWorker struct {
	river.WorkerDefaults[SyncAllArgs]
	Syncer *Syncer
}

// Work fans out.
func (w *SyncAllWorker) Work(ctx context.Context, job *river.Job[SyncAllArgs]) error {
	client := river.ClientFromContext[pgx.Tx](ctx)
	boards, err := w.Syncer.Store.Boards(ctx)
	if err != nil {
		return err
	}
	for _, b := range boards {
		if _, err := client.Insert(ctx, SyncBoardArgs{BoardID: b.ID}, nil); err != nil {
			return err
		}
	}
	if w.Syncer.CodeHost == nil {
		return nil
	}
	repos, err := w.Syncer.Store.Repos(ctx)
	if err != nil {
		return err
	}
	for _, r := range repos {
		if _, err := client.Insert(ctx, SyncRepoArgs{RepoID: r.ID}, nil); err != nil {
			return err
		}
	}
	return nil
}

// Workers registers every job kind.
func Workers(s *Syncer) *river.Workers {
	ws := river.NewWorkers()
	river.AddWorker(ws, &SyncBoardWorker{Syncer: s})
	river.AddWorker(ws, &SyncRepoWorker{Syncer: s})
	river.AddWorker(ws, &RebuildFactsWorker{Syncer: s})
	river.AddWorker(ws, &SyncAllWorker{Syncer: s})
	return ws
}

// ClientOptions configure the River client.
type ClientOptions struct {
	Concurrency int           // jobs at once in this process (0: insert-only client)
	Interval    time.Duration // periodic sync of every board
	Log         *slog.Logger  // River's own messages
	// JobLog, when set, gets one line per job worked (kind, id, attempt,
	// args, time taken, outcome), and every line logged with the job's
	// context carries the job's id and kind (logctx).
	JobLog *slog.Logger
}

// NewClient makes a River client: with Concurrency > 0 a worker that also
// schedules the periodic sync; otherwise an insert-only client (the web
// server's, for "refresh now").
func NewClient(st *store.Store, s *Syncer, opts ClientOptions) (*river.Client[pgx.Tx], error) {
	cfg := &river.Config{Logger: opts.Log}
	if opts.Concurrency > 0 {
		cfg.Queues = map[string]river.QueueConfig{Queue: {MaxWorkers: opts.Concurrency}}
		cfg.Workers = Workers(s)
		cfg.JobTimeout = JobTimeout
		cfg.RescueStuckJobsAfter = RescueAfter
		if opts.JobLog != nil {
			cfg.Middleware = []rivertype.Middleware{jobLogger(opts.JobLog)}
		}
		if opts.Interval > 0 {
			cfg.PeriodicJobs = []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(opts.Interval),
				func() (river.JobArgs, *river.InsertOpts) { return SyncAllArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true, ID: "sync_all"})}
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return river.NewClient(riverpgxv5.New(st.Pool), cfg)
}

// jobLogger logs each job worked, with the job's id and kind on every line
// logged in its context (as a request id is on a request's lines).
func jobLogger(log *slog.Logger) river.WorkerMiddlewareFunc {
	return func(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
		ctx = logctx.With(ctx, slog.Int64("job_id", job.ID), slog.String("job", job.Kind))
		began := time.Now()
		err := doInner(ctx)
		attrs := []any{"attempt", job.Attempt, "args", string(job.EncodedArgs), "took", time.Since(began).Round(time.Millisecond).String()}
		var snooze *river.JobSnoozeError
		switch {
		case err == nil:
			log.InfoContext(ctx, "job done", attrs...)
		case errors.As(err, &snooze):
			log.InfoContext(ctx, "job snoozed", append(attrs, "until", time.Now().Add(snooze.Duration).UTC().Format(time.RFC3339))...)
		default:
			// err is what River stores in the job row: sources mask
			// secrets before it gets here (the canary test reads both).
			log.WarnContext(ctx, "job failed", append(attrs, "error", err.Error(), "max_attempts", job.MaxAttempts)...)
		}
		return err
	}
}
