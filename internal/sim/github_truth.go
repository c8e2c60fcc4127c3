package sim

import (
	"iter"
	"strconv"
	"time"
)

// Ground truth for the GitHub half, derived from the plans and the snapshot's tag list (never
// from the HTTP serializers): every pull request and tag that exists at the simulated clock.

// TruthPR is one pull request as of the clock.
type TruthPR struct {
	Repo         string    `json:"repo"` // owner/name
	Number       int       `json:"number"`
	ID           int64     `json:"id"`     // REST id (GraphQL databaseId)
	NodeID       string    `json:"nodeId"` // REST node_id (GraphQL id)
	Title        string    `json:"title"`
	Author       string    `json:"author"`     // REST login: bots carry "[bot]" (GraphQL's Bot.login does not)
	AuthorType   string    `json:"authorType"` // User | Bot
	Base         string    `json:"base"`       // base branch
	Head         string    `json:"head"`       // head branch
	HeadRepo     string    `json:"headRepo"`   // owner/name of the head repository, "" when its fork was deleted
	State        string    `json:"state"`      // open | closed (merged or not: see MergedAt)
	Draft        bool      `json:"draft"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`
	ClosedAt     time.Time `json:"closedAt,omitzero"`
	MergedAt     time.Time `json:"mergedAt,omitzero"`
	MergedBy     string    `json:"mergedBy,omitempty"`
	MergeCommit  string    `json:"mergeCommit,omitempty"`
	Additions    int       `json:"additions"`
	Deletions    int       `json:"deletions"`
	ChangedFiles int       `json:"changedFiles"`
	Commits      int       `json:"commits"`
	Labels       []string  `json:"labels,omitempty"`
	JiraKey      string    `json:"jiraKey,omitempty"` // the issue its title or branch cites
}

// TruthTag is one tag as of the clock.
type TruthTag struct {
	Repo      string `json:"repo"`
	Name      string `json:"name"`
	SHA       string `json:"sha"` // the commit it points at (what GET .../tags reports)
	Annotated bool   `json:"annotated"`
	ObjectSHA string `json:"objectSha,omitempty"` // the annotated tag object's id
	// At is the tag's time as METRICS.md defines it: the tagger date of an annotated tag, the
	// commit date of a lightweight one.
	At       time.Time `json:"at"`
	CommitAt time.Time `json:"commitAt"`
	TaggerAt time.Time `json:"taggerAt,omitzero"`
	Kind     string    `json:"kind"` // release | rc | patch | nightly
}

// TruthPRs streams every pull request created by now, repository by repository in number order.
func (s *Sim) TruthPRs() iter.Seq[TruthPR] {
	sn := s.ghCurrent()
	return func(yield func(TruthPR) bool) {
		for _, repo := range s.gh.repos {
			for _, i := range sn.byRepo[repo.idx] {
				p := s.planPR(sn.v, i)
				if !yield(s.truthPR(sn, &p)) {
					return
				}
			}
		}
	}
}

func (s *Sim) truthPR(sn *ghSnapshot, p *prPlan) TruthPR {
	st := p.at(sn.now)
	t := TruthPR{
		Repo: p.repo.full, Number: int(p.hdr.num), ID: prID(p.idx), NodeID: prNodeID(p.idx), Title: s.prTitle(p),
		Author: p.author.login, AuthorType: p.author.typ, Base: p.baseRef(), Head: s.prHeadRef(p), HeadRepo: p.repo.full,
		State: "open", Draft: st.draft, CreatedAt: ms(p.hdr.created), UpdatedAt: ms(st.updated),
		Additions: int(p.adds), Deletions: int(p.dels), ChangedFiles: int(p.files), Commits: max(1, st.commits), JiraKey: p.key,
	}
	switch {
	case p.forkGone:
		t.HeadRepo = ""
	case p.fork:
		t.HeadRepo = p.author.login + "/" + p.repo.name
	}
	if !st.open {
		t.State = "closed"
		t.ClosedAt = ms(st.closed)
	}
	if st.merged {
		t.MergedAt = ms(st.mergedAt)
		t.MergedBy = p.mergedBy.login
		t.MergeCommit = s.sha(shaMerge, uint64(p.idx))
	}
	for k, l := range prLabels {
		if p.labels&(1<<k) != 0 {
			t.Labels = append(t.Labels, l.name)
		}
	}
	return t
}

var tagKinds = []string{tkRelease: "release", tkRC: "rc", tkPatch: "patch", tkNightly: "nightly"}

// TruthTags lists every tag that exists by now, repository by repository in time order.
func (s *Sim) TruthTags() []TruthTag {
	sn := s.ghCurrent()
	var out []TruthTag
	for _, repo := range s.gh.repos {
		for k := range sn.tags[repo.idx] {
			t := &sn.tags[repo.idx][k]
			tt := TruthTag{Repo: repo.full, Name: t.name, SHA: s.sha(t.commit.kind, t.commit.item), Annotated: t.annotated,
				At: ms(t.commit.at), CommitAt: ms(t.commit.at), Kind: tagKinds[t.kind]}
			if t.annotated {
				tt.ObjectSHA = s.sha(shaTagObj, uint64(repo.idx)<<48|t.id)
				tt.TaggerAt = ms(t.at)
				tt.At = tt.TaggerAt
			}
			out = append(out, tt)
		}
	}
	return out
}

// repoNames lists a board's repositories (owner/name).
func (s *Sim) repoNames(boardID int) []string {
	var out []string
	for _, r := range s.gh.repos {
		if r.team.BoardID == boardID {
			out = append(out, r.full)
		}
	}
	return out
}

// prKey names a pull request in truth comparisons ("acme/payments-api#12").
func prKey(repo string, n int) string { return repo + "#" + strconv.Itoa(n) }
