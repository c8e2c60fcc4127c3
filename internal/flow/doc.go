// Package flow is Vger's metric engine: pure functions from issue histories, pull requests and a
// board definition to the numbers the views draw. It follows ../shared/METRICS.md (the contract)
// and docs/metrics.md (the user-facing definitions).
//
// Nothing here does I/O, reads the clock or keeps global state: "now" and randomness are
// parameters, and a *time.Location is loaded by the caller. Values that may be missing are
// Opt[T] (or a nil slice for a set of percentile lines), never 0, so a chart can draw a gap.
//
// The intended flow of data: the sync layer compiles a Board once (NewBoard), computes
// IssueFacts (Board.Facts) and position segments (Board.AppendSegments) for every issue after
// each sync and stores them; the web layer aggregates stored facts with Board.Weekly,
// Board.Quarterly, Board.CFD, Board.AgingWIP and the Monte Carlo functions.
package flow
