package flow

import (
	"testing"
	"time"
)

var benchStart = time.Date(2015, 1, 5, 9, 0, 0, 0, time.UTC)

// BenchmarkFacts100k: facts for 100,000 issues with ~10 transitions each (target <= 1 s on one
// core). One op = the whole batch.
func BenchmarkFacts100k(b *testing.B) {
	board := genBoard(b, Working)
	issues := genIssues(NewRand(1), 100_000, 23, benchStart, 10*365*24*time.Hour)
	now := benchStart.Add(10 * 365 * 24 * time.Hour)
	changes := 0
	for i := range issues {
		changes += len(issues[i].Changes)
	}
	facts := make([]IssueFacts, len(issues))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for i := range issues {
			facts[i] = board.Facts(issues[i], now)
		}
	}
	b.ReportMetric(float64(changes)/float64(len(issues)), "changes/issue")
}

// BenchmarkSegments100k: the CFD position segments for the same batch, into one buffer.
func BenchmarkSegments100k(b *testing.B) {
	board := genBoard(b, Working)
	issues := genIssues(NewRand(1), 100_000, 23, benchStart, 10*365*24*time.Hour)
	buf := make([]Segment, 0, 1_500_000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		buf = buf[:0]
		for i := range issues {
			buf = board.AppendSegments(buf, issues[i])
		}
	}
}

func benchFacts(b *testing.B, n int, years int) (*Board, []IssueFacts, time.Time) {
	board := genBoard(b, Working)
	span := time.Duration(years) * 365 * 24 * time.Hour
	issues := genIssues(NewRand(2), n, 20, benchStart, span)
	now := benchStart.Add(span)
	facts := make([]IssueFacts, len(issues))
	for i := range issues {
		facts[i] = board.Facts(issues[i], now)
	}
	return board, facts, now
}

// BenchmarkWeekly10Years: the quadrant series over 10 years (522 weeks) from 50,000 facts.
func BenchmarkWeekly10Years(b *testing.B) {
	board, facts, now := benchFacts(b, 50_000, 10)
	q := WeeklyQuery{From: DateOf(benchStart, board.Location()), To: DateOf(now, board.Location())}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := board.Weekly(facts, q, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuarterly10Years: 40 quarters from the same facts.
func BenchmarkQuarterly10Years(b *testing.B) {
	board, facts, now := benchFacts(b, 50_000, 10)
	q := QuarterlyQuery{From: DateOf(benchStart, board.Location())}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := board.Quarterly(facts, q, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScatter10Years: every delivered item of 10 years on the scatterplot.
func BenchmarkScatter10Years(b *testing.B) {
	board, facts, _ := benchFacts(b, 50_000, 10)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := board.Scatter(facts, nil, Date{}, Date{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCFD10Years: a daily CFD over 10 years (3,650 days) from 50,000 tracks.
func BenchmarkCFD10Years(b *testing.B) {
	board := genBoard(b, Working)
	span := 10 * 365 * 24 * time.Hour
	issues := genIssues(NewRand(3), 50_000, 20, benchStart, span)
	now := benchStart.Add(span)
	tracks := make([]Track, len(issues))
	for i := range issues {
		tracks[i] = board.Track(issues[i])
	}
	q := CFDQuery{From: DateOf(benchStart, board.Location()), To: DateOf(now, board.Location())}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := board.CFD(tracks, q, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMonteCarloHowMany: 10,000 trials x 52 weeks (target <= 50 ms).
func BenchmarkMonteCarloHowMany(b *testing.B) {
	samples := []int{3, 0, 5, 2, 7, 1, 4, 4, 2, 6, 0, 3}
	rng := NewRand(7)
	b.ReportAllocs()
	for b.Loop() {
		HowMany(samples, 52, 10_000, rng, ForecastPercents())
	}
}

// BenchmarkMonteCarloWhen: 10,000 trials until 150 items (about 50 weeks at this throughput).
func BenchmarkMonteCarloWhen(b *testing.B) {
	samples := []int{3, 0, 5, 2, 7, 1, 4, 4, 2, 6, 0, 3}
	rng := NewRand(7)
	b.ReportAllocs()
	for b.Loop() {
		WhenWeeks(samples, 150, 10_000, rng, ForecastPercents())
	}
}

// BenchmarkNewBoard: compiling a board (zone table 1900..2200 included), done per page view.
func BenchmarkNewBoard(b *testing.B) {
	board := genBoard(b, Working)
	cfg := board.Config()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewBoard(cfg); err != nil {
			b.Fatal(err)
		}
	}
}
