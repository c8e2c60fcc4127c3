// Package sim is a deterministic, seeded simulation of JIRA (Cloud and Data Center) and, next,
// GitHub, served over HTTP for demos, tests and benchmarks (`vger simulate`). Clients written for
// the real services run against it unchanged; a ground-truth export says what exists so tests can
// compare what an ETL stored with what the source holds.
//
// # Determinism and scale
//
// Every random choice comes from newRNG(seed, stream, item) (rng.go): issue i's whole life, past
// and future, is a pure function of (seed, i). Memory holds only a 24-byte header per issue
// (generator.go: creation time, project, type, parent, key number, move/delete flags) plus the
// project key tables; histories are re-planned on demand (history.go), so a million issues cost
// tens of megabytes and issue i can be produced alone, in order, for bulk loading (TruthIssues).
//
// Arrivals (arrivals.go) place team j's k-th issue at a quantile of that team's weight over time
// (working hours in its zone, weekly noise, holidays, growth), so exactly Options.Issues exist at
// the start and later issues continue the same process.
//
// # Clock
//
// The simulated clock starts at Options.Now() (default DefaultStart) and moves only through
// Advance (or POST /_sim/advance). Because plans already contain the future, advancing just
// reveals more of them: new issues, transitions, reopens, flags, key moves, deletions. The world
// at a time does not depend on how the clock got there. A snapshot (snapshot.go) is the compact
// state of every issue at one clock value, built lazily and shared by all requests at that time;
// JQL (jql_parse.go, jql_eval.go) runs on it.
//
// # Faults and rate limits
//
// guard (faults.go) wraps a vendor's handler: a token-bucket limiter (Options.Rate, measured on
// Options.Wall) and a fault schedule (Options.Faults). A fault is chosen from a hash of (seed,
// request identity, attempt): the same run fails the same way, a retry of the same request rolls
// again, and from the fifth attempt on nothing is injected. Each vendor supplies its own response
// shapes through the small vendor interface (429 headers and bodies, 5xx bodies, headers on every
// response); jiraVendor is JIRA's. Delays go through Options.Sleep so tests never wait.
//
// # Ground truth
//
// Truth, TruthIssues, Boards, Statuses and IssueTypes (truth.go) derive the truth from the plans,
// not from the HTTP serializers; ReadTruth decodes the JSON export (GET /_sim/truth).
//
// # Adding GitHub (issue 4)
//
// Mount the GitHub handler in routes.go as mux.Handle("/github/", s.guard(githubVendor{}, ...))
// with a githubVendor implementing vendor (403/429 with x-ratelimit-* and retry-after). Give
// repos and pull requests their own stream constants and derive PR i from (seed, i) like issues;
// World.Teams carries each team's project key and time zone, and a team's issue keys at a time
// come from the view's key tables (snapshot.v.byNum), so PR titles and branches can cite real
// keys. Extend Truth with PR and tag lists the same streaming way.
package sim
