package web

import (
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
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}
