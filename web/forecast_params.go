package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/flow"
)

// forecastParams are the forecast page's own parameters (README "URL scheme").
type forecastParams struct {
	Items  int       // "when will Items be done"; default 10
	By     flow.Date // "how many by By"; zero = the default (12 weeks counting the current one)
	Seed   uint64    // default 1
	Trials int       // default flow.DefaultTrials
	AsOf   flow.Date // forecast as of this day (a frozen permalink); zero = today
}

const (
	defaultForecastItems = 10
	defaultForecastSeed  = 1
	defaultForecastWeeks = 12
)

// parseForecast reads the forecast parameters; dates are checked against
// today in the board's zone.
func parseForecast(q url.Values, fb *flow.Board, now time.Time) (forecastParams, error) {
	fp := forecastParams{Items: defaultForecastItems, Seed: defaultForecastSeed, Trials: flow.DefaultTrials}
	form := q.Has("apply")
	if form {
		q = cleanForm(q)
	}
	single := func(k string) (string, bool, error) {
		vs, ok := q[k]
		if !ok {
			return "", false, nil
		}
		if len(vs) != 1 {
			return "", false, InvalidParam(k, "it is given more than once", "one value")
		}
		v := strings.TrimSpace(vs[0])
		return v, v != "", nil
	}
	today := fb.Today(now)
	if v, ok, err := single("asof"); err != nil {
		return fp, err
	} else if ok {
		d, err := flow.ParseDate(v)
		if problem := ""; err != nil || d.Year < 1990 || d.After(today) {
			problem = fmt.Sprintf("%q is not a date", v)
			if err == nil && d.After(today) {
				problem = fmt.Sprintf("%s is in the future", d)
			}
			return fp, InvalidParam("asof", problem, "a date as YYYY-MM-DD, today ("+today.String()+") or earlier")
		}
		fp.AsOf = d
	}
	if v, ok, err := single("items"); err != nil {
		return fp, err
	} else if ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100000 {
			return fp, InvalidParam("items", fmt.Sprintf("%q is not a number of items", v), "a whole number from 1 to 100000")
		}
		fp.Items = n
	}
	monday := fb.WeekOf(fp.at(fb, now))
	if v, ok, err := single("by"); err != nil {
		return fp, err
	} else if ok {
		d, err := flow.ParseDate(v)
		if last := monday.AddDays(7 * 520); err != nil || d.Before(monday) || d.After(last) {
			problem := fmt.Sprintf("%q is not a date", v)
			switch {
			case err != nil:
			case d.Before(monday):
				problem = fmt.Sprintf("%s is before the current week", d)
			default:
				problem = fmt.Sprintf("%s is too far ahead", d)
			}
			return fp, InvalidParam("by", problem, "a date as YYYY-MM-DD from the current week's Monday ("+monday.String()+") to "+last.String())
		}
		if !form || d != fp.defaultBy(fb, now) {
			fp.By = d // a submitted form that kept the default keeps the view live
		}
	}
	if v, ok, err := single("seed"); err != nil {
		return fp, err
	} else if ok {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return fp, InvalidParam("seed", fmt.Sprintf("%q is not a seed", v), "a whole number from 0 to 18446744073709551615")
		}
		fp.Seed = n
	}
	if v, ok, err := single("trials"); err != nil {
		return fp, err
	} else if ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 || n > 100000 {
			return fp, InvalidParam("trials", fmt.Sprintf("%q is not a number of trials", v), "a whole number from 100 to 100000")
		}
		fp.Trials = n
	}
	return fp, nil
}

// at is the instant the forecast is made at: now, or noon of the as-of day.
func (fp forecastParams) at(fb *flow.Board, now time.Time) time.Time {
	if fp.AsOf.IsZero() {
		return now
	}
	return fp.AsOf.Start(fb.Location()).Add(12 * time.Hour)
}

// defaultBy is the Sunday that ends the 12th simulated week (the current week counts).
func (fp forecastParams) defaultBy(fb *flow.Board, now time.Time) flow.Date {
	return fb.WeekOf(fp.at(fb, now)).AddDays(7*defaultForecastWeeks - 1)
}

func (fp forecastParams) by(fb *flow.Board, now time.Time) flow.Date {
	if fp.By.IsZero() {
		return fp.defaultBy(fb, now)
	}
	return fp.By
}

// values is the canonical form of the forecast parameters (defaults left out).
func (fp forecastParams) values() url.Values {
	q := url.Values{}
	if fp.Items != defaultForecastItems {
		q.Set("items", strconv.Itoa(fp.Items))
	}
	if !fp.By.IsZero() {
		q.Set("by", fp.By.String())
	}
	if fp.Seed != defaultForecastSeed {
		q.Set("seed", strconv.FormatUint(fp.Seed, 10))
	}
	if fp.Trials != flow.DefaultTrials {
		q.Set("trials", strconv.Itoa(fp.Trials))
	}
	if !fp.AsOf.IsZero() {
		q.Set("asof", fp.AsOf.String())
	}
	return q
}

// frozen writes every forecast parameter out, as of today: the permalink.
func (fp forecastParams) frozen(fb *flow.Board, now time.Time) url.Values {
	q := url.Values{}
	q.Set("items", strconv.Itoa(fp.Items))
	q.Set("by", fp.by(fb, now).String())
	q.Set("seed", strconv.FormatUint(fp.Seed, 10))
	q.Set("trials", strconv.Itoa(fp.Trials))
	asof := fp.AsOf
	if asof.IsZero() {
		asof = fb.Today(now)
	}
	q.Set("asof", asof.String())
	return q
}
