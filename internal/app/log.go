// Package app is the process around Vger's parts: logging, opening the
// database (private cluster or DATABASE_URL), and running the subcommands
// with graceful shutdown. cmd/vger only parses arguments and calls it.
package app

import (
	"context"
	"io"
	"log/slog"
	"os"

	"golang.org/x/term"

	"github.com/vger-dev/vger/internal/config"
	"github.com/vger-dev/vger/internal/logctx"
)

// NewLogger writes text on a terminal and JSON otherwise (or as
// VGER_LOG_FORMAT says), masking every configured secret.
func NewLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	switch cfg.LogLevel {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: level}
	format := cfg.LogFormat
	if format == "auto" || format == "" {
		format = "json"
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			format = "text"
		}
	}
	var h slog.Handler
	if format == "text" {
		h = slog.NewTextHandler(w, opts)
	} else {
		h = slog.NewJSONHandler(w, opts)
	}
	// Attributes carried by the context (a request's id) join every line.
	return slog.New(logctx.Handler(&maskingHandler{next: h, secrets: cfg.Secrets()}))
}

// maskingHandler replaces secrets in messages and string attributes, so a
// token that reaches an error message still never reaches the log.
type maskingHandler struct {
	next    slog.Handler
	secrets []string
}

func (m *maskingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return m.next.Enabled(ctx, l)
}

func (m *maskingHandler) Handle(ctx context.Context, r slog.Record) error {
	if len(m.secrets) == 0 {
		return m.next.Handle(ctx, r)
	}
	nr := slog.NewRecord(r.Time, r.Level, config.Mask(r.Message, m.secrets...), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		nr.AddAttrs(m.mask(a))
		return true
	})
	return m.next.Handle(ctx, nr)
}

func (m *maskingHandler) mask(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, config.Mask(v.String(), m.secrets...))
	case slog.KindGroup:
		attrs := v.Group()
		out := make([]any, len(attrs))
		for i, g := range attrs {
			out[i] = m.mask(g)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, config.Mask(err.Error(), m.secrets...))
		}
	}
	return a
}

func (m *maskingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		masked[i] = m.mask(a)
	}
	return &maskingHandler{next: m.next.WithAttrs(masked), secrets: m.secrets}
}

func (m *maskingHandler) WithGroup(name string) slog.Handler {
	return &maskingHandler{next: m.next.WithGroup(name), secrets: m.secrets}
}
