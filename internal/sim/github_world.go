package sim

import (
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"strings"
	"time"
)

// The GitHub half's static world: organisations, users (team members, bots, outside
// contributors) and each team's repositories with their release habits. Like the JIRA world it is
// a pure function of the seed and the number of teams.

// Stream identifiers of the GitHub half (kept apart from the JIRA streams in rng.go).
const (
	streamPRArrival uint64 = 100 + iota // seeds the PR arrival process
	streamPR                            // a pull request's whole life
	streamPRRepo                        // which of its team's repos a PR lands in
	streamPRNum                         // gaps in PR numbers (issues share the sequence)
	streamPRText                        // titles, branch names, dependency bumps
	streamSHA                           // object ids
	streamRelease                       // release schedule: skips, majors, hotfixes, annotation
	streamGHID                          // request ids
)

// GitHub's own users that show up in every instance.
var (
	ghDependabot = &ghUser{login: "dependabot[bot]", gqlLogin: "dependabot", id: 49699333, typ: "Bot", name: "dependabot[bot]"}
	ghRenovate   = &ghUser{login: "renovate[bot]", gqlLogin: "renovate", id: 29139614, typ: "Bot", name: "renovate[bot]"}
	ghWebFlow    = &ghUser{login: "web-flow", gqlLogin: "web-flow", id: 19864447, typ: "User", name: "GitHub"}
	ghViewer     = &ghUser{login: "vger-demo", gqlLogin: "vger-demo", id: 5000001, typ: "User", name: "Vger Demo"}
)

// Outside contributors open the occasional pull request from a fork.
var externalLogins = []string{"kwame-codes", "lina-dev", "rustacean42", "mhoffmann", "tkato", "sahil-oss",
	"quietbyte", "dmitri-k", "sofia-builds", "octo-helper", "jbarnes", "pixelfox"}

type ghUser struct {
	login    string // REST login (bots carry the [bot] suffix)
	gqlLogin string // GraphQL Bot.login has no suffix
	id       int64
	typ      string // User | Bot | Organization
	name     string
	email    string
	node     string
}

func (u *ghUser) nodeID() string {
	if u.node != "" {
		return u.node
	}
	switch u.typ {
	case "Bot":
		return "BOT_" + nodeTail(uint64(u.id))
	case "Organization":
		return "O_" + nodeTail(uint64(u.id))
	}
	return "U_" + nodeTail(uint64(u.id))
}

// nodeTail makes the opaque part of a GitHub global node id ("PR_kwDOAB..."), which is base64 of
// a small binary record: a stable function of the object's number.
func nodeTail(n uint64) string {
	var b [10]byte
	b[0], b[1] = 0x93, 0x00
	binary.BigEndian.PutUint64(b[2:], n)
	return "kwDO" + base64.RawURLEncoding.EncodeToString(b[:])
}

// repoKind describes one kind of repository a team owns and how it ships.
type repoKind struct {
	suffix, lang, desc string
	weight             float64
	bot                *ghUser
	created            int64 // days relative to the history's start (negative = before)
}

var repoKinds = []repoKind{
	{"api", "Go", "%s service: HTTP API and background jobs", 0.5, ghDependabot, -420},
	{"web", "TypeScript", "%s web front end", 0.35, ghRenovate, -150},
	{"infra", "HCL", "Infrastructure as code for %s", 0.15, ghDependabot, historyDays * 4 / 10},
}

type ghRepo struct {
	idx         int
	owner       *ghUser
	name, full  string
	id          int64
	team        *Team
	kind        *repoKind
	created     int64
	desc        string
	squash      bool    // squash merges (else merge commits)
	cadence     int     // days between releases, 0 = no semver tags
	relDow      int     // release weekday (0 = Monday)
	relHour     float64 // local hour of the release
	annotated   float64 // share of release tags that are annotated
	releases    bool    // publishes GitHub releases for its tags
	nightly     bool    // tags nightly-YYYYMMDD builds
	major0      int     // first major version
	nightlyFrom int64   // first nightly build
	members     []*ghUser
	releaser    *ghUser
}

func (r *ghRepo) nodeID() string { return "R_" + nodeTail(uint64(r.id)) }

// ghWorld is the static GitHub side.
type ghWorld struct {
	orgs    []*ghUser
	repos   []*ghRepo
	byName  map[string]*ghRepo // "owner/name", lower case
	byTeam  [][]*ghRepo
	members [][]*ghUser // per team
	ext     []*ghUser
	byLogin map[string]*ghUser
}

