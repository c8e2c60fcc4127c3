package flow

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func (q rangeQuery) dates(t *testing.T) (from, to Date) {
	t.Helper()
	return mustDate(t, q.From), mustDate(t, q.To)
}

func checkCFD(t *testing.T, b *Board, issues []Issue, now time.Time, raw json.RawMessage) {
	t.Helper()
	var queries []struct {
		rangeQuery
		Days []struct {
			Date  string         `json:"date"`
			Bands map[string]int `json:"bands"`
			WIP   *int           `json:"wip"`
		} `json:"days"`
	}
	decode(t, raw, &queries)
	tracks := make([]Track, len(issues))
	for i, is := range issues {
		tracks[i] = b.Track(is)
	}
	for qi, q := range queries {
		from, to := q.dates(t)
		got, err := b.CFD(tracks, CFDQuery{From: from, To: to, WorkTypes: q.WorkTypes}, now)
		if err != nil {
			t.Fatalf("cfd %d: %v", qi, err)
		}
		if len(got.Days) != len(q.Days) {
			t.Errorf("cfd %d: got %d days, want %d", qi, len(got.Days), len(q.Days))
			continue
		}
		for i, want := range q.Days {
			day := got.Days[i]
			what := fmt.Sprintf("cfd %d %s", qi, day.Date)
			if day.Date.String() != want.Date {
				t.Errorf("%s: want date %s", what, want.Date)
			}
			if len(want.Bands) != len(got.Bands) {
				t.Errorf("%s: got %d bands, want %d (every band is listed)", what, len(got.Bands), len(want.Bands))
			}
			for name, n := range want.Bands {
				k := indexOf(got.Bands, name)
				if k < 0 {
					t.Errorf("%s: no band %q", what, name)
				} else if day.Bands[k] != n {
					t.Errorf("%s band %q: got %d, want %d", what, name, day.Bands[k], n)
				}
			}
			checkIntPtr(t, what+" wip", want.WIP, day.WIP)
		}
	}
}

func checkQuarterly(t *testing.T, b *Board, facts []IssueFacts, now time.Time, raw json.RawMessage) {
	t.Helper()
	var queries []struct {
		rangeQuery
		Quarters []map[string]json.RawMessage `json:"quarters"`
		Flat     json.RawMessage              `json:"flat"`
	}
	decode(t, raw, &queries)
	for qi, q := range queries {
		from, to := q.dates(t)
		got, err := b.Quarterly(facts, QuarterlyQuery{From: from, To: to, WorkTypes: q.WorkTypes}, now)
		if err != nil {
			t.Fatalf("quarterly %d: %v", qi, err)
		}
		if q.Flat != nil {
			checkCountLevels(t, fmt.Sprintf("quarterly %d flat", qi), q.Flat, got.Flat)
		}
		if len(got.Quarters) != len(q.Quarters) {
			t.Errorf("quarterly %d: got %d quarters, want %d", qi, len(got.Quarters), len(q.Quarters))
			continue
		}
		for i, want := range q.Quarters {
			row := got.Quarters[i]
			what := fmt.Sprintf("quarterly %d %s", qi, row.Start)
			for k, v := range want {
				switch k {
				case "start":
					checkDate(t, what+" start", v, row.Start)
				case "partial":
					checkBool(t, what+" partial", v, row.Partial)
				case "throughput":
					checkInt(t, what+" throughput", v, Some(row.Throughput))
				case "lead_time":
					checkLevels(t, what+" lead_time", v, row.LeadTime)
				default:
					t.Errorf("%s: unknown key %q", what, k)
				}
			}
		}
	}
}

func checkPRLeadTimes(t *testing.T, b *Board, prs []PullRequest, raw json.RawMessage) {
	t.Helper()
	var want map[string]json.RawMessage
	decode(t, raw, &want)
	for key, v := range want {
		found := false
		for i := range prs {
			if fmt.Sprintf("%s#%d", prs[i].Repo, prs[i].Number) == key {
				found = true
				checkFloat(t, "pr lead time "+key, v, b.PRLeadTime(&prs[i]))
			}
		}
		if !found {
			t.Errorf("no PR %s", key)
		}
	}
}

