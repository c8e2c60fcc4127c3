package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/vger-dev/vger/internal/flow"
	"github.com/vger-dev/vger/internal/store"
	"github.com/vger-dev/vger/web/chart"
	"github.com/vger-dev/vger/web/views"
)

// headlinePercent is the likelihood the plain sentences quote.
const headlinePercent = 85

type forecastData struct {
	b       store.Board
	p       ViewParams
	fp      forecastParams
	d       *boardData
	at      time.Time // the instant the forecast is made at
	samples []int
	check   flow.HistoryCheck
	howMany flow.HowManyForecast
	when    flow.WhenForecast
}

func (s *Server) forecastData(r *http.Request) (*forecastData, error) {
	b, err := s.boardFromURL(r)
	if err != nil {
		return nil, err
	}
	p, err := forecastSpec.parse(r.URL.Query(), b)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	now := s.now()
	meta := p
	meta.Tags, meta.Notes = false, false // the forecast draws neither
	var d *boardData
	if p.Overrides(b) {
		d, err = s.loadBoardData(ctx, b, p)
	} else {
		d, err = s.loadBoardMeta(ctx, b, meta)
	}
	if err != nil {
		return nil, err
	}
	fp, err := parseForecast(r.URL.Query(), d.Flow, now)
	if err != nil {
		return nil, err
	}
	at := fp.at(d.Flow, now)
	fromSpan := !p.Overrides(b)
	if fromSpan {
		// What flow.SamplesFrom needs: the first issue's creation and the
		// delivered facts of the sampled weeks only, not every fact.
		err = s.readDelivered(ctx, b.ID, d, false, false, func(*time.Time) (time.Time, time.Time) { return d.Flow.SamplesSpan(at) })
		if errors.Is(err, store.ErrNoCounts) {
			fromSpan = false
			d, err = s.loadBoardData(ctx, b, p)
		}
		if err != nil {
			return nil, err
		}
	}
	var samples []int
	if fromSpan {
		samples, err = d.Flow.SamplesFrom(d.First, d.Facts, p.Types, at)
	} else {
		samples, err = d.Flow.Samples(d.Facts, p.Types, at)
	}
	if err != nil {
		return nil, InvalidParam("type", err.Error(), strings.Join(workTypeNames(b), ", "))
	}
	fd := &forecastData{b: b, p: p, fp: fp, d: d, at: at, samples: samples, check: flow.CheckHistory(samples)}
	// One seeded source per question, so changing N does not change "how many".
	fd.howMany = d.Flow.HowManyBy(samples, fp.by(d.Flow, now), at, fp.Trials, flow.NewRand(fp.Seed), flow.ForecastPercents())
	fd.when = d.Flow.When(samples, fp.Items, at, fp.Trials, flow.NewRand(fp.Seed), flow.ForecastPercents())
	return fd, nil
}

// noThroughput: samples exist but nothing was delivered in any of them.
func (fd *forecastData) noThroughput() bool {
	return len(fd.samples) > 0 && slices.Max(fd.samples) == 0
}

// cannot explains why there is no forecast at all ("" when there is one).
func (fd *forecastData) cannot() string {
	switch {
	case fd.samples == nil:
		return "Cannot forecast: the board has fewer than 4 complete weeks of history before this week. Forecasts sample whole past weeks, and need at least 4."
	case fd.noThroughput():
		return fmt.Sprintf("Cannot forecast: nothing was delivered in the last %d complete weeks (%s), so no number of weeks is enough.", len(fd.samples), typesTextWT(fd.p, fd.b))
	}
	return ""
}

func typesTextWT(p ViewParams, b store.Board) string {
	if len(p.Types) == 0 || len(p.Types) == len(b.WorkTypes) {
		return "all work types"
	}
	return "work types " + strings.Join(p.Types, ", ")
}

