package main

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"

	"github.com/vger-dev/vger/internal/store"
)

// board is what the URL list needs to know about a board.
type board struct {
	path   string // /teams/{team}/boards/{board}
	types  []string
	states []string
	size   int64
	prs    bool // has linked repositories
}

func loadBoards(ctx context.Context, st *store.Store) ([]board, error) {
	bs, err := st.Boards(ctx)
	if err != nil {
		return nil, err
	}
	var out []board
	for _, b := range bs {
		full, err := st.Board(ctx, b.ID)
		if err != nil {
			return nil, err
		}
		n, err := st.BoardIssueCount(ctx, b.ID)
		if err != nil {
			return nil, err
		}
		repos, err := st.BoardRepos(ctx, b.ID)
		if err != nil {
			return nil, err
		}
		x := board{path: "/teams/" + b.TeamSlug + "/boards/" + b.Slug, size: n, prs: len(repos) > 0}
		for _, wt := range full.WorkTypes {
			x.types = append(x.types, wt.Name)
		}
		for _, s := range full.States {
			x.states = append(x.states, s.Name)
		}
		out = append(out, x)
	}
	return out, nil
}

// view is one kind of board page. Views merged later (quarterly, flow,
// aging, forecast) join the list when their route answers.
type view struct {
	name   string // the class prefix in the report
	suffix string // after the board's path
}

var views = []view{
	{"quadrant", ""},
	{"prs", "/prs"},
	{"quarterly", "/quarterly"},
	{"cfd", "/flow"},
	{"blocked", "/blocked"},
	{"aging", "/aging"},
	{"forecast", "/forecast"},
}

// available keeps the views whose route exists on the server.
func available(base string, b board) []view {
	var out []view
	for _, v := range views {
		resp, err := http.Get(base + b.path + v.suffix)
		if err != nil {
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			out = append(out, v)
		}
	}
	return out
}

// targets lists the distinct URLs of the load: for every board and view,
// several ranges (relative and absolute one-year windows ending at
// different months of the data, longer and shorter ones), each work type
// alone, and the quadrant's other settings. Classes separate what the
// targets name: "quadrant-1y" is the quadrant of one board over one year
// with the board's settings; "-override" views change what facts mean
// (lead-time columns, day mode) and replay the histories.
func targets(boards []board, vs []view, end time.Time) []target {
	var out []target
	add := func(class, path string, q url.Values) {
		if len(q) > 0 {
			path += "?" + q.Encode()
		}
		out = append(out, target{class: class, path: path})
	}
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	for _, b := range boards {
		for _, v := range vs {
			if v.name == "prs" && !b.prs {
				continue
			}
			p := b.path + v.suffix
			oneYear := v.name + "-1y"
			if v.name == "aging" || v.name == "forecast" { // no range: now, and the history's window
				add(v.name, p, nil)
				for _, t := range b.types[:min(2, len(b.types))] {
					add(v.name, p, url.Values{"type": {t}})
				}
				continue
			}
			if v.name == "quarterly" { // its range is in quarters
				for k := range 4 {
					to := end.AddDate(0, -3*k, 0)
					add(oneYear, p, url.Values{"qfrom": {quarter(to.AddDate(0, -9, 0))}, "qto": {quarter(to)}})
				}
				add(v.name, p, nil)
				add(v.name, p, url.Values{"qfrom": {quarter(end.AddDate(-2, 0, 0))}, "qto": {quarter(end)}})
				continue
			}
			add(oneYear, p, url.Values{"weeks": {"52"}})
			for k := range 4 {
				to := end.AddDate(0, -3*k, 0)
				add(oneYear, p, url.Values{"from": {day(to.AddDate(-1, 0, 1))}, "to": {day(to)}})
			}
			add(v.name, p, nil)
			add(v.name, p, url.Values{"weeks": {"13"}})
			add(v.name, p, url.Values{"weeks": {"104"}})
			if v.name != "quadrant" {
				continue
			}
			for _, t := range b.types {
				add(oneYear, p, url.Values{"weeks": {"52"}, "type": {t}})
			}
			add(oneYear, p, url.Values{"weeks": {"52"}, "backlog": {"absolute"}})
			add(oneYear, p, url.Values{"weeks": {"52"}, "window": {"26"}})
			add(v.name, p, url.Values{"weeks": {"156"}, "tags": {"off"}})
			add(v.name, p, url.Values{"weeks": {"52"}, "format": {"json"}})
			add(v.name+"-svg", p+"/chart/throughput.svg", url.Values{"weeks": {"52"}})
			add(v.name+"-svg", p+"/chart/leadtime.svg", url.Values{"weeks": {"52"}})
			if len(b.states) > 3 {
				add(v.name+"-override", p, url.Values{"weeks": {"52"}, "days": {"calendar"}})
				add(v.name+"-override", p, url.Values{"weeks": {"52"}, "start": {b.states[2]}})
			}
		}
	}
	return out
}

func shuffle(ts []target, seed uint64) []target {
	out := append([]target(nil), ts...)
	r := rand.New(rand.NewPCG(seed, 13))
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func only(ts []target, class string) []target {
	var out []target
	for _, t := range ts {
		if t.class == class {
			out = append(out, t)
		}
	}
	return out
}

// quarter names t's calendar quarter, as the quarterly view's qfrom/qto.
func quarter(t time.Time) string {
	return t.Format("2006") + "-Q" + string(rune('1'+(int(t.Month())-1)/3))
}
