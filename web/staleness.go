package web

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// staleness exports, at each scrape, how old every board's data is: the
// time since its last successful sync (since it was added, if it never
// synced), and whether its last sync failed. Alert on these.
type staleness struct {
	s       *Server
	age     *prometheus.Desc
	lastOK  *prometheus.Desc
	failing *prometheus.Desc
}

func newStaleness(s *Server) *staleness {
	labels := []string{"board", "board_id"}
	return &staleness{
		s: s,
		age: prometheus.NewDesc("vger_board_data_age_seconds",
			"Seconds since the board's last successful sync (since it was added, if it never synced).", labels, nil),
		lastOK: prometheus.NewDesc("vger_board_last_sync_success_timestamp_seconds",
			"Unix time of the board's last successful sync (absent if it never synced).", labels, nil),
		failing: prometheus.NewDesc("vger_board_sync_failing",
			"1 when the board's last sync failed (after its last success), else 0.", labels, nil),
	}
}

func (c *staleness) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.age
	ch <- c.lastOK
	ch <- c.failing
}

// Collect reads the boards; with the database away it exports no board
// series (the scrape still succeeds, so the HTTP metrics stay visible).
func (c *staleness) Collect(ch chan<- prometheus.Metric) {
	if c.s.Store == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	boards, err := c.s.Store.BoardSyncAges(ctx)
	if err != nil {
		c.s.log().Warn("metrics: board staleness not exported", "err", err)
		return
	}
	now := c.s.now()
	for _, b := range boards {
		labels := []string{b.TeamSlug + "/" + b.BoardSlug, strconv.FormatInt(b.BoardID, 10)}
		since := b.CreatedAt
		if b.LastOKAt != nil {
			since = *b.LastOKAt
			ch <- prometheus.MustNewConstMetric(c.lastOK, prometheus.GaugeValue, float64(since.UnixNano())/1e9, labels...)
		}
		ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, max(0, now.Sub(since).Seconds()), labels...)
		failing := 0.0
		if b.LastErrorAt != nil && (b.LastOKAt == nil || b.LastErrorAt.After(*b.LastOKAt)) {
			failing = 1
		}
		ch <- prometheus.MustNewConstMetric(c.failing, prometheus.GaugeValue, failing, labels...)
	}
}
