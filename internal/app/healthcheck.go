package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/vger-dev/vger/internal/config"
	"github.com/vger-dev/vger/internal/store"
)

// ReadyURL is the /readyz address of the server configured by VGER_ADDR,
// reached on loopback when it listens on every interface.
func ReadyURL(cfg *config.Config) string {
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return "http://" + cfg.Addr + "/readyz"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
		if ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz"
}

// HealthCheck is for container health checks, which have no curl in a
// distroless image: it asks a server's /readyz (url), or with db checks
// that the database answers with a current schema (for workers). A nil
// error means healthy.
func HealthCheck(ctx context.Context, cfg *config.Config, log *slog.Logger, out io.Writer, url string, db bool) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if db {
		if cfg.DatabaseURL == "" {
			return fmt.Errorf("healthcheck --db needs DATABASE_URL (the private database is checked by vger serve's /readyz)")
		}
		st, err := store.Open(ctx, cfg.DatabaseURL, store.Options{MaxConns: 1, AppName: "vger-healthcheck"})
		if err != nil {
			return fmt.Errorf("%s", config.Mask(err.Error(), cfg.Secrets()...))
		}
		defer st.Close()
		if _, err := st.CheckSchema(ctx); err != nil {
			return err
		}
		fmt.Fprintln(out, "database ready")
		return nil
	}
	if url == "" {
		url = ReadyURL(cfg)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1024))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %d %s", url, res.StatusCode, strings.TrimSpace(string(body)))
	}
	fmt.Fprintln(out, strings.TrimSpace(string(body)))
	return nil
}