func longDate(d flow.Date) string {
	return fmt.Sprintf("%s %d %s %d", d.Weekday().String(), d.Day, d.Month.String(), d.Year)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// forecastPage answers "how many by a date" and "when will N be done".
func (s *Server) forecastPage(w http.ResponseWriter, r *http.Request) error {
	fd, err := s.forecastData(r)
	if err != nil {
		return err
	}
	canon := forecastSpec.canonical(fd.p, fd.b, fd.fp.values())
	if forecastSpec.redirect(w, r, fd.b, canon) {
		return nil
	}
	if fd.p.Format == "json" {
		return writeJSON(w, forecastJSON(fd))
	}
	m := s.forecastView(fd, canon)
	s.forUser(r, &m.Page, &m.Board)
	return render(w, r, http.StatusOK, views.BoardViewPage(m))
}

func (s *Server) forecastView(fd *forecastData, canon url.Values) views.BoardView {
	b, p, d := fd.b, fd.p, fd.d
	path := boardPath(b) + forecastSpec.path
	q := Encode(canon)
	now := s.now()
	by := fd.fp.by(d.Flow, now)
	m := views.BoardView{
		Page:  views.Page{Title: b.Name + " · Forecast", Version: s.Version},
		Board: s.boardHeader(b, d, forecastSpec.tab, headerQuery(canon)),
		Form:  flowControls(b, p, forecastSpec),
		Empty: emptyBoard(d),
		Intro: fmt.Sprintf("A Monte Carlo forecast: %s simulated futures, each built from weeks drawn at random from the last %d complete weeks of throughput (delivered items per week). The same URL always gives the same answer: the random seed is part of it.",
			thousands(fd.fp.Trials), d.Flow.RollingWeeks()),
		Links: viewLinks(withQuery(path, Encode(forecastSpec.permalink(p, b, flow.Date{}, flow.Date{}, fd.fp.frozen(d.Flow, now)))),
			withQuery(path, Encode(withFormat(forecastSpec.canonical(p, b, fd.fp.values()), "json"))),
			views.Link{Label: "Forecast CSV", URL: withQuery(boardPath(b)+"/forecast.csv", q), TestID: "csv-forecast", Download: true},
			views.Link{Label: "Another random seed", URL: withQuery(path, Encode(withSeed(canon, fd.fp.Seed+1))), TestID: "next-seed"}),
	}
	m.Form.WindowLabel = "history"
	m.Form.Forecast = &views.ForecastControls{Items: strconv.Itoa(fd.fp.Items), By: by.String(), Seed: strconv.FormatUint(fd.fp.Seed, 10)}
	if !fd.fp.AsOf.IsZero() && fd.fp.AsOf != d.Flow.Today(now) {
		m.Notices = append(m.Notices, fmt.Sprintf("Forecast as of %s (a permalink): history and simulated weeks start from that day's week.", longDate(fd.fp.AsOf)))
	}
	if len(fd.samples) > 0 {
		m.RangeText = fmt.Sprintf("History: %s of throughput, from the week of %s · %s · seed %d",
			plural(len(fd.samples), "complete week", "complete weeks"), d.Flow.WeekOf(fd.at).AddDays(-7*len(fd.samples)), typesText(p, b), fd.fp.Seed)
	}
	if why := fd.cannot(); why != "" {
		m.Sentences = append(m.Sentences, views.Sentence{Text: why, TestID: "cannot-forecast", Warn: true})
	} else {
		if fd.check.Short {
			m.Notices = append(m.Notices, fmt.Sprintf("Short history: only %s of throughput (fewer than %d). Treat the answers as rough.", plural(fd.check.Weeks, "week", "weeks"), flow.ShortHistoryWeeks))
		}
		if fd.check.Unstable {
			m.Notices = append(m.Notices, fmt.Sprintf("Unstable history: the team delivered %s items a week on average in the older half of the window and %s in the newer half (more than 25%% apart). The future may not look like this past; consider a shorter history window.",
				fmt2(fd.check.FirstMean), fmt2(fd.check.SecondMean)))
		}
		m.Sentences = append(m.Sentences, views.Sentence{Text: fd.howManySentence(), TestID: "sentence-howmany"},
			views.Sentence{Text: fd.whenSentence(), TestID: "sentence-when"})
	}
	m.Stats = []views.Stat{
		{Label: "Weeks of history", Value: strconv.Itoa(len(fd.samples)), TestID: "stat-history"},
		{Label: "Mean delivered a week", Value: meanText(fd.samples), TestID: "stat-mean"},
		{Label: "Whole weeks up to " + shortDate(by), Value: strconv.Itoa(fd.howMany.Weeks), TestID: "stat-weeks"},
	}
	m.Tables = []views.ListTable{fd.levelsTable(by)}
	if fd.cannot() == "" {
		svg := func(name string) string { return withQuery(path+"/chart/"+name+".svg", q) }
		m.Charts = []views.ChartBlock{
			{ID: "howmany", Explain: "How many items each simulated future delivered by the date. The answer at 85% is the number that 85% of the futures reached or beat.",
				Chart: fd.howManyChart().Component(), SVGURL: svg("howmany")},
			{ID: "when", Explain: "The week in which each simulated future finished the items. The answer at 85% is the week by which 85% of the futures had finished.",
				Chart: fd.whenChart().Component(), SVGURL: svg("when")},
		}
	}
	return m
}

func withSeed(q url.Values, seed uint64) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = v
	}
	out.Set("seed", strconv.FormatUint(seed, 10))
	return out
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func fmt2(v float64) string { return strconv.FormatFloat(float64(int(v*10+0.5))/10, 'f', -1, 64) }

