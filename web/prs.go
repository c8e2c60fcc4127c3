package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/flowmap"
	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/chart"
	"github.com/vger-dev/vger/web/views"
)

// PRParams is the state of a pull-request view: the common range, day
// mode, window and tags, plus which repositories, base branches and authors.
type PRParams struct {
	ViewParams
	Repos           []string // owner/name; empty = every repo of the board
	Bases           []string // base branches; empty = the board's (all by default)
	Exclude         []string // authors left out; nil = the board's list
	explicitExclude bool
}

var (
	branchName = regexp.MustCompile(`^[A-Za-z0-9._/+-]{1,200}$`)
	loginName  = regexp.MustCompile(`^[A-Za-z0-9-]{1,39}(\[bot\])?$`)
)

// ParsePRParams reads a PR view's query string.
func ParsePRParams(q url.Values, b store.Board, repos []store.Repo) (PRParams, error) {
	return parsePRParams(q, b, repos, prParamOrder)
}

// parsePRParams reads the parameters a PR view allows: the common ones and
// the repository, base-branch and author filters.
func parsePRParams(q url.Values, b store.Board, repos []store.Repo, allowed []string) (PRParams, error) {
	vp, err := parseParams(q, b, allowed)
	if err != nil {
		return PRParams{}, err
	}
	_, excludeGiven := q["exclude"] // the form always sends it, empty when no box is ticked
	if q.Has("apply") {
		q = cleanForm(q)
	}
	p := PRParams{ViewParams: vp}
	var names []string
	for _, r := range repos {
		names = append(names, r.FullName())
	}
	for _, v := range q["repo"] {
		name, ok := matchName(strings.TrimSpace(v), names)
		if !ok {
			allowed := strings.Join(names, ", ")
			if allowed == "" {
				allowed = "none: this board has no linked repositories"
			}
			return p, InvalidParam("repo", fmt.Sprintf("%q is not a repository of this board", v), allowed)
		}
		if !slices.Contains(p.Repos, name) {
			p.Repos = append(p.Repos, name)
		}
	}
	slices.SortFunc(p.Repos, func(a, c string) int { return slices.Index(names, a) - slices.Index(names, c) })
	for _, v := range q["base"] {
		v = strings.TrimSpace(v)
		if !branchName.MatchString(v) || strings.Contains(v, "..") {
			return p, InvalidParam("base", fmt.Sprintf("%q is not a branch name", v), "a base branch such as main or release/2.1, repeatable")
		}
		if !slices.Contains(p.Bases, v) {
			p.Bases = append(p.Bases, v)
		}
	}
	slices.Sort(p.Bases)
	if excludeGiven {
		p.explicitExclude = true
		for _, v := range q["exclude"] {
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			if !loginName.MatchString(v) {
				return p, InvalidParam("exclude", fmt.Sprintf("%q is not a GitHub login", v), "an author's login such as dependabot[bot], repeatable")
			}
			if !slices.Contains(p.Exclude, v) {
				p.Exclude = append(p.Exclude, v)
			}
		}
		slices.Sort(p.Exclude)
	}
	return p, nil
}

func (p PRParams) bases(b store.Board) []string {
	if len(p.Bases) > 0 {
		return p.Bases
	}
	return b.PRBaseBranches
}

func (p PRParams) exclude(b store.Board) []string {
	if p.explicitExclude {
		return p.Exclude
	}
	return b.PRExcludeAuthors
}

// Canonical leaves out what equals the board's settings (every base branch
// seen ticked is the same as no base filter).
func (p PRParams) Canonical(b store.Board, repos []store.Repo, seenBases []string) url.Values {
	q := p.ViewParams.Canonical(b)
	for _, k := range []string{"type", "start", "end", "backlog", "hide"} {
		q.Del(k)
	}
	if len(p.Repos) > 0 && len(p.Repos) < len(repos) {
		q["repo"] = slices.Clone(p.Repos)
	}
	everySeen := len(b.PRBaseBranches) == 0 && len(seenBases) > 0
	for _, br := range seenBases {
		everySeen = everySeen && slices.Contains(p.Bases, br)
	}
	if bs := p.bases(b); len(p.Bases) > 0 && !everySeen && !slices.Equal(sortedCopy(bs), sortedCopy(b.PRBaseBranches)) {
		q["base"] = slices.Clone(bs)
	}
	if p.explicitExclude && !slices.Equal(sortedCopy(p.Exclude), sortedCopy(b.PRExcludeAuthors)) {
		if len(p.Exclude) == 0 {
			q["exclude"] = []string{""} // "nobody", overriding the board's list
		} else {
			q["exclude"] = slices.Clone(p.Exclude)
		}
	}
	return q
}

