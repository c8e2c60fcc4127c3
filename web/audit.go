package web

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/vger-dev/vger/internal/store"
)

// audit is an entry for a change the request's user makes now; before
// and after are JSON-encoded (nil: none).
func (s *Server) audit(r *http.Request, action, summary string, before, after any) store.AuditEntry {
	actor := []rune(UserFrom(r.Context()).Label())
	if len(actor) > 320 {
		actor = actor[:320]
	}
	if len(actor) == 0 {
		actor = []rune("unknown")
	}
	return store.AuditEntry{At: s.now(), Actor: string(actor), Action: action, Summary: summary,
		Before: jsonOf(before), After: jsonOf(after)}
}

func jsonOf(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	if raw, ok := v.([]byte); ok {
		return raw
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // templ escapes on the page; the log keeps "&" readable
	if err := enc.Encode(v); err != nil {
		return nil
	}
	return bytes.TrimSpace(buf.Bytes())
}