func newGHWorld(seed int64, w *World, start int64) *ghWorld {
	g := &ghWorld{byName: map[string]*ghRepo{}, byLogin: map[string]*ghUser{}}
	org := func(login string, id int64) *ghUser {
		for _, o := range g.orgs {
			if o.login == login {
				return o
			}
		}
		o := &ghUser{login: login, gqlLogin: login, id: id, typ: "Organization", name: strings.ToUpper(login[:1]) + login[1:]}
		g.orgs = append(g.orgs, o)
		return o
	}
	used := map[string]bool{}
	histStart := start - historyDays*dayMs
	for _, tm := range w.Teams {
		var ms []*ghUser
		for k, u := range tm.users {
			f := strings.Fields(strings.ToLower(u.displayName))
			login := strings.Join(f, "-")
			for n := 2; used[login]; n++ {
				login = strings.Join(f, "-") + strconv.Itoa(n)
			}
			used[login] = true
			ms = append(ms, &ghUser{login: login, gqlLogin: login, id: 1_000_000 + int64(tm.Index)*100 + int64(k), typ: "User",
				name: u.displayName, email: login + "@users.noreply.github.com"})
		}
		g.members = append(g.members, ms)
		owner := org("acme", 9_000_001)
		if tm.Index%5 == 3 {
			owner = org("acme-data", 9_000_002)
		}
		var list []*ghRepo
		for k := range repoKinds {
			kind := &repoKinds[k]
			if k == 2 && tm.Index%2 == 1 {
				continue // only some teams keep a separate infrastructure repository
			}
			r := newRNG(seed, streamRelease, uint64(tm.Index)<<8|uint64(k))
			repo := &ghRepo{
				idx: len(g.repos), owner: owner, name: tm.Slug + "-" + kind.suffix, team: tm, kind: kind,
				id:      700_000_000 + int64(tm.Index)*1000 + int64(k)*17 + int64(r.intn(13)),
				created: histStart + kind.created*dayMs + int64(r.intn(int(dayMs))),
				desc:    strings.Replace(kind.desc, "%s", tm.Name, 1), members: ms,
				relDow: 1 + r.intn(3), relHour: 13 + 3*r.float(), major0: 1 + r.intn(3),
			}
			repo.full = owner.login + "/" + repo.name
			repo.releaser = ms[r.intn(len(ms))]
			switch kind.suffix {
			case "api":
				repo.squash = true
				repo.cadence = 7
				if tm.Index%2 == 1 {
					repo.cadence = 14
				}
				repo.annotated = 1
				if tm.Index%3 == 1 {
					repo.annotated = 0.5
				}
				repo.releases = true
			case "web":
				if tm.Index%2 == 0 {
					repo.cadence = 14
					repo.nightly = true
					repo.nightlyFrom = start - 120*dayMs
				}
			}
			g.repos = append(g.repos, repo)
			g.byName[strings.ToLower(repo.full)] = repo
			list = append(list, repo)
		}
		g.byTeam = append(g.byTeam, list)
	}
	for k, l := range externalLogins {
		g.ext = append(g.ext, &ghUser{login: l, gqlLogin: l, id: 3_000_000 + int64(k)*7919, typ: "User"})
	}
	for _, u := range []*ghUser{ghDependabot, ghRenovate, ghWebFlow, ghViewer} {
		g.byLogin[strings.ToLower(u.login)] = u
	}
	for _, ms := range g.members {
		for _, u := range ms {
			g.byLogin[u.login] = u
		}
	}
	for _, u := range g.ext {
		g.byLogin[u.login] = u
	}
	for _, o := range g.orgs {
		g.byLogin[o.login] = o
	}
	return g
}

func (g *ghWorld) repo(owner, name string) *ghRepo {
	return g.byName[strings.ToLower(owner+"/"+name)]
}

// Repo is one simulated GitHub repository and the team, JIRA project and board it belongs to
// (the demo links each board to its team's repositories).
type Repo struct {
	Owner         string    `json:"owner"`
	Name          string    `json:"name"`
	FullName      string    `json:"fullName"`
	ID            int64     `json:"id"`
	NodeID        string    `json:"nodeId"`
	Team          string    `json:"team"`
	Project       string    `json:"project"` // the team's JIRA project key
	BoardID       int       `json:"boardId"` // the team's JIRA board
	DefaultBranch string    `json:"defaultBranch"`
	CreatedAt     time.Time `json:"createdAt"`
	// How the repository ships (what a tag-pattern filter has to cope with).
	ReleaseEveryDays int     `json:"releaseEveryDays"` // 0 = no semver release tags
	AnnotatedShare   float64 `json:"annotatedShare"`   // share of release tags that are annotated
	NightlyTags      bool    `json:"nightlyTags"`      // also tags nightly-YYYYMMDD builds
	Releases         bool    `json:"releases"`         // publishes GitHub releases
}

func (r *ghRepo) public() Repo {
	return Repo{Owner: r.owner.login, Name: r.name, FullName: r.full, ID: r.id, NodeID: r.nodeID(), Team: r.team.Name,
		Project: r.team.ProjectKey, BoardID: r.team.BoardID, DefaultBranch: "main", CreatedAt: ms(r.created),
		ReleaseEveryDays: r.cadence, AnnotatedShare: r.annotated, NightlyTags: r.nightly, Releases: r.releases}
}

// Repos lists every repository (in a stable order: by team, then api, web, infra).
func (s *Sim) Repos() []Repo {
	var out []Repo
	for _, r := range s.gh.repos {
		out = append(out, r.public())
	}
	return out
}

// BoardRepos lists the repositories linked to a JIRA board (its team's), nil for an unknown board.
func (s *Sim) BoardRepos(boardID int) []Repo {
	var out []Repo
	for _, r := range s.gh.repos {
		if r.team.BoardID == boardID {
			out = append(out, r.public())
		}
	}
	return out
}

// Orgs lists the GitHub organisations that own the repositories.
func (s *Sim) Orgs() []string {
	var out []string
	for _, o := range s.gh.orgs {
		out = append(out, o.login)
	}
	return out
}