// Permalink freezes dates and writes every setting out.
func (p PRParams) Permalink(b store.Board, repos []store.Repo, from, to flow.Date) url.Values {
	q := p.ViewParams.Permalink(b, from, to)
	for _, k := range []string{"type", "start", "end", "backlog", "hide"} {
		q.Del(k)
	}
	rs := p.Repos
	if len(rs) == 0 {
		for _, r := range repos {
			rs = append(rs, r.FullName())
		}
	}
	if len(rs) > 0 {
		q["repo"] = slices.Clone(rs)
	}
	if bs := p.bases(b); len(bs) > 0 {
		q["base"] = slices.Clone(bs)
	}
	if ex := p.exclude(b); len(ex) > 0 {
		q["exclude"] = slices.Clone(ex)
	} else {
		q["exclude"] = []string{""}
	}
	return q
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// prData is what the PR views compute from.
type prData struct {
	Board  store.Board
	Flow   *flow.Board
	Repos  []store.Repo
	PRs    []flow.PullRequest
	Rows   []store.BoardPR // same order as PRs
	Tags   []flow.Tag
	Notes  []store.Annotation
	Status store.BoardStatus
	Bots   []string // bot authors seen, offered for exclusion
	Bases  []string // base branches seen
}

func (s *Server) loadPRData(ctx context.Context, b store.Board, p PRParams) (*prData, error) {
	cat, err := s.catalog(ctx)
	if err != nil {
		return nil, err
	}
	eff := b
	if p.Days != "" {
		eff.DayMode = p.Days
	}
	if p.Window != 0 {
		eff.RollingWeeks = p.Window
	}
	eff.PRBaseBranches, eff.PRExcludeAuthors = p.bases(b), p.exclude(b)
	fb, err := flowmap.Board(eff, cat)
	if err != nil {
		return nil, fmt.Errorf("board %d settings: %w", b.ID, err)
	}
	d := &prData{Board: eff, Flow: fb}
	if d.Repos, err = s.pages().BoardRepos(ctx, b.ID); err != nil {
		return nil, err
	}
	rows, err := s.pages().BoardPullRequests(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	bots, bases := map[string]bool{}, map[string]bool{}
	for _, r := range rows {
		if strings.HasSuffix(r.Author, "[bot]") {
			bots[r.Author] = true
		}
		bases[r.BaseRef] = true
		if len(p.Repos) > 0 && !slices.Contains(p.Repos, r.Repo) {
			continue
		}
		pr := flow.PullRequest{Repo: r.Repo, Number: r.Number, Author: r.Author, Base: r.BaseRef, CreatedAt: r.CreatedAt}
		if r.ClosedAt != nil {
			pr.ClosedAt = *r.ClosedAt
		}
		if r.MergedAt != nil {
			pr.MergedAt = *r.MergedAt
		}
		if r.Additions != nil {
			pr.Additions = *r.Additions
		}
		if r.Deletions != nil {
			pr.Deletions = *r.Deletions
		}
		d.PRs = append(d.PRs, pr)
		d.Rows = append(d.Rows, r)
	}
	for k := range bots {
		d.Bots = append(d.Bots, k)
	}
	for k := range bases {
		d.Bases = append(d.Bases, k)
	}
	slices.Sort(d.Bots)
	slices.Sort(d.Bases)
	if d.Tags, d.Notes, d.Status, err = s.boardExtras(ctx, b, p.Tags, p.Notes); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Server) prSeries(r *http.Request) (store.Board, PRParams, *prData, flow.PRSeries, error) {
	b, err := s.boardFromURL(r)
	if err != nil {
		return b, PRParams{}, nil, flow.PRSeries{}, err
	}
	repos, err := s.pages().BoardRepos(r.Context(), b.ID)
	if err != nil {
		return b, PRParams{}, nil, flow.PRSeries{}, err
	}
	p, err := ParsePRParams(r.URL.Query(), b, repos)
	if err != nil {
		return b, p, nil, flow.PRSeries{}, err
	}
	d, err := s.loadPRData(r.Context(), b, p)
	if err != nil {
		return b, p, nil, flow.PRSeries{}, err
	}
	now := s.now()
	from, to := p.Range(d.Flow, now)
	series, err := d.Flow.PRWeekly(d.PRs, flow.PRQuery{From: from, To: to}, now)
	if err != nil {
		return b, p, d, series, rangeError(err)
	}
	return b, p, d, series, nil
}

// pullRequests is the PR quadrant of a board (or, with repo=, of one repo).
func (s *Server) pullRequests(w http.ResponseWriter, r *http.Request) error {
	b, p, d, series, err := s.prSeries(r)
	if err != nil {
		return err
	}
	canon := Encode(p.Canonical(b, d.Repos, d.Bases))
	path := boardPath(b) + "/prs"
	if r.URL.Query().Has("apply") {
		http.Redirect(w, r, withQuery(path, canon), http.StatusSeeOther)
		return nil
	}
	if p.Format == "json" {
		return writeJSON(w, prJSON(b, series))
	}
	qc := newPRCharts(d, series)
	unit := unitOf(d.Board.DayMode)
	jiraCanon := Encode(ViewParams{Weeks: p.Weeks, From: p.From, To: p.To, Tags: p.Tags, Notes: p.Notes, Days: p.Days, Window: p.Window}.Canonical(b))
	m := views.PRPage{
		Page:         views.Page{Title: b.Name + " · Pull requests", Version: s.Version},
		Board:        s.boardHeaderPR(b, d.Status, jiraCanon, canon),
		Controls:     prControls(b, p, d),
		Permalink:    withQuery(path, Encode(p.Permalink(b, d.Repos, series.From, series.To))),
		JSONURL:      withQuery(path, Encode(withFormat(p.Canonical(b, d.Repos, d.Bases), "json"))),
		CSVURL:       withQuery(path+"/prs.csv", canon),
		WeeklyURL:    withQuery(path+"/throughput.csv", canon),
		JiraURL:      withQuery(boardPath(b), jiraCanon),
		QuarterlyURL: withQuery(path+"/quarterly", encodeIn(prQuarterlyParamOrder, keepValues(p.Canonical(b, d.Repos, d.Bases), "repo", "base", "exclude", "days", "window", "tags"))),
		RangeText:    fmt.Sprintf("Weeks of %s to %s", series.From, series.To.AddDays(-6)),
		Window:       series.Window,
	}
	merged, stats := qc.rolling.stats(prCounts)
	switch {
	case len(d.Repos) == 0:
		m.Empty = "No GitHub repositories are linked to this board. Link one in the board's settings (or `vger repo add OWNER/NAME --board ID`)."
	case len(d.PRs) == 0:
		m.Empty = "The linked repositories have no pull requests yet, or they have not been synced."
	case merged == 0:
		m.Notices = append(m.Notices, "No pull request was merged in these weeks with these filters.")
	}
	m.Stats = stats
	m.Charts = []views.ChartBlock{
		{ID: "prthroughput", Explain: "Bars: pull requests merged each week (the current week is hatched); lines: at the 50/80/90% likelihood, at least that many merged a week over the rolling window, and over the whole range.",
			Chart: qc.throughput().Component(), SVGURL: withQuery(path+"/chart/prthroughput.svg", canon), Table: qc.rolling.throughputTable(prCounts)},
		{ID: "prvariation", Explain: "Standard deviation of weekly merges divided by their mean, over the rolling window.",
			Chart: qc.variation().Component(), SVGURL: withQuery(path+"/chart/prvariation.svg", canon), Table: qc.rolling.variationTable(prCounts)},
		{ID: "prvolume", Explain: "Lines added plus deleted, counted once in the week each pull request closed: merged (green) and rejected, closed without merge (red), stacked.",
			Chart: qc.volume().Component(), SVGURL: withQuery(path+"/chart/prvolume.svg", canon), Table: prVolumeTable(series)},
		{ID: "prleadtime", Explain: "Of the pull requests merged in the rolling window, 50/80/90% were merged within this many days of being opened.",
			Chart: qc.leadTime(unit).Component(), SVGURL: withQuery(path+"/chart/prleadtime.svg", canon), Table: qc.rolling.leadTable(prCounts)},
	}
	s.forUser(r, &m.Page, &m.Board)
	return render(w, r, http.StatusOK, views.PRQuadrantPage(m))
}

// keepValues keeps the named parameters.
func keepValues(q url.Values, keys ...string) url.Values {
	out := url.Values{}
	for _, k := range keys {
		if v, ok := q[k]; ok {
			out[k] = v
		}
	}
	return out
}

func prControls(b store.Board, p PRParams, d *prData) views.PRControls {
	vc := viewControls(b, p.ViewParams)
	c := views.PRControls{Weeks: vc.Weeks, From: vc.From, To: vc.To, Days: vc.Days, Window: vc.Window, Tags: vc.Tags, Notes: vc.Notes}
	for _, r := range d.Repos {
		c.Repos = append(c.Repos, views.Option{Value: r.FullName(), Label: r.FullName(), Selected: len(p.Repos) == 0 || slices.Contains(p.Repos, r.FullName())})
	}
	sel := p.bases(b)
	for _, br := range d.Bases {
		c.Bases = append(c.Bases, views.Option{Value: br, Label: br, Selected: len(sel) == 0 || slices.Contains(sel, br)})
	}
	ex := p.exclude(b)
	authors := slices.Clone(d.Bots)
	for _, a := range ex {
		if !slices.Contains(authors, a) {
			authors = append(authors, a)
		}
	}
	slices.Sort(authors)
	for _, a := range authors {
		c.Exclude = append(c.Exclude, views.Option{Value: a, Label: a, Selected: slices.Contains(ex, a)})
	}
	return c
}

// boardHeaderPR is the board strip with the PR tab active; tabs keep the range.
func (s *Server) boardHeaderPR(b store.Board, st store.BoardStatus, jiraCanon, prCanon string) views.BoardHeader {
	d := &boardData{Board: b, Status: st}
	h := s.boardHeader(b, d, "prs", jiraCanon)
	h.Back = withQuery(boardPath(b)+"/prs", prCanon)
	return h
}

// prCharts draws the PR quadrant.
type prCharts struct {
	quadrantCharts // axes and markers
	series         flow.PRSeries
	rolling        rollingSeries
}

func newPRCharts(d *prData, series flow.PRSeries) prCharts {
	qc := quadrantCharts{fb: d.Flow, tags: d.Tags, notes: d.Notes, series: flow.WeeklySeries{From: series.From, To: series.To}}
	return prCharts{quadrantCharts: qc, series: series, rolling: prRolling(series)}
}

func (q prCharts) throughput() *chart.Chart { return q.throughputChart(q.rolling, prCounts) }

func (q prCharts) variation() *chart.Chart { return q.variationChart(q.rolling, prCounts) }

func (q prCharts) leadTime(unit string) *chart.Chart {
	return q.leadTimeChart(q.rolling, prCounts, unit)
}

func (q prCharts) volume() *chart.Chart {
	var merged, rejected []chart.Datum
	for _, w := range q.series.Weeks {
		merged = append(merged, chart.Datum{X: q.at(w.Monday), Y: float64(w.VolumeMerged), Partial: w.Partial})
		rejected = append(rejected, chart.Datum{X: q.at(w.Monday), Y: float64(w.VolumeRejected), Partial: w.Partial})
	}
	layers := []chart.Layer{&chart.Bars{ID: "volume", Stacked: true, PartialLabel: "This week (so far)", Series: []chart.Series{
		{ID: "merged", Name: "Merged lines", Style: chart.MergedStyle, Data: merged},
		{ID: "rejected", Name: "Rejected lines", Style: chart.RejectedStyle, Data: rejected},
	}}}
	return &chart.Chart{Width: gridChartWidth, ID: "prvolume", Title: "PR volume: lines changed in pull requests closed each week", YLabel: "Lines added + deleted",
		X: q.xScale(), Y: chart.Linear{Integer: true, Unit: "lines"}, Layers: withMarkers(layers, q.markers()), Class: "chart-fluid"}
}

func prVolumeTable(s flow.PRSeries) views.Table {
	t := views.Table{Caption: "Lines changed in pull requests closed each week", Head: []string{"Week", "Merged", "Rejected"}}
	for _, w := range s.Weeks {
		t.Rows = append(t.Rows, weekRow("prvol", flow.Week{Monday: w.Monday, Partial: w.Partial}, strconv.Itoa(w.VolumeMerged), strconv.Itoa(w.VolumeRejected)))
	}
	return t
}

type prWeekJSON struct {
	Week           string             `json:"week"`
	Partial        bool               `json:"partial"`
	Merged         int                `json:"merged"`
	VolumeMerged   int                `json:"volume_merged_lines"`
	VolumeRejected int                `json:"volume_rejected_lines"`
	Likelihood     map[string]int     `json:"likelihood,omitempty"`
	Variation      *float64           `json:"variation"`
	LeadTime       map[string]float64 `json:"lead_time,omitempty"`
	LeadItems      int                `json:"lead_items"`
}

func prJSON(b store.Board, s flow.PRSeries) map[string]any {
	var weeks []prWeekJSON
	for _, w := range s.Weeks {
		wj := prWeekJSON{Week: w.Monday.String(), Partial: w.Partial, Merged: w.Merged, VolumeMerged: w.VolumeMerged,
			VolumeRejected: w.VolumeRejected, Variation: w.Variation.Ptr(), LeadItems: w.LeadItems}
		wj.Likelihood, wj.LeadTime = likelihoodJSON(w.Likelihood), leadJSON(w.LeadTime)
		weeks = append(weeks, wj)
	}
	flat := likelihoodJSON(s.Flat)
	if flat == nil {
		flat = map[string]int{} // {}, never null
	}
	return map[string]any{"board": b.Name, "from": s.From.String(), "to": s.To.String(), "window_weeks": s.Window,
		"flat_likelihood": flat, "weeks": weeks, "units": map[string]string{"lead_time": "days"}}
}

// prCSV streams one row per pull request shown (created or closed in the range).
func (s *Server) prCSV(w http.ResponseWriter, r *http.Request) error {
	b, _, d, series, err := s.prSeries(r)
	if err != nil {
		return err
	}
	loc := d.Flow.Location()
	from, to := series.From.Start(loc), series.To.AddDays(1).Start(loc)
	var shown []int
	for i := range d.PRs {
		pr := &d.PRs[i]
		closed, isClosed := pr.ClosedAt, !pr.ClosedAt.IsZero()
		inRange := (pr.CreatedAt.Compare(from) >= 0 && pr.CreatedAt.Before(to)) || (isClosed && closed.Compare(from) >= 0 && closed.Before(to))
		if inRange && d.Flow.KeepPR(pr) {
			shown = append(shown, i)
		}
	}
	c := newCSV(w, fmt.Sprintf("%s-pull-requests-%s.csv", b.Slug, series.To))
	if err := s.writePRs(c, d, shown); err != nil {
		return err
	}
	return c.Close()
}

// writePRs writes the PR CSV: a header, then one row for each of the PRs
// (indexes into d.PRs), in that order.
func (s *Server) writePRs(c *csvWriter, d *prData, idx []int) error {
	if err := c.Write("repo", "number", "title", "author", "base", "state", "created", "merged", "closed", "lead_time_days", "lines_added", "lines_deleted", "url"); err != nil {
		return err
	}
	loc := d.Flow.Location()
	for _, i := range idx {
		pr, row := &d.PRs[i], d.Rows[i]
		state := "open"
		switch {
		case pr.Merged():
			state = "merged"
		case !pr.ClosedAt.IsZero():
			state = "rejected"
		}
		cells := []string{pr.Repo, strconv.Itoa(pr.Number), row.Title, pr.Author, pr.Base, state, pr.CreatedAt.In(loc).Format(time.RFC3339),
			timeOrEmpty(pr.MergedAt, loc), timeOrEmpty(pr.ClosedAt, loc), num(d.Flow.PRLeadTime(pr)), intOrEmpty(row.Additions), intOrEmpty(row.Deletions),
			s.prURL(pr.Repo, pr.Number)}
		if err := c.Write(cells...); err != nil {
			return err
		}
	}
	return nil
}

// prThroughputCSV streams merges per week with the likelihood lines.
func (s *Server) prThroughputCSV(w http.ResponseWriter, r *http.Request) error {
	b, _, _, series, err := s.prSeries(r)
	if err != nil {
		return err
	}
	c := newCSV(w, fmt.Sprintf("%s-pr-throughput-%s.csv", b.Slug, series.To))
	err = prRolling(series).writeThroughputCSV(c, prCounts, []string{"volume_merged_lines", "volume_rejected_lines"}, func(i int) []string {
		return []string{strconv.Itoa(series.Weeks[i].VolumeMerged), strconv.Itoa(series.Weeks[i].VolumeRejected)}
	})
	if err != nil {
		return err
	}
	return c.Close()
}

// prChartSVG serves one PR chart as a standalone .svg.
func (s *Server) prChartSVG(w http.ResponseWriter, r *http.Request) error {
	b, _, d, series, err := s.prSeries(r)
	if err != nil {
		return err
	}
	qc := newPRCharts(d, series)
	unit := unitOf(d.Board.DayMode)
	var c *chart.Chart
	switch name := strings.TrimSuffix(chiParam(r, "chart"), ".svg"); name {
	case "prthroughput":
		c = qc.throughput()
	case "prvariation":
		c = qc.variation()
	case "prvolume":
		c = qc.volume()
	case "prleadtime":
		c = qc.leadTime(unit)
	default:
		return NotFound("There is no chart " + name + ": prthroughput, prvariation, prvolume or prleadtime.")
	}
	return writeSVG(w, c, svgName(b, c.ID, series.To))
}

func timeOrEmpty(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}

func intOrEmpty(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

// prURL links a pull request on GitHub (or GitHub Enterprise).
func (s *Server) prURL(repo string, number int) string {
	if s.GitHubURL == "" {
		return ""
	}
	return strings.TrimSuffix(s.GitHubURL, "/") + "/" + repo + "/pull/" + strconv.Itoa(number)
}
