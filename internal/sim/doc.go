// Package sim is a deterministic, seeded simulation of JIRA (Cloud and Data Center) and GitHub
// (REST and GraphQL), served over HTTP for demos, tests and benchmarks (`vger simulate`). Clients
// written for the real services run against it unchanged; a ground-truth export says what exists
// so tests can compare what an ETL stored with what the source holds.
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
// response); jiraVendor is JIRA's, ghVendor GitHub's. Delays go through Options.Sleep so tests
// never wait.
//
// # Ground truth
//
// Truth, TruthIssues, Boards, Statuses and IssueTypes (truth.go) derive the truth from the plans,
// not from the HTTP serializers; ReadTruth decodes the JSON export (GET /_sim/truth).
//
// # GitHub
//
// Each team owns two or three repositories (github_world.go: "acme/payments-api", "-web",
// "-infra"; the Data team's live in a second organisation) linked to its JIRA board (Repos,
// BoardRepos, TruthBoard.Repos). Pull requests follow the issues' pattern (github_gen.go): a
// per-team arrival process with its own seed places exactly Options.PRs of them before the start;
// PR i lands in one of its team's repositories, takes the next number (with gaps, as issues share
// the sequence) and its whole life — author (members, dependabot[bot], renovate[bot], outside
// contributors from forks, some deleted), draft period, pushes, comments, merge or close in the
// team's working hours, base branch (main or a release branch), size with a heavy tail, a title
// and branch citing a JIRA key that existed at creation — is planned from (seed, i). Release tags
// (github_tags.go) follow each repository's cadence (weekly or fortnightly semver releases,
// release candidates, hotfixes, nightly-YYYYMMDD builds; annotated or lightweight) and point at
// the newest merge commit at tagging time. Object ids encode what they name (sha/parseSHA), so
// commits and tag objects resolve without tables. ghSnapshot (github_snap.go) holds the state at
// one clock value, like the JIRA snapshot.
//
// REST (github_rest.go) answers in api.github.com's shapes, checked against GitHub's OpenAPI
// description (testdata/github-openapi); rest() (github_http.go) adds the hourly primary budget
// (Options.GitHubRESTLimit; exhaustion is a 403 with x-ratelimit-remaining: 0), ETags with free
// 304s and Link paging. GraphQL (github_graphql.go) parses and validates documents with gqlparser
// against ghSDL, charges GitHub's cost (Options.GitHubGraphQLLimit; exhaustion is 200 with a
// RATE_LIMITED error) and writes exactly the selected fields. The --rate bucket and 429 faults
// are secondary limits (403 and 429 with retry-after; ghVendor). GraphQL's Bot.login has no
// "[bot]" suffix, as on GitHub; TruthPR.Author is the REST login.
//
// Ground truth: TruthPRs streams every pull request, TruthTags lists every tag with its date as
// METRICS.md defines it (tagger date when annotated, commit date when lightweight).
package sim
