package jira

import (
	"encoding/json"
	"fmt"
	"testing"
)

// decodeIssue is what a search page does with one issue of JIRA's answer:
// decode it, map its fields, deduplicate the histories (pages may repeat
// one) and apply them.
func decodeIssue(data []byte, flagField string) (Issue, []rawHistory, error) {
	var r rawIssue
	if err := json.Unmarshal(data, &r); err != nil {
		return Issue{}, nil, err
	}
	is, err := r.toIssue()
	if err != nil {
		return Issue{}, nil, err
	}
	var hs []rawHistory
	if r.Changelog != nil {
		hs = dedupeHistories(r.Changelog.Histories)
	}
	return is, hs, applyHistories(&is, hs, flagField)
}

// A JIRA issue's changelog, whatever the server sends: decoding never
// panics; the status changes come out in time order (then history id and
// item order), each exactly one status item of the input with its from
// and to, so no status the input lacks is ever invented and none is lost;
// the Flagged changes likewise.
func FuzzChangelog(f *testing.F) {
	issue := func(histories string) []byte {
		return []byte(`{"id":"10001","key":"PLAT-1","fields":{"summary":"s","issuetype":{"id":"10"},"status":{"id":"3"},` +
			`"created":"2025-03-01T09:00:00.000+0000","updated":"2025-03-09T09:00:00.000+0000","project":{"key":"PLAT"}},` +
			`"changelog":{"startAt":0,"maxResults":100,"total":9,"histories":[` + histories + `]}}`)
	}
	f.Add(issue(`{"id":"2","created":"2025-03-03T10:00:00.000+0100","items":[{"field":"status","fieldId":"status","from":"1","to":"3"}]},`+
		`{"id":"1","created":"2025-03-02T10:00:00.000+0000","items":[{"field":"Flagged","fieldId":"customfield_10021","toString":"Impediment"},{"field":"status","from":"10","to":"1"}]}`), "customfield_10021")
	f.Add(issue(`{"id":"5","created":"2025-03-03T10:00:00.000+0000","items":[{"field":"status","from":"1","to":"3"},{"field":"status","from":"3","to":"4"}]},`+
		`{"id":"5","created":"2025-03-03T10:00:00.000+0000","items":[{"field":"status","from":"1","to":"3"}]},`+
		`{"id":"4","created":"2025-03-03T10:00:00.000+0000","items":[{"fieldId":"status","from":null,"to":"9"}]}`), "")
	f.Add(issue(`{"id":"x","created":"2025-03-03T10:00:00.000+0000","items":[]}`), "")
	f.Add(issue(`{"id":"7","created":"yesterday","items":[{"field":"status","from":"1","to":"3"}]}`), "")
	f.Add(issue(`{"id":"8","created":"2025-03-03T10:00:00Z","items":[{"field":"Flagged","toString":"  "},{"field":"Flagged","toString":null}]}`), "")
	f.Add([]byte(`{"id":"1","key":"A-1","fields":{"created":"2025-03-01T09:00:00.000+0000","updated":"2025-03-01T09:00:00.000+0000"}}`), "")
	f.Add([]byte(`not json`), "")
	f.Fuzz(func(t *testing.T, data []byte, flagField string) {
		is, hs, err := decodeIssue(data, flagField)
		if err != nil {
			return
		}
		type item struct {
			hid      int64
			seq      int
			from, to string
		}
		statuses := map[item]int{}
		flags := map[item]int{}
		for _, h := range hs {
			hid, _ := h.ID.Int64()
			for i, it := range h.Items {
				k := item{hid: hid, seq: i}
				switch {
				case it.Field == "status" || it.FieldID == "status":
					if it.From != nil {
						k.from = *it.From
					}
					if it.To != nil {
						k.to = *it.To
					}
					statuses[k]++
				case it.Field == "Flagged" || (flagField != "" && it.FieldID == flagField):
					flags[k]++
				}
			}
		}
		for i, c := range is.StatusChanges {
			if i > 0 {
				p := is.StatusChanges[i-1]
				if cmpHistory(p.At, c.At, p.HistoryID, c.HistoryID, p.ItemSeq, c.ItemSeq) > 0 {
					t.Fatalf("status changes out of order at %d: %+v then %+v", i, p, c)
				}
			}
			k := item{hid: c.HistoryID, seq: c.ItemSeq, from: c.From, to: c.To}
			if statuses[k] == 0 {
				t.Fatalf("status change %+v is not in the input (%v)", c, statuses)
			}
			statuses[k]--
		}
		for k, n := range statuses {
			if n != 0 {
				t.Fatalf("status item %+v of the input is lost", k)
			}
		}
		for i, c := range is.FlagChanges {
			if i > 0 {
				p := is.FlagChanges[i-1]
				if cmpHistory(p.At, c.At, p.HistoryID, c.HistoryID, p.ItemSeq, c.ItemSeq) > 0 {
					t.Fatalf("flag changes out of order at %d", i)
				}
			}
			k := item{hid: c.HistoryID, seq: c.ItemSeq}
			if flags[k] == 0 {
				t.Fatalf("flag change %+v is not in the input", c)
			}
			flags[k]--
		}
		for k, n := range flags {
			if n != 0 {
				t.Fatalf("flag item %+v of the input is lost", k)
			}
		}
		// Applying the same histories again gives the same result.
		again := is
		again.StatusChanges, again.FlagChanges = nil, nil
		if err := applyHistories(&again, hs, flagField); err != nil || fmt.Sprint(again) != fmt.Sprint(is) {
			t.Fatalf("applying twice differs: %v", err)
		}
	})
}