func meanText(samples []int) string {
	if len(samples) == 0 {
		return "–"
	}
	t := 0
	for _, v := range samples {
		t += v
	}
	return fmt2(float64(t) / float64(len(samples)))
}

func shortDate(d flow.Date) string {
	return fmt.Sprintf("%d %s %d", d.Day, d.Month.String()[:3], d.Year)
}

func (fd *forecastData) howManySentence() string {
	for _, l := range fd.howMany.Likelihood {
		if l.Percent == headlinePercent {
			return fmt.Sprintf("%d%% likely: %s or more by %s.", l.Percent, plural(l.Count, "item", "items"), longDate(fd.howMany.By))
		}
	}
	return ""
}

func (fd *forecastData) whenSentence() string {
	for _, l := range fd.when.Likelihood {
		if l.Percent != headlinePercent {
			continue
		}
		if d, ok := l.Date.Get(); ok {
			return fmt.Sprintf("%d%% likely: %s done by %s (%s, counting this one).", l.Percent, plural(fd.when.Items, "item", "items"), longDate(d), plural(l.Weeks.V, "week", "weeks"))
		}
		return fmt.Sprintf("%d%%: cannot forecast when %s will be done: too many simulated futures had not finished them after 1,000 weeks.", l.Percent, plural(fd.when.Items, "item", "items"))
	}
	return ""
}