func checkPRWeekly(t *testing.T, b *Board, prs []PullRequest, now time.Time, raw json.RawMessage) {
	t.Helper()
	var queries []struct {
		From  string                       `json:"from"`
		To    string                       `json:"to"`
		Weeks []map[string]json.RawMessage `json:"weeks"`
	}
	decode(t, raw, &queries)
	for qi, q := range queries {
		got, err := b.PRWeekly(prs, PRQuery{From: mustDate(t, q.From), To: mustDate(t, q.To)}, now)
		if err != nil {
			t.Fatalf("pr weekly %d: %v", qi, err)
		}
		if len(got.Weeks) != len(q.Weeks) {
			t.Errorf("pr weekly %d: got %d weeks, want %d", qi, len(got.Weeks), len(q.Weeks))
			continue
		}
		for i, want := range q.Weeks {
			row := got.Weeks[i]
			what := fmt.Sprintf("pr weekly %d %s", qi, row.Monday)
			for k, v := range want {
				switch k {
				case "week":
					checkDate(t, what+" week", v, row.Monday)
				case "partial":
					checkBool(t, what+" partial", v, row.Partial)
				case "merged":
					checkInt(t, what+" merged", v, Some(row.Merged))
				case "volume_merged":
					checkInt(t, what+" volume_merged", v, Some(row.VolumeMerged))
				case "volume_rejected":
					checkInt(t, what+" volume_rejected", v, Some(row.VolumeRejected))
				default:
					t.Errorf("%s: unknown key %q", what, k)
				}
			}
		}
	}
}

func checkMonteCarlo(t *testing.T, b *Board, facts []IssueFacts, now time.Time, raw json.RawMessage) {
	t.Helper()
	var mc struct {
		WorkTypes []string `json:"work_types"`
		Samples   []int    `json:"samples"`
		HowMany   []struct {
			By         string          `json:"by"`
			Weeks      *int            `json:"weeks"`
			Likelihood json.RawMessage `json:"likelihood"`
		} `json:"how_many"`
		When []struct {
			Items      int                        `json:"items"`
			Likelihood map[string]json.RawMessage `json:"likelihood"`
		} `json:"when"`
		NextQuarter *struct {
			Start      string          `json:"start"`
			Weeks      int             `json:"weeks"`
			Likelihood json.RawMessage `json:"likelihood"`
		} `json:"next_quarter"`
	}
	decode(t, raw, &mc)
	samples, err := b.Samples(facts, mc.WorkTypes, now)
	if err != nil {
		t.Fatal(err)
	}
	if mc.Samples != nil && fmt.Sprint(samples) != fmt.Sprint(mc.Samples) {
		t.Errorf("samples: got %v, want %v", samples, mc.Samples)
	}
	// The cases' samples are constant, so any seed and trial count must give their answers;
	// two seeds make sure the answer does not depend on one.
	for _, seed := range []uint64{1, 20250101} {
		for _, h := range mc.HowMany {
			got := b.HowManyBy(samples, mustDate(t, h.By), now, 2000, NewRand(seed), nil)
			what := fmt.Sprintf("how many by %s (seed %d)", h.By, seed)
			checkIntPtr(t, what+" weeks", h.Weeks, got.Weeks)
			checkCountLevels(t, what, h.Likelihood, got.Likelihood)
		}
		for _, w := range mc.When {
			got := b.When(samples, w.Items, now, 2000, NewRand(seed), nil)
			for p, v := range w.Likelihood {
				what := fmt.Sprintf("when %d at %s%% (seed %d)", w.Items, p, seed)
				var lv Opt[Date]
				found := false
				for _, l := range got.Likelihood {
					if fmt.Sprint(l.Percent) == p {
						lv, found = l.Date, true
					}
				}
				if isNull(v) {
					if lv.OK {
						t.Errorf("%s: got %s, want no answer", what, lv.V)
					}
					continue
				}
				if !found || !lv.OK {
					t.Errorf("%s: got no answer", what)
					continue
				}
				checkDate(t, what, v, lv.V)
			}
		}
		if nq := mc.NextQuarter; nq != nil {
			got := b.ForecastNextQuarter(samples, now, 2000, NewRand(seed), nil)
			if got.Start.String() != nq.Start || got.Weeks != nq.Weeks {
				t.Errorf("next quarter: got %s, %d weeks; want %s, %d", got.Start, got.Weeks, nq.Start, nq.Weeks)
			}
			checkCountLevels(t, "next quarter", nq.Likelihood, got.Likelihood)
		}
	}
}