func (fd *forecastData) levelsTable(by flow.Date) views.ListTable {
	t := views.ListTable{ID: "forecast", Caption: "Answers at each likelihood",
		Head: []string{"Likelihood", fmt.Sprintf("Items done by %s (at least)", shortDate(by)), fmt.Sprintf("%s done by", plural(fd.fp.Items, "item", "items")), "Weeks (counting this one)"}}
	for _, pc := range flow.ForecastPercents() {
		hm, when, weeks := "cannot forecast", "cannot forecast", "–"
		for _, l := range fd.howMany.Likelihood {
			if l.Percent == pc && !fd.noThroughput() {
				hm = strconv.Itoa(l.Count)
			}
		}
		for _, l := range fd.when.Likelihood {
			if d, ok := l.Date.Get(); ok && l.Percent == pc {
				when, weeks = longDate(d), strconv.Itoa(l.Weeks.V)
			}
		}
		row := views.ListRow{TestID: fmt.Sprintf("forecast-%d", pc), Cells: []views.ListCell{{Text: fmt.Sprintf("%d%%", pc)},
			{Text: hm, TestID: fmt.Sprintf("howmany-%d", pc), Class: "num"}, {Text: when, TestID: fmt.Sprintf("when-%d", pc)},
			{Text: weeks, TestID: fmt.Sprintf("when-weeks-%d", pc), Class: "num"}}}
		if pc == headlinePercent {
			row.Class = "headline"
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func (fd *forecastData) howManyChart() *chart.Chart {
	var data []chart.Datum
	n := len(fd.howMany.Outcomes)
	for _, bin := range flow.Histogram(fd.howMany.Outcomes, 40) {
		label := strconv.Itoa(bin.Lo)
		if bin.Hi > bin.Lo {
			label += "–" + strconv.Itoa(bin.Hi)
		}
		data = append(data, chart.Datum{X: float64(bin.Lo) - 0.5, X2: float64(bin.Hi) + 0.5, Y: float64(bin.Count), Label: label,
			Title: fmt.Sprintf("%s items: %d of %d futures (%.1f%%)", label, bin.Count, n, 100*float64(bin.Count)/float64(max(n, 1)))})
	}
	return &chart.Chart{Width: gridChartWidth, ID: "howmany", Title: "How many by " + shortDate(fd.howMany.By) + ": simulated futures", XLabel: "Items delivered", YLabel: "Futures",
		X: chart.Linear{Integer: true, NoZero: true, Key: "items"}, Y: chart.Linear{Integer: true, Unit: "futures"}, Height: 260, Class: "chart-fluid",
		Layers: []chart.Layer{&chart.Bars{ID: "trials", Series: []chart.Series{{Name: "Simulated futures", Style: chart.ThroughputStyle, Data: data}}}}}
}

func (fd *forecastData) whenChart() *chart.Chart {
	monday := fd.d.Flow.WeekOf(fd.at)
	sunday := func(week int) flow.Date { return monday.AddDays(7*week - 1) }
	var data []chart.Datum
	n := len(fd.when.Outcomes) + fd.when.Never
	for _, bin := range flow.Histogram(fd.when.Outcomes, 40) {
		label := "week " + strconv.Itoa(bin.Lo) + " (ends " + shortDate(sunday(bin.Lo)) + ")"
		if bin.Hi > bin.Lo {
			label = fmt.Sprintf("weeks %d–%d (%s to %s)", bin.Lo, bin.Hi, shortDate(sunday(bin.Lo)), shortDate(sunday(bin.Hi)))
		}
		data = append(data, chart.Datum{X: float64(bin.Lo) - 0.5, X2: float64(bin.Hi) + 0.5, Y: float64(bin.Count), Label: label,
			Title: fmt.Sprintf("Finished in %s: %d of %d futures (%.1f%%)", label, bin.Count, n, 100*float64(bin.Count)/float64(max(n, 1)))})
	}
	fmtWeek := func(v float64) string { return shortDate(sunday(int(v))) }
	return &chart.Chart{Width: gridChartWidth, ID: "when", Title: fmt.Sprintf("When will %s be done: simulated futures", plural(fd.when.Items, "item", "items")), XLabel: "Week the items are done (its Sunday)", YLabel: "Futures",
		X: chart.Linear{Integer: true, NoZero: true, Key: "week", Format: fmtWeek}, Y: chart.Linear{Integer: true, Unit: "futures"}, Height: 260, Class: "chart-fluid",
		Layers: []chart.Layer{&chart.Bars{ID: "trials", Series: []chart.Series{{Name: "Simulated futures", Style: chart.Style{Color: chart.Green}, Data: data}}}}}
}

// forecastCSV: one row per likelihood with both answers.
func (s *Server) forecastCSV(w http.ResponseWriter, r *http.Request) error {
	fd, err := s.forecastData(r)
	if err != nil {
		return err
	}
	c := newCSV(w, fmt.Sprintf("%s-forecast-%s.csv", fd.b.Slug, fd.d.Flow.Today(fd.at)))
	if err := c.Write("likelihood", "by", "items_by_date", "items", "done_by", "weeks"); err != nil {
		return err
	}
	for _, pc := range flow.ForecastPercents() {
		hm, when, weeks := "", "", ""
		for _, l := range fd.howMany.Likelihood {
			if l.Percent == pc && !fd.noThroughput() {
				hm = strconv.Itoa(l.Count)
			}
		}
		for _, l := range fd.when.Likelihood {
			if d, ok := l.Date.Get(); ok && l.Percent == pc {
				when, weeks = d.String(), strconv.Itoa(l.Weeks.V)
			}
		}
		if err := c.Write(strconv.Itoa(pc), fd.howMany.By.String(), hm, strconv.Itoa(fd.when.Items), when, weeks); err != nil {
			return err
		}
	}
	return c.Close()
}

func forecastJSON(fd *forecastData) map[string]any {
	hm, when := map[string]*int{}, map[string]any{}
	for _, l := range fd.howMany.Likelihood {
		v := l.Count
		if fd.noThroughput() {
			hm[strconv.Itoa(l.Percent)] = nil
		} else {
			hm[strconv.Itoa(l.Percent)] = &v
		}
	}
	for _, l := range fd.when.Likelihood {
		if d, ok := l.Date.Get(); ok {
			when[strconv.Itoa(l.Percent)] = map[string]any{"date": d.String(), "weeks": l.Weeks.V}
		} else {
			when[strconv.Itoa(l.Percent)] = nil
		}
	}
	samples := fd.samples
	if samples == nil {
		samples = []int{}
	}
	return map[string]any{"board": fd.b.Name, "seed": fd.fp.Seed, "trials": fd.fp.Trials, "as_of": fd.d.Flow.Today(fd.at).String(),
		"history_weeks": samples, "short_history": fd.check.Short, "unstable_history": fd.check.Unstable, "cannot_forecast": fd.cannot(),
		"how_many": map[string]any{"by": fd.howMany.By.String(), "weeks": fd.howMany.Weeks, "likelihood": hm},
		"when":     map[string]any{"items": fd.when.Items, "likelihood": when, "never_finished_trials": fd.when.Never}}
}

func (s *Server) forecastSVG(w http.ResponseWriter, r *http.Request) error {
	fd, err := s.forecastData(r)
	if err != nil {
		return err
	}
	var c *chart.Chart
	switch name := strings.TrimSuffix(chi.URLParam(r, "chart"), ".svg"); name {
	case "howmany":
		c = fd.howManyChart()
	case "when":
		c = fd.whenChart()
	default:
		return NotFound("There is no chart " + name + " in the forecast view: howmany or when.")
	}
	return writeSVG(w, c, svgName(fd.b, c.ID, fd.d.Flow.Today(fd.at)))
}
